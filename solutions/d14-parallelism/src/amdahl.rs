//! # Kata 6: Amdahl's law
//!
//! **Build** `amdahl_speedup(parallel_fraction, cores)`, `max_speedup(parallel_fraction)`,
//! `cores_needed(parallel_fraction, target)` and `speedup_table(fractions, cores)`.
//!
//! **Why.** Eight cores do not make a job eight times faster. The part of the work that
//! cannot be split (reading the input, merging results, starting the workers) runs at
//! the same speed whatever the core count, and it soon dominates. Before buying cores,
//! compute what they can give.
//!
//! **Python → Rust.** The article's 8 cores that give 5.5x is Amdahl's law at work (plus
//! pickling and process start-up, which Rust threads avoid). The law is the same in every
//! language: if a fraction `p` of the work runs in parallel on `n` cores, the speedup is
//! `1 / ((1 - p) + p / n)`, and never more than `1 / (1 - p)` however many cores you add.
//! In Rust the inputs are `f64`, so reject NaN and out-of-range values with a typed error
//! instead of returning a meaningless number.
//!
//! **The tests check.**
//! - `parallel_fraction` must be in `0.0..=1.0` (NaN is not): otherwise
//!   [`AmdahlError::InvalidFraction`]. `cores == 0` is [`AmdahlError::NoCores`]. Checked by
//!   `a_fraction_outside_zero_to_one_is_an_error`, `zero_cores_is_an_error`.
//! - `amdahl_speedup(p, n)` is `1 / ((1 - p) + p / n)`, at least 1, at most `cores` and at
//!   most `max_speedup`, and grows with `cores`. Clamp the computed value to
//!   `1.0..=cores`: rounding pushes `1 / (1 / 49)` just above 49. Checked by
//!   `computes_the_speedup`, `the_speedup_is_at_least_one_and_at_most_cores_and_the_cap`,
//!   `perfectly_parallel_work_never_beats_one_core_per_core`,
//!   `more_cores_never_slow_the_job_down`.
//! - `max_speedup(p)` is `1 / (1 - p)`; `max_speedup(1.0)` is `f64::INFINITY`. It is the
//!   limit as the cores grow without end: a huge finite core count plugged into the law
//!   (`amdahl_speedup(p, usize::MAX)`) is off when `p` is within 2^-11 of 1 (the tests
//!   try `p = 1 - 2^-53`). Checked by
//!   `the_serial_part_caps_the_speedup`.
//! - `cores_needed(p, target)` is the smallest `n` with `amdahl_speedup(p, n) >= target`
//!   (as computed by `amdahl_speedup`), or `None` when no core count reaches it (`target`
//!   at or above `max_speedup(p)`), found without searching for ever (the tests wait 3
//!   seconds, for answers up to 10^12 cores). Checked by
//!   `finds_the_fewest_cores_that_reach_a_target`,
//!   `asking_for_the_speedup_of_n_cores_needs_at_most_n_cores`,
//!   `cores_needed_agrees_with_amdahl_speedup`.
//! - `target` must be a finite number `>= 1.0`: otherwise [`AmdahlError::InvalidTarget`].
//!   Checked by `a_target_that_is_not_a_finite_number_of_at_least_one_is_an_error`.
//! - `speedup_table` renders one row per core count and a last row `max`; one column per
//!   fraction, headed `p=0.95`; every cell right-aligned in 8 characters with two
//!   decimals (`inf` for an infinite maximum); the first column right-aligned in 5, as
//!   below. Checked by `renders_a_speedup_table`.
//!
//! `speedup_table(&[0.5, 0.95], &[1, 8])`:
//!
//! ```text
//! cores  p=0.50  p=0.95
//!     1    1.00    1.00
//!     8    1.78    5.93
//!   max    2.00   20.00
//! ```
//!
//! **Not checked.** How `cores_needed` finds its answer. A bisection over every core
//! count an `f64` can tell apart (`1..=2^52`) that answers `None` when `2^52` cores fall
//! short gives the same answers as solving the law for `n` and comparing `target` with the
//! ceiling `max_speedup(p)` first, for every input (above `2^52` no answer is meaningful
//! either way). Compare with the ceiling anyway: it is the law's lesson, and it says *why*
//! no core count is enough.

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
    if target <= 1.0 {
        return Ok(Some(1));
    }
    // speedup >= target  <=>  p / n <= 1/target - (1 - p)
    let room = 1.0 / target - (1.0 - p);
    if room <= 0.0 {
        return Ok(None); // at or beyond the ceiling 1 / (1 - p)
    }
    // Beyond 2^52 an f64 cannot tell n from n + 1; no answer is meaningful there.
    let estimate = (p / room).ceil().min(4_503_599_627_370_496.0);
    // Rounding may put the estimate above the answer (by one, or by millions when f64
    // can no longer tell n from n + 1): settle it with the arithmetic amdahl_speedup uses
    // (which grows with n), by bisection, so the answer agrees with it.
    let reaches = |n: usize| amdahl_speedup(p, n).is_ok_and(|s| s >= target);
    let mut high = (estimate as usize).max(1);
    if !reaches(high) {
        // The estimate rounds up, so this does not happen; if rounding ever made it fall
        // short, refuse to guess.
        return Ok(None);
    }
    let mut low = 1;
    while low < high {
        let mid = low + (high - low) / 2;
        if reaches(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    Ok(Some(high))
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
