//! Kata 3: `RunningStats`, Welford's streaming mean and variance, and `merge`.
//!
//! The batch figures the accumulator is compared with are computed here, in two passes;
//! pinned values name the Python expression that printed them.

use crate::running_stats::RunningStats;
use proptest::prelude::*;
use rstest::rstest;

use super::heap::peak_heap;

/// The article's salaries: four ordinary ones and one enormous outlier.
const SALARIES: [f64; 5] = [40_000.0, 45_000.0, 45_000.0, 50_000.0, 5_000_000.0];

/// Relative tolerance between the streaming and the batch figures.
const TOLERANCE: f64 = 1e-9;

fn close(got: Option<f64>, want: f64) -> bool {
    matches!(got, Some(g) if (g - want).abs() <= TOLERANCE * want.abs().max(1.0))
}

fn fed(data: &[f64]) -> RunningStats {
    let mut stats = RunningStats::new();
    for &x in data {
        stats.push(x);
    }
    stats
}

/// (mean, sample variance, population variance) in two passes, for 2 or more values.
fn batch(data: &[f64]) -> (f64, f64, f64) {
    let n = data.len() as f64;
    let mean = data.iter().sum::<f64>() / n;
    let squares: f64 = data.iter().map(|x| (x - mean).powi(2)).sum();
    (mean, squares / (n - 1.0), squares / n)
}

#[test]
fn the_salaries_streamed_give_pythons_figures() {
    let stats = fed(&SALARIES);
    let got = (
        stats.count(),
        stats.mean(),
        stats.variance(),
        stats.pvariance(),
    );
    // statistics.mean(salaries) == 1036000; statistics.variance(salaries) == 4910417500000;
    // statistics.pvariance(salaries) == 3928334000000
    assert!(
        got.0 == 5
            && close(got.1, 1_036_000.0)
            && close(got.2, 4_910_417_500_000.0)
            && close(got.3, 3_928_334_000_000.0),
        "after pushing the five salaries, (count, mean, variance, pvariance) was {got:?}: it \
         must match Python's (5, 1036000, 4910417500000, 3928334000000)"
    );
}

#[test]
fn nothing_pushed_means_no_statistics() {
    let stats = RunningStats::new();
    assert_eq!(
        (
            stats.count(),
            stats.mean(),
            stats.variance(),
            stats.pvariance()
        ),
        (0, None, None, None),
        "an empty accumulator has no mean and no variance: None, not 0 or NaN"
    );
}

#[test]
fn one_value_has_a_mean_and_a_population_variance_only() {
    let stats = fed(&[42.5]);
    assert_eq!(
        (stats.mean(), stats.variance(), stats.pvariance()),
        (Some(42.5), None, Some(0.0)),
        "after one value the mean is that value and the population variance 0, but the \
         sample variance (n - 1 = 0) does not exist yet"
    );
}

#[test]
fn a_large_common_offset_keeps_the_variance_exact() {
    // statistics.variance([1e9+4, 1e9+7, 1e9+13, 1e9+16]) == 30.0
    let stats = fed(&[4.0, 7.0, 13.0, 16.0].map(|x| 1e9 + x));
    assert!(
        close(stats.variance(), 30.0),
        "streaming 1e9 + [4, 7, 13, 16] gave the variance {:?}, Python gives 30: running sums of \
         x and x² cancel catastrophically; keep the running mean and the sum of squared \
         deviations from it (Welford)",
        stats.variance()
    );
}

/// Small data sets whose variances are exact in `f64`, to be lifted by a large offset.
const SMALL_SETS: [&[f64]; 4] = [
    &[4.0, 7.0, 13.0, 16.0],
    &[1.0, 2.0, 3.0, 4.0, 5.0],
    &[0.5, 0.75, 2.25, 3.0, 3.5, 6.0],
    &[-3.0, 0.0, 0.0, 2.0, 9.0, 11.0, 12.5],
];

#[rstest]
fn every_large_offset_keeps_the_streamed_variance(
    #[values(1e7, 3.3e7, 1e8, 7.5e8, 2e9, 4.25e10, 1e11, 6e11, 1e12)] offset: f64,
) {
    // Every offset + x below is exact in f64: the variance of the lifted data is exactly the
    // variance of the small set. Welford's running mean rounds a little at 1e12 (about 1e-5 of
    // the variance); running sums of x and x² are off by far more than the 1e-4 allowed.
    for small in SMALL_SETS {
        let (_, want, _) = batch(small);
        let lifted: Vec<f64> = small.iter().map(|x| offset + x).collect();
        let got = fed(&lifted).variance();
        assert!(
            matches!(got, Some(v) if (v - want).abs() <= 1e-4 * want.max(1.0)),
            "streaming {offset:e} + {small:?} gave the variance {got:?}; the small numbers' \
             variance is {want}: running sums of x and x² agree in almost every digit and their \
             difference is rounding noise; keep the running mean and the sum of squared \
             deviations from it (Welford)"
        );
    }
}

#[rstest]
fn every_large_offset_keeps_the_merged_variance(
    #[values(1e7, 3.3e7, 1e8, 7.5e8, 2e9, 4.25e10, 1e11, 6e11, 1e12)] offset: f64,
) {
    // As above, merged instead of streamed: every cut of every lifted small set, both halves
    // non-empty. Chan's formula adds two sums of squared deviations and a between-halves term,
    // all small numbers; sums of x and x² rebuilt from the halves cancel as badly as ever.
    for small in SMALL_SETS {
        let (_, want, _) = batch(small);
        let lifted: Vec<f64> = small.iter().map(|x| offset + x).collect();
        for cut in 1..lifted.len() {
            let (left, right) = lifted.split_at(cut);
            let got = fed(left).merge(&fed(right)).variance();
            assert!(
                matches!(got, Some(v) if (v - want).abs() <= 1e-4 * want.max(1.0)),
                "merging the accumulators of {left:?} and {right:?} gave the variance {got:?}; \
                 the small numbers' variance is {want}: a merge through sums of x and x² \
                 cancels next to the offset {offset:e}; add the two sums of squared deviations \
                 and the between-halves term delta² · n_a · n_b / n (Chan et al.)"
            );
        }
    }
}

/// A thousand values near `1e12` whose spreads (0 to 73.6) are not multiples of the offset's
/// ulp: their sum is ~1e15, where f64 steps by 0.125, so a running sum of x rounds at almost
/// every push.
fn a_thousand_values_near_1e12() -> Vec<f64> {
    (0..1000_u32)
        .map(|i| 1e12 + f64::from(i * 7919 % 1000) * 0.0737)
        .collect()
}

#[rstest]
// The spreads alone, measured in two passes: x - 1e12 is exact for every value.
#[case::sums_of_x_that_round(a_thousand_values_near_1e12(), 1e12)]
// statistics.variance([1e-7, 2e-7, 4e-7, 8e-7]) == 9.583333333333332e-14
#[case::tiny_values(vec![1e-7, 2e-7, 4e-7, 8e-7], 0.0)]
fn streams_whose_sums_round_keep_their_variance_streamed_and_merged(
    #[case] data: Vec<f64>,
    #[case] offset: f64,
) {
    // The variance of data - offset (exact here) in two passes; the streamed and the merged
    // variance must be within 1e-4 of it, relatively: no absolute floor, so a fixed step
    // (fixed point) cannot hide tiny data, and a running sum of x that rounds cannot hide
    // behind an exact sum of squares.
    let shifted: Vec<f64> = data.iter().map(|x| x - offset).collect();
    let (_, want, _) = batch(&shifted);
    let (left, right) = data.split_at(data.len() / 2);
    for (how, got) in [
        ("streaming", fed(&data).variance()),
        (
            "merging both halves of",
            fed(left).merge(&fed(right)).variance(),
        ),
    ] {
        assert!(
            matches!(got, Some(v) if (v - want).abs() <= 1e-4 * want),
            "{how} {} values ({:e} to {:e}) gave the variance {got:?}; two passes give {want:e}: \
             running sums of x (or x² on a fixed step) round away the spread, however exactly the \
             squares are summed; keep the running mean and the sum of squared deviations from it \
             (Welford) and merge with Chan's between-halves term",
            data.len(),
            data.iter().copied().fold(f64::INFINITY, f64::min),
            data.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
    }
}

#[rstest]
// Readings whose mean is only 3.5 to 9 times their spread, with Python's exact figures:
// statistics.variance and statistics.pvariance (fractions) of the whole data.
#[case::three_and_a_half_spreads_out(&[7.0, 7.5, 10.1, 7.4, 6.4, 6.7, 13.9, 7.4], 6.388_571_428_571_429, 5.59)]
#[case::six_spreads_out(&[8.0, 8.4, 9.1, 10.5, 12.3, 8.9, 12.4, 8.5], 3.096_964_285_714_286_3, 2.709_843_750_000_000_6)]
#[case::nine_spreads_out(&[8.4, 10.6, 8.0, 9.2], 1.316_666_666_666_666, 0.987_499_999_999_999_6)]
fn merging_halves_of_ordinary_data_keeps_every_digit(
    #[case] data: &[f64],
    #[case] variance: f64,
    #[case] pvariance: f64,
) {
    // Welford's halves merged by Chan's formula are within 3e-16 of the exact figures here;
    // sums of x and x² rebuilt from the halves cancel n·mean² and are off by 4e-15 to 3e-14.
    // 1e-15 (about 9 ulps) tells them apart, so a merge that goes through sums of x and x²
    // whenever the mean is within 10 standard deviations (a guard on "digits lost") fails.
    let (left, right) = data.split_at(data.len() / 2);
    let merged = fed(left).merge(&fed(right));
    let exact =
        |got: Option<f64>, want: f64| matches!(got, Some(v) if (v - want).abs() <= 1e-15 * want);
    assert!(
        exact(merged.variance(), variance) && exact(merged.pvariance(), pvariance),
        "merging the accumulators of {left:?} and {right:?} gave the variance {:?} and the \
         population variance {:?}; exactly (as Python's fractions compute) they are {variance} \
         and {pvariance}: a merge through sums of x and x² cancels n·mean² and loses digits on \
         ordinary data too, not only with a large offset; add the two sums of squared deviations \
         and the between-halves term delta² · n_a · n_b / n (Chan et al.) for every merge",
        merged.variance(),
        merged.pvariance(),
    );
}

#[rstest]
// statistics.mean([1.5e308, 1.7e308, 1.6e308, 1.6e308]) == 1.6e308 (exact fractions)
#[case::near_the_largest(vec![1.5e308, 1.7e308, 1.6e308, 1.6e308], 1.6e308, None)]
// statistics.mean([MAX] * 4) == MAX; statistics.pvariance([MAX] * 4) == 0.0
#[case::the_largest_four_times(vec![f64::MAX; 4], f64::MAX, Some(0.0))]
#[case::the_most_negative_four_times(vec![f64::MIN; 4], f64::MIN, Some(0.0))]
// Three times the smallest subnormal, four times: scaled down (by 1/4, 2^-64, ...) to keep a
// running sum finite, it rounds (0.75 of the smallest step is 1), so sum / count is not it.
#[case::the_tiniest_scaled_down_four_times(vec![f64::from_bits(3); 4], f64::from_bits(3), Some(0.0))]
fn values_whose_sum_overflows_keep_their_mean_streamed_and_merged(
    #[case] data: Vec<f64>,
    #[case] mean: f64,
    #[case] pvariance: Option<f64>,
) {
    // Their sum is beyond f64::MAX: a running sum of x (mean = sum / count) is infinite. The
    // running mean moves by (x - mean) / n and never leaves the data's range. (The spread of the
    // first case is itself beyond f64, so only identical values pin a variance.)
    let (left, right) = data.split_at(1);
    for (how, stats) in [
        ("streaming", fed(&data)),
        (
            "merging the first value and the rest of",
            fed(left).merge(&fed(right)),
        ),
    ] {
        let got = (stats.mean(), stats.pvariance());
        assert!(
            // Relative, with no absolute floor: the tiniest mean must not round to 0.
            got.0
                .is_some_and(|g| (g - mean).abs() <= TOLERANCE * mean.abs())
                && pvariance.is_none_or(|want| got.1 == Some(want)),
            "{how} {data:?} gave (mean, pvariance) {got:?}, want ({mean:e}, {pvariance:?}): \
             a running sum of x divided by the count is not their mean (the sum of the huge \
             ones overflows to infinity, and scaled down to stay finite it rounds the tiniest \
             away); keep the running mean itself and move it by (x - mean) / n \
             (Welford), and merge the means with Chan's weighted step"
        );
    }
}

#[rstest]
// sum([0.1] * 3) == 0.30000000000000004 and sum([0.1] * 10) == 0.9999999999999999: a running
// sum of x rounds as it grows, and sum / count is then not the value (0.1 * 3 / 3 is
// 0.10000000000000002). Welford's delta is 0 at every push and every merge.
#[case::a_tenth_three_times(0.1, 3)]
#[case::a_negative_tenth_seven_times(-0.1, 7)]
#[case::a_tenth_ten_times(0.1, 10)]
#[case::seven_tenths_a_thousand_times(0.7, 1000)]
#[case::near_1e12_a_hundred_thousand_times(1e12 + 0.1, 100_000)]
fn identical_values_keep_exactly_their_value_as_the_mean_streamed_and_merged(
    #[case] value: f64,
    #[case] count: usize,
) {
    let data = vec![value; count];
    let (left, right) = data.split_at(count / 2);
    for (how, stats) in [
        ("streaming", fed(&data)),
        ("merging both halves of", fed(left).merge(&fed(right))),
    ] {
        let got = (stats.mean(), stats.variance(), stats.pvariance());
        assert!(
            got == (Some(value), Some(0.0), Some(0.0)),
            "{how} {count} copies of {value:?} gave (mean, variance, pvariance) {got:?}, want \
             exactly ({value:?}, 0.0, 0.0): a running sum of x rounds as it grows (0.1 + 0.1 + \
             0.1 is 0.30000000000000004), so sum / count drifts off the value even when the sum \
             is rescaled to stay finite; keep the running mean itself and move it by \
             (x - mean) / n (Welford), which never moves for a value equal to it"
        );
    }
}

#[test]
fn merging_takes_the_same_few_steps_whatever_the_counts() {
    // Merging an accumulator with itself 48 times: 7 · 2^48 values, the same mean and
    // population variance. Then accumulators of 7 · 2^12, 7 · 2^14, ..., 7 · 2^20 values (the
    // same one merged with itself) are each merged into a total, from either side in turn,
    // until it holds 7 · 2^31 values: 2^19 to 2^11 merges of the same size, about 700,000 in
    // all. Chan's formula is a few arithmetic operations per merge (milliseconds in all);
    // replaying the other side's values, or pushing its mean count times, costs 7 · 2^31 steps
    // at any one of those sizes (minutes), however small the accumulators it keeps it for.
    let doubled = |times: u32| (0..times).fold(fed(SMALL_SETS[3]), |stats, _| stats.merge(&stats));
    let merged = super::watchdog::within(std::time::Duration::from_secs(5), move || {
        let sizes = (12..=20).step_by(2).map(|k| {
            let part = doubled(k);
            let total = (0..1_u64 << (31 - k)).fold(RunningStats::new(), |total, i| {
                if i % 2 == 0 {
                    total.merge(&part)
                } else {
                    part.merge(&total)
                }
            });
            (
                format!("7 · 2^{k} values merged into 7 · 2^31"),
                total,
                7 << 31,
            )
        });
        let mut all: Vec<_> = sizes.collect();
        all.push(("48 self-merges".to_owned(), doubled(48), 7 << 48));
        all
    });
    let Some(merged) = merged else {
        panic!(
            "48 merges of an accumulator with itself, then about 700,000 merges of \
             accumulators of 7 · 2^12 to 7 · 2^20 values into a total, took more than 5 \
             seconds (Chan's formula takes milliseconds): merge must cost the same whatever the \
             counts (combine the counts, means and sums of squared deviations by Chan's \
             formula), never one step per value merged, not even for small accumulators"
        );
    };
    let (mean, _, population) = batch(SMALL_SETS[3]);
    for (what, stats, count) in merged {
        assert!(
            stats.count() == count
                && close(stats.mean(), mean)
                && close(stats.pvariance(), population),
            "{what} (copies of the accumulator of {:?}) gave count {}, mean {:?}, pvariance \
             {:?}; copies of the same data keep its mean {mean} and population variance \
             {population}, with {count} values",
            SMALL_SETS[3],
            stats.count(),
            stats.mean(),
            stats.pvariance()
        );
    }
}

#[test]
fn the_accumulator_is_a_few_numbers_whatever_it_has_seen() {
    let size = std::mem::size_of::<RunningStats>();
    let (stats, heap) = peak_heap(|| {
        let mut stats = RunningStats::new();
        for i in 0..100_000 {
            stats.push(f64::from(i % 101));
        }
        stats
    });
    assert!(
        size <= 32 && heap == 0,
        "RunningStats is {size} bytes (at most 32: four 8-byte numbers) and allocated {heap} \
         bytes for 100,000 values: Welford's update keeps a count, a mean and a sum of squared \
         deviations (three numbers), never the values (not even in an array inside the struct \
         or a buffer reserved by new()), and no running sums of x and x² made exact in wider \
         numbers (i128, double-double) instead of the update"
    );
    assert!(
        stats.count() == 100_000 && close(stats.mean(), 49.995_45),
        "after 100,000 pushes of i % 101 the count was {} and the mean {:?}: every value \
         counts (the mean is 49.99545)",
        stats.count(),
        stats.mean()
    );
}

#[test]
fn pushing_ten_thousand_values_does_not_grow_the_heap() {
    let mut stats = RunningStats::new();
    let ((), heap) = peak_heap(|| {
        for i in 0..10_000 {
            stats.push(f64::from(i % 97));
        }
    });
    assert_eq!(
        heap, 0,
        "10,000 pushes allocated {heap} bytes: a streaming accumulator keeps a count, a mean \
         and a sum of squared deviations, never the values themselves"
    );
    assert_eq!(stats.count(), 10_000, "every push must be counted");
}

/// 2 to 40 values, small integers (ties, zero spread) and wide floats.
fn data() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![(-3i32..3).prop_map(f64::from), -1e4..1e4f64],
        2..40,
    )
}

/// Some data and a split point anywhere in it, including both ends.
fn split_data() -> impl Strategy<Value = (Vec<f64>, usize)> {
    data().prop_flat_map(|d| {
        let len = d.len();
        (Just(d), 0..=len)
    })
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn streaming_agrees_with_the_batch_formulas(data in data()) {
        let stats = fed(&data);
        let (mean, sample, population) = batch(&data);
        prop_assert!(
            close(stats.mean(), mean) && close(stats.variance(), sample) && close(stats.pvariance(), population),
            "for {:?} the accumulator said mean {:?}, variance {:?}, pvariance {:?}; the batch \
             formulas say {}, {}, {}", data, stats.mean(), stats.variance(), stats.pvariance(),
            mean, sample, population);
    }

    #[test]
    fn a_large_offset_never_changes_the_streamed_variance(
        small in prop::collection::vec((-64i32..64).prop_map(|q| f64::from(q) / 4.0), 2..20),
        offset in (7i32..10).prop_flat_map(|e| (1u32..10).prop_map(move |m| f64::from(m) * 10f64.powi(e))),
    ) {
        // Quarters below 16 plus an offset of 1e7 to 9e9 are exact in f64; Welford's own
        // rounding stays far inside the allowance, the running sums' does not.
        let lifted: Vec<f64> = small.iter().map(|x| offset + x).collect();
        let (_, want, _) = batch(&small);
        let got = fed(&lifted).variance();
        prop_assert!(matches!(got, Some(v) if (v - want).abs() <= 1e-3 * want.max(1.0)),
            "streaming {:?} lifted by {:e} gave the variance {:?}, the small numbers' variance is \
             {}: with a large offset, running sums of x and x² lose every digit of the spread",
            small, offset, got, want);
    }

    #[test]
    fn merging_two_halves_equals_streaming_the_whole((data, cut) in split_data()) {
        let (left, right) = data.split_at(cut);
        let merged = fed(left).merge(&fed(right));
        let (mean, sample, _) = batch(&data);
        prop_assert!(
            merged.count() == data.len() as u64 && close(merged.mean(), mean) && close(merged.variance(), sample),
            "merging the accumulators of {:?} and {:?} gave count {}, mean {:?}, variance {:?}; \
             the whole data has {}, {}, {}: weight each mean by its count and add the \
             between-groups term to the squared deviations",
            left, right, merged.count(), merged.mean(), merged.variance(), data.len(), mean, sample);
    }
}

#[test]
fn merging_with_an_empty_accumulator_changes_nothing() {
    let stats = fed(&SALARIES);
    let empty = RunningStats::new();
    let (right, left) = (stats.merge(&empty), empty.merge(&stats));
    assert!(
        right == stats && left == stats,
        "merging {stats:?} with an empty accumulator gave {right:?} (empty on the right) and \
         {left:?} (empty on the left): an empty side adds no values, so nothing may change \
         (and nothing may divide by its zero count)"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): data split
/// into many shards merged in either grouping, and halves of data lifted by a large offset.
#[cfg(feature = "held-out")]
mod held_out {
    use super::{RunningStats, batch, close, data, fed};
    use proptest::prelude::*;

    /// Some data and up to five cut points in it (shards may be empty).
    fn sharded() -> impl Strategy<Value = (Vec<f64>, Vec<usize>)> {
        data().prop_flat_map(|d| {
            let len = d.len();
            (Just(d), prop::collection::vec(0..=len, 0..6))
        })
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn shards_merged_in_either_grouping_equal_streaming_the_whole(
            (data, mut cuts) in sharded()
        ) {
            cuts.push(0);
            cuts.push(data.len());
            cuts.sort_unstable();
            let shards: Vec<RunningStats> = cuts.windows(2).map(|w| fed(&data[w[0]..w[1]])).collect();
            let from_the_left = shards.iter().fold(RunningStats::new(), |acc, s| acc.merge(s));
            let from_the_right = shards.iter().rev().fold(RunningStats::new(), |acc, s| s.merge(&acc));
            let (mean, sample, population) = batch(&data);
            for (grouping, merged) in [("left to right", from_the_left), ("right to left", from_the_right)] {
                prop_assert!(
                    merged.count() == data.len() as u64
                        && close(merged.mean(), mean)
                        && close(merged.variance(), sample)
                        && close(merged.pvariance(), population),
                    "{:?} cut at {:?} and merged {} gave count {}, mean {:?}, variance {:?}, \
                     pvariance {:?}; the whole data has {}, {}, {}, {}: merge weights each mean by \
                     its count and adds the between-shards term, whatever the grouping",
                    data, cuts, grouping, merged.count(), merged.mean(), merged.variance(),
                    merged.pvariance(), data.len(), mean, sample, population);
            }
        }

        #[test]
        fn merging_halves_of_data_with_a_large_offset_keeps_the_small_variance(
            small in prop::collection::vec((-64_i32..64).prop_map(|q| f64::from(q) / 4.0), 2..20),
            offset in (7_i32..10).prop_flat_map(|e| (1_u32..10).prop_map(move |m| f64::from(m) * 10f64.powi(e))),
            cut in 0_usize..20,
        ) {
            // As in the visible test: quarters below 16 plus these offsets are exact in f64.
            let lifted: Vec<f64> = small.iter().map(|x| offset + x).collect();
            let (left, right) = lifted.split_at(cut.min(lifted.len()));
            let got = fed(left).merge(&fed(right)).variance();
            let (_, want, _) = batch(&small);
            prop_assert!(matches!(got, Some(v) if (v - want).abs() <= 1e-3 * want.max(1.0)),
                "merging the accumulators of {:?} and {:?} gave the variance {:?}, the small \
                 numbers' variance is {}: a merge through sums of x and x² loses every digit of \
                 the spread next to the offset {:e}; add the squared deviations and the \
                 between-halves term", left, right, got, want, offset);
        }
    }
}
