//! # Kata 3: never escape the root
//!
//! **Build** `safe_join(root, user_path)`: the path a user asked for (an upload name, a
//! URL path, an archive entry), inside the directory `root`, or an error if it would lead
//! anywhere else.
//!
//! **Why.** `root.join(user_path)` trusts the user. `../../etc/passwd` walks out with `..`;
//! `/etc/passwd` replaces the root altogether (joining an absolute path discards the base);
//! and a symlink inside the root can point anywhere. This is the path traversal bug behind
//! "zip slip" and countless file servers.
//!
//! **Python → Rust.** The article warns that `resolve()` follows symlinks. Here that is the
//! point: the text of the path is checked lexically (no disk access, so paths that do not
//! exist yet are fine), and then every component that already exists is checked on disk,
//! with [`std::fs::symlink_metadata`] (which does not follow a link) to spot symlinks and
//! [`std::fs::canonicalize`] to see where one leads. [`Path::starts_with`] compares whole
//! components, not characters: `/srv/rootx` does not start with `/srv/root`.
//!
//! **The tests check.**
//! - The result is `root` joined with `user_path` normalised lexically: `a/./b` and `a//b`
//!   give `root/a/b`, `inner/../b` gives `root/b`, and the empty path gives `root`; a root
//!   whose name is not UTF-8 comes back with its bytes (the path returned is the one
//!   checked, joined as a `Path`, not pasted through `to_string_lossy`). Checked by
//!   `joins_the_normalised_user_path_to_the_root`, `the_empty_path_is_the_root_itself`.
//! - An absolute `user_path` is refused: `PathError::Absolute`. Checked by
//!   `refuses_an_absolute_user_path`.
//! - A `..` that would climb above `root`, even for a moment, is refused:
//!   `PathError::EscapesRoot`, also when the path comes straight back in by the root's own
//!   name (`a/../../<root's name>/b`, which ends inside); every path that never climbs above
//!   the root is accepted.
//!   Checked by `refuses_a_dot_dot_that_climbs_above_the_root`,
//!   `accepts_exactly_the_paths_that_never_climb_above_the_root`.
//! - Walking the components that exist, a symlink whose target (fully resolved) lies outside
//!   `root` is refused: `PathError::SymlinkEscapes`, carrying the symlink's path under root,
//!   whether the link is a directory in the middle, the last component, or a directory above
//!   a file that does not exist yet. Checked by `refuses_a_symlink_that_leads_outside_the_root`,
//!   `refuses_a_symlink_to_a_file_outside_the_root`, `refuses_a_relative_symlink_that_climbs_out`,
//!   `refuses_a_new_file_under_a_symlink_that_leads_outside_the_root`.
//! - A link to an in-root link that points outside is refused too (one read_link hop is not a
//!   full resolution), and so is a link whose target passes through one (`first` to
//!   `inner/hop/secret.txt`, `inner/hop` to a directory outside): following links by hand on
//!   the text of their targets misses the links inside a target. Checked by
//!   `refuses_a_chain_of_two_symlinks_whose_second_leads_outside`.
//! - Every symlink on the way is checked, not only where the deepest existing part lands: a
//!   path that leaves through one symlink (`root/out` to a directory outside) and comes back
//!   through another (`outside/back` to `root/inner`) is refused, naming `root/out`; so is
//!   a path through an in-root link (`root/ok` to `root/inner`) and then a link that leads
//!   outside (`root/inner/out`), naming `root/ok/out`: meeting a link that stays inside does
//!   not end the checks. Checked
//!   by `refuses_a_path_that_leaves_through_one_symlink_and_comes_back_through_another`,
//!   `refuses_a_symlink_that_leads_outside_behind_one_that_stays_inside`.
//! - Inside means inside by whole components: a sibling whose name starts with the root's
//!   name (`/srv/rootx` for `/srv/root`) is outside. Checked by
//!   `refuses_a_symlink_into_a_sibling_whose_name_extends_the_roots`.
//! - A symlink that stays inside `root` is fine, and the result keeps the link's name (it is
//!   not replaced by its target), also when `root` itself is given through a symlink (a
//!   link's resolved target is compared with the resolved root). Checked by
//!   `accepts_a_symlink_that_stays_inside_the_root`.
//! - A symlink that cannot be resolved (dangling, or a loop) is refused:
//!   `PathError::BrokenSymlink`, also when its target's text names a place inside the
//!   root (`root/later` to `root/inner/out/new`, where `root/inner/out` leads outside: the
//!   text of a dangling target proves nothing). Checked by `refuses_a_dangling_symlink`.
//! - The first component that does not exist ends the disk checks: a path to be created is
//!   fine. Checked by `accepts_a_path_that_does_not_exist_yet`.
//! - `root` itself must exist (it may be reached through symlinks, as on macOS where the
//!   temp dir lives under `/var`, a link to `/private/var`): otherwise `PathError::Root`.
//!   Checked by `a_missing_root_is_an_error`.
//!
//! The symlink tests are Unix-only (`cfg(unix)`): creating a symlink on Windows needs a
//! privilege.

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
    let relative = normalize_inside(user_path)?;
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
