//! Dodge: refuse any user path whose text contains `..` and never look at the disk, which refuses harmless names like `..hidden` and `inner/../b` and lets escaping symlinks through.
//! Caught by: joins_the_normalised_user_path_to_the_root::case_6_dotted_name, refuses_a_symlink_that_leads_outside_the_root

use std::io;
use std::path::{Component, Path, PathBuf};

/// Why a user path was refused.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    /// The user path is absolute: joined, it would replace the root.
    #[error("{0:?} is absolute: it would replace the root")]
    Absolute(String),
    /// A `..` climbs above the root.
    #[error("{0:?} climbs above the root")]
    EscapesRoot(String),
    /// An existing component is a symlink that leads outside the root.
    #[error("{} is a symlink that leads outside the root", .0.display())]
    SymlinkEscapes(PathBuf),
    /// An existing component is a symlink that cannot be resolved (dangling, or a loop).
    #[error("{} is a symlink that cannot be resolved", .0.display())]
    BrokenSymlink(PathBuf),
    /// The root cannot be resolved (it does not exist, or it cannot be read).
    #[error("cannot resolve the root {}: {source}", path.display())]
    Root {
        /// The root given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

/// `root` joined with the lexically normalised `user_path`, if the result stays inside
/// `root` (symlinks included).
pub fn safe_join(root: &Path, user_path: &str) -> Result<PathBuf, PathError> {
    if user_path.contains("..") {
        return Err(PathError::EscapesRoot(user_path.to_owned()));
    }
    let relative = normalize_inside(user_path)?;
    root.canonicalize().map_err(|source| PathError::Root {
        path: root.to_owned(),
        source,
    })?;
    Ok(relative
        .iter()
        .fold(root.to_owned(), |path, part| path.join(part)))
}

/// The normal components of `user_path` after applying `.` and `..`, or why it is refused.
fn normalize_inside(user_path: &str) -> Result<Vec<&std::ffi::OsStr>, PathError> {
    let mut parts = Vec::new();
    for component in Path::new(user_path).components() {
        match component {
            Component::Prefix(_) | Component::RootDir => {
                return Err(PathError::Absolute(user_path.to_owned()));
            }
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(PathError::EscapesRoot(user_path.to_owned()));
                }
            }
            Component::Normal(part) => parts.push(part),
        }
    }
    Ok(parts)
}
