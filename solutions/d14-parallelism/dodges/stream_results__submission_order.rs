//! Dodge: starts one thread per job and has each one send its result only after the job before it has sent: results stream, but in submission order, and on as many threads as jobs.
//! Caught by: yields_each_result_in_the_order_the_jobs_finish, yields_the_first_finished_job_while_the_others_still_run, runs_the_jobs_on_at_most_workers_threads

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

/// Why a job, or the whole forge, failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ForgeError {
    /// A pool of zero workers would never run anything.
    #[error("forge_all needs at least one worker")]
    NoWorkers,
    /// `forge` panicked on this job.
    #[error("the forge panicked on job {job}")]
    Panicked {
        /// The index of the job in `jobs`.
        job: usize,
    },
}

/// One item of the stream: the job's index in `jobs` and its result.
pub type Forging<R> = (usize, Result<R, ForgeError>);

/// The results of `forge_all`, in the order the jobs finish.
#[derive(Debug)]
pub struct Forged<R> {
    results: Receiver<Forging<R>>,
}

impl<R> Iterator for Forged<R> {
    type Item = Forging<R>;

    fn next(&mut self) -> Option<Self::Item> {
        self.results.recv().ok()
    }
}

#[allow(dead_code)]
type Queue<T> = Arc<Mutex<std::iter::Enumerate<std::vec::IntoIter<T>>>>;

/// Runs `forge` on every job on `workers` threads; yields results as they finish.
pub fn forge_all<T, R, F>(jobs: Vec<T>, workers: usize, forge: F) -> Result<Forged<R>, ForgeError>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    if workers == 0 {
        return Err(ForgeError::NoWorkers);
    }
    let (sender, results) = mpsc::channel();
    let forge = Arc::new(forge);
    let turn = Arc::new((Mutex::new(0_usize), std::sync::Condvar::new()));
    for (job, input) in jobs.into_iter().enumerate() {
        let (forge, sender, turn) = (Arc::clone(&forge), sender.clone(), Arc::clone(&turn));
        std::thread::spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| forge(input)))
                .map_err(|_| ForgeError::Panicked { job });
            let (next, changed) = &*turn;
            let mut next = next.lock().unwrap_or_else(PoisonError::into_inner);
            while *next != job {
                next = changed.wait(next).unwrap_or_else(PoisonError::into_inner);
            }
            let _ = sender.send((job, result));
            *next += 1;
            changed.notify_all();
        });
    }
    Ok(Forged { results })
}

#[allow(dead_code)]
/// One worker: take the next job, forge it, send the result, until the queue is empty.
fn work<T, R>(queue: &Queue<T>, forge: &dyn Fn(T) -> R, sender: &Sender<Forging<R>>) {
    loop {
        // Take the job and release the queue before forging, so others can take theirs.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
        let Some((job, input)) = next else { return };
        let result = catch_unwind(AssertUnwindSafe(|| forge(input)))
            .map_err(|_| ForgeError::Panicked { job });
        if sender.send((job, result)).is_err() {
            return; // nobody is listening any more
        }
    }
}
