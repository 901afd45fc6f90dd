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
//! **The tests check.**
//! - `worker_count(cores)`: the largest count that leaves at least 20 % of the cores free
//!   (`5 * (cores - workers) >= cores`), but never fewer than one worker, exact for every
//!   core count: 16 cores give 12 workers, 5 give 4, 2 give 1, 1 gives 1; no overflow on
//!   `usize::MAX` cores, and the exact answer past 2^50, where `cores as f64 * 0.8`
//!   starts to round wrong (2 251 799 813 683 251 cores get one worker too many). Integer
//!   arithmetic is exact everywhere. Checked by `leaves_a_fifth_of_the_cores_free`,
//!   `keeps_twenty_percent_free_with_as_many_workers_as_possible`,
//!   `does_not_overflow_or_round_on_a_huge_core_count`.
//! - Zero cores is [`HeadroomError::NoCores`]. Checked by `zero_cores_is_an_error`,
//!   `a_pool_on_zero_cores_is_an_error`.
//! - `worker_count_for(available)` takes what `available_parallelism()` answered:
//!   `worker_count` of the cores it reports, or 1 if the machine could not tell.
//!   `worker_count_here()` is `worker_count_for(available_parallelism())`. Checked by
//!   `sizes_a_pool_from_what_the_machine_reports`,
//!   `a_machine_that_cannot_tell_gets_one_worker`,
//!   `sizes_this_machine_from_available_parallelism`.
//! - `pool_size(Workload::CpuBound, cores)` is `worker_count(cores)`;
//!   `pool_size(Workload::IoBound { waits }, cores)` is `waits` clamped to
//!   `1..=MAX_IO_THREADS`, whatever the number of cores. Checked by
//!   `a_cpu_bound_pool_gets_the_headroom_count`,
//!   `an_io_bound_pool_is_sized_by_its_waits_not_by_the_cores`.
//!
//! **Not checked.** That `worker_count_here` really asks `available_parallelism`: on a
//! machine with one or two cores the answer is 1 whatever it asks. `worker_count_for` is
//! the seam that makes the rest of its logic observable. How the count is computed where
//! floating point happens to agree: `(cores as f64 * 0.8) as usize` gives the exact
//! answer for every core count below about 2^50 (every one below 2^32 was tried), so a
//! float path used only for such counts, with integers past them, answers like the
//! integer rule everywhere and no test can tell them apart. It is still two rules where
//! one exact rule does.

use std::io;
use std::num::NonZeroUsize;

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
    let free = available_cores.div_ceil(5);
    Ok((available_cores - free).max(1))
}

/// `worker_count` of the cores `available_parallelism()` reported, or 1 if it failed.
pub fn worker_count_for(available: io::Result<NonZeroUsize>) -> usize {
    available
        .ok()
        .and_then(|cores| worker_count(cores.get()).ok())
        .unwrap_or(1)
}

/// `worker_count` for this machine's `available_parallelism`, or 1 if it is unknown.
pub fn worker_count_here() -> usize {
    worker_count_for(std::thread::available_parallelism())
}

/// The number of threads for a pool doing `workload` on a machine with `cores` cores.
pub fn pool_size(workload: Workload, cores: usize) -> Result<usize, HeadroomError> {
    match workload {
        Workload::CpuBound => worker_count(cores),
        Workload::IoBound { .. } if cores == 0 => Err(HeadroomError::NoCores),
        Workload::IoBound { waits } => Ok(waits.clamp(1, MAX_IO_THREADS)),
    }
}
