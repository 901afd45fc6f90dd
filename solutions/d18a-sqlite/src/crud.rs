//! # Kata 1 — CRUD through a store
//!
//! **Build** a `WarriorStore`: it opens (or creates) a SQLite database file, makes sure its
//! schema exists, and offers the four classic operations — create, read, update, delete —
//! as typed Rust methods.
//!
//! **Why:** a JSON file rewritten by two writers at once tears; a database file does not,
//! because SQLite locks, journals and checks constraints for you. Wrapping the connection in
//! a small store type keeps SQL in one place and gives callers `Result`s instead of panics.
//!
//! **Python → Rust:** the article's `sqlite3.connect` + `cursor.execute` becomes
//! [`rusqlite::Connection`] with `execute` / `query_row` / `prepare`. There is no separate
//! cursor object to juggle: a prepared [`rusqlite::Statement`] is the "worker" and its rows
//! borrow from it, so the borrow checker stops you from using results after the statement
//! is gone. A missing row is `Option::None` (via [`rusqlite::OptionalExtension`]), not an
//! empty tuple list you have to remember to check.
//!
//! **Schema** (the contract the tests rely on): table `warriors` with
//! `id INTEGER PRIMARY KEY`, `name TEXT NOT NULL`, `power REAL NOT NULL`,
//! `active INTEGER NOT NULL DEFAULT 1` and
//! `enlisted_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP` (UTC, `YYYY-MM-DD HH:MM:SS`).
//!
//! **The tests check.**
//! - `insert` returns the id SQLite handed out, and ids stay unique after a delete (let
//!   SQLite choose the rowid; never compute one or look it up afterwards: with `i64::MAX`
//!   already taken by a warrior of the same name and power, SQLite still finds a free rowid
//!   while `max(id) + 1` overflows and a look-up by name finds the other row). Checked by
//!   `insert_returns_the_id_sqlite_assigned`, `ids_stay_unique_after_a_delete`,
//!   `insert_still_works_when_the_highest_id_is_taken`.
//! - every statement's text is a constant and the values are bound: through SQLite's
//!   statement trace, a name with quotes never appears in the SQL text but arrives as a bound
//!   value, and two calls with different values send the same texts (insert, update, get,
//!   delete). Checked by `insert_binds_the_name_and_power_instead_of_pasting_them`,
//!   `update_get_and_delete_bind_their_values`.
//! - data survives closing and reopening the file; an impossible path is a typed `Sqlite`
//!   error. Checked by `warriors_survive_closing_and_reopening_the_file`,
//!   `opening_a_file_in_a_missing_directory_is_an_error`.
//! - the store keeps SQLite's crash safety: on a file, its connection (`connection()`)
//!   journals (`PRAGMA journal_mode` is not `off` or `memory`) and syncs durably (`PRAGMA
//!   synchronous` is `FULL` or `EXTRA` in rollback-journal mode, at least `NORMAL` in WAL
//!   mode). Checked by
//!   `the_store_keeps_sqlites_journal_and_syncs_its_writes`.
//! - each write is committed before its call returns (no transaction kept open across
//!   calls): while the store is still open, another connection to the file sees the
//!   insert, the update and the delete, and can take the write lock itself. Checked by
//!   `each_write_is_committed_before_its_call_returns`.
//! - the ranking is by power, highest first, ties by id; an empty roster ranks empty.
//!   Checked by `ranking_lists_the_strongest_first`, `ranking_breaks_ties_by_id`,
//!   `ranking_of_an_empty_roster_is_empty`, `update_power_changes_the_ranking`.
//! - the order comes from the query's `ORDER BY`, not from a sort in Rust (through the
//!   statement trace, the statement that returns the roster, run again, lists the warriors
//!   in the order `ranking` returns them), and the tie-break is part of it: with an index on `power` (which SQLite reads backwards for `power DESC`, highest
//!   id first among equals) ties still come out by id. Checked by
//!   `the_ranking_is_ordered_by_sql`,
//!   `ties_follow_the_id_even_when_an_index_on_power_reverses_the_scan`.
//! - update and delete report a missing id (`NotFound`, `false`); `get` of a missing id is
//!   `Ok(None)`, while a statement that fails (the table renamed away) is a `Sqlite` error
//!   from all three, never `None`, `NotFound` or `false`: a failing database is not a missing
//!   row. Checked by `update_power_of_an_unknown_id_is_not_found`,
//!   `delete_removes_the_warrior_and_reports_it`, `delete_of_an_unknown_id_returns_false`,
//!   `get_of_an_unknown_id_is_none`, `get_reports_a_failing_database_as_an_error_not_none`,
//!   `update_and_delete_report_a_failing_database_as_an_error_not_a_missing_row`.
//! - update and delete let the write decide: through the statement trace, neither reads the
//!   row before its `UPDATE`/`DELETE` outside a transaction (a look-up in a separate
//!   autocommit statement, then the write, reports a row another connection deleted in
//!   between as updated), nor looks the table up again after it in a statement outside the
//!   write's transaction (a look-up after the write answers for a row another connection may
//!   have inserted or deleted since); the write's changed-row count decides. Checked by
//!   `update_and_delete_let_their_write_decide_whether_the_row_existed`,
//!   `update_and_delete_do_not_look_the_row_up_after_their_write`.
//! - bad input (an empty or blank name, a NaN or infinite power) is a typed error and writes
//!   nothing, and the store decides it in Rust before touching SQL: through the statement
//!   trace, `insert` and `update_power` given bad input send no `INSERT`, `UPDATE` or
//!   `REPLACE` (a `CHECK` constraint in the schema whose refusal is relabelled `EmptyName`
//!   or `NonFinitePower` by its message text leaves the rule to SQLite's error wording).
//!   Checked by `an_empty_name_is_rejected_and_nothing_is_written`,
//!   `a_non_finite_power_is_rejected`, `bad_input_is_refused_before_any_write_reaches_sqlite`.
//! - a new row gets the schema defaults, and its `enlisted_at` is the moment of its insert
//!   (between SQLite's `datetime('now')` just before and just after: leave the column to its
//!   default; through the statement trace, `insert` binds only the name and the power, never
//!   a time or `active` from the program). Checked by `a_new_warrior_gets_the_schema_defaults`,
//!   `enlisted_at_defaults_to_the_moment_of_the_insert`.
//! - the default is UTC whatever the machine's local time zone: run with the local zone at
//!   UTC+05:30 (a child process with `TZ` set), `enlisted_at` still lies between SQLite's
//!   UTC `datetime('now')` just before and just after the insert (a default of
//!   `datetime('now', 'localtime')` is five and a half hours ahead). Checked by
//!   `enlisted_at_defaults_to_utc_whatever_the_local_zone`.
//! - every column holds the storage class its type asks for (`typeof()` gives integer, text,
//!   real, integer, text), and the schema itself asks for it: a plain `INSERT` of literals of
//!   other classes (name `12`, power `'4000'`, active `'0'`, enlisted_at `20260401`) is stored
//!   converted to text, real, integer, text (each column's declared type gives it that
//!   affinity; a STRICT table does too), not as sent; and numbers travel as numbers: through
//!   the statement trace, the power and the id are bound as REAL and INTEGER values, never as
//!   text like `'1234.5'`.
//!   Checked by `each_column_holds_the_storage_class_its_type_asks_for`,
//!   `numbers_are_bound_as_numbers_not_text`.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Row, params};

/// Everything that can go wrong in the warrior store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The name was empty or only whitespace.
    #[error("a warrior needs a name; got an empty one")]
    EmptyName,
    /// The power was NaN or infinite, which cannot be ranked.
    #[error("power must be a finite number, got {0}")]
    NonFinitePower(f64),
    /// No warrior has this id.
    #[error("no warrior with id {0}")]
    NotFound(i64),
    /// A timestamp SQLite's date functions cannot read.
    #[error("not a timestamp SQLite understands: {0:?}")]
    BadTimestamp(String),
    /// The database itself failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// One row of the `warriors` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Warrior {
    /// Primary key chosen by SQLite.
    pub id: i64,
    /// The warrior's name.
    pub name: String,
    /// Power level; the ranking sorts on it.
    pub power: f64,
    /// Whether the warrior is on active duty (defaults to true).
    pub active: bool,
    /// When the warrior enlisted, UTC, `YYYY-MM-DD HH:MM:SS`.
    pub enlisted_at: String,
}

/// A warrior roster kept in one SQLite database.
#[derive(Debug)]
pub struct WarriorStore {
    conn: Connection,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS warriors (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    power       REAL    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    enlisted_at TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
)";

const COLUMNS: &str = "id, name, power, active, enlisted_at";

impl WarriorStore {
    /// Opens the database file at `path`, creating the file and the schema if needed.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::with_connection(Connection::open(path)?)
    }

    /// Opens a private in-memory database with the schema.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(conn: Connection) -> Result<Self, StoreError> {
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// The underlying connection (for inspection: tracing, pragmas).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Inserts a warrior and returns the id SQLite gave it.
    pub fn insert(&self, name: &str, power: f64) -> Result<i64, StoreError> {
        let name = checked_name(name)?;
        let power = checked_power(power)?;
        self.conn.execute(
            "INSERT INTO warriors (name, power) VALUES (?1, ?2)",
            params![name, power],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Sets the power of warrior `id`.
    pub fn update_power(&self, id: i64, power: f64) -> Result<(), StoreError> {
        let power = checked_power(power)?;
        let changed = self.conn.execute(
            "UPDATE warriors SET power = ?1 WHERE id = ?2",
            params![power, id],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// All warriors, strongest first (ties broken by id).
    pub fn ranking(&self) -> Result<Vec<Warrior>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM warriors ORDER BY power DESC, id ASC");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], warrior_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes warrior `id`; `Ok(false)` if there was none.
    pub fn delete(&self, id: i64) -> Result<bool, StoreError> {
        let removed = self
            .conn
            .execute("DELETE FROM warriors WHERE id = ?1", [id])?;
        Ok(removed > 0)
    }

    /// Looks a warrior up by id.
    pub fn get(&self, id: i64) -> Result<Option<Warrior>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM warriors WHERE id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [id], warrior_from_row)
            .optional()?)
    }
}

/// Maps one result row (in `COLUMNS` order) to a [`Warrior`].
pub(crate) fn warrior_from_row(row: &Row<'_>) -> rusqlite::Result<Warrior> {
    Ok(Warrior {
        id: row.get(0)?,
        name: row.get(1)?,
        power: row.get(2)?,
        active: row.get(3)?,
        enlisted_at: row.get(4)?,
    })
}

/// The column list matching [`warrior_from_row`].
// Only `injection` uses it: a check of `crud` alone (`one-kata`) leaves it unused.
#[cfg_attr(feature = "one-kata", allow(dead_code))]
pub(crate) fn columns() -> &'static str {
    COLUMNS
}

/// Rejects names that are empty once trimmed.
pub(crate) fn checked_name(name: &str) -> Result<&str, StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::EmptyName);
    }
    Ok(name)
}

pub(crate) fn checked_power(power: f64) -> Result<f64, StoreError> {
    if power.is_finite() {
        Ok(power)
    } else {
        Err(StoreError::NonFinitePower(power))
    }
}
