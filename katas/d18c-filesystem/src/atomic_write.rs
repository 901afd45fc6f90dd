//! # Kata 5: atomic writes
//!
//! **Build** `atomic_write_synced(path, syncer, fill)`: replace the file at `path` with what
//! `fill` writes, so that every reader sees either the whole old content or the whole new
//! one, never a mix, never a truncated file, and so that the new content survives a power
//! cut once the call returns `Ok`. Then `DiskSyncer`, the [`Syncer`] that really flushes to
//! the disk, and `atomic_write_with(path, fill)` and `atomic_write(path, bytes)` on top.
//!
//! **Why.** `fs::write(path, …)` first truncates the file to zero bytes, then writes. A
//! crash, a full disk or an error in between leaves a half config file, and a reader
//! running at the same moment reads one. Writing a temporary file and renaming it over the
//! target swaps the whole file at once: POSIX guarantees a rename within one filesystem is
//! atomic. But a rename can reach the disk before the bytes it points at: after a power
//! cut the target may be the new, *empty* file. So the temp file is synced before the
//! rename, and the directory (which holds the rename) after it.
//!
//! **Python → Rust.** `os.replace` is [`std::fs::rename`]; `f.flush(); os.fsync(f.fileno())`
//! is [`std::fs::File::sync_all`]. Two things the article does by hand come for free with
//! the `tempfile` crate: [`tempfile::NamedTempFile::new_in`] makes a temp file with a
//! unique name (two writers never share `config.tmp`), and if anything fails before
//! [`tempfile::NamedTempFile::persist`], dropping it deletes the file (Rust's `Drop` is the
//! `except: unlink` of the article, and runs on every early return). One step the article
//! leaves out: after the rename, sync the **directory** too, or a power cut can forget the
//! rename itself (on Unix a directory can be opened and synced; Windows has no such call,
//! so there `DiskSyncer::sync_dir` does nothing).
//!
//! The temp file must be in the same directory as the target: a rename across filesystems
//! (`/tmp` is often a separate tmpfs) fails with `EXDEV` instead of being atomic, and
//! `std::env::temp_dir()` is not guaranteed to be on the target's filesystem.
//!
//! **The seam.** No test can pull the power cord, and an fsync leaves nothing a test could
//! read back. So the two sync steps go through the [`Syncer`] trait: the tests pass a
//! recording syncer and look at the disk at the moment each step is called.
//!
//! **Three doors, one lesson.** Each rule below that more than one of `atomic_write`,
//! `atomic_write_with` and `atomic_write_synced` can show is tested through each of them
//! (the tests run one case per function): one written on its own, instead of calling the
//! next, must keep every rule too. The simplest way is for `atomic_write` to call
//! `atomic_write_with`, and `atomic_write_with` to call `atomic_write_synced` with a
//! `DiskSyncer`.
//!
//! **The tests check.**
//! - After `Ok(())` the file holds exactly the new content (a missing file is created), and
//!   only the target is left in the directory.
//!   Checked by `creates_a_missing_file_with_the_new_content`,
//!   `replaces_longer_old_content_completely`.
//! - While `fill` runs, the target still holds the old content (a target that did not exist
//!   does not exist yet), and the temp file sits in the target's own directory and already
//!   holds what `fill` has written and flushed so far, and, flushed or not, all but at most
//!   64 KiB of what it has written (after 68 KiB more, written 4 KiB at a time): `fill`
//!   writes straight into it (a buffer of up to 64 KiB between them is fine), so the new
//!   content streams to the disk instead of being collected in memory first.
//!   Checked by `the_target_keeps_its_old_content_while_the_new_one_is_written`,
//!   `a_new_file_does_not_appear_under_its_name_while_it_is_written`,
//!   `the_temp_file_sits_in_the_target_directory`.
//! - The steps come in this order: `fill` writes the temp file, `Syncer::sync_file` is
//!   called once on the temp file holding all the new bytes while the target is still old,
//!   the temp file is renamed over the target, and `Syncer::sync_dir` is called once on the
//!   target's directory, after the rename. Checked by
//!   `syncs_the_temp_file_before_the_rename_and_the_directory_after`.
//! - When `fill` fails, or `sync_file` fails, the error is `WriteError::Write`, the old
//!   content is intact, no temp file is left, and the directory is not synced.
//!   Checked by `a_failing_writer_leaves_the_old_content_and_no_temp_file`,
//!   `a_failing_writer_for_a_new_file_leaves_nothing`,
//!   `a_failed_file_sync_leaves_the_old_content_and_no_temp_file`.
//! - A panic before the rename, in `fill` (of `atomic_write_synced` or of
//!   `atomic_write_with`) or in `Syncer::sync_file`, leaves the old content
//!   and no temp file (the temp file's owner deletes it in `Drop`, during unwinding too).
//!   Checked by `a_panic_before_the_rename_leaves_the_old_content_and_no_temp_file`.
//! - When the rename fails (a directory stands at the target), the error is
//!   `WriteError::Rename`, what stood there is intact, no temp file is left, and the
//!   directory is not synced. Checked by
//!   `a_failed_rename_leaves_what_was_there_and_no_temp_file`.
//! - Each write gets its own temp file: a second write of the same file, started while the
//!   first is filling, does not clobber the first one's temp file; both succeed and the one
//!   that finishes last wins. Checked by
//!   `a_second_writer_during_the_first_uses_its_own_temp_file`.
//! - The temp file is created exclusively (`O_CREAT | O_EXCL`, as `NamedTempFile` does), so
//!   a name another writer already holds is never truncated and shared: with every open that
//!   creates a file without `O_EXCL` made to fail for the calling thread (a seccomp filter;
//!   Linux), each of the three still succeeds. Checked by `the_temp_file_is_created_exclusively`.
//! - When `sync_dir` fails, the new content is already in place and the error is
//!   `WriteError::DirSync`. Checked by `a_failed_directory_sync_is_reported_after_the_rename`.
//! - `DiskSyncer` asks the kernel on Linux: syncing what cannot be synced (no fsync, no
//!   fdatasync: `/dev/null`, and `/proc/self/status` and `/proc`, which `stat` calls a
//!   regular file and a directory like any other) is an `InvalidInput` error for both of its
//!   methods, and syncing a real file and directory succeeds.
//!   Checked by `the_disk_syncer_calls_fsync_on_the_file_and_the_directory`.
//! - `DiskSyncer`, `atomic_write` and `atomic_write_with` really call fsync (or fdatasync)
//!   on a real file: with both made to fail for the calling thread (a seccomp filter, in a
//!   child process; Linux), `sync_file` and `sync_dir` return that error, and
//!   `atomic_write` and `atomic_write_with` each return it as `WriteError::Write` and leave
//!   the old content. Checked by
//!   `the_disk_syncer_and_atomic_write_reach_fsync_for_a_real_file`.
//! - A bare file name is written in the working directory, and the directory synced is
//!   `.` (its parent is empty). Checked by
//!   `a_bare_file_name_is_written_in_the_working_directory_and_dot_is_synced`.
//! - A path without a file name (such as `/` or `dir/..`) is refused:
//!   `WriteError::NoFileName`. Checked by `refuses_a_path_without_a_file_name`.
//! - A directory that does not exist gives `WriteError::Temp`.
//!   Checked by `a_missing_directory_is_a_temp_error`.
//! - No fallback writes the target in place: with every rename refused (`EXDEV`) for the
//!   calling thread, each of the three returns `WriteError::Rename`; with every exclusive
//!   create (the temp file) refused (`EACCES`) while the target stays writable, each returns
//!   `WriteError::Temp`; both times the target keeps its old content (a seccomp filter;
//!   Linux). Checked by
//!   `a_refused_rename_or_temp_file_is_an_error_and_the_target_keeps_its_old_content`.
//! - A reader polling during many rewrites only ever sees complete versions.
//!   Checked by `a_reader_polling_during_many_rewrites_sees_only_complete_versions`.
//! - The target is replaced by a rename, not rewritten nor deleted first: a reader that
//!   opened the old file before the write still reads the whole old content from it
//!   afterwards, and the kernel reports no name deleted from the directory during the write
//!   (Linux, inotify). Checked by
//!   `a_reader_that_opened_the_old_file_still_reads_the_old_content_after_the_write`.
//!
//! **Not checked.** That the data really survives a power cut (no test can cut the power):
//! the tests see the order of the steps through the seam, and that `DiskSyncer`,
//! `atomic_write` and `atomic_write_with` call fsync (its error comes back to them), not
//! what the disk's cache does with it. Whether `atomic_write` and `atomic_write_with` sync
//! the directory after the rename: their steps are seen in order only through
//! `atomic_write_synced` and a recording syncer, and a filter on system calls cannot tell
//! the directory's fsync from the file's.
//! Nor whether `DiskSyncer` calls `sync_all` (fsync) or `sync_data` (fdatasync): both push
//! the bytes and the file size to the disk and fail alike on `/dev/null`; fdatasync may skip
//! metadata the new content does not need (the mtime). On a directory, Linux's common
//! filesystems make the rename durable with either, though POSIX promises it for fsync only:
//! `sync_all` is the portable choice, and no test can see the difference.
//! Nor whether the clean-up is an owner's `Drop` or hand-written: a version that creates its
//! own unique temp file and removes it by hand on every failure the tests can reach (an
//! error or a panic in `fill`, an error or a panic in `sync_file`, a failed rename) leaves
//! the disk as `Drop` does. `Drop` is the advice because it keeps covering a step added
//! later; no test can see a step that is not there.
//! Nor how the temp file's name is made unique: one from the clock or a counter, created
//! exclusively, fails with `AlreadyExists` instead of clobbering when two writers pick it,
//! and no test forces two writers onto one name; `NamedTempFile` retries random names.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why an atomic write failed. In every case but `DirSync` the target is unchanged.
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
    /// The new content is in place, but the directory could not be synced: a power cut may
    /// still bring the old file back.
    #[error("the new content is in place but its directory could not be synced: {0}")]
    DirSync(io::Error),
}

/// The two durability steps of an atomic write, behind a trait so tests can see when they
/// happen.
pub trait Syncer {
    /// Flushes `file`'s data and metadata to the disk (called on the temp file, before the
    /// rename).
    fn sync_file(&mut self, file: &File) -> io::Result<()>;
    /// Flushes the directory `dir`, so that the rename in it survives a power cut (called
    /// after the rename).
    fn sync_dir(&mut self, dir: &Path) -> io::Result<()>;
}

/// The real [`Syncer`]: `File::sync_all` on the file, and on the opened directory (Unix).
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskSyncer;

impl Syncer for DiskSyncer {
    fn sync_file(&mut self, file: &File) -> io::Result<()> {
        todo!("flush {file:?} to the disk")
    }

    fn sync_dir(&mut self, dir: &Path) -> io::Result<()> {
        todo!("flush the directory {} to the disk", dir.display())
    }
}

/// Replaces the file at `path` with `bytes`, atomically and durably.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    todo!(
        "replace {} with {} bytes, atomically",
        path.display(),
        bytes.len()
    )
}

/// Replaces the file at `path` with what `fill` writes, atomically and durably (with a
/// [`DiskSyncer`]).
pub fn atomic_write_with(
    path: &Path,
    _fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    todo!(
        "replace {} with what fill writes, atomically",
        path.display()
    )
}

/// Replaces the file at `path` with what `fill` writes: the target changes only if `fill`
/// and `syncer.sync_file` succeed; `syncer.sync_dir` makes the rename durable.
pub fn atomic_write_synced(
    path: &Path,
    _syncer: &mut dyn Syncer,
    _fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    todo!(
        "write the temp file, sync it, rename it over {}, sync the directory",
        path.display()
    )
}
