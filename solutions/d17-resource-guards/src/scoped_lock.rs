//! # Kata 8: scoped locks
//!
//! **Build** `Tally`, named counters shared by threads, kept in a
//! `std::sync::Mutex<BTreeMap<String, u64>>`, and `Report`, what is left when the tally
//! is consumed, even after a thread panicked while holding the lock.
//!
//! **Why.** A lock is a resource like a file: taken, it must be given back, and the time it
//! is held matters. Held too briefly (read under one lock, write under another), two
//! threads interleave and updates are lost. Held too long (while calling code that may
//! take the same lock, or may block), the program deadlocks or crawls.
//!
//! **Python → Rust.** Python writes `with lock:` and the lock is released at the end of
//! the block. In Rust `Mutex::lock` returns a `MutexGuard`, and the lock is released when
//! the guard is dropped: at the end of the block that owns it, or earlier with
//! `drop(guard)`. The data is only reachable through the guard, so forgetting to lock does
//! not compile. What Python lacks is *poisoning*: if a thread panics while it holds the
//! guard, the mutex is marked poisoned, and every later `lock()` returns
//! `Err(PoisonError)`, because the data may be half-updated. The data is still there:
//! `PoisonError::into_inner` gives it back for whoever decides it can be trusted, and
//! `Mutex::into_inner` does the same for a mutex you own.
//!
//! **The tests check.**
//! - `add` returns the new total; a counter that was never added to is 0. Checked by
//!   `add_returns_the_running_total`.
//! - Each call takes the counters' lock once: `add`, `update` and `add_then` do their whole
//!   read-modify-write under one guard, and an empty key is refused before locking (the
//!   given [`CountedMutex`] counts). Checked by `each_call_takes_the_lock_once`.
//! - Eight threads adding at once lose no update. Checked by `concurrent_adds_lose_nothing`.
//! - `update(key, f)` calls `f(current)` *while holding the lock* (`try_total` inside `f`
//!   gives `None`), stores `Some(new)` (and returns it) or changes nothing on `None`.
//!   Checked by `update_runs_its_closure_while_holding_the_lock`,
//!   `an_update_that_returns_none_changes_nothing`.
//! - `add_then(key, amount, after)` adds, *releases the lock*, and only then calls
//!   `after(new_total)`; `after` may use the tally. Checked by
//!   `add_then_calls_back_after_releasing_the_lock`.
//! - An addition that would overflow a `u64` is `TallyError::Overflow { key, amount }` and
//!   the total is unchanged. Checked by `overflow_is_an_error_and_leaves_the_total_unchanged`.
//! - An empty key is `TallyError::EmptyKey`. Checked by `an_empty_key_is_rejected`.
//! - Once a thread has panicked while holding the lock (inside `update`'s `f`), every
//!   method returning `Result` fails with `TallyError::Poisoned`, and `try_total` gives
//!   `None`. Checked by `a_panic_while_holding_the_lock_poisons_the_tally`.
//! - That poison is the `Mutex`'s own, not a flag of the tally's: a panic under a guard
//!   taken straight from the mutex (`Tally::counters().lock()`, bypassing every method)
//!   makes the methods fail with `Poisoned` just the same, and `into_report` recovers the
//!   totals from it. Checked by `a_panic_under_any_guard_of_the_mutex_poisons_the_tally`.
//! - `into_report` consumes the tally and always returns the totals, with `poisoned: true`
//!   if they were recovered from a poisoned mutex. It takes the map out of the mutex it
//!   owns (`Mutex::into_inner`), healthy or poisoned: no copy (it allocates nothing).
//!   Checked by `into_report_recovers_the_totals_of_a_poisoned_tally`,
//!   `a_healthy_tally_reports_not_poisoned`,
//!   `into_report_takes_the_totals_without_copying_them`.
//! - `Report` displays as `name=total` pairs in name order separated by `, ` (for example
//!   `a=1, b=2`), or `(empty)` when there are no counters, followed by
//!   ` (recovered from a poisoned lock)` when poisoned (insta snapshot). Checked by
//!   `reports_render_for_people`.
//! - Any sequence of adds gives the totals of a plain map. Checked by
//!   `the_tally_matches_a_plain_map`.
//!
//! **Not checked.** Whether a contended method blocks in `Mutex::lock` or spins on
//! `try_lock` with `yield_now`: both give the same totals, and no test watches the state of
//! a thread that waits for the lock.
//! Whether `into_report` locks once more and moves the map out (`mem::take` through the
//! guard) instead of `into_inner`: no copy, the same report, and the lock count is gone
//! with the tally.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LockResult, Mutex, MutexGuard, TryLockError, TryLockResult};

use thiserror::Error;

/// Why a tally operation failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TallyError {
    /// Counter names must not be empty.
    #[error("a counter needs a non-empty name")]
    EmptyKey,
    /// The new total would not fit in a `u64`; the total is unchanged.
    #[error("adding {amount} to {key:?} would overflow")]
    Overflow {
        /// The counter.
        key: String,
        /// The amount that did not fit.
        amount: u64,
    },
    /// A thread panicked while it held the lock; the totals may be half-updated.
    #[error("the tally's lock is poisoned: a thread panicked while holding it")]
    Poisoned,
}

/// The totals of a tally, and whether they were recovered from a poisoned lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every counter and its total.
    pub totals: BTreeMap<String, u64>,
    /// `true` if a thread panicked while holding the lock.
    pub poisoned: bool,
}

impl fmt::Display for Report {
    /// `a=1, b=2`, then ` (recovered from a poisoned lock)` if poisoned; `(empty)` if no
    /// counters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.totals.is_empty() {
            f.write_str("(empty)")?;
        }
        for (i, (key, total)) in self.totals.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{key}={total}")?;
        }
        if self.poisoned {
            f.write_str(" (recovered from a poisoned lock)")?;
        }
        Ok(())
    }
}

/// A [`std::sync::Mutex`] that counts how many times it has been locked. It is given, not
/// part of the exercise: keep the counters in one, so the tests can see how many guards each
/// method of [`Tally`] takes.
#[derive(Debug, Default)]
pub struct CountedMutex<T> {
    inner: Mutex<T>,
    locks: AtomicUsize,
}

impl<T> CountedMutex<T> {
    /// A new, unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            inner: Mutex::new(value),
            locks: AtomicUsize::new(0),
        }
    }

    /// [`Mutex::lock`], counted.
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        self.locks.fetch_add(1, Ordering::SeqCst);
        self.inner.lock()
    }

    /// [`Mutex::try_lock`], counted (whether or not it gets the lock).
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        self.locks.fetch_add(1, Ordering::SeqCst);
        self.inner.try_lock()
    }

    /// [`Mutex::into_inner`]: the value, or a `PoisonError` holding it.
    pub fn into_inner(self) -> LockResult<T> {
        self.inner.into_inner()
    }

    /// How many times `lock` and `try_lock` have been called.
    pub fn locks(&self) -> usize {
        self.locks.load(Ordering::SeqCst)
    }
}

/// Named counters shared between threads.
#[derive(Debug, Default)]
pub struct Tally {
    totals: CountedMutex<BTreeMap<String, u64>>,
}

fn check_key(key: &str) -> Result<(), TallyError> {
    if key.is_empty() {
        return Err(TallyError::EmptyKey);
    }
    Ok(())
}

impl Tally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, BTreeMap<String, u64>>, TallyError> {
        self.totals.lock().map_err(|_| TallyError::Poisoned)
    }

    /// Adds `amount` to `key` (a missing counter starts at 0) and returns the new total.
    pub fn add(&self, key: &str, amount: u64) -> Result<u64, TallyError> {
        self.update(key, |total| total.checked_add(amount))?
            .ok_or_else(|| TallyError::Overflow {
                key: key.to_owned(),
                amount,
            })
    }

    /// Runs `f` on the current total of `key` while holding the lock; stores and returns
    /// what `f` returns, or leaves the total unchanged if `f` returns `None`.
    pub fn update(
        &self,
        key: &str,
        f: impl FnOnce(u64) -> Option<u64>,
    ) -> Result<Option<u64>, TallyError> {
        check_key(key)?;
        let mut totals = self.lock()?;
        let current = totals.get(key).copied().unwrap_or(0);
        let new = f(current);
        if let Some(new) = new {
            totals.insert(key.to_owned(), new);
        }
        Ok(new)
    }

    /// Adds `amount` to `key`, releases the lock, then calls `after` with the new total.
    pub fn add_then<R>(
        &self,
        key: &str,
        amount: u64,
        after: impl FnOnce(u64) -> R,
    ) -> Result<R, TallyError> {
        let total = self.add(key, amount)?;
        Ok(after(total))
    }

    /// The total of `key` (0 if missing).
    pub fn total(&self, key: &str) -> Result<u64, TallyError> {
        Ok(self.lock()?.get(key).copied().unwrap_or(0))
    }

    /// The total of `key` if the lock is free right now; `None` if another guard holds it
    /// (or it is poisoned). Never blocks.
    pub fn try_total(&self, key: &str) -> Option<u64> {
        match self.totals.try_lock() {
            Ok(totals) => Some(totals.get(key).copied().unwrap_or(0)),
            Err(TryLockError::WouldBlock | TryLockError::Poisoned(_)) => None,
        }
    }

    /// How many times the counters' lock has been taken ([`CountedMutex::locks`]).
    pub fn locks_taken(&self) -> usize {
        self.totals.locks()
    }

    /// The [`CountedMutex`] that holds the counters, lent out for the tests (they lock it
    /// themselves, and panic while holding its guard).
    pub fn counters(&self) -> &CountedMutex<BTreeMap<String, u64>> {
        &self.totals
    }

    /// Consumes the tally and returns its totals, recovering them if the lock is poisoned.
    pub fn into_report(self) -> Report {
        match self.totals.into_inner() {
            Ok(totals) => Report {
                totals,
                poisoned: false,
            },
            Err(poison) => Report {
                totals: poison.into_inner(),
                poisoned: true,
            },
        }
    }
}
