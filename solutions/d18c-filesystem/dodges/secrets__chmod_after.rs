//! Dodge: create the file with the default mode and `set_permissions(0o600)` once it is written, leaving a window in which anyone can open it.
//! Caught by: the_file_is_0600_already_while_it_is_being_written

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
    if mode != 0o600 && meta.len() > 0 {
        return Err(SecretError::TooOpen { mode });
    }
    file.set_len(0)?;
    fill(&mut file)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
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
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|error| match error.raw_os_error() {
            Some(libc::ELOOP) => SecretError::Symlink(path.to_owned()),
            Some(libc::EISDIR) => SecretError::NotAFile(path.to_owned()),
            _ => SecretError::Io(error),
        })
}
