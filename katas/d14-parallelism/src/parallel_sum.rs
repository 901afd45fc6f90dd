//! # Kata 1: a parallel sum with scoped threads
//!
//! **Build** `chunk_ranges(n, workers)`, which splits `0..n` into balanced contiguous
//! ranges, and `parallel_sum_with(n, workers, f)`, which adds up `f(i)` for every `i` in
//! `0..n` on `workers` threads at once, one range per thread.
//! `parallel_sum_of_squares(n, workers)` is the article's "karmic debt" loop built on it.
//!
//! **Why.** CPU-bound work only gets faster when every core computes at the same moment.
//! A loop that spawns a thread and joins it before spawning the next one is sequential
//! with extra steps; ranges of very different lengths leave cores idle while the slowest
//! thread finishes (the whole job takes as long as its longest range).
//!
//! **Python → Rust.** In CPython the GIL lets one thread run bytecode at a time, so the
//! article sends CPU work to processes and pays for pickling every argument. Rust has no
//! GIL: threads of one process compute in parallel and share the heap. `std::thread::scope`
//! lets the threads *borrow* `f` and anything it captures, so nothing is copied into the
//! workers, and the scope joins every thread before it returns.
//!
//! **Rules the tests check.**
//! - `chunk_ranges(n, workers)` gives `min(workers, n)` ranges, none empty, in order,
//!   covering `0..n` exactly once, whose lengths differ by at most one (no range for
//!   `n == 0`).
//! - `parallel_sum_with` calls `f` from exactly `min(workers, n)` threads that run at the
//!   same time (the tests make the threads meet at a `Barrier`), and returns the same sum
//!   as a sequential loop, for any `n` and any `workers >= 1`.
//! - `workers == 0` is [`SumError::NoWorkers`] in all three functions.

use std::ops::Range;

/// Why a parallel sum could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SumError {
    /// Zero workers were asked for: nobody would do the work.
    #[error("a parallel sum needs at least one worker")]
    NoWorkers,
}

/// Splits `0..n` into `min(workers, n)` non-empty contiguous ranges whose lengths differ by
/// at most one.
pub fn chunk_ranges(n: u64, workers: usize) -> Result<Vec<Range<u64>>, SumError> {
    todo!("split 0..{n} into balanced ranges for {workers} workers")
}

/// The sum of `f(i)` for `i` in `0..n`, computed by `min(workers, n)` scoped threads.
pub fn parallel_sum_with<F>(n: u64, workers: usize, _f: F) -> Result<u128, SumError>
where
    F: Fn(u64) -> u128 + Sync,
{
    todo!("add f(i) for i in 0..{n} on {workers} threads at once")
}

/// The sum of `i * i` for `i` in `0..n`, computed by `min(workers, n)` scoped threads.
pub fn parallel_sum_of_squares(n: u64, workers: usize) -> Result<u128, SumError> {
    todo!("add i * i for i in 0..{n} on {workers} threads")
}
