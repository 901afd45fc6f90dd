//! Dodge: walk with a recursive function, one stack frame per directory level, which a deep enough tree overflows.
//! Caught by: walks_a_deep_tree_from_one_stack_frame

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
    let entries = list(root).map_err(|source| WalkError::Root {
        path: root.to_owned(),
        source,
    })?;
    visit(root, entries, extension, &mut list, &mut walk);
    walk.files.sort();
    Ok(walk)
}

/// Adds the matches in `entries` (the listing of `dir`) and below to `walk`, recursively.
fn visit(
    dir: &Path,
    entries: std::fs::ReadDir,
    extension: &str,
    list: &mut impl FnMut(&Path) -> io::Result<std::fs::ReadDir>,
    walk: &mut Walk,
) {
    for entry in entries {
        match entry.and_then(|entry| Ok((entry.path(), entry.file_type()?))) {
            Ok((path, kind)) if kind.is_dir() => match list(&path) {
                Ok(inner) => visit(&path, inner, extension, list, walk),
                Err(error) => walk.warnings.push(WalkWarning { path, error }),
            },
            Ok((path, kind)) if kind.is_file() && has_extension(&path, extension) => {
                walk.files.push(path);
            }
            Ok(_) => {}
            Err(error) => walk.warnings.push(WalkWarning {
                path: dir.to_owned(),
                error,
            }),
        }
    }
}

/// Whether the extension of `path` is exactly `extension`.
fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension().is_some_and(|ext| ext == extension)
}
