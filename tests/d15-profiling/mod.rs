//! The d15-profiling suite: compiled into kata-d15-profiling (where it must fail) and
//! solution-d15-profiling (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d15-profiling/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

mod heap; // a counting global allocator: counts the allocations a piece of code makes

#[cfg(any(not(feature = "one-kata"), feature = "call_ledger"))]
mod call_ledger;
#[cfg(any(not(feature = "one-kata"), feature = "observer_effect"))]
mod observer_effect;
#[cfg(any(not(feature = "one-kata"), feature = "set_lookups"))]
mod set_lookups;
#[cfg(any(not(feature = "one-kata"), feature = "span_guard"))]
mod span_guard;
#[cfg(any(not(feature = "one-kata"), feature = "stack_sampling"))]
mod stack_sampling;
#[cfg(any(not(feature = "one-kata"), feature = "string_building"))]
mod string_building;
#[cfg(any(not(feature = "one-kata"), feature = "wall_vs_cpu"))]
mod wall_vs_cpu;
