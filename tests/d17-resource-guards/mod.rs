//! The d17-resource-guards suite: compiled into kata-d17-resource-guards (where it must fail) and
//! solution-d17-resource-guards (where it must pass).

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
            snapshot_path => "../../snapshots/d17-resource-guards",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[cfg(any(not(feature = "one-kata"), feature = "async_close"))]
mod async_close;
#[cfg(any(not(feature = "one-kata"), feature = "async_stream"))]
mod async_stream;
#[cfg(any(not(feature = "one-kata"), feature = "descriptor_limit"))]
mod descriptor_limit;
#[cfg(any(not(feature = "one-kata"), feature = "gate"))]
mod gate;
#[cfg(any(not(feature = "one-kata"), feature = "pool"))]
mod pool;
#[cfg(any(not(feature = "one-kata"), feature = "scoped_lock"))]
mod scoped_lock;
#[cfg(any(not(feature = "one-kata"), feature = "transaction"))]
mod transaction;
#[cfg(any(not(feature = "one-kata"), feature = "with_resource"))]
mod with_resource;
