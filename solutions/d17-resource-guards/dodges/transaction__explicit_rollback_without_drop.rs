//! Dodge: no `Drop`: `transfer` calls `rollback()` by hand on each error it sees, so a panic in the driver (or any caller that just drops the guard) never rolls back.
//! Caught by: a_panic_mid_transaction_rolls_back, dropping_an_unfinished_transaction_rolls_back_once, a_failed_commit_is_returned_and_then_rolled_back

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
    db: &'db mut D,
    finished: bool,
}

impl<'db, D: Database> Transaction<'db, D> {
    /// Begins a transaction on `db`.
    pub fn begin(db: &'db mut D) -> Result<Self, DbError> {
        db.begin()?;
        Ok(Self {
            db,
            finished: false,
        })
    }

    /// Runs one statement inside the transaction.
    pub fn execute(&mut self, sql: &str, params: &[i64]) -> Result<u64, DbError> {
        self.db.execute(sql, params)
    }

    /// Commits. If the commit fails, the transaction rolls back (in `Drop`) and the commit's
    /// error is returned.
    pub fn commit(mut self) -> Result<(), DbError> {
        self.db.commit()?;
        self.finished = true;
        Ok(())
    }

    /// Rolls back now and reports the rollback's error.
    pub fn rollback(mut self) -> Result<(), DbError> {
        self.finished = true;
        self.db.rollback()
    }
}

/// Moves `amount` from account `from` to account `to` in one transaction: begin, `DEBIT`
/// with `[amount, from]`, `CREDIT` with `[amount, to]`, commit.
pub fn transfer<D: Database>(
    db: &mut D,
    from: i64,
    to: i64,
    amount: i64,
) -> Result<(), TransferError> {
    if amount <= 0 {
        return Err(TransferError::InvalidAmount(amount));
    }
    if from == to {
        return Err(TransferError::SameAccount(from));
    }
    let mut tx = Transaction::begin(db)?;
    for (sql, id) in [(DEBIT, from), (CREDIT, to)] {
        let error = match tx.execute(sql, &[amount, id]) {
            Ok(0) => TransferError::UnknownAccount(id),
            Ok(_) => continue,
            Err(e) => TransferError::Db(e),
        };
        tx.rollback()?;
        return Err(error);
    }
    tx.commit()?;
    Ok(())
}
