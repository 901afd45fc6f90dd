//! The suite's counting global allocator: [`kata_test_support::heap`] measures what a closure
//! asks of the heap on the current thread, and [`heap_calls_so_far`] tells how many calls
//! (allocations, resizes and frees) this thread has made since it started, at any moment (so
//! a test can see *when* code touches the heap, not only how much a whole call allocated).
//! [`peak_heap_of_process`] also counts the heap of every other thread (those the code under
//! test starts), and [`in_own_process`] runs a test alone in a fresh test process, where such
//! process-wide figures (the heap, the operating system's I/O and memory counts) see nothing
//! but that test (both from `kata_test_support`).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

use kata_test_support::heap::Counting;

#[global_allocator]
static COUNTING: Tracking = Tracking;

pub(crate) use kata_test_support::alone as in_own_process;
pub(crate) use kata_test_support::heap::{count_allocations, peak_heap_of_process};

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

/// [`Counting`] (per-thread and process-wide figures), plus an always-on per-thread count of
/// heap calls.
struct Tracking;

// SAFETY: every call is forwarded unchanged to `Counting` (which forwards to `System`); only
// counters are added.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_heap_call();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { Counting.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_heap_call();
        // SAFETY: as for `alloc`.
        unsafe { Counting.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_heap_call();
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract, which we pass on.
        unsafe { Counting.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_heap_call();
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract, which we pass on.
        unsafe { Counting.realloc(ptr, layout, new_size) }
    }
}
