//! Kata 1: mean, median and mode, with Python's `statistics` semantics.
//!
//! Every pinned value below was printed by CPython 3.11; the comment next to it names the
//! expression.

use crate::central_tendency::*;
use proptest::prelude::*;
use rstest::rstest;

/// The article's salaries: four ordinary ones and one enormous outlier.
const SALARIES: [f64; 5] = [40_000.0, 45_000.0, 45_000.0, 50_000.0, 5_000_000.0];

/// Relative tolerance for a mean: the sum of n floats carries rounding error.
const MEAN_TOLERANCE: f64 = 1e-12;

fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance * want.abs().max(1.0)
}

#[test]
fn the_outlier_drags_the_mean_of_the_salaries_to_1_036_000() {
    // statistics.mean([40_000, 45_000, 45_000, 50_000, 5_000_000]) == 1036000
    let got = mean(&SALARIES);
    assert!(
        matches!(got, Ok(m) if close(m, 1_036_000.0, MEAN_TOLERANCE)),
        "mean(salaries) gave {got:?}: the mean is the sum (5,180,000) divided by the count (5), \
         1,036,000, which no one in the data earns: that is the article's warning"
    );
}

#[test]
fn the_median_of_the_salaries_ignores_the_outlier() {
    // statistics.median([40_000, 45_000, 45_000, 50_000, 5_000_000]) == 45000
    assert_eq!(
        median(&SALARIES),
        Ok(45_000.0),
        "the median is the middle of the sorted data, 45,000; the 5,000,000 only counts as \
         'one value above the middle'"
    );
}

#[test]
fn the_mode_of_the_salaries_is_the_repeated_45_000() {
    // statistics.mode([40_000, 45_000, 45_000, 50_000, 5_000_000]) == 45000
    assert_eq!(
        mode(&SALARIES),
        Ok(45_000.0),
        "45,000 appears twice, every other salary once: it is the mode"
    );
}

#[rstest]
// statistics.median([9.0, 1.0, 5.0]) == 5.0
#[case::unsorted_odd(&[9.0, 1.0, 5.0], 5.0)]
// statistics.median([4.0, 1.0, 3.0, 2.0]) == 2.5
#[case::unsorted_even_averages_the_middle_pair(&[4.0, 1.0, 3.0, 2.0], 2.5)]
// statistics.median([7.0]) == 7.0
#[case::one_value(&[7.0], 7.0)]
// statistics.median([-3.0, -1.0]) == -2.0
#[case::two_negative_values(&[-3.0, -1.0], -2.0)]
// statistics.median([-1.0, -4.0, 2.0, -3.0]) == -2.0
#[case::a_negative_middle_pair(&[-1.0, -4.0, 2.0, -3.0], -2.0)]
fn the_median_sorts_then_takes_the_middle(#[case] data: &[f64], #[case] want: f64) {
    assert_eq!(
        median(data),
        Ok(want),
        "median({data:?}): sort a copy, take the middle value, and for an even count \
         average the two middle values"
    );
}

#[rstest]
// statistics.median_low([1, 3, 5, 7]) == 3; statistics.median_high([1, 3, 5, 7]) == 5
#[case::even_count(&[7.0, 1.0, 5.0, 3.0], 3.0, 5.0)]
// statistics.median_low([1, 3, 5]) == statistics.median_high([1, 3, 5]) == 3
#[case::odd_count(&[5.0, 3.0, 1.0], 3.0, 3.0)]
fn median_low_and_high_pick_one_of_the_middle_pair(
    #[case] data: &[f64],
    #[case] low: f64,
    #[case] high: f64,
) {
    assert_eq!(
        (median_low(data), median_high(data)),
        (Ok(low), Ok(high)),
        "median_low/median_high({data:?}): for an even count they return the smaller and \
         the larger of the two middle values (always a value from the data); for an odd \
         count both are the middle value"
    );
}

#[rstest]
// statistics.mode([1, 2, 2, 1]) == 1
#[case::first_appearance_wins_not_first_to_reach_the_count(&[1.0, 2.0, 2.0, 1.0], 1.0)]
// statistics.mode([3, 1, 1, 3]) == 3
#[case::not_the_smallest_tied_value(&[3.0, 1.0, 1.0, 3.0], 3.0)]
// statistics.mode([0.0, -0.0, 1.0]) == 0.0
#[case::zero_and_negative_zero_are_one_value(&[1.0, 0.0, -0.0], 0.0)]
// statistics.mode([1.0, 1.0000000000000002, 1.0000000000000002]) == 1.0000000000000002
#[case::values_one_ulp_apart_are_two_values(&[1.0, 1.000_000_000_000_000_2, 1.000_000_000_000_000_2], 1.000_000_000_000_000_2)]
// statistics.mode([1e-300, 2e-300, 2e-300]) == 2e-300
#[case::tiny_values_are_not_lumped_together(&[1e-300, 2e-300, 2e-300], 2e-300)]
// statistics.mode([1e300, 2e300, 2e300]) == 2e300
#[case::huge_values_are_not_lumped_together(&[1e300, 2e300, 2e300], 2e300)]
fn mode_breaks_ties_by_first_appearance(#[case] data: &[f64], #[case] want: f64) {
    assert_eq!(
        mode(data),
        Ok(want),
        "mode({data:?}): among values with the highest count, Python 3.8+ returns the one \
         that appears first in the data (values compare with ==)"
    );
}

#[rstest]
// statistics.multimode([1, 2, 2, 1, 3]) == [1, 2]
#[case::two_modes_in_order_of_appearance(&[1.0, 2.0, 2.0, 1.0, 3.0], &[1.0, 2.0])]
// statistics.multimode([5.0]) == [5.0]
#[case::one_value(&[5.0], &[5.0])]
// statistics.multimode([3, 2, 1]) == [3, 2, 1]
#[case::all_distinct_all_modes(&[3.0, 2.0, 1.0], &[3.0, 2.0, 1.0])]
// statistics.multimode([]) == []
#[case::empty_gives_empty(&[], &[])]
// statistics.multimode([1.0001, 1.0002, 1.0003]) == [1.0001, 1.0002, 1.0003]
#[case::close_values_are_distinct(&[1.0001, 1.0002, 1.0003], &[1.0001, 1.0002, 1.0003])]
// statistics.multimode([1e300, 2e300, 3e300, 2e300]) == [2e300]
#[case::huge_values_are_distinct(&[1e300, 2e300, 3e300, 2e300], &[2e300])]
fn multimode_lists_every_most_frequent_value(#[case] data: &[f64], #[case] want: &[f64]) {
    assert_eq!(
        multimode(data),
        want,
        "multimode({data:?}): every value with the highest count, in the order of first \
         appearance (empty data gives an empty list, as in Python)"
    );
}

#[test]
fn every_statistic_of_empty_data_is_the_empty_error() {
    // statistics.mean([]) raises StatisticsError('mean requires at least one data point')
    let got = [
        mean(&[]),
        median(&[]),
        median_low(&[]),
        median_high(&[]),
        mode(&[]),
    ];
    assert_eq!(
        got,
        [Err(StatsError::Empty); 5],
        "mean, median, median_low, median_high and mode of no data gave {got:?}: there is no \
         centre of nothing, so each must return Err(StatsError::Empty) instead of NaN or a panic"
    );
}

#[rstest]
// statistics.median_low([0.75, -0.5, 0.25, 9, -3, 0.5]) == 0.25, median_high == 0.5
#[case::even_count(&[0.75, -0.5, 0.25, 9.0, -3.0, 0.5], 0.25, 0.5)]
// statistics.median([0.75, 0.25, 0.5, 9, -2]) == 0.5
#[case::odd_count(&[0.75, 0.25, 0.5, 9.0, -2.0], 0.5, 0.5)]
// statistics.median_low([-0.75, 0.5, -0.25, -9, 3, -0.5]) == -0.5, median_high == -0.25
#[case::negative_middle_pair(&[-0.75, 0.5, -0.25, -9.0, 3.0, -0.5], -0.5, -0.25)]
fn the_medians_order_values_at_every_scale(
    #[case] data: &[f64],
    #[case] low: f64,
    #[case] high: f64,
    #[values(-1000, -80, -40, -20, -10, 0, 10, 20, 40, 63, 80, 1000)] exponent: i32,
) {
    // Multiplying by 2^k is exact and keeps the order, so the middle pair scales with it.
    let scale = 2f64.powi(exponent);
    let scaled: Vec<f64> = data.iter().map(|x| x * scale).collect();
    let (low, high) = (low * scale, high * scale);
    let got = (median(&scaled), median_low(&scaled), median_high(&scaled));
    assert_eq!(
        got,
        (Ok((low + high) / 2.0), Ok(low), Ok(high)),
        "the medians of 2^{exponent} × {data:?} were {got:?}: sort the copy by the values \
         themselves (f64::total_cmp); a sort key rounded to an integer (the whole part, \
         millionths) ties values closer than its step and saturates for huge ones"
    );
}

#[test]
fn the_medians_of_a_million_values_take_one_sort() {
    // 999,999 down to 0: the middle pair half-way in from either end (and the standard sort
    // finds a descending run in one pass); statistics.median(range(10**6)) == 499999.5
    // Then runs of 2^10, 2^12, ..., 2^18 of them, 2^19 values read per size (2^9 to 2 calls):
    // the sorted run counts up by one from its smallest value. Sorting reads each value a few
    // times (milliseconds in all); counting, for each value, the values below it makes about
    // 2^18 · n comparisons per middle value at any one of those sizes n (half a minute at
    // 1,024 in a debug build), however small the inputs it keeps it for.
    let data: Vec<f64> = (0..1_000_000_u32).rev().map(f64::from).collect();
    let got = super::watchdog::over_the_whole_and_runs(
        std::time::Duration::from_secs(5),
        data,
        (&[1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18], 1 << 19),
        |run| (median(run), median_low(run), median_high(run)),
    );
    let Some(got) = got else {
        panic!(
            "the three medians of a million values, then of 682 runs of 1,024 to 262,144 \
             values, took more than 5 seconds (sorting takes well under one): counting, for each \
             value, the values below it compares every pair (even for small inputs only), which \
             takes hours for the million and half a minute for the runs of any one size; sort a copy \
             once (f64::total_cmp) and take the middle"
        );
    };
    for (run, got) in got {
        // Value i of the data is 999,999 - i: the run's smallest value is 1,000,000 - end.
        let n = run.len();
        let smallest = (1_000_000 - run.end) as f64;
        let (low, high) = (smallest + ((n - 1) / 2) as f64, smallest + (n / 2) as f64);
        assert_eq!(
            got,
            (Ok((low + high) / 2.0), Ok(low), Ok(high)),
            "(median, median_low, median_high) of the {n} values {} down to {smallest}",
            smallest + (n - 1) as f64
        );
    }
}

/// Data of 3 to 20 values, small and large, with repeats likely.
fn data() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![(-5i32..5).prop_map(f64::from), -1e6..1e6f64],
        3..20,
    )
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn making_the_largest_value_larger_never_moves_the_median(
        data in data(),
        growth in prop_oneof![Just(1.0), 1.0..1e12f64],
    ) {
        let before = median(&data);
        let mut skewed = data.clone();
        let largest = skewed
            .iter_mut()
            .max_by(|a, b| a.total_cmp(b))
            .expect("the strategy makes at least 3 values");
        *largest += growth;
        prop_assert_eq!(median(&skewed), before,
            "raising the largest of {:?} by {} moved the median: with 3 or more values the \
             largest is never one of the middle ones", data, growth);
    }

    #[test]
    fn negating_the_data_negates_the_medians(data in data()) {
        // Negation reverses the order, so the middle pair is negated and swapped.
        let negated: Vec<f64> = data.iter().map(|x| -x).collect();
        let got = (median(&negated), median_low(&negated), median_high(&negated));
        let want = (
            median(&data).map(|m| -m),
            median_high(&data).map(|m| -m),
            median_low(&data).map(|m| -m),
        );
        prop_assert_eq!(got, want,
            "(median, median_low, median_high) of the negation of {:?} were {:?}, not its \
             medians negated {:?} (low and high swap): negating the data reverses its order; \
             sort the copy by the values themselves (f64::total_cmp), negative ones included",
            data, got, want);
    }

    #[test]
    fn making_the_largest_value_larger_moves_the_mean(
        data in data(),
        growth in 1e7..1e12f64,
    ) {
        let before = mean(&data).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut skewed = data.clone();
        let largest = skewed
            .iter_mut()
            .max_by(|a, b| a.total_cmp(b))
            .expect("the strategy makes at least 3 values");
        *largest += growth;
        let after = mean(&skewed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let shift = growth / data.len() as f64;
        prop_assert!(close(after - before, shift, 1e-6),
            "raising the largest of {:?} by {} moved the mean from {} to {}: every value \
             counts in the mean, so it must move by growth / n = {}", data, growth, before, after, shift);
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): every count
/// of data, odd and even, against a sorted copy, and modes of data full of ties against a count
/// kept in order of first appearance.
#[cfg(feature = "held-out")]
mod held_out {
    use super::{median, median_high, median_low, mode, multimode};
    use proptest::prelude::*;

    /// 1 to 40 quarters of integers: every sum and half of two of them is exact in `f64`, so
    /// however the middle pair is averaged, the answer is one number.
    fn quarters() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(
            prop_oneof![-8_i32..8, -4_000_000_i32..4_000_000].prop_map(|q| f64::from(q) / 4.0),
            1..40,
        )
    }

    /// The distinct values in order of first appearance (`==` decides), with their counts.
    fn counted(data: &[f64]) -> Vec<(f64, usize)> {
        let mut counts: Vec<(f64, usize)> = Vec::new();
        for &x in data {
            match counts.iter_mut().find(|(v, _)| *v == x) {
                Some((_, n)) => *n += 1,
                None => counts.push((x, 1)),
            }
        }
        counts
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn the_medians_are_the_middle_of_a_sorted_copy_for_any_count(data in quarters()) {
            let mut sorted = data.clone();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            let (low, high) = if n % 2 == 1 {
                (sorted[n / 2], sorted[n / 2])
            } else {
                (sorted[n / 2 - 1], sorted[n / 2])
            };
            let got = (median(&data), median_low(&data), median_high(&data));
            prop_assert_eq!(
                got, (Ok((low + high) / 2.0), Ok(low), Ok(high)),
                "median, median_low and median_high of {:?} ({} values) gave {:?}: sorted, the \
                 middle pair is {} and {} (one value twice for an odd count); median averages \
                 them, median_low and median_high pick one", data, n, got, low, high
            );
        }

        #[test]
        fn the_modes_are_the_most_frequent_values_in_order_of_first_appearance(
            data in prop::collection::vec(
                prop_oneof![(-3_i32..4).prop_map(f64::from), Just(-0.0), Just(2.5)],
                1..40,
            ),
        ) {
            let counts = counted(&data);
            let top = counts.iter().map(|&(_, n)| n).max().unwrap_or(0);
            let modes: Vec<f64> = counts.iter().filter(|&&(_, n)| n == top).map(|&(v, _)| v).collect();
            let got = (mode(&data), multimode(&data));
            prop_assert_eq!(
                got.clone(), (Ok(modes[0]), modes.clone()),
                "mode and multimode of {:?} gave {:?}: the values seen {} times (the most), in \
                 the order they first appear, are {:?}; mode is the first of them (0.0 and -0.0 \
                 are one value)", data, got, top, modes
            );
        }
    }
}
