//! Dodge: open with mode 0600 but without `O_NOFOLLOW`, so a symlink planted at the path sends the secret (or the truncation) wherever it points.
//! Caught by: refuses_to_follow_a_symlink_planted_at_the_path, refuses_a_dangling_symlink_instead_of_creating_its_target

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why a secret was not written.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// A symlink sits at the path; following it could overwrite any file.
    #[error("{} is a symlink: refusing to follow it", .0.display())]
    Symlink(PathBuf),
    /// The file exists with permissions other than 0600.
    #[error("the file exists with mode {mode:o}, not 600")]
    TooOpen {
        /// The permission bits found (`mode & 0o777`).
        mode: u32,
    },
    /// Something other than a regular file sits at the path.
    #[error("{} is not a regular file", .0.display())]
    NotAFile(PathBuf),
    /// Any other I/O failure.
    #[error("cannot write the secret: {0}")]
    Io(#[from] io::Error),
}

/// Writes `bytes` to a file only its owner can read.
pub fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), SecretError> {
    write_secret_with(path, |out| out.write_all(bytes))
}

/// Writes what `fill` writes to a file that is mode 0600 from its creation on.
pub fn write_secret_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), SecretError> {
    let mut file = open_private(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(SecretError::NotAFile(path.to_owned()));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode != 0o600 {
        return Err(SecretError::TooOpen { mode });
    }
    file.set_len(0)?;
    fill(&mut file)?;
    file.sync_all()?;
    Ok(())
}

/// Opens (or creates with mode 0600) the file at `path` for writing, without following a
/// symlink and without truncating it.
fn open_private(path: &Path) -> Result<File, SecretError> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(|error| match error.raw_os_error() {
            Some(libc::ELOOP) => SecretError::Symlink(path.to_owned()),
            Some(libc::EISDIR) => SecretError::NotAFile(path.to_owned()),
            _ => SecretError::Io(error),
        })
}
