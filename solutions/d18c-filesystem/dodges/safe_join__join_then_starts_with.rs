//! Dodge: join first and check `starts_with(root)` on the joined, unnormalised path, which `a/../../etc` passes because `Path::starts_with` compares components as written.
//! Caught by: refuses_a_dot_dot_that_climbs_above_the_root::case_3_hidden_in_the_middle, accepts_exactly_the_paths_that_never_climb_above_the_root

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
    if !root.join(user_path).starts_with(root) {
        return Err(PathError::Absolute(user_path.to_owned()));
    }
    let relative: Vec<&std::ffi::OsStr> = Path::new(user_path)
        .components()
        .filter(|c| matches!(c, Component::Normal(_) | Component::ParentDir))
        .map(|c| c.as_os_str())
        .collect();
    let real_root = root.canonicalize().map_err(|source| PathError::Root {
        path: root.to_owned(),
        source,
    })?;
    let mut current = root.to_owned();
    for part in &relative {
        current.push(part);
        match current.symlink_metadata() {
            Err(_) => break,
            Ok(meta) if meta.file_type().is_symlink() => check_link(&current, &real_root)?,
            Ok(_) => {}
        }
    }
    Ok(relative
        .iter()
        .fold(root.to_owned(), |path, part| path.join(part)))
}

#[allow(dead_code)]
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

/// Refuses the symlink `link` unless it resolves to a place inside `real_root`.
fn check_link(link: &Path, real_root: &Path) -> Result<(), PathError> {
    match link.canonicalize() {
        Ok(target) if target.starts_with(real_root) => Ok(()),
        Ok(_) => Err(PathError::SymlinkEscapes(link.to_owned())),
        Err(_) => Err(PathError::BrokenSymlink(link.to_owned())),
    }
}
