//! # Kata 4 — All or nothing
//!
//! **Build** a [`Bank`] that keeps integer-cent balances in SQLite and moves money with
//! [`Bank::transfer`]: the debit and the credit happen in one transaction, so either both
//! happen or neither does.
//!
//! **Why:** the article's lost ₹100 — the server dies after the debit and before the
//! credit. Inside a transaction that crash (or any error) leaves the books exactly as they
//! were before the transfer began.
//!
//! **Python → Rust:** `try: ... conn.commit() except: conn.rollback()` becomes a
//! [`rusqlite::Transaction`] guard plus `?`: any error returns early, the guard drops, and
//! SQLite rolls back. Money is `i64` cents — never `f64` — and the rules that decide
//! whether a transfer is legal are distinct variants of [`TransferError`], checked before
//! anything is written.
//!
//! **Schema:** table `accounts` with `name TEXT PRIMARY KEY`,
//! `balance INTEGER NOT NULL CHECK (balance >= 0)`.
//!
//! **The tests check.**
//! - a transfer moves exactly the amount. Checked by `a_transfer_moves_exactly_the_amount`,
//!   `a_transfer_of_the_whole_balance_leaves_zero`, `balances_survive_reopening_the_file`.
//! - each rule breach is its own error, is checked before the debit (the hook never runs),
//!   and changes nothing. Checked by `insufficient_funds_is_refused_and_changes_nothing`,
//!   `an_unknown_account_is_refused_and_changes_nothing`, `a_non_positive_amount_is_refused`,
//!   `a_transfer_to_the_same_account_is_refused`, `a_refused_transfer_never_calls_the_hook`,
//!   `opening_accounts_rejects_duplicates_and_negative_balances`,
//!   `the_balance_of_an_unknown_account_is_an_error`.
//! - a negative opening balance is refused before anything is written: through the statement
//!   trace, `open_account(name, -1)` sends no `INSERT`, `REPLACE`, `UPDATE` or `DELETE` (the
//!   rule decides, not the `CHECK` constraint's failure, which would label any constraint
//!   error `NegativeOpeningBalance`). Checked by
//!   `opening_accounts_rejects_duplicates_and_negative_balances`.
//! - a database that fails (the table renamed away by another connection) is a `Sqlite`
//!   error, never a rule breach: not `UnknownAccount` from `balance`, `transfer` or
//!   `transfer_with_hook` (the balance reads inside a transfer included), and not
//!   `DuplicateAccount` from `open_account` (only the conflict on the name is a duplicate).
//!   Checked by `a_failing_database_is_a_database_error_not_an_unknown_account`,
//!   `opening_an_account_on_a_failing_database_is_a_database_error_not_a_duplicate`.
//! - through SQLite's statement trace (started by a hook, which is lent the bank's
//!   connection): the transaction opens before the balances are read (before any `SELECT`,
//!   through a view or not, and any statement naming `accounts`) and nothing ends it
//!   (or opens another) before the last write, so the check and the debit are one atomic
//!   unit; a refused transfer sends no `UPDATE`, `INSERT` or `DELETE` at all (the rules
//!   decide, not a failed write, a row count or the `CHECK` constraint).
//!   Checked by `the_checks_read_inside_the_transfers_transaction`,
//!   `a_refused_transfer_attempts_no_write`.
//! - `open_account` decides the duplicate rule in the write it guards: through the statement
//!   trace, no statement reads `accounts` before the `INSERT` unless one transaction, opened
//!   before that read, stays open until the write (a lookup in autocommit, then a separate
//!   `INSERT`, lets another connection add the name in between). Let the `INSERT` decide
//!   (`ON CONFLICT DO NOTHING` and its row count, or the `UNIQUE` error). Checked by
//!   `opening_an_account_decides_the_duplicate_in_its_write`.
//! - a fault injected between the debit and the credit (the `between` hook) rolls the debit
//!   back; inside the hook the debit is made and the credit not yet (two writes with the
//!   hook between them); a passing hook runs once. Checked by
//!   `a_fault_between_debit_and_credit_rolls_everything_back`,
//!   `a_passing_hook_runs_once_and_the_transfer_completes`.
//! - a hook that panics leaves no transaction open on the bank's connection: the debit is
//!   undone as the panic unwinds (through the statement trace, the `ROLLBACK` runs while the
//!   thread is unwinding: the guard's `Drop`, not `catch_unwind` and a `ROLLBACK` by hand)
//!   and the next transfer works; right after the panic, before the bank is used again,
//!   another connection can take the write lock (no clean-up left for a later call). Checked by
//!   `a_panicking_hook_leaves_no_transaction_open`,
//!   `a_panicking_hook_releases_the_write_lock_as_it_unwinds`.
//! - cents stay exact far beyond what an `f64` holds: balances near 2^62 cents move by one
//!   cent exactly, and asking one cent more than a balance of 2^53 or 2^62 - 1 cents (which
//!   an `f64` cannot tell apart) is `InsufficientFunds`, decided in integer cents; `total`
//!   of two balances near 2^62 is exact (an integer sum, not SQLite's float `total()`). Checked by
//!   `cents_stay_exact_far_beyond_what_an_f64_holds`,
//!   `insufficient_funds_is_refused_and_changes_nothing`.
//! - atomicity seen from outside, on a real file: while the hook runs, a second connection
//!   reads the balances from before the transfer (or is kept out by its lock), never the
//!   debit alone; and a transfer is exactly one committed write transaction (the file's
//!   change counter, header bytes 24..28, rises by one), a refused or interrupted one none.
//!   Checked by `another_connection_never_sees_the_debit_without_the_credit`,
//!   `a_transfer_is_one_commit_and_a_failed_one_is_none`.
//! - names and cents reach SQLite bound, never as text in the SQL: through the statement
//!   trace of every connection the bank opens (SQLite's auto-extension hook traces every
//!   connection the code opens), opening two accounts, a transfer and a balance send names
//!   with a quote and amounts with digits no SQL text holds only as bound values (an amount
//!   bound as its negative delta counts), never pasted with `format!` (quotes doubled by
//!   hand are still string-built SQL). Checked by `balances_survive_reopening_the_file`.
//! - the schema stores integer cents and its `CHECK (balance >= 0)` refuses an overdraft
//!   written by any connection: another connection's `INSERT` of the name `7` and the
//!   balance `'100.0'` is stored as text and integer (the declared `TEXT` and `INTEGER`
//!   types' affinity, or a STRICT table, converts them), not as sent. Checked by
//!   `the_schema_stores_integer_cents_and_refuses_a_negative_balance`.
//! - as a property, no sequence of transfers ever changes the total or makes a balance
//!   negative. Checked by `no_sequence_of_transfers_creates_destroys_or_overdraws_money`.
//! - the undo record is on disk: while the hook runs, the file has a non-empty rollback
//!   journal (`<file>-journal`, or `<file>-wal` in WAL mode), so a crash mid-commit can be
//!   recovered (a `journal_mode` of `MEMORY` or `OFF` keeps none). Checked by
//!   `while_a_transfer_is_half_done_its_undo_journal_is_on_disk`.
//!
//! **Not checked.** How hard a commit pushes the data to the disk (`PRAGMA synchronous`):
//! turning the fsyncs off changes nothing a test can see short of a power cut (a process
//! crash still finds the journal), and this kata teaches the transaction, not the fsync.
//! Whether the new balances are written as deltas (`balance = balance + ?`) or as absolute
//! values worked out in Rust from the balances read in the same transaction: inside one
//! transaction no other writer can change them in between, so the two agree. Whether
//! `balance` is declared `INTEGER` or `NUMERIC`: the two affinities store every value alike
//! (`'100.0'` becomes integer 100, `100.5` stays a REAL fraction of a cent under both, as
//! this schema has no CHECK on the type), so no test can tell them apart.

use std::path::Path;

use rusqlite::Connection;

/// Why a transfer (or opening an account) was refused.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// Amounts must be at least one cent.
    #[error("amount must be positive, got {0} cents")]
    NonPositiveAmount(i64),
    /// Opening balances cannot be negative.
    #[error("an account cannot open with a negative balance ({0} cents)")]
    NegativeOpeningBalance(i64),
    /// There is no account with this name.
    #[error("unknown account {0:?}")]
    UnknownAccount(String),
    /// An account with this name already exists.
    #[error("account {0:?} already exists")]
    DuplicateAccount(String),
    /// Source and destination are the same account.
    #[error("cannot transfer from {0:?} to itself")]
    SameAccount(String),
    /// The source account holds less than the amount.
    #[error("account {account:?} holds {balance} cents, cannot send {amount}")]
    InsufficientFunds {
        /// The account that was short.
        account: String,
        /// What it holds.
        balance: i64,
        /// What the transfer asked for.
        amount: i64,
    },
    /// The hook run between debit and credit failed; the transfer was rolled back.
    #[error("transfer interrupted between debit and credit: {0}")]
    Interrupted(String),
    /// The database failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Accounts with integer-cent balances.
#[derive(Debug)]
pub struct Bank {
    // your state here
}

impl Bank {
    /// Opens (or creates) a bank in the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, TransferError> {
        todo!("open the bank at {}", path.display())
    }

    /// Opens a bank in a private in-memory database.
    pub fn open_in_memory() -> Result<Self, TransferError> {
        todo!("open an in-memory bank")
    }

    /// Opens account `name` holding `cents`.
    pub fn open_account(&self, name: &str, cents: i64) -> Result<(), TransferError> {
        todo!("open account {name:?} with {cents} cents")
    }

    /// The balance of account `name`, in cents.
    pub fn balance(&self, name: &str) -> Result<i64, TransferError> {
        todo!("read the balance of {name:?}")
    }

    /// The sum of all balances, in cents.
    pub fn total(&self) -> Result<i64, TransferError> {
        todo!("add up every balance")
    }

    /// Moves `amount` cents from `from` to `to`, all or nothing.
    pub fn transfer(&mut self, from: &str, to: &str, amount: i64) -> Result<(), TransferError> {
        todo!("transfer {amount} cents from {from:?} to {to:?}")
    }

    /// Like [`Bank::transfer`], but calls `between` after the debit and before the credit;
    /// if it fails the whole transfer is undone and [`TransferError::Interrupted`] returned.
    pub fn transfer_with_hook(
        &mut self,
        from: &str,
        to: &str,
        amount: i64,
        _between: impl FnOnce(&Connection) -> Result<(), String>,
    ) -> Result<(), TransferError> {
        todo!("transfer {amount} cents from {from:?} to {to:?}, calling the hook in between")
    }
}
