//! Dodge: write to a fixed `<name>.tmp` next to the target and rename it, but return early with `?` on failure, leaving the half-written temp file behind.
//! Caught by: a_failing_writer_leaves_the_old_content_and_no_temp_file, a_failing_writer_for_a_new_file_leaves_nothing

use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
    let temp_path = path.with_extension("tmp");
    let mut temp = std::fs::File::create(&temp_path).map_err(WriteError::Temp)?;
    fill(&mut temp).map_err(WriteError::Write)?;
    temp.sync_all().map_err(WriteError::Write)?;
    std::fs::rename(&temp_path, path).map_err(WriteError::Rename)?;
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
