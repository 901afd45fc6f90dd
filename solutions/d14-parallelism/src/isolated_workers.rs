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
//! **The tests check.**
//! - `forge`'s checksum is the sum of `i * i` for `i` in `0..heat`, wrapping on overflow,
//!   computed in the calling process; threads of one process share its armoury. Checked by
//!   `forge_sums_the_squares_below_heat`, `forge_wraps_instead_of_overflowing`,
//!   `threads_share_the_armoury`.
//! - `run_isolated` runs the job in another process (another pid), marked as a worker with
//!   [`WORKER_ENV`]; the job and the reply cross the pipes whole (a weapon name with
//!   spaces comes back intact, and the reply is found after [`REPLY_PREFIX`] wherever it
//!   is on its line). Checked by `runs_the_job_in_another_process`,
//!   `a_weapon_name_with_spaces_survives_the_trip`.
//! - A 200 KB weapon name goes to the worker on its stdin and comes back in the reply,
//!   both larger than a pipe buffer (64 KB on Linux): the parent reads the child's stdout
//!   before or while it waits for the child to exit, never after, or the worker blocks on
//!   a full pipe and both wait for ever. The size of the job says nothing about the size
//!   of the output: a `/bin/sh` stand-in worker that writes 200 KB on its stdout before it
//!   replies to a five-byte job must not block either, nor one that writes 200 KB after
//!   its reply (read stdout to its end, not just up to the reply), nor one that writes
//!   200 KB on its stdout before it reads a 200 KB job: send the job while reading the
//!   output (on a thread of its own), never all of it first (Unix only). Checked by
//!   `a_reply_larger_than_a_pipe_buffer_comes_back_whole`,
//!   `a_worker_that_writes_a_lot_on_stdout_for_a_small_job_does_not_block`,
//!   `a_worker_that_writes_a_lot_after_its_reply_does_not_block`,
//!   `a_worker_that_writes_a_lot_before_reading_a_large_job_does_not_block`.
//! - The job goes to the worker on its stdin, a pipe from the parent, and the reply comes
//!   back on its stdout, a pipe the parent reads (not a temp file, an environment variable
//!   or an argument; the tests use `/bin/sh` as a stand-in worker that reports what its
//!   stdin and stdout are, so they run on Unix only). Checked by
//!   `the_job_reaches_the_worker_on_a_stdin_pipe`, `the_reply_comes_back_on_a_stdout_pipe`.
//! - The worker's armoury holds only that job's weapon, and the parent's armoury does not
//!   change. Checked by `the_worker_forges_into_its_own_armoury_not_the_parents`.
//! - `serve_if_worker` returns `Ok(false)` at once in a process that is not a worker,
//!   without reading stdin (the tests start a non-worker child whose stdin stays open).
//!   Checked by `a_process_not_started_as_a_worker_does_not_act_as_one`,
//!   `a_process_not_started_as_a_worker_returns_without_reading_stdin`.
//! - A weapon name with a line break, `'\n'` or `'\r'` anywhere (a reader's `lines()`
//!   drops a `'\r'` before `'\n'`, so a trailing one would not cross whole), cannot be
//!   framed: [`IsolationError::BadJob`], before any process starts. Checked by
//!   `a_weapon_name_with_a_line_break_is_refused_before_starting_a_process`.
//! - A program that cannot start is [`IsolationError::Spawn`]. Checked by
//!   `a_program_that_cannot_start_is_a_spawn_error`.
//! - A worker that exits unsuccessfully is [`IsolationError::WorkerFailed`] (the parent
//!   carries on), even if it exited without reading its job: a broken pipe while sending
//!   the job is not an error by itself (`io::ErrorKind::BrokenPipe`); judge the worker by
//!   its exit status and its reply. A `/bin/sh` stand-in worker that exits successfully
//!   without reading a 1 MB job is [`IsolationError::NoReply`], or, if it wrote a reply
//!   before hanging up, that reply (Unix only). A worker that writes a reply (good, bad
//!   or none) and then fails is [`IsolationError::WorkerFailed`] too, not its reply nor
//!   [`IsolationError::BadReply`]: wait for every worker, on every path, before returning
//!   (one never waited for stays a zombie: on Linux the tests check that a stand-in worker
//!   that replied, well or badly, is no longer a child of the parent in `/proc` once
//!   `run_isolated` returns; these tests use `/bin/sh` stand-in workers). Checked by
//!   `a_worker_that_fails_is_an_error_and_the_parent_carries_on`,
//!   `a_worker_that_exits_without_reading_its_job_is_judged_by_its_exit_status`,
//!   `a_worker_that_hangs_up_on_its_job_is_judged_by_its_exit_status_and_reply`,
//!   `a_worker_that_replies_and_then_fails_is_still_a_failure`,
//!   `every_worker_is_waited_for_before_run_isolated_returns`.
//! - The worker's stderr is not part of the protocol: discard it (`Stdio::null`) or read
//!   it while waiting. A stand-in worker that writes 200 KB on its stderr when it is a
//!   pipe must not block: a pipe nobody reads until the worker exits fills up (64 KB) and
//!   the worker waits for ever (Unix only). Nor is it the parent's own stderr, inherited:
//!   a stand-in worker reports where its stderr leads (`/proc/<pid>/fd/2`), and it must
//!   not be where the parent's leads (Linux only; when the tests' own stderr is
//!   `/dev/null`, inheriting it is as harmless as discarding, and that test passes).
//!   Checked by `a_worker_that_writes_a_lot_on_stderr_does_not_block`,
//!   `the_workers_stderr_is_not_the_parents`.
//! - A worker that exits successfully without a reply line is [`IsolationError::NoReply`].
//!   Checked by `a_worker_that_exits_without_a_reply_is_an_error`.
//! - A reply line that does not parse is [`IsolationError::BadReply`] with the text after
//!   the prefix (this test uses `/bin/sh` as a stand-in worker, so it runs on Unix only).
//!   Checked by `a_reply_that_does_not_parse_is_a_bad_reply`.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
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
    let checksum = (0..job.heat).fold(0_u64, |sum, i| sum.wrapping_add(i.wrapping_mul(i)));
    let armoury_size = {
        let mut armoury = ARMOURY.lock().unwrap_or_else(PoisonError::into_inner);
        armoury.push(job.weapon.clone());
        armoury.len()
    };
    Reply {
        weapon: job.weapon.clone(),
        checksum,
        pid: std::process::id(),
        armoury_size,
    }
}

/// In a worker process: serve one job from stdin and return `Ok(true)`; else `Ok(false)`.
pub fn serve_if_worker() -> Result<bool, IsolationError> {
    if std::env::var_os(WORKER_ENV).is_none() {
        return Ok(false);
    }
    let mut input = String::new();
    io::stdin()
        .read_to_string(&mut input)
        .map_err(IsolationError::Pipe)?;
    let job = decode_job(&input)?;
    let reply = forge(&job);
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{REPLY_PREFIX}{} {} {} {}",
        reply.pid, reply.checksum, reply.armoury_size, reply.weapon
    )
    .and_then(|()| out.flush())
    .map_err(IsolationError::Pipe)?;
    Ok(true)
}

/// Runs `job` in a new worker process started from `worker`; returns its reply.
pub fn run_isolated(worker: &WorkerCommand, job: &Job) -> Result<Reply, IsolationError> {
    let line = encode_job(job)?;
    let mut child = Command::new(&worker.program)
        .args(&worker.args)
        .env(WORKER_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(IsolationError::Spawn)?;
    // The job goes in on a thread of its own while this one reads the output: a worker
    // may write more than a pipe buffer before it has read all its job, and then a parent
    // that sends everything before reading anything waits on it for ever (and it on us).
    let stdin = child.stdin.take();
    let (output, sent) = std::thread::scope(|scope| {
        let sender = scope.spawn(|| send_job(stdin, &line));
        (child.wait_with_output(), sender.join())
    });
    let output = output.map_err(IsolationError::Pipe)?;
    if !output.status.success() {
        return Err(IsolationError::WorkerFailed {
            status: output.status,
        });
    }
    sent.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        .map_err(IsolationError::Pipe)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (_, rest) = stdout
        .split_once(REPLY_PREFIX)
        .ok_or(IsolationError::NoReply)?;
    decode_reply(rest.lines().next().unwrap_or_default())
}

/// Writes the job line to the worker's stdin and closes it (the worker then sees EOF).
fn send_job(stdin: Option<std::process::ChildStdin>, line: &str) -> io::Result<()> {
    let Some(mut stdin) = stdin else {
        return Ok(());
    };
    match stdin.write_all(line.as_bytes()) {
        // The worker exited without reading: its exit status and output tell why.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn encode_job(job: &Job) -> Result<String, IsolationError> {
    if job.weapon.contains(['\n', '\r']) {
        return Err(IsolationError::BadJob {
            weapon: job.weapon.clone(),
        });
    }
    Ok(format!("{} {}\n", job.heat, job.weapon))
}

fn decode_job(input: &str) -> Result<Job, IsolationError> {
    let line = input.lines().next().unwrap_or_default();
    let bad = || IsolationError::BadJob {
        weapon: line.to_owned(),
    };
    let (heat, weapon) = line.split_once(' ').ok_or_else(bad)?;
    Ok(Job {
        weapon: weapon.to_owned(),
        heat: heat.parse().map_err(|_| bad())?,
    })
}

fn decode_reply(line: &str) -> Result<Reply, IsolationError> {
    let bad = || IsolationError::BadReply {
        line: line.to_owned(),
    };
    let mut fields = line.splitn(4, ' ');
    let mut number = || fields.next().ok_or_else(bad);
    let pid = number()?.parse().map_err(|_| bad())?;
    let checksum = number()?.parse().map_err(|_| bad())?;
    let armoury_size = number()?.parse().map_err(|_| bad())?;
    let weapon = number()?.to_owned();
    Ok(Reply {
        weapon,
        checksum,
        pid,
        armoury_size,
    })
}
