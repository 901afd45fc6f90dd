//! Dodge: scouts the names one after another on the calling thread: right results, no waiting in parallel.
//! Caught by: scouts_wait_in_parallel, keeps_input_order_when_later_scouts_finish_first

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
    Ok(names.iter().map(scout).collect())
}
