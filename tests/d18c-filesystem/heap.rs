//! The suite's counting global allocator: [`heap_of_the_whole_process`] measures what a
//! closure asks of the heap on every thread of the process, helper threads included. Other
//! tests running at the same time would be counted too, so it is used only alone in a child
//! process ([`super::alone_in_a_child_process`]).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering::Relaxed};

/// Forwards to the system allocator and, while a measurement is armed, records every size
/// change and every request for memory, whichever thread makes it.
struct Counting;

#[global_allocator]
static COUNTING: Counting = Counting;

static ARMED: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static REQUESTS: AtomicUsize = AtomicUsize::new(0);

/// Records a request that changed the live heap by `bytes` (freed when negative).
fn record(bytes: usize, freed: bool, request: bool) {
    if ARMED.load(Relaxed) {
        let delta = isize::try_from(bytes).unwrap_or(isize::MAX);
        let delta = if freed { -delta } else { delta };
        let live = LIVE.fetch_add(delta, Relaxed) + delta;
        PEAK.fetch_max(live, Relaxed);
        if request {
            REQUESTS.fetch_add(1, Relaxed);
        }
    }
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record(layout.size(), false, true);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record(layout.size(), false, true);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`, as the caller guarantees.
        unsafe { System.dealloc(ptr, layout) };
        record(layout.size(), true, false);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            let (old, grew) = (layout.size(), new_size >= layout.size());
            record(new_size.abs_diff(old), !grew, true);
        }
        new
    }
}

/// What the whole process asked of the heap while a closure ran.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeapUse {
    /// The most bytes held at once on top of what was held before the call.
    pub peak: usize,
    /// How many allocations and reallocations were made.
    pub requests: usize,
}

/// Runs `f` and returns its result with what every thread of the process asked of the heap
/// meanwhile. Call it only where nothing else runs ([`super::alone_in_a_child_process`]).
pub(crate) fn heap_of_the_whole_process<R>(f: impl FnOnce() -> R) -> (R, HeapUse) {
    assert!(
        super::in_a_child_process(),
        "heap_of_the_whole_process counts every thread: call it only alone in a child process"
    );
    LIVE.store(0, Relaxed);
    PEAK.store(0, Relaxed);
    REQUESTS.store(0, Relaxed);
    ARMED.store(true, Relaxed);
    let result = f();
    ARMED.store(false, Relaxed);
    let peak = usize::try_from(PEAK.load(Relaxed)).unwrap_or(0);
    let requests = REQUESTS.load(Relaxed);
    (result, HeapUse { peak, requests })
}
