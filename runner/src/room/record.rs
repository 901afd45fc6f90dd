//! `.kata/room-status.json`: what the last sends did, for `cargo kata room status` (the sender
//! runs in the background, with nobody to tell). Written only by the sender holding the send
//! lock, and by `room join` / `room leave`, which start or end a room.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file's name under `.kata/`.
pub const FILE: &str = "room-status.json";

/// The last successful send and the last error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Unix seconds of the last snapshot the room acknowledged.
    #[serde(default)]
    pub last_sent_at: Option<u64>,
    /// The room's sequence number for it.
    #[serde(default)]
    pub last_seq: Option<u64>,
    /// Why the last attempt failed; cleared by the next success.
    #[serde(default)]
    pub last_error: Option<String>,
    /// Unix seconds of that failure.
    #[serde(default)]
    pub last_error_at: Option<u64>,
    /// The room answered 401 to the learner token: sending stops until the learner joins again.
    #[serde(default)]
    pub revoked: bool,
}

impl Record {
    /// A snapshot was acknowledged.
    pub fn sent(&mut self, at: u64, seq: Option<u64>) {
        self.last_sent_at = Some(at);
        self.last_seq = seq.or(self.last_seq);
        self.last_error = None;
        self.last_error_at = None;
        self.revoked = false;
    }

    /// An attempt failed.
    pub fn failed(&mut self, at: u64, why: String, revoked: bool) {
        self.last_error = Some(why);
        self.last_error_at = Some(at);
        self.revoked = revoked;
    }
}

/// `<root>/.kata/room-status.json`.
pub fn path(root: &Path) -> PathBuf {
    root.join(crate::state::STATE_DIR).join(FILE)
}

/// The record; empty when there is none or it cannot be read (it only informs).
pub fn load(root: &Path) -> Record {
    std::fs::read(path(root))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Saves the record atomically; a failure only costs `room status` its detail.
pub fn save(root: &Path, record: &Record) {
    if let Ok(bytes) = serde_json::to_vec_pretty(record) {
        let _ = crate::fsx::replace_atomically(&path(root), &bytes);
    }
}

/// Forgets it (a new room, or none).
pub fn clear(root: &Path) {
    let _ = std::fs::remove_file(path(root));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_clears_the_last_error() {
        let mut r = Record::default();
        r.failed(10, "down".into(), true);
        assert!(r.revoked);
        r.sent(20, Some(4));
        assert_eq!(r.last_error, None);
        assert!(!r.revoked);
        assert_eq!((r.last_sent_at, r.last_seq), (Some(20), Some(4)));
        r.sent(30, None);
        assert_eq!(r.last_seq, Some(4));
    }

    #[test]
    fn a_saved_record_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".kata")).unwrap();
        assert_eq!(load(dir.path()), Record::default());
        let mut r = Record::default();
        r.failed(5, "x".into(), false);
        save(dir.path(), &r);
        assert_eq!(load(dir.path()), r);
    }
}
