//! The suite's counting global allocator: [`kata_test_support::heap`] measures what a closure
//! asks of the heap on the current thread. On top of it, four watches of this suite's own,
//! all thread-local and armed only inside the closure they measure:
//! [`clone_depths`] notes the stack address at which each allocation of one chosen size is
//! made (an email of that length being cloned), so a test can see whether every email was
//! cloned at the same call depth; [`allocations_while_unwinding`] counts the allocations
//! made while the thread unwinds (starting any unwind, `panic!` or
//! `std::panic::resume_unwind`, allocates its exception object), whether or not a panic
//! hook ever hears of it; [`pausing_at`] holds the thread inside one allocation of a chosen
//! size while another thread works; [`holding`] follows the heap this thread holds, so
//! a callback can see what the code under test holds when it calls it ([`heap_held_now`]).

use super::DepthProbe;
use kata_test_support::heap::Counting;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

pub(crate) use kata_test_support::heap::{count_allocations, peak_heap};

#[global_allocator]
static WATCHING: Watching = Watching;

/// [`Counting`], plus the four watches.
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
    /// Whether the heap this thread holds is followed, and how many bytes it holds.
    static HOLD_ARMED: Cell<bool> = const { Cell::new(false) };
    static HELD: Cell<isize> = const { Cell::new(0) };
    /// How many allocations (and reallocations) this thread made since [`holding`] started.
    static HELD_ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Notes that this thread now holds `delta` more bytes of heap, if [`holding`] follows it.
fn hold(delta: isize) {
    let _ = HOLD_ARMED.try_with(|armed| {
        if armed.get() {
            HELD.set(HELD.get() + delta);
            if delta > 0 {
                HELD_ALLOCATIONS.set(HELD_ALLOCATIONS.get() + 1);
            }
        }
    });
}

/// A size in bytes as a signed delta (no allocation comes near `isize::MAX`).
fn signed(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
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
        hold(signed(layout.size()));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { Counting.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        watch(layout.size());
        hold(signed(layout.size()));
        // SAFETY: as for `alloc`.
        unsafe { Counting.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        hold(-signed(layout.size()));
        // SAFETY: `ptr` was allocated by this allocator with `layout`, as the caller guarantees.
        unsafe { Counting.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        watch(new_size);
        hold(signed(new_size) - signed(layout.size()));
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

/// Runs `f`, during which [`heap_held_now`] tells how many bytes of heap this thread holds
/// of what it allocated since `f` started (what `f`'s callbacks see the code under test
/// holding at that moment). Disarmed again even if `f` panics.
pub(crate) fn holding<R>(f: impl FnOnce() -> R) -> R {
    struct Disarm;
    impl Drop for Disarm {
        fn drop(&mut self) {
            HOLD_ARMED.set(false);
        }
    }
    HELD.set(0);
    HELD_ALLOCATIONS.set(0);
    HOLD_ARMED.set(true);
    let disarm = Disarm;
    let result = f();
    drop(disarm);
    result
}

/// Inside [`holding`]: the bytes of heap this thread holds of what it allocated since
/// `holding` started.
pub(crate) fn heap_held_now() -> usize {
    usize::try_from(HELD.get()).unwrap_or(0)
}

/// Inside [`holding`]: how many allocations this thread made since `holding` started (a
/// reallocation that grows counts as one; the allocation being made when a [`pausing_at`]
/// callback runs is not counted yet).
pub(crate) fn allocations_made_now() -> usize {
    HELD_ALLOCATIONS.get()
}

/// Runs `f`, drops what it returned, and gives the bytes of heap this thread allocated during
/// the call and still holds afterwards: 0 for code whose state belongs to the call. A cache
/// in a `static` (or a `thread_local!`), or a buffer kept for the next call, shows here.
pub(crate) fn heap_kept_by<R>(f: impl FnOnce() -> R) -> usize {
    holding(|| {
        drop(f());
        heap_held_now()
    })
}

/// What [`second_call_while_first_is_held`] saw.
pub(crate) struct TwoCalls<A, B> {
    /// The first call's result (it was held in the middle of its work).
    pub(crate) first: A,
    /// The second call's result (run on another thread while the first was held).
    pub(crate) second: B,
    /// Whether the second call ran to the end while the first was held.
    pub(crate) second_done_while_first_held: bool,
}

/// How long either call of [`second_call_while_first_is_held`] waits for the other.
const MEETING_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);
static FIRST_IS_HELD: AtomicBool = AtomicBool::new(false);
static SECOND_IS_DONE: AtomicBool = AtomicBool::new(false);
static SECOND_DONE_WHILE_FIRST_HELD: AtomicBool = AtomicBool::new(false);
/// One meeting at a time: the flags above are shared by every test that meets.
static ONE_MEETING_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Spins (allocating nothing) until `flag` is set or [`MEETING_DEADLINE`] has passed.
fn wait_for(flag: &AtomicBool) -> bool {
    let deadline = std::time::Instant::now() + MEETING_DEADLINE;
    while !flag.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    flag.load(Ordering::SeqCst)
}

/// Runs `first` on this thread and holds it inside its first allocation of exactly
/// `held_size` bytes (an email of that length being cloned, in the middle of its walk) until
/// `second`, run meanwhile on another thread, has returned (or 2 s have passed: the second
/// waited for the first, which waits for it). Code whose state belongs to the call lets the
/// second call run to the end with its own state; state shared by every call (a `static`
/// behind a lock, Python's mutable default argument) mixes the two calls' results, or makes
/// the second wait.
pub(crate) fn second_call_while_first_is_held<A, B: Send>(
    held_size: usize,
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> TwoCalls<A, B> {
    let _one_at_a_time = ONE_MEETING_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for flag in [
        &FIRST_IS_HELD,
        &SECOND_IS_DONE,
        &SECOND_DONE_WHILE_FIRST_HELD,
    ] {
        flag.store(false, Ordering::SeqCst);
    }
    std::thread::scope(|scope| {
        let second = scope.spawn(|| {
            wait_for(&FIRST_IS_HELD);
            let got = second();
            SECOND_IS_DONE.store(true, Ordering::SeqCst);
            got
        });
        let first = pausing_at(
            held_size,
            || {
                FIRST_IS_HELD.store(true, Ordering::SeqCst);
                let done = wait_for(&SECOND_IS_DONE);
                SECOND_DONE_WHILE_FIRST_HELD.store(done, Ordering::SeqCst);
            },
            first,
        );
        let second = second
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
        TwoCalls {
            first,
            second,
            second_done_while_first_held: SECOND_DONE_WHILE_FIRST_HELD.load(Ordering::SeqCst),
        }
    })
}
