//! A counting allocator for test binaries: [`peak_heap`] measures the most heap a closure
//! holds at once, [`count_allocations`] how many times it asked for memory (a new block or a
//! resized one), both on the current thread; [`peak_heap_of_process`] measures the heap of
//! every thread, also those the measured code starts (run it inside [`crate::alone`]).
//!
//! A test binary opts in by declaring it its global allocator, in the suite's `heap.rs`:
//!
//! ```text
//! #[global_allocator]
//! static COUNTING: kata_test_support::heap::Counting = kata_test_support::heap::Counting;
//! ```
//!
//! The per-thread counters only count while a measurement is armed, so tests running in
//! parallel on other threads do not disturb each other's figures. The process-wide ones count
//! every thread's allocations while [`peak_heap_of_process`] runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// Forwards to the system allocator and records, for armed threads, every size change and
/// every request for memory.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counting;

thread_local! {
    // `const` thread-locals without destructors never allocate, so the allocator may use them.
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static REQUESTS: Cell<usize> = const { Cell::new(0) };
}

static PROCESS_ARMED: AtomicBool = AtomicBool::new(false);
static PROCESS_LIVE: AtomicIsize = AtomicIsize::new(0);
static PROCESS_PEAK: AtomicIsize = AtomicIsize::new(0);

/// Records a request that changed the live heap by `delta` bytes, if a measurement is armed.
fn record(delta: isize, request: bool) {
    if PROCESS_ARMED.load(Ordering::Relaxed) {
        let live = PROCESS_LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
        PROCESS_PEAK.fetch_max(live, Ordering::Relaxed);
    }
    // `try_with`: during thread teardown the thread-locals may already be gone.
    let _ = ARMED.try_with(|armed| {
        if armed.get() {
            let live = LIVE.get() + delta;
            LIVE.set(live);
            PEAK.set(PEAK.get().max(live));
            if request {
                REQUESTS.set(REQUESTS.get() + 1);
            }
        }
    });
}

/// A size in bytes as a signed delta (no allocation comes near `isize::MAX`).
fn signed(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record(signed(layout.size()), true);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record(signed(layout.size()), true);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`, as the caller guarantees.
        unsafe { System.dealloc(ptr, layout) };
        record(-signed(layout.size()), false);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            record(signed(new_size) - signed(layout.size()), true);
        }
        new
    }
}

/// Arms this thread's counters from zero and disarms them when dropped, even if the measured
/// code panics.
struct Armed;

impl Armed {
    fn arm() -> Self {
        LIVE.set(0);
        PEAK.set(0);
        REQUESTS.set(0);
        ARMED.set(true);
        Armed
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        ARMED.set(false);
    }
}

/// Runs `f` and returns its result with the most bytes of heap it held at once (on this
/// thread, on top of what was allocated before the call). Zero unless the test binary
/// declared [`Counting`] its global allocator.
pub fn peak_heap<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let armed = Armed::arm();
    let result = f();
    drop(armed);
    (result, usize::try_from(PEAK.get()).unwrap_or(0))
}

/// Runs `f` and returns its result with how many allocations and reallocations it made (on
/// this thread). Zero unless the test binary declared [`Counting`] its global allocator.
pub fn count_allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let armed = Armed::arm();
    let result = f();
    drop(armed);
    (result, REQUESTS.get())
}

/// Runs `f` and returns its result with the most bytes of heap the whole process held at once
/// on top of what it held before the call: every thread counts, also those `f` starts. Only
/// meaningful where no other test runs at the same time: call it inside [`crate::alone`].
/// Zero unless the test binary declared [`Counting`] its global allocator.
pub fn peak_heap_of_process<R>(f: impl FnOnce() -> R) -> (R, usize) {
    PROCESS_LIVE.store(0, Ordering::SeqCst);
    PROCESS_PEAK.store(0, Ordering::SeqCst);
    PROCESS_ARMED.store(true, Ordering::SeqCst);
    let result = f();
    PROCESS_ARMED.store(false, Ordering::SeqCst);
    (
        result,
        usize::try_from(PROCESS_PEAK.load(Ordering::SeqCst)).unwrap_or(0),
    )
}
