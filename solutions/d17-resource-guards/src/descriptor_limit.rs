//! # Kata 5: the descriptor leak
//!
//! **Build** `Descriptor`, a guard that owns one raw file descriptor: `open` gets it from
//! `libc::open`, `read_all` reads the file with `libc::read`, and `Drop` gives it back with
//! `libc::close`. Then `total_bytes(paths)`, the total size of many files, read through
//! `Descriptor`s.
//!
//! **Why.** This is the article's "phantom file". A process may hold only so many open
//! descriptors at once (the soft `RLIMIT_NOFILE`, often 1024 on Linux and 256 on macOS;
//! `ulimit -n`). A descriptor that is never closed, or thousands that are all held at once,
//! ends in `EMFILE`, "too many open files": the server can no longer open a file, accept a
//! connection or even log the error.
//!
//! **Python → Rust.** A Python file object closes when it is collected, which may be much
//! later, so the article asks for `with open(…)`. Rust's `std::fs::File` is already a guard
//! like the one you write here: it closes in `Drop`, the moment its owner's scope ends.
//! This kata goes one level down, to the raw descriptor, and writes that `Drop` itself.
//! Two leaks remain possible in Rust, and the tests catch both: a handle type without
//! `Drop` (or `mem::forget`, `into_raw_fd`), and *hoarding*, opening every file before
//! reading any (say, collecting a `Vec` of open files), which holds them all at once.
//!
//! **How the tests lower the limit.** `setrlimit(RLIMIT_NOFILE)` applies to the whole
//! process, and `cargo test` runs the tests as threads of one process. So each limit test
//! re-runs the test binary as a child process that runs only that test, lowers its own
//! soft limit to 32 there and opens 128 files; the parent test only checks that the child
//! passed. Nothing is changed in the process that runs the other tests, and nothing
//! depends on file permissions (CI runs as root, which ignores them). Unix only
//! (Linux and macOS): `libc::open` and `O_CLOEXEC` exist on both.
//!
//! **The tests check.**
//! - `Descriptor::open` then `read_all` returns the whole file; an empty file reads as
//!   nothing. Checked by `reads_a_file_through_a_descriptor`, `an_empty_file_reads_as_nothing`.
//! - `read_all` reads until `read` returns 0: a 1 MiB stream through a FIFO, which no single
//!   `read` can return whole, comes back complete; and a read that returns fewer bytes than
//!   the buffer holds is not the end: a stream sent in small pieces, each only once the one
//!   before was read, comes back whole (Linux). Checked by
//!   `read_all_reads_until_the_end_not_once`, `read_all_keeps_reading_after_a_short_read`.
//! - `read_all` reads through the guard's own descriptor, not the path again: a file removed,
//!   or replaced by another under its name, after `open` still reads as the opened file.
//!   Checked by `read_all_reads_the_open_file_not_whatever_has_its_name_now`.
//! - A path with a NUL byte is `FdError::NulInPath(path)` (`std::ffi::CString::new` fails);
//!   a failed `open` is `FdError::Open { path, source }` with the OS error. Checked by
//!   `a_path_with_a_nul_byte_is_rejected`, `a_missing_file_is_an_open_error_with_the_path`.
//! - A failed read is `FdError::Read` (a directory opens read-only, but reading it fails
//!   with `EISDIR`). Checked by `reading_a_directory_is_a_read_error`.
//! - The descriptor has the close-on-exec flag (`FD_CLOEXEC`, from `libc::O_CLOEXEC`), so
//!   child processes do not inherit it. Checked by `descriptors_are_opened_close_on_exec`.
//! - Dropping the guard closes the descriptor (`fcntl(fd, F_GETFD)` fails afterwards), and
//!   1000 opens in a row under a limit of 32 succeed. Checked by
//!   `dropping_a_descriptor_closes_it`, `a_thousand_opened_and_dropped_descriptors_leave_room`.
//! - `read_all` leaves the descriptor open: only `Drop` closes it, exactly once (a file
//!   opened after `read_all` is still open after the guard is dropped). Checked by
//!   `read_all_leaves_the_closing_to_drop`.
//! - `Drop` calls `close` once and never again, even when it fails with `EINTR`: on Linux
//!   the descriptor is already released then, so a retry could close a number another
//!   thread has just been given (Linux x86_64 and aarch64: in a child process a seccomp
//!   filter traps the guard's `close`, makes it report `EINTR` and counts the calls).
//!   Checked by `dropping_a_descriptor_calls_close_once_even_when_it_reports_eintr`.
//! - `total_bytes` adds up the sizes (0 for no files) and stops at the first error and
//!   returns it. Checked by `total_bytes_adds_up_the_sizes`, `total_bytes_of_no_files_is_zero`,
//!   `total_bytes_stops_at_the_first_missing_file`.
//! - `total_bytes` counts the bytes it reads, not the size `stat` reports: a `/proc` file
//!   (size 0, content not empty) counts its content. Checked by
//!   `total_bytes_counts_the_bytes_read_not_the_size_stat_reports`.
//! - `total_bytes` never holds more than one descriptor: it sums 128 files under a limit of
//!   32, it sums 20 files when the descriptor table is full but for one free slot (the test
//!   fills the rest with `/dev/null`s), and a failed call leaks none. Even with descriptors
//!   to spare it closes each file before it opens the next: over named pipes fed one by
//!   one, while it waits in the open of each pipe it holds none of the others (Linux: the
//!   test reads `/proc/self/task/<tid>/syscall` and `/proc/self/fd`). Checked by
//!   `total_bytes_reads_more_files_than_the_descriptor_limit`,
//!   `total_bytes_needs_only_one_free_descriptor`, `a_failing_total_leaks_no_descriptor`,
//!   `total_bytes_closes_each_file_before_it_opens_the_next`.
//!
//! **Not checked.** The retry of a `read` on `EINTR`: no test can make a `read` of a local
//! file be interrupted on demand. Whether `Descriptor` holds a raw `RawFd` with a hand-written
//! `Drop` or wraps `std::fs::File` (whose own `Drop` closes): both close on drop, and no
//! test can tell them apart.
//! Whether close-on-exec is set atomically at open (`O_CLOEXEC`) or just after it with
//! `fcntl(F_SETFD)`: the flag ends up set either way, and the window in which another
//! thread's fork+exec would inherit the descriptor cannot be hit on demand. Whether
//! `total_bytes` reads through `Descriptor` or through `std::fs::File` (or `std::fs::read`
//! after a `Descriptor` only checked that the path opens): both close each file before the
//! next, and the tests see the same sizes, errors and descriptor count.

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
    paths.iter().try_fold(0u64, |total, path| {
        let bytes = Descriptor::open(path)?.read_all()?;
        Ok(total + bytes.len() as u64)
    })
}
