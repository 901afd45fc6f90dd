//! The d17-resource-guards suite: compiled into kata-d17-resource-guards (where it must fail) and
//! solution-d17-resource-guards (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d17-resource-guards/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// A current-thread tokio runtime on the paused clock (`what` is the message if none starts).
pub(crate) fn paused_runtime(what: &str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect(what)
}

mod heap; // a counting global allocator: measures the heap a piece of code holds

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
