//! The d19b-statistics-entropy suite: compiled into kata-d19b-statistics-entropy (where it must fail) and
//! solution-d19b-statistics-entropy (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

/// Proptest settings for this suite: no regression files in the repository, and a case
/// count that keeps a learner's check fast.
pub(crate) fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: 64,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// `insta::assert_snapshot!` with a name that does not depend on which crate runs it.
macro_rules! assert_suite_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => "../../snapshots/d19b-statistics-entropy",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

mod heap; // a counting global allocator: measures the heap a piece of code holds

#[cfg(any(not(feature = "one-kata"), feature = "central_tendency"))]
mod central_tendency;
#[cfg(any(not(feature = "one-kata"), feature = "complex_plane"))]
mod complex_plane;
#[cfg(any(not(feature = "one-kata"), feature = "dice"))]
mod dice;
#[cfg(any(not(feature = "one-kata"), feature = "mersenne_twister"))]
mod mersenne_twister;
#[cfg(any(not(feature = "one-kata"), feature = "predict"))]
mod predict;
#[cfg(any(not(feature = "one-kata"), feature = "running_stats"))]
mod running_stats;
#[cfg(any(not(feature = "one-kata"), feature = "secrets"))]
mod secrets;
#[cfg(any(not(feature = "one-kata"), feature = "spread"))]
mod spread;
