//! The suite's counting global allocator: [`kata_test_support::heap`] measures what a closure
//! asks of the heap on the current thread. On top of it, three watches of this suite's own,
//! both thread-local and armed only inside the closure they measure:
//! [`clone_depths`] notes the stack address at which each allocation of one chosen size is
//! made (an email of that length being cloned), so a test can see whether every email was
//! cloned at the same call depth; [`allocations_while_unwinding`] counts the allocations
//! made while the thread unwinds (starting any unwind, `panic!` or
//! `std::panic::resume_unwind`, allocates its exception object), whether or not a panic
//! hook ever hears of it; [`pausing_at`] holds the thread inside one allocation of a chosen
//! size while another thread works.

use super::DepthProbe;
use kata_test_support::heap::Counting;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

pub(crate) use kata_test_support::heap::{count_allocations, peak_heap};

#[global_allocator]
static WATCHING: Watching = Watching;

/// [`Counting`], plus the three watches.
struct Watching;

thread_local! {
    // `const` thread-locals without destructors never allocate, so the allocator may use them.
    /// The allocation size whose stack depth is noted (0: none).
    static WATCHED_SIZE: Cell<usize> = const { Cell::new(0) };
    static LOWEST: Cell<usize> = const { Cell::new(usize::MAX) };
    static HIGHEST: Cell<usize> = const { Cell::new(0) };
    static SEEN: Cell<usize> = const { Cell::new(0) };
    /// Whether allocations made while unwinding are counted, and how many there were.
    static UNWIND_ARMED: Cell<bool> = const { Cell::new(false) };
    static UNWIND_ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// The allocation size at which `PAUSE` is called, once (0: none).
    static PAUSE_SIZE: Cell<usize> = const { Cell::new(0) };
    static PAUSE: Cell<Option<fn()>> = const { Cell::new(None) };
}

/// Notes an allocation of `size` bytes for the armed watches of this thread.
fn watch(size: usize) {
    // `try_with`: during thread teardown the thread-locals may already be gone.
    let _ = WATCHED_SIZE.try_with(|watched| {
        if watched.get() == size {
            let marker = 0u8;
            let address = std::hint::black_box(&marker) as *const u8 as usize;
            LOWEST.set(LOWEST.get().min(address));
            HIGHEST.set(HIGHEST.get().max(address));
            SEEN.set(SEEN.get() + 1);
        }
    });
    let _ = PAUSE_SIZE.try_with(|pause_size| {
        if pause_size.get() == size {
            pause_size.set(0);
            if let Some(pause) = PAUSE.take() {
                pause();
            }
        }
    });
    let _ = UNWIND_ARMED.try_with(|armed| {
        if armed.get() && std::thread::panicking() {
            UNWIND_ALLOCATIONS.set(UNWIND_ALLOCATIONS.get() + 1);
        }
    });
}

// SAFETY: every call is forwarded unchanged to `Counting` (which forwards to `System`); only
// thread-local counters are added, and noting them allocates nothing.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        watch(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { Counting.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        watch(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { Counting.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator with `layout`, as the caller guarantees.
        unsafe { Counting.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        watch(new_size);
        // SAFETY: the caller upholds `realloc`'s contract, which we pass on.
        unsafe { Counting.realloc(ptr, layout, new_size) }
    }
}

/// Runs `f` and returns its result with the stack depths (addresses of a local in the
/// allocator) at which this thread allocated exactly `size` bytes during the call.
pub(crate) fn clone_depths<R>(size: usize, f: impl FnOnce() -> R) -> (R, DepthProbe) {
    LOWEST.set(usize::MAX);
    HIGHEST.set(0);
    SEEN.set(0);
    WATCHED_SIZE.set(size);
    let result = f();
    WATCHED_SIZE.set(0);
    let probe = DepthProbe {
        lowest: LOWEST.get().min(HIGHEST.get()),
        highest: HIGHEST.get(),
        calls: SEEN.get(),
    };
    (result, probe)
}

/// Runs `f`, calling `pause` (which must not allocate) inside the first allocation of
/// exactly `size` bytes this thread makes during the call: a test can hold the code under
/// test in the middle of its work (cloning an email of that length) while another thread
/// does something.
pub(crate) fn pausing_at<R>(size: usize, pause: fn(), f: impl FnOnce() -> R) -> R {
    PAUSE.set(Some(pause));
    PAUSE_SIZE.set(size);
    let result = f();
    PAUSE_SIZE.set(0);
    PAUSE.set(None);
    result
}

/// Runs `f` and returns its result with the number of allocations this thread made while
/// unwinding during the call (0 unless something in `f` started an unwind: the panic
/// runtime allocates the exception object of every unwind it starts). Disarmed again even
/// if `f` panics.
pub(crate) fn allocations_while_unwinding<R>(f: impl FnOnce() -> R) -> (R, usize) {
    struct Disarm;
    impl Drop for Disarm {
        fn drop(&mut self) {
            UNWIND_ARMED.set(false);
        }
    }
    UNWIND_ALLOCATIONS.set(0);
    UNWIND_ARMED.set(true);
    let disarm = Disarm;
    let result = f();
    drop(disarm);
    (result, UNWIND_ALLOCATIONS.get())
}
