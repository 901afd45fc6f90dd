//! Dodge: the mode sorts the data and counts runs, so a tie goes to the smallest value instead of the first to appear, as Python's does.
//! Caught by: mode_breaks_ties_by_first_appearance

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
    let sorted = sorted(data)?;
    let mut best = (sorted[0], 0);
    let mut run = (sorted[0], 0);
    for &x in &sorted {
        run = if x == run.0 { (x, run.1 + 1) } else { (x, 1) };
        if run.1 > best.1 {
            best = run;
        }
    }
    Ok(best.0)
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
