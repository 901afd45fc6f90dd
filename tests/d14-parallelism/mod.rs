//! The d14-parallelism suite: compiled into kata-d14-parallelism (where it must fail) and
//! solution-d14-parallelism (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d14-parallelism/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// How long a test waits for code that could block for ever before it calls it a
/// deadlock. Only a wrong implementation ever waits this long: on the green path every
/// guarded call returns at once, and a stub's `todo!` panic fails the test at once. It is
/// well under the runner's 10 s per-test timeout, so the test's own message (which says
/// why the code blocked) is what the learner sees, not a generic "timed out".
pub(crate) const DEADLOCK_GUARD: std::time::Duration = std::time::Duration::from_secs(3);

/// Runs `work` on its own thread and waits for it at most [`DEADLOCK_GUARD`]: code that
/// blocks for ever fails the test with the message `why` instead of hanging it. A panic
/// inside `work` fails the test at once, with `work`'s own panic message.
pub(crate) fn guarded<T: Send + 'static>(
    why: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        // The test may have given up already; then nobody needs the result.
        let _ = done.send(outcome);
    });
    match result.recv_timeout(DEADLOCK_GUARD) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("{why} (still blocked after {DEADLOCK_GUARD:?})"),
    }
}

#[cfg(any(not(feature = "one-kata"), feature = "amdahl"))]
mod amdahl;
#[cfg(any(not(feature = "one-kata"), feature = "headroom"))]
mod headroom;
#[cfg(any(not(feature = "one-kata"), feature = "isolated_workers"))]
mod isolated_workers;
#[cfg(any(not(feature = "one-kata"), feature = "lock_order"))]
mod lock_order;
#[cfg(any(not(feature = "one-kata"), feature = "parallel_sum"))]
mod parallel_sum;
#[cfg(any(not(feature = "one-kata"), feature = "scout_pool"))]
mod scout_pool;
#[cfg(any(not(feature = "one-kata"), feature = "shared_counters"))]
mod shared_counters;
#[cfg(any(not(feature = "one-kata"), feature = "stream_results"))]
mod stream_results;
