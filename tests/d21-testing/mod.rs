//! The d21-testing suite: compiled into kata-d21-testing (where it must fail) and
//! solution-d21-testing (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

use std::time::Duration;

pub(crate) use kata_test_support::proptest_config;

mod heap; // a counting global allocator: measures the heap a piece of code holds

/// How long a test waits for work on another thread before it calls the code stuck.
/// A deadlock guard only: no passing test comes anywhere near it.
pub(crate) const GUARD: Duration = Duration::from_secs(20);

/// `insta::assert_snapshot!` into `snapshots/d21-testing/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

#[cfg(any(not(feature = "one-kata"), feature = "fake_http"))]
mod fake_http;
#[cfg(any(not(feature = "one-kata"), feature = "humble_checkout"))]
mod humble_checkout;
#[cfg(any(not(feature = "one-kata"), feature = "kill_mutants"))]
mod kill_mutants;
#[cfg(any(not(feature = "one-kata"), feature = "percentiles"))]
mod percentiles;
#[cfg(any(not(feature = "one-kata"), feature = "rle_laws"))]
mod rle_laws;
#[cfg(any(not(feature = "one-kata"), feature = "stub_vs_mock"))]
mod stub_vs_mock;
#[cfg(any(not(feature = "one-kata"), feature = "teardown_fixture"))]
mod teardown_fixture;
