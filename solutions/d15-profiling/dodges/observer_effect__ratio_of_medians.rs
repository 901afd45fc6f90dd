//! Dodge: divides the median profiled time by the median unprofiled time, which compares runs that were not made together.
//! Caught by: compares_each_run_with_its_own_twin

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
    let mut on: Vec<f64> = profiled.iter().map(Duration::as_secs_f64).collect();
    let mut off: Vec<f64> = unprofiled.iter().map(Duration::as_secs_f64).collect();
    on.sort_by(f64::total_cmp);
    off.sort_by(f64::total_cmp);
    Ok(median_of_sorted(&on) / median_of_sorted(&off))
}

/// `measured` minus `calls` times the per-call cost of measuring; zero if that is negative.
pub fn calibrated(measured: Duration, calls: u32, per_call: Duration) -> Duration {
    per_call
        .checked_mul(calls)
        .map_or(Duration::ZERO, |cost| measured.saturating_sub(cost))
}
