//! The d19b-statistics-entropy suite: compiled into kata-d19b-statistics-entropy (where it must fail) and
//! solution-d19b-statistics-entropy (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d19b-statistics-entropy/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

mod heap; // a counting global allocator: measures the heap a piece of code holds
mod watchdog; // a deadline for work that must not take quadratic (or endless) time

#[cfg(any(not(feature = "one-kata"), feature = "central_tendency"))]
mod central_tendency;
#[cfg(any(not(feature = "one-kata"), feature = "complex_plane"))]
mod complex_plane;
#[cfg(any(not(feature = "one-kata"), feature = "dice"))]
mod dice;
// Used by predict: left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "mersenne_twister",
        any(feature = "all-tests", not(any(feature = "predict")))
    )
))]
mod mersenne_twister;
#[cfg(any(not(feature = "one-kata"), feature = "predict"))]
mod predict;
#[cfg(any(not(feature = "one-kata"), feature = "running_stats"))]
mod running_stats;
#[cfg(any(not(feature = "one-kata"), feature = "secrets"))]
mod secrets;
#[cfg(any(not(feature = "one-kata"), feature = "spread"))]
mod spread;
