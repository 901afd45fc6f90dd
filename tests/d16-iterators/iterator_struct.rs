//! Kata 1: a hand-written `Iterator` struct for the Fibonacci numbers.

use crate::iterator_struct::Fibonacci;
use proptest::prelude::*;
use rstest::rstest;

use super::heap::peak_heap;

/// The largest Fibonacci number that fits in a `u64` (F93); F94 would overflow.
const LARGEST_U64_FIBONACCI: u64 = 12_200_160_415_121_876_738;

/// At most this many items are taken from a stream under test: no `u64` Fibonacci stream
/// has more than 94 numbers, and a stream that never ends must fail fast, not fill memory.
const CAP: usize = 100;

#[rstest]
#[case::zero_yields_only_zero(0, &[0])]
#[case::one_yields_both_ones(1, &[0, 1, 1])]
#[case::limit_between_two_numbers(4, &[0, 1, 1, 2, 3])]
#[case::the_limit_itself_is_included(55, &[0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55])]
#[case::the_articles_example(50, &[0, 1, 1, 2, 3, 5, 8, 13, 21, 34])]
fn yields_the_fibonacci_numbers_up_to_an_inclusive_limit(
    #[case] limit: u64,
    #[case] expected: &[u64],
) {
    let got: Vec<u64> = Fibonacci::new(limit).take(CAP).collect();
    assert_eq!(
        got, expected,
        "Fibonacci::new({limit}) yielded {got:?}: it must hand out every Fibonacci number \
         from 0 up to and including the limit, and stop there"
    );
}

#[test]
fn next_hands_out_one_number_per_call_then_none() {
    let mut fib = Fibonacci::new(2);
    let calls: Vec<Option<u64>> = (0..5).map(|_| fib.next()).collect();
    assert_eq!(
        calls,
        [Some(0), Some(1), Some(1), Some(2), None],
        "five calls of next() on Fibonacci::new(2) gave {calls:?}: each call must compute \
         exactly one number from the stored state, and return None past the limit"
    );
}

#[test]
fn stops_at_the_largest_fibonacci_number_that_fits_in_u64() {
    let got: Vec<u64> = Fibonacci::new(u64::MAX).take(CAP).collect();
    assert_eq!(
        (got.len(), got.last().copied()),
        (94, Some(LARGEST_U64_FIBONACCI)),
        "with the limit u64::MAX the stream gave {} numbers ending in {:?}: F0..=F93 fit in \
         a u64, so it must end after 94 numbers with F93 instead of overflowing \
         (compute the next number with checked_add)",
        got.len(),
        got.last()
    );
}

#[test]
fn stays_exhausted_once_it_has_returned_none() {
    let mut fib = Fibonacci::new(u64::MAX);
    fib.by_ref().take(CAP).for_each(drop);
    let after: Vec<Option<u64>> = (0..3).map(|_| fib.next()).collect();
    assert_eq!(
        after,
        [None, None, None],
        "after the stream ended, next() gave {after:?}: like a spent Python iterator that \
         raises StopIteration forever, a FusedIterator must keep returning None"
    );
}

#[test]
fn promises_to_stay_exhausted_by_implementing_fused_iterator() {
    #[allow(unused_imports)] // needed only where the type is not fused
    use super::NotFused as _;
    let mut stream = Fibonacci::new(3);
    let walked: Vec<Option<u64>> = (0..8).map(|_| stream.next()).collect();
    let fused = super::FusedProbe::<Fibonacci>(std::marker::PhantomData).is_fused();
    assert_eq!(
        walked,
        [
            Some(0),
            Some(1),
            Some(1),
            Some(2),
            Some(3),
            None,
            None,
            None
        ],
        "eight calls of next() on Fibonacci::new(3) gave {walked:?}: five numbers, then None \
         for ever"
    );
    assert!(
        fused,
        "Fibonacci does not implement std::iter::FusedIterator: a stream that keeps returning \
         None after its end says so with `impl FusedIterator for Fibonacci {{}}`, so that \
         `.fuse()` costs nothing and callers may rely on it"
    );
}

#[test]
fn a_stream_is_not_copy_so_a_walk_by_value_spends_it() {
    #[allow(unused_imports)] // needed only where the type is Copy
    use super::NotCopy as _;
    let mut stream = Fibonacci::new(5);
    let spent = stream.by_ref().take(CAP).count();
    let copy = super::CopyProbe::<Fibonacci>(std::marker::PhantomData).is_copy();
    assert_eq!(spent, 6, "Fibonacci::new(5) must yield 0, 1, 1, 2, 3, 5");
    assert!(
        !copy,
        "Fibonacci is Copy: `let f = Fibonacci::new(n); f.count(); f.collect()` then compiles \
         and the second pass silently walks a copy from the start, so a stream used by value is \
         never spent nor moved and \"a stream is spent after one pass\" turns into \"walk it as \
         often as you like\"; an iterator may be Clone (an explicit .clone(), or restart) but not \
         Copy (std's range iterators are not Copy for this reason)"
    );
}

#[test]
fn holds_the_state_of_one_step_not_a_table_of_numbers() {
    let count = Fibonacci::new(u64::MAX).take(CAP).count();
    assert_eq!(count, 94, "Fibonacci::new(u64::MAX) must yield 94 numbers");
    let size = std::mem::size_of::<Fibonacci>();
    assert!(
        size <= 64,
        "Fibonacci is {size} bytes: an iterator holds only what the next step needs (two \
         numbers and the limit, a few dozen bytes), not a precomputed table of the 94 numbers \
         ([u64; 94] is 752 bytes); compute each number in next()"
    );
}

#[test]
fn runs_without_touching_the_heap() {
    let (sum, heap) = peak_heap(|| {
        Fibonacci::new(u64::MAX)
            .take(CAP)
            .map(u128::from)
            .sum::<u128>()
    });
    assert_eq!(
        sum, 31_940_434_634_990_099_904,
        "the 94 u64 Fibonacci numbers must sum to F95 - 1"
    );
    assert_eq!(
        heap, 0,
        "walking the whole stream allocated {heap} bytes of heap: an iterator keeps only \
         the state of the next step (two numbers and the limit), not the numbers it produced"
    );
    // Every limit where a stream's length changes, every power of two, from three starts.
    let fibonacci = super::fibonacci_numbers();
    let limits = fibonacci
        .iter()
        .flat_map(|&f| [f.saturating_sub(1), f, f.saturating_add(1)])
        .chain((0..64).map(|bit| 1_u64 << bit))
        .chain([u64::MAX]);
    for limit in limits {
        for (first, second) in [(0, 1), (2, 1), (5, 5)] {
            let (count, heap) = peak_heap(|| {
                Fibonacci::starting_with(first, second, limit)
                    .take(CAP)
                    .count()
            });
            assert_eq!(
                heap, 0,
                "building and walking Fibonacci::starting_with({first}, {second}, {limit}) ({count} \
                 numbers) allocated {heap} bytes of heap: at every limit, short streams too, \
                 next() computes each number from the two before it; listing a stream up front \
                 (in a Vec the struct holds) is a table, not an iterator"
            );
        }
    }
}

#[test]
fn restart_rewinds_a_stream_half_way_through_to_zero() {
    let mut stream = Fibonacci::new(100);
    let head: Vec<u64> = stream.by_ref().take(6).collect();
    stream.restart();
    let again: Vec<u64> = stream.by_ref().take(6).collect();
    assert_eq!(
        (head, again),
        (vec![0, 1, 1, 2, 3, 5], vec![0, 1, 1, 2, 3, 5]),
        "after restart the stream must begin again at 0: a struct can offer what a closure \
         cannot, a method that resets its state"
    );
}

#[test]
fn restart_revives_a_finished_stream_with_the_same_limit() {
    let mut stream = Fibonacci::new(5);
    let first: Vec<u64> = stream.by_ref().take(CAP).collect();
    stream.restart();
    let second: Vec<u64> = stream.by_ref().take(CAP).collect();
    assert_eq!(
        second, first,
        "a finished Fibonacci::new(5) restarted gave {second:?}: restart rewinds to 0 and \
         keeps the limit 5, so the same stream comes out again"
    );
}

#[test]
fn restart_rewinds_to_the_two_numbers_it_started_with() {
    let mut stream = Fibonacci::starting_with(2, 1, 100);
    let head: Vec<u64> = stream.by_ref().take(3).collect();
    stream.restart();
    let again: Vec<u64> = stream.by_ref().take(4).collect();
    assert_eq!(
        (head, again),
        (vec![2, 1, 3], vec![2, 1, 3, 4]),
        "Fibonacci::starting_with(2, 1, 100) restarted must begin again at 2, 1: restart \
         rewinds to the numbers the stream started with, not to 0, 1"
    );
}

#[rstest]
#[case::lucas_numbers(2, 1, 20, &[2, 1, 3, 4, 7, 11, 18])]
#[case::an_equal_pair(5, 5, 30, &[5, 5, 10, 15, 25])]
#[case::the_limit_inclusive(3, 4, 11, &[3, 4, 7, 11])]
#[case::a_first_number_above_the_limit(9, 1, 5, &[])]
#[case::a_dip_then_a_sum_above_the_limit(5, 1, 5, &[5, 1])]
fn starts_from_any_two_numbers_with_the_same_rule(
    #[case] first: u64,
    #[case] second: u64,
    #[case] limit: u64,
    #[case] expected: &[u64],
) {
    let (got, after) = walk_to_the_end(Fibonacci::starting_with(first, second, limit));
    assert_eq!(
        got, expected,
        "Fibonacci::starting_with({first}, {second}, {limit}) yielded {got:?}: it must hand out \
         {first}, {second}, then each number the sum of the two before it, ending at the first \
         number above the limit"
    );
    assert_eq!(
        after,
        [None, None, None],
        "Fibonacci::starting_with({first}, {second}, {limit}) gave {after:?} after its first \
         None: the stream ends at the first number above the limit, even when a later one \
         would dip below it, and a FusedIterator returns None for ever; compare with the limit \
         before moving the state on, and stay at the end"
    );
}

/// Walks `stream` up to its first `None` (at most `CAP` items), then calls `next` three times.
fn walk_to_the_end(mut stream: Fibonacci) -> (Vec<u64>, Vec<Option<u64>>) {
    let got: Vec<u64> = stream.by_ref().take(CAP).collect();
    let after = (0..3).map(|_| stream.next()).collect();
    (got, after)
}

#[rstest]
#[case::two_sums_from_the_top(u64::MAX - 5, 3, &[u64::MAX - 5, 3, u64::MAX - 2])]
#[case::the_top_and_zero(u64::MAX, 0, &[u64::MAX, 0, u64::MAX, u64::MAX])]
#[case::half_and_half(u64::MAX / 2, u64::MAX / 2, &[u64::MAX / 2, u64::MAX / 2, u64::MAX - 1])]
#[case::a_sum_of_exactly_the_top(u64::MAX - 1, 1, &[u64::MAX - 1, 1, u64::MAX])]
#[case::halves_summing_to_the_top(u64::MAX / 2, u64::MAX / 2 + 1, &[u64::MAX / 2, u64::MAX / 2 + 1, u64::MAX])]
fn ends_where_the_next_sum_would_overflow_not_after_a_fixed_count(
    #[case] first: u64,
    #[case] second: u64,
    #[case] expected: &[u64],
) {
    let got: Vec<u64> = Fibonacci::starting_with(first, second, u64::MAX)
        .take(CAP)
        .collect();
    assert_eq!(
        got,
        expected,
        "Fibonacci::starting_with({first}, {second}, u64::MAX) yielded {} numbers, {:?}: the \
         next sum after the last expected one does not fit in a u64, so the stream must end \
         there; stopping after a fixed count (94 fits only from 0, 1) or adding with \
         wrapping_add hands out garbage: detect the overflow with checked_add (a sum of \
         exactly u64::MAX fits and is handed out; treating it as the overflow drops a real number)",
        got.len(),
        &got[..got.len().min(8)]
    );
}

#[test]
fn from_two_zeros_the_stream_gives_zeros_for_ever() {
    let zeros = Fibonacci::starting_with(0, 0, 0)
        .take(10_000)
        .filter(|&n| n == 0)
        .count();
    assert_eq!(
        zeros, 10_000,
        "Fibonacci::starting_with(0, 0, 0).take(10_000) gave {zeros} zeros: 0 + 0 never \
         overflows and never passes the limit, so the stream never ends; the end comes from \
         checked_add failing or the limit, not from a count of steps worked out up front"
    );
}

/// A start `first, second` (both nonzero) whose stream reaches a sum of exactly `u64::MAX`
/// after `back` steps or fewer: the rule walked backwards from `top_second, u64::MAX`.
fn start_reaching_the_top(top_second: u64, back: usize) -> (u64, u64) {
    let (mut first, mut second) = (u64::MAX - top_second, top_second);
    for _ in 0..back {
        match second.checked_sub(first) {
            Some(before) if before > 0 => (first, second) = (before, first),
            _ => break,
        }
    }
    (first, second)
}

/// The stream from `first, second` up to `limit`, computed in `u128` without the code under test.
fn reference_stream(first: u64, second: u64, limit: u64) -> Vec<u64> {
    let (mut current, mut following) = (u128::from(first), u128::from(second));
    let mut numbers = Vec::new();
    while numbers.len() < CAP {
        match u64::try_from(current) {
            Ok(n) if n <= limit => numbers.push(n),
            _ => break,
        }
        (current, following) = (following, current + following);
    }
    numbers
}

#[rstest]
#[case::the_classic_start_shifted_by_one(1, 1)]
#[case::the_classic_start_doubled(0, 2)]
#[case::the_classic_start_shifted_by_two(1, 2)]
#[case::the_lucas_numbers(2, 1)]
fn a_start_like_the_classic_one_ends_at_its_own_overflow(#[case] first: u64, #[case] second: u64) {
    let (got, _) = walk_to_the_end(Fibonacci::starting_with(first, second, u64::MAX));
    let expected = reference_stream(first, second, u64::MAX);
    assert!(
        got == expected,
        "Fibonacci::starting_with({first}, {second}, u64::MAX) yielded {} numbers, ending at \
         {:?}; the rule gives {}, ending at {:?}, where the next sum no longer fits in a u64: \
         the end comes from checked_add failing, not from a count of steps (94 fits only from \
         0, 1)",
        got.len(),
        got.last(),
        expected.len(),
        expected.last()
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn ends_exactly_where_a_sum_overflows_from_any_start(
        first in 1_u64..,
        second in any::<u64>(),
        limit in prop_oneof![Just(u64::MAX), any::<u64>()],
        top_second in 1_u64..u64::MAX,
        back in 0_usize..6,
    ) {
        // The random start, and one whose stream has a sum of exactly u64::MAX from two
        // nonzero numbers (a number that fits and must be handed out).
        let (top_first, top_second) = start_reaching_the_top(top_second, back);
        for (first, second, limit) in [(first, second, limit), (top_first, top_second, u64::MAX)] {
            let (got, after) = walk_to_the_end(Fibonacci::starting_with(first, second, limit));
            let expected = reference_stream(first, second, limit);
            prop_assert_eq!(&got, &expected,
                "Fibonacci::starting_with({}, {}, {}) differs from the rule: each number the sum of \
                 the two before it, ending at the first one above the limit or the first sum that \
                 does not fit in a u64 (checked_add), never after a fixed count",
                first, second, limit);
            prop_assert_eq!(&after, &vec![None, None, None],
                "Fibonacci::starting_with({}, {}, {}) gave {:?} after its first None: once None, \
                 always None (FusedIterator), also when a later number would dip below the limit",
                first, second, limit, &after);
        }
    }

    #[test]
    fn each_number_is_the_sum_of_the_two_before_it(
        limit in super::interesting_limits()
    ) {
        let got: Vec<u64> = Fibonacci::new(limit).take(CAP).collect();
        prop_assert_eq!(&got[..got.len().min(2)], &[0, 1][..got.len().min(2)],
            "the stream for limit {} began {:?}: it must start 0, 1", limit, &got);
        for window in got.windows(3) {
            prop_assert_eq!(u128::from(window[2]), u128::from(window[0]) + u128::from(window[1]),
                "for limit {} the stream has {:?} in a row: each number must be the sum of \
                 the two before it", limit, window);
        }
        prop_assert!(got.iter().all(|&n| n <= limit),
            "for limit {} the stream yielded {:?}: nothing above the limit may appear", limit, got);
        let following = got.iter().rev().take(2).map(|&n| u128::from(n)).sum::<u128>();
        let mut spent = Fibonacci::new(limit);
        spent.by_ref().take(CAP).for_each(drop);
        let after: Vec<Option<u64>> = (0..3).map(|_| spent.next()).collect();
        prop_assert_eq!(&after, &vec![None, None, None],
            "for limit {} next() gave {:?} after the stream had ended: once None, always None",
            limit, &after);
        prop_assert!(got.len() < 2 || following > u128::from(limit),
            "for limit {} the stream stopped at {:?}, but the next number {} is still within \
             the limit: the stream ended too early", limit, got.last(), following);
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the same
/// contract, over every `u64` limit rather than the interesting ones.
#[cfg(feature = "held-out")]
mod held_out {
    use super::super::{check_fibonacci_up_to, fibonacci_numbers};
    use crate::iterator_struct::Fibonacci;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn one_below_a_fibonacci_number_leaves_that_number_out(n in 3_usize..=93) {
            let fib = fibonacci_numbers();
            let limit = fib[n] - 1;
            let got: Vec<u64> = Fibonacci::new(limit).take(super::CAP).collect();
            prop_assert_eq!(got.last().copied(), Some(fib[n - 1]),
                "Fibonacci::new({}) ended with {:?}: {} is one above the limit, so the stream \
                 must end with the number before it, {}",
                limit, got.last(), fib[n], fib[n - 1]);
        }

        #[test]
        fn any_limit_yields_exactly_the_fibonacci_numbers_up_to_it(limit in any::<u64>()) {
            let got: Vec<u64> = Fibonacci::new(limit).take(super::CAP).collect();
            check_fibonacci_up_to(&format!("Fibonacci::new({limit})"), limit, &got)?;
        }
    }
}
