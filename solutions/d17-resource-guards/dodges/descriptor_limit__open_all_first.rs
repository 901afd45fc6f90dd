//! Dodge: `total_bytes` opens every file into a `Vec` before reading any: nothing leaks, but it holds one descriptor per file at once and hits `EMFILE` past the limit.
//! Caught by: total_bytes_reads_more_files_than_the_descriptor_limit

use std::ffi::CString;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Why a file could not be opened or read.
#[derive(Debug, Error)]
pub enum FdError {
    /// The path contains a NUL byte, which no Unix path can.
    #[error("path {0:?} contains a NUL byte")]
    NulInPath(PathBuf),
    /// `open` failed (missing file, too many open files, …).
    #[error("cannot open {path:?}: {source}")]
    Open {
        /// The path that was opened.
        path: PathBuf,
        /// The OS error (`ErrorKind::NotFound`, or raw `EMFILE` at the descriptor limit).
        source: io::Error,
    },
    /// `read` failed.
    #[error("cannot read {path:?}: {source}")]
    Read {
        /// The path that was read.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// An open, read-only file descriptor, closed when dropped.
#[derive(Debug)]
pub struct Descriptor {
    fd: RawFd,
    path: PathBuf,
}

impl Descriptor {
    /// Opens `path` read-only (`O_RDONLY | O_CLOEXEC`).
    pub fn open(path: &Path) -> Result<Descriptor, FdError> {
        let c_path = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| FdError::NulInPath(path.to_owned()))?;
        // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
        let fd = unsafe { libc::open(c_path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        if fd < 0 {
            return Err(FdError::Open {
                path: path.to_owned(),
                source: io::Error::last_os_error(),
            });
        }
        Ok(Descriptor {
            fd,
            path: path.to_owned(),
        })
    }

    /// The raw descriptor number (still owned by this guard).
    pub fn raw(&self) -> RawFd {
        self.fd
    }

    /// Reads from the current position to the end of the file.
    pub fn read_all(&mut self) -> Result<Vec<u8>, FdError> {
        let mut out = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            // SAFETY: `chunk` is valid for writes of `chunk.len()` bytes and `self.fd` is
            // an open descriptor owned by `self`.
            let n = unsafe { libc::read(self.fd, chunk.as_mut_ptr().cast(), chunk.len()) };
            match usize::try_from(n) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&chunk[..n]),
                Err(_) => {
                    let source = io::Error::last_os_error();
                    if source.kind() != io::ErrorKind::Interrupted {
                        return Err(FdError::Read {
                            path: self.path.clone(),
                            source,
                        });
                    }
                }
            }
        }
    }
}

impl Drop for Descriptor {
    fn drop(&mut self) {
        // SAFETY: `self.fd` was returned by `open`, is owned by this guard alone, and is
        // closed exactly once, here.
        unsafe {
            libc::close(self.fd);
        }
    }
}

/// The total size in bytes of the files at `paths`, each opened and read through a
/// [`Descriptor`]; stops at the first error.
pub fn total_bytes(paths: &[PathBuf]) -> Result<u64, FdError> {
    // Open everything first, then read: each descriptor is closed, but only at the end.
    let mut open = paths
        .iter()
        .map(|path| Descriptor::open(path))
        .collect::<Result<Vec<_>, _>>()?;
    open.iter_mut()
        .try_fold(0u64, |total, fd| Ok(total + fd.read_all()?.len() as u64))
}
