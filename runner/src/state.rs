//! The learner's progress in `.kata/progress.json`: written atomically, never a crash on a bad file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::domain::Status;
use crate::error::{Error, Result};

/// The runner's directory in the repository (git-ignored).
pub const STATE_DIR: &str = ".kata";
/// The progress file inside it.
pub const PROGRESS_FILE: &str = "progress.json";
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
    /// to merge this process's changes into the file's current state.
    #[serde(skip)]
    base: Option<Box<Progress>>,
}

/// What the runner knows about one kata.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct KataProgress {
    /// Unix seconds of the first check or the first time the file was seen edited.
    pub first_started: Option<u64>,
    /// `cargo kata check` runs (and `cargo kata` focusing on it).
    pub checks: u32,
    /// Unix seconds of the first green verdict.
    pub green_at: Option<u64>,
    /// `green_at - first_started`.
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
}

/// A loaded progress file, plus what the learner should be told about it.
#[derive(Debug)]
pub struct Loaded {
    /// The progress.
    pub progress: Progress,
    /// Set when a corrupt file was set aside.
    pub note: Option<String>,
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `<root>/.kata/progress.json`.
pub fn progress_path(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join(PROGRESS_FILE)
}

/// Loads the progress; a missing file is a fresh start, a corrupt one is set aside and rebuilt.
pub fn load(root: &Path) -> Loaded {
    let path = progress_path(root);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                progress: Progress::default(),
                note: None,
            };
        }
        Err(e) => return set_aside(&path, &e.to_string()),
    };
    match serde_json::from_str::<Progress>(&text) {
        Ok(mut p) => {
            p.base = Some(Box::new(p.clone()));
            Loaded {
                progress: p,
                note: None,
            }
        }
        Err(e) => set_aside(&path, &e.to_string()),
    }
}

fn set_aside(path: &Path, why: &str) -> Loaded {
    let aside = path.with_file_name(format!("{PROGRESS_FILE}.corrupt-{}", timestamp()));
    let note = match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "{} could not be read ({why}); kept it as {} and rebuilt progress from the test results",
            path.display(),
            aside.display()
        ),
        Err(e) => format!(
            "{} could not be read ({why}) nor set aside ({e}); progress starts afresh",
            path.display()
        ),
    };
    Loaded {
        progress: Progress::default(),
        note: Some(note),
    }
}

/// A sortable, unique-enough stamp: seconds and nanoseconds.
fn timestamp() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}-{:09}", d.as_secs(), d.subsec_nanos())
}

/// The lock file that serialises updates of the progress file.
const LOCK_FILE: &str = "progress.lock";

/// Saves this process's changes: under an exclusive lock on `.kata/progress.lock`, the file
/// is read again, this process's changes since it loaded `progress` are merged into it
/// (counts added, flags or-ed, earliest times kept, the newest verdict kept), and the
/// result is written atomically (synced temp file, rename). Checks, hints and peeks of a
/// concurrent run are never lost. `progress` becomes the merged state.
pub fn save(root: &Path, progress: &mut Progress) -> Result<()> {
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
    let disk = load(root);
    if let Some(note) = disk.note {
        eprintln!("note: {note}");
    }
    let mut merged = merge(progress.base.as_deref(), progress, disk.progress);
    merged.version = VERSION;
    let text = serde_json::to_string_pretty(&merged).map_err(Error::Json)?;
    let path = progress_path(root);
    crate::fsx::replace_atomically(&path, (text + "\n").as_bytes())
        .map_err(|e| Error::io(format!("replacing {}", path.display()), e))?;
    drop(lock);
    merged.base = Some(Box::new(merged.clone()));
    *progress = merged;
    Ok(())
}

/// Three-way merge: `disk` plus what changed from `base` to `mine`.
fn merge(base: Option<&Progress>, mine: &Progress, mut disk: Progress) -> Progress {
    let empty = Progress::default();
    let base = base.unwrap_or(&empty);
    let none = KataProgress::default();
    for (key, m) in &mine.katas {
        let b = base.katas.get(key).unwrap_or(&none);
        if m == b {
            continue;
        }
        let d = disk.katas.entry(key.clone()).or_default();
        d.checks = d.checks.saturating_add(m.checks.saturating_sub(b.checks));
        d.hints_used = d
            .hints_used
            .saturating_add(m.hints_used.saturating_sub(b.hints_used));
        d.peeked |= m.peeked;
        d.practice_checks = d
            .practice_checks
            .saturating_add(m.practice_checks.saturating_sub(b.practice_checks));
        d.practice_hints = d
            .practice_hints
            .saturating_add(m.practice_hints.saturating_sub(b.practice_hints));
        d.first_started = earliest(d.first_started, m.first_started);
        d.green_at = earliest(d.green_at, m.green_at);
        d.time_to_green_secs = d
            .green_at
            .zip(d.first_started)
            .map(|(g, s)| g.saturating_sub(s));
        if m.last_verdict != b.last_verdict {
            let newer = match (&d.last_verdict, &m.last_verdict) {
                (Some(dv), Some(mv)) => mv.at >= dv.at,
                _ => true,
            };
            if newer {
                d.last_verdict.clone_from(&m.last_verdict);
            }
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
    /// first verdict on an `edited` file (one that differs from its stub), not when the
    /// kata was merely looked at (watch moving on to it, `list`).
    pub fn record_work(&mut self, key: &str, verdict: LastVerdict, counted: bool, edited: bool) {
        let k = self.kata(key);
        let at = verdict.at;
        if counted {
            if k.green_at.is_some() {
                k.practice_checks += 1;
            } else {
                k.checks += 1;
            }
        }
        if edited && (counted || verdict.status != Status::NotStarted) {
            k.first_started.get_or_insert(at);
        }
        if verdict.status == Status::Green && k.green_at.is_none() && k.first_started.is_some() {
            k.green_at = Some(at);
            k.time_to_green_secs = k.first_started.map(|s| at.saturating_sub(s));
        }
        k.last_verdict = Some(verdict);
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
        p.record_work("s/k", verdict(Status::Red, 100), true, true);
        p.record_work("s/k", verdict(Status::Green, 160), true, true);
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
        p.record_work("s/k", verdict(Status::Red, 50), false, false);
        assert_eq!(p.katas["s/k"].first_started, None);
        p.record_work("s/k", verdict(Status::Red, 100), true, true);
        p.record_work("s/k", verdict(Status::Green, 130), true, true);
        p.record_work("s/k", verdict(Status::Green, 150), true, true);
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
        checker.record_work("s/k", verdict(Status::Red, 100), true, true);
        save(&root, &mut checker).unwrap();
        other_checker.record_work("s/k", verdict(Status::Green, 200), true, true);
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
}
