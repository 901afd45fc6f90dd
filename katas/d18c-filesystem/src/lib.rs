//! # Day 18, part 3: the file system
//!
//! Source: "Python Pathlib vs OS: Advanced File System Architecture (2026)" by
//! Kaushikcoderpy, day 18 (volume II) of the series "Logic & Legacy":
//! <https://dev.to/kaushikcoderpy/python-pathlib-vs-os-advanced-file-system-architecture-2026-phc>
//!
//! The article's point: the disk is shared, physical infrastructure, and code that treats a
//! path as a string, a file as something to read whole, or a write as instantaneous breaks
//! as soon as it runs somewhere else, on something bigger, or at the wrong moment. Paths
//! are typed values anchored to a known place; big files are streamed; writes go to a temp
//! file that is renamed into place; secrets are private from birth; cleanup jobs take their
//! clock as a parameter, preview with a dry run and survive a bad file; concurrent writers
//! take turns through a lock.
//!
//! ## From the article's ideas to the katas
//!
//! | the article (Python) | the kata (Rust) |
//! | --- | --- |
//! | paths are objects; `/` joins; relative paths depend on the working directory; `resolve()` and its symlink risk | [`paths_as_values`]: `anchor` against an explicit base, `normalize_lexically` without the disk |
//! | `pathlib` does not fix the OS: forbidden characters, reserved names, case-insensitive filesystems | [`portable_names`]: `validate_portable_name` and `case_collisions` |
//! | `resolve()` and symlinks, seen from the security side (not in the article: path traversal) | [`safe_join`]: a user's path never leaves the root, symlinks included |
//! | the RAM tsunami: `read()` on a 10 GB file; stream line by line | [`stream_lines`]: a lazy scan in flat memory that survives a line that is not UTF-8 |
//! | torn writes; write-temp-then-rename on the same partition; `fsync` | [`atomic_write`]: `NamedTempFile` in the target's directory, `sync_all`, `persist`, directory sync |
//! | `chmod(0o600)` for secrets | [`secrets`]: mode 0600 given to `open` itself, no symlink followed (Unix only) |
//! | `os.walk` vs `rglob` vs `scandir` | [`walk_tree`]: `read_dir` with an explicit stack, compared with the `walkdir` crate |
//! | the log rotator: UTC, dry run, `PermissionError` caught per file | [`log_purger`]: `SystemTime` passed in, a dry run that never deletes, failures in the report |
//! | interleaved appends; `fcntl.flock`; `filelock` | [`appenders`]: `File::lock` around each record, threads and processes together |
//!
//! ## What does not carry over to Rust, and what the suite teaches instead
//!
//! - **No `/` operator, and no silent strings.** Rust has no operator overloading for
//!   joins: [`std::path::Path::join`] is the `/`. A `Path` is not a `str` at all (it is bytes
//!   on Unix, UTF-16 on Windows), so "paths are objects" is enforced by the type system; the
//!   conversions (`to_str`, `display`, `to_string_lossy`) are explicit and say what they lose.
//! - **`resolve()` is two functions.** [`std::fs::canonicalize`] follows symlinks and needs
//!   the path to exist (on every OS, not only on Windows as the article says of `resolve`);
//!   lexical clean-up is a separate, disk-free computation over [`std::path::Path::components`]
//!   (kata 1), and `std::path::absolute` only prepends the working directory.
//!   "Anchoring to `__file__`" has no equivalent: a compiled binary has no source file at run
//!   time. The suite anchors to an explicit base instead (the runner runs the tests with a
//!   temp dir as the working directory, so anything relying on it would break).
//! - **`sys.getsizeof` and the OOM killer.** The suite measures heap use with a counting
//!   global allocator (kata 4): the flat-memory claim is a test, not a promise.
//! - **Cleanup on failure is `Drop`.** The article's `except: unlink` becomes a
//!   `NamedTempFile` that deletes itself when dropped, which runs on every early return (`?`)
//!   and on panics (kata 5).
//! - **`chmod` after `touch` is a race.** The article creates the file and then restricts it;
//!   Rust's `OpenOptionsExt::mode` passes the mode to `open` itself, and the test checks the
//!   mode from inside the write. This is Unix-only: the [`secrets`] module and its tests are
//!   compiled only under `cfg(unix)` (Windows uses ACLs).
//! - **No timezone in `SystemTime`.** The article warns against naive datetimes; a
//!   `SystemTime` is an instant (UTC-based, no zone to forget), so comparing mtimes needs no
//!   conversion. The lesson that remains is to take `now` as a parameter (kata 8).
//! - **Locks are in std.** `fcntl` is POSIX-only and the article reaches for a third-party
//!   package; Rust 1.89 stabilised [`std::fs::File::lock`] and `try_lock`, which work on
//!   Linux, macOS and Windows. Dropping the `File` releases the lock, so no `finally` is
//!   needed (kata 9). Kata 9 also says what the article does not: on a local disk one
//!   `O_APPEND` write is not interleaved; the lock is for records written in pieces.
//! - **Speed claims.** The article's `rglob` vs `scandir` figures are about Python object
//!   overhead. In Rust both `read_dir` and `walkdir` return light entries whose file type
//!   comes from the directory listing; the bench in the solution crate compares them (see
//!   this crate's README), and compares streaming with reading the whole file.
//! - **Root and permissions.** Tests run as root in CI, and root ignores permission bits
//!   (it reads a `chmod 000` directory and deletes files in a read-only one). The katas that
//!   must survive "permission denied" therefore take the failing step as a parameter
//!   (`find_files_with`'s lister, `purge_logs_with`'s remover) so the tests can inject the
//!   failure on any machine.
//!
//! ## How to work
//!
//! Each module is one kata: read its brief, replace every `todo!()`, and run
//! `cargo kata check <kata>` (or `cargo test -p kata-d18c-filesystem <kata>::`). Every test
//! works in its own temp dir. The katas are independent; the order above goes from paths,
//! to reading, to writing, to whole-directory jobs.

#[cfg(any(not(feature = "one-kata"), feature = "appenders"))]
pub mod appenders;
#[cfg(any(not(feature = "one-kata"), feature = "atomic_write"))]
pub mod atomic_write;
#[cfg(any(not(feature = "one-kata"), feature = "log_purger"))]
pub mod log_purger;
#[cfg(any(not(feature = "one-kata"), feature = "paths_as_values"))]
pub mod paths_as_values;
#[cfg(any(not(feature = "one-kata"), feature = "portable_names"))]
pub mod portable_names;
#[cfg(any(not(feature = "one-kata"), feature = "safe_join"))]
pub mod safe_join;
#[cfg(all(unix, any(not(feature = "one-kata"), feature = "secrets")))]
pub mod secrets;
#[cfg(any(not(feature = "one-kata"), feature = "stream_lines"))]
pub mod stream_lines;
#[cfg(any(not(feature = "one-kata"), feature = "walk_tree"))]
pub mod walk_tree;

#[cfg(test)]
#[path = "../../../tests/d18c-filesystem/mod.rs"]
mod suite;
