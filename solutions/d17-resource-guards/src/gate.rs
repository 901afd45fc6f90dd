//! # Kata 1: a guard that always closes
//!
//! **Build** `Gate`, a guard over one slot of a [`Tracker`]: `Gate::open` takes a slot
//! (`Tracker::acquire`), and the slot is given back (`Tracker::release`) when the gate is
//! dropped, whichever way its scope ends: at the closing brace, by an early `return`, by
//! `?`, or by a panic. `close(self)` closes it earlier, and still exactly once.
//!
//! **Why.** A file, socket or connection that is opened on one line and closed on a later
//! one leaks whenever something in between fails. Do that in a loop and the process runs
//! out: "too many open files", a database at `max_connections`. The close has to be tied to
//! the end of the scope, not to a line someone has to remember.
//!
//! **Python → Rust.** Python's `with` is sugar for `try/finally`: `__exit__` runs however the
//! block is left. Rust has no `with` statement and needs none: a value is dropped when its
//! owner's scope ends, on every path including unwinding from a panic, and `impl Drop` is
//! the code that runs then (RAII, "resource acquisition is initialisation"). Ownership
//! decides *which* scope: a gate moved into a function closes when that function ends;
//! locals are dropped in reverse order of declaration, like nested `with` blocks.
//!
//! One exit skips `Drop`: [`std::mem::forget`] (or a reference cycle of `Rc`s). It is safe,
//! because leaking is not undefined behaviour, but the slot stays taken; the tests show it.
//!
//! **The tests check.**
//! - `Gate::open` takes a slot and logs `Opened(name)`. Checked by
//!   `opening_a_gate_takes_a_slot_and_logs_it`.
//! - The slot is given back on every exit path: the end of the scope, an early `return`,
//!   `?`, and a panic (through `std::panic::catch_unwind`). Checked by
//!   `the_gate_closes_on_every_exit_path`.
//! - Each gate releases its slot exactly once: `close()` followed by the drop of the moved
//!   gate is one release (the tracker logs every release, so a double close shows).
//!   Checked by `an_explicit_close_releases_the_slot_exactly_once`.
//! - A closed gate leaves nothing behind: its name and its clone of the tracker are freed
//!   (a `close()` that releases by hand and then forgets the gate, `mem::forget` or
//!   `ManuallyDrop`, leaks them, or fresh values swapped in for them: after a thousand
//!   open/close rounds not one byte more of heap is allocated than before).
//!   Checked by `a_closed_gate_leaves_nothing_behind`.
//! - Nested gates close in reverse order of opening, and a gate moved into a function
//!   closes when that function ends. Checked by `nested_gates_close_in_reverse_order`,
//!   `a_gate_moved_into_a_function_closes_when_that_function_ends`.
//! - `Gate::open` with an empty name fails with `GateError::EmptyName` and does not touch
//!   the tracker; on a full tracker it passes on `GateError::Exhausted { limit }`. Checked by
//!   `an_empty_name_is_rejected_and_takes_no_slot`, `a_full_tracker_refuses_the_next_gate`.
//! - A thousand panicking users of a tracker with one slot leave no gate open. Checked by
//!   `a_thousand_panicking_users_leave_no_gate_open`.
//! - `mem::forget` skips `Drop` and the slot stays taken. Checked by
//!   `mem_forget_skips_drop_and_leaks_the_slot`.
//! - Over any mix of kept, closed and dropped gates, only the gates still alive hold slots.
//!   Checked by `only_the_gates_still_alive_hold_slots`.
//!
//! **Not checked.** Whether `close` is `drop(self)` (one place releases) or releases by hand
//! and then keeps `Drop` from releasing again (a flag that `Drop` reads, or `ManuallyDrop`
//! with each field moved out and dropped, `ptr::read`): all release exactly once on every
//! path and free the gate, so the tracker, the log and the heap see the same thing. The
//! single release in `Drop` is the tidier design (and needs no `unsafe`), not a different
//! behaviour.
//!
//! The `impl Drop for Gate` at the end of this file is empty: fill it in. (It has no
//! `todo!()` on purpose: a panic inside `drop` while a panic unwinds aborts the whole test
//! run.)

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
        // Dropping `self` is the close: there is exactly one place that releases.
        drop(self);
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.tracker.release(&self.name);
    }
}
