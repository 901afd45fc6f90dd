//! A kata's tests in one process: the fast path of [`super::run_tests`].
//!
//! A process per test costs about 3 ms of CPU (start, panic, exit) before the test does
//! anything, which is most of a red check of a kata with 60 tests. So the tests of a kata
//! run in `jobs` processes, each one test at a time (`--test-threads=1`), and only what
//! such a process cannot judge for certain runs again alone:
//!
//! - libtest's log file (at a random path) says `ok`, `ignored` or `failed` for each test
//!   that returned; printing or exiting early cannot write it;
//! - a failed test is kept only with its own `---- <name> stdout ----` section (its message);
//! - a test with no word in the log (the process crashed or exited early) runs again alone,
//!   in a process of its own, as before;
//! - libtest names each test on stdout as it starts (`test <name> ... `): once one runs for
//!   longer than [`PATIENCE`], the batch is stopped and that test and those after it run
//!   alone. Slow tests and endless loops are judged, timed out and reported by the one-test
//!   path only; the stopped test runs first there, and the time it already ran counts
//!   against its timeout.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{
    RunOptions, Scratch, TestCase, Work, collect, drain, escaped_note, kata_group, lock,
    read_capped, test_command, wait_with_timeout,
};
use crate::domain::{Outcome, TestResult};
use crate::libtest;

/// How long one test may run inside a batch before the batch gives it (and the tests after
/// it) to the one-test path.
pub(super) const PATIENCE: Duration = Duration::from_secs(1);

/// The work for `cases`: per kata, its tests dealt round-robin into at most `jobs` batches;
/// a kata with a single test runs it alone.
pub(super) fn plan(cases: &[TestCase], jobs: usize) -> std::collections::VecDeque<Work> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let group = kata_group(case);
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push(i),
            None => groups.push((group, vec![i])),
        }
    }
    let mut work = std::collections::VecDeque::new();
    for (_, members) in groups {
        if let [only] = members[..] {
            work.push_back(Work::One(only, Duration::ZERO));
            continue;
        }
        let parts = jobs.clamp(1, members.len());
        let mut batches = vec![Vec::new(); parts];
        for (n, i) in members.into_iter().enumerate() {
            batches[n % parts].push(i);
        }
        work.extend(batches.into_iter().map(Work::Batch));
    }
    work
}

/// What a batch settled, and what must run again alone.
#[derive(Debug, Default)]
pub(super) struct Ran {
    /// Results the batch is certain of.
    pub settled: Vec<(usize, TestResult)>,
    /// Tests to run again alone, with the time each already ran here.
    pub again: Vec<(usize, Duration)>,
}

/// What the process said on stdout so far: the test running now (since when), and how long
/// each finished test took.
#[derive(Debug, Default)]
struct Progress {
    current: Option<(String, Instant)>,
    durations: HashMap<String, Duration>,
}

/// Runs the tests `indices` of `cases` (one binary, one kata) in one process.
pub(super) fn run(
    cases: &[TestCase],
    indices: &[usize],
    opts: &RunOptions,
    running: &Arc<Mutex<Vec<(usize, Instant)>>>,
    completed: &Arc<AtomicUsize>,
) -> Ran {
    let all_again = || Ran {
        again: indices.iter().map(|&i| (i, Duration::ZERO)).collect(),
        ..Ran::default()
    };
    let Ok(scratch) = Scratch::new(opts) else {
        return all_again();
    };
    let names: Vec<&str> = indices.iter().map(|&i| cases[i].name.as_str()).collect();
    let binary = &cases[indices[0]].binary;
    let mut cmd = test_command(binary, &names, &scratch.logfile, scratch.work.path(), opts);
    let Ok(mut child) = cmd.spawn() else {
        return all_again();
    };
    let group = crate::interrupt::Group::register(child.id());
    let progress = Arc::new(Mutex::new(Progress::default()));
    let index_of: HashMap<String, usize> = indices
        .iter()
        .map(|&i| (cases[i].name.clone(), i))
        .collect();
    let stdout = follow(
        child.stdout.take(),
        Watchers {
            index_of,
            progress: Arc::clone(&progress),
            running: Arc::clone(running),
            completed: Arc::clone(completed),
        },
    );
    let stderr = drain(child.stderr.take());
    let stopped = wait_for(&child, &progress, PATIENCE.min(opts.timeout));
    group.kill();
    let _ = child.wait();
    drop(group);
    let out = collect(stdout);
    let err = collect(stderr);
    let escaped = escaped_note(&[&out, &err]);
    let out = out.text;
    lock(running).retain(|(j, _)| !indices.contains(j));
    let log = std::fs::read_to_string(&scratch.logfile).unwrap_or_default();
    drop(scratch);
    let progress = std::mem::take(&mut *lock(&progress));
    let mut ran = judge(cases, indices, &out, &log, &progress, stopped.as_ref());
    // One process ran them all: the note goes to the first test it settled.
    if let Some((_, first)) = ran.settled.first_mut() {
        first.note = escaped;
    }
    ran
}

/// Waits for the process to end, or until one test (or the start, or the end) has taken
/// longer than `patience`: the caller then stops the batch. Returns the test that was
/// running then, and for how long.
fn wait_for(
    child: &std::process::Child,
    progress: &Mutex<Progress>,
    patience: Duration,
) -> Option<(String, Duration)> {
    let mut seen = lock(progress).current.clone();
    let mut since = Instant::now();
    loop {
        let deadline = seen.as_ref().map_or(since, |(_, at)| *at) + patience;
        if wait_with_timeout(child, deadline.saturating_duration_since(Instant::now())) {
            return None;
        }
        let now = lock(progress).current.clone();
        if now == seen {
            return now.map(|(name, at)| (name, at.elapsed()));
        }
        seen = now;
        since = Instant::now();
    }
}

/// The results of a batch from libtest's log and stdout: what the log settles, and the rest
/// to run again alone (the test the batch was `stopped` on with the time it ran).
fn judge(
    cases: &[TestCase],
    indices: &[usize],
    out: &str,
    log: &str,
    progress: &Progress,
    stopped: Option<&(String, Duration)>,
) -> Ran {
    let said: HashMap<&str, &str> = log
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(word, name)| (name, word))
        .collect();
    let mut ran = Ran::default();
    for &i in indices {
        let name = cases[i].name.as_str();
        let settled = |outcome| TestResult {
            name: name.to_string(),
            outcome,
            duration: progress.durations.get(name).copied().unwrap_or_default(),
            note: None,
        };
        let has_section = || {
            let header = format!("---- {name} stdout ----");
            out.lines().any(|l| l.trim_end() == header)
        };
        match said.get(name).copied() {
            Some("ok") => ran.settled.push((i, settled(Outcome::Passed))),
            Some("ignored") => ran.settled.push((i, settled(Outcome::Ignored))),
            Some("failed") if has_section() => {
                let f = libtest::parse_failure(name, out);
                let outcome = Outcome::Failed {
                    message: f.message,
                    location: f.location,
                    output: f.output,
                };
                ran.settled.push((i, settled(outcome)));
            }
            _ => {
                let spent = stopped
                    .filter(|(running, _)| running == name)
                    .map_or(Duration::ZERO, |(_, spent)| *spent);
                ran.again.push((i, spent));
            }
        }
    }
    ran
}

/// Who hears what the batch's stdout says.
struct Watchers {
    index_of: HashMap<String, usize>,
    progress: Arc<Mutex<Progress>>,
    running: Arc<Mutex<Vec<(usize, Instant)>>>,
    completed: Arc<AtomicUsize>,
}

impl Watchers {
    fn hear(&self, event: Event) {
        let now = Instant::now();
        match event {
            Event::Started(name) => {
                let Some(&i) = self.index_of.get(&name) else {
                    return;
                };
                lock(&self.running).push((i, now));
                lock(&self.progress).current = Some((name, now));
            }
            Event::Finished(name) => {
                let Some(&i) = self.index_of.get(&name) else {
                    return;
                };
                lock(&self.running).retain(|(j, _)| *j != i);
                self.completed.fetch_add(1, Ordering::Relaxed);
                let mut p = lock(&self.progress);
                let since = p.current.take().map_or(now, |(_, at)| at);
                p.durations.insert(name, now - since);
            }
        }
    }
}

/// Reads stdout to its end like [`drain`], telling `watchers` as tests start and finish.
fn follow<R: Read + std::os::fd::AsRawFd + Send + 'static>(
    pipe: Option<R>,
    watchers: Watchers,
) -> super::Reading {
    let mut lines = Lines::default();
    read_capped(pipe, move |bytes| {
        for event in lines.feed(bytes) {
            watchers.hear(event);
        }
    })
}

/// A test starting or finishing, as libtest's pretty output says.
#[derive(Debug, PartialEq, Eq)]
enum Event {
    Started(String),
    Finished(String),
}

/// Longest line followed; a longer one (a test's own output) is skipped.
const MAX_LINE: usize = 4096;

/// libtest's `test <name> ... <result>` lines, from a stream cut anywhere. Run one test at a
/// time, libtest writes `test <name> ... ` before the test runs and the result after it.
#[derive(Debug, Default)]
struct Lines {
    partial: Vec<u8>,
    too_long: bool,
    announced: Option<String>,
}

impl Lines {
    fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for &b in bytes {
            if b == b'\n' {
                if !self.too_long {
                    let line = String::from_utf8_lossy(&self.partial).into_owned();
                    self.line(&line, true, &mut events);
                }
                self.partial.clear();
                self.too_long = false;
            } else if self.partial.len() < MAX_LINE {
                self.partial.push(b);
            } else {
                self.too_long = true;
            }
        }
        if !self.too_long && !self.partial.is_empty() {
            let line = String::from_utf8_lossy(&self.partial).into_owned();
            self.line(&line, false, &mut events);
        }
        events
    }

    fn line(&mut self, line: &str, complete: bool, events: &mut Vec<Event>) {
        let Some((name, result)) = line
            .strip_prefix("test ")
            .and_then(|rest| rest.split_once(" ... "))
        else {
            return;
        };
        if self.announced.as_deref() != Some(name) {
            self.announced = Some(name.to_string());
            events.push(Event::Started(name.to_string()));
        }
        if complete && !result.trim().is_empty() {
            self.announced = None;
            events.push(Event::Finished(name.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::TestBinary;
    use std::path::PathBuf;

    fn cases(names: &[&str]) -> Vec<TestCase> {
        let binary = Arc::new(TestBinary {
            package: "kata-d1".into(),
            path: PathBuf::from("/t/kata_d1-1"),
            manifest_dir: PathBuf::from("/w/katas/d1"),
        });
        names
            .iter()
            .map(|n| TestCase {
                binary: Arc::clone(&binary),
                name: n.to_string(),
            })
            .collect()
    }

    #[test]
    fn a_start_cut_mid_line_and_its_result_are_one_test() {
        let mut lines = Lines::default();
        assert_eq!(lines.feed(b"running 2 tests\ntest suite::a::x ..."), []);
        assert_eq!(
            lines.feed(b" "),
            [Event::Started("suite::a::x".into())],
            "libtest flushes `test <name> ... ` before running the test"
        );
        assert_eq!(lines.feed(b"FAIL"), []);
        assert_eq!(
            lines.feed(b"ED\ntest suite::a::y ... ok\n"),
            [
                Event::Finished("suite::a::x".into()),
                Event::Started("suite::a::y".into()),
                Event::Finished("suite::a::y".into()),
            ]
        );
    }

    #[test]
    fn a_kata_s_tests_are_dealt_into_one_batch_per_job() {
        let cs = cases(&["suite::a::x", "suite::a::y", "suite::a::z", "suite::b::w"]);
        let work: Vec<String> = plan(&cs, 2).iter().map(|w| format!("{w:?}")).collect();
        assert_eq!(work, ["Batch([0, 2])", "Batch([1])", "One(3, 0ns)"]);
    }

    const OUT: &str = "running 3 tests\ntest suite::a::x ... ok\ntest suite::a::y ... FAILED\n\
        test suite::a::z ... FAILED\n\nfailures:\n\n---- suite::a::y stdout ----\n\n\
        thread 'suite::a::y' panicked at katas/d1/src/a.rs:3:5:\nnot yet implemented: y\n\n\
        failures:\n    suite::a::y\n    suite::a::z\n";

    #[test]
    fn the_log_settles_passes_and_failures_with_their_own_message() {
        let cs = cases(&["suite::a::x", "suite::a::y", "suite::a::z", "suite::a::q"]);
        let log = "ok suite::a::x\nfailed suite::a::y\nfailed suite::a::z\n";
        let stopped = ("suite::a::q".to_string(), Duration::from_secs(1));
        let ran = judge(
            &cs,
            &[0, 1, 2, 3],
            OUT,
            log,
            &Progress::default(),
            Some(&stopped),
        );
        let outcome = |i: usize| {
            ran.settled
                .iter()
                .find(|(j, _)| *j == i)
                .map(|(_, r)| r.outcome.clone())
        };
        assert_eq!(outcome(0), Some(Outcome::Passed));
        assert!(
            matches!(outcome(1), Some(Outcome::Failed { ref message, .. }) if message.contains("not yet implemented: y")),
            "{:?}",
            outcome(1)
        );
        assert_eq!(
            ran.again,
            [(2, Duration::ZERO), (3, Duration::from_secs(1))],
            "a failure without its section and a test the log does not name run again alone, \
             the one the batch stopped on with the time it already ran"
        );
    }
}
