//! # Kata 8: scoped locks
//!
//! `Tally` keeps named counters in a `Mutex<BTreeMap>`. Each method holds the
//! `MutexGuard` for one block only: a whole read-modify-write happens under one guard,
//! and nothing that might call back into the tally runs while the guard is alive. A panic
//! while the guard is held poisons the mutex: later calls report it, and `into_report`
//! recovers the data with `PoisonError::into_inner`.

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
