//! The suite's counting global allocator. [`kata_test_support::heap`] measures what a closure
//! holds of the heap on the current thread; this file adds a process-wide figure
//! ([`peak_heap_of_process`]), which also sees the heap of threads the code under test starts,
//! and [`alone`], which runs a measurement in a test process of its own so that no other
//! test's allocations are counted with it.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// Forwards to [`kata_test_support::heap::Counting`] (which keeps the per-thread figures) and
/// keeps process-wide ones while [`peak_heap_of_process`] is measuring.
struct Counting;

#[global_allocator]
static COUNTING: Counting = Counting;

static ARMED: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

/// Records a change of the live heap of any thread, if a measurement is armed.
fn record(delta: isize) {
    if ARMED.load(Ordering::Relaxed) {
        let live = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

/// A size in bytes as a signed delta (no allocation comes near `isize::MAX`).
fn signed(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
}

// SAFETY: every call is forwarded unchanged to `kata_test_support::heap::Counting`, which
// forwards to `System`; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        let ptr = unsafe { kata_test_support::heap::Counting.alloc(layout) };
        if !ptr.is_null() {
            record(signed(layout.size()));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { kata_test_support::heap::Counting.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record(signed(layout.size()));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator with `layout`, as the caller guarantees.
        unsafe { kata_test_support::heap::Counting.dealloc(ptr, layout) };
        record(-signed(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        let new = unsafe { kata_test_support::heap::Counting.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            record(signed(new_size) - signed(layout.size()));
        }
        new
    }
}

/// Runs `f` and returns its result with the most bytes of heap the whole process held at once
/// on top of what it held before the call: every thread counts, also those `f` starts. Only
/// meaningful where no other test runs at the same time: call it inside [`alone`].
pub(crate) fn peak_heap_of_process<R>(f: impl FnOnce() -> R) -> (R, usize) {
    LIVE.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    let result = f();
    ARMED.store(false, Ordering::SeqCst);
    (
        result,
        usize::try_from(PEAK.load(Ordering::SeqCst)).unwrap_or(0),
    )
}

/// The variable that tells a test process started by [`alone`] which test it is.
const ALONE: &str = "D21_TESTING_ALONE";

/// Runs `body`, the test `module::name`, in a test process of its own: the test binary is
/// started again with only this test (`--exact`, one thread), so that process-wide figures
/// count nothing but `body`. In that process `body` runs directly; here its outcome is awaited
/// and a failure is reported with the message `body` gave.
pub(crate) fn alone(module: &str, name: &str, body: impl FnOnce()) {
    // `module` is `module_path!()`: the crate's name, then the path of the test module.
    let path = module.split_once("::").map_or(module, |(_, rest)| rest);
    let test = format!("{path}::{name}");
    if std::env::var(ALONE).is_ok_and(|wanted| wanted == test) {
        body();
        return;
    }
    let exe = std::env::current_exe()
        .unwrap_or_else(|e| panic!("cannot find the test binary to run {test} alone: {e}"));
    let output = std::process::Command::new(exe)
        .args([test.as_str(), "--exact", "--test-threads=1", "--nocapture"])
        .env(ALONE, &test)
        .env("RUST_BACKTRACE", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot start the test binary to run {test} alone: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{test} ran in a process of its own (so that every thread's heap is counted, and only \
         its own) and failed:\n{stderr}"
    );
}
