//! # Kata 3 — Nothing is saved until commit
//!
//! **Build** [`save_batch`], which writes a batch of journal entries inside one transaction
//! and commits it only when asked, and [`count_entries`], which counts what a *fresh*
//! connection sees in the file.
//!
//! **Why:** a write is not durable until its transaction commits. Code that forgets to
//! commit appears to work — it can read its own writes — and then loses everything when
//! the connection closes.
//!
//! **Python → Rust:** in Python, `with conn:` *commits* on a clean exit and the usual bug is
//! forgetting `commit()` outside such a block. In Rust, [`rusqlite::Transaction`] is a guard
//! whose `Drop` *rolls back* unless you called [`rusqlite::Transaction::commit`] (which
//! consumes it). Every early return — including `?` on an error — therefore undoes the
//! batch: the safe outcome is the default one.
//!
//! **Schema:** table `journal` with `id INTEGER PRIMARY KEY, entry TEXT NOT NULL`, created
//! if missing by both functions.
//!
//! **The tests check:** an uncommitted batch is visible inside its transaction and gone
//! after reopening the file; a committed batch survives; a batch with an empty entry is
//! rejected as a whole with a typed error.

use std::path::Path;

use rusqlite::Connection;

/// What can go wrong while saving a batch.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The entry at this (zero-based) index of the batch was empty.
    #[error("entry {0} of the batch is empty")]
    EmptyEntry(usize),
    /// The database failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY, entry TEXT NOT NULL)";

fn open(path: &Path) -> Result<Connection, BatchError> {
    let conn = Connection::open(path)?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Inserts `entries` in one transaction, commits only if `commit` is true, and returns
/// how many rows the transaction could see just before it ended.
pub fn save_batch(path: &Path, entries: &[&str], commit: bool) -> Result<usize, BatchError> {
    let mut conn = open(path)?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare("INSERT INTO journal (entry) VALUES (?1)")?;
        for (index, entry) in entries.iter().enumerate() {
            if entry.trim().is_empty() {
                return Err(BatchError::EmptyEntry(index));
            }
            insert.execute([entry])?;
        }
    }
    let seen = count(&tx)?;
    if commit {
        tx.commit()?;
    }
    Ok(seen)
}

/// Counts the journal entries a new connection to `path` can see.
pub fn count_entries(path: &Path) -> Result<usize, BatchError> {
    count(&open(path)?)
}

fn count(conn: &Connection) -> Result<usize, BatchError> {
    Ok(conn.query_row("SELECT count(*) FROM journal", [], |row| row.get(0))?)
}
