//! The running exam: `.kata/exam.json` (its katas, start and time allowed), its deadline, and
//! the copies its checks keep of the exam katas' files in `.kata/exam/` (the versions an exam
//! judged after its deadline falls back on, see [`crate::exam`]). Apart from the rest of the
//! exam module so that every check can call [`keep_checked`] without depending on the
//! exam's judge (which itself checks).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::KataRef;
use crate::error::{Error, Result};
use crate::state::{self, STATE_DIR};

/// The running exam's file.
pub const EXAM_FILE: &str = "exam.json";
/// The folder (under `.kata/`) of the running exam's checked copies, one
/// `<suite>/<kata>.rs` per exam kata.
pub const CHECKED_DIR: &str = "exam";

/// An exam in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exam {
    /// Unix seconds.
    pub started_at: u64,
    /// The time allowed.
    pub minutes: u32,
    /// `PROPTEST_RNG_SEED` of the held-out run.
    pub seed: u64,
    /// `suite/kata`, in the order given to the learner.
    pub katas: Vec<String>,
}

impl Exam {
    /// Unix seconds when time is up.
    pub fn deadline(&self) -> u64 {
        self.started_at + u64::from(self.minutes) * 60
    }

    /// Whether `kata` (`suite/kata`) is one of the exam's katas.
    pub fn has(&self, kata: &str) -> bool {
        self.katas.iter().any(|k| k == kata)
    }
}

/// The running exam, if any (an unreadable file is an error: the learner must know).
pub fn active(root: &Path) -> Result<Option<Exam>> {
    let p = root.join(STATE_DIR).join(EXAM_FILE);
    match std::fs::read_to_string(&p) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            Error::Usage(format!(
                "{} could not be read ({e}); remove it to end the exam",
                p.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(format!("reading {}", p.display()), e)),
    }
}

/// Whether the deadline of `exam` has passed.
pub fn is_over(exam: &Exam) -> bool {
    state::now() >= exam.deadline()
}

/// The running exam whose deadline has passed, when `kata` (`suite/kata`) is one of its
/// katas: a check of it now is after the exam (practice; it does not count).
pub fn ended_for(root: &Path, kata: &str) -> Option<Exam> {
    active(root)
        .ok()
        .flatten()
        .filter(|e| is_over(e) && e.has(kata))
}

/// The checked copy of exam kata `kata` (`suite/kata`): `.kata/exam/<suite>/<kata>.rs`.
pub fn checked_path(root: &Path, kata: &str) -> PathBuf {
    root.join(STATE_DIR)
        .join(CHECKED_DIR)
        .join(format!("{kata}.rs"))
}

/// Removes every checked copy (an exam starts or ends).
pub fn remove_checked(root: &Path) -> Result<()> {
    let dir = root.join(STATE_DIR).join(CHECKED_DIR);
    match std::fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io(format!("removing {}", dir.display()), e))
        }
        _ => Ok(()),
    }
}

/// The hook of every check ([`crate::check::check`]): while an exam runs and before its
/// deadline, keeps a copy of each exam kata's file among `katas` as it is checked (see
/// [`checked_path`]): the version the exam is judged on if the file changes after the
/// deadline. No exam, or past the deadline: does nothing. A copy that cannot be written is
/// said on stderr (the check goes on).
pub fn keep_checked(root: &Path, katas: &[KataRef<'_>]) {
    let Some(exam) = active(root).ok().flatten().filter(|e| !is_over(e)) else {
        return;
    };
    for k in katas.iter().filter(|k| exam.has(&k.key())) {
        let Ok(bytes) = std::fs::read(root.join(&k.file)) else {
            continue;
        };
        let copy = checked_path(root, &k.key());
        let kept = copy
            .parent()
            .map_or(Ok(()), crate::fsx::create_dir_all_durable)
            .and_then(|()| crate::fsx::replace_atomically(&copy, &bytes));
        if let Err(e) = kept {
            eprintln!(
                "warning: {} not kept for the exam ({e}): if {} changes after the deadline, \
                 the exam judges an earlier version of it",
                copy.display(),
                k.file
            );
        }
    }
}
