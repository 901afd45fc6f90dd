//! Dodge: insert each entry on the bare connection (autocommit): the counts look right, but
//! every row is committed at once, so "not committed" keeps them anyway.
//! Caught by: an_uncommitted_batch_is_gone_after_reopening_the_file, a_batch_with_an_empty_entry_is_rejected_as_a_whole

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
    let conn = open(path)?;
    let tx = &conn;
    {
        let mut insert = tx.prepare("INSERT INTO journal (entry) VALUES (?1)")?;
        for (index, entry) in entries.iter().enumerate() {
            if entry.trim().is_empty() {
                return Err(BatchError::EmptyEntry(index));
            }
            insert.execute([entry])?;
        }
    }
    let seen = count(tx)?;
    let _ = commit;
    Ok(seen)
}

/// Counts the journal entries a new connection to `path` can see.
pub fn count_entries(path: &Path) -> Result<usize, BatchError> {
    count(&open(path)?)
}

fn count(conn: &Connection) -> Result<usize, BatchError> {
    Ok(conn.query_row("SELECT count(*) FROM journal", [], |row| row.get(0))?)
}
