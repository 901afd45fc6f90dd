//! Dodge: lets a panicking job kill its worker thread: its result silently vanishes and the jobs that worker would have taken next may never run.
//! Caught by: a_job_that_panics_becomes_an_error_and_the_others_still_finish

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
    let threads = workers.min(jobs.len());
    let queue: Queue<T> = Arc::new(Mutex::new(jobs.into_iter().enumerate()));
    let forge = Arc::new(forge);
    let (sender, results) = mpsc::channel();
    for _ in 0..threads {
        let (queue, forge, sender) = (Arc::clone(&queue), Arc::clone(&forge), sender.clone());
        std::thread::spawn(move || work(&queue, &*forge, &sender));
    }
    Ok(Forged { results })
}

/// One worker: take the next job, forge it, send the result, until the queue is empty.
fn work<T, R>(queue: &Queue<T>, forge: &dyn Fn(T) -> R, sender: &Sender<Forging<R>>) {
    loop {
        // Take the job and release the queue before forging, so others can take theirs.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
        let Some((job, input)) = next else { return };
        let result = Ok(forge(input));
        if sender.send((job, result)).is_err() {
            return; // nobody is listening any more
        }
    }
}
