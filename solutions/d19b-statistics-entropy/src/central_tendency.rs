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
//! **The tests check.**
//! - `mean`: the sum divided by the count; one outlier drags it (the article's salaries give
//!   1,036,000), and making the largest value larger moves it by the growth over n. Checked by
//!   `the_outlier_drags_the_mean_of_the_salaries_to_1_036_000`,
//!   `making_the_largest_value_larger_moves_the_mean`.
//! - `median`: the middle value of a sorted copy; for an even count, the average of the two
//!   middle values. Making the largest value larger never moves it. Checked by
//!   `the_median_of_the_salaries_ignores_the_outlier`, `the_median_sorts_then_takes_the_middle`,
//!   `making_the_largest_value_larger_never_moves_the_median`.
//! - The medians sort once (n log n), never compare every pair (counting, for each value, the
//!   values below it), not even for small inputs only: `median`, `median_low` and
//!   `median_high` of a million distinct values (999,999 down to 0), then of 682 runs of
//!   1,024, 4,096, 16,384, 65,536 and 262,144 of them (2^19 values read per size), come back
//!   within 5 seconds (sorting takes a fraction of a second; every pair takes hours for the
//!   million and half a minute for the runs of any one size).
//!   Checked by `the_medians_of_a_million_values_take_one_sort`.
//! - The sorted copy is ordered by the values themselves at every scale and sign: the medians
//!   of data scaled by `2^k` (`k` from -1000 to 1000) are its medians scaled by `2^k` (a sort
//!   key rounded to an integer, the whole part or millionths, ties values closer than its step
//!   and saturates for huge ones), a middle pair of negative values included (a key of the raw
//!   bits orders negative values backwards); negating any data negates its medians, low and
//!   high swapped. Checked by `the_medians_order_values_at_every_scale`,
//!   `negating_the_data_negates_the_medians`.
//! - `median_low` takes the smaller of the two middle values, `median_high` the larger; for an
//!   odd count all three agree. Checked by `median_low_and_high_pick_one_of_the_middle_pair`.
//! - `mode`: the most frequent value; on a tie, the tied value that appears first in the data
//!   (Python 3.8+: `mode([1, 2, 2, 1])` is 1); values are equal when `==` says so (`0.0` and
//!   `-0.0` are one value), and only then: values one ulp apart, tiny (`1e-300`, `2e-300`) or
//!   huge (`1e300`, `2e300`) are distinct values (a count keyed by a rounded integer lumps
//!   them). Checked by `the_mode_of_the_salaries_is_the_repeated_45_000`,
//!   `mode_breaks_ties_by_first_appearance`.
//! - `multimode`: every most frequent value, in the order of first appearance; an empty slice
//!   gives an empty `Vec` (not an error, as in Python); `1.0001`, `1.0002` and `1.0003` are three
//!   values, as are `1e300`, `2e300` and `3e300`. Checked by
//!   `multimode_lists_every_most_frequent_value`.
//! - Every other statistic of empty data is `Err(StatsError::Empty)`. Checked by
//!   `every_statistic_of_empty_data_is_the_empty_error`.
//!
//! **Not checked.** NaN in the data (not part of the contract). So a sort by
//! `partial_cmp(..).unwrap()`, which panics only on NaN, passes the tests; `f64::total_cmp`
//! is still the comparison that cannot panic. Comparing every pair only for inputs of fewer
//! than 1,024 values: the functions take a slice, so no test can count how often each value
//! is read, and below that size every pair costs too little for a time limit to observe.
//!
//! **Not a dodge.** A selection instead of a full sort (`select_nth_unstable_by` with
//! `f64::total_cmp` on the copy): it finds the same middle values, in linear time; the lesson
//! is the middle of the ordered data, not the sort that orders all of it.

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
    if data.is_empty() {
        return Err(StatsError::Empty);
    }
    Ok(data.iter().sum::<f64>() / data.len() as f64)
}

/// A sorted copy of non-empty data.
fn sorted(data: &[f64]) -> Result<Vec<f64>, StatsError> {
    if data.is_empty() {
        return Err(StatsError::Empty);
    }
    let mut copy = data.to_vec();
    copy.sort_by(f64::total_cmp);
    Ok(copy)
}

/// The two middle values of the sorted data (the same value twice for an odd count).
fn middle_pair(data: &[f64]) -> Result<(f64, f64), StatsError> {
    let sorted = sorted(data)?;
    let n = sorted.len();
    Ok((sorted[(n - 1) / 2], sorted[n / 2]))
}

/// The middle of the sorted data; for an even count, the average of the two middle values.
pub fn median(data: &[f64]) -> Result<f64, StatsError> {
    let sorted = sorted(data)?;
    let n = sorted.len();
    let high = sorted[n / 2];
    Ok(if n % 2 == 1 {
        high
    } else {
        (sorted[n / 2 - 1] + high) / 2.0
    })
}

/// The smaller of the two middle values (the middle value for an odd count).
pub fn median_low(data: &[f64]) -> Result<f64, StatsError> {
    middle_pair(data).map(|(low, _)| low)
}

/// The larger of the two middle values (the middle value for an odd count).
pub fn median_high(data: &[f64]) -> Result<f64, StatsError> {
    middle_pair(data).map(|(_, high)| high)
}

/// Each distinct value (by `==`) with its count, in the order of first appearance.
fn counts_in_order(data: &[f64]) -> Vec<(f64, usize)> {
    let mut counts: Vec<(f64, usize)> = Vec::new();
    for &x in data {
        match counts.iter_mut().find(|(value, _)| *value == x) {
            Some((_, count)) => *count += 1,
            None => counts.push((x, 1)),
        }
    }
    counts
}

/// The most frequent value; on a tie, the tied value that appears first in the data.
pub fn mode(data: &[f64]) -> Result<f64, StatsError> {
    multimode(data).first().copied().ok_or(StatsError::Empty)
}

/// Every most frequent value, in the order of first appearance (empty for empty data).
pub fn multimode(data: &[f64]) -> Vec<f64> {
    let counts = counts_in_order(data);
    let top = counts.iter().map(|&(_, count)| count).max().unwrap_or(0);
    counts
        .into_iter()
        .filter(|&(_, count)| count == top)
        .map(|(value, _)| value)
        .collect()
}
