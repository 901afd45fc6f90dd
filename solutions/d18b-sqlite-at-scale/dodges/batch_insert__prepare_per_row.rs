//! Dodge: one transaction, but `Transaction::execute` per row, which compiles the INSERT again for every row.
//! Caught by: the_insert_is_prepared_once_and_run_once_per_row

use rusqlite::{Connection, params};

/// The table the batch fills.
pub const SCHEMA: &str = "CREATE TABLE warriors (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    power INTEGER NOT NULL CHECK (power >= 0)
);";

/// A warrior to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWarrior {
    /// Display name.
    pub name: String,
    /// Power level (the table refuses negative values).
    pub power: i64,
}

/// Why a batch failed. When it fails, none of its rows are stored.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// SQLite refused the row at this position of the batch (counting from 0).
    #[error("row {index} was refused: {source}")]
    Row {
        /// The position of the refused row in the batch.
        index: usize,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// SQLite refused to prepare, begin or commit.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Inserts every warrior in one transaction through one prepared statement; returns the count.
pub fn insert_batch(conn: &mut Connection, warriors: &[NewWarrior]) -> Result<usize, BatchError> {
    let tx = conn.transaction()?;
    for (index, warrior) in warriors.iter().enumerate() {
        tx.execute(
            "INSERT INTO warriors (name, power) VALUES (?1, ?2)",
            params![warrior.name, warrior.power],
        )
        .map_err(|source| BatchError::Row { index, source })?;
    }
    tx.commit()?;
    Ok(warriors.len())
}
