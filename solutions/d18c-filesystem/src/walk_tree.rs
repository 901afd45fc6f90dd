//! # Kata 7: walk a tree without recursion
//!
//! **Build** `find_files_with(root, extension, list)`: every regular file under `root`
//! whose extension is `extension`, found with an explicit stack of directories still to
//! visit, sorted; a directory that cannot be listed becomes a warning in the result instead
//! of an error for the whole walk. `find_files(root, extension)` is the same walk with
//! [`std::fs::read_dir`] as the lister.
//!
//! **Why.** A recursive walk uses one stack frame per level: a tree deep enough (or a
//! symlink loop that is followed) overflows the thread's stack, which aborts the whole
//! process. An explicit `Vec` of pending directories lives on the heap and grows as needed.
//! And a walk over a real disk meets directories it may not read (another user's, one
//! deleted mid-walk); one of those should not cost the answer for the rest of the tree.
//!
//! **Python → Rust.** `os.scandir` is [`std::fs::read_dir`]: each
//! [`std::fs::DirEntry::file_type`] comes from the directory listing itself on most
//! systems, without one more system call per entry, and it does **not** follow symlinks,
//! so a link to a directory is never entered and a symlink loop cannot trap the walk.
//! `os.walk` and `rglob` are what the [`walkdir`](https://docs.rs/walkdir) crate offers
//! (the tests compare your answer with it).
//!
//! The lister is a parameter so that the tests can make one directory fail to list: this
//! suite runs as root in CI, and root reads a `chmod 000` directory anyway.
//!
//! **Two doors, one lesson.** Each rule below that does not need a lister of the test's own
//! is tested through both `find_files` and `find_files_with` (listing with
//! `fs::read_dir`): one written on its own, instead of calling the other, must keep every
//! rule too. The simplest way is for `find_files` to call `find_files_with`.
//!
//! **The tests check.**
//! - `extension` is given without the dot, is not empty and contains no dot, else
//!   `WalkError::BadExtension`. Checked by `refuses_a_bad_extension`.
//! - It is compared exactly (case-sensitive) with [`std::path::Path::extension`]. Checked by
//!   `compares_the_extension_exactly`.
//! - Every regular file with the extension is found, at any depth, and `Walk::files` holds
//!   the paths (`root` joined with the entries' names), sorted, the same set the `walkdir`
//!   crate finds. Checked by `finds_every_matching_file_sorted`,
//!   `agrees_with_walkdir_on_a_generated_tree`.
//! - Only regular files are reported: directories are entered, symlinks (to files or to
//!   directories, a loop included) are neither reported nor followed, and a FIFO or a Unix
//!   socket is not reported either (`is_file`, not "neither a directory nor a symlink").
//!   Checked by `reports_only_regular_files_and_follows_no_symlink`.
//! - If `root` itself cannot be listed (missing, or a file), the walk fails:
//!   `WalkError::Root`. Checked by `a_root_that_does_not_exist_is_an_error`,
//!   `a_root_that_is_a_file_is_an_error`.
//! - A directory below the root that cannot be listed, whatever the error (permission
//!   denied, deleted mid-walk, an I/O error), adds one `WalkWarning` with its path and the
//!   lister's error, and the walk goes on. Checked by
//!   `skips_a_directory_that_cannot_be_listed_and_warns`.
//! - `list` is the only source of what a folder holds: the walk never reads the disk
//!   itself (no `fs::read_dir` beside the lister, no walk of its own to find the folders
//!   first); a folder the lister lists as empty yields nothing from below it, whatever the
//!   disk holds there. Checked by `the_lister_is_the_only_source_of_what_a_folder_holds`.
//! - Each entry's type comes from the listing (`DirEntry::file_type`), not from a stat of the
//!   entry's full path: a file whose path is longer than `PATH_MAX`, in a folder whose own
//!   path is not, is found without a warning (any call naming it by path fails). Linux-only.
//!   Checked by `entry_types_come_from_the_listing_not_from_a_stat_of_each_path`.
//! - No recursion anywhere in the walk: a tree 1000 directories deep is walked by
//!   `find_files_with` and by `find_files` on a thread with a 64 KiB stack (a walk that recurses, into `list` or into `fs::read_dir` to find
//!   the directories first, overflows it; the test runs in a child process, since that
//!   aborts the process), and every call to `list` comes from the same stack frame, whatever
//!   the depth of the directory (the tests compare the stack address seen inside `list`).
//!   Checked by `walks_a_deep_tree_from_one_stack_frame`.
//!
//! **Not checked.** A directory whose entries cannot be read one by one (an error from the
//! `ReadDir` iterator rather than from `list`) should add a warning too, but no test can make
//! a real listing fail half-way. What the walk does when `DirEntry::file_type` fails (a
//! fallback to `fs::metadata`, which follows links, would break the rule above): the lister
//! gives a real `ReadDir`, and on the filesystems the tests use the type is in the listing,
//! so `file_type` makes no system call and cannot fail. Whether each entry's type comes from the listing
//! (`DirEntry::file_type`, no extra system call on Linux) or from `DirEntry::metadata` (one
//! `statx` per entry, made relative to the open directory, so long paths do not show it):
//! the answers are the same, only the cost differs, and the tests do not count system calls.
//! Whether the loop keeps a stack of paths or a stack of open listings (`ReadDir`, one open
//! directory descriptor per level): both walk without recursion, and only a tree deeper
//! than the process's descriptor limit would tell them apart, which the tests cannot lower
//! for one test without affecting the others. Whether each directory's listing is handled
//! entry by entry or first collected whole into a `Vec` (the per-directory spike the
//! article finds in `os.walk`): this kata's lesson is the walk without recursion, the types
//! from the listing and the warnings, not flat memory per directory (`Walk::files` holds
//! every match anyway), and the answers are the same.

use std::io;
use std::path::{Path, PathBuf};

/// Why a walk could not run.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// The extension is empty or contains a dot.
    #[error("bad extension {0:?}: give it without the dot, e.g. \"log\"")]
    BadExtension(String),
    /// The root directory could not be listed.
    #[error("cannot list the root {}: {source}", path.display())]
    Root {
        /// The root given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

/// A directory that was skipped.
#[derive(Debug)]
pub struct WalkWarning {
    /// The directory that could not be listed.
    pub path: PathBuf,
    /// What the operating system said.
    pub error: io::Error,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// The matching files, sorted.
    pub files: Vec<PathBuf>,
    /// The directories skipped, in the order they were met.
    pub warnings: Vec<WalkWarning>,
}

/// Every regular file under `root` with the extension `extension`, listing with
/// [`std::fs::read_dir`].
pub fn find_files(root: &Path, extension: &str) -> Result<Walk, WalkError> {
    find_files_with(root, extension, |dir| std::fs::read_dir(dir))
}

/// Every regular file under `root` with the extension `extension`, listing each directory
/// with `list`, using an explicit stack instead of recursion.
pub fn find_files_with(
    root: &Path,
    extension: &str,
    mut list: impl FnMut(&Path) -> io::Result<std::fs::ReadDir>,
) -> Result<Walk, WalkError> {
    if extension.is_empty() || extension.contains('.') {
        return Err(WalkError::BadExtension(extension.to_owned()));
    }
    let mut walk = Walk::default();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match list(&dir) {
            Ok(entries) => entries,
            Err(source) if dir == root => {
                return Err(WalkError::Root { path: dir, source });
            }
            Err(error) => {
                walk.warnings.push(WalkWarning { path: dir, error });
                continue;
            }
        };
        for entry in entries {
            match entry.and_then(|entry| Ok((entry.path(), entry.file_type()?))) {
                Ok((path, kind)) if kind.is_dir() => pending.push(path),
                Ok((path, kind)) if kind.is_file() && has_extension(&path, extension) => {
                    walk.files.push(path);
                }
                Ok(_) => {}
                Err(error) => walk.warnings.push(WalkWarning {
                    path: dir.clone(),
                    error,
                }),
            }
        }
    }
    walk.files.sort();
    Ok(walk)
}

/// Whether the extension of `path` is exactly `extension`.
fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension().is_some_and(|ext| ext == extension)
}
