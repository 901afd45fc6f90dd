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
//! **Rules the tests check.**
//! - The result is `root` joined with `user_path` normalised lexically: `a/./b` and `a//b`
//!   give `root/a/b`, `inner/../b` gives `root/b`, and the empty path gives `root`. Symlinks
//!   in the result are not replaced by their targets.
//! - An absolute `user_path` is refused: `PathError::Absolute`.
//! - A `..` that would climb above `root`, even for a moment (`a/../../root/b`), is refused:
//!   `PathError::EscapesRoot`.
//! - Walking the components that exist, a symlink whose target (fully resolved) lies outside
//!   `root` is refused: `PathError::SymlinkEscapes`, carrying the symlink's path under root.
//!   A symlink that stays inside `root` is fine. A symlink that cannot be resolved (dangling,
//!   or a loop) is refused too: `PathError::BrokenSymlink`.
//! - The first component that does not exist ends the disk checks: nothing below it can be
//!   a symlink yet.
//! - `root` itself must exist (it may be reached through symlinks, as on macOS where the
//!   temp dir lives under `/var`, a link to `/private/var`): otherwise `PathError::Root`.

use std::io;
use std::path::{Path, PathBuf};

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
    todo!(
        "join {user_path:?} to {} without leaving it",
        root.display()
    )
}
