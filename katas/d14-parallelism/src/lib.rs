//! # Day 14: threads, processes and the cost of parallelism
//!
//! Source: "Python True Parallelism: Multiprocessing, Threading, and Shattering the GIL
//! (2026)" by Kaushikcoderpy, day 14 of the series "Logic & Legacy":
//! <https://dev.to/kaushikcoderpy/python-true-parallelism-multiprocessing-threading-and-shattering-the-gil-2026-445h>
//!
//! The article's point: waiting for many things at once (concurrency) and computing many
//! things at once (parallelism) are different jobs that need different tools. In CPython
//! the GIL lets only one thread run Python code at a time, so threads are for I/O and
//! CPU-bound work goes to processes, which pay for their isolation in memory, start-up
//! time and pickling. Whatever the tool, parallelism has a cost: Amdahl's law caps the
//! speedup, a saturated machine falls over, shared state races, and results are better
//! streamed back than collected at the end.
//!
//! ## From the article's ideas to the katas
//!
//! | the article (Python) | the kata (Rust) |
//! | --- | --- |
//! | CPU-bound math in parallel (`sum(i * i …)` on several cores) | [`parallel_sum`]: chunk `0..n` and sum on scoped threads that run at the same time |
//! | `ThreadPoolExecutor.map` for I/O-bound scouting | [`scout_pool`]: a bounded pool that waits in parallel and keeps input order |
//! | the FAQ's race on a shared counter, fixed with `threading.Lock()` | [`shared_counters`]: a `Bank` whose read-modify-writes lose nothing under 8 threads |
//! | (locks, taken further) | [`lock_order`]: transfers in both directions without deadlock, by a global lock order |
//! | the 20 % headroom rule; concurrency vs parallelism | [`headroom`]: `worker_count` leaves a fifth of the cores free; I/O pools are sized by waits, not cores |
//! | Amdahl's law: 8 cores give 5.5x, not 8x | [`amdahl`]: the speedup, its ceiling `1 / (1 - p)`, the cores a target needs, a table |
//! | stream results back with a `multiprocessing.Queue` | [`stream_results`]: an iterator over an `mpsc` channel that yields results as they finish |
//! | processes: isolated memory, the shared state illusion, the fork bomb, pickling | [`isolated_workers`]: run a job in a child process over pipes; its state is not the parent's |
//!
//! ## What does not carry over to Rust, and what the suite teaches instead
//!
//! - **There is no GIL.** Rust threads of one process run on all cores at once, so CPU-bound
//!   work does not need processes: scoped threads (kata 1) or rayon do it with no pickling
//!   and no copy of the data. The tests prove threads run *at the same time* with a
//!   `Barrier` (a sequential version waits there for ever, and the test stops it and fails),
//!   never with a stopwatch. The bench (`solutions/d14-parallelism/benches/`) measures the
//!   speedup that CPython's threads cannot give.
//! - **The compiler refuses data races, not logic errors.** Two threads cannot mutate a
//!   plain integer through a shared reference: the code does not compile without a `Mutex`
//!   or an atomic. But a read under one lock and a write under another (a lost update),
//!   a check and an act under two locks (an overdraft), and two locks taken in opposite
//!   orders (a deadlock) all compile. Katas 3 and 4 are about those, and their tests
//!   hammer from many threads and stop a deadlock with a timeout that says why.
//! - **Borrowing replaces copying.** Python processes receive pickled copies of their
//!   arguments (a 2 GB dataset times 8 workers). Scoped threads borrow the caller's data:
//!   nothing is copied, and a closure that is not `'static` is fine (kata 1).
//!   Long-lived workers that outlive the call (kata 7) must own what they use: that is
//!   where `Arc` and channels come in.
//! - **Processes are for isolation, not for speed.** A Rust program reaches for a child
//!   process to contain crashes or untrusted work, not to get around a lock. There is no
//!   `fork` of the running program in safe Rust: `std::process::Command` starts a fresh
//!   program, like Python's `spawn` start method, so the child shares nothing, not even a
//!   copy-on-write snapshot (kata 8). The fork bomb's Rust twin is a program that re-runs
//!   itself without first checking whether it is the worker.
//! - **Subinterpreters and free-threaded Python** have no counterpart: Rust never had the
//!   lock they work around.
//! - **Oversubscription still hurts.** More CPU-bound threads than cores only adds context
//!   switches, and a pool that takes every core starves the rest of the machine (kata 5).
//!
//! ## How to work
//!
//! Each module is one kata: read its brief, replace every `todo!()`, and run
//! `cargo kata check <kata>` (or `cargo test -p kata-d14-parallelism <kata>::`). The katas
//! do not depend on each other; the order above goes from threads to processes. Tests that
//! could hang on a wrong answer (a sequential pool, a deadlock) run the code on a helper
//! thread and fail after 3 seconds (before the runner's own 10 s timeout) with a message
//! that says what went wrong; a stub's `todo!` panic fails at once.

#[cfg(any(not(feature = "one-kata"), feature = "amdahl"))]
pub mod amdahl;
#[cfg(any(not(feature = "one-kata"), feature = "headroom"))]
pub mod headroom;
#[cfg(any(not(feature = "one-kata"), feature = "isolated_workers"))]
pub mod isolated_workers;
#[cfg(any(not(feature = "one-kata"), feature = "lock_order"))]
pub mod lock_order;
#[cfg(any(not(feature = "one-kata"), feature = "parallel_sum"))]
pub mod parallel_sum;
#[cfg(any(not(feature = "one-kata"), feature = "scout_pool"))]
pub mod scout_pool;
#[cfg(any(not(feature = "one-kata"), feature = "shared_counters"))]
pub mod shared_counters;
#[cfg(any(not(feature = "one-kata"), feature = "stream_results"))]
pub mod stream_results;

#[cfg(test)]
#[path = "../../../tests/d14-parallelism/mod.rs"]
mod suite;
