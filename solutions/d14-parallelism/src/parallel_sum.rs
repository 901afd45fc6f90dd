//! # Kata 1: a parallel sum with scoped threads
//!
//! **Build** `chunk_ranges(n, workers)`, which splits `0..n` into balanced contiguous
//! ranges, and `parallel_sum_with(n, workers, f)`, which adds up `f(i)` for every `i` in
//! `0..n` on `workers` threads at once, one range per thread.
//! `parallel_sum_of_squares(n, workers)` is the article's "karmic debt" loop built on it,
//! in any number type `T` (`u128` for the real thing: `parallel_sum_of_squares::<u128>`).
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
//! `parallel_sum_with` is generic over what `f` returns: any `T: Sum` (a `u128`, or the
//! tests' own number type that records how it was added up). Each worker adds up its own
//! range on its own thread, with nobody else's lock in the way, and hands back one partial
//! sum; the partials are added once, at the end. A shared total behind a `Mutex` that
//! every worker adds each item to is a home-made GIL: the workers queue for the lock
//! instead of computing.
//!
//! **The tests check.**
//! - `chunk_ranges(n, workers)` gives `min(workers, n)` ranges, none empty, in order,
//!   covering `0..n` exactly once, whose lengths differ by at most one (no range for
//!   `n == 0`), item counts past 2^53 (where an `f64` loses integers) up to `u64::MAX`
//!   included. Checked by `splits_the_items_into_balanced_contiguous_ranges`,
//!   `ranges_cover_every_item_once_and_differ_by_at_most_one`,
//!   `ranges_stay_balanced_for_item_counts_past_two_to_the_53`.
//! - `parallel_sum_with` calls `f` from exactly `min(workers, n)` threads that run at the
//!   same time, all the way through their ranges: the tests make each thread wait at a
//!   `Barrier` at every call of `f` when the ranges hold up to 4096 items (one run has two
//!   ranges of 4096), and for longer ones (up to 100 000 items in all) at its first, middle
//!   and last call and at every call number that is a power of two or one less, so a lock
//!   shared by the workers and held while `f` runs, even one taken only after each
//!   worker's first item or only every k-th item (any k up to 4096), blocks them. Checked by `runs_min_workers_n_threads_at_the_same_time`.
//! - It starts no idle threads either: never one thread per worker asked for, so
//!   `parallel_sum_with(3, usize::MAX, f)` returns 3 at once. Checked by
//!   `a_huge_worker_count_starts_only_one_thread_per_item`.
//! - Each of those threads calls `f` on exactly one range of `chunk_ranges(n, workers)`,
//!   all of it: the ranges are dealt out before the threads start, not handed out item by
//!   item or by stride. Checked by `each_thread_computes_one_whole_range_of_chunk_ranges`.
//! - Each worker adds up the `f(i)` of its own range on its own thread with one call of
//!   `Sum::sum` (its partial sum), and the partials are added up with one more call:
//!   `min(workers, n) + 1` calls of `Sum::sum` in all, however large `n` is. No `f(i)` is
//!   sent to another thread to be added, and nothing is added item by item into a shared
//!   total. Checked by `adds_each_range_on_its_own_thread_and_combines_the_partials_once`.
//! - Each `f(i)` is added as it is computed: every call of `f` happens while the worker's
//!   `Sum::sum` is running on that thread (hand it the lazy `range.map(f)`); no worker
//!   collects its range into a `Vec` first: at any moment a worker holds at most one
//!   `f(i)` it has not added yet (a `Vec` collected inside the sum is still a buffer).
//!   Checked by `each_f_of_i_is_added_as_it_is_computed_not_buffered_first`.
//! - The sum is the sequential loop's, for any `n` and any `workers >= 1`. Checked by
//!   `sums_the_squares_below_n`, `agrees_with_the_sequential_loop_for_any_n_and_workers`,
//!   `more_workers_than_items_still_counts_every_item_once`,
//!   `borrows_what_f_captures_instead_of_copying_it_into_the_workers`.
//! - `parallel_sum_of_squares` is built on `parallel_sum_with`: each square is computed in
//!   `T` (`T::from(i) * T::from(i)`, one multiplication in `T` per item: `T::from(i * i)`
//!   squares in `u64`, which overflows for `i >= 2^32`) on `min(workers, n)` different
//!   threads, each range's squares are added up on the thread that computed them, with
//!   `min(workers, n) + 1` calls of `Sum::sum` in all (the tests' `T` records all this).
//!   One loop on the calling thread computes the same number without a single other
//!   core. Checked by `squares_are_computed_and_added_up_on_the_worker_threads`.
//! - `workers == 0` is [`SumError::NoWorkers`] in all three functions. Checked by
//!   `zero_workers_is_an_error`.
//!
//! **Not checked.** A lock shared by the workers that each takes and releases between two
//! calls of `f` (a progress counter behind a `Mutex` bumped after each `f(i)`, before the
//! value reaches `Sum::sum`, say) runs none of the tests' code while it is held, so no
//! test sees it: a worker paused inside `f` or inside the addition never holds it, and a
//! `Mutex` private to your code cannot be counted from outside; only timing could show it,
//! and the tests never time. It is still a home-made GIL, one contended lock per item: do
//! not add one (an atomic counter, or none, does the job).

use std::iter::Sum;
use std::ops::Mul;
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
    if workers == 0 {
        return Err(SumError::NoWorkers);
    }
    let parts = n.min(workers as u64);
    if parts == 0 {
        return Ok(Vec::new());
    }
    let (base, extra) = (n / parts, n % parts);
    let mut start = 0;
    let ranges = (0..parts)
        .map(|part| {
            let len = base + u64::from(part < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect();
    Ok(ranges)
}

/// The sum of `f(i)` for `i` in `0..n`: `min(workers, n)` scoped threads each add up their
/// own range, then their partial sums are added up once.
pub fn parallel_sum_with<T, F>(n: u64, workers: usize, f: F) -> Result<T, SumError>
where
    T: Send + Sum,
    F: Fn(u64) -> T + Sync,
{
    let ranges = chunk_ranges(n, workers)?;
    let f = &f;
    let total = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|range| scope.spawn(move || range.map(f).sum::<T>()))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .sum()
    });
    Ok(total)
}

/// The sum of `i * i` for `i` in `0..n`, each square computed as `T::from(i) * T::from(i)`
/// and added up by `min(workers, n)` scoped threads.
pub fn parallel_sum_of_squares<T>(n: u64, workers: usize) -> Result<T, SumError>
where
    T: From<u64> + Mul<Output = T> + Send + Sum,
{
    parallel_sum_with(n, workers, |i| T::from(i) * T::from(i))
}
