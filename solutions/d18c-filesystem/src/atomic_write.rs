//! # Kata 5: atomic writes
//!
//! **Build** `atomic_write_with(path, fill)`: replace the file at `path` with what `fill`
//! writes, so that every reader sees either the whole old content or the whole new one,
//! never a mix, never a truncated file; and `atomic_write(path, bytes)` on top of it.
//!
//! **Why.** `fs::write(path, …)` first truncates the file to zero bytes, then writes. A
//! crash, a full disk or an error in between leaves a half config file, and a reader
//! running at the same moment reads one. Writing a temporary file and renaming it over the
//! target swaps the whole file at once: POSIX guarantees a rename within one filesystem is
//! atomic.
//!
//! **Python → Rust.** `os.replace` is [`std::fs::rename`]; `f.flush(); os.fsync(f.fileno())`
//! is [`std::fs::File::sync_all`]. Two things the article does by hand come for free with
//! the `tempfile` crate: [`tempfile::NamedTempFile::new_in`] makes a temp file with a
//! unique name (two writers never share `config.tmp`), and if anything fails before
//! [`tempfile::NamedTempFile::persist`], dropping it deletes the file (Rust's `Drop` is the
//! `except: unlink` of the article, and runs on every early return). One step the article
//! leaves out: after the rename, sync the **directory** too, or a power cut can forget the
//! rename itself (on Unix a directory can be opened and synced; Windows has no such call,
//! so that step is `cfg(unix)`).
//!
//! The temp file must be in the same directory as the target: a rename across filesystems
//! (`/tmp` is often a separate tmpfs) fails with `EXDEV` instead of being atomic, and
//! `std::env::temp_dir()` is not guaranteed to be on the target's filesystem.
//!
//! **Rules the tests check.**
//! - After `Ok(())` the file holds exactly the new content (a missing file is created).
//! - While `fill` runs, the target still holds the old content, and the temp file sits in
//!   the target's own directory.
//! - When `fill` fails, the error is `WriteError::Write`, the old content is intact and no
//!   temp file is left in the directory.
//! - A path without a file name (such as `/` or `dir/..`) is refused: `WriteError::NoFileName`.
//! - A directory that does not exist gives `WriteError::Temp`.
//! - A reader polling during many rewrites only ever sees complete versions.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Why an atomic write failed. In every case the target is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The path has no file name to write to.
    #[error("{} has no file name", .0.display())]
    NoFileName(PathBuf),
    /// The temp file could not be created next to the target.
    #[error("cannot create a temp file next to the target: {0}")]
    Temp(io::Error),
    /// Writing or syncing the new content failed.
    #[error("cannot write the new content: {0}")]
    Write(io::Error),
    /// The temp file could not be renamed over the target.
    #[error("cannot rename the temp file over the target: {0}")]
    Rename(io::Error),
}

/// Replaces the file at `path` with `bytes`, atomically.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    atomic_write_with(path, |out| out.write_all(bytes))
}

/// Replaces the file at `path` with what `fill` writes, atomically: the target changes only
/// if `fill` and every later step succeed.
pub fn atomic_write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    if path.file_name().is_none() {
        return Err(WriteError::NoFileName(path.to_owned()));
    }
    let dir = parent_dir(path);
    let mut temp = NamedTempFile::new_in(dir).map_err(WriteError::Temp)?;
    fill(&mut temp).map_err(WriteError::Write)?;
    temp.as_file().sync_all().map_err(WriteError::Write)?;
    temp.persist(path)
        .map_err(|error| WriteError::Rename(error.error))?;
    sync_dir(dir).map_err(WriteError::Rename)
}

/// The directory that holds `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Makes the rename durable by syncing the directory entry (Unix only).
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Windows cannot open a directory as a file; the rename is as durable as it gets.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}
