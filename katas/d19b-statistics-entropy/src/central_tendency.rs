//! # Kata 1: central tendency (mean, median, mode)
//!
//! **Build** `mean`, `median`, `median_low`, `median_high`, `mode` and `multimode` over a
//! slice of `f64`, with the meaning of Python's `statistics` functions of the same names.
//!
//! **Why.** One outlier drags the mean anywhere: five salaries of which one is five million
//! have a mean of 1,036,000 though four people earn about 45,000. A dashboard that reports
//! "average salary" or "average latency" over skewed data lies; the median (the middle of
//! the sorted data) does not move however far the outlier goes, and the mode (the most
//! frequent value) is the only centre that makes sense for categories.
//!
//! **Python → Rust.** Python raises `StatisticsError` on empty data; here the functions
//! return `Err(StatsError::Empty)`. Python sorts a copy of the data for the median; so do
//! you (`f64` is not `Ord`: compare with `f64::total_cmp`). Values are equal when `==`
//! says so, so `0.0` and `-0.0` count as one value (as in Python). NaN is not part of the
//! contract.
//!
//! The rules the tests check:
//! - `mean`: the sum divided by the count.
//! - `median`: the middle value of the sorted data; for an even count, the average of the
//!   two middle values. `median_low` takes the smaller of the two middle values,
//!   `median_high` the larger; for an odd count all three agree.
//! - `mode`: the most frequent value; on a tie, the tied value that appears first in the
//!   data (Python 3.8+: `mode([1, 2, 2, 1])` is 1).
//! - `multimode`: every most frequent value, in the order of first appearance; an empty
//!   slice gives an empty `Vec` (not an error, as in Python).
//!
//! **The tests check** the article's salary data (mean 1,036,000, median and mode 45,000),
//! even and odd counts, unsorted input, ties, the empty-data error, and two laws: making
//! the largest value larger moves the mean but never the median.

use thiserror::Error;

/// Why a statistic could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum StatsError {
    /// The data is empty: there is no centre to report.
    #[error("no data points")]
    Empty,
}

/// The arithmetic mean: the sum divided by the count.
pub fn mean(data: &[f64]) -> Result<f64, StatsError> {
    todo!("the mean of {data:?}")
}

/// The middle of the sorted data; for an even count, the average of the two middle values.
pub fn median(data: &[f64]) -> Result<f64, StatsError> {
    todo!("the median of {data:?}")
}

/// The smaller of the two middle values (the middle value for an odd count).
pub fn median_low(data: &[f64]) -> Result<f64, StatsError> {
    todo!("the low median of {data:?}")
}

/// The larger of the two middle values (the middle value for an odd count).
pub fn median_high(data: &[f64]) -> Result<f64, StatsError> {
    todo!("the high median of {data:?}")
}

/// The most frequent value; on a tie, the tied value that appears first in the data.
pub fn mode(data: &[f64]) -> Result<f64, StatsError> {
    todo!("the mode of {data:?}")
}

/// Every most frequent value, in the order of first appearance (empty for empty data).
pub fn multimode(data: &[f64]) -> Vec<f64> {
    todo!("every mode of {data:?}")
}
