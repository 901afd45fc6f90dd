//! What a thread of this process is waiting in, as Linux shows it in
//! `/proc/self/task/<tid>/syscall`: the system call number, then its arguments.
//!
//! A thread that waits to be woken (a channel's `recv`, `park`, a condvar's `wait`) sits in
//! a futex wait with no timeout; one that waits with a timeout (`recv_timeout`,
//! `park_timeout`, `wait_timeout`) wakes on its own to look again: it polls, however long
//! its timer.

/// The number of the `futex` system call on this architecture.
const FUTEX: &str = if cfg!(target_arch = "x86_64") {
    "202"
} else {
    "98"
};

/// The number of the `futex_waitv` system call (the same on every architecture).
const FUTEX_WAITV: &str = "449";

/// Whether a thread's `syscall` line shows it blocked in a futex wait (`futex_waitv`, or
/// `futex` with a wait operation: `FUTEX_WAIT` or `FUTEX_WAIT_BITSET`), with or without a
/// timeout. A thread inside `futex` to wake another (`FUTEX_WAKE`) is not waiting.
pub fn in_a_futex_wait(syscall: &str) -> bool {
    let mut fields = syscall.split_whitespace();
    match fields.next() {
        Some(nr) if nr == FUTEX_WAITV => true,
        Some(nr) if nr == FUTEX => fields
            .nth(1)
            .and_then(|op| u64::from_str_radix(op.trim_start_matches("0x"), 16).ok())
            // The low bits are the command; the flags above them (private, realtime clock)
            // do not change it.
            .is_some_and(|op| matches!(op & 0x7f, FUTEX_WAIT | FUTEX_WAIT_BITSET)),
        _ => false,
    }
}

/// The `futex` commands that put the caller to sleep until woken or timed out.
const FUTEX_WAIT: u64 = 0;
const FUTEX_WAIT_BITSET: u64 = 9;

/// Whether a thread's `syscall` line shows it blocked in a futex wait with a timeout
/// (`recv_timeout`, `park_timeout`, `wait_timeout`): the fourth argument, the timeout, is
/// not null.
pub fn in_a_timed_futex_wait(syscall: &str) -> bool {
    in_a_futex_wait(syscall) && !timeout_is_null(syscall)
}

/// Whether a thread's `syscall` line shows it blocked in a futex wait with no timeout:
/// asleep until another thread wakes it (`recv`, `park`, a condvar's `wait`, a contended
/// lock).
pub fn in_an_untimed_futex_wait(syscall: &str) -> bool {
    in_a_futex_wait(syscall) && timeout_is_null(syscall)
}

/// Whether the fourth argument of the call (the timeout of `futex` and `futex_waitv`) is null.
fn timeout_is_null(syscall: &str) -> bool {
    syscall.split_whitespace().nth(4) == Some("0x0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(op: u64, timeout: &str) -> String {
        format!("{FUTEX} 0x7f00 {op:#x} 0x2 {timeout} 0x0 0xffffffff 0x7ffc 0x7f01")
    }

    #[test]
    fn a_private_wait_without_a_timeout_is_untimed() {
        assert!(in_an_untimed_futex_wait(&line(0x89, "0x0")));
        assert!(!in_a_timed_futex_wait(&line(0x89, "0x0")));
    }

    #[test]
    fn a_wait_with_a_timeout_is_timed() {
        assert!(in_a_timed_futex_wait(&line(0x80, "0x7ffd1234")));
        assert!(!in_an_untimed_futex_wait(&line(0x80, "0x7ffd1234")));
    }

    #[test]
    fn waking_another_thread_is_no_wait() {
        assert!(!in_a_futex_wait(&line(0x81, "0x0")));
        assert!(!in_an_untimed_futex_wait(&line(0x81, "0x0")));
    }

    #[test]
    fn a_running_thread_or_another_call_is_no_wait() {
        assert!(!in_a_futex_wait("running"));
        assert!(!in_a_futex_wait("7 0x0 0x0 0x0 0x0 0x0 0x0 0x7ffc 0x7f01"));
    }
}
