//! The suite's counting global allocator: [`kata_test_support::heap`] measures what a closure
//! asks of the heap on the current thread, and [`heap_calls_so_far`] tells how many calls
//! (allocations, resizes and frees) this thread has made since it started, at any moment (so
//! a test can see *when* code touches the heap, not only how much a whole call allocated).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

use kata_test_support::heap::Counting;

#[global_allocator]
static COUNTING: Tracking = Tracking;

pub(crate) use kata_test_support::heap::{count_allocations, peak_heap};

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

/// [`Counting`], plus an always-on per-thread count of heap calls.
struct Tracking;

// SAFETY: every call is forwarded unchanged to `Counting` (which forwards to `System`); only
// a thread-local counter is added.
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
