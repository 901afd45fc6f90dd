//! # Kata 5: headroom, and sizing a pool by its workload
//!
//! **Build** `worker_count(available_cores)`, the number of CPU-bound workers to start on
//! a machine, `worker_count_here()` for this machine, and `pool_size(workload, cores)`,
//! which tells CPU-bound pools from I/O-bound ones.
//!
//! **Why.** A pool that keeps every core busy starves everything else on the machine: the
//! kernel's network stack, the SSH session you need to fix things, the health check that
//! decides whether your pod is alive. Leave some cores free. And do not size an I/O pool
//! by cores at all: its threads spend their time waiting, not computing.
//!
//! **Python → Rust.** The article's rule is to leave about 20 % of the cores free (and
//! `os.cpu_count()` tells you how many there are). Rust's `std::thread::available_parallelism`
//! is the counterpart; it can fail, and returns a `NonZeroUsize` when it succeeds. Rust
//! threads compute in parallel, so a CPU-bound Rust pool really does occupy one core per
//! thread: the headroom rule matters even more than under the GIL.
//!
//! **Rules the tests check.**
//! - `worker_count(cores)`: the largest count that leaves at least 20 % of the cores free
//!   (`5 * (cores - workers) >= cores`), but never fewer than one worker. Integer
//!   arithmetic only: 16 cores give 12 workers, 5 give 4, 2 give 1, 1 gives 1.
//!   Zero cores is [`HeadroomError::NoCores`].
//! - `worker_count_here()`: `worker_count` of `available_parallelism()`, or 1 if the
//!   machine cannot tell.
//! - `pool_size(Workload::CpuBound, cores)` is `worker_count(cores)`;
//!   `pool_size(Workload::IoBound { waits }, cores)` is `waits` clamped to
//!   `1..=MAX_IO_THREADS`, whatever the number of cores. Zero cores is
//!   [`HeadroomError::NoCores`] for both.

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
    todo!("how many workers leave a fifth of {available_cores} cores free")
}

/// `worker_count` for this machine's `available_parallelism`, or 1 if it is unknown.
pub fn worker_count_here() -> usize {
    todo!("worker_count for this machine")
}

/// The number of threads for a pool doing `workload` on a machine with `cores` cores.
pub fn pool_size(workload: Workload, cores: usize) -> Result<usize, HeadroomError> {
    todo!("size a pool for {workload:?} on {cores} cores")
}
