//! # Kata 3: races you can still write
//!
//! **Build** a `Bank` of numbered accounts that many threads use at once through `&Bank`:
//! `deposit`, `withdraw`, `balance` and `total`.
//!
//! **Why.** A lost update is the classic concurrency bug: two threads read the same
//! balance, both add to it, and the second write erases the first. Nothing crashes; the
//! books are simply wrong, and only under load.
//!
//! **Python → Rust.** The article's FAQ shows the race on a shared counter and fixes it
//! with `threading.Lock()`. Rust refuses the *data race* at compile time: a plain `u64`
//! cannot be mutated from two threads through `&Bank`; you need a `Mutex`, an atomic or
//! similar, and `Bank` must be `Sync`. But the compiler cannot see a *logical* race. This
//! compiles, never touches memory unsafely, and still loses updates:
//!
//! ```text
//! let current = *account.lock().unwrap();     // lock taken and released
//! *account.lock().unwrap() = current + amount; // another thread may have written in between
//! ```
//!
//! The same goes for "check, then act": checking the balance under one lock and
//! subtracting under another lets two withdrawals both pass the check and overdraw.
//! The fix is to do the whole read-modify-write while holding one lock. (Atomics are the
//! other fix: one `fetch_add`, or a `compare_exchange` loop for the checked cases. This
//! kata uses locks, so the tests can count them.)
//!
//! **Rules the tests check.**
//! - Each balance lives in a [`Vault`] (given), and the only way to it is [`Vault::lock`],
//!   which counts, per thread, the locks taken; the tests read the count with
//!   [`take_locks_taken`]. `deposit`, `withdraw` and `balance` take exactly one lock each,
//!   whether they succeed or not: the whole read-modify-write happens under it.
//! - Eight threads hammering the same accounts give exact totals: no update is lost.
//! - Concurrent withdrawals never take out more than the balance: the check and the
//!   subtraction are one step.
//! - A withdrawal larger than the balance is [`BankError::Insufficient`] and changes
//!   nothing; a deposit that would overflow a `u64` is [`BankError::Overflow`] and changes
//!   nothing; an account number not below `accounts` is [`BankError::UnknownAccount`].
//! - `deposit` and `withdraw` return the balance right after their own update.

use std::cell::Cell;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Why a bank operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    /// There is no account with this number.
    #[error("there is no account {account}")]
    UnknownAccount {
        /// The account asked for.
        account: usize,
    },
    /// The account holds less than the amount to withdraw.
    #[error("account {account} holds {balance}, cannot withdraw {amount}")]
    Insufficient {
        /// The account.
        account: usize,
        /// Its balance when the withdrawal was refused.
        balance: u64,
        /// The amount asked for.
        amount: u64,
    },
    /// The deposit would take the balance past `u64::MAX`.
    #[error("depositing {amount} into account {account} would overflow its balance")]
    Overflow {
        /// The account.
        account: usize,
        /// The amount asked for.
        amount: u64,
    },
}

thread_local! {
    static LOCKS_TAKEN: Cell<usize> = const { Cell::new(0) };
}

/// How many `Vault` locks this thread has taken since the last call.
pub fn take_locks_taken() -> usize {
    LOCKS_TAKEN.with(|taken| taken.replace(0))
}

/// One account's balance behind a lock that counts how often it is taken.
#[derive(Debug, Default)]
pub struct Vault {
    balance: Mutex<u64>,
}

impl Vault {
    /// A vault holding `balance`.
    pub fn new(balance: u64) -> Self {
        Self {
            balance: Mutex::new(balance),
        }
    }

    /// Locks the balance, adding one to this thread's count of locks taken.
    pub fn lock(&self) -> MutexGuard<'_, u64> {
        LOCKS_TAKEN.with(|taken| taken.set(taken.get() + 1));
        // A panic elsewhere cannot leave a `u64` half-written, so a poisoned lock is safe.
        self.balance.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Accounts numbered `0..accounts`, each starting at 0, safe to share between threads.
#[derive(Debug)]
pub struct Bank {
    vaults: Vec<Vault>,
}

impl Bank {
    /// A bank with `accounts` empty accounts.
    pub fn new(accounts: usize) -> Self {
        Self {
            vaults: (0..accounts).map(|_| Vault::default()).collect(),
        }
    }

    /// The locked balance of `account`: the one place every read-modify-write starts.
    fn account(&self, account: usize) -> Result<MutexGuard<'_, u64>, BankError> {
        let vault = self
            .vaults
            .get(account)
            .ok_or(BankError::UnknownAccount { account })?;
        Ok(vault.lock())
    }

    /// Adds `amount` to `account`; returns the new balance.
    pub fn deposit(&self, account: usize, amount: u64) -> Result<u64, BankError> {
        let mut balance = self.account(account)?;
        *balance = balance
            .checked_add(amount)
            .ok_or(BankError::Overflow { account, amount })?;
        Ok(*balance)
    }

    /// Takes `amount` out of `account` if it holds that much; returns the new balance.
    pub fn withdraw(&self, account: usize, amount: u64) -> Result<u64, BankError> {
        let mut balance = self.account(account)?;
        *balance = balance.checked_sub(amount).ok_or(BankError::Insufficient {
            account,
            balance: *balance,
            amount,
        })?;
        Ok(*balance)
    }

    /// The balance of `account`.
    pub fn balance(&self, account: usize) -> Result<u64, BankError> {
        Ok(*self.account(account)?)
    }

    /// The sum of all balances (each read under its own lock).
    pub fn total(&self) -> u128 {
        (0..self.vaults.len())
            .filter_map(|account| self.balance(account).ok())
            .map(u128::from)
            .sum()
    }
}
