//! `.kata/room-outbox/`: snapshots waiting to be sent, one file each, named by the time they
//! were taken (`<UTC timestamp>-<pid>-<n>.json`) so that names sort oldest first. A snapshot is
//! written atomically before anything is sent and removed only once the room acknowledged it
//! or a newer one: a network that is down loses nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::room::error::RoomError;

/// The folder's name under `.kata/`.
pub const DIR: &str = "room-outbox";
/// Where a snapshot the room refused as malformed goes (kept, never sent again).
pub const REJECTED_DIR: &str = "room-rejected";

/// `<root>/.kata/room-outbox`.
pub fn dir(root: &Path) -> PathBuf {
    root.join(crate::state::STATE_DIR).join(DIR)
}

/// Queues one snapshot; returns its file.
pub fn push(root: &Path, bytes: &[u8]) -> Result<PathBuf, RoomError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = dir(root);
    crate::fsx::create_dir_all_durable(&dir)
        .map_err(|e| RoomError::io(format!("creating {}", dir.display()), e))?;
    let name = format!(
        "{}-{:010}-{:06}.json",
        crate::learn::timestamp::file_stamp(SystemTime::now()),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let path = dir.join(name);
    crate::fsx::replace_atomically(&path, bytes)
        .map_err(|e| RoomError::io(format!("writing {}", path.display()), e))?;
    Ok(path)
}

/// The queued snapshots, oldest first (temporary files of writes under way are not).
pub fn pending(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir(root)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && name.ends_with(".json")
        })
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

/// Removes sent (or superseded) snapshots; one already gone is fine.
pub fn remove(paths: &[PathBuf]) {
    for p in paths {
        let _ = fs::remove_file(p);
    }
}

/// Moves a snapshot the room refused out of the queue, into `.kata/room-rejected/`; returns
/// where it went.
pub fn reject(root: &Path, path: &Path) -> Result<PathBuf, RoomError> {
    let to_dir = root.join(crate::state::STATE_DIR).join(REJECTED_DIR);
    let io = |e| RoomError::io(format!("moving {} aside", path.display()), e);
    fs::create_dir_all(&to_dir).map_err(io)?;
    let to = to_dir.join(path.file_name().unwrap_or_default());
    fs::rename(path, &to).map_err(io)?;
    Ok(to)
}

/// Empties the queue (`room leave`); returns how many snapshots were in it.
pub fn clear(root: &Path) -> usize {
    let pending = pending(root);
    remove(&pending);
    pending.len()
}

/// Removes temporary files of writes that died more than an hour ago.
pub fn sweep(root: &Path) {
    let Ok(entries) = fs::read_dir(dir(root)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(3600));
        if name.starts_with('.') && name.ends_with(".tmp") && old {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_are_listed_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let a = push(dir.path(), b"{\"n\":1}").unwrap();
        let b = push(dir.path(), b"{\"n\":2}").unwrap();
        let c = push(dir.path(), b"{\"n\":3}").unwrap();
        fs::write(super::dir(dir.path()).join(".x.json.kata-1-1.tmp"), "half").unwrap();
        assert_eq!(pending(dir.path()), vec![a.clone(), b, c]);
        assert_eq!(fs::read_to_string(a).unwrap(), "{\"n\":1}");
    }

    #[test]
    fn a_rejected_snapshot_is_kept_aside_not_sent_again() {
        let dir = tempfile::tempdir().unwrap();
        let a = push(dir.path(), b"not json").unwrap();
        let to = reject(dir.path(), &a).unwrap();
        assert!(pending(dir.path()).is_empty());
        assert_eq!(fs::read_to_string(to).unwrap(), "not json");
    }

    #[test]
    fn clearing_says_how_many_were_queued() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(clear(dir.path()), 0);
        push(dir.path(), b"{}").unwrap();
        push(dir.path(), b"{}").unwrap();
        assert_eq!(clear(dir.path()), 2);
        assert!(pending(dir.path()).is_empty());
    }
}
