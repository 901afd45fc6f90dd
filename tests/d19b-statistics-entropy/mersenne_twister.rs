//! Kata 5: the Mersenne Twister, bit for bit.
//!
//! The pinned outputs come from the reference implementation's published test output
//! (`mt19937ar.out` by Matsumoto and Nishimura, and the C++ standard's check of
//! `std::mt19937`) and from CPython 3.11; the comment next to each names its source.

use std::num::NonZeroU32;

use crate::mersenne_twister::{Mt19937, STATE_WORDS};
use rstest::rstest;

fn outputs(mut generator: Mt19937, n: usize) -> Vec<u32> {
    (0..n).map(|_| generator.next_u32()).collect()
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("the tests only pass non-zero bounds")
}

#[test]
fn init_genrand_5489_gives_the_reference_first_output() {
    // std::mt19937 default-seeded (5489): first output 3499211612
    let got = Mt19937::new(5489).next_u32();
    assert_eq!(
        got, 3_499_211_612,
        "Mt19937::new(5489).next_u32() gave {got}: the reference generator gives 3499211612; \
         check init_genrand's multiplier 1812433253 and that the first draw twists"
    );
}

#[test]
fn init_genrand_5489_gives_the_reference_ten_thousandth_output() {
    // The C++ standard ([rand.predef]): the 10000th output of a default std::mt19937 is 4123659995
    let got = outputs(Mt19937::new(5489), 10_000)[9_999];
    assert_eq!(
        got, 4_123_659_995,
        "the 10,000th output of Mt19937::new(5489) was {got}, the reference gives 4123659995: \
         the first 624 outputs come from one twist, so an error in the twist's wrap-around \
         (indices mod 624) shows up only in later ones"
    );
}

#[test]
fn init_by_array_gives_the_reference_outputs() {
    // mt19937ar.out: init_by_array({0x123, 0x234, 0x345, 0x456}), first five genrand_int32()
    let got = outputs(Mt19937::from_key(&[0x123, 0x234, 0x345, 0x456]), 5);
    assert_eq!(
        got,
        [
            1_067_595_299,
            955_945_823,
            477_289_528,
            4_107_218_783,
            4_228_976_476
        ],
        "from_key(&[0x123, 0x234, 0x345, 0x456]) gave {got:?}: these are the reference \
         outputs of init_by_array; follow the brief's two mixing loops step by step"
    );
}

#[rstest]
// random.seed(42); [random.getrandbits(32) for _ in range(5)]
#[case::the_articles_seed_42(&[42], [2_746_317_213, 478_163_327, 107_420_369, 3_184_935_163, 1_181_241_943])]
// random.seed(0); [random.getrandbits(32) for _ in range(5)]
#[case::seed_0_is_the_key_0(&[0], [3_626_764_237, 1_654_615_998, 3_255_389_356, 3_823_568_514, 1_806_341_205])]
// random.seed(5489); [random.getrandbits(32) for _ in range(5)] (not init_genrand(5489)!)
#[case::seed_5489(&[5489], [3_382_763_572, 956_215_839, 417_760_592, 166_104_981, 4_181_578_304])]
// random.seed(2**32 + 5); [random.getrandbits(32) for _ in range(5)]: the key is [5, 1]
#[case::seed_past_two_to_the_32(&[5, 1], [675_479_763, 2_085_189_291, 1_213_270_837, 3_822_202_474, 2_596_110_301])]
fn from_key_reproduces_pythons_random_seed(#[case] key: &[u32], #[case] want: [u32; 5]) {
    let got = outputs(Mt19937::from_key(key), 5);
    assert_eq!(
        got, want,
        "from_key({key:?}) gave {got:?}, Python's random.seed + getrandbits(32) gives {want:?}: \
         random.seed(n) runs init_by_array on n's 32-bit words, not init_genrand(n)"
    );
}

#[test]
fn python_seed_42_keeps_matching_across_twists() {
    // random.seed(42); v = [random.getrandbits(32) for _ in range(1000)]; v[623:627], v[999]
    let got = outputs(Mt19937::from_key(&[42]), 1_000);
    let window = (&got[623..627], got[999]);
    assert_eq!(
        window,
        (
            &[2_929_454_134, 1_071_722_055, 2_864_457_210, 441_495_235][..],
            4_212_168_831
        ),
        "outputs 624 to 627 and 1000 of random.seed(42) were {window:?}: the second twist must \
         use the words the first one produced"
    );
}

#[test]
fn an_empty_key_seeds_like_the_key_zero() {
    // random.seed(0) uses the one-word key [0]; an empty key has no word to read.
    let (empty, zero) = (
        outputs(Mt19937::from_key(&[]), 3),
        outputs(Mt19937::from_key(&[0]), 3),
    );
    assert_eq!(
        empty, zero,
        "from_key(&[]) gave {empty:?} but from_key(&[0]) gave {zero:?}: an empty key must seed \
         like [0] (init_by_array would read past the end of an empty key)"
    );
}

#[test]
fn from_state_twists_the_given_state_before_the_first_draw() {
    // s = [(i * 2654435761) % 2**32 for i in range(624)]; r = random.Random();
    // r.setstate((3, tuple(s) + (624,), None)); [r.getrandbits(32) for _ in range(3)]
    let state: [u32; STATE_WORDS] = std::array::from_fn(|i| (i as u32).wrapping_mul(2_654_435_761));
    let got = outputs(Mt19937::from_state(state), 3);
    assert_eq!(
        got,
        [161_983_748, 3_992_629_480, 2_007_671_494],
        "Mt19937::from_state(s) gave {got:?}: a generator built from a state starts as if just \
         seeded, so its first draw twists s and tempers the new word 0"
    );
}

#[test]
fn random_random_is_53_bits_from_two_draws() {
    // random.seed(42); [random.random() for _ in range(3)]
    let mut generator = Mt19937::from_key(&[42]);
    let got: Vec<f64> = (0..3).map(|_| generator.next_f64()).collect();
    assert_eq!(
        got,
        [
            0.639_426_798_457_883_7,
            0.025_010_755_222_666_936,
            0.275_029_318_369_119_26
        ],
        "next_f64 after from_key(&[42]) gave {got:?}: random.random() takes the top 27 bits of \
         one draw and the top 26 of the next, (a * 2^26 + b) / 2^53"
    );
}

#[test]
fn the_articles_dice_roll_is_reproduced() {
    // random.seed(42); [random.randint(1, 6) for _ in range(10)]
    let mut generator = Mt19937::from_key(&[42]);
    let got: Vec<u32> = (0..10)
        .map(|_| 1 + generator.randbelow(nonzero(6)))
        .collect();
    assert_eq!(
        got,
        [6, 1, 1, 6, 3, 2, 2, 2, 6, 1],
        "1 + randbelow(6) after from_key(&[42]) gave {got:?}: Python's randint(1, 6) takes the \
         top 3 bits of a draw and rejects 6 and 7; a modulo would give different (and biased) \
         rolls"
    );
}

#[rstest]
// r = random.Random(42); [r._randbelow(1000) for _ in range(5)]
#[case::a_thousand(1000, &[654, 114, 25, 759, 281])]
// r = random.Random(42); [r._randbelow(2**32 - 1) for _ in range(3)]: all 32 bits, no shift
#[case::the_widest_bound(u32::MAX, &[2_746_317_213, 478_163_327, 107_420_369])]
// r = random.Random(42); [r._randbelow(1) for _ in range(3)]
#[case::one_is_always_zero(1, &[0, 0, 0])]
fn randbelow_matches_pythons_rejection_sampling(#[case] n: u32, #[case] want: &[u32]) {
    let mut generator = Mt19937::from_key(&[42]);
    let got: Vec<u32> = want
        .iter()
        .map(|_| generator.randbelow(nonzero(n)))
        .collect();
    assert_eq!(
        got, want,
        "randbelow({n}) after from_key(&[42]) gave {got:?}: take the top bit_length(n) bits of \
         each draw and draw again while the result is >= n"
    );
}

#[test]
fn randbelow_one_consumes_draws_until_the_top_bit_is_zero() {
    // r = random.Random(42); [r._randbelow(1) for _ in range(3)]; r.getrandbits(32) == 1051802512
    let mut generator = Mt19937::from_key(&[42]);
    for _ in 0..3 {
        generator.randbelow(nonzero(1));
    }
    let next = generator.next_u32();
    assert_eq!(
        next, 1_051_802_512,
        "after three randbelow(1) the next draw was {next}: even a bound of 1 draws one bit \
         per try and rejects 1s, exactly as Python does, so both stay in step"
    );
}
