//! Dodge: the variance uses the one-pass textbook shortcut (sum of squares minus squared sum over n), which cancels catastrophically when the values share a large offset.
//! Caught by: a_large_common_offset_does_not_destroy_the_variance

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
    let n = data.len() as f64;
    let sum: f64 = data.iter().sum();
    let squares: f64 = data.iter().map(|x| x * x).sum();
    Ok(squares - sum * sum / n)
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
