//! Dodge: stdev takes the square root of the population variance, ignoring the sample's n - 1 correction.
//! Caught by: the_salaries_spread_as_python_computes, the_textbook_data_spreads_as_python_computes, too_few_points_is_an_error_naming_how_many_are_needed

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
    let mean = data.iter().sum::<f64>() / n;
    let (squares, drift) = data.iter().fold((0.0, 0.0), |(squares, drift), &x| {
        let d = x - mean;
        (squares + d * d, drift + d)
    });
    // `drift` would be 0 with exact arithmetic; subtracting its share corrects the rounding
    // of the mean (the "corrected two-pass" algorithm).
    Ok((squares - drift * drift / n).max(0.0))
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
    pvariance(data).map(f64::sqrt)
}

/// The population standard deviation: the square root of [`pvariance`].
pub fn pstdev(data: &[f64]) -> Result<f64, SpreadError> {
    pvariance(data).map(f64::sqrt)
}
