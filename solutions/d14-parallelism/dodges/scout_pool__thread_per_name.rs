//! Dodge: spawns one thread per name and ignores pool_size: it waits in parallel but is unbounded.
//! Caught by: runs_the_scouts_on_at_most_pool_size_threads

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
    let scout = &scout;
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = names
            .iter()
            .map(|name| scope.spawn(move || scout(name)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    Ok(results)
}
