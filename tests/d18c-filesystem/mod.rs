//! The d18c-filesystem suite: compiled into kata-d18c-filesystem (where it must fail) and
//! solution-d18c-filesystem (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d18c-filesystem/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

mod heap; // a counting global allocator: measures the heap a piece of code holds

/// A fresh temp dir for one test; it is deleted when the test drops it.
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temp dir: {e}"))
}

/// Writes `contents` to `path`, panicking with the path on failure (test setup only).
pub(crate) fn put(path: &std::path::Path, contents: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    std::fs::write(path, contents)
        .unwrap_or_else(|e| panic!("cannot write test file {}: {e}", path.display()));
}

/// The contents of `path` as text, or a description of why it cannot be read.
pub(crate) fn contents(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("<unreadable: {e}>"))
}

/// The names in `dir`, sorted.
pub(crate) fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(any(not(feature = "one-kata"), feature = "appenders"))]
mod appenders;
#[cfg(any(not(feature = "one-kata"), feature = "atomic_write"))]
mod atomic_write;
#[cfg(any(not(feature = "one-kata"), feature = "log_purger"))]
mod log_purger;
#[cfg(any(not(feature = "one-kata"), feature = "paths_as_values"))]
mod paths_as_values;
#[cfg(any(not(feature = "one-kata"), feature = "portable_names"))]
mod portable_names;
#[cfg(any(not(feature = "one-kata"), feature = "safe_join"))]
mod safe_join;
#[cfg(all(unix, any(not(feature = "one-kata"), feature = "secrets")))]
mod secrets;
#[cfg(any(not(feature = "one-kata"), feature = "stream_lines"))]
mod stream_lines;
#[cfg(any(not(feature = "one-kata"), feature = "walk_tree"))]
mod walk_tree;
