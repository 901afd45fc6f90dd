//! Running tests with a timeout, in parallel: a kata's tests in a few processes, and any
//! test those could not judge for certain again in a process of its own, as cargo-nextest
//! runs every test.

use std::collections::VecDeque;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::build::TestBinary;
use crate::domain::{Outcome, TestResult};
use crate::error::{Error, Result};
use crate::libtest;

mod batch;

/// How tests run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// A test still running after this is killed and reported as timed out.
    pub timeout: Duration,
    /// Tests running at once.
    pub jobs: usize,
    /// Extra environment for every test process.
    pub env: Vec<(String, String)>,
    /// Address-space ceiling of each test process in bytes (`RLIMIT_AS`), if any.
    pub memory_limit: Option<u64>,
    /// Where each test's working and log directories are made (system temp dir if `None`).
    pub scratch: Option<std::path::PathBuf>,
    /// Draw a live line on stderr while tests run ("5/8 tests done, 2 running for 6 s").
    pub live: bool,
}

/// One test to run.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// The binary that holds it.
    pub binary: Arc<TestBinary>,
    /// Its full libtest name, e.g. `suite::fibonacci::stops_before_overflow`.
    pub name: String,
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

/// Runs every case, `opts.jobs` processes at a time; results come back in the order of
/// `cases`.
///
/// The tests of a kata first run in one process per job ([`batch`]): a few processes instead
/// of one per test, which is most of a red check's run time. A test the batch could not
/// judge for certain (its process crashed or exited early, its failure text was cut, it
/// ran for more than [`batch::PATIENCE`]) runs again alone, in its own process, which judges
/// it as strictly as ever.
///
/// Once a test has timed out, the tests of the same kata (same binary, same `suite::<kata>`
/// name prefix) that have not started yet are not run ([`Outcome::NotRun`]): an endless loop
/// is reported after one timeout, not after one per test.
pub fn run_tests(cases: &[TestCase], opts: &RunOptions) -> Vec<TestResult> {
    let pool = Pool {
        queue: Mutex::new((batch::plan(cases, opts.jobs), 0)),
        wake: Condvar::new(),
        timed_out: Mutex::new(Vec::new()),
        running: Arc::new(Mutex::new(Vec::new())),
        completed: Arc::new(AtomicUsize::new(0)),
    };
    let (tx, rx) = mpsc::channel();
    let jobs = opts.jobs.max(1).min(cases.len().max(1));
    let mut results: Vec<Option<TestResult>> = vec![None; cases.len()];
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let pool = &pool;
            scope.spawn(move || {
                while let Some(work) = pool.next() {
                    let (resolved, again) = pool.run(work, cases, opts);
                    let sent = resolved.into_iter().all(|r| tx.send(r).is_ok());
                    pool.done(again);
                    if !sent {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut live = crate::live::Line::new(opts.live);
        loop {
            match rx.recv_timeout(Duration::from_millis(250)) {
                Ok((i, r)) => results[i] = Some(r),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            let now = Instant::now();
            let running = lock(&pool.running);
            let oldest = running.iter().map(|(_, s)| now - *s).max();
            let done = pool.completed.load(Ordering::Relaxed).min(cases.len());
            live.tests(done, cases.len(), running.len(), oldest);
        }
        live.finish();
    });
    results.into_iter().flatten().collect()
}

/// What a worker does next: a kata's tests in one process, or one test alone (with the time
/// it already ran in a batch that gave up on it, which counts against its timeout).
#[derive(Debug)]
enum Work {
    Batch(Vec<usize>),
    One(usize, Duration),
}

/// The work shared by [`run_tests`]'s workers.
struct Pool {
    /// Work not started, and how many workers are busy (one may still add work).
    queue: Mutex<(VecDeque<Work>, usize)>,
    wake: Condvar,
    /// Per kata group, the test that timed out and its timeout.
    timed_out: Mutex<Vec<(String, String, u64)>>,
    /// Tests running now (case index, start), for the live line.
    running: Arc<Mutex<Vec<(usize, Instant)>>>,
    /// Tests finished so far, for the live line.
    completed: Arc<AtomicUsize>,
}

impl Pool {
    /// The next work, waiting while the queue is empty but a busy worker may add to it;
    /// `None` when everything is done or the runner is stopping.
    fn next(&self) -> Option<Work> {
        let mut state = lock(&self.queue);
        loop {
            if crate::interrupt::stopping() {
                return None;
            }
            if let Some(work) = state.0.pop_front() {
                state.1 += 1;
                return Some(work);
            }
            if state.1 == 0 {
                self.wake.notify_all();
                return None;
            }
            state = self
                .wake
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// Marks a worker's work done, queueing the tests to run again alone.
    ///
    /// A test a batch was stopped on (it had run for a while) goes to the front: if it is an
    /// endless loop, its timeout then ends the kata's run about one timeout after the check
    /// started, before the tests after it take a full timeout each.
    fn done(&self, again: Vec<Work>) {
        let mut state = lock(&self.queue);
        for work in again {
            match work {
                Work::One(_, spent) if !spent.is_zero() => state.0.push_front(work),
                other => state.0.push_back(other),
            }
        }
        state.1 -= 1;
        self.wake.notify_all();
    }

    /// Runs `work`: the results it settled, and the tests to run again alone.
    fn run(
        &self,
        work: Work,
        cases: &[TestCase],
        opts: &RunOptions,
    ) -> (Vec<(usize, TestResult)>, Vec<Work>) {
        match work {
            Work::Batch(indices) => {
                let out = batch::run(cases, &indices, opts, &self.running, &self.completed);
                let again = out.again.into_iter().map(|(i, spent)| Work::One(i, spent));
                (out.settled, again.collect())
            }
            Work::One(index, spent) => {
                let r = self.run_alone(&cases[index], index, spent, opts);
                (vec![(index, r)], Vec::new())
            }
        }
    }

    /// One test in its own process, unless its kata already timed out. A test that already
    /// ran for `spent` in a batch gets the rest of the timeout: an endless loop is reported
    /// one timeout after it started, not a batch's patience later.
    fn run_alone(
        &self,
        case: &TestCase,
        i: usize,
        spent: Duration,
        opts: &RunOptions,
    ) -> TestResult {
        let group = kata_group(case);
        let earlier = lock(&self.timed_out)
            .iter()
            .find(|(g, _, _)| *g == group)
            .map(|(_, name, secs)| (name.clone(), *secs));
        if let Some((after, secs)) = earlier {
            return TestResult {
                name: case.name.clone(),
                outcome: Outcome::NotRun { after, secs },
                duration: Duration::ZERO,
                note: None,
            };
        }
        let started = Instant::now()
            .checked_sub(spent)
            .unwrap_or_else(Instant::now);
        lock(&self.running).push((i, started));
        let mut r = if spent.is_zero() {
            run_one(case, opts)
        } else if spent >= opts.timeout {
            TestResult {
                name: case.name.clone(),
                outcome: Outcome::TimedOut {
                    secs: opts.timeout.as_secs(),
                },
                duration: spent,
                note: None,
            }
        } else {
            let rest = RunOptions {
                timeout: opts.timeout.saturating_sub(spent),
                ..opts.clone()
            };
            let mut r = run_one(case, &rest);
            r.duration += spent;
            r
        };
        if let Outcome::TimedOut { secs } = &mut r.outcome {
            *secs = opts.timeout.as_secs();
        }
        lock(&self.running).retain(|(j, _)| *j != i);
        self.completed.fetch_add(1, Ordering::Relaxed);
        if let Outcome::TimedOut { secs } = r.outcome {
            lock(&self.timed_out).push((group, case.name.clone(), secs));
        }
        r
    }
}

/// Locks a mutex whose data stays valid if a holder panicked.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The kata a test belongs to, for the purpose of stopping after a timeout: its binary and
/// the first two segments of its name (`suite::<kata>`).
fn kata_group(case: &TestCase) -> String {
    let prefix: Vec<&str> = case.name.splitn(3, "::").take(2).collect();
    format!("{}#{}", case.binary.path.display(), prefix.join("::"))
}

/// Bytes of stderr kept for a crash report.
const STDERR_TAIL: usize = 2000;
/// What libtest 1.95 writes first on stderr when given `--logfile` (no newline follows).
const LOGFILE_WARNING: &str = "warning: `--logfile` is deprecated";
/// Bytes of each pipe kept from its start and from its end; the middle is cut.
const PIPE_KEEP: usize = 64 * 1024;

/// The command that runs the tests `names` of `binary` (exactly those, one at a time) in its
/// own process group, in `cwd`, with libtest's log at `logfile`, the hermetic environment,
/// piped output and the memory ceiling.
fn test_command(
    binary: &TestBinary,
    names: &[&str],
    logfile: &std::path::Path,
    cwd: &std::path::Path,
    opts: &RunOptions,
) -> Command {
    let mut cmd = Command::new(&binary.path);
    cmd.args(names)
        .args(["--exact", "--test-threads=1", "--logfile"])
        .arg(logfile)
        .current_dir(cwd)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    for (k, v) in &opts.env {
        cmd.env(k, v);
    }
    if let Some(bytes) = opts.memory_limit {
        limit_memory(&mut cmd, bytes);
    }
    cmd
}

/// Makes `cmd`'s process start with an address-space ceiling of `bytes`; its start fails if
/// the system refuses it.
fn limit_memory(cmd: &mut Command, bytes: u64) {
    let limit = libc::rlim_t::try_from(bytes).unwrap_or(libc::RLIM_INFINITY);
    // SAFETY: setrlimit is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Why this system refuses a memory ceiling of `bytes` for a child (`setrlimit(RLIMIT_AS)`,
/// which macOS may refuse), `None` when it accepts it: probed once per process by starting
/// `true` under it. When `true` cannot be started at all, the ceiling is taken as accepted.
pub fn memory_ceiling_refused(bytes: u64) -> Option<String> {
    static PROBE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    PROBE
        .get_or_init(|| {
            let quiet = |cmd: &mut Command| {
                cmd.stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
            };
            quiet(&mut Command::new("true")).ok()?;
            let mut limited = Command::new("true");
            limit_memory(&mut limited, bytes);
            quiet(&mut limited).err().map(|e| e.to_string())
        })
        .clone()
}

/// A test process's fresh working directory and its libtest log file, at a random path in
/// a directory of its own; both are removed when dropped (and on an interrupt).
struct Scratch {
    work: crate::interrupt::TempPath,
    _logs: crate::interrupt::TempPath,
    logfile: std::path::PathBuf,
}

impl Scratch {
    fn new(opts: &RunOptions) -> std::io::Result<Self> {
        let work = crate::interrupt::owned_temp_dir_in(opts.scratch.as_deref(), "kata-test-cwd-")?;
        let logs = crate::interrupt::owned_temp_dir_in(opts.scratch.as_deref(), "kata-test-log-")?;
        let logfile = logs
            .path()
            .join(format!("{:016x}.log", crate::interrupt::random_u64()));
        Ok(Self {
            work,
            _logs: logs,
            logfile,
        })
    }
}

/// Runs one test in its own process group, with a fresh temp dir as working directory and
/// a log file at a random path: libtest writes `ok <name>` there only once the test
/// returned, which printing or exiting early cannot fake.
fn run_one(case: &TestCase, opts: &RunOptions) -> TestResult {
    let start = Instant::now();
    let escaped: std::cell::RefCell<Option<String>> = std::cell::RefCell::new(None);
    let result = |outcome| TestResult {
        name: case.name.clone(),
        outcome,
        duration: start.elapsed(),
        note: escaped.borrow().clone(),
    };
    let crashed = |detail: String| result(Outcome::Crashed { detail });
    let scratch = match Scratch::new(opts) {
        Ok(s) => s,
        Err(e) => return crashed(format!("could not create a temp dir: {e}")),
    };
    let (work, logfile) = (scratch.work.path(), &scratch.logfile);
    let mut cmd = test_command(&case.binary, &[case.name.as_str()], logfile, work, opts);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return crashed(format!(
                "could not start {}: {e}",
                case.binary.path.display()
            ));
        }
    };
    let group = crate::interrupt::Group::register(child.id());
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let ended = wait_with_timeout(&child, opts.timeout);
    // Whatever the test left running (children holding the pipes, a loop) goes now.
    group.kill();
    let status = child.wait();
    drop(group);
    let out = collect(stdout);
    // libtest starts stderr with a warning that `--logfile` is deprecated (1.95), without
    // a newline: not the test's words.
    let err = collect(stderr);
    *escaped.borrow_mut() = escaped_note(&[&out, &err]);
    let (out, err) = (out.text, err.text);
    let err = err.strip_prefix(LOGFILE_WARNING).unwrap_or(&err);
    if !ended {
        return result(Outcome::TimedOut {
            secs: opts.timeout.as_secs(),
        });
    }
    let status = match status {
        Ok(s) => s,
        Err(e) => return crashed(format!("could not wait for the test process: {e}")),
    };
    let log = std::fs::read_to_string(logfile).unwrap_or_default();
    let said = log.lines().find_map(|l| {
        let (word, name) = l.split_once(' ')?;
        (name == case.name).then_some(word)
    });
    let outcome = match (status.code(), status.signal(), said) {
        (Some(0), _, Some("ok")) => Outcome::Passed,
        (Some(0), _, Some("ignored")) => Outcome::Ignored,
        (Some(0), _, _) if out.contains("running 0 tests") => Outcome::Crashed {
            detail: format!("the test binary does not contain `{}`", case.name),
        },
        (Some(0), _, _) => Outcome::Crashed {
            detail: "the test process exited before the test finished (std::process::exit?)"
                .to_string(),
        },
        (Some(101), _, Some("failed")) => {
            let f = libtest::parse_failure(&case.name, &out);
            Outcome::Failed {
                message: f.message,
                location: f.location,
                output: f.output,
            }
        }
        (_, Some(6), _) if out_of_memory(err) && opts.memory_limit.is_some() => Outcome::Crashed {
            detail: format!(
                "the test used more than {} (the memory ceiling for a test)",
                human_bytes(opts.memory_limit.unwrap_or(0))
            ),
        },
        (code, signal, _) => {
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
    drop(scratch);
    result(outcome)
}

/// Whether stderr shows the allocator giving up (what a memory ceiling looks like).
fn out_of_memory(stderr: &str) -> bool {
    stderr.contains("memory allocation of") || stderr.contains("capacity overflow")
}

fn human_bytes(bytes: u64) -> String {
    const GB: u64 = 1 << 30;
    if bytes >= GB && bytes.is_multiple_of(GB) {
        format!("{} GB", bytes / GB)
    } else {
        format!("{} MB", bytes >> 20)
    }
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

/// What a pipe said, kept within bounds: its first and last [`PIPE_KEEP`] bytes.
#[derive(Debug, Default, Clone)]
struct Capped {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    cut: u64,
}

impl Capped {
    fn push(&mut self, mut bytes: &[u8]) {
        let room = PIPE_KEEP.saturating_sub(self.head.len());
        let take = room.min(bytes.len());
        self.head.extend_from_slice(&bytes[..take]);
        bytes = &bytes[take..];
        if bytes.len() > PIPE_KEEP {
            self.cut += (self.tail.len() + bytes.len() - PIPE_KEEP) as u64;
            self.tail.clear();
            bytes = &bytes[bytes.len() - PIPE_KEEP..];
        }
        self.tail.extend(bytes);
        let over = self.tail.len().saturating_sub(PIPE_KEEP);
        if over > 0 {
            self.tail.drain(..over);
            self.cut += over as u64;
        }
    }

    fn into_string(self) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.cut > 0 {
            text.push_str(&format!("\n… {} bytes cut …\n", self.cut));
        }
        text.push_str(&String::from_utf8_lossy(&Vec::from(self.tail)));
        text
    }
}

/// A pipe being read on a thread of its own.
struct Reading {
    /// Told once the pipe closed.
    closed: mpsc::Receiver<()>,
    /// What was kept so far.
    kept: Arc<Mutex<Capped>>,
    /// The pipe's inode, to find who still holds it (Linux).
    inode: Option<u64>,
}

/// What a pipe said once the test's group was gone.
struct Collected {
    /// What was kept ([`Capped`]), up to the end or up to now.
    text: String,
    /// `None` when the pipe closed; else the processes still holding it (outside the
    /// group: they escaped it), empty when they cannot be named.
    holders: Option<Vec<u32>>,
}

fn drain<R: Read + std::os::fd::AsRawFd + Send + 'static>(pipe: Option<R>) -> Reading {
    read_capped(pipe, |_| {})
}

/// Reads `pipe` to its end on a thread of its own, handing each chunk to `on_bytes` as it
/// comes and keeping what [`Capped`] keeps, where [`collect`] can read it at any time.
fn read_capped<R, F>(pipe: Option<R>, mut on_bytes: F) -> Reading
where
    R: Read + std::os::fd::AsRawFd + Send + 'static,
    F: FnMut(&[u8]) + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let kept = Arc::new(Mutex::new(Capped::default()));
    let inode = pipe.as_ref().and_then(|p| pipe_inode(p.as_raw_fd()));
    let shared = Arc::clone(&kept);
    std::thread::spawn(move || {
        if let Some(mut p) = pipe {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match p.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        lock(&shared).push(&buf[..n]);
                        on_bytes(&buf[..n]);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        }
        let _ = tx.send(());
    });
    Reading {
        closed: rx,
        kept,
        inode,
    }
}

/// How long a pipe may stay open once the test's group is dead: its processes are gone, so
/// the pipe closes at once unless a process that left the group (`setsid`) still holds it.
const PIPE_GRACE: Duration = Duration::from_millis(500);

/// What the pipe said, without waiting longer than [`PIPE_GRACE`] for its end: a process
/// that escaped the group and still holds it is named, and what was read is kept.
fn collect(reading: Reading) -> Collected {
    let closed = reading.closed.recv_timeout(PIPE_GRACE).is_ok();
    let text = lock(&reading.kept).clone().into_string();
    Collected {
        text,
        holders: (!closed).then(|| reading.inode.map(pipe_holders).unwrap_or_default()),
    }
}

/// The note for a test whose pipes a process that left its group still holds.
fn escaped_note(pipes: &[&Collected]) -> Option<String> {
    let mut pids: Vec<u32> = Vec::new();
    let mut any = false;
    for p in pipes {
        if let Some(h) = &p.holders {
            any = true;
            pids.extend(h);
        }
    }
    pids.sort_unstable();
    pids.dedup();
    any.then(|| {
        let who = match pids.as_slice() {
            [] => "a process".to_string(),
            [pid] => format!("process {pid}"),
            more => format!(
                "processes {}",
                more.iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        format!(
            "{who} started while this kata's tests ran left its process group and still \
             holds their output: it was left running (`kill` it if it should not be); what \
             the tests printed until then is kept"
        )
    })
}

/// The inode of the pipe open as `fd` in this process (Linux: through `/proc/self/fd`).
fn pipe_inode(fd: i32) -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(format!("/proc/self/fd/{fd}"))
            .ok()
            .map(|m| m.ino())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = fd;
        None
    }
}

/// The processes other than this one that hold the pipe `inode` open (Linux: `/proc`).
fn pipe_holders(inode: u64) -> Vec<u32> {
    let me = std::process::id();
    let target = format!("pipe:[{inode}]");
    let mut pids = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        if fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == target.as_str()))
        {
            pids.push(pid);
        }
    }
    pids
}

/// Waits until the child ends (without reaping it, so its pid still names its group) or
/// the timeout passes; `false` on timeout.
fn wait_with_timeout(child: &Child, timeout: Duration) -> bool {
    #[cfg(target_os = "linux")]
    if let Some(ended) = wait_on_pidfd(child, timeout) {
        return ended;
    }
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_micros(200);
    let pid = child.id() as libc::id_t;
    loop {
        // SAFETY: a zeroed siginfo_t is valid; waitid writes into it.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: WNOWAIT leaves the child waitable for `Child::wait`.
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                pid,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        // SAFETY: si_pid is set by waitid when a child changed state, 0 otherwise.
        if rc != 0 || unsafe { info.si_pid() } != 0 {
            return rc == 0;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// [`wait_with_timeout`] without polling: a pidfd becomes readable the moment its process
/// ends, so a 2 ms test is seen as done after 2 ms, not at the next poll. `None` if the
/// kernel has no pidfds (Linux before 5.3): the caller polls instead.
#[cfg(target_os = "linux")]
fn wait_on_pidfd(child: &Child, timeout: Duration) -> Option<bool> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    let pid = libc::pid_t::try_from(child.id()).ok()?;
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor, or -1.
    let raw = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let raw = i32::try_from(raw).ok().filter(|fd| *fd >= 0)?;
    // SAFETY: the descriptor was just opened and nothing else owns it.
    let pidfd = unsafe { OwnedFd::from_raw_fd(raw) };
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let ms = i32::try_from(left.as_millis() + 1).unwrap_or(i32::MAX);
        let mut fds = libc::pollfd {
            fd: pidfd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, its count and a timeout.
        let rc = unsafe { libc::poll(&mut fds, 1, ms) };
        if rc > 0 {
            return Some(true);
        }
        if rc == 0 && Instant::now() >= deadline {
            return Some(false);
        }
        if rc < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return None;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_a_batch_stopped_on_runs_alone_before_the_tests_that_never_started() {
        let pool = Pool {
            queue: Mutex::new((VecDeque::new(), 1)),
            wake: Condvar::new(),
            timed_out: Mutex::new(Vec::new()),
            running: Arc::new(Mutex::new(Vec::new())),
            completed: Arc::new(AtomicUsize::new(0)),
        };
        pool.done(vec![
            Work::One(4, Duration::ZERO),
            Work::One(2, Duration::from_secs(1)),
            Work::One(6, Duration::ZERO),
        ]);
        let order: Vec<String> = lock(&pool.queue)
            .0
            .iter()
            .map(|w| format!("{w:?}"))
            .collect();
        assert_eq!(
            order,
            ["One(2, 1s)", "One(4, 0ns)", "One(6, 0ns)"],
            "an endless loop must reach its timeout first, so the kata's run ends one \
             timeout after it started"
        );
        assert_eq!(lock(&pool.queue).1, 0, "the worker is no longer busy");
    }

    #[test]
    fn a_flood_keeps_its_head_and_tail_and_says_how_much_was_cut() {
        let mut kept = Capped::default();
        kept.push(b"start\n");
        for _ in 0..100 {
            kept.push(&vec![b'x'; 10_000]);
        }
        kept.push(b"\nend");
        let total = 6 + 100 * 10_000 + 4;
        let text = kept.into_string();
        assert!(text.starts_with("start\n"));
        assert!(text.ends_with("\nend"));
        let cut = total - 2 * PIPE_KEEP;
        assert!(
            text.contains(&format!("… {cut} bytes cut …")),
            "{}",
            &text[..100]
        );
        assert!(text.len() < 2 * PIPE_KEEP + 100);
    }

    #[test]
    fn short_output_is_kept_whole() {
        let mut kept = Capped::default();
        kept.push(b"hello ");
        kept.push(b"world");
        assert_eq!(kept.into_string(), "hello world");
    }
}
