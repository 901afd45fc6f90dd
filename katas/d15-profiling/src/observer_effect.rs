//! # Kata 5: the cost of watching
//!
//! **Build** the arithmetic of measuring a profiler's own overhead:
//!
//! - [`overhead_ratio`] takes the durations of runs made with the profiler on and of runs
//!   made with it off, **in pairs** (run `i` profiled was made right after run `i`
//!   unprofiled, on the same input), and returns the median of the per-pair ratios
//!   `profiled[i] / unprofiled[i]`. With an even number of pairs the median is the mean of
//!   the two middle ratios. 1.4 means "profiled runs take 40 % longer".
//! - [`calibrated`] removes a known per-call cost from a measured time, the way Python's
//!   `profile` module subtracts its calibrated bias: `measured - calls × per_call`, and
//!   zero rather than a negative time when the cost estimate exceeds the measurement.
//!
//! Rules: the median of the *ratios*, not the ratio of the means or of the
//! medians; an empty input is [`OverheadError::NoSamples`]; lists of different lengths are
//! [`OverheadError::LengthMismatch`]; an unprofiled run of zero time is
//! [`OverheadError::ZeroBaseline`] (a ratio to nothing means nothing). A ratio below 1 is
//! allowed: on a noisy machine a profiled run is sometimes the faster one.
//!
//! **Why.** A tracing profiler slows the program down, and not uniformly: it costs the same
//! per call, so tiny, frequent functions look slower than they are. Before you trust the
//! absolute figures, know the overhead; trust the proportions more than the seconds. The
//! median of paired ratios is robust: one run disturbed by another process, a page fault
//! storm or a frequency change moves a mean a lot and a median hardly at all.
//!
//! **Python → Rust.** cProfile's overhead is large because every Python call goes through
//! the hook. Rust instrumentation (`tracing` spans, a guard around a function) costs tens of
//! nanoseconds per span, but that is still many times the cost of a small function it
//! wraps; the bench `profiling` in the solution crate measures it on a simple loop. All
//! timings in this kata are *supplied*, so the tests are exact.
//!
//! **The tests check.**
//! - The result is the median of the per-pair ratios `profiled[i] / unprofiled[i]`, the mean
//!   of the two middle ratios for an even count; one disturbed run hardly moves it; each run is
//!   compared with its own twin (not the ratio of the means or of the medians); a ratio below
//!   1 is allowed. Checked by `gives_the_ratio_of_profiled_to_unprofiled_time`,
//!   `takes_the_mean_of_the_two_middle_ratios_of_an_even_count`, `ignores_one_disturbed_run`,
//!   `compares_each_run_with_its_own_twin`, `allows_a_profiled_run_that_came_out_faster`,
//!   `ignores_two_disturbed_runs_of_five` (a trimmed mean does not),
//!   `the_ratio_is_the_median_of_the_pair_ratios` (any count of pairs, odd or even).
//! - Durations are compared at full precision: runs shorter than a millisecond keep their
//!   ratio (750 µs against 500 µs is 1.5), and so do longer ones (1.9 ms against 1.2 ms is
//!   1.583..., not 1 ms / 1 ms). Checked by
//!   `keeps_the_fraction_of_runs_shorter_than_a_millisecond`,
//!   `keeps_the_fraction_of_runs_longer_than_a_millisecond`,
//!   `the_ratio_is_the_median_of_the_pair_ratios` (runs from 1 ns to a minute).
//! - The median lies between the smallest and largest pair ratio and does not change when
//!   every run is scaled by the same factor. Checked by
//!   `the_ratio_lies_between_the_smallest_and_largest_pair_and_ignores_units`.
//! - An empty input is [`OverheadError::NoSamples`], lists of different lengths
//!   [`OverheadError::LengthMismatch`], a zero unprofiled run [`OverheadError::ZeroBaseline`]
//!   with its index. Checked by `refuses_runs_that_cannot_be_paired`.
//! - [`calibrated`] subtracts `calls × per_call` and gives zero when that cost exceeds the
//!   measurement, including a cost too large to compute (no overflow panic), exactly to the
//!   nanosecond (as `Duration`s, never through `f64` seconds). Checked by
//!   `calibration_removes_the_profiler_cost_per_call`, `calibration_is_exact_to_the_nanosecond`,
//!   `calibration_subtracts_exactly_in_nanoseconds`.

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

/// The median of `profiled[i] / unprofiled[i]` over all pairs.
pub fn overhead_ratio(
    profiled: &[Duration],
    unprofiled: &[Duration],
) -> Result<f64, OverheadError> {
    todo!("the median overhead ratio of {profiled:?} against {unprofiled:?}")
}

/// `measured` minus `calls` times the per-call cost of measuring; zero if that is negative.
pub fn calibrated(measured: Duration, calls: u32, per_call: Duration) -> Duration {
    todo!("remove {calls} × {per_call:?} of profiler cost from {measured:?}")
}
