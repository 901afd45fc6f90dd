//! Running tests the way cargo-nextest does: one process per test, a timeout, in parallel.

use std::collections::VecDeque;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::build::TestBinary;
use crate::error::{Error, Result};
use crate::libtest::{self, Location};

/// How tests run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// A test still running after this is killed and reported as timed out.
    pub timeout: Duration,
    /// Tests running at once.
    pub jobs: usize,
    /// Extra environment for every test process.
    pub env: Vec<(String, String)>,
}

/// One test to run.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// The binary that holds it.
    pub binary: Arc<TestBinary>,
    /// Its full libtest name, e.g. `suite::fibonacci::stops_before_overflow`.
    pub name: String,
}

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It passed.
    Passed,
    /// It failed (a panic or an unmet `should_panic`).
    Failed {
        /// The assertion message.
        message: String,
        /// Where it panicked.
        location: Option<Location>,
        /// What it printed before (e.g. a snapshot diff).
        output: String,
    },
    /// Killed after the timeout.
    TimedOut {
        /// The timeout in seconds.
        secs: u64,
    },
    /// Killed by a signal or an abnormal exit (stack overflow, abort).
    Crashed {
        /// What happened and the end of its stderr.
        detail: String,
    },
    /// libtest skipped it (`#[ignore]`).
    Ignored,
}

impl Outcome {
    /// Stable name used in JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed { .. } => "failed",
            Outcome::TimedOut { .. } => "timed_out",
            Outcome::Crashed { .. } => "crashed",
            Outcome::Ignored => "ignored",
        }
    }

    /// Whether the test counts as passing.
    pub fn is_pass(&self) -> bool {
        matches!(self, Outcome::Passed | Outcome::Ignored)
    }
}

/// The result of one test.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time.
    pub duration: Duration,
}

/// The names of the tests in `binary` (`--list --format terse`).
pub fn list_tests(binary: &TestBinary) -> Result<Vec<String>> {
    let out = Command::new(&binary.path)
        .args(["--list", "--format", "terse"])
        .current_dir(&binary.manifest_dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|source| Error::Spawn {
            program: binary.path.display().to_string(),
            source,
        })?;
    if !out.status.success() {
        return Err(Error::Command {
            program: format!("{} --list", binary.path.display()),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(libtest::parse_list(&String::from_utf8_lossy(&out.stdout)))
}

/// Runs every case, `opts.jobs` at a time; results come back in the order of `cases`.
pub fn run_tests(cases: &[TestCase], opts: &RunOptions) -> Vec<TestResult> {
    let queue: Arc<Mutex<VecDeque<usize>>> = Arc::new(Mutex::new((0..cases.len()).collect()));
    let (tx, rx) = mpsc::channel();
    let jobs = opts.jobs.max(1).min(cases.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let queue = Arc::clone(&queue);
            let tx = tx.clone();
            scope.spawn(move || {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                    let Some(i) = next else { break };
                    let result = run_one(&cases[i], opts);
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
    });
    drop(tx);
    let mut results: Vec<Option<TestResult>> = vec![None; cases.len()];
    for (i, r) in rx {
        results[i] = Some(r);
    }
    results.into_iter().flatten().collect()
}

/// Bytes of stderr kept for a crash report.
const STDERR_TAIL: usize = 2000;

fn run_one(case: &TestCase, opts: &RunOptions) -> TestResult {
    let start = Instant::now();
    let result = |outcome| TestResult {
        name: case.name.clone(),
        outcome,
        duration: start.elapsed(),
    };
    let mut cmd = Command::new(&case.binary.path);
    cmd.args([case.name.as_str(), "--exact", "--test-threads=1"])
        .current_dir(&case.binary.manifest_dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &opts.env {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return result(Outcome::Crashed {
                detail: format!("could not start {}: {e}", case.binary.path.display()),
            });
        }
    };
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = match wait_with_timeout(&mut child, opts.timeout) {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return result(Outcome::TimedOut {
                secs: opts.timeout.as_secs(),
            });
        }
    };
    let out = collect(stdout);
    let err = collect(stderr);
    let outcome = match (status.code(), status.signal()) {
        (Some(0), _) if out.contains(" ... ignored") => Outcome::Ignored,
        (Some(0), _) if out.contains("running 0 tests") => Outcome::Crashed {
            detail: format!("the test binary does not contain `{}`", case.name),
        },
        (Some(0), _) => Outcome::Passed,
        (Some(101), _) if out.contains(" ... FAILED") => {
            let f = libtest::parse_failure(&case.name, &out);
            Outcome::Failed {
                message: f.message,
                location: f.location,
                output: f.output,
            }
        }
        (code, signal) => {
            let how = match (code, signal) {
                (_, Some(sig)) => format!("killed by signal {sig} ({})", signal_name(sig)),
                (Some(code), _) => format!("exited with code {code}"),
                _ => "ended abnormally".to_string(),
            };
            Outcome::Crashed {
                detail: format!("{how}\n{}", tail(err.trim(), STDERR_TAIL))
                    .trim()
                    .to_string(),
            }
        }
    };
    result(outcome)
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        6 => "SIGABRT: an abort or a stack overflow",
        9 => "SIGKILL",
        11 => "SIGSEGV: a stack overflow or invalid memory access",
        4 => "SIGILL",
        7 => "SIGBUS",
        _ => "signal",
    }
}

fn tail(text: &str, max: usize) -> String {
    let text = text.trim_end();
    if text.len() <= max {
        return text.to_string();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &text[start..])
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        let _ = tx.send(String::from_utf8_lossy(&buf).into_owned());
    });
    rx
}

/// A process that spawned children which keep the pipe open must not hang the runner.
fn collect(rx: mpsc::Receiver<String>) -> String {
    rx.recv_timeout(Duration::from_secs(2)).unwrap_or_default()
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_micros(200);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => {}
            Err(_) => return None,
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// Whether `path` (relative to the root) is `file` once normalized.
pub fn same_file(path: &str, file: &str) -> bool {
    libtest::normalize(path) == libtest::normalize(file)
}

/// Cases for the tests of `binary` whose names start with `filter`.
pub fn select(binary: &Arc<TestBinary>, names: &[String], filter: &str) -> Vec<TestCase> {
    names
        .iter()
        .filter(|n| n.starts_with(filter))
        .map(|n| TestCase {
            binary: Arc::clone(binary),
            name: n.clone(),
        })
        .collect()
}
