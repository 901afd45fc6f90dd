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

/// The speedup on `cores` cores when `parallel_fraction` of the work runs in parallel.
pub fn amdahl_speedup(parallel_fraction: f64, cores: usize) -> Result<f64, AmdahlError> {
    todo!("the speedup of p = {parallel_fraction} on {cores} cores")
}

/// The speedup with infinitely many cores: `1 / (1 - parallel_fraction)`.
pub fn max_speedup(parallel_fraction: f64) -> Result<f64, AmdahlError> {
    todo!("the ceiling on the speedup for p = {parallel_fraction}")
}

/// The fewest cores whose speedup reaches `target`, or `None` if no count does.
pub fn cores_needed(parallel_fraction: f64, target: f64) -> Result<Option<usize>, AmdahlError> {
    todo!("the fewest cores that speed p = {parallel_fraction} up {target} times")
}

/// A text table of speedups: one row per core count, one column per fraction, then `max`.
pub fn speedup_table(fractions: &[f64], cores: &[usize]) -> Result<String, AmdahlError> {
    todo!("render the speedups of {fractions:?} on {cores:?} cores")
}
