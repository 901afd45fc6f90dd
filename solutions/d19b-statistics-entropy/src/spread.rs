//! # Kata 2: spread (variance and standard deviation)
//!
//! **Build** `variance` and `stdev` (sample: divide by n - 1) and `pvariance` and `pstdev`
//! (population: divide by n), with the meaning of Python's `statistics` functions.
//!
//! **Why.** Two cities with a mean of 70 °F can have mild or savage weather: a centre without
//! a spread hides the risk. And the textbook shortcut "mean of the squares minus the square
//! of the mean" is a trap in floating point: on data like `1e9 + 4, 1e9 + 7, …` the two big
//! terms agree in almost every digit, their difference is rounding noise, and the "variance"
//! comes out wrong or even negative. Monitoring code that computes latency jitter that way
//! reports nonsense exactly when the numbers get large.
//!
//! **Python → Rust.** Python computes with exact fractions; `f64` cannot, so compute stably:
//! two passes (the mean first, then the squared deviations from it) or Welford's update.
//! Where Python raises `StatisticsError`, return `Err(SpreadError::TooFewPoints { needed, got })`:
//! the sample statistics need at least 2 points, the population ones at least 1.
//!
//! **A correction to the article.** Its printed variance (4,920,405,000,000) and standard
//! deviation (2,218,198.59) for the salary data are not what Python prints: CPython 3.11
//! gives `statistics.variance(salaries) == 4910417500000` and
//! `statistics.stdev(salaries) == 2215946.1861696914`. The tests pin Python's values.
//!
//! **The tests check.**
//! - `variance` = Σ(x - mean)² / (n - 1), `stdev` = its square root; `pvariance` = Σ(x - mean)² / n,
//!   `pstdev` = its square root: the salary data and a textbook data set agree with Python
//!   within a relative tolerance of 1e-12, identical values have zero spread, and
//!   `pvariance = variance × (n - 1) / n`. Checked by `the_salaries_spread_as_python_computes`,
//!   `the_textbook_data_spreads_as_python_computes`, `identical_values_have_zero_spread`,
//!   `pvariance_is_variance_times_n_minus_1_over_n`.
//! - Fewer than 2 points for a sample statistic is `TooFewPoints { needed: 2, got: n }`; empty
//!   data for a population statistic is `TooFewPoints { needed: 1, got: 0 }`. Checked by
//!   `too_few_points_is_an_error_naming_how_many_are_needed`.
//! - The spread is computed from deviations from the mean, never by the shortcut formula in
//!   `f64`: data lifted by a large offset (1e6 to 1e12) keeps the variance of the small
//!   numbers (also a thousand values near 1e12 whose sum rounds in `f64`, within 1e-4: a
//!   one-pass sum of `x` then cancels however exactly `x²` is summed), the variance is never
//!   negative, and shifting all data leaves it alone. Checked by
//!   `a_large_common_offset_does_not_destroy_the_variance`,
//!   `a_thousand_values_whose_sum_rounds_keep_their_variance`,
//!   `every_large_offset_keeps_the_variance_of_the_small_numbers`,
//!   `a_large_offset_never_changes_the_variance`, `the_variance_is_never_negative`,
//!   `shifting_every_value_leaves_the_variance_alone`.
//! - Ordinary data is measured the same way, not only data with a large offset: everyday
//!   readings whose mean is 10 to 30 times their spread (where the shortcut loses 2 or 3
//!   digits, too few for a guard on "digits lost" to notice) are within 1e-14 of the exact
//!   variance (as Python's fractions compute it), readings whose mean is 3 to 10 times their
//!   spread (where the shortcut loses 25 to 250 ulps, two passes and Welford a few) within
//!   1e-15, small offsets (`[9999.1, 9999.2, 9999.3]`,
//!   `999.9` to `1000.1`, `3.01` to `3.05`) within 1e-9, and data at any offset from 1 to 9e15
//!   with a spread 2^-14 to 2^-24 of it within 1e-7. Checked by
//!   `ordinary_data_spreads_as_exact_arithmetic_says`,
//!   `data_at_any_offset_spreads_as_exact_arithmetic_says`.
//! - The spread keeps its digits at every scale, so no value is rounded to a fixed absolute
//!   step (a fixed number of decimals or binary places) first: `variance([1e-6, 2e-6, 3e-6])`
//!   is Python's `1.0000000000000002e-12`, and data scaled by `2^k` (`k` from -500 to 500) has
//!   the variance scaled by `4^k`, within 1e-9 relative. Checked by `tiny_values_keep_their_tiny_variance`,
//!   `scaling_by_a_power_of_two_scales_the_variance_by_its_square`.
//! - One or two passes over the data (linear time), not a comparison of every pair (not even
//!   for small inputs only): the population variance of a million distinct values, then of
//!   336 runs of 4,096, 16,384 and 65,536 of them (2^20 values read per size), comes back
//!   within 5 seconds (two passes take milliseconds, every pair, even of distinct values only,
//!   takes hours for the million and minutes for the runs of any one size). Checked by
//!   `a_million_values_are_measured_in_one_or_two_passes`.
//!
//! **Not checked.** The shortcut applied to data shifted by one of its own values (say the
//! first, `Σ(x - x₀)² - (Σ(x - x₀))²/n`): that is the "shifted data" algorithm, and it is sound
//! (`x₀` is never farther from the mean than the spread allows, so little cancels); the tests
//! accept it. The shortcut itself in double-double arithmetic (error-free products, about 106
//! bits): its cancellation error, about `(offset · 2⁻⁵³ / spread)²` relative, is the same size as
//! the error the two-pass method makes by rounding the mean in `f64`, so no input separates them
//! (where the two-pass result is exact, so are the double-double sums). It skips the lesson
//! (subtract the mean, do not cancel), but only reading the code shows it. The shortcut in
//! exact arithmetic, `n·Σx² - (Σx)²` with exact sums, is not the trap at all: it is how
//! CPython 3.11 computes its own sum of squares (with fractions), and nothing cancels. Done in
//! `i128` over a copy of the data rounded to a step set by the largest value and the count
//! (about `2^-(62 - log2 n)` of it), it loses only bits of the same size as the two-pass
//! method's own rounding in `f64`, so the tests accept it too. The shortcut in `f64` behind a
//! guard that keeps it only while the mean is within about 2.9 standard deviations
//! (`n·mean² ≤ 8·Σ(x - mean)²` or tighter): there it loses at most about `κ² + 1` ≈ 9 ulps
//! (`κ` = mean / spread), the size of the error two passes (a few ulps) and Welford's update
//! (about `n·κ` ulps) make themselves, so no tolerance the accepted methods meet on every input
//! rejects it; a guard at 9 (3 standard deviations) or looser fails the 1e-15 cases.
//! Comparing every pair only for inputs of fewer than 4,096 values: the functions take a slice,
//! so no test can count how often each value is read, and below that size every pair costs
//! milliseconds at most, too little for a time limit to observe.

use thiserror::Error;

/// Why a measure of spread could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SpreadError {
    /// The statistic needs at least `needed` data points and got `got`.
    #[error("needs at least {needed} data points, got {got}")]
    TooFewPoints {
        /// The fewest data points the statistic accepts.
        needed: usize,
        /// How many it was given.
        got: usize,
    },
}

/// The sum of squared deviations from the mean, computed in two passes.
fn sum_of_squares(data: &[f64], needed: usize) -> Result<f64, SpreadError> {
    if data.len() < needed {
        return Err(SpreadError::TooFewPoints {
            needed,
            got: data.len(),
        });
    }
    let mean = data.iter().sum::<f64>() / data.len() as f64;
    // Squares of deviations: small numbers even when the data is huge, and never negative.
    Ok(data.iter().map(|x| (x - mean).powi(2)).sum())
}

/// The sample variance: Σ(x - mean)² / (n - 1); needs at least 2 points.
pub fn variance(data: &[f64]) -> Result<f64, SpreadError> {
    Ok(sum_of_squares(data, 2)? / (data.len() - 1) as f64)
}

/// The population variance: Σ(x - mean)² / n; needs at least 1 point.
pub fn pvariance(data: &[f64]) -> Result<f64, SpreadError> {
    Ok(sum_of_squares(data, 1)? / data.len() as f64)
}

/// The sample standard deviation: the square root of [`variance`].
pub fn stdev(data: &[f64]) -> Result<f64, SpreadError> {
    variance(data).map(f64::sqrt)
}

/// The population standard deviation: the square root of [`pvariance`].
pub fn pstdev(data: &[f64]) -> Result<f64, SpreadError> {
    pvariance(data).map(f64::sqrt)
}
