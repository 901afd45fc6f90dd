//! # Kata 1: paths are values, not strings
//!
//! **Build** `anchor(base, path)`, which resolves a path against an explicit base directory
//! instead of the process's working directory, and `normalize_lexically(path)`, which
//! removes `.` and `..` components by looking only at the path, never at the disk.
//!
//! **Why.** A relative path is half a question: "relative to what?". `File::open("data.csv")`
//! asks the working directory, which is `/` under systemd, the home directory under cron and
//! a temp dir under this suite's runner. A program that anchors every relative path to a
//! directory it chose (its config dir, the directory of its executable) opens the same
//! file whoever starts it.
//!
//! **Python → Rust.** `pathlib.Path` and its `/` operator become [`std::path::Path`] (a
//! borrowed path, like `&str`) and [`std::path::PathBuf`] (an owned one, like `String`), and
//! `/` becomes [`Path::join`]. Joining an absolute path replaces the base, exactly like
//! Python's `/`. Python's `resolve()` both removes `..` and follows symlinks, and it needs
//! the path to exist on some systems; Rust splits the two jobs:
//! [`std::fs::canonicalize`] asks the disk (the file must exist, symlinks are followed),
//! while [`Path::components`] lets you clean a path lexically.
//!
//! **The symlink caveat.** Lexical `..` removal is not always what the kernel does: if
//! `logs` is a symlink to `/var/log/app`, then `logs/..` is `/var/log` for the kernel but
//! `.` for `normalize_lexically`. Use it for paths you build (and then check), and
//! `canonicalize` when you need to know where an existing path really leads.
//!
//! **The tests check.**
//! - `anchor(base, path)` joins a relative `path` to `base` and normalises the result
//!   lexically, even when `..` climbs above `base`, without asking the disk: a file that
//!   exists under a base that is a symlink comes back under the base, not under the link's
//!   target; a base whose name is not UTF-8 comes back with its bytes (joined as a `Path`,
//!   not pasted through `to_string_lossy`). Checked by
//!   `anchor_joins_a_relative_path_to_the_base`, `anchor_can_climb_above_the_base_with_dot_dot`.
//! - An absolute `path` is returned as it is (normalised), whatever the base. Checked by
//!   `anchor_returns_an_absolute_path_as_it_is`.
//! - `base` must be absolute, else `Err(AnchorError::RelativeBase)` carrying `base`: the
//!   working directory is never consulted. Checked by `anchor_refuses_a_relative_base`.
//! - `normalize_lexically(path)` drops `.` components, lets `..` remove the component before
//!   it, keeps a leading `..` of a relative path (`../a` stays `../a`), drops a `..` directly
//!   after the root (`/..` is `/`), and turns an empty result into `.`. Checked by
//!   `normalize_removes_dot_and_dot_dot_from_the_text`.
//! - A component that is not UTF-8 comes out byte for byte (the path is never turned into a
//!   `String`). Checked by `normalize_keeps_a_name_that_is_not_utf8_byte_for_byte`.
//! - It does not touch the disk: it works for paths that do not exist, and applies `..` to a
//!   symlink's name, not to its target. Checked by `normalize_works_for_paths_that_do_not_exist`,
//!   `normalize_applies_dot_dot_to_a_symlink_name_not_to_its_target`.
//! - Normalising twice changes nothing, and no `.` component is left. Checked by
//!   `normalizing_twice_changes_nothing_and_leaves_no_dot`.
//!
//! **Not checked.** Whether `normalize_lexically` walks `Path::components` or splits the
//! raw bytes on `/` itself: on Unix, where the tests run, both treat repeated separators,
//! `.` and the root alike; the byte split only goes wrong on platforms with other
//! separators or prefixes (Windows), which the tests do not run on.

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
