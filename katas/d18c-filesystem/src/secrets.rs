//! # Kata 6: secrets are 0600 from birth (Unix only)
//!
//! **Build** `write_secret_with(path, fill)` and `write_secret(path, bytes)`: write a file
//! that only its owner may read or write (mode `0600`), from the very first moment it
//! exists.
//!
//! **Why.** The article creates the file, then calls `chmod(0o600)`. Between the two calls
//! the file exists with the default mode (usually `0644`: readable by every user), and
//! another process can open it then and keep the handle for as long as it likes: a later
//! `chmod` does not take an open file back. And if an attacker planted a symlink at the path
//! (`db.env -> /home/admin/.ssh/authorized_keys`), a plain open follows it and overwrites
//! the victim.
//!
//! **Python → Rust.** Python's `os.open(path, flags, 0o600)` becomes
//! [`std::fs::OpenOptions`] with [`std::os::unix::fs::OpenOptionsExt::mode`]: the mode is
//! given to the `open` system call, so the file is born `0600` (the umask can only remove
//! bits). [`std::os::unix::fs::OpenOptionsExt::custom_flags`] with `libc::O_NOFOLLOW` makes
//! `open` fail with `ELOOP` instead of following a symlink at the last component. Read a
//! file's mode with [`std::os::unix::fs::PermissionsExt::mode`]. All of this is Unix-only,
//! so this module exists only under `cfg(unix)` (Windows protects files with ACLs instead).
//!
//! **Two doors, one lesson.** Each rule below is tested through both `write_secret` and
//! `write_secret_with` (the tests run one case per function) unless it names one of them:
//! one written on its own, instead of calling the other, must keep every rule too. The
//! simplest way is for `write_secret` to call `write_secret_with`.
//!
//! **The tests check.**
//! - A new file is created with mode `0600` and holds exactly the bytes written. Checked by
//!   `creates_the_file_with_mode_0600_and_the_bytes`.
//! - It is `0600` already while the `fill` of `write_secret_with` writes (the tests look at
//!   the mode from inside `fill`), and it never had another mode: the kernel reports no
//!   attribute change (no `chmod`) on the new file (Linux, inotify). Checked by
//!   `the_file_is_0600_already_while_it_is_being_written`,
//!   `a_new_secret_gets_its_mode_from_open_not_from_a_chmod`.
//! - The mode is given to `open` itself, not obtained by setting the process-wide umask: in
//!   a directory whose default ACL grants everyone read and write (there the kernel ignores
//!   the umask and keeps the mode given to `open`), the new file is still `0600` (Linux).
//!   Checked by `a_new_secret_is_0600_where_a_default_acl_replaces_the_umask`.
//! - The file is opened with `O_NOFOLLOW`, so `open` itself refuses a symlink, and the bytes
//!   are written through that descriptor: no check (nor careful first open) before another
//!   open of the path can replace it, whether the secret is new or overwrites an existing
//!   `0600` file (Linux: with every open for writing or creating without `O_NOFOLLOW` made
//!   to fail for the calling thread, a seccomp filter, the write still succeeds; and inside
//!   `fill` the tests read the flags of every descriptor the process holds on the file from
//!   `/proc/self/fdinfo`: all must have `O_NOFOLLOW`).
//!   Checked by `the_secret_is_opened_with_o_nofollow`.
//! - The path is opened once: before `fill` the kernel reports one open of it and no close,
//!   while `fill` writes the process holds one descriptor on it, and after `fill` the only
//!   event is its close; `write_secret` makes exactly one open and one close of it (Linux,
//!   inotify and `/proc/self/fdinfo`): a careful first open closed before a second one, or
//!   `fs::write` after the checks, is caught. Checked by
//!   `the_path_is_opened_once_and_the_secret_written_through_that_descriptor`.
//! - A symlink at `path`, dangling or not, is refused with `SecretError::Symlink` and its
//!   target is untouched (a dangling link's target is not created). Checked by
//!   `refuses_to_follow_a_symlink_planted_at_the_path`,
//!   `refuses_a_dangling_symlink_instead_of_creating_its_target`.
//! - An existing regular file with mode exactly `0600` (the permission bits, `mode & 0o777`)
//!   is overwritten (truncated, then written). Checked by `overwrites_an_existing_private_file`.
//! - One with any other mode, wider or narrower (`0644`, `0700`, but also `0400` or `0000`),
//!   is refused with `SecretError::TooOpen { mode }` (the permission bits) and its content is
//!   untouched. Checked by
//!   `refuses_an_existing_file_with_other_permissions`.
//! - Something at `path` that is not a regular file (a directory) gives
//!   `SecretError::NotAFile`; any other I/O failure (a missing directory) gives
//!   `SecretError::Io`. Checked by `refuses_a_directory_at_the_path`,
//!   `a_missing_directory_is_an_io_error`.
//! - A failed careful open is never retried another way: with every open carrying
//!   `O_NOFOLLOW` made to fail with `EIO` for the calling thread (a seccomp filter; Linux),
//!   both functions return that error as `SecretError::Io`, and the path is as it was (no
//!   file created, an existing secret unchanged). Checked by
//!   `a_failed_careful_open_is_an_error_and_nothing_else_is_opened`.
//!
//! The inotify and `/proc` tests are compiled on Linux only; on macOS the other tests run.
//!
//! **Not checked.** Where the checks read the file's type and mode: from the opened handle
//! (`File::metadata`, race-free) or from `fs::symlink_metadata(path)` before the open (a
//! check-then-open race: a file swapped or chmod-ed in between is written anyway). Both
//! give the same answers unless another process changes the path between the two calls, and
//! no test can time that deterministically. The open itself is checked either way: with
//! `O_NOFOLLOW`, for a new file and for an existing one alike.

use std::io::{self, Write};
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
    todo!(
        "write {} secret bytes to {} with mode 0600",
        bytes.len(),
        path.display()
    )
}

/// Writes what `fill` writes to a file that is mode 0600 from its creation on.
pub fn write_secret_with(
    path: &Path,
    _fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), SecretError> {
    todo!(
        "write a secret to {} with mode 0600 from birth",
        path.display()
    )
}
