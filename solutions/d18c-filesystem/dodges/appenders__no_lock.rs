//! Dodge: append without any lock, trusting that writes do not interleave, which fails as soon as a record takes more than one write.
//! Caught by: try_append_gives_up_while_another_writer_holds_the_lock, append_waits_while_another_writer_holds_the_lock

use std::fs::{File, OpenOptions};
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
    write_record(file, line)
}

/// Appends `line` and a newline to the file at `path` if no other writer holds the lock.
pub fn try_append_record(path: &Path, line: &str) -> Result<(), AppendError> {
    let file = open_for_append(path, line)?;
    write_record(file, line)
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
    Ok(())
}
