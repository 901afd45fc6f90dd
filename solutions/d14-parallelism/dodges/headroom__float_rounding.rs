//! Dodge: multiplies by 0.8 in floating point and rounds, which hands out a core of the headroom (16 cores give 13).
//! Caught by: leaves_a_fifth_of_the_cores_free, keeps_twenty_percent_free_with_as_many_workers_as_possible, a_cpu_bound_pool_gets_the_headroom_count

/// The most threads an I/O-bound pool gets, however many waits there are.
pub const MAX_IO_THREADS: usize = 64;

/// Why no worker count could be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeadroomError {
    /// A machine with zero cores cannot run anything.
    #[error("a machine needs at least one core")]
    NoCores,
}

/// What a pool's threads spend their time doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Computing: one busy core per thread.
    CpuBound,
    /// Waiting (network, disk, timers): `waits` things to wait for at once.
    IoBound {
        /// How many waits should be in flight at the same time.
        waits: usize,
    },
}

/// The number of CPU-bound workers for `available_cores`, leaving 20 % of them free.
pub fn worker_count(available_cores: usize) -> Result<usize, HeadroomError> {
    if available_cores == 0 {
        return Err(HeadroomError::NoCores);
    }
    Ok(((available_cores as f64 * 0.8).round() as usize).max(1))
}

/// `worker_count` for this machine's `available_parallelism`, or 1 if it is unknown.
pub fn worker_count_here() -> usize {
    std::thread::available_parallelism()
        .ok()
        .and_then(|cores| worker_count(cores.get()).ok())
        .unwrap_or(1)
}

/// The number of threads for a pool doing `workload` on a machine with `cores` cores.
pub fn pool_size(workload: Workload, cores: usize) -> Result<usize, HeadroomError> {
    match workload {
        Workload::CpuBound => worker_count(cores),
        Workload::IoBound { .. } if cores == 0 => Err(HeadroomError::NoCores),
        Workload::IoBound { waits } => Ok(waits.clamp(1, MAX_IO_THREADS)),
    }
}
