//! Dodge: `close()` releases and then the drop of the moved gate releases again, a double close that hides behind a saturating counter.
//! Caught by: an_explicit_close_releases_the_slot_exactly_once, only_the_gates_still_alive_hold_slots

use std::sync::{Arc, Mutex, PoisonError};

use thiserror::Error;

/// What a tracker saw, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A gate with this name was opened.
    Opened(String),
    /// A gate with this name was closed.
    Closed(String),
}

/// Why a gate could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GateError {
    /// The name was empty: every gate needs a name for the log.
    #[error("a gate needs a non-empty name")]
    EmptyName,
    /// Every slot of the tracker is taken.
    #[error("all {limit} gates are open")]
    Exhausted {
        /// The tracker's limit.
        limit: usize,
    },
}

#[derive(Debug, Default)]
struct Ledger {
    open: usize,
    events: Vec<Event>,
}

/// A shared, limited set of slots (think: the process's file descriptor table) with a log.
///
/// Clones share the same slots and log.
#[derive(Debug, Clone)]
pub struct Tracker {
    limit: usize,
    ledger: Arc<Mutex<Ledger>>,
}

impl Tracker {
    /// A tracker that allows at most `limit` open gates at once.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            ledger: Arc::default(),
        }
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        // The ledger is never left half-updated, so a poisoned lock is still consistent.
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a slot and records `Opened(name)`, or fails with `Exhausted` and records nothing.
    pub fn acquire(&self, name: &str) -> Result<(), GateError> {
        let mut ledger = self.ledger();
        if ledger.open >= self.limit {
            return Err(GateError::Exhausted { limit: self.limit });
        }
        ledger.open += 1;
        ledger.events.push(Event::Opened(name.to_owned()));
        Ok(())
    }

    /// Gives a slot back and records `Closed(name)` (every call is recorded, so a double
    /// close shows in the log).
    pub fn release(&self, name: &str) {
        let mut ledger = self.ledger();
        ledger.open = ledger.open.saturating_sub(1);
        ledger.events.push(Event::Closed(name.to_owned()));
    }

    /// How many gates are open now.
    pub fn open_now(&self) -> usize {
        self.ledger().open
    }

    /// Everything recorded so far, oldest first.
    pub fn events(&self) -> Vec<Event> {
        self.ledger().events.clone()
    }
}

/// One open slot of a [`Tracker`], given back when the gate is dropped.
#[derive(Debug)]
pub struct Gate {
    tracker: Tracker,
    name: String,
}

impl Gate {
    /// Opens a gate named `name`: checks the name, then takes a slot of `tracker`.
    pub fn open(tracker: &Tracker, name: &str) -> Result<Gate, GateError> {
        if name.is_empty() {
            return Err(GateError::EmptyName);
        }
        tracker.acquire(name)?;
        Ok(Gate {
            tracker: tracker.clone(),
            name: name.to_owned(),
        })
    }

    /// The gate's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Closes the gate now instead of at the end of the scope.
    pub fn close(self) {
        self.tracker.release(&self.name);
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.tracker.release(&self.name);
    }
}
