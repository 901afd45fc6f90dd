//! Dodge: gives every range n / workers items and the whole remainder to the last one, so one thread can do almost twice the work of the others.
//! Caught by: splits_the_items_into_balanced_contiguous_ranges, ranges_cover_every_item_once_and_differ_by_at_most_one

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
    let base = n / parts;
    let ranges = (0..parts)
        .map(|part| {
            let end = if part + 1 == parts {
                n
            } else {
                (part + 1) * base
            };
            part * base..end
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
    let f = &f;
    let total = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|range| scope.spawn(move || range.map(f).sum::<u128>()))
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

/// The sum of `i * i` for `i` in `0..n`, computed by `min(workers, n)` scoped threads.
pub fn parallel_sum_of_squares(n: u64, workers: usize) -> Result<u128, SumError> {
    parallel_sum_with(n, workers, |i| u128::from(i) * u128::from(i))
}
