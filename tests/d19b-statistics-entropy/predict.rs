//! Kata 6: untemper the Mersenne Twister's outputs and clone it from 624 of them.
//!
//! These tests use kata 5's `Mt19937` as the victim: solve `mersenne_twister` first.

use crate::mersenne_twister::{Mt19937, STATE_WORDS};
use crate::predict::*;
use proptest::prelude::*;
use rstest::rstest;

/// The Mersenne Twister's output tempering (kata 5's brief), which `untemper` inverts.
fn temper(mut y: u32) -> u32 {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c_5680;
    y ^= (y << 15) & 0xefc6_0000;
    y ^ (y >> 18)
}

fn outputs(generator: &mut Mt19937, n: usize) -> Vec<u32> {
    (0..n).map(|_| generator.next_u32()).collect()
}

/// Clones `victim` from its next 624 outputs and checks the clone's next `ahead` outputs.
fn assert_clone_predicts(mut victim: Mt19937, what: &str, ahead: usize) {
    let seen = outputs(&mut victim, STATE_WORDS);
    let clone = clone_from_outputs(&seen);
    let Ok(mut clone) = clone else {
        panic!("clone_from_outputs of 624 outputs of {what} gave {clone:?}: 624 outputs are enough")
    };
    let (predicted, actual) = (outputs(&mut clone, ahead), outputs(&mut victim, ahead));
    let first_miss = predicted.iter().zip(&actual).position(|(p, a)| p != a);
    assert_eq!(
        first_miss, None,
        "the clone of {what} mispredicted output {first_miss:?} after the 624 it saw: untemper \
         each output into a state word, and the 624 words are the whole state, whatever the \
         seed was"
    );
}

#[rstest]
// Python: random.seed(42); random.getrandbits(32); random.getstate()[1][0] == 2468570525
#[case::the_first_output_of_python_seed_42(2_746_317_213, 2_468_570_525)]
// temper(1) == 4194449, temper(0x80000000) == 2282758660, temper(0xffffffff) == 1876958200
#[case::the_lowest_bit(4_194_449, 1)]
#[case::the_highest_bit(2_282_758_660, 0x8000_0000)]
#[case::all_bits(1_876_958_200, 0xffff_ffff)]
#[case::zero(0, 0)]
fn untemper_recovers_known_state_words(#[case] output: u32, #[case] word: u32) {
    let got = untemper(output);
    assert_eq!(
        got, word,
        "untemper({output}) gave {got:#010x}, the state word was {word:#010x}: undo the four \
         tempering steps in reverse order, each one completely"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn untemper_inverts_temper_for_every_word(
        x in prop_oneof![any::<u32>(), (0..32u32).prop_map(|bit| 1 << bit), Just(u32::MAX)],
    ) {
        let back = untemper(temper(x));
        prop_assert_eq!(back, x,
            "untemper(temper({:#010x})) gave {:#010x}: a one-step inverse of y ^= y >> 11 or \
             y ^= (y << 7) & mask is only right when the bits it overwrites happen to be 0",
            x, back);
    }
}

#[test]
fn a_clone_of_python_seed_42_predicts_its_next_outputs() {
    // random.seed(42); v = [random.getrandbits(32) for _ in range(625)]; v[624] == 1071722055
    let mut victim = Mt19937::from_key(&[42]);
    let seen = outputs(&mut victim, STATE_WORDS);
    let next = clone_from_outputs(&seen).map(|mut clone| clone.next_u32());
    assert_eq!(
        next,
        Ok(1_071_722_055),
        "after seeing Python's first 624 outputs of random.seed(42), the clone's next output \
         was {next:?}; Python's 625th is 1071722055"
    );
}

#[test]
fn a_clone_of_a_generator_with_a_64_bit_seed_predicts_a_thousand_outputs() {
    // random.seed(0x7F4A7C15_9E3779B9): far too many seeds to search
    assert_clone_predicts(
        Mt19937::from_key(&[0x9E37_79B9, 0x7F4A_7C15]),
        "from_key(&[0x9E3779B9, 0x7F4A7C15])",
        1_000,
    );
}

#[test]
fn a_clone_of_a_generator_from_an_arbitrary_state_predicts_it() {
    let state: [u32; STATE_WORDS] =
        std::array::from_fn(|i| (i as u32).wrapping_mul(0x0808_8405).rotate_left(13) ^ 0xA5A5_A5A5);
    assert_clone_predicts(
        Mt19937::from_state(state),
        "a generator no seed produces",
        1_000,
    );
}

#[test]
fn a_window_deep_inside_the_stream_is_enough() {
    let mut victim = Mt19937::new(5489);
    outputs(&mut victim, 1_000); // the attacker starts watching late, mid-twist
    assert_clone_predicts(victim, "Mt19937::new(5489) after 1,000 outputs", 700);
}

#[rstest]
#[case::seven_hundred_of_its_own(0)]
#[case::another_generators_in_front(76)]
fn the_clone_continues_after_the_last_output_it_was_given(#[case] foreign: usize) {
    let mut victim = Mt19937::from_key(&[7]);
    let mut seen = outputs(&mut Mt19937::new(1), foreign);
    seen.extend(outputs(&mut victim, 700 - foreign));
    // A whole twist ahead: every word of the clone's state is used.
    let next = clone_from_outputs(&seen).map(|mut clone| outputs(&mut clone, 700));
    let actual = outputs(&mut victim, 700);
    let first_miss = next
        .as_ref()
        .map(|next| next.iter().zip(&actual).position(|(p, a)| p != a));
    assert_eq!(
        first_miss,
        Ok(None),
        "given 700 outputs ({foreign} of another generator, then the victim's), the clone's \
         next 700 outputs first differed from the victim's at {first_miss:?} (Ok(None): none \
         differ): \
         rebuild the state from the last 624 outputs (whatever came before them) so the clone \
         continues the stream where the slice ends"
    );
}

#[rstest]
#[case::one_short(623)]
#[case::a_single_output(1)]
#[case::none(0)]
fn fewer_than_624_outputs_is_an_error(#[case] got: usize) {
    let seen = outputs(&mut Mt19937::new(1), got);
    let result = clone_from_outputs(&seen).map(|_| ());
    assert_eq!(
        result,
        Err(CloneError::TooFewOutputs { needed: 624, got }),
        "clone_from_outputs of {got} outputs gave {result:?}: each output reveals one of the \
         624 state words, so fewer than 624 cannot determine the state"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): clones of
/// generators seeded with any key, watched from any point of their stream (mid-twist
/// included).
#[cfg(feature = "held-out")]
mod held_out {
    use super::{Mt19937, assert_clone_predicts, outputs};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn a_clone_of_any_generator_watched_from_any_point_predicts_it(
            key in prop::collection::vec(any::<u32>(), 1..5),
            skipped in prop_oneof![Just(0_usize), 0_usize..2_000],
        ) {
            let mut victim = Mt19937::from_key(&key);
            outputs(&mut victim, skipped);
            assert_clone_predicts(
                victim,
                &format!("from_key({key:?}) after {skipped} outputs"),
                100,
            );
        }
    }
}
