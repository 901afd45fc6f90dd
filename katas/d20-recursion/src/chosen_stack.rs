//! # Kata 7: choosing the stack
//!
//! **Build** [`run_with_stack`]: run a closure on a new thread whose stack is `bytes` big,
//! wait for it, and return its result, or a [`StackError`] if the thread could not start
//! or the closure panicked.
//!
//! **Why.** Sometimes the recursion is right and the input is trusted but deep: a compiler
//! walking a generated expression, a test of a deep structure. The main thread's stack is
//! fixed by the OS (8 MiB on Linux, usually) and a spawned thread's by Rust (2 MiB, or the
//! `RUST_MIN_STACK` environment variable). Running that one job on a thread with a stack
//! you chose is the honest way to give it room.
//!
//! **Python → Rust.** `sys.setrecursionlimit` raises a counter, not the stack under it: set
//! it too high and CPython segfaults instead of raising `RecursionError`. Rust has no such
//! counter at all; the stack is the only limit, and `std::thread::Builder::stack_size` is
//! how you set it. Either way a bigger limit treats the symptom: it moves the cliff without
//! removing it. Input you do not control still needs kata 2's explicit stack or kata 4's
//! budget. And a stack overflow is not a panic: on the thread you chose, it still aborts
//! the whole process, and no `Result` comes back (the tests show it).
//!
//! **The tests check.**
//! - The closure runs on a new thread (it may borrow from the caller: use
//!   `std::thread::scope` and `Builder::spawn_scoped`), and its value comes back in `Ok`.
//!   Checked by `returns_the_closures_value`, `the_closure_may_borrow_from_the_caller`,
//!   `runs_the_closure_on_another_thread`.
//! - A stack of 64 MiB fits a recursion that needs more than 10 MiB. Checked by
//!   `a_64_mib_stack_fits_a_recursion_that_needs_more_than_10_mib`.
//! - A panic in the closure becomes `StackError::Panicked` with the panic's message: the
//!   payload if it is a `&str` or a `String`, otherwise the text
//!   `a panic with a non-string payload`. Checked by
//!   `a_panic_becomes_a_typed_error_with_its_message`, `a_static_str_panic_keeps_its_message`,
//!   `a_panic_without_a_text_is_still_reported`.
//! - A thread that cannot be started (the OS refuses the stack) is `StackError::Spawn` with
//!   the size asked for and the I/O error (tested on Linux only, where an exabyte of stack is
//!   refused). Checked by `a_stack_the_os_refuses_is_a_spawn_error`.
//! - The thread gets the stack asked for, no bigger: a recursion needing over 1 MiB (less than
//!   the 2 MiB default) overflows a 256 KiB stack and kills the process; and on Linux, the
//!   stack size the C library recorded for the thread (`pthread_getattr_np`) is the size asked
//!   for (40 KiB, 68 KiB, 132 KiB, 256 KiB, 300 KiB, 1 MiB + 4 KiB, 3 MiB, 16 MiB + 4 KiB,
//!   32 MiB, 64 MiB + 4 KiB and 256 MiB: sizes that are not whole blocks of 64 or 256 KiB,
//!   small and big; only reserved, never touched), at most one page more
//!   (no headroom "just in case", no floor under small stacks, nor rounding up to blocks).
//!   Checked by `an_overflow_on_the_chosen_stack_still_kills_the_process`,
//!   `the_thread_gets_the_stack_asked_for_no_bigger`.
//!
//! **Not checked.** That the spawn error comes from the OS: a version that refuses huge sizes
//! itself with a made-up `io::Error` passes, since no test can make the OS refuse a size the
//! version would not also refuse.
//! Headroom kept only for stacks above 256 MiB, the largest size checked.
//! Headroom of one page or less: a C library may count the guard page in the size it records,
//! so the size check allows one page over. Nor sizes below 40 KiB: glibc itself raises a
//! thread's stack to its own minimum (16 KiB, a page and the thread-local storage: about
//! 24 KiB), so a floor of your own below 40 KiB is not seen.
//!
//! **Not a dodge.** Letting the closure borrow through `unsafe` `Builder::spawn_unchecked`
//! and a join before returning instead of `std::thread::scope`: the thread, its stack and the
//! results are the same (the lesson is the stack you choose). `spawn_scoped` does it without
//! `unsafe`, which is why the brief names it.

/// The message of a panic whose payload is neither a `&str` nor a `String`.
pub const NON_STRING_PAYLOAD: &str = "a panic with a non-string payload";

/// Why the closure gave no result.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// The thread could not be started with a stack of `bytes` bytes.
    #[error("could not start a thread with a {bytes}-byte stack: {source}")]
    Spawn {
        /// The stack size asked for.
        bytes: usize,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The closure panicked.
    #[error("the closure panicked: {message}")]
    Panicked {
        /// The panic's message (or [`NON_STRING_PAYLOAD`]).
        message: String,
    },
}

/// Runs `f` on a new thread with a `bytes`-byte stack and returns its result.
pub fn run_with_stack<T, F>(bytes: usize, _f: F) -> Result<T, StackError>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    todo!("run the closure on a thread with a {bytes}-byte stack")
}
