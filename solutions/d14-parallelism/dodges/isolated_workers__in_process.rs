//! Dodge: calls forge in the parent process: the right checksum, but no isolation (same pid, the parent's armoury changes).
//! Caught by: runs_the_job_in_another_process, the_worker_forges_into_its_own_armoury_not_the_parents, a_worker_that_fails_is_an_error_and_the_parent_carries_on, a_worker_that_exits_without_a_reply_is_an_error

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
    encode_job(job)?;
    if !worker.program.exists() {
        return Err(IsolationError::Spawn(io::ErrorKind::NotFound.into()));
    }
    Ok(forge(job))
}

#[allow(dead_code)]
fn unused(_: Command, _: Stdio) {}

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
