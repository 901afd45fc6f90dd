//! The suite's global allocator: the runner's counting allocator, except on a thread that is
//! inside [`in_signal_handler`]. A signal handler must not enter `malloc` (the call it
//! interrupted may be inside it, holding its lock), so there allocations come from a static
//! bump arena that never takes a lock, and frees are dropped (arena blocks are never reused,
//! and a block from `malloc` freed in the handler is leaked rather than handed to `free`).
//! So the rounding test's handler may call rounding functions that ask for memory.

use kata_test_support::heap::Counting;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Forwards to [`Counting`] outside signal handlers, to the arena inside them.
pub(crate) struct SuiteHeap;

thread_local! {
    // `const`, no destructor: a plain TLS slot, safe to read in a signal handler.
    static IN_HANDLER: Cell<bool> = const { Cell::new(false) };
}

/// Bytes the handlers of one test binary may ask for in all (zero pages cost nothing until
/// touched).
const ARENA_BYTES: usize = 32 << 20;

#[repr(C, align(4096))]
struct Arena(UnsafeCell<[u8; ARENA_BYTES]>);

// SAFETY: every block is handed out once, by the atomic bump below.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_BYTES]));
static ARENA_USED: AtomicUsize = AtomicUsize::new(0);

/// Makes the panic hook print nothing for a panic inside [`in_signal_handler`] (the default
/// hook may capture and symbolise a backtrace, megabytes of allocation); other panics go to
/// the hook that was there before. Call it before installing the handler.
pub(crate) fn quiet_panics_in_signal_handlers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !in_handler() {
                previous(info);
            }
        }));
    });
}

/// Runs `f` (the body of a signal handler) with this thread's allocations served by the arena;
/// a panic in `f` is caught (it must not unwind out of the handler) and returned as `Err`.
pub(crate) fn in_signal_handler(f: impl FnOnce()) -> std::thread::Result<()> {
    IN_HANDLER.set(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_HANDLER.set(false);
    result
}

fn in_handler() -> bool {
    IN_HANDLER.try_with(Cell::get).unwrap_or(false)
}

fn arena_base() -> usize {
    ARENA.0.get() as usize
}

fn in_arena(ptr: *mut u8) -> bool {
    (arena_base()..arena_base() + ARENA_BYTES).contains(&(ptr as usize))
}

/// A fresh, zeroed arena block, or null when the arena is spent.
fn bump(layout: Layout) -> *mut u8 {
    let base = arena_base();
    let mut used = ARENA_USED.load(Relaxed);
    loop {
        let start = (base + used).next_multiple_of(layout.align()) - base;
        let end = start + layout.size().max(1);
        if end > ARENA_BYTES {
            return std::ptr::null_mut();
        }
        match ARENA_USED.compare_exchange_weak(used, end, Relaxed, Relaxed) {
            // SAFETY: `start..end` lies inside the arena and is handed out only here.
            Ok(_) => return unsafe { ARENA.0.get().cast::<u8>().add(start) },
            Err(now) => used = now,
        }
    }
}

// SAFETY: outside handlers every call is forwarded to `Counting`; inside, blocks come from
// the arena once each and are never freed, and arena blocks are never given to `Counting`.
unsafe impl GlobalAlloc for SuiteHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if in_handler() {
            return bump(layout);
        }
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { Counting.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if in_handler() {
            // Arena blocks are never reused, so they are still zero.
            return bump(layout);
        }
        // SAFETY: as for `alloc`.
        unsafe { Counting.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !in_handler() && !in_arena(ptr) {
            // SAFETY: `ptr` came from `Counting` with `layout`.
            unsafe { Counting.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !in_handler() && !in_arena(ptr) {
            // SAFETY: `ptr` came from `Counting` with `layout`.
            return unsafe { Counting.realloc(ptr, layout, new_size) };
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as for `alloc`; the copy stays inside both blocks.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
