//! # Kata 7: a batch through one prepared statement in one transaction
//!
//! **Build** [`insert_batch`]: store every warrior of a batch and return how many were stored
//! — all of them, or none.
//!
//! **Why.** Two costs hide in a loop of `conn.execute("INSERT …", params)`. Outside a
//! transaction every `INSERT` is a transaction of its own: SQLite writes and syncs its journal
//! once per row, which on a real disk caps you at a few hundred rows per second (see the d18a
//! suite's bench). And `Connection::execute` compiles the SQL text again on every call, so the
//! same parsing and planning is done once per row. One transaction and one prepared statement,
//! re-bound for each row, remove both costs — and the transaction makes the batch atomic: a
//! refused row leaves the table exactly as it was.
//!
//! **Python → Rust.** The article's `executemany` does both for you (and `with conn:` wraps a
//! transaction around it). rusqlite has no `executemany`: you write the loop, with
//! `Connection::transaction` (a guard that rolls back when dropped without `commit`) and
//! `Transaction::prepare` (or `prepare_cached`) before the loop, then `Statement::execute` per
//! row. The borrow checker makes you drop the statement before you commit.
//!
//! The tests run on a database file in a temporary directory, as a real batch would (only the
//! property tests, many small batches, use an in-memory database): a batch that acts one way
//! on a file and another in memory is caught by the same checks.
//!
//! **The tests check.**
//! - Exactly one transaction, however long the batch (the tests use 1,200 rows, so no commit
//!   every so many rows): the connection runs one `BEGIN` first and one `COMMIT` last, with
//!   every `INSERT` between them; no `PRAGMA` runs at all and nothing runs before the `BEGIN`
//!   (whatever comment it starts with and whatever thread runs it: the trace hook sees every
//!   statement of the connection), and nothing but the
//!   `INSERT`'s runs between `BEGIN` and `COMMIT` (no check statement per row, no `PRAGMA` such
//!   as `journal_mode`). The file's `synchronous` and `journal_mode` settings are the same
//!   after the call as before (no trading crash safety for speed). Checked by
//!   `the_batch_is_one_transaction`.
//! - The `INSERT` statement is prepared once and run once per row, at every batch size the
//!   tests use (1, 2, 3, 17, 499, 500 and 1,200 rows; no fresh statement per chunk: the tests
//!   read SQLite's per-statement run counter through the trace hook). One multi-row
//!   `INSERT … VALUES (…), (…)` does not qualify, not even for a short batch: it is one run
//!   for many rows, a statement text per batch length, and it breaks SQLite's limit on bound
//!   parameters for large batches. Checked by `the_insert_is_prepared_once_and_run_once_per_row`.
//! - Rows are stored in batch order, as given (quotes and non-ASCII text included), and a
//!   committed batch is in the file after reopening. An empty batch stores nothing and returns
//!   `Ok(0)`. Checked by `every_row_arrives_in_order`, `text_arrives_exactly_as_given`,
//!   `a_batch_into_a_file_is_durable`, `an_empty_batch_inserts_nothing`.
//! - When SQLite refuses a row (the table's `CHECK` forbids a negative power), the whole batch is
//!   rolled back (row 1,100 of 1,200 included) and the error is [`BatchError::Row`] with the
//!   row's position (from 0) and SQLite's error; the refused row's `INSERT` did run (the trace
//!   hook counts the runs), so the refusal is SQLite's and not a copy of the `CHECK` in Rust.
//!   The transaction undoes the batch: the connection runs `BEGIN`, the `INSERT`s and
//!   `ROLLBACK`, nothing else (no `DELETE` of the stored rows by hand followed by `COMMIT`).
//!   Rows stored by earlier calls stay. Checked by
//!   `a_refused_row_rolls_back_the_whole_batch`, `the_first_row_failing_leaves_nothing`,
//!   `stores_a_batch_entirely_or_not_at_all`.
//! - The same holds for a row only SQLite knows it refuses (the tests add a trigger that
//!   raises an error for one name, at the first, a middle or the last row): the error is
//!   [`BatchError::Row`] with that position and SQLite's error (so the refusal comes from the
//!   `INSERT`, not from rules copied into Rust), nothing of the batch is stored, and the
//!   connection is out of the transaction again (`Connection::is_autocommit`). Checked by
//!   `a_row_sqlite_refuses_for_its_own_reason_rolls_back_the_whole_batch`.
//! - A `COMMIT` that fails (the tests add a deferred foreign key, which SQLite checks only at
//!   `COMMIT`, and SQLite keeps the transaction open after such a failure) is
//!   [`BatchError::Sqlite`] with SQLite's error, leaves nothing of the batch and no transaction
//!   open: a `BEGIN`/`COMMIT`/`ROLLBACK` written by hand forgets that path, the guard does not.
//!   Checked by `a_commit_that_fails_rolls_back_and_leaves_no_transaction_open`.
//! - A missing table is an error, not a panic, and leaves no transaction open
//!   (`Connection::is_autocommit`). Checked by `a_missing_table_is_an_error_and_not_a_panic`,
//!   `a_missing_table_leaves_no_transaction_open`.
//!
//! **Not checked.** Rows per second: the d18a bench and this suite's bench measure them. A
//! hand-written `BEGIN`/`COMMIT`/`ROLLBACK` that covers every error path above (a refused row,
//! a failed `COMMIT`, a missing table) behaves like the guard on every path a test can force:
//! only a panic in the middle of the loop would leave its transaction open, and no test can
//! make one (rusqlite catches panics in SQL functions, collations and hooks). A commit or a
//! fresh `INSERT` statement every more than 1,200 rows: no test batch can bound every size.

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
    {
        let mut insert = tx.prepare("INSERT INTO warriors (name, power) VALUES (?1, ?2)")?;
        for (index, warrior) in warriors.iter().enumerate() {
            insert
                .execute(params![warrior.name, warrior.power])
                .map_err(|source| BatchError::Row { index, source })?;
        }
    }
    tx.commit()?;
    Ok(warriors.len())
}
