//! A deadline for work that must finish quickly: the work runs on its own thread and the test
//! waits for its answer at most `deadline`. Work that misses it keeps its thread busy until the
//! test process exits; the test reports the miss at once.

use std::sync::mpsc;
use std::time::Duration;

/// `Some(work())` if it finished within `deadline`, `None` if it did not.
pub(crate) fn within<T: Send + 'static>(
    deadline: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, answer) = mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone only if the deadline passed: nothing left to tell.
        let _ = done.send(work());
    });
    answer.recv_timeout(deadline).ok()
}
