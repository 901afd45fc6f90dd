//! What must not outlive the runner: test process groups and temporary paths.
//!
//! Every process group the runner starts and every temporary path it creates is
//! registered here while it lives. On SIGINT, SIGTERM or SIGHUP the one listener kills
//! every registered group; then, unless a route (watch mode) takes the signal, it removes
//! the registered paths and ends the process as the signal means to.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

type Route = Box<dyn Fn() -> bool + Send>;

/// Live process groups (their leaders' pids).
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
/// Temporary paths to remove if the runner is interrupted.
static PATHS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Who takes a signal instead of the default (watch mode), if anyone.
static ROUTE: Mutex<Option<Route>> = Mutex::new(None);
static LISTENER: OnceLock<Result<(), String>> = OnceLock::new();
/// Set once a termination signal arrived: no new test process may start.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether a termination signal arrived (runs stop starting tests).
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Starts the signal listener (once per process).
pub fn install() -> std::io::Result<()> {
    LISTENER
        .get_or_init(|| {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
                .map_err(|e| e.to_string())?;
            std::thread::Builder::new()
                .name("kata-signals".into())
                .spawn(move || {
                    for signal in signals.forever() {
                        STOPPING.store(true, Ordering::SeqCst);
                        kill_all_groups();
                        await_groups_reaped(Duration::from_secs(2));
                        let route = ROUTE.lock().unwrap_or_else(PoisonError::into_inner);
                        let routed = route.as_ref().is_some_and(|r| r());
                        drop(route);
                        if !routed {
                            remove_all_paths();
                            let _ = signal_hook::low_level::emulate_default_handler(signal);
                            std::process::exit(crate::exit::signalled(signal));
                        }
                    }
                })
                .map(drop)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(std::io::Error::other)
}

/// Kills every registered process group and removes every registered temporary path, as a
/// signal would, for a runner that must end now (its output pipe was closed).
pub fn shut_down() {
    STOPPING.store(true, Ordering::SeqCst);
    kill_all_groups();
    await_groups_reaped(Duration::from_secs(2));
    remove_all_paths();
}

/// Stops every check in progress: no test process starts any more, and every running
/// build and test process group is killed (watch mode, when the learner quits during one).
pub fn stop_checks() {
    STOPPING.store(true, Ordering::SeqCst);
    kill_all_groups();
}

/// Sends termination signals to `route` (returning whether it took them) instead of
/// ending the process; `None` restores the default. Test groups are killed either way.
pub fn set_route(route: Option<Route>) {
    *ROUTE.lock().unwrap_or_else(PoisonError::into_inner) = route;
}

/// A process group registered until dropped. Kill it with [`Group::kill`] before reaping
/// its leader (after that its pid may name another process); dropping only unregisters.
#[derive(Debug)]
pub struct Group(i32);

impl Group {
    /// Registers the group led by `pid`.
    pub fn register(pid: u32) -> Self {
        let pid = i32::try_from(pid).unwrap_or(i32::MAX);
        let mut groups = GROUPS.lock().unwrap_or_else(PoisonError::into_inner);
        groups.push(pid);
        if stopping() {
            // Started as the runner was being stopped: it must not run.
            kill_group(pid);
        }
        Self(pid)
    }

    /// Kills every process of the group (those already gone are skipped).
    pub fn kill(&self) {
        kill_group(self.0);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        GROUPS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|g| *g != self.0);
    }
}

fn kill_group(pgid: i32) {
    if pgid > 1 {
        // SAFETY: killpg has no memory effects; a group that no longer exists is ESRCH.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

/// Waits (a bounded time) until the runs have reaped their killed tests, so none is
/// alive once the runner is gone.
fn await_groups_reaped(limit: Duration) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline
        && !GROUPS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    {
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn kill_all_groups() {
    let groups = GROUPS.lock().unwrap_or_else(PoisonError::into_inner);
    for g in groups.iter() {
        kill_group(*g);
    }
}

/// A temporary path removed on drop, and by the signal listener if the runner is
/// interrupted first.
#[derive(Debug)]
pub struct TempPath(PathBuf);

impl TempPath {
    /// Registers `path` (a file or a directory, existing or about to be created).
    pub fn register(path: PathBuf) -> Self {
        PATHS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path.clone());
        Self(path)
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Stops tracking the path without removing it; returns it.
    fn unregister(self) -> PathBuf {
        let path = self.0.clone();
        PATHS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|p| *p != path);
        std::mem::forget(self);
        path
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        remove(&self.0);
        PATHS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|p| *p != self.0);
    }
}

fn remove(path: &Path) {
    if path.is_dir() {
        let _ = std::fs::remove_dir_all(path);
    } else {
        let _ = std::fs::remove_file(path);
    }
}

/// Removes every registered path. Another thread may still be writing into one (a copy
/// in progress makes `remove_dir_all` fail with "not empty"), so it tries again until all
/// are gone or a bounded number of rounds passed.
fn remove_all_paths() {
    let paths = PATHS.lock().unwrap_or_else(PoisonError::into_inner);
    for _ in 0..200 {
        for p in paths.iter() {
            remove(p);
        }
        if paths.iter().all(|p| !p.exists()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A fresh temporary directory named `<prefix><random>` in `parent` (the system temp dir
/// if `None`), removed on drop or interrupt. It is registered before it is created, so
/// an interrupt at any moment leaves nothing behind.
pub fn temp_dir_in(parent: Option<&Path>, prefix: &str) -> std::io::Result<TempPath> {
    let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
    std::fs::create_dir_all(&parent)?;
    loop {
        let name = parent.join(format!("{prefix}{:016x}", random_u64()));
        let guard = TempPath::register(name);
        match std::fs::create_dir(guard.path()) {
            Ok(()) => return Ok(guard),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // Not ours: forget it without removing it.
                let _ = guard.unregister();
            }
            Err(e) => return Err(e),
        }
    }
}

/// A random number (std's per-process hasher keys, seeded from the OS, and the clock), for
/// names nobody can guess.
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// [`temp_dir_in`] with the name `<prefix><pid>-…`: the pid lets [`sweep_litter`] tell an
/// interrupted run's directory from a live one's.
pub fn owned_temp_dir_in(parent: Option<&Path>, prefix: &str) -> std::io::Result<TempPath> {
    temp_dir_in(parent, &format!("{prefix}{}-", std::process::id()))
}

/// Where test processes get their working and log directories: `.kata/tmp/` (running
/// katas writes nothing outside `katas/` and `.kata/`).
pub fn scratch_dir(root: &Path) -> PathBuf {
    root.join(".kata").join("tmp")
}

/// Prefixes of the runner's temporary directories (system temp dir and `.kata/tmp/`).
pub const TEMP_PREFIXES: [&str; 3] = ["kata-verify-", "kata-test-cwd-", "kata-test-log-"];

/// Whether process `pid` is alive (or exists under another user).
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    pid > 0
        && (unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
}

/// The pid in `rest` (`<pid>-…`, `<pid>.txt`, `<pid>-<n>.tmp`), if it starts with one.
fn leading_pid(rest: &str) -> Option<i32> {
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Removes what interrupted runs of the runner left behind (their pid is no longer
/// alive): its directories in the system temp dir, `.kata/verify-snapshot-refs-*.txt`,
/// `.kata/.progress.json.tmp-*`, and the `.<file>.kata-*.tmp` files of atomic writes under
/// `katas/`. Returns what was removed, to be said once.
pub fn sweep_litter(root: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let take = |path: PathBuf, removed: &mut Vec<PathBuf>| {
        remove(&path);
        if !path.exists() {
            removed.push(path);
        }
    };
    for dir in [std::env::temp_dir(), scratch_dir(root)] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let dead = TEMP_PREFIXES.iter().any(|p| {
                name.strip_prefix(p)
                    .and_then(leading_pid)
                    .is_some_and(|pid| !alive(pid))
            });
            if dead && e.file_type().is_ok_and(|t| t.is_dir()) {
                take(e.path(), &mut removed);
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(root.join(".kata")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let pid = name
                .strip_prefix("verify-snapshot-refs-")
                .or_else(|| name.strip_prefix(".progress.json.tmp-"))
                .and_then(leading_pid);
            if pid.is_some_and(|p| !alive(p)) {
                take(e.path(), &mut removed);
            }
        }
    }
    for path in crate::walk::files(&root.join(crate::layout::KATAS), &["target"]) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') && name.ends_with(".tmp") {
            let pid = name
                .rsplit_once(".kata-")
                .map(|(_, rest)| rest)
                .and_then(leading_pid);
            if pid.is_some_and(|p| !alive(p)) {
                take(path, &mut removed);
            }
        }
    }
    removed
}
