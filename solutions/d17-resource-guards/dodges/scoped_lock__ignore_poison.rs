//! Dodge: every lock recovers the data with `PoisonError::into_inner` and carries on, so totals a panicking thread left half-updated are used as if they were sound and nobody is told.
//! Caught by: a_panic_while_holding_the_lock_poisons_the_tally

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, TryLockError};

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

/// Named counters shared between threads.
#[derive(Debug, Default)]
pub struct Tally {
    totals: Mutex<BTreeMap<String, u64>>,
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
        // Carry on whatever happened: a poisoned lock is treated as a healthy one.
        Ok(self
            .totals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
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
