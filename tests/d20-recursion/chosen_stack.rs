//! Kata 7: a thread with a stack you chose, the Rust counterpart of `setrecursionlimit`.

use super::{expect_process_killed, in_own_process};
use crate::chosen_stack::{NON_STRING_PAYLOAD, StackError, run_with_stack};

const MIB: usize = 1024 * 1024;

/// A recursion `levels` deep whose every frame holds a 1 KiB array: it needs more than
/// `levels` KiB of stack. Returns `levels`.
fn deep_recursion(levels: u32) -> u32 {
    let frame = [0u8; 1024];
    let first = u32::from(std::hint::black_box(&frame)[0]);
    if levels == 0 {
        return first;
    }
    1 + deep_recursion(levels - 1) + first
}

#[test]
fn returns_the_closures_value() {
    let got = run_with_stack(MIB, || 6 * 7);
    assert!(
        matches!(got, Ok(42)),
        "run_with_stack(1 MiB, || 6 * 7) gave {got:?}: the closure's value comes back in Ok"
    );
}

#[test]
fn the_closure_may_borrow_from_the_caller() {
    let numbers = [1, 2, 3, 4];
    let got = run_with_stack(MIB, || numbers.iter().sum::<i32>());
    assert!(
        matches!(got, Ok(10)),
        "run_with_stack(1 MiB, sum of a borrowed array) gave {got:?}: a scoped thread may borrow \
         the caller's data"
    );
}

#[test]
fn runs_the_closure_on_another_thread() {
    let caller = std::thread::current().id();
    let got = run_with_stack(MIB, || std::thread::current().id());
    assert!(
        matches!(got, Ok(id) if id != caller),
        "run_with_stack ran the closure on thread {got:?}, the caller is {caller:?}: only a new \
         thread can have a stack of the size you choose"
    );
}

#[test]
fn a_panic_becomes_a_typed_error_with_its_message() {
    let code = 7;
    let got = run_with_stack(MIB, || -> u8 { panic!("boom {code}") });
    assert!(
        matches!(&got, Err(StackError::Panicked { message }) if message == "boom 7"),
        "run_with_stack(1 MiB, panic!(\"boom {{code}}\")) gave {got:?}: join() returns the panic \
         payload (here a String); turn it into StackError::Panicked with the message"
    );
}

#[test]
fn a_static_str_panic_keeps_its_message() {
    let got = run_with_stack(MIB, || -> u8 { std::panic::panic_any("static boom") });
    assert!(
        matches!(&got, Err(StackError::Panicked { message }) if message == "static boom"),
        "run_with_stack(panic with a &str payload) gave {got:?}: a &'static str payload is the \
         message too"
    );
}

#[test]
fn a_panic_without_a_text_is_still_reported() {
    let got = run_with_stack(MIB, || -> u8 { std::panic::panic_any(42_u32) });
    assert!(
        matches!(&got, Err(StackError::Panicked { message }) if message == NON_STRING_PAYLOAD),
        "run_with_stack(panic_any(42)) gave {got:?}: a payload that is not text becomes the \
         message {NON_STRING_PAYLOAD:?}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_stack_the_os_refuses_is_a_spawn_error() {
    // Linux refuses to map an exabyte of stack; other systems may fail differently.
    let bytes = 1 << 60;
    let got = run_with_stack(bytes, || 1);
    assert!(
        matches!(&got, Err(StackError::Spawn { bytes: asked, .. }) if *asked == bytes),
        "run_with_stack(2^60 bytes) gave {got:?}: a thread the OS will not start is \
         StackError::Spawn with the size asked for (Builder::spawn returns an io::Error)"
    );
}

#[test]
fn a_64_mib_stack_fits_a_recursion_that_needs_more_than_10_mib() {
    in_own_process(
        module_path!(),
        "a_64_mib_stack_fits_a_recursion_that_needs_more_than_10_mib",
        "a 10,000-level recursion (over 1 KiB a frame) inside run_with_stack(64 MiB)",
        || {
            let got = run_with_stack(64 * MIB, || deep_recursion(10_000));
            assert!(
                matches!(got, Ok(10_000)),
                "run_with_stack(64 MiB, 10,000 levels of 1 KiB) gave {got:?}: the closure must \
                 run on a thread with the stack size asked for (Builder::stack_size)"
            );
        },
    );
}

#[test]
fn an_overflow_on_the_chosen_stack_still_kills_the_process() {
    expect_process_killed(
        module_path!(),
        "an_overflow_on_the_chosen_stack_still_kills_the_process",
        "a 1,000-level recursion (over 1 KiB a frame) inside run_with_stack(256 KiB)",
        || {
            let got = run_with_stack(256 * 1024, || deep_recursion(1_000));
            panic!(
                "run_with_stack(256 KiB, 1,000 levels of 1 KiB) came back with {got:?}: that \
                 recursion needs over 1 MiB, less than the 2 MiB default but four times the 256 \
                 KiB asked for, so the thread must really have the stack asked for (not the \
                 default, not a bigger one), and overflowing it is no Result: the process dies"
            );
        },
    );
}

/// The size of the calling thread's stack as the C library recorded it when the thread was
/// started (glibc's `pthread_getattr_np`).
#[cfg(target_os = "linux")]
fn this_threads_stack_size() -> usize {
    // SAFETY: `attr` is initialised by pthread_getattr_np before it is read, and destroyed
    // once; pthread_attr_getstack only writes through the two pointers given.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        assert_eq!(
            libc::pthread_getattr_np(libc::pthread_self(), &mut attr),
            0,
            "pthread_getattr_np failed"
        );
        let mut base = std::ptr::null_mut();
        let mut size = 0;
        let status = libc::pthread_attr_getstack(&attr, &mut base, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        assert_eq!(status, 0, "pthread_attr_getstack failed");
        size
    }
}

/// How much bigger than asked the stack may be: one page (a C library that counts the guard
/// page in the size). The sizes asked for are multiples of 4 KiB (not all of 64 KiB or more),
/// so page rounding adds nothing; glibc records exactly the size asked for. Headroom of more
/// than a page shows, rounding up to whole blocks of any size above a page included.
#[cfg(target_os = "linux")]
fn stack_rounding() -> usize {
    // SAFETY: sysconf only reads a configuration value.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(page).expect("sysconf(_SC_PAGESIZE) failed")
}

#[cfg(target_os = "linux")]
#[test]
fn the_thread_gets_the_stack_asked_for_no_bigger() {
    // In a process of its own, smallest size first: glibc hands a new thread the stack of a
    // finished one if it is big enough (up to 4 times too big), so only a process that has
    // never had a bigger thread stack shows the size a new thread was really given.
    in_own_process(
        module_path!(),
        "the_thread_gets_the_stack_asked_for_no_bigger",
        "run_with_stack with 40 KiB, 68 KiB, 132 KiB, 256 KiB, 300 KiB, 1 MiB + 4 KiB, 3 MiB, \
         16 MiB + 4 KiB, 32 MiB, 64 MiB + 4 KiB and 256 MiB, reading each thread's stack size",
        || {
            // The big ones are only reserved, never touched: they cost address space, not
            // memory.
            // The smallest are above the least glibc allows a thread (its minimum is about
            // 20 KiB plus the thread-local storage, 24.5 KiB here), so it gives them as asked.
            for bytes in [
                40 * 1024,
                68 * 1024,
                132 * 1024,
                256 * 1024,
                300 * 1024,
                MIB + 4096,
                3 * MIB,
                16 * MIB + 4096,
                32 * MIB,
                64 * MIB + 4096,
                256 * MIB,
            ] {
                let size = match run_with_stack(bytes, this_threads_stack_size) {
                    Ok(size) => size,
                    Err(e) => panic!("run_with_stack({bytes}, _) gave {e:?}"),
                };
                assert!(
                    (bytes..=bytes + stack_rounding()).contains(&size),
                    "run_with_stack({bytes}, _) ran the closure on a thread with a \
                     {size}-byte stack: the caller chose the stack, so the thread gets that \
                     size (Builder::stack_size(bytes)), not the default and not a bigger one \
                     for headroom, for small stacks or big ones (a floor under small sizes, or \
                     rounding up, only moves the cliff the caller chose)"
                );
            }
        },
    );
}
