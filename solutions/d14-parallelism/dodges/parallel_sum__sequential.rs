//! Dodge: sums every range on the calling thread: the right total with no parallelism at all.
//! Caught by: runs_min_workers_n_threads_at_the_same_time

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

/// The sum of `f(i)` for `i` in `0..n`, computed by `min(workers, n)` scoped threads.
pub fn parallel_sum_with<F>(n: u64, workers: usize, f: F) -> Result<u128, SumError>
where
    F: Fn(u64) -> u128 + Sync,
{
    let ranges = chunk_ranges(n, workers)?;
    Ok(ranges
        .into_iter()
        .map(|range| range.map(&f).sum::<u128>())
        .sum())
}

/// The sum of `i * i` for `i` in `0..n`, computed by `min(workers, n)` scoped threads.
pub fn parallel_sum_of_squares(n: u64, workers: usize) -> Result<u128, SumError> {
    parallel_sum_with(n, workers, |i| u128::from(i) * u128::from(i))
}
