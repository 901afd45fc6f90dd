//! Dodge: debit and credit as two separate autocommitted updates: every transfer that runs to
//! the end is right, but a failure between them loses the money.
//! Caught by: a_fault_between_debit_and_credit_rolls_everything_back

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

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
    conn: Connection,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS accounts (
    name    TEXT    PRIMARY KEY,
    balance INTEGER NOT NULL CHECK (balance >= 0)
)";

impl Bank {
    /// Opens (or creates) a bank in the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, TransferError> {
        Self::with_connection(Connection::open(path)?)
    }

    /// Opens a bank in a private in-memory database.
    pub fn open_in_memory() -> Result<Self, TransferError> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(conn: Connection) -> Result<Self, TransferError> {
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// Opens account `name` holding `cents`.
    pub fn open_account(&self, name: &str, cents: i64) -> Result<(), TransferError> {
        if cents < 0 {
            return Err(TransferError::NegativeOpeningBalance(cents));
        }
        let inserted = self.conn.execute(
            "INSERT INTO accounts (name, balance) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![name, cents],
        )?;
        if inserted == 0 {
            return Err(TransferError::DuplicateAccount(name.to_owned()));
        }
        Ok(())
    }

    /// The balance of account `name`, in cents.
    pub fn balance(&self, name: &str) -> Result<i64, TransferError> {
        balance_of(&self.conn, name)
    }

    /// The sum of all balances, in cents.
    pub fn total(&self) -> Result<i64, TransferError> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(balance), 0) FROM accounts",
            [],
            |row| row.get(0),
        )?)
    }

    /// Moves `amount` cents from `from` to `to`, all or nothing.
    pub fn transfer(&mut self, from: &str, to: &str, amount: i64) -> Result<(), TransferError> {
        self.transfer_with_hook(from, to, amount, |_| Ok(()))
    }

    /// Like [`Bank::transfer`], but calls `between` after the debit and before the credit;
    /// if it fails the whole transfer is undone and [`TransferError::Interrupted`] returned.
    pub fn transfer_with_hook(
        &mut self,
        from: &str,
        to: &str,
        amount: i64,
        between: impl FnOnce(&Connection) -> Result<(), String>,
    ) -> Result<(), TransferError> {
        if amount <= 0 {
            return Err(TransferError::NonPositiveAmount(amount));
        }
        if from == to {
            return Err(TransferError::SameAccount(from.to_owned()));
        }
        let tx = &self.conn;
        let available = balance_of(&tx, from)?;
        balance_of(&tx, to)?;
        if available < amount {
            return Err(TransferError::InsufficientFunds {
                account: from.to_owned(),
                balance: available,
                amount,
            });
        }
        add(tx, from, -amount)?;
        between(&tx).map_err(TransferError::Interrupted)?;
        add(tx, to, amount)?;
        Ok(())
    }
}

fn balance_of(conn: &Connection, name: &str) -> Result<i64, TransferError> {
    conn.query_row(
        "SELECT balance FROM accounts WHERE name = ?1",
        [name],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| TransferError::UnknownAccount(name.to_owned()))
}

fn add(tx: &Connection, name: &str, delta: i64) -> Result<(), TransferError> {
    tx.execute(
        "UPDATE accounts SET balance = balance + ?1 WHERE name = ?2",
        params![delta, name],
    )?;
    Ok(())
}
