//! The d18a-sqlite suite: compiled into kata-d18a-sqlite (where it must fail) and
//! solution-d18a-sqlite (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d18a-sqlite/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// A fresh temporary directory; every file a test touches lives in one.
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("the OS should give the test a temporary directory")
}

#[cfg(any(not(feature = "one-kata"), feature = "async_store"))]
mod async_store;
#[cfg(any(not(feature = "one-kata"), feature = "bank"))]
mod bank;
#[cfg(any(not(feature = "one-kata"), feature = "commit"))]
mod commit;
// Used by dates, injection: left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "crud",
        any(
            feature = "all-tests",
            not(any(feature = "dates", feature = "injection"))
        )
    )
))]
mod crud;
#[cfg(any(not(feature = "one-kata"), feature = "dates"))]
mod dates;
#[cfg(any(not(feature = "one-kata"), feature = "injection"))]
mod injection;
#[cfg(any(not(feature = "one-kata"), feature = "joins"))]
mod joins;
#[cfg(any(not(feature = "one-kata"), feature = "locking"))]
mod locking;
