//! Kata 2: sample and population variance and standard deviation, computed stably.
//!
//! Every pinned value below was printed by CPython 3.11; the comment next to it names the
//! expression.

use crate::spread::*;
use proptest::prelude::*;
use rstest::rstest;

/// The article's salaries: four ordinary ones and one enormous outlier.
const SALARIES: [f64; 5] = [40_000.0, 45_000.0, 45_000.0, 50_000.0, 5_000_000.0];

/// A textbook data set with a population standard deviation of exactly 2.
const TEXTBOOK: [f64; 8] = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];

/// Relative tolerance against Python's exact-fraction results.
const TOLERANCE: f64 = 1e-12;

fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance * want.abs().max(1.0)
}

type Statistic = fn(&[f64]) -> Result<f64, SpreadError>;

#[rstest]
// statistics.variance(salaries) == 4910417500000 (the article prints 4,920,405,000,000: a typo)
#[case::variance(variance as Statistic, "variance", 4_910_417_500_000.0)]
// statistics.stdev(salaries) == 2215946.1861696914 (the article prints 2,218,198.59)
#[case::stdev(stdev as Statistic, "stdev", 2_215_946.186_169_691_4)]
// statistics.pvariance(salaries) == 3928334000000
#[case::pvariance(pvariance as Statistic, "pvariance", 3_928_334_000_000.0)]
// statistics.pstdev(salaries) == 1982002.5227027335
#[case::pstdev(pstdev as Statistic, "pstdev", 1_982_002.522_702_733_5)]
fn the_salaries_spread_as_python_computes(
    #[case] statistic: Statistic,
    #[case] name: &str,
    #[case] want: f64,
) {
    let got = statistic(&SALARIES);
    assert!(
        matches!(got, Ok(v) if close(v, want, TOLERANCE)),
        "{name}(salaries) gave {got:?}, Python gives {want}: the sample statistics divide the \
         squared deviations by n - 1, the population ones by n, and stdev is the square root \
         of variance"
    );
}

#[rstest]
// statistics.variance([2, 4, 4, 4, 5, 5, 7, 9]) == 4.571428571428571
#[case::variance(variance as Statistic, "variance", 4.571_428_571_428_571)]
// statistics.stdev([2, 4, 4, 4, 5, 5, 7, 9]) == 2.138089935299395
#[case::stdev(stdev as Statistic, "stdev", 2.138_089_935_299_395)]
// statistics.pvariance([2, 4, 4, 4, 5, 5, 7, 9]) == 4.0
#[case::pvariance(pvariance as Statistic, "pvariance", 4.0)]
// statistics.pstdev([2, 4, 4, 4, 5, 5, 7, 9]) == 2.0
#[case::pstdev(pstdev as Statistic, "pstdev", 2.0)]
fn the_textbook_data_spreads_as_python_computes(
    #[case] statistic: Statistic,
    #[case] name: &str,
    #[case] want: f64,
) {
    let got = statistic(&TEXTBOOK);
    assert!(
        matches!(got, Ok(v) if close(v, want, TOLERANCE)),
        "{name}([2, 4, 4, 4, 5, 5, 7, 9]) gave {got:?}, Python gives {want}"
    );
}

#[rstest]
// statistics.variance([1e9+4, 1e9+7, 1e9+13, 1e9+16]) == 30.0
// (the shortcut (Σx² - (Σx)²/n) / (n-1) gives -170.66666666666666 in f64)
#[case::offset_1e9(1e9)]
// statistics.variance([1e12+4, 1e12+7, 1e12+13, 1e12+16]) == 30.0 (the shortcut gives 0.0)
#[case::offset_1e12(1e12)]
fn a_large_common_offset_does_not_destroy_the_variance(#[case] offset: f64) {
    let data = [4.0, 7.0, 13.0, 16.0].map(|x| offset + x);
    let got = variance(&data);
    assert!(
        matches!(got, Ok(v) if close(v, 30.0, 1e-9)),
        "variance of {offset} + [4, 7, 13, 16] gave {got:?}, Python gives 30: the sum of \
         squares and the squared sum agree in their first 16 digits, so subtracting them \
         leaves rounding noise; subtract the mean first (two passes, or Welford)"
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
fn every_large_offset_keeps_the_variance_of_the_small_numbers(
    #[values(1e6, 3.3e7, 1e8, 7.5e8, 2e9, 4.25e10, 1e11, 6e11, 1e12)] offset: f64,
) {
    // Every offset + x below is exact in f64, so Python's variance of the lifted data is
    // exactly the variance of the small set.
    for small in SMALL_SETS {
        let want = variance(small).expect("the small set has 4+ points");
        let lifted: Vec<f64> = small.iter().map(|x| offset + x).collect();
        let (got, got_population) = (variance(&lifted), pvariance(&lifted));
        let n = small.len() as f64;
        assert!(
            matches!(got, Ok(v) if close(v, want, 1e-9))
                && matches!(got_population, Ok(v) if close(v, want * (n - 1.0) / n, 1e-9)),
            "variance and pvariance of {offset:e} + {small:?} gave {got:?} and \
             {got_population:?}; the variance of the small numbers is {want}: the one-pass \
             shortcut (sum of squares minus squared sum) subtracts two numbers that agree in \
             almost every digit and keeps rounding noise; subtract the mean first (two passes, \
             or Welford)"
        );
    }
}

#[test]
fn a_thousand_values_whose_sum_rounds_keep_their_variance() {
    // 1e12 plus spreads of 0 to 73.6 that are not multiples of its ulp: the sum (~1e15, where
    // f64 steps by 0.125) rounds at almost every value. Each x - 1e12 is exact, so the variance
    // of those spreads is the variance of the data.
    let data: Vec<f64> = (0..1000_u32)
        .map(|i| 1e12 + f64::from(i * 7919 % 1000) * 0.0737)
        .collect();
    let spreads: Vec<f64> = data.iter().map(|x| x - 1e12).collect();
    let want = variance(&spreads).expect("a thousand points");
    let got = variance(&data);
    assert!(
        matches!(got, Ok(v) if close(v, want, 1e-4)),
        "variance of 1000 values between 1e12 and 1e12 + 73.6 gave {got:?}; the spreads' \
         variance is {want}: a one-pass sum of x rounds here, so Σx² - (Σx)²/n is off however \
         exactly the squares are summed; subtract the mean first (two passes, or Welford)"
    );
}

/// Σ(x - mean)² of `data`, in exact arithmetic as CPython computes it (every finite `f64` is an
/// integer times a power of two), rounded to `f64` at the end. For values within a few binades
/// of each other and up to a hundred of them (the integers stay below 2^127).
fn exact_squared_deviations(data: &[f64]) -> f64 {
    let parts: Vec<(i128, i32)> = data
        .iter()
        .map(|&x| {
            let bits = x.to_bits();
            let (biased, fraction) = ((bits >> 52) & 0x7ff, i128::from(bits & ((1 << 52) - 1)));
            let (mantissa, exponent) = match biased {
                0 => (fraction, -1074),
                _ => (fraction | 1 << 52, biased as i32 - 1075),
            };
            (if x < 0.0 { -mantissa } else { mantissa }, exponent)
        })
        .collect();
    let low = parts.iter().map(|&(_, e)| e).min().unwrap_or(0);
    let whole: Vec<i128> = parts.iter().map(|&(m, e)| m << (e - low)).collect();
    // n · Σ(x - mean)² = n·Σd² - (Σd)² for d = x - x₀, in units of 2^(2·low).
    let d: Vec<i128> = whole.iter().map(|x| x - whole[0]).collect();
    let n = d.len() as i128;
    let (sum, squares) = (
        d.iter().sum::<i128>(),
        d.iter().map(|x| x * x).sum::<i128>(),
    );
    (n * squares - sum * sum) as f64 / n as f64 * 2f64.powi(2 * low)
}

#[rstest]
// Everyday data whose mean is 10 to 30 times its spread: the shortcut loses 2 or 3 digits
// (about 1e-13 relatively), too few for a "lost digits" guard to notice.
#[case::ten_readings_near_10(&[10.3, 9.7, 10.4, 10.0, 9.9, 9.8, 10.6, 10.3, 10.1, 9.4], 1e-14)]
#[case::eight_readings_near_1(&[1.04, 0.99, 1.06, 0.99, 1.03, 0.94, 0.98, 1.07], 1e-14)]
#[case::five_readings_near_10(&[10.4, 10.9, 9.8, 10.7, 10.3], 1e-14)]
// Readings whose mean is only 3 to 10 times their spread, where two passes and Welford's
// update are exact to a few units in the last place (below 3e-16 on each) and the shortcut,
// in any of its forms, is off by 2.7e-15 to 3e-14: 1e-15 (about 9 ulps) tells them apart, so
// a guard that keeps the shortcut while the mean is within 10 standard deviations fails.
#[case::four_readings_three_spreads_out(&[1.5, 0.5, 1.3, 1.3], 1e-15)]
#[case::three_readings_three_and_a_half_spreads_out(&[0.7, 0.8, 1.3], 1e-15)]
#[case::three_readings_five_spreads_out(&[0.99, 1.24, 0.74], 1e-15)]
#[case::five_readings_five_spreads_out(&[0.79, 1.12, 0.8, 1.11, 0.73], 1e-15)]
#[case::three_readings_nine_spreads_out(&[9.6, 12.6, 11.0], 1e-15)]
#[case::eight_readings_nine_spreads_out(&[0.94, 1.13, 0.93, 1.05, 0.85, 1.13, 1.11, 1.17], 1e-15)]
// Small offsets with a smaller spread: statistics.variance([9999.1, 9999.2, 9999.3]) is
// 0.010000000000001455 (the floats 9999.1 … are not tenths apart exactly).
#[case::just_below_ten_thousand(&[9999.1, 9999.2, 9999.3], 1e-9)]
#[case::a_thousand_and_a_tenth(&[999.9, 1000.0, 1000.1, 1000.0], 1e-9)]
#[case::a_hundredth_of_a_unit(&[3.01, 3.02, 3.03, 3.04, 3.05], 1e-9)]
fn ordinary_data_spreads_as_exact_arithmetic_says(#[case] data: &[f64], #[case] tolerance: f64) {
    // Two passes round only the last bit or two of these (1e-14 is ~45 ulps); Welford's
    // update loses about n·κ ulps (κ = mean / spread), within 1e-9 for the small offsets.
    let squares = exact_squared_deviations(data);
    let n = data.len() as f64;
    let (want, want_population) = (squares / (n - 1.0), squares / n);
    let (got, got_population) = (variance(data), pvariance(data));
    assert!(
        matches!(got, Ok(v) if relatively_close(v, want, tolerance))
            && matches!(got_population, Ok(v) if relatively_close(v, want_population, tolerance)),
        "variance and pvariance of {data:?} gave {got:?} and {got_population:?}; exactly \
         (as Python's fractions compute) they are {want:e} and {want_population:e}: the \
         one-pass shortcut Σx² - (Σx)²/n cancels digits whenever the mean is larger than the \
         spread, on ordinary data too (with small values, or before a guard would notice); \
         subtract the mean first (two passes, or Welford) for all data"
    );
}

/// `got` is `want` within the relative tolerance `tolerance`, at any scale (no absolute floor).
fn relatively_close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance * want.abs()
}

#[test]
fn tiny_values_keep_their_tiny_variance() {
    // statistics.variance([1e-6, 2e-6, 3e-6]) == 1.0000000000000002e-12
    let got = variance(&[1e-6, 2e-6, 3e-6]);
    assert!(
        matches!(got, Ok(v) if relatively_close(v, 1.000_000_000_000_000_2e-12, 1e-9)),
        "variance([1e-6, 2e-6, 3e-6]) gave {got:?}, Python gives 1.0000000000000002e-12: f64 \
         keeps every digit of tiny numbers; rounding the data to a fixed number of decimals or \
         binary places first throws the spread away"
    );
}

#[rstest]
fn scaling_by_a_power_of_two_scales_the_variance_by_its_square(
    #[values(-500, -300, -60, -40, -20, -1, 1, 20, 40, 60, 300, 500)] exponent: i32,
) {
    // Multiplying by 2^k is exact in f64 (no value here leaves the normal range), so Python's
    // variance of the scaled data is exactly 4^k times the variance of the small set.
    let scale = 2f64.powi(exponent);
    for small in SMALL_SETS {
        let want = variance(small).expect("the small set has 4+ points") * scale * scale;
        let scaled: Vec<f64> = small.iter().map(|x| x * scale).collect();
        let (got, got_population) = (variance(&scaled), pvariance(&scaled));
        let n = small.len() as f64;
        assert!(
            matches!(got, Ok(v) if relatively_close(v, want, 1e-9))
                && matches!(got_population, Ok(v) if relatively_close(v, want * (n - 1.0) / n, 1e-9)),
            "variance and pvariance of 2^{exponent} × {small:?} gave {got:?} and \
             {got_population:?}, want {want:e} (4^{exponent} times the small set's): the \
             spread is in the deviations from the mean at every scale; fixed-point or rounded \
             values lose it for small numbers and overflow for large ones"
        );
    }
}

#[test]
fn a_million_values_are_measured_in_one_or_two_passes() {
    // A million distinct values, 0 to 999,999 (grouping equal values saves nothing):
    // statistics.pvariance(range(10**6)) == (10**12 - 1) / 12 == 83333333333.25
    // Then runs of 2^12, 2^14 and 2^16 of them, 2^20 values read per size (2^8 to 2^4 calls):
    // n consecutive integers have the population variance (n² - 1) / 12. Two passes read each
    // value twice (milliseconds in all); comparing every pair makes 2^31 to 2^35 comparisons at
    // any one of those sizes (minutes), however small the inputs it keeps it for.
    let data: Vec<f64> = (0..1_000_000).map(f64::from).collect();
    let got = super::watchdog::over_the_whole_and_runs(
        std::time::Duration::from_secs(5),
        data,
        (&[1 << 12, 1 << 14, 1 << 16], 1 << 20),
        pvariance,
    );
    let Some(got) = got else {
        panic!(
            "pvariance of a million values, then of 336 runs of 4,096 to 65,536 values, \
             took more than 5 seconds (two passes take a few milliseconds): comparing every pair \
             of values (even of distinct values only, even for small inputs only) is quadratic; \
             compute the mean in one pass and the squared deviations from it in a second (or \
             use Welford's update)"
        );
    };
    for (run, got) in got {
        let n = run.len();
        let want = ((n * n - 1) as f64) / 12.0;
        assert!(
            matches!(got, Ok(v) if relatively_close(v, want, 1e-9)),
            "pvariance of {n} consecutive integers gave {got:?}, want (n² - 1) / 12 = {want}"
        );
    }
}

#[test]
fn identical_values_have_zero_spread() {
    // statistics.variance([3.5, 3.5, 3.5]) == 0.0; statistics.pstdev([3.5]) == 0.0
    assert_eq!(
        (variance(&[3.5; 3]), pstdev(&[3.5])),
        (Ok(0.0), Ok(0.0)),
        "values that never move have variance 0 (sample) and standard deviation 0 \
         (population of one)"
    );
}

#[rstest]
// statistics.variance([1.0]) raises StatisticsError('variance requires at least two data points')
#[case::variance_of_one(variance as Statistic, "variance", &[1.0], 2)]
#[case::stdev_of_none(stdev as Statistic, "stdev", &[], 2)]
// statistics.pvariance([]) raises StatisticsError('pvariance requires at least one data point')
#[case::pvariance_of_none(pvariance as Statistic, "pvariance", &[], 1)]
#[case::pstdev_of_none(pstdev as Statistic, "pstdev", &[], 1)]
fn too_few_points_is_an_error_naming_how_many_are_needed(
    #[case] statistic: Statistic,
    #[case] name: &str,
    #[case] data: &[f64],
    #[case] needed: usize,
) {
    let got = statistic(data);
    assert_eq!(
        got,
        Err(SpreadError::TooFewPoints {
            needed,
            got: data.len()
        }),
        "{name}({data:?}) gave {got:?}: a sample statistic needs 2 points (n - 1 must not be 0), \
         a population statistic needs 1"
    );
}

/// 2 to 30 values, with small integers (ties, zero spread) and wide floats.
fn data() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![(-3i32..3).prop_map(f64::from), -1e3..1e3f64],
        2..30,
    )
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn the_variance_is_never_negative(data in data()) {
        let got = variance(&data);
        prop_assert!(matches!(got, Ok(v) if v >= 0.0),
            "variance({:?}) gave {:?}: a mean of squares cannot be negative; a negative \
             result means rounding ate the subtraction", data, got);
    }

    #[test]
    fn shifting_every_value_leaves_the_variance_alone(
        data in data(),
        shift in prop_oneof![Just(0.0), -1e6..1e6f64, Just(1e7)],
    ) {
        let moved: Vec<f64> = data.iter().map(|x| x + shift).collect();
        let (before, after) = (variance(&data), variance(&moved));
        let ok = match (before, after) {
            // The shifted values themselves are rounded: allow that much, no more.
            (Ok(b), Ok(a)) => (a - b).abs() <= 1e-6 * b.max(1.0) + 1e-9 * shift.abs().max(1.0),
            _ => false,
        };
        prop_assert!(ok,
            "variance({:?}) = {:?} but after adding {} to every value it is {:?}: spread \
             measures distances from the mean, which a shift does not change", data, before, shift, after);
    }

    #[test]
    fn a_large_offset_never_changes_the_variance(
        small in prop::collection::vec((-64i32..64).prop_map(|q| f64::from(q) / 4.0), 2..20),
        offset in (7i32..12).prop_flat_map(|e| (1u32..10).prop_map(move |m| f64::from(m) * 10f64.powi(e))),
    ) {
        // Quarters below 16 plus an offset of 1e7 to 9e11 are exact in f64; only the mean's
        // own rounding (at most n·(ulp/2)² ≈ 1e-7) is allowed. The shortcut is off by far more.
        let lifted: Vec<f64> = small.iter().map(|x| offset + x).collect();
        let (want, got) = (variance(&small), variance(&lifted));
        let ok = matches!((want, got), (Ok(w), Ok(g)) if (g - w).abs() <= 1e-6 * w.max(1.0));
        prop_assert!(ok,
            "variance({:?}) = {:?} but lifted by {:e} it is {:?}: with a large offset the \
             shortcut formula loses every digit of the spread; compute deviations from the mean",
            small, want, offset, got);
    }

    #[test]
    fn data_at_any_offset_spreads_as_exact_arithmetic_says(
        steps in prop::collection::vec(-100_i64..100, 2..20),
        offset in (0_i32..16).prop_flat_map(|e| (1_u32..10).prop_map(move |m| f64::from(m) * 10f64.powi(e))),
        coarseness in 14_i32..=24,
    ) {
        // offset + step · unit with a power-of-two unit 2^-14 to 2^-24 of the offset (so the
        // mean is 2^14 to 2^24 times the spread): every value is exact in f64, and the
        // variance is exactly unit² times the steps' variance, computed here in integers.
        let unit = 2f64.powi(offset.log2().floor() as i32 - coarseness);
        let data: Vec<f64> = steps.iter().map(|&q| offset + q as f64 * unit).collect();
        let n = steps.len() as i128;
        let (sum, squares) = (
            steps.iter().map(|&q| i128::from(q)).sum::<i128>(),
            steps.iter().map(|&q| i128::from(q) * i128::from(q)).sum::<i128>(),
        );
        let want = (n * squares - sum * sum) as f64 / (n * (n - 1)) as f64 * unit * unit;
        prop_assume!(want > 0.0, "some steps differ");
        let got = variance(&data);
        prop_assert!(
            matches!(got, Ok(v) if (v - want).abs() <= 1e-7 * want),
            "variance of {:e} + {:?} × {:e} gave {:?}; exactly it is {:e}: at an offset larger than \
             the spread the shortcut Σx² - (Σx)²/n cancels the spread's digits; subtract the mean \
             first (two passes, or Welford)", offset, steps, unit, got, want
        );
    }

    #[test]
    fn pvariance_is_variance_times_n_minus_1_over_n(data in data()) {
        let n = data.len() as f64;
        match (variance(&data), pvariance(&data)) {
            (Ok(sample), Ok(population)) => prop_assert!(
                close(population, sample * (n - 1.0) / n, 1e-12),
                "for {:?}: pvariance {} and variance {} must differ only in the divisor, n \
                 instead of n - 1", data, population, sample),
            other => prop_assert!(false, "for {:?} the pair was {:?}: both exist for 2+ points", data, other),
        }
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the
/// point counts next to the limits, and integer data of any size, lifted or not, against an
/// exact integer computation of the variance.
#[cfg(feature = "held-out")]
mod held_out {
    use super::{SpreadError, Statistic, close, pstdev, pvariance, stdev, variance};
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case::stdev_of_one(stdev as Statistic, "stdev", &[4.0], Err(SpreadError::TooFewPoints { needed: 2, got: 1 }))]
    #[case::variance_of_none(variance as Statistic, "variance", &[], Err(SpreadError::TooFewPoints { needed: 2, got: 0 }))]
    // statistics.pvariance([4.0]) == 0.0; statistics.pstdev([-7.5]) == 0.0
    #[case::pvariance_of_one(pvariance as Statistic, "pvariance", &[4.0], Ok(0.0))]
    #[case::pstdev_of_one(pstdev as Statistic, "pstdev", &[-7.5], Ok(0.0))]
    // statistics.variance([1.0, 4.0]) == 4.5; statistics.stdev([3.0, 7.0]) == 2.8284271247461903
    #[case::variance_of_two(variance as Statistic, "variance", &[1.0, 4.0], Ok(4.5))]
    #[case::stdev_of_two(stdev as Statistic, "stdev", &[3.0, 7.0], Ok(2.828_427_124_746_190_3))]
    fn the_fewest_points_each_statistic_accepts_and_one_fewer(
        #[case] statistic: Statistic,
        #[case] name: &str,
        #[case] data: &[f64],
        #[case] want: Result<f64, SpreadError>,
    ) {
        let got = statistic(data);
        assert_eq!(
            got, want,
            "{name}({data:?}) gave {got:?}: the sample statistics need 2 points, the population \
             ones 1 (whose spread is 0)"
        );
    }

    /// Σ(x - mean)² of integers, times n, exactly: n·Σx² - (Σx)².
    fn n_times_squared_deviations(data: &[i64]) -> i128 {
        let n = i128::try_from(data.len()).unwrap_or(0);
        let sum: i128 = data.iter().map(|&x| i128::from(x)).sum();
        let squares: i128 = data.iter().map(|&x| i128::from(x) * i128::from(x)).sum();
        n * squares - sum * sum
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn integer_data_of_any_size_spreads_as_exact_arithmetic_says(
            data in prop::collection::vec(prop_oneof![-3_i64..3, -1_000_000_i64..1_000_000], 2..60),
            offset in prop_oneof![Just(0_i64), 1_000_000_i64..10_000_000_000],
        ) {
            // Integers below 2^53 are exact in f64, and so is the exact numerator below.
            let n = data.len() as f64;
            let scaled = n_times_squared_deviations(&data) as f64;
            let (sample, population) = (scaled / (n * (n - 1.0)), scaled / (n * n));
            let lifted: Vec<f64> = data.iter().map(|&x| (x + offset) as f64).collect();
            let got = (variance(&lifted), pvariance(&lifted), stdev(&lifted), pstdev(&lifted));
            let ok = matches!(got, (Ok(v), Ok(p), Ok(s), Ok(ps))
                if close(v, sample, 1e-9) && close(p, population, 1e-9)
                    && close(s, sample.sqrt(), 1e-9) && close(ps, population.sqrt(), 1e-9));
            prop_assert!(
                ok,
                "{:?} lifted by {} gave (variance, pvariance, stdev, pstdev) {:?}; exactly, the \
                 variances are {} and {}: divide the squared deviations from the mean by n - 1 or \
                 n, take square roots for the deviations, and never let a large offset cancel \
                 the digits of the spread", data, offset, got, sample, population
            );
        }
    }
}
