//! Dodge: averages the per-pair ratios instead of taking their median, so one disturbed run moves the result.
//! Caught by: ignores_one_disturbed_run

use std::time::Duration;

/// Run lists that cannot give an overhead ratio.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverheadError {
    /// No runs at all.
    #[error("no runs to compare")]
    NoSamples,
    /// The two lists have different lengths, so runs cannot be paired.
    #[error("{profiled} profiled runs but {unprofiled} unprofiled: runs are compared in pairs")]
    LengthMismatch {
        /// How many profiled runs.
        profiled: usize,
        /// How many unprofiled runs.
        unprofiled: usize,
    },
    /// An unprofiled run took no time.
    #[error("unprofiled run {index} took no time: a ratio to zero is meaningless")]
    ZeroBaseline {
        /// Its position in the list.
        index: usize,
    },
}

/// The median of non-empty, sorted values.
fn median_of_sorted(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        f64::midpoint(sorted[mid - 1], sorted[mid])
    } else {
        sorted[mid]
    }
}

/// The median of `profiled[i] / unprofiled[i]` over all pairs.
pub fn overhead_ratio(
    profiled: &[Duration],
    unprofiled: &[Duration],
) -> Result<f64, OverheadError> {
    if profiled.len() != unprofiled.len() {
        return Err(OverheadError::LengthMismatch {
            profiled: profiled.len(),
            unprofiled: unprofiled.len(),
        });
    }
    if profiled.is_empty() {
        return Err(OverheadError::NoSamples);
    }
    let mut ratios = Vec::with_capacity(profiled.len());
    for (index, (on, off)) in profiled.iter().zip(unprofiled).enumerate() {
        if off.is_zero() {
            return Err(OverheadError::ZeroBaseline { index });
        }
        ratios.push(on.as_secs_f64() / off.as_secs_f64());
    }
    let _ = median_of_sorted;
    Ok(ratios.iter().sum::<f64>() / ratios.len() as f64)
}

/// `measured` minus `calls` times the per-call cost of measuring; zero if that is negative.
pub fn calibrated(measured: Duration, calls: u32, per_call: Duration) -> Duration {
    per_call
        .checked_mul(calls)
        .map_or(Duration::ZERO, |cost| measured.saturating_sub(cost))
}
