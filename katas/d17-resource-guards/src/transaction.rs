//! # Kata 3: a transaction guard
//!
//! **Build** `Transaction`, a guard over one database transaction: `Transaction::begin`
//! sends `BEGIN`; `commit(self)` sends `COMMIT`; `rollback(self)` sends `ROLLBACK`; and a
//! transaction dropped without either rolls back in `Drop`. Then `transfer`, which moves
//! money between two accounts with it.
//!
//! **Why.** A transfer is two updates. If the process fails between them (an error, an
//! early return, a panic in the driver), the debit must not survive without its credit.
//! A guard that rolls back unless it was explicitly committed makes "all or nothing" the
//! default: every path that does not reach `commit()` is a rollback.
//!
//! **Python → Rust.** The article's `async with connection.transaction():` commits when the
//! block ends normally and rolls back when an exception escapes it. Rust's `Drop` cannot
//! see whether the scope ended in success or failure, so the decision becomes explicit:
//! success is the call to `commit`, which takes `self` (after it the guard is gone, and the
//! compiler refuses any further use), and everything else is the drop. A guard that
//! commits in `Drop` would commit half a transfer when the credit fails. This is what
//! `rusqlite::Transaction` and `sqlx::Transaction` do.
//!
//! The tests use a mockall `Database`: every unexpected call fails.
//!
//! **The tests check.**
//! - `transfer(db, from, to, amount)` runs begin, [`DEBIT`] with params `[amount, from]`,
//!   [`CREDIT`] with params `[amount, to]`, commit, in exactly that order and nothing else.
//!   If that `COMMIT` fails, `transfer` returns its error as `TransferError::Db` and the
//!   transaction is rolled back. Checked by
//!   `a_transfer_runs_begin_debit_credit_commit_and_nothing_else`,
//!   `a_transfer_whose_commit_fails_returns_the_error_and_rolls_back`.
//! - It first refuses `amount <= 0` (`TransferError::InvalidAmount(amount)`) and
//!   `from == to` (`TransferError::SameAccount(from)`) without any database call. Checked by
//!   `bad_input_is_refused_before_any_database_call`.
//! - A database error is returned as `TransferError::Db`, rolls back and never commits.
//!   Checked by `a_failed_statement_rolls_back_and_never_commits`.
//! - A statement that changes 0 rows means the account does not exist:
//!   `TransferError::UnknownAccount(id)` and a rollback of the debit already made. Checked by
//!   `an_unknown_account_rolls_back_the_debit_already_made`.
//! - A panic inside the driver rolls back too (the rollback is in `Drop`). Checked by
//!   `a_panic_mid_transaction_rolls_back`.
//! - `Transaction::begin` calls `Database::begin` once; if that fails, its error is returned
//!   and nothing else is called (no rollback: nothing began). Checked by
//!   `a_failed_begin_is_returned_and_nothing_is_rolled_back`.
//! - Dropping an unfinished transaction calls `Database::rollback` exactly once and never
//!   `commit`, also after statements that all succeeded (only `commit(self)` commits; `Drop`
//!   never guesses success); a rollback error in `Drop` is ignored (no panic). Checked by
//!   `dropping_an_unfinished_transaction_rolls_back_once`,
//!   `a_rollback_that_fails_in_drop_is_ignored`.
//! - `commit` calls `Database::commit` once; on success nothing more is called. If the
//!   commit fails, its error is returned and the transaction is rolled back (once). Checked
//!   by `commit_consumes_the_guard_so_drop_does_not_roll_back`,
//!   `a_failed_commit_is_returned_and_then_rolled_back`.
//! - `rollback` calls `Database::rollback` once and returns its result; the drop after it
//!   does nothing more. Checked by `an_explicit_rollback_runs_once`,
//!   `a_failed_explicit_rollback_is_returned`.
//!
//! **Not checked.** Whether `transfer` uses the `Transaction` guard or calls `begin`,
//! `commit` and `rollback` by hand with `catch_unwind` for panics: the database sees the
//! same calls in the same order either way (the transfer tests check those calls).

use std::marker::PhantomData;

use thiserror::Error;

/// A database connection that can run statements inside a transaction.
pub trait Database {
    /// Starts a transaction (`BEGIN`).
    fn begin(&mut self) -> Result<(), DbError>;
    /// Runs one statement with its parameters; returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[i64]) -> Result<u64, DbError>;
    /// Makes the transaction's changes permanent (`COMMIT`).
    fn commit(&mut self) -> Result<(), DbError>;
    /// Throws the transaction's changes away (`ROLLBACK`).
    fn rollback(&mut self) -> Result<(), DbError>;
}

/// An error from the database.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DbError {
    /// The connection went away.
    #[error("connection lost")]
    ConnectionLost,
    /// A constraint (a CHECK, a foreign key) refused the change.
    #[error("constraint violated: {0}")]
    Constraint(String),
}

/// Why a transfer did not happen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransferError {
    /// The amount was zero or negative.
    #[error("the amount must be positive, got {0}")]
    InvalidAmount(i64),
    /// The source and the target are the same account.
    #[error("cannot transfer from account {0} to itself")]
    SameAccount(i64),
    /// An UPDATE changed no row: the account does not exist.
    #[error("no account with id {0}")]
    UnknownAccount(i64),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Takes `amount` from account `id`: parameters `[amount, id]`.
pub const DEBIT: &str = "UPDATE accounts SET balance = balance - ?1 WHERE id = ?2";
/// Gives `amount` to account `id`: parameters `[amount, id]`.
pub const CREDIT: &str = "UPDATE accounts SET balance = balance + ?1 WHERE id = ?2";

/// An open transaction on `D`; rolls back when dropped unless committed.
#[derive(Debug)]
pub struct Transaction<'db, D: Database> {
    // Replace this marker with your fields: the connection (`&'db mut D`) and whatever
    // else the guard must remember.
    _marker: PhantomData<&'db mut D>,
}

impl<'db, D: Database> Transaction<'db, D> {
    /// Begins a transaction on `db`.
    pub fn begin(_db: &'db mut D) -> Result<Self, DbError> {
        todo!("send BEGIN and return the guard")
    }

    /// Runs one statement inside the transaction.
    pub fn execute(&mut self, sql: &str, params: &[i64]) -> Result<u64, DbError> {
        todo!("run {sql:?} with {params:?} inside the transaction")
    }

    /// Commits. If the commit fails, the transaction rolls back (in `Drop`) and the commit's
    /// error is returned.
    pub fn commit(self) -> Result<(), DbError> {
        todo!("send COMMIT, and make sure the drop that follows does not roll back")
    }

    /// Rolls back now and reports the rollback's error.
    pub fn rollback(self) -> Result<(), DbError> {
        todo!("send ROLLBACK once")
    }
}

impl<D: Database> Drop for Transaction<'_, D> {
    /// Runs when the guard goes away, committed or not.
    fn drop(&mut self) {
        // Your code here: roll back unless the transaction was finished.
        // No todo!() here: a panic inside drop during a panic aborts the test run.
    }
}

/// Moves `amount` from account `from` to account `to` in one transaction: begin, `DEBIT`
/// with `[amount, from]`, `CREDIT` with `[amount, to]`, commit.
pub fn transfer<D: Database>(
    _db: &mut D,
    from: i64,
    to: i64,
    amount: i64,
) -> Result<(), TransferError> {
    todo!("transfer {amount} from account {from} to account {to} in one transaction")
}
