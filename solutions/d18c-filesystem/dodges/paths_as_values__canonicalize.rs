//! Dodge: normalise with `fs::canonicalize` (falling back to the input when it fails), which asks the disk, follows symlinks and fails for paths that do not exist.
//! Caught by: normalize_applies_dot_dot_to_a_symlink_name_not_to_its_target, normalize_removes_dot_and_dot_dot_from_the_text::case_10_only_dot

use std::path::{Component, Path, PathBuf};

/// Why a path could not be anchored.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    /// The base is relative, so it would itself depend on the working directory.
    #[error("the base {0:?} is relative: an anchor must be an absolute path")]
    RelativeBase(PathBuf),
}

/// `path` resolved against the absolute directory `base` (never the working directory),
/// normalised lexically.
pub fn anchor(base: &Path, path: &Path) -> Result<PathBuf, AnchorError> {
    if !base.is_absolute() {
        return Err(AnchorError::RelativeBase(base.to_owned()));
    }
    Ok(normalize_lexically(&base.join(path)))
}

/// `path` without `.` components and with every `..` applied to the component before it,
/// computed from the text of the path alone.
pub fn normalize_lexically(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => pop_or_keep(&mut out),
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(Component::CurDir.as_os_str());
    }
    out
}

/// Applies one `..` to `out`: removes a normal component, ignores it at the root, keeps it
/// when there is nothing left to remove in a relative path.
fn pop_or_keep(out: &mut PathBuf) {
    match out.components().next_back() {
        Some(Component::Normal(_)) => {
            out.pop();
        }
        Some(Component::RootDir | Component::Prefix(_)) => {}
        _ => out.push(Component::ParentDir.as_os_str()),
    }
}
