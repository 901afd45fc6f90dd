//! Dodge: lock a separate `<name>.lock` file instead of the data file, a private protocol that other writers locking the data file (as the rules ask) do not see.
//! Caught by: try_append_gives_up_while_another_writer_holds_the_lock, append_waits_while_another_writer_holds_the_lock

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Write};
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
    let file = open_for_append(path, line)?;
    let guard = sidecar(path)?;
    guard.lock()?;
    write_record(file, line)
}

/// Appends `line` and a newline to the file at `path` if no other writer holds the lock.
pub fn try_append_record(path: &Path, line: &str) -> Result<(), AppendError> {
    let file = open_for_append(path, line)?;
    let guard = sidecar(path)?;
    match guard.try_lock() {
        Ok(()) => write_record(file, line),
        Err(TryLockError::WouldBlock) => Err(AppendError::Busy),
        Err(TryLockError::Error(error)) => Err(AppendError::Io(error)),
    }
}

/// The lock file next to `path`.
fn sidecar(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path.with_extension("lock"))
}

/// Checks `line` and opens the file at `path` for appending, creating it if needed.
fn open_for_append(path: &Path, line: &str) -> Result<File, AppendError> {
    if line.contains(['\n', '\r']) {
        return Err(AppendError::LineBreak);
    }
    Ok(OpenOptions::new().append(true).create(true).open(path)?)
}

/// Writes the record to the locked `file`; closing the file releases the lock.
fn write_record(mut file: File, line: &str) -> Result<(), AppendError> {
    file.write_all(line.as_bytes())?;
    file.write_all(b"\n")?;
    file.unlock()?;
    Ok(())
}
