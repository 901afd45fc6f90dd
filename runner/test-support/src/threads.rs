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

/// Whether a thread's `syscall` line shows it blocked in a futex wait (`futex` or
/// `futex_waitv`), with or without a timeout.
pub fn in_a_futex_wait(syscall: &str) -> bool {
    matches!(syscall.split_whitespace().next(), Some(nr) if nr == FUTEX || nr == FUTEX_WAITV)
}

/// Whether a thread's `syscall` line shows it blocked in a futex wait with a timeout
/// (`recv_timeout`, `park_timeout`, `wait_timeout`): the fourth argument, the timeout, is
/// not null.
pub fn in_a_timed_futex_wait(syscall: &str) -> bool {
    in_a_futex_wait(syscall)
        && syscall
            .split_whitespace()
            .nth(4)
            .is_some_and(|t| t != "0x0")
}
