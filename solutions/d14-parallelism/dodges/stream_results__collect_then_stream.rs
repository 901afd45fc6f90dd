//! Dodge: runs the whole batch on scoped threads, waits for all of it, and only then feeds the results into the channel: `map`, wearing an iterator's clothes.
//! Caught by: yields_each_result_in_the_order_the_jobs_finish, yields_the_first_finished_job_while_the_others_still_run, ends_after_the_last_result, runs_the_jobs_on_at_most_workers_threads

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::PoisonError;
use std::sync::mpsc::{self, Receiver, Sender};

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
    let forge = &forge;
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .into_iter()
            .enumerate()
            .map(|(job, input)| {
                scope.spawn(move || {
                    catch_unwind(AssertUnwindSafe(|| forge(input)))
                        .map_err(|_| ForgeError::Panicked { job })
                })
            })
            .collect();
        for (job, handle) in handles.into_iter().enumerate() {
            let result = handle.join().unwrap_or(Err(ForgeError::Panicked { job }));
            let _ = sender.send((job, result));
        }
    });
    let _ = workers;
    Ok(Forged { results })
}

#[allow(dead_code)]
type Queue<T> = std::sync::Arc<std::sync::Mutex<std::iter::Enumerate<std::vec::IntoIter<T>>>>;

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
