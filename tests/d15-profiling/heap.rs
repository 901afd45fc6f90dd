//! The suite's counting global allocator: [`kata_test_support::heap`] measures what a closure
//! asks of the heap on the current thread, and [`heap_calls_so_far`] tells how many calls
//! (allocations, resizes and frees) this thread has made since it started, at any moment (so
//! a test can see *when* code touches the heap, not only how much a whole call allocated).
//! [`peak_heap_of_process`] also counts the heap of every other thread (those the code under
//! test starts), and [`in_own_process`] runs a test alone in a fresh test process, where such
//! process-wide figures (the heap, the operating system's I/O and memory counts) see nothing
//! but that test.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

use kata_test_support::heap::Counting;

#[global_allocator]
static COUNTING: Tracking = Tracking;

pub(crate) use kata_test_support::heap::count_allocations;

thread_local! {
    // `const` thread-locals without destructors never allocate, so the allocator may use them.
    static HEAP_CALLS: Cell<usize> = const { Cell::new(0) };
}

/// How many heap calls (allocations, resizes and frees) this thread has made so far.
pub(crate) fn heap_calls_so_far() -> usize {
    HEAP_CALLS.try_with(Cell::get).unwrap_or(0)
}

fn note_heap_call() {
    // `try_with`: during thread teardown the thread-locals may already be gone.
    let _ = HEAP_CALLS.try_with(|calls| calls.set(calls.get() + 1));
}

static PROCESS_ARMED: AtomicBool = AtomicBool::new(false);
static PROCESS_LIVE: AtomicIsize = AtomicIsize::new(0);
static PROCESS_PEAK: AtomicIsize = AtomicIsize::new(0);

/// Notes that the live heap of some thread changed by `old` → `new` bytes, if armed.
fn note_process_heap(old: usize, new: usize) {
    if PROCESS_ARMED.load(Ordering::Relaxed) {
        // No allocation comes near `isize::MAX`.
        let delta = new.cast_signed() - old.cast_signed();
        let live = PROCESS_LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
        PROCESS_PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

/// Runs `f` and returns its result with the most heap the whole process held at once on top
/// of what it held before: every thread counts, also those `f` starts. Meaningful only where
/// no other test runs at the same time: inside [`in_own_process`].
pub(crate) fn peak_heap_of_process<R>(f: impl FnOnce() -> R) -> (R, usize) {
    PROCESS_LIVE.store(0, Ordering::SeqCst);
    PROCESS_PEAK.store(0, Ordering::SeqCst);
    PROCESS_ARMED.store(true, Ordering::SeqCst);
    let result = f();
    PROCESS_ARMED.store(false, Ordering::SeqCst);
    let peak = PROCESS_PEAK.load(Ordering::SeqCst);
    (result, usize::try_from(peak).unwrap_or(0))
}

/// Set in a test process that [`in_own_process`] started: the test it runs.
const OWN_PROCESS: &str = "D15_PROFILING_OWN_PROCESS";

/// Runs `body`, the test `name` of the module `module` (`module_path!()`), in a test process
/// of its own: the test binary started again with only this test and one test thread, so
/// that process-wide figures count nothing else. There `body` runs; here the outcome is
/// awaited, and a failure is reported with the message `body` gave.
pub(crate) fn in_own_process(module: &str, name: &str, body: impl FnOnce()) {
    let path = module.split_once("::").map_or(module, |(_, rest)| rest);
    let test = format!("{path}::{name}");
    if std::env::var_os(OWN_PROCESS).is_some_and(|running| running == test.as_str()) {
        body();
        return;
    }
    let output = std::env::current_exe()
        .and_then(|exe| {
            std::process::Command::new(exe)
                .args([test.as_str(), "--exact", "--test-threads=1", "--nocapture"])
                .env(OWN_PROCESS, &test)
                .env("RUST_BACKTRACE", "0")
                .stdin(std::process::Stdio::null())
                .output()
        })
        .unwrap_or_else(|e| panic!("cannot start the test binary again to run {test} alone: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{test} ran in a test process of its own (so that every thread and every byte counts) \
         and failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// How many bytes the whole process has read and written through the operating system so
/// far (`rchar` + `wchar` of `/proc/self/io`, every thread), where the system tells (Linux).
pub(crate) fn process_io_bytes_so_far() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    let field = |name: &str| {
        io.lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse::<u64>().ok())
    };
    Some(field("rchar:")? + field("wchar:")?)
}

/// Runs `f` and returns its result with how far the process's peak resident memory (the
/// memory the kernel sees it use, `VmHWM`, whatever allocated it) rose above what it held
/// before, where the system tells (Linux). Meaningful only inside [`in_own_process`].
pub(crate) fn peak_memory_growth<R>(f: impl FnOnce() -> R) -> (R, Option<usize>) {
    let status_kib = |field: &str| -> Option<usize> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find_map(|line| line.strip_prefix(field))?;
        line.trim().trim_end_matches("kB").trim().parse().ok()
    };
    // "5" resets the peak to the memory held now (Linux 4.0+); if refused, the peak so far
    // (this fresh process's start-up) is the baseline.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmHWM:");
    let result = f();
    let growth = before
        .zip(status_kib("VmHWM:"))
        .map(|(before, after)| after.saturating_sub(before) * 1024);
    (result, growth)
}

/// [`Counting`], plus an always-on per-thread count of heap calls and, while armed, the
/// process-wide heap.
struct Tracking;

// SAFETY: every call is forwarded unchanged to `Counting` (which forwards to `System`); only
// counters are added.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_heap_call();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        let ptr = unsafe { Counting.alloc(layout) };
        if !ptr.is_null() {
            note_process_heap(0, layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_heap_call();
        // SAFETY: as for `alloc`.
        let ptr = unsafe { Counting.alloc_zeroed(layout) };
        if !ptr.is_null() {
            note_process_heap(0, layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_heap_call();
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract, which we pass on.
        unsafe { Counting.dealloc(ptr, layout) };
        note_process_heap(layout.size(), 0);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_heap_call();
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract, which we pass on.
        let new = unsafe { Counting.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            note_process_heap(layout.size(), new_size);
        }
        new
    }
}
