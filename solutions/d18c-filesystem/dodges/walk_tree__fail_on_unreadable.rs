//! Dodge: turn the first directory that cannot be listed into an error for the whole walk, losing every other answer.
//! Caught by: skips_a_directory_that_cannot_be_listed_and_warns

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
            Err(source) => return Err(WalkError::Root { path: dir, source }),
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
