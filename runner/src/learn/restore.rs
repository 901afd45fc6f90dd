//! `cargo kata restore <kata> [--list | <backup>]`: bring back a file that `reset` (or an
//! earlier restore) saved under `<root>/.kata/backups/<kata-id>/`.
//!
//! The learner's current file is itself backed up first, so a restore can be undone by
//! restoring again. Backups are named by their UTC timestamp, so their names sort in time.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::RestoreError;
use crate::fsx::replace_atomically;
use crate::learn::reset::{KataFile, write_backup};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreOutcome {
    /// The file already equals the backup: nothing was written.
    AlreadyThere {
        /// The backup.
        from: PathBuf,
    },
    /// The backup replaced the file; the file as it was is in `saved` (`None` if there was
    /// no file).
    Restored {
        /// The backup that was brought back.
        from: PathBuf,
        /// Where the replaced file was saved.
        saved: Option<PathBuf>,
    },
}

impl RestoreOutcome {
    /// A line for the learner, with paths relative to `root`.
    pub fn message(&self, kata_id: &str, root: &Path) -> String {
        let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
        match self {
            Self::AlreadyThere { from } => {
                format!(
                    "{kata_id} already equals {}: nothing to restore.",
                    rel(from)
                )
            }
            Self::Restored {
                from,
                saved: Some(s),
            } => format!(
                "{kata_id} restored from {}. The file it replaced was saved to {}",
                rel(from),
                rel(s)
            ),
            Self::Restored { from, saved: None } => {
                format!("{kata_id} restored from {}.", rel(from))
            }
        }
    }
}

/// The backup directory of `kata_id`.
pub fn backup_dir(root: &Path, kata_id: &str) -> PathBuf {
    root.join(".kata").join("backups").join(kata_id)
}

/// The backups of `kata_id`, oldest first.
pub fn list(root: &Path, kata_id: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(backup_dir(root, kata_id))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "rs") && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Restores `name` (a backup's file name, with or without `.rs`), or the newest backup,
/// over the kata file, after backing the file up.
pub fn restore(
    root: &Path,
    kata: KataFile<'_>,
    name: Option<&str>,
    now: SystemTime,
) -> Result<RestoreOutcome, RestoreError> {
    let backups = list(root, kata.kata_id);
    let names = || -> Vec<String> {
        backups
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect()
    };
    let from = match name {
        None => backups
            .last()
            .cloned()
            .ok_or_else(|| RestoreError::NoBackups {
                kata_id: kata.kata_id.to_string(),
            })?,
        Some(n) => {
            let wanted = if n.ends_with(".rs") {
                n.to_string()
            } else {
                format!("{n}.rs")
            };
            backups
                .iter()
                .find(|p| p.file_name().is_some_and(|f| f.to_string_lossy() == wanted))
                .cloned()
                .ok_or_else(|| RestoreError::UnknownBackup {
                    kata_id: kata.kata_id.to_string(),
                    name: n.to_string(),
                    known: names(),
                })?
        }
    };
    let bytes = fs::read(&from).map_err(|source| RestoreError::Io {
        what: "read",
        path: from.clone(),
        source,
    })?;
    let path = root.join(kata.file);
    let current = match fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(RestoreError::Io {
                what: "read",
                path,
                source,
            });
        }
    };
    if current.as_deref() == Some(bytes.as_slice()) {
        return Ok(RestoreOutcome::AlreadyThere { from });
    }
    let saved = match current {
        Some(c) => Some(write_backup(root, kata.kata_id, &c, now)?),
        None => None,
    };
    replace_atomically(&path, &bytes).map_err(|source| RestoreError::Io {
        what: "write",
        path,
        source,
    })?;
    Ok(RestoreOutcome::Restored { from, saved })
}
