//! The glue between `notify` and the [`Debouncer`]: a recursive watch on the katas
//! directory and a thread that turns its events into debounced [`Change`]s.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use super::debounce::{Change, Debouncer};
use crate::error::WatchError;

/// A running recursive watch; dropping it stops watching (the callback is not called
/// again once the pending burst, if any, is dropped).
pub struct SourceWatcher {
    watcher: Option<RecommendedWatcher>,
    dir: PathBuf,
}

impl std::fmt::Debug for SourceWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceWatcher")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl SourceWatcher {
    /// Watches `dir` recursively and calls `on_change` once per burst of saves, after
    /// `quiet` without relevant events. `on_change` runs on a background thread; when it
    /// returns `false` the thread stops.
    ///
    /// Events are registered before this returns: a save made after `start` is seen.
    pub fn start<F>(dir: &Path, quiet: Duration, on_change: F) -> Result<Self, WatchError>
    where
        F: FnMut(Change) -> bool + Send + 'static,
    {
        let dir = dir.canonicalize().map_err(|source| WatchError::Directory {
            dir: dir.to_path_buf(),
            source,
        })?;
        let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(move |event| {
            // The debounce thread is gone only when we are shutting down.
            let _ = tx.send(event);
        })
        .map_err(|source| WatchError::Notify {
            dir: dir.clone(),
            source,
        })?;
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(|source| WatchError::Notify {
                dir: dir.clone(),
                source,
            })?;
        let debouncer = Debouncer::new(dir.clone(), quiet);
        thread::Builder::new()
            .name("kata-watch-debounce".into())
            .spawn(move || debounce_loop(debouncer, rx, on_change))
            .map_err(WatchError::Thread)?;
        Ok(Self {
            watcher: Some(watcher),
            dir,
        })
    }

    /// The watched directory, canonicalised.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for SourceWatcher {
    fn drop(&mut self) {
        // Dropping the watcher drops its event sender, which ends the debounce thread.
        drop(self.watcher.take());
    }
}

/// Feeds events to the debouncer and releases changes when their quiet period is over.
fn debounce_loop<F>(
    mut debouncer: Debouncer,
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    mut on_change: F,
) where
    F: FnMut(Change) -> bool,
{
    loop {
        let received = match debouncer.deadline() {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(deadline) => rx.recv_timeout(deadline.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok(Ok(event)) => debouncer.record(&event, Instant::now()),
            // A dropped or overflowed event queue: a re-check is the safe answer.
            Ok(Err(_)) => debouncer.record_unknown(Instant::now()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if let Some(change) = debouncer.poll(Instant::now())
            && !on_change(change)
        {
            return;
        }
    }
}
