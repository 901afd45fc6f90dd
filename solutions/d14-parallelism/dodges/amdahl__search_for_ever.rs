//! Dodge: tries 1, 2, 3, ... cores until the target is reached, without first asking whether the ceiling 1 / (1 - p) allows it: an unreachable target loops for ever.
//! Caught by: finds_the_fewest_cores_that_reach_a_target, cores_needed_agrees_with_amdahl_speedup

use std::fmt::Write as _;

/// Why a speedup could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum AmdahlError {
    /// The parallel fraction is not a number in `0.0..=1.0`.
    #[error("the parallel fraction must be between 0 and 1, got {0}")]
    InvalidFraction(f64),
    /// Zero cores run nothing.
    #[error("at least one core is needed")]
    NoCores,
    /// The target speedup is not a finite number of at least 1.
    #[error("the target speedup must be a finite number >= 1, got {0}")]
    InvalidTarget(f64),
}

fn check_fraction(parallel_fraction: f64) -> Result<f64, AmdahlError> {
    if (0.0..=1.0).contains(&parallel_fraction) {
        Ok(parallel_fraction)
    } else {
        Err(AmdahlError::InvalidFraction(parallel_fraction))
    }
}

/// The speedup on `cores` cores when `parallel_fraction` of the work runs in parallel.
pub fn amdahl_speedup(parallel_fraction: f64, cores: usize) -> Result<f64, AmdahlError> {
    let p = check_fraction(parallel_fraction)?;
    if cores == 0 {
        return Err(AmdahlError::NoCores);
    }
    let cores = cores as f64;
    // Rounding must not push the result outside what the law allows.
    Ok((1.0 / ((1.0 - p) + p / cores)).clamp(1.0, cores))
}

/// The speedup with infinitely many cores: `1 / (1 - parallel_fraction)`.
pub fn max_speedup(parallel_fraction: f64) -> Result<f64, AmdahlError> {
    let p = check_fraction(parallel_fraction)?;
    Ok(1.0 / (1.0 - p))
}

/// The fewest cores whose speedup reaches `target`, or `None` if no count does.
pub fn cores_needed(parallel_fraction: f64, target: f64) -> Result<Option<usize>, AmdahlError> {
    let p = check_fraction(parallel_fraction)?;
    if !target.is_finite() || target < 1.0 {
        return Err(AmdahlError::InvalidTarget(target));
    }
    let mut n = 1;
    while amdahl_speedup(p, n)? < target {
        n += 1;
    }
    Ok(Some(n))
}

/// A text table of speedups: one row per core count, one column per fraction, then `max`.
pub fn speedup_table(fractions: &[f64], cores: &[usize]) -> Result<String, AmdahlError> {
    let mut table = String::from("cores");
    for &p in fractions {
        write!(table, "{:>8}", format!("p={:.2}", check_fraction(p)?)).ok();
    }
    table.push('\n');
    for &n in cores {
        write!(table, "{n:>5}").ok();
        for &p in fractions {
            write!(table, "{:>8.2}", amdahl_speedup(p, n)?).ok();
        }
        table.push('\n');
    }
    table.push_str("  max");
    for &p in fractions {
        write!(table, "{:>8.2}", max_speedup(p)?).ok();
    }
    table.push('\n');
    Ok(table)
}
