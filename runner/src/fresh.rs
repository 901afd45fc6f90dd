//! Freshness by content, never by modification time.
//!
//! Cargo decides whether a crate must be compiled again by comparing its sources' mtimes with
//! those of its last build. A file put back with an older mtime (`cp -p`, `mv`, `tar x`,
//! `rsync -t`, `touch -d`) looks older than the build, so cargo would hand the runner a test
//! executable built from other bytes. For each build request the runner keeps, in
//! `.kata/fresh/<request>.json`, the content hash of every input it last built from and when
//! that build started; before the next build every input whose content differs (or is new)
//! and whose mtime is not after that start gets its mtime set to now, so cargo compiles it
//! again. (A file saved after the start has an mtime cargo sees as new already: touching it
//! would only wake watch mode a second time.) The record is written only after the build
//! returned, with the hashes taken before it: a file saved during the build differs from the
//! record next time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::state::{Fnv, STATE_DIR, file_hash};

/// The folder of the records, under `.kata/`.
const FRESH_DIR: &str = "fresh";

/// What the last build of a request read.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Record {
    /// When it started (nanoseconds since the Unix epoch).
    started_ns: u128,
    /// Input (relative to the root) to its content hash.
    hashes: BTreeMap<String, String>,
}

/// Hashes taken before a build, waiting for it to end before they are recorded.
#[derive(Debug)]
#[must_use = "commit the hashes once the build returned"]
pub struct Pending {
    record: PathBuf,
    started_ns: u128,
    hashes: BTreeMap<String, String>,
    /// The inputs whose mtime was set to now (relative to the root).
    pub touched: Vec<String>,
}

/// The record of the request `key` (packages and features, as the caller spells them).
fn record_path(root: &Path, key: &str) -> PathBuf {
    let mut h = Fnv::default();
    h.write(key.as_bytes());
    root.join(STATE_DIR)
        .join(FRESH_DIR)
        .join(format!("{}.json", h.hex()))
}

/// Hashes every file under `inputs` (relative to `root`), compares each with what the last
/// build of the request `key` read, and sets the mtime of each one that differs (or that the
/// record does not know) to now. A file that cannot be touched is left as it is: the build
/// then judges what cargo gives, as before.
pub fn prepare(root: &Path, key: &str, inputs: &[PathBuf]) -> Pending {
    let record = record_path(root, key);
    let started_ns = nanos(SystemTime::now());
    let last: Option<Record> = std::fs::read(&record)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    // Without a record every input is unknown: each is touched once.
    let stale = |file: &Path, hash: &String| match &last {
        None => true,
        Some(r) if r.hashes.get(&rel_of(root, file)) == Some(hash) => false,
        Some(r) => std::fs::metadata(file)
            .and_then(|m| m.modified())
            .is_ok_and(|t| nanos(t) <= r.started_ns),
    };
    let mut hashes = BTreeMap::new();
    let mut touched = Vec::new();
    for file in inputs
        .iter()
        .flat_map(|p| crate::walk::files(&root.join(p), crate::walk::SKIPPED))
    {
        let rel = rel_of(root, &file);
        let hash = file_hash(&file);
        if stale(&file, &hash) && touch(&file) {
            touched.push(rel.clone());
        }
        hashes.insert(rel, hash);
    }
    Pending {
        record,
        started_ns,
        hashes,
        touched,
    }
}

fn rel_of(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

fn nanos(t: SystemTime) -> u128 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Sets `file`'s mtime (and atime) to now, through a descriptor opened for reading. Both
/// times, because Linux reports a change of the mtime alone as a write (`IN_MODIFY`), and of
/// both as one of metadata (`IN_ATTRIB`): watch mode takes the one for a save and ignores
/// the other.
fn touch(file: &Path) -> bool {
    let now = SystemTime::now();
    std::fs::File::open(file)
        .and_then(|f| {
            f.set_times(
                std::fs::FileTimes::new()
                    .set_accessed(now)
                    .set_modified(now),
            )
        })
        .is_ok()
}

impl Pending {
    /// Records the hashes: the build returned, so what it read is what they describe (or
    /// something newer, which a later save's mtime shows cargo anyway).
    pub fn commit(self) {
        let record = Record {
            started_ns: self.started_ns,
            hashes: self.hashes,
        };
        if let (Some(dir), Ok(body)) = (self.record.parent(), serde_json::to_vec(&record)) {
            let _ = std::fs::create_dir_all(dir);
            let _ = crate::fsx::replace_atomically(&self.record, &body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives `file` the modification time `at`, as `cp -p` or `touch -d` would.
    fn set_mtime(file: &Path, at: SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(at)
            .unwrap();
    }
    use std::time::Duration;

    fn mtime(p: &Path) -> SystemTime {
        std::fs::metadata(p).unwrap().modified().unwrap()
    }

    #[test]
    fn a_file_put_back_with_an_old_mtime_is_touched_and_an_unchanged_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = root.join("katas/s/src/a.rs");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "right").unwrap();
        let inputs = [PathBuf::from("katas/s")];
        let first = prepare(root, "k", &inputs);
        assert_eq!(first.touched, ["katas/s/src/a.rs"], "no record yet");
        first.commit();
        let old = SystemTime::now() - Duration::from_secs(3600);
        set_mtime(&file, old);
        let same = prepare(root, "k", &inputs);
        assert!(same.touched.is_empty(), "same bytes: nothing to rebuild");
        assert_eq!(mtime(&file), old);
        same.commit();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&file, "saved").unwrap();
        let saved = prepare(root, "k", &inputs);
        assert!(
            saved.touched.is_empty(),
            "a save after the build is new to cargo already"
        );
        saved.commit();
        std::fs::write(&file, "wrong").unwrap();
        set_mtime(&file, old);
        let changed = prepare(root, "k", &inputs);
        assert_eq!(changed.touched, ["katas/s/src/a.rs"]);
        assert!(mtime(&file) > old, "cargo must see it newer than its build");
        let other = prepare(root, "another request", &inputs);
        assert_eq!(other.touched.len(), 1, "each request keeps its own record");
    }
}
