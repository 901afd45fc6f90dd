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

/// `statistic` of all of `data` (a million values or so), then of runs of each of `sizes`
/// consecutive values of it, `reads_per_size` values read per size, each answer with the range
/// it was computed on; `None` if all of it took longer than `deadline`. A linear-time statistic
/// reads each value a few times (milliseconds in all); one that compares every pair, even only
/// for inputs below some size, makes about `reads_per_size · n / 2` comparisons at any size `n`
/// it keeps that for.
pub(crate) fn over_the_whole_and_runs<T: Send + 'static>(
    deadline: Duration,
    data: Vec<f64>,
    (sizes, reads_per_size): (&'static [usize], usize),
    statistic: impl Fn(&[f64]) -> T + Send + 'static,
) -> Option<Vec<(std::ops::Range<usize>, T)>> {
    within(deadline, move || {
        let mut all = vec![(0..data.len(), statistic(&data))];
        for &n in sizes {
            for call in 0..reads_per_size / n {
                // Spread the runs over the data: each starts somewhere else.
                let start = call * 7919 % (data.len() - n);
                all.push((start..start + n, statistic(&data[start..start + n])));
            }
        }
        all
    })
}
