//! Dodge: resolve against the working directory with `std::path::absolute` instead of the given base, which is exactly the relative-path illusion.
//! Caught by: anchor_joins_a_relative_path_to_the_base::case_1_bare_name

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
    let absolute = std::path::absolute(path).unwrap_or_else(|_| base.join(path));
    Ok(normalize_lexically(&absolute))
}

/// `path` without `.` components and with every `..` applied to the component before it,
/// computed from the text of the path alone.
pub fn normalize_lexically(path: &Path) -> PathBuf {
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
