//! # Kata 9: appenders that don't interleave
//!
//! **Build** `append_record(path, line)`, which appends `line` and a newline to the file at
//! `path` while holding an exclusive lock on that file, waiting for the lock if another
//! writer holds it; and `try_append_record(path, line)`, which gives up at once with
//! `AppendError::Busy` instead of waiting.
//!
//! **Why.** Several workers (threads, or processes like the article's Celery workers) add
//! records to one CSV. A record written in more than one `write` call (a buffered writer
//! that flushes in pieces, `writeln!` on an unbuffered `File`, which writes the text and the
//! newline separately) can be cut by another writer's bytes: `User_Alice_PurchaseUser_Bob…`.
//! A lock held around the whole record makes the writers take turns.
//!
//! **Python → Rust.** `fcntl.flock(fd, LOCK_EX)` is [`std::fs::File::lock`] (stable since
//! Rust 1.89), `LOCK_EX | LOCK_NB` is [`std::fs::File::try_lock`], and `LOCK_UN` is
//! [`std::fs::File::unlock`] — or simply dropping the `File`, which closes it and releases
//! the lock on every path, panics included: no `finally` needed. Unlike `fcntl`, these work
//! on Windows too. The lock is advisory: it only excludes writers that also take it.
//!
//! **Honest note.** On Linux and macOS, one `write` call to a file opened with `O_APPEND`
//! ([`std::fs::OpenOptions::append`]) on a local disk is not interleaved with other
//! appends. The lock is what makes a record of several writes safe, what works over network
//! filesystems, and what protects read-modify-write sequences.
//!
//! **Rules the tests check.**
//! - The file is created if missing and opened in append mode; the record is `line`
//!   followed by `\n`.
//! - The lock is taken on the data file itself (not on a separate lock file), exclusively,
//!   before the first byte is written, and released when the call returns.
//! - `try_append_record` returns `Err(AppendError::Busy)` without writing anything while
//!   another handle holds a lock on the file.
//! - A `line` containing `\n` or `\r` would become two records: `AppendError::LineBreak`.
//! - Several threads and several processes appending thousands of records leave a file in
//!   which every line is a whole record.

use std::io;
use std::path::Path;

/// Why a record was not appended.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The line contains a line break, so it would become more than one record.
    #[error("the record contains a line break")]
    LineBreak,
    /// Another writer holds the lock (only from `try_append_record`).
    #[error("another writer holds the lock")]
    Busy,
    /// Opening, locking or writing failed.
    #[error("cannot append: {0}")]
    Io(#[from] io::Error),
}

/// Appends `line` and a newline to the file at `path`, waiting for an exclusive lock.
pub fn append_record(path: &Path, line: &str) -> Result<(), AppendError> {
    todo!(
        "append {line:?} to {} under an exclusive lock",
        path.display()
    )
}

/// Appends `line` and a newline to the file at `path` if no other writer holds the lock.
pub fn try_append_record(path: &Path, line: &str) -> Result<(), AppendError> {
    todo!("append {line:?} to {} if the lock is free", path.display())
}
