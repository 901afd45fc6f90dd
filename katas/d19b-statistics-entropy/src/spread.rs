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
//! The rules the tests check:
//! - `variance` = Σ(x - mean)² / (n - 1), `stdev` = its square root; fewer than 2 points is
//!   `TooFewPoints { needed: 2, got: n }`.
//! - `pvariance` = Σ(x - mean)² / n, `pstdev` = its square root; empty data is
//!   `TooFewPoints { needed: 1, got: 0 }`.
//! - Results agree with Python within a relative tolerance of 1e-12 (the tests state each).
//!
//! **A correction to the article.** Its printed variance (4,920,405,000,000) and standard
//! deviation (2,218,198.59) for the salary data are not what Python prints: CPython 3.11
//! gives `statistics.variance(salaries) == 4910417500000` and
//! `statistics.stdev(salaries) == 2215946.1861696914`. The tests pin Python's values.
//!
//! **The tests check** the salary data, a textbook data set, the large-offset data that
//! breaks the shortcut formula, the too-few-points errors, and three laws: the variance is
//! never negative, shifting all data by a constant does not change it, and
//! `pvariance = variance × (n - 1) / n`.

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

/// The sample variance: Σ(x - mean)² / (n - 1); needs at least 2 points.
pub fn variance(data: &[f64]) -> Result<f64, SpreadError> {
    todo!("the sample variance of {data:?}")
}

/// The population variance: Σ(x - mean)² / n; needs at least 1 point.
pub fn pvariance(data: &[f64]) -> Result<f64, SpreadError> {
    todo!("the population variance of {data:?}")
}

/// The sample standard deviation: the square root of [`variance`].
pub fn stdev(data: &[f64]) -> Result<f64, SpreadError> {
    todo!("the sample standard deviation of {data:?}")
}

/// The population standard deviation: the square root of [`pvariance`].
pub fn pstdev(data: &[f64]) -> Result<f64, SpreadError> {
    todo!("the population standard deviation of {data:?}")
}
