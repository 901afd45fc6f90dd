//! A counting global allocator for the whole test binary, and [`count_allocations`], which
//! counts how many times a closure asked the allocator for memory on the current thread.
//!
//! The counter is thread-local and only counts while a measurement is armed, so tests
//! running in parallel on other threads do not disturb each other's figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Forwards to the system allocator and counts allocations and reallocations.
struct Counting;

#[global_allocator]
static COUNTING: Counting = Counting;

thread_local! {
    // `const` thread-locals without destructors never allocate, so the allocator may use them.
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Counts one request for memory (a new block or a resized one), if a measurement is armed.
fn count() {
    // `try_with`: during thread teardown the thread-locals may already be gone.
    let _ = ARMED.try_with(|armed| {
        if armed.get() {
            ALLOCATIONS.set(ALLOCATIONS.get() + 1);
        }
    });
}

// SAFETY: every call is forwarded unchanged to `System`; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`, as the caller guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Disarms the measurement even if the measured code panics.
struct Armed;

impl Armed {
    fn arm() -> Self {
        ALLOCATIONS.set(0);
        ARMED.set(true);
        Armed
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        ARMED.set(false);
    }
}

/// Runs `f` and returns its result with how many allocations and reallocations it made
/// (on this thread).
pub(crate) fn count_allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let armed = Armed::arm();
    let result = f();
    drop(armed);
    (result, ALLOCATIONS.get())
}
