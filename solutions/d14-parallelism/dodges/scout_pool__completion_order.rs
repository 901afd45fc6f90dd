//! Dodge: a real bounded pool that appends each result to a shared Vec as it arrives, so results come back in completion order.
//! Caught by: keeps_input_order_when_later_scouts_finish_first, scouts_wait_in_parallel

use std::sync::atomic::{AtomicUsize, Ordering};

/// Why a pool could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// A pool of zero threads would never run anything.
    #[error("a pool needs at least one thread")]
    NoThreads,
}

/// Runs `scout` for every name on at most `pool_size` threads; results in input order.
pub fn scout_all<T, R, F>(names: &[T], pool_size: usize, scout: F) -> Result<Vec<R>, PoolError>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    if pool_size == 0 {
        return Err(PoolError::NoThreads);
    }
    let next = AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(names.len()));
    let (next, scout, shared) = (&next, &scout, &results);
    std::thread::scope(|scope| {
        for _ in 0..pool_size.min(names.len()) {
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(name) = names.get(i) else { break };
                    let result = scout(name);
                    if let Ok(mut results) = shared.lock() {
                        results.push(result);
                    }
                }
            });
        }
    });
    Ok(results.into_inner().unwrap_or_default())
}
