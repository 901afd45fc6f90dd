//! The learner's progress: the record of work in `.kata/history.jsonl` ([`crate::history`]),
//! and `.kata/progress.json`, a cache of the counts it gives plus the last verdicts; written
//! atomically under a lock, never a crash on a bad file.
//!
//! Counts (checks, hints, solutions shown, the first edit, the first green) come from the
//! record whenever it exists: editing or losing `progress.json` loses nothing. A
//! `progress.json` written before the record existed is carried over into it once
//! (`imported` events) on the first save.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::domain::Status;
use crate::error::{Error, Result};
use crate::history::{self, Entry, Event, Log, New};

/// The runner's directory in the repository (git-ignored).
pub const STATE_DIR: &str = ".kata";
/// The progress file inside it.
pub const PROGRESS_FILE: &str = "progress.json";
/// An unreadable progress file with no record to rebuild it from is set aside under this
/// prefix (`progress.json.corrupt-<secs>-<nanos>`): the counts before it are lost.
pub const CORRUPT_PREFIX: &str = "progress.json.corrupt-";
/// An unreadable progress file rebuilt from the record is set aside under this prefix
/// (`progress.json.unreadable-<secs>-<nanos>`): nothing was lost.
pub const UNREADABLE_PREFIX: &str = "progress.json.unreadable-";
const VERSION: u32 = 1;

/// Everything the runner remembers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Progress {
    /// Format version.
    #[serde(default)]
    pub version: u32,
    /// Per kata, keyed `suite/kata`.
    #[serde(default)]
    pub katas: BTreeMap<String, KataProgress>,
    /// Units cargo reported for a package set (sizes the build progress bar).
    #[serde(default)]
    pub build_units: BTreeMap<String, usize>,
    /// Key (Cargo.lock and suite list) of the last time `cargo kata` built every suite.
    #[serde(default)]
    pub prebuilt: Option<String>,
    /// The progress as loaded (or last saved) by this process: what [`save`] diffs against
    /// to turn this process's changes into events of the record.
    #[serde(skip)]
    base: Option<Box<Progress>>,
    /// Events noted by this process that no count shows (a solution shown, a reset, …),
    /// appended to the record by [`save`].
    #[serde(skip)]
    noted: Vec<New>,
}

/// What the runner knows about one kata. The counts and times are the record's
/// ([`crate::history`]); changing them here is recorded by [`save`] as events.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct KataProgress {
    /// Unix seconds of the first edit: the kata file's modification time when the runner
    /// first saw it differ from its stub.
    pub first_started: Option<u64>,
    /// `cargo kata check` runs (and `cargo kata` focusing on it).
    pub checks: u32,
    /// Unix seconds of the first green verdict.
    pub green_at: Option<u64>,
    /// `green_at - first_started`: the time from the first edit to green.
    pub time_to_green_secs: Option<u64>,
    /// Hints shown so far.
    pub hints_used: u32,
    /// Whether the learner looked at the solution before green.
    pub peeked: bool,
    /// Checks after green (practice: they do not count towards the kata's checks).
    #[serde(default)]
    pub practice_checks: u32,
    /// Hints shown after green (practice, counted apart from `hints_used`).
    #[serde(default)]
    pub practice_hints: u32,
    /// The latest verdict, reusable while nothing it depends on changed.
    pub last_verdict: Option<LastVerdict>,
}

/// A remembered verdict.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LastVerdict {
    /// The status.
    pub status: Status,
    /// Tests that passed.
    pub passed: usize,
    /// Tests that did not.
    pub failed: usize,
    /// Unix seconds.
    pub at: u64,
    /// Hash of the kata file.
    pub file_hash: String,
    /// Hash of everything the suite's verdicts depend on (its crate, tests, snapshots).
    pub fingerprint: String,
    /// The first test that did not pass, if any (for a facilitator's stuck list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_test: Option<String>,
}

/// A loaded progress file, plus what the learner should be told about it.
#[derive(Debug)]
pub struct Loaded {
    /// The progress.
    pub progress: Progress,
    /// Set when a corrupt file was set aside or the record was found edited.
    pub note: Option<String>,
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Unix seconds of a file's modification time (`None` when it cannot be read).
pub fn modified_secs(path: &Path) -> Option<u64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(modified.duration_since(UNIX_EPOCH).ok()?.as_secs())
}

/// `<root>/.kata/progress.json`.
pub fn progress_path(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join(PROGRESS_FILE)
}

/// Loads the progress: counts from the record (`.kata/history.jsonl`), verdicts from the
/// progress file. A record found edited or cut is repaired under the lock (see
/// [`history::repair`]) and the learner told; a corrupt progress file is set aside and
/// rebuilt (from the record when there is one: then nothing is lost).
pub fn load(root: &Path) -> Loaded {
    load_as(root, false).0
}

/// [`load`], when the caller holds the lock (`locked`) or not; also returns the record read.
fn load_as(root: &Path, locked: bool) -> (Loaded, Log) {
    let dir = root.join(STATE_DIR);
    let mut notes = Vec::new();
    let mut log = history::read(&dir);
    if let Some(damage) = log.damage.clone() {
        let repaired = if locked {
            history::repair(&dir, now())
        } else {
            lock(root)
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|_lock| history::repair(&dir, now()))
        };
        let path = history::log_path(&dir);
        match repaired {
            Ok(Some(edit)) => notes.push(format!("{}: {}", path.display(), edit.describe())),
            Ok(None) => {}
            Err(e) => notes.push(format!(
                "{}: record edited at event {}: {}; only the events before it are counted (it could not be repaired: {e})",
                path.display(),
                damage.at_event,
                damage.why
            )),
        }
        log = history::read(&dir);
    }
    if let Some(why) = &log.unreadable {
        notes.push(format!(
            "the record of your work could not be read ({why}); the counts shown are the progress file's and nothing new is saved"
        ));
    }
    let from_log = log.exists && log.unreadable.is_none();
    let (mut progress, note) = read_cache(root, from_log);
    notes.extend(note);
    if from_log {
        apply_log(&mut progress, &log.entries);
    }
    progress.base = Some(Box::new(progress.clone()));
    let note = (!notes.is_empty()).then(|| notes.join("\nnote: "));
    (Loaded { progress, note }, log)
}

/// The progress file as it is; an unreadable one is set aside (named for whether the
/// record can rebuild it).
fn read_cache(root: &Path, from_log: bool) -> (Progress, Option<String>) {
    let path = progress_path(root);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Progress::default(), None),
        Err(e) => return set_aside(&path, &e.to_string(), from_log),
    };
    match serde_json::from_str::<Progress>(&text) {
        Ok(p) => (p, None),
        Err(e) => set_aside(&path, &e.to_string(), from_log),
    }
}

fn set_aside(path: &Path, why: &str, from_log: bool) -> (Progress, Option<String>) {
    let prefix = if from_log {
        UNREADABLE_PREFIX
    } else {
        CORRUPT_PREFIX
    };
    let aside = path.with_file_name(format!("{prefix}{}", timestamp()));
    let rebuilt = if from_log {
        format!(
            "rebuilt it from the record of your work ({}): nothing is lost",
            history::LOG_FILE
        )
    } else {
        "rebuilt progress from the test results".to_string()
    };
    let note = match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "{} could not be read ({why}); kept it as {} and {rebuilt}",
            path.display(),
            aside.display()
        ),
        Err(e) if from_log => format!(
            "{} could not be read ({why}) nor set aside ({e}); {rebuilt}",
            path.display()
        ),
        Err(e) => format!(
            "{} could not be read ({why}) nor set aside ({e}); progress starts afresh",
            path.display()
        ),
    };
    (Progress::default(), Some(note))
}

/// A sortable, unique-enough stamp: seconds and nanoseconds.
fn timestamp() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}-{:09}", d.as_secs(), d.subsec_nanos())
}

/// The lock file that serialises updates of the progress file and the record.
const LOCK_FILE: &str = "progress.lock";

/// Takes the exclusive lock on `.kata/progress.lock` (released when the file is dropped).
fn lock(root: &Path) -> Result<std::fs::File> {
    let dir = root.join(STATE_DIR);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let lock_path = dir.join(LOCK_FILE);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(format!("opening {}", lock_path.display()), e))?;
    lock.lock()
        .map_err(|e| Error::io(format!("locking {}", lock_path.display()), e))?;
    Ok(lock)
}

/// Saves this process's changes: under an exclusive lock on `.kata/progress.lock`, the record
/// and the progress file are read again, what this process changed since it loaded
/// `progress` (checks, hints, a peek, the first edit, the first green) and the events it
/// noted are appended to the record (synced), and the progress file is rewritten atomically
/// (synced temp file, rename) with the counts the whole record gives and the newest verdicts.
/// Checks, hints and peeks of a concurrent run are never lost. `progress` becomes the merged
/// state.
pub fn save(root: &Path, progress: &mut Progress) -> Result<()> {
    let dir = root.join(STATE_DIR);
    let lock = lock(root)?;
    let (disk, log) = load_as(root, true);
    if let Some(note) = disk.note {
        eprintln!("note: {note}");
    }
    let log_path = history::log_path(&dir);
    if let Some(why) = &log.unreadable {
        return Err(Error::io(
            format!("reading {}", log_path.display()),
            std::io::Error::other(why.clone()),
        ));
    }
    let mut events = Vec::new();
    if !log.exists {
        events.extend(imports(&disk.progress));
    }
    events.extend(changes(progress, &disk.progress));
    let written = history::append(&dir, &log, events)
        .map_err(|e| Error::io(format!("appending to {}", log_path.display()), e))?;
    let mut merged = merge(progress.base.as_deref(), progress, disk.progress);
    if log.exists || !written.is_empty() {
        let mut entries = log.entries;
        entries.extend(written);
        apply_log(&mut merged, &entries);
    }
    merged.version = VERSION;
    merged.noted.clear();
    let text = serde_json::to_string_pretty(&merged).map_err(Error::Json)?;
    let path = progress_path(root);
    crate::fsx::replace_atomically(&path, (text + "\n").as_bytes())
        .map_err(|e| Error::io(format!("replacing {}", path.display()), e))?;
    drop(lock);
    merged.base = Some(Box::new(merged.clone()));
    *progress = merged;
    Ok(())
}

/// Appends one event that no count shows (a reset, a restore, an exam's start or end) to
/// the record, under the lock (a note on loading is told on stderr).
pub fn record_event(root: &Path, kata: Option<&str>, event: Event) -> Result<()> {
    let loaded = load(root);
    if let Some(note) = loaded.note {
        eprintln!("note: {note}");
    }
    let mut progress = loaded.progress;
    progress.note(kata, event);
    save(root, &mut progress)
}

/// The counts of a progress file written before the record existed, as `imported` events.
fn imports(disk: &Progress) -> Vec<New> {
    let at = now();
    disk.katas
        .iter()
        .filter(|(_, k)| {
            k.checks > 0
                || k.hints_used > 0
                || k.peeked
                || k.practice_checks > 0
                || k.practice_hints > 0
                || k.first_started.is_some()
                || k.green_at.is_some()
        })
        .map(|(key, k)| New {
            kata: Some(key.clone()),
            at,
            event: Event::Imported {
                checks: k.checks,
                hints_used: k.hints_used,
                peeked: k.peeked,
                practice_checks: k.practice_checks,
                practice_hints: k.practice_hints,
                first_edit: k.first_started,
                green_at: k.green_at,
            },
        })
        .collect()
}

/// What this process changed since it loaded (`base` to `mine`), as events, plus the events
/// it noted. `disk` (the state under the lock) keeps a first edit or a first green that
/// another run already recorded earlier from being recorded again.
fn changes(mine: &Progress, disk: &Progress) -> Vec<New> {
    let empty = Progress::default();
    let base = mine.base.as_deref().unwrap_or(&empty);
    let none = KataProgress::default();
    let at = now();
    let mut out = Vec::new();
    for (key, m) in &mine.katas {
        let b = base.katas.get(key).unwrap_or(&none);
        if m == b {
            continue;
        }
        let d = disk.katas.get(key).unwrap_or(&none);
        let new = |at: u64, event: Event| New {
            kata: Some(key.clone()),
            at,
            event,
        };
        if let Some(t) = m
            .first_started
            .filter(|&t| b.first_started != Some(t) && d.first_started.is_none_or(|d| t < d))
        {
            out.push(new(t, Event::FirstEdit));
        }
        // The newest verdict goes with the last check; a check whose files changed while
        // it ran has none.
        let verdict = m
            .last_verdict
            .as_ref()
            .filter(|_| m.last_verdict != b.last_verdict);
        let checks = m.checks.saturating_sub(b.checks);
        let practice = m.practice_checks.saturating_sub(b.practice_checks);
        let check = |practice: bool, last: bool| {
            let v = verdict.filter(|_| last);
            new(
                v.map_or(at, |v| v.at),
                Event::Check {
                    practice,
                    status: v.map(|v| v.status),
                    passed: v.map(|v| v.passed),
                    failed: v.map(|v| v.failed),
                },
            )
        };
        for i in 1..=checks {
            out.push(check(false, practice == 0 && i == checks));
        }
        if let Some(g) = m
            .green_at
            .filter(|&g| b.green_at != Some(g) && d.green_at.is_none_or(|d| g < d))
        {
            out.push(new(g, Event::Green));
        }
        for i in 1..=practice {
            out.push(check(true, i == practice));
        }
        for _ in 0..m.hints_used.saturating_sub(b.hints_used) {
            out.push(new(at, Event::Hint { practice: false }));
        }
        for _ in 0..m.practice_hints.saturating_sub(b.practice_hints) {
            out.push(new(at, Event::Hint { practice: true }));
        }
        let peek_noted = mine.noted.iter().any(|n| {
            n.kata.as_deref() == Some(key) && n.event == Event::Solution { before_green: true }
        });
        if m.peeked && !b.peeked && !d.peeked && !peek_noted {
            out.push(new(at, Event::Solution { before_green: true }));
        }
    }
    out.extend(mine.noted.iter().cloned());
    out
}

/// The counts and times the record's `entries` give, in place of `p`'s (its verdicts and
/// build sizes stay).
fn apply_log(p: &mut Progress, entries: &[Entry]) {
    for k in p.katas.values_mut() {
        *k = KataProgress {
            last_verdict: k.last_verdict.take(),
            ..KataProgress::default()
        };
    }
    for e in entries {
        let Some(key) = &e.kata else {
            continue;
        };
        let k = p.kata(key);
        match &e.event {
            Event::Imported {
                checks,
                hints_used,
                peeked,
                practice_checks,
                practice_hints,
                first_edit,
                green_at,
            } => {
                k.checks = k.checks.saturating_add(*checks);
                k.hints_used = k.hints_used.saturating_add(*hints_used);
                k.peeked |= *peeked;
                k.practice_checks = k.practice_checks.saturating_add(*practice_checks);
                k.practice_hints = k.practice_hints.saturating_add(*practice_hints);
                k.first_started = earliest(k.first_started, *first_edit);
                k.green_at = earliest(k.green_at, *green_at);
            }
            Event::FirstEdit => k.first_started = earliest(k.first_started, Some(e.at)),
            Event::Check { practice, .. } => {
                let n = if *practice {
                    &mut k.practice_checks
                } else {
                    &mut k.checks
                };
                *n = n.saturating_add(1);
            }
            Event::Hint { practice } => {
                let n = if *practice {
                    &mut k.practice_hints
                } else {
                    &mut k.hints_used
                };
                *n = n.saturating_add(1);
            }
            Event::Solution { before_green } => k.peeked |= *before_green,
            Event::Green => k.green_at = earliest(k.green_at, Some(e.at)),
            Event::Reset
            | Event::Restore
            | Event::ExamStart
            | Event::ExamEnd
            | Event::RecordEdited(_)
            | Event::Unknown => {}
        }
    }
    for k in p.katas.values_mut() {
        k.time_to_green_secs = k
            .green_at
            .zip(k.first_started)
            .map(|(g, s)| g.saturating_sub(s));
    }
}

/// Three-way merge of what the record does not hold: `disk` plus what changed from `base`
/// to `mine` (the newest verdict kept, build sizes replaced). Counts are the record's.
fn merge(base: Option<&Progress>, mine: &Progress, mut disk: Progress) -> Progress {
    let empty = Progress::default();
    let base = base.unwrap_or(&empty);
    let none = KataProgress::default();
    for (key, m) in &mine.katas {
        let b = base.katas.get(key).unwrap_or(&none);
        if m.last_verdict == b.last_verdict {
            continue;
        }
        let d = disk.katas.entry(key.clone()).or_default();
        let newer = match (&d.last_verdict, &m.last_verdict) {
            (Some(dv), Some(mv)) => mv.at >= dv.at,
            _ => true,
        };
        if newer {
            d.last_verdict.clone_from(&m.last_verdict);
        }
    }
    for (key, units) in &mine.build_units {
        if base.build_units.get(key) != Some(units) {
            disk.build_units.insert(key.clone(), *units);
        }
    }
    if mine.prebuilt != base.prebuilt {
        disk.prebuilt.clone_from(&mine.prebuilt);
    }
    disk
}

fn earliest(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl Progress {
    /// The entry for `key`, created empty if new.
    pub fn kata(&mut self, key: &str) -> &mut KataProgress {
        self.katas.entry(key.to_string()).or_default()
    }

    /// A verdict seen. Only honest work counts: a counted check after the kata's first green
    /// is practice (`practice_checks`), and the kata's clock (`first_started`) starts at the
    /// first edit: `edited` is the kata file's modification time when it differs from its
    /// stub (`None` when it does not), and the clock starts there the first time a verdict
    /// on an edited file is seen, not when the kata was merely looked at (watch moving on to
    /// it, `list`) nor at the time of the check.
    pub fn record_work(
        &mut self,
        key: &str,
        verdict: LastVerdict,
        counted: bool,
        edited: Option<u64>,
    ) {
        let k = self.kata(key);
        let at = verdict.at;
        if counted {
            if k.green_at.is_some() {
                k.practice_checks += 1;
            } else {
                k.checks += 1;
            }
        }
        if let Some(mtime) = edited
            && (counted || verdict.status != Status::NotStarted)
        {
            k.first_started.get_or_insert(mtime.min(at));
        }
        if verdict.status == Status::Green && k.green_at.is_none() && k.first_started.is_some() {
            k.green_at = Some(at);
            k.time_to_green_secs = k.first_started.map(|s| at.saturating_sub(s));
        }
        k.last_verdict = Some(verdict);
    }

    /// The kata file seen changed from its stub, last modified at `mtime` (Unix seconds):
    /// the kata's clock starts there unless it already has.
    pub fn first_edit(&mut self, key: &str, mtime: u64) {
        self.kata(key).first_started.get_or_insert(mtime.min(now()));
    }

    /// A check counted without a verdict (its files changed while it ran).
    pub fn count_check(&mut self, key: &str) {
        let k = self.kata(key);
        if k.green_at.is_some() {
            k.practice_checks += 1;
        } else {
            k.checks += 1;
        }
    }

    /// A hint shown: counted before green, practice after.
    pub fn take_hint(&mut self, key: &str) {
        let k = self.kata(key);
        if k.green_at.is_some() {
            k.practice_hints += 1;
        } else {
            k.hints_used += 1;
        }
    }

    /// The reference solution shown, before green (a peek, which the kata's record keeps)
    /// or after.
    pub fn solution_shown(&mut self, key: &str, before_green: bool) {
        if before_green {
            self.kata(key).peeked = true;
        }
        self.note(Some(key), Event::Solution { before_green });
    }

    /// Notes an event for the record, appended by the next [`save`].
    pub fn note(&mut self, kata: Option<&str>, event: Event) {
        self.noted.push(New {
            kata: kata.map(str::to_string),
            at: now(),
            event,
        });
    }
}

/// FNV-1a, 64 bits: a fast content hash for cache keys (not for security).
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash as 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Hash of one file's content (`missing` when it does not exist).
pub fn file_hash(path: &Path) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let mut h = Fnv::default();
            h.write(&bytes);
            h.hex()
        }
        Err(_) => "missing".to_string(),
    }
}

/// Hash of every file under `paths` (recursively, in sorted order, skipping `target/`).
pub fn tree_hash(root: &Path, paths: &[PathBuf]) -> String {
    let mut files: Vec<PathBuf> = paths
        .iter()
        .flat_map(|p| crate::walk::files(&root.join(p), &["target"]))
        .collect();
    files.sort();
    let mut h = Fnv::default();
    for f in files {
        h.write(f.to_string_lossy().as_bytes());
        if let Ok(bytes) = std::fs::read(&f) {
            h.write(&(bytes.len() as u64).to_le_bytes());
            h.write(&bytes);
        }
    }
    h.hex()
}

/// Hash of the names, sizes, mtimes and (on Unix) change times and inodes of every file at
/// `files` and under `paths`: it changes with any write, even one that restores the bytes.
pub fn tree_stamp(root: &Path, files: &[PathBuf]) -> String {
    let mut all: Vec<PathBuf> = files
        .iter()
        .flat_map(|p| crate::walk::files(&root.join(p), &["target"]))
        .collect();
    all.sort();
    let mut h = Fnv::default();
    for f in all {
        h.write(f.to_string_lossy().as_bytes());
        let Ok(meta) = std::fs::metadata(&f) else {
            continue;
        };
        h.write(&meta.len().to_le_bytes());
        if let Ok(d) = meta
            .modified()
            .map(|t| t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default())
        {
            h.write(&d.as_nanos().to_le_bytes());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            h.write(&meta.ctime().to_le_bytes());
            h.write(&meta.ctime_nsec().to_le_bytes());
            h.write(&meta.ino().to_le_bytes());
        }
    }
    h.hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kata-state-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(STATE_DIR)).unwrap();
        dir
    }

    fn verdict(status: Status, at: u64) -> LastVerdict {
        LastVerdict {
            status,
            passed: 1,
            failed: 0,
            at,
            file_hash: "h".into(),
            fingerprint: "f".into(),
            failing_test: None,
        }
    }

    #[test]
    fn corrupt_file_is_set_aside_and_rebuilt() {
        let root = temp_root("corrupt");
        std::fs::write(progress_path(&root), "{ not json").unwrap();
        let loaded = load(&root);
        assert!(loaded.progress.katas.is_empty());
        let note = loaded.note.expect("the learner is told");
        assert!(note.contains("progress.json.corrupt-"), "{note}");
        let aside: Vec<_> = std::fs::read_dir(root.join(STATE_DIR))
            .unwrap()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("progress.json.corrupt-")
            })
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            std::fs::read_to_string(aside[0].path()).unwrap(),
            "{ not json"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn save_then_load_round_trips() {
        let root = temp_root("roundtrip");
        let mut p = Progress::default();
        p.record_work("s/k", verdict(Status::Red, 100), true, Some(100));
        p.record_work("s/k", verdict(Status::Green, 160), true, Some(160));
        save(&root, &mut p).unwrap();
        let loaded = load(&root);
        assert!(loaded.note.is_none());
        let k = &loaded.progress.katas["s/k"];
        assert_eq!(k.checks, 2);
        assert_eq!(k.first_started, Some(100));
        assert_eq!(k.time_to_green_secs, Some(60));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn only_honest_work_counts_checks_after_green_are_practice_and_the_clock_waits_for_an_edit() {
        let mut p = Progress::default();
        // Looked at (watch moved on to it) before any edit: checked, but no clock.
        p.record_work("s/k", verdict(Status::Red, 50), false, None);
        assert_eq!(p.katas["s/k"].first_started, None);
        p.record_work("s/k", verdict(Status::Red, 100), true, Some(100));
        p.record_work("s/k", verdict(Status::Green, 130), true, Some(130));
        p.record_work("s/k", verdict(Status::Green, 150), true, Some(150));
        let k = &p.katas["s/k"];
        assert_eq!((k.checks, k.practice_checks), (2, 1));
        assert_eq!(k.time_to_green_secs, Some(30));
    }

    #[test]
    fn concurrent_changes_are_merged_not_overwritten() {
        let root = temp_root("merge");
        let mut checker = load(&root).progress;
        let mut hinter = load(&root).progress;
        let mut other_checker = load(&root).progress;
        hinter.kata("s/k").hints_used += 2;
        save(&root, &mut hinter).unwrap();
        checker.record_work("s/k", verdict(Status::Red, 100), true, Some(100));
        save(&root, &mut checker).unwrap();
        other_checker.record_work("s/k", verdict(Status::Green, 200), true, Some(200));
        other_checker.kata("s/k").peeked = true;
        save(&root, &mut other_checker).unwrap();
        // Saving again without new changes adds nothing.
        save(&root, &mut checker).unwrap();
        let k = &load(&root).progress.katas["s/k"];
        assert_eq!((k.checks, k.hints_used, k.peeked), (2, 2, true));
        assert_eq!(k.first_started, Some(100));
        assert_eq!(k.green_at, Some(200));
        assert_eq!(
            k.last_verdict.as_ref().map(|v| v.status),
            Some(Status::Green)
        );
        let names: Vec<String> = std::fs::read_dir(root.join(STATE_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains("tmp")), "{names:?}");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn missing_file_is_a_fresh_start() {
        let root = temp_root("missing");
        let loaded = load(&root);
        assert!(loaded.note.is_none() && loaded.progress.katas.is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_lost_progress_file_is_rebuilt_from_the_record_hints_and_peek_included() {
        let root = temp_root("lost");
        let mut p = load(&root).progress;
        p.take_hint("s/k");
        p.solution_shown("s/k", true);
        p.record_work("s/k", verdict(Status::Red, 100), true, Some(90));
        save(&root, &mut p).unwrap();
        let text = std::fs::read_to_string(progress_path(&root)).unwrap();
        std::fs::write(progress_path(&root), &text[..text.len() / 2]).unwrap();
        let loaded = load(&root);
        let note = loaded.note.expect("told");
        assert!(note.contains("nothing is lost"), "{note}");
        let k = &loaded.progress.katas["s/k"];
        assert_eq!((k.checks, k.hints_used, k.peeked), (1, 1, true));
        assert_eq!(k.first_started, Some(90));
        let names: Vec<String> = std::fs::read_dir(root.join(STATE_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with(UNREADABLE_PREFIX)),
            "{names:?}"
        );
        assert!(
            !names.iter().any(|n| n.starts_with(CORRUPT_PREFIX)),
            "{names:?}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_peek_unset_by_hand_in_the_progress_file_is_the_records_again() {
        let root = temp_root("unpeek");
        let mut p = load(&root).progress;
        p.solution_shown("s/k", true);
        p.take_hint("s/k");
        save(&root, &mut p).unwrap();
        let text = std::fs::read_to_string(progress_path(&root)).unwrap();
        let edited = text
            .replace("\"peeked\": true", "\"peeked\": false")
            .replace("\"hints_used\": 1", "\"hints_used\": 0");
        assert_ne!(edited, text);
        std::fs::write(progress_path(&root), edited).unwrap();
        let k = &load(&root).progress.katas["s/k"];
        assert_eq!((k.hints_used, k.peeked), (1, true));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_progress_file_from_before_the_record_is_carried_over_once() {
        let root = temp_root("import");
        std::fs::write(
            progress_path(&root),
            r#"{"version":1,"katas":{"s/k":{"first_started":10,"checks":3,"green_at":40,"time_to_green_secs":30,"hints_used":2,"peeked":true,"last_verdict":null}}}"#,
        )
        .unwrap();
        let mut p = load(&root).progress;
        p.take_hint("s/j");
        save(&root, &mut p).unwrap();
        save(&root, &mut p).unwrap();
        let loaded = load(&root).progress;
        let k = &loaded.katas["s/k"];
        assert_eq!((k.checks, k.hints_used, k.peeked), (3, 2, true));
        assert_eq!(k.time_to_green_secs, Some(30));
        assert_eq!(loaded.katas["s/j"].hints_used, 1);
        let log = history::read(&root.join(STATE_DIR));
        let imported = log
            .entries
            .iter()
            .filter(|e| matches!(e.event, Event::Imported { .. }))
            .count();
        assert_eq!(imported, 1);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_clock_starts_at_the_files_modification_time_not_at_the_check() {
        let mut p = Progress::default();
        p.record_work("s/k", verdict(Status::Green, 1000), true, Some(400));
        let k = &p.katas["s/k"];
        assert_eq!(k.first_started, Some(400));
        assert_eq!(k.time_to_green_secs, Some(600));
    }

    #[test]
    fn an_edited_record_counts_only_the_events_before_the_edit_and_says_so_once() {
        let root = temp_root("edited");
        let mut p = load(&root).progress;
        p.take_hint("s/k");
        save(&root, &mut p).unwrap();
        p.solution_shown("s/k", true);
        save(&root, &mut p).unwrap();
        p.take_hint("s/k");
        save(&root, &mut p).unwrap();
        let dir = root.join(STATE_DIR);
        let path = history::log_path(&dir);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("\"before_green\":true", "\"before_green\":false", 1),
        )
        .unwrap();
        let loaded = load(&root);
        let note = loaded.note.expect("told");
        assert!(note.contains("record edited at event 2"), "{note}");
        let k = &loaded.progress.katas["s/k"];
        assert_eq!((k.hints_used, k.peeked), (1, false));
        assert!(load(&root).note.is_none(), "repaired: told once");
        let edits = history::read(&dir).edits();
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].at_event, 2);
        let _ = std::fs::remove_dir_all(&root);
    }
}
