//! # Kata 8: isolated workers (processes)
//!
//! **Build** both sides of a worker process:
//!
//! - `forge(job)`: the work itself. It records the weapon in *this process's* armoury (a
//!   global list, see [`armoury`]) and replies with a checksum, the process id and the
//!   armoury's size;
//! - `serve_if_worker()`: the worker's entry point. In a process started as a worker it
//!   reads one job from stdin, forges it, writes the reply to stdout and returns
//!   `Ok(true)`; in any other process it does nothing and returns `Ok(false)`;
//! - `run_isolated(worker, job)`: the parent's side. It starts `worker` as a child
//!   process marked as a worker, sends it the job, and reads the reply back.
//!
//! **Why.** A separate process is the strongest isolation there is: its own memory, its
//! own crashes. A worker that panics, leaks or corrupts its state cannot take the parent
//! down. The price: nothing is shared. Every job and every reply is copied through a pipe
//! as bytes, and the worker starts with none of the parent's state.
//!
//! **Python → Rust.** The article's "shared state illusion": a list handed to a process
//! pool is updated in the worker's copy, never in the parent's. Rust threads share the
//! heap (katas 1 to 7), so the illusion only bites with processes, and here it is total:
//! `std::process::Command` starts a fresh program, like Python's `spawn` start method,
//! never a copy of the parent's memory (as `fork` would be). The article's fork bomb has a
//! Rust twin too: a program that re-runs itself as a worker must recognise that it is the
//! worker before doing anything else, or each copy starts more copies. Here the parent
//! sets the environment variable [`WORKER_ENV`] on the child, and `serve_if_worker` checks
//! it first: Rust's counterpart of `if __name__ == "__main__":`.
//!
//! The tests' worker is the test binary itself, re-run with a filter that selects one
//! test (the one that calls `serve_if_worker`): [`WorkerCommand`] holds that command line.
//!
//! **The wire format.**
//! - Job (parent → child, on the child's stdin): one line `<heat> <weapon>\n`.
//! - Reply (child → parent, on the child's stdout): `<REPLY_PREFIX><pid> <checksum>
//!   <armoury_size> <weapon>\n`. The test harness writes its own text on the same
//!   stdout, so the reply is the rest of the line after [`REPLY_PREFIX`], wherever it is.
//!
//! **Rules the tests check.**
//! - `forge`'s checksum is the sum of `i * i` for `i` in `0..heat`, wrapping on overflow.
//! - `run_isolated` runs the job in another process (another pid); the worker's armoury
//!   holds only that job's weapon, and the parent's armoury does not change.
//! - `serve_if_worker` returns `Ok(false)` at once in a process that is not a worker.
//! - A weapon name with a line break cannot be framed: [`IsolationError::BadJob`], before
//!   any process starts. A program that cannot start is [`IsolationError::Spawn`]; a
//!   worker that exits unsuccessfully is [`IsolationError::WorkerFailed`] (the parent
//!   carries on); one that exits successfully without a reply line is
//!   [`IsolationError::NoReply`]; a reply line that does not parse is
//!   [`IsolationError::BadReply`].
//! - A worker may exit without reading its job: a broken pipe while sending the job is not
//!   an error by itself (`io::ErrorKind::BrokenPipe`); judge the worker by its exit status
//!   and its reply.

use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::sync::{Mutex, PoisonError};

/// Set (to any value) in the environment of a process started as a worker.
pub const WORKER_ENV: &str = "D14_PARALLELISM_WORKER";

/// What comes right before a reply on the worker's stdout.
pub const REPLY_PREFIX: &str = "d14-reply:";

/// A job for a worker: forge `weapon` at `heat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The weapon's name (one line of text, spaces allowed).
    pub weapon: String,
    /// How much work: the checksum adds `i * i` for `i` in `0..heat`.
    pub heat: u64,
}

/// What a worker sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The weapon forged.
    pub weapon: String,
    /// The sum of `i * i` for `i` in `0..heat`, wrapping on overflow.
    pub checksum: u64,
    /// The id of the process that forged it.
    pub pid: u32,
    /// How many weapons that process's armoury held after forging this one.
    pub armoury_size: usize,
}

/// How to start a worker: a program and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// The program to run.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
}

/// Why a job could not be run in a worker.
#[derive(Debug, thiserror::Error)]
pub enum IsolationError {
    /// The job cannot be written as one line.
    #[error("weapon {weapon:?} contains a line break and cannot be sent as one line")]
    BadJob {
        /// The offending weapon name.
        weapon: String,
    },
    /// The worker process could not be started.
    #[error("could not start the worker")]
    Spawn(#[source] io::Error),
    /// Writing the job or reading the reply failed.
    #[error("could not talk to the worker")]
    Pipe(#[source] io::Error),
    /// The worker exited unsuccessfully.
    #[error("the worker failed: {status}")]
    WorkerFailed {
        /// How it exited.
        status: ExitStatus,
    },
    /// The worker exited successfully but wrote no reply.
    #[error("the worker exited without a reply")]
    NoReply,
    /// The reply line does not parse.
    #[error("the worker's reply {line:?} does not parse")]
    BadReply {
        /// The text after the prefix.
        line: String,
    },
}

/// The weapons forged in this process.
static ARMOURY: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The weapons forged in this process so far, oldest first.
pub fn armoury() -> Vec<String> {
    ARMOURY
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Forges `job` in this process: records the weapon in this process's armoury.
pub fn forge(job: &Job) -> Reply {
    todo!("forge {job:?} here and record it in this process's armoury")
}

/// In a worker process: serve one job from stdin and return `Ok(true)`; else `Ok(false)`.
pub fn serve_if_worker() -> Result<bool, IsolationError> {
    todo!("if {WORKER_ENV} is set, serve one job from stdin")
}

/// Runs `job` in a new worker process started from `worker`; returns its reply.
pub fn run_isolated(worker: &WorkerCommand, job: &Job) -> Result<Reply, IsolationError> {
    todo!("run {job:?} in a child process started as {worker:?}")
}
