//! Kata 6: no tail-call elimination, so tail recursion becomes a loop.

use super::heap::count_allocations;
use super::{
    DepthProbe, SAME_DEPTH_SLACK, SMALL_STACK, in_own_process, on_small_stack, stack_use_by_size,
    stack_use_spread,
};
use crate::no_tail_calls::{gcd, gcd_traced, sum_to};
use proptest::prelude::*;
use rstest::rstest;

/// F(93) and F(92): the consecutive Fibonacci numbers that make Euclid take the most rounds
/// for `u64` inputs (91 of them).
const F93: u64 = 12_200_160_415_121_876_738;
const F92: u64 = 7_540_113_804_746_346_429;

/// How far below the caller's own locals `sum_to`'s callback may run: `sum_to`'s frame, the
/// closure's and the probe's, with room to spare for a debug build and a helper or two. A
/// recursion that is only `log2(n)` or 64 frames deep still runs its callback further
/// down than this.
const NEAR_THE_CALLER: usize = 2048;

/// The address of a local of the calling frame.
#[inline(never)]
fn caller_address(marker: &u8) -> usize {
    std::hint::black_box(marker) as *const u8 as usize
}

#[rstest]
#[case::both_zero(0, 0, 0)]
#[case::zero_and_seven(0, 7, 7)]
#[case::seven_and_zero(7, 0, 7)]
#[case::smaller_first(12, 18, 6)]
#[case::larger_first(18, 12, 6)]
#[case::coprime(17, 5, 1)]
#[case::equal_maxima(u64::MAX, u64::MAX, u64::MAX)]
#[case::consecutive_fibonacci(F93, F92, 1)]
#[case::powers_of_two_and_three(3 << 40, 9 << 35, 3 << 35)]
fn finds_the_greatest_common_divisor(#[case] a: u64, #[case] b: u64, #[case] expected: u64) {
    let got = gcd(a, b);
    assert_eq!(
        got, expected,
        "gcd({a}, {b}) gave {got}: Euclid replaces (a, b) by (b, a % b) until b is 0, and a \
         is then the answer"
    );
}

/// `gcd_traced(a, b)` with every round it reports recorded: the gcd, and the rounds' pairs.
fn gcd_with_rounds(a: u64, b: u64) -> (u64, Vec<(u64, u64)>) {
    let mut rounds = Vec::new();
    let got = gcd_traced(a, b, &mut |a, b| rounds.push((a, b)));
    (got, rounds)
}

#[test]
fn reports_each_round_with_the_pair_it_works_on() {
    let (got, rounds) = gcd_with_rounds(12, 18);
    assert_eq!(
        (got, rounds.as_slice()),
        (6, [(12, 18), (18, 12), (12, 6)].as_slice()),
        "gcd_traced(12, 18) returned {got} after the rounds {rounds:?}: each round with b != 0 \
         is reported once, before it replaces (a, b) by (b, a % b)"
    );
}

#[test]
fn no_round_runs_when_b_is_already_zero() {
    let (got, rounds) = gcd_with_rounds(5, 0);
    assert_eq!(
        (got, rounds.as_slice()),
        (5, [].as_slice()),
        "gcd_traced(5, 0) returned {got} after the rounds {rounds:?}: gcd(a, 0) = a is the \
         base case, with nothing to report"
    );
}

#[test]
fn every_round_runs_at_the_same_stack_depth() {
    let mut probe = DepthProbe::default();
    let got = gcd_traced(F93, F92, &mut |_, _| probe.note());
    assert_eq!(got, 1, "gcd_traced(F93, F92) gave {got}");
    assert_eq!(
        probe.calls, 91,
        "gcd_traced(F93, F92) reported {} rounds",
        probe.calls
    );
    assert!(
        probe.spread() <= SAME_DEPTH_SLACK,
        "gcd_traced's 91 rounds ran at stack addresses {} bytes apart: each round went one \
         frame deeper, so gcd is still recursive. Rust does not promise to eliminate tail \
         calls (a debug build never does): update (a, b) in a loop",
        probe.spread()
    );
}

#[test]
fn sums_the_terms_in_order_calling_each_once() {
    let mut asked = Vec::new();
    let got = sum_to(5, |k| {
        asked.push(k);
        k * k
    });
    assert_eq!(
        (got, asked.as_slice()),
        (55, [1, 2, 3, 4, 5].as_slice()),
        "sum_to(5, k²) gave {got} after asking for the terms {asked:?}: 1 + 4 + 9 + 16 + 25, \
         each term asked for once, from k = 1 up"
    );
}

#[test]
fn the_sum_of_no_terms_is_zero() {
    let mut asked = 0;
    let got = sum_to(0, |k| {
        asked += 1;
        k
    });
    assert_eq!(
        (got, asked),
        (0, 0),
        "sum_to(0, _) gave {got} after {asked} calls to term: there are no terms to add"
    );
}

#[test]
fn the_total_is_a_u128_that_cannot_overflow() {
    let got = sum_to(3, |_| u64::MAX);
    assert_eq!(
        got,
        3 * u128::from(u64::MAX),
        "sum_to(3, u64::MAX) gave {got}: add each term as a u128"
    );
}

#[test]
fn every_term_is_asked_for_at_the_same_stack_depth() {
    // 2^21 terms: a recursion that loops over a batch of terms per frame (65,536 a frame
    // fits the ten-million-term test below) still goes 32 frames deep here.
    const N: u64 = 1 << 21;
    let (spread, _) = term_depths(N, false);
    assert!(
        spread <= SAME_DEPTH_SLACK,
        "sum_to asked for its {N} terms at stack addresses {} bytes apart: the accumulator \
         recursion is still there (one frame per term, or per batch of terms), so the depth \
         still grows with n; keep k and the total in variables of one loop instead",
        spread
    );
}

#[test]
fn gcd_traced_keeps_no_list_of_rounds() {
    let mut reported = 0;
    let (got, allocations) = count_allocations(|| {
        gcd_traced(F93, F92, &mut |_, _| {
            reported += 1;
        })
    });
    assert_eq!(
        (got, reported),
        (1, 91),
        "gcd_traced(F93, F92) gave {got} after {reported} rounds"
    );
    assert_eq!(
        allocations, 0,
        "gcd_traced(F93, F92) asked the heap for memory {allocations} times: the rounds were \
         stored and reported afterwards (a recursion that notes its pairs on the way down, \
         then replays them, is still one frame per round). Report each round as the loop \
         reaches it; (a, b) is the loop's whole state, no list is needed"
    );
}

#[test]
fn every_term_is_asked_for_just_below_the_caller() {
    // 2^20 terms: a recursion by halves over 1..=n is 20 frames deep here.
    const N: u64 = 1 << 20;
    let (_, below) = term_depths(N, false);
    assert!(
        below <= NEAR_THE_CALLER,
        "sum_to asked for a term {below} bytes of stack below its caller's frame: the terms \
         are asked for many frames down, so the sum is still a recursion (by halves or in \
         batches, its depth only looks constant). The tail call's arguments k and the total \
         are the state of one loop in sum_to's own frame"
    );
}

#[test]
fn summing_keeps_only_the_running_total_not_the_terms() {
    const N: u64 = 100_000;
    let (got, allocations) = count_allocations(|| sum_to(N, |k| k));
    assert_eq!(
        got,
        u128::from(N) * u128::from(N + 1) / 2,
        "sum_to({N}, k) gave {got}"
    );
    assert_eq!(
        allocations, 0,
        "sum_to({N}, k) asked the heap for memory {allocations} times: the terms were stored \
         before being added, or each tail call was handed back as a boxed thunk for a \
         trampoline to run, so the tail call's arguments never became loop variables. Add \
         each term to the total as it is asked for, in one loop (no heap needed)"
    );
}

#[test]
fn sums_ten_million_terms_on_a_256_kib_stack() {
    in_own_process(
        module_path!(),
        "sums_ten_million_terms_on_a_256_kib_stack",
        "sum_to(10,000,000, k) on a 256 KiB stack",
        || {
            // Where the first term, every 65,536th and the last are asked for: a recursion
            // that loops over a batch of terms per frame (even millions) asks for the terms
            // of each batch a frame deeper than the one before. And the heap it asks for: a
            // trampoline that boxes its tail call once per batch of terms shows here.
            const N: u64 = 10_000_000;
            let ((got, allocations), probe) = on_small_stack(
                "sum_to over 10,000,000 terms with a 256 KiB stack",
                SMALL_STACK,
                || {
                    let mut probe = DepthProbe::default();
                    let got = count_allocations(|| {
                        sum_to(N, |k| {
                            if k % 65_536 == 1 || k == N {
                                probe.note();
                            }
                            k
                        })
                    });
                    (got, probe)
                },
            );
            assert_eq!(
                got, 50_000_005_000_000,
                "sum_to(10,000,000, k) gave {got}: n(n + 1) / 2"
            );
            assert_eq!(
                allocations, 0,
                "sum_to(10,000,000, k) asked the heap for memory {allocations} times: a boxed \
                 thunk (or stored terms) once per batch of terms, so a trampoline runs the tail \
                 calls instead of a loop (boxing only every so many terms hides it from a \
                 small n, not from this one). Keep k and the total in variables of one loop in \
                 sum_to's own frame: no heap is needed"
            );
            assert!(
                probe.spread() <= SAME_DEPTH_SLACK,
                "sum_to(10,000,000, k) asked for its terms at stack addresses {} bytes apart: \
                 the accumulator recursion is still there, a frame per batch of terms (looping \
                 over millions of terms before each tail call still takes n / batch frames, \
                 and 2^64 terms would need trillions). Keep k and the total in variables of \
                 one loop in sum_to's own frame",
                probe.spread()
            );
        },
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn the_gcd_divides_both_and_leaves_coprime_quotients(
        x in 0u64..500,
        y in 0u64..500,
        common in prop_oneof![Just(1u64), 2u64..1000, Just(1 << 40)],
    ) {
        let (a, b) = (x * common, y * common);
        let g = gcd(a, b);
        if g == 0 {
            prop_assert_eq!((a, b), (0, 0), "gcd({}, {}) gave 0, which only gcd(0, 0) may", a, b);
        } else {
            prop_assert!(a % g == 0 && b % g == 0, "gcd({}, {}) = {} does not divide both", a, b, g);
            prop_assert_eq!(gcd(a / g, b / g), 1,
                "gcd({}, {}) = {} is not the greatest: the quotients share a factor", a, b, g);
        }
    }

    #[test]
    fn every_term_is_asked_for_at_the_same_stack_depth_for_any_n(n in 100u64..5_000) {
        let (spread, below) = term_depths(n, true);
        prop_assert!(spread <= SAME_DEPTH_SLACK && below <= NEAR_THE_CALLER,
            "{}", recursive_terms(n, spread, below));
    }
}

/// `sum_to(n, k)` (or, if `near_max`, `sum_to(n, u64::MAX - k)`) with every term's stack
/// address noted: how far apart the terms were asked for, and how far below this function's
/// own frame the deepest one was. Terms near `u64::MAX` leave `u64` at every other term, so
/// a sum that loops with a `u64` total and calls itself for the rest whenever that total
/// would overflow shows too (kept to the small n: such a sum overflows the test's stack).
#[inline(never)]
fn term_depths(n: u64, near_max: bool) -> (usize, usize) {
    let marker = 0u8;
    let caller = caller_address(&marker);
    let mut probe = DepthProbe::default();
    let got = sum_to(n, |k| {
        probe.note();
        if near_max { u64::MAX - k } else { k }
    });
    let ks = u128::from(n) * u128::from(n + 1) / 2;
    let expected = if near_max {
        u128::from(n) * u128::from(u64::MAX) - ks
    } else {
        ks
    };
    assert_eq!(got, expected, "sum_to({n}, _) gave {got}, not {expected}");
    (probe.spread(), caller.saturating_sub(probe.lowest))
}

fn recursive_terms(n: u64, spread: usize, below: usize) -> String {
    format!(
        "sum_to({n}, u64::MAX - k) asked for its terms at stack addresses {spread} bytes \
         apart, down to {below} bytes below its caller: the terms are asked for from a \
         recursion (for small n too, or by halves or in batches, or a call for the rest each \
         time a u64 total would overflow). Keep k and the total in variables of one loop in \
         sum_to's own frame, whatever n is"
    )
}

#[test]
fn every_term_is_asked_for_at_the_same_stack_depth_from_n_1_up() {
    // Every small n, so no size threshold below which a recursion is kept goes unseen.
    for n in 1..100 {
        let (spread, below) = term_depths(n, true);
        assert!(
            spread <= SAME_DEPTH_SLACK && below <= NEAR_THE_CALLER,
            "{}",
            recursive_terms(n, spread, below)
        );
    }
}

#[test]
fn every_round_runs_at_the_same_stack_depth_for_every_fibonacci_pair() {
    // (F(k+1), F(k)) takes k - 1 rounds: every pair from (2, 1) up, small and large alike, so
    // no size threshold below which Euclid is kept recursive goes unseen.
    for (k, (a, b)) in fibonacci_pairs() {
        let mut probe = DepthProbe::default();
        let got = gcd_traced(a, b, &mut |_, _| probe.note());
        assert_eq!(
            (got, probe.calls),
            (1, k - 1),
            "gcd_traced({a}, {b}) gave {got} after {} rounds",
            probe.calls
        );
        assert!(
            probe.spread() <= SAME_DEPTH_SLACK,
            "gcd_traced({a}, {b})'s {} rounds ran at stack addresses {} bytes apart: each round \
             went one frame deeper, so gcd is still recursive for these operands (whatever \
             their size). Update (a, b) in one loop for every pair",
            k - 1,
            probe.spread()
        );
    }
}

/// `(k, (F(k+1), F(k)))` for k = 2 to 92: Euclid takes k - 1 rounds on each pair.
fn fibonacci_pairs() -> impl Iterator<Item = (usize, (u64, u64))> {
    let mut fib = vec![0u64, 1];
    while fib.len() <= 93 {
        fib.push(fib[fib.len() - 1] + fib[fib.len() - 2]);
    }
    (2..=92).map(move |k| (k, (fib[k + 1], fib[k])))
}

#[test]
fn gcd_uses_the_same_stack_for_every_fibonacci_pair() {
    // The most stack gcd and gcd_traced use, from 1 round to 91: a loop's is the same for
    // every pair; a recursion anywhere on the way to the answer (even one that gcd_traced
    // calls after reporting its rounds from a loop) goes a frame deeper per round. Then the
    // pairs (3 * 2^s, 2^s) for s = 1 to 62, with s common factors of 2: taking them out by a
    // recursion (gcd(2a, 2b) = 2 gcd(a, b)) goes a frame deeper per factor.
    let even_pairs = (1..=62).map(|s| ((3u64 << s, 1u64 << s), 1u64 << s));
    let sizes: Vec<(u64, u64, bool, u64)> = fibonacci_pairs()
        .map(|(_, pair)| (pair, 1))
        .chain(even_pairs)
        .flat_map(|((a, b), g)| [(a, b, true, g), (a, b, false, g)])
        .collect();
    let deepest = stack_use_by_size(16 * 1024, &sizes, |(a, b, traced, expected)| {
        let got = if traced {
            gcd_traced(a, b, &mut |_, _| {})
        } else {
            gcd(a, b)
        };
        assert_eq!(got, expected, "gcd({a}, {b}) gave {got}");
    });
    let spread = stack_use_spread(&deepest);
    let by_use = |&&(_, bytes): &&((u64, u64, bool, u64), usize)| bytes;
    let (least, most) = (
        deepest.iter().min_by_key(by_use).copied(),
        deepest.iter().max_by_key(by_use).copied(),
    );
    assert!(
        spread <= SAME_DEPTH_SLACK,
        "gcd and gcd_traced on consecutive Fibonacci numbers and on (3 * 2^s, 2^s) used from \
         {least:?} to {most:?} ((a, b, traced, gcd), bytes of stack): {spread} bytes more for \
         some pairs, so the answer still comes from a recursion, one frame per round or per \
         common factor of 2 (in gcd, or in the value \
         gcd_traced returns, whatever its trace does). Rust does not promise to \
         eliminate tail calls: update (a, b) in one loop, for the answer as for the trace"
    );
}

/// Stops [`first_term_depth`]'s sum at its first term; not a failure.
struct FirstTermSeen;

/// How far below this function's frame `sum_to(n, _)` asks for its first term (the sum is
/// stopped there: the term unwinds with [`FirstTermSeen`]).
#[inline(never)]
fn first_term_depth(n: u64) -> usize {
    let marker = 0u8;
    let caller = caller_address(&marker);
    let mut probe = DepthProbe::default();
    let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sum_to(n, |k| {
            assert_eq!(
                k, 1,
                "sum_to({n}, _) asked for term {k} first: the terms go from k = 1 up"
            );
            probe.note();
            std::panic::resume_unwind(Box::new(FirstTermSeen))
        })
    }));
    match stopped {
        Err(payload) if payload.is::<FirstTermSeen>() => caller.saturating_sub(probe.lowest),
        Err(payload) => std::panic::resume_unwind(payload),
        Ok(total) => panic!(
            "sum_to({n}, _) returned {total} without asking for a term (its first term stops it)"
        ),
    }
}

#[test]
fn the_first_term_is_asked_for_at_the_same_depth_whatever_n() {
    // Up to u64::MAX terms, stopped at the first: a sum that splits 1..=n in halves before
    // looping over small enough chunks reaches its first chunk log2(n / chunk) frames down,
    // whatever the chunk size (51 frames for chunks of 8,192 at u64::MAX). A loop asks for
    // term 1 from sum_to's own frame, for any n.
    let depths: Vec<(u64, usize)> = [1, 2, 99, 8_192, 8_193, 1 << 20, 1 << 32, 1 << 63, u64::MAX]
        .into_iter()
        .map(|n| (n, first_term_depth(n)))
        .collect();
    let below = depths.iter().map(|&(_, below)| below);
    let spread = below.clone().max().unwrap_or(0) - below.min().unwrap_or(0);
    assert!(
        spread <= SAME_DEPTH_SLACK,
        "sum_to asked for its first term at these depths below its caller, as (n, bytes): \
         {depths:?}: deeper for a larger n, so the sum is a recursion (by halves down to \
         chunks summed in a loop, or any split of 1..=n) that only looks flat at the sizes a \
         probe of every term can afford. Keep k and the total in variables of one loop in \
         sum_to's own frame, whatever n is"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): Euclid's
/// rounds over the whole `u64` range (the visible pairs are small multiples), and sums of
/// terms anywhere in `u64` whose total leaves it.
#[cfg(feature = "held-out")]
mod held_out {
    use super::*;

    /// Pairs mixing the edges (0, 1, `u64::MAX`), small numbers and any `u64`.
    fn operand() -> impl Strategy<Value = u64> {
        prop_oneof![
            Just(0u64),
            Just(1u64),
            Just(u64::MAX),
            0u64..100,
            any::<u64>(),
        ]
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn the_rounds_are_euclids_for_any_pair(a in operand(), b in operand()) {
            let mut expected = Vec::new();
            let (mut x, mut y) = (a, b);
            while y != 0 {
                expected.push((x, y));
                (x, y) = (y, x % y);
            }
            let (got, rounds) = super::gcd_with_rounds(a, b);
            prop_assert_eq!((got, &rounds), (x, &expected),
                "gcd_traced({}, {}) returned {} after the rounds {:?}: each round with b != 0 is \
                 reported with its pair, then (a, b) becomes (b, a % b); the last a is the gcd",
                a, b, got, &rounds);
            prop_assert_eq!(gcd(a, b), x, "gcd({}, {}) disagrees with gcd_traced", a, b);
        }

        #[test]
        fn sums_terms_anywhere_in_u64_once_each_in_order(
            n in 0u64..300,
            terms in prop::collection::vec(prop_oneof![Just(u64::MAX), any::<u64>()], 1..8),
        ) {
            let term_of = |k: u64| terms[(k.wrapping_sub(1) % terms.len() as u64) as usize];
            let expected: u128 = (1..=n).map(|k| u128::from(term_of(k))).sum();
            let mut asked = Vec::new();
            let got = sum_to(n, |k| {
                asked.push(k);
                term_of(k)
            });
            prop_assert_eq!(got, expected,
                "sum_to({}, _) gave {} instead of {}: every term added as a u128", n, got, expected);
            prop_assert_eq!(&asked, &(1..=n).collect::<Vec<u64>>(),
                "sum_to({}, _) asked for the terms {:?}: each k from 1 to n once, in order", n, &asked);
        }
    }
}
