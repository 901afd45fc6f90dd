//! `cargo kata reset`: restore a kata's pristine stub, after saving the learner's file.
//!
//! The pristine stub is the blob `katas.lock` records for the file (so a learner's commit
//! does not change it), else the file as committed (`git show HEAD:<path>`). Before anything
//! is overwritten, the learner's file is copied to
//! `<root>/.kata/backups/<kata-id>/<timestamp>.rs` and synced to disk; the stub then
//! replaces the file atomically. A file that already equals the stub is left alone.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use crate::error::ResetError;
use crate::fsx::{create_dir_all_durable, replace_atomically, write_new_durable};
use crate::learn::timestamp::file_stamp;

/// A kata to reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KataFile<'a> {
    /// The kata id; names the backup directory (`suite/kata` is allowed).
    pub kata_id: &'a str,
    /// The kata file, relative to the root (as in the manifest).
    pub file: &'a Path,
}

/// What a reset did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetOutcome {
    /// The file already equals the stub: nothing was written.
    AlreadyPristine,
    /// The stub was restored; the learner's file was saved to `backup` (`None` when there
    /// was no file to save).
    Restored {
        /// Where the learner's file was saved.
        backup: Option<PathBuf>,
    },
}

impl ResetOutcome {
    /// A line for the learner, with the backup path relative to `root`.
    pub fn message(&self, kata_id: &str, root: &Path) -> String {
        match self {
            Self::AlreadyPristine => {
                format!("{kata_id} is already the pristine stub: nothing to reset.")
            }
            Self::Restored { backup: Some(b) } => format!(
                "{kata_id} reset to the pristine stub. Your file was saved to {}",
                b.strip_prefix(root).unwrap_or(b).display()
            ),
            Self::Restored { backup: None } => {
                format!("{kata_id} restored to the pristine stub (there was no file to save).")
            }
        }
    }
}

/// Resets one kata: backs up the learner's file, then restores the committed stub.
/// `now` names the backup.
pub fn reset_kata(
    root: &Path,
    kata: KataFile<'_>,
    now: SystemTime,
) -> Result<ResetOutcome, ResetError> {
    ensure_git_checkout(root)?;
    reset_in_checkout(root, kata, now)
}

fn reset_in_checkout(
    root: &Path,
    kata: KataFile<'_>,
    now: SystemTime,
) -> Result<ResetOutcome, ResetError> {
    validate_kata_id(kata.kata_id)?;
    let rel = relative_file(kata.file)?;
    let stub = pristine_stub(root, &rel)?;
    let path = root.join(&rel);
    let current = match fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => return Err(ResetError::Read { path, source }),
    };
    if current.as_deref() == Some(stub.as_slice()) {
        return Ok(ResetOutcome::AlreadyPristine);
    }
    let backup = match current {
        Some(bytes) => Some(write_backup(root, kata.kata_id, &bytes, now)?),
        None => None,
    };
    let written = match path.parent() {
        Some(dir) => create_dir_all_durable(dir),
        None => Ok(()),
    }
    .and_then(|()| replace_atomically(&path, &stub));
    match written {
        Ok(()) => Ok(ResetOutcome::Restored { backup }),
        Err(source) => Err(ResetError::Write {
            path,
            backup,
            source,
        }),
    }
}

/// One shipped test file to put back: its path relative to the root and its shipped bytes
/// (`None`: it was not shipped, so it is moved into the backup).
pub type ShippedFile = (String, Option<Vec<u8>>);

/// Puts a suite's tests back as shipped: every file of `files` is first copied (when it
/// exists) to `.kata/backups/<suite>/tests/<timestamp>/<path>`, synced to disk; then each
/// is replaced atomically by its shipped bytes, or removed when it was not shipped. Returns
/// the backup folder. Nothing is written before every backup is made.
pub fn restore_shipped(
    root: &Path,
    suite: &str,
    files: &[ShippedFile],
    now: SystemTime,
) -> Result<PathBuf, ResetError> {
    validate_kata_id(suite)?;
    let backup = root
        .join(".kata")
        .join("backups")
        .join(suite)
        .join("tests")
        .join(file_stamp(now));
    for (file, _) in files {
        let rel = relative_file(Path::new(file))?;
        let path = root.join(&rel);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(source) => return Err(ResetError::Read { path, source }),
        };
        let dest = backup.join(&rel);
        let saved = match dest.parent() {
            Some(dir) => create_dir_all_durable(dir),
            None => Ok(()),
        }
        .and_then(|()| write_new_durable(&dest, &bytes));
        saved.map_err(|source| ResetError::Backup { path: dest, source })?;
    }
    for (file, shipped) in files {
        let path = root.join(relative_file(Path::new(file))?);
        let written = match shipped {
            Some(bytes) => match path.parent() {
                Some(dir) => create_dir_all_durable(dir),
                None => Ok(()),
            }
            .and_then(|()| replace_atomically(&path, bytes)),
            None => fs::remove_file(&path),
        };
        written.map_err(|source| ResetError::Write {
            path,
            backup: Some(backup.clone()),
            source,
        })?;
    }
    Ok(backup)
}

/// The pristine contents of `file` (relative to `root`): the blob recorded in `katas.lock`
/// (see [`crate::pristine`]), which survives a learner's commit; else `git show HEAD:./<file>`.
pub fn pristine_stub(root: &Path, file: &Path) -> Result<Vec<u8>, ResetError> {
    let rel = relative_file(file)?;
    let spec = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if let Some(stub) = crate::pristine::locked_stub(root, &spec) {
        return Ok(stub);
    }
    let output = crate::git::output(root, &["--no-pager", "show", &format!("HEAD:./{spec}")])
        .map_err(ResetError::GitUnavailable)?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(ResetError::NotCommitted {
            file: rel,
            detail: git_detail(&output.stderr),
        })
    }
}

/// Fails unless `root` is inside a git work tree.
pub fn ensure_git_checkout(root: &Path) -> Result<(), ResetError> {
    let output = crate::git::output(root, &["rev-parse", "--is-inside-work-tree"]);
    let output = match output {
        Ok(o) => o,
        // A missing root also fails to spawn: say it as it is.
        Err(e) if !root.is_dir() => {
            return Err(ResetError::NotAGitCheckout {
                root: root.to_path_buf(),
                detail: e.to_string(),
            });
        }
        Err(e) => return Err(ResetError::GitUnavailable(e)),
    };
    if output.status.success() && output.stdout.trim_ascii() == b"true" {
        Ok(())
    } else {
        Err(ResetError::NotAGitCheckout {
            root: root.to_path_buf(),
            detail: git_detail(&output.stderr),
        })
    }
}

fn git_detail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let line = line.trim().trim_start_matches("fatal: ");
    if line.is_empty() {
        "git gave no reason".to_owned()
    } else {
        line.to_owned()
    }
}

/// `file` as a clean relative path: no root, no `..`.
fn relative_file(file: &Path) -> Result<PathBuf, ResetError> {
    let mut out = PathBuf::new();
    for c in file.components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => {
                return Err(ResetError::FileOutsideRoot {
                    file: file.to_path_buf(),
                });
            }
        }
    }
    if out.as_os_str().is_empty() {
        return Err(ResetError::FileOutsideRoot {
            file: file.to_path_buf(),
        });
    }
    Ok(out)
}

fn validate_kata_id(id: &str) -> Result<(), ResetError> {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    if id.split('/').all(part_ok) {
        Ok(())
    } else {
        Err(ResetError::InvalidKataId { id: id.to_owned() })
    }
}

/// Saves `bytes` as `<root>/.kata/backups/<kata_id>/<stamp>.rs`, or `<stamp>_NNN.rs` when
/// that name is taken (two resets within the same clock tick), synced to disk.
pub(crate) fn write_backup(
    root: &Path,
    kata_id: &str,
    bytes: &[u8],
    now: SystemTime,
) -> Result<PathBuf, ResetError> {
    let dir = root.join(".kata").join("backups").join(kata_id);
    create_dir_all_durable(&dir).map_err(|source| ResetError::Backup {
        path: dir.clone(),
        source,
    })?;
    let stamp = file_stamp(now);
    for n in 0..1000u32 {
        let name = if n == 0 {
            format!("{stamp}.rs")
        } else {
            format!("{stamp}_{n:03}.rs")
        };
        let path = dir.join(name);
        match write_new_durable(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(ResetError::Backup { path, source }),
        }
    }
    Err(ResetError::Backup {
        path: dir.join(format!("{stamp}.rs")),
        source: io::Error::new(
            io::ErrorKind::AlreadyExists,
            "a thousand backups already carry this timestamp",
        ),
    })
}

/// How `--all` is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmation {
    /// `--yes` was passed: do not ask.
    pub yes: bool,
    /// stdin is a terminal, so the learner can be asked.
    pub tty: bool,
}

/// Decides whether `--all` may proceed: `--yes` proceeds; a terminal asks through `ask`
/// (which returns the answer); otherwise refuses, telling to pass `--yes`.
pub fn confirm_all(
    suite: &str,
    count: usize,
    confirmation: Confirmation,
    ask: &mut dyn FnMut(&str) -> io::Result<bool>,
) -> Result<(), ResetError> {
    if confirmation.yes {
        return Ok(());
    }
    if !confirmation.tty {
        return Err(ResetError::NeedsYes {
            suite: suite.to_owned(),
        });
    }
    let question = format!(
        "Reset all {count} katas of {suite} to their stubs? Your files are backed up under .kata/backups/ first."
    );
    if ask(&question).map_err(ResetError::Prompt)? {
        Ok(())
    } else {
        Err(ResetError::Declined)
    }
}

/// Asks `question` with a `[y/N]` suffix and reads one line: `y` or `yes` (any case)
/// is yes, anything else (an empty line, end of input) is no.
pub fn ask_yes_no(
    question: &str,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> io::Result<bool> {
    write!(out, "{question} [y/N] ")?;
    out.flush()?;
    let mut line = String::new();
    input.read_line(&mut line)?;
    let answer = line.trim();
    Ok(answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes"))
}

/// The result of one kata in `--all`.
#[derive(Debug)]
pub struct KataReset {
    /// The kata.
    pub kata_id: String,
    /// What happened to it.
    pub outcome: Result<ResetOutcome, ResetError>,
}

/// `reset --all`: confirms (see [`confirm_all`]), then resets every kata of `suite`.
/// One kata's failure does not stop the others; each result is reported.
pub fn reset_all(
    root: &Path,
    suite: &str,
    katas: &[KataFile<'_>],
    confirmation: Confirmation,
    ask: &mut dyn FnMut(&str) -> io::Result<bool>,
    now: SystemTime,
) -> Result<Vec<KataReset>, ResetError> {
    ensure_git_checkout(root)?;
    confirm_all(suite, katas.len(), confirmation, ask)?;
    Ok(katas
        .iter()
        .map(|kata| KataReset {
            kata_id: kata.kata_id.to_owned(),
            outcome: reset_in_checkout(root, *kata, now),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kata_ids_cannot_escape_the_backup_directory() {
        for bad in ["", "..", "a/../b", "/abs", "a b", "a\\b", "a//b"] {
            assert!(validate_kata_id(bad).is_err(), "{bad:?} must be refused");
        }
        for good in ["fsum", "d19a-precision/fsum", "take_while"] {
            assert!(validate_kata_id(good).is_ok(), "{good:?} is a kata id");
        }
    }

    #[test]
    fn kata_files_must_be_inside_the_repository() {
        assert!(relative_file(Path::new("../x.rs")).is_err());
        assert!(relative_file(Path::new("/etc/passwd")).is_err());
        assert_eq!(
            relative_file(Path::new("./katas/a/src/b.rs")).unwrap(),
            PathBuf::from("katas/a/src/b.rs")
        );
    }

    #[test]
    fn only_yes_means_yes() {
        let ask = |answer: &str| {
            let mut out = Vec::new();
            ask_yes_no("Go?", &mut answer.as_bytes(), &mut out).unwrap()
        };
        assert!(ask("y\n") && ask("YES\n") && ask(" yes "));
        assert!(!ask("\n") && !ask("") && !ask("no\n") && !ask("yep\n"));
    }

    #[test]
    fn all_without_a_terminal_needs_yes() {
        let mut never = |_: &str| -> io::Result<bool> { panic!("must not ask without a tty") };
        let refused = confirm_all(
            "d16",
            3,
            Confirmation {
                yes: false,
                tty: false,
            },
            &mut never,
        );
        let message = refused.unwrap_err().to_string();
        assert!(
            message.contains("--yes"),
            "the refusal must say how: {message}"
        );
        assert!(
            confirm_all(
                "d16",
                3,
                Confirmation {
                    yes: true,
                    tty: false
                },
                &mut never
            )
            .is_ok()
        );
    }

    #[test]
    fn all_on_a_terminal_asks_and_respects_no() {
        let mut asked = Vec::new();
        let mut no = |q: &str| {
            asked.push(q.to_owned());
            Ok(false)
        };
        let result = confirm_all(
            "d16",
            3,
            Confirmation {
                yes: false,
                tty: true,
            },
            &mut no,
        );
        assert!(matches!(result, Err(ResetError::Declined)));
        assert_eq!(asked.len(), 1, "asked exactly once");
        assert!(asked[0].contains("3 katas of d16"), "{}", asked[0]);
    }
}
