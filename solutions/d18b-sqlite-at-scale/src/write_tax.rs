//! # Kata 3: the write tax
//!
//! **Build**
//! - [`footprint`]: how many pages a table's own b-tree occupies, how many pages all of its
//!   indexes occupy together, and how many indexes it has — read from SQLite's `dbstat`
//!   virtual table (one row per page, with the `name` of the table or index the page belongs
//!   to) and from `sqlite_schema` (which lists every index with the `tbl_name` it belongs to);
//! - [`insert_steps`]: insert one warrior and report how many virtual-machine steps that
//!   `INSERT` took (the statement counter `SQLITE_STMTSTATUS_VM_STEP`).
//!
//! **Why.** "Just add an index" is not free. Every index is a second b-tree that holds a copy
//! of its columns: it takes pages on disk and in the cache, and every `INSERT`, `UPDATE` and
//! `DELETE` has to update it too. An index nobody queries is pure cost. These two numbers make
//! the cost visible: the suite's bench turns the second one into inserts per second with 0, 1
//! and 3 indexes.
//!
//! **Python → Rust.** The article states the write penalty; it does not measure it. Here you
//! measure it two ways that are exact and repeatable (unlike a stopwatch): pages counted by
//! `dbstat`, and steps counted by SQLite itself. rusqlite exposes a statement's counters with
//! `Statement::get_status` and [`rusqlite::StatementStatus`].
//!
//! **The tests check.**
//! - A table without indexes has 0 index pages; an empty table is one page (its root). Checked
//!   by `a_table_without_indexes_has_no_index_pages`, `an_empty_table_is_one_page`.
//! - Each index adds pages of its own and counts as an index; the table's own pages do not
//!   change; pages never shrink as rows are added. Checked by
//!   `an_index_adds_pages_and_leaves_the_table_alone`, `every_index_costs_pages_of_its_own`,
//!   `table_and_index_pages_never_shrink_as_rows_are_added`.
//! - An index created by a `UNIQUE` constraint counts. Checked by
//!   `a_unique_constraint_is_an_index_too`.
//! - Other tables and their indexes do not count (`PRAGMA page_count` is the wrong number).
//!   Checked by `other_tables_do_not_count`.
//! - `table` is bound as a parameter, never pasted into SQL (the trace hook reads the SQL
//!   text, whatever comment it starts with, and two tables' footprints must run the same texts,
//!   so no spelling of a pasted name, hex or blob literals included, passes); a name that is not a table is
//!   [`TaxError::NoSuchTable`] carrying that name. Checked by
//!   `the_table_name_is_bound_and_never_pasted`, `an_unknown_table_is_a_typed_error`.
//! - SQLite selects the table's and its indexes' rows and counts them: measuring a 2-page table
//!   in a file with a 2,000-row table and 20 others, and then that 2,000-row table with its
//!   three indexes, SQLite returns at most 8 rows to the code each time (the trace hook counts
//!   them), not one per page, nor one per entry of the whole schema, to count or filter in
//!   Rust; and the values it returns (run again, in bytes) are as small for the big table as
//!   for the 2-page one, so no row packing the pages (a `group_concat`) for Rust to count
//!   passes. Checked by `sqlite_picks_the_tables_pages_and_counts_them`.
//! - [`insert_steps`] stores the row and returns SQLite's own `SQLITE_STMTSTATUS_VM_STEP` of that
//!   `INSERT` (the tests compare it with the counter the trace hook reads), which grows with
//!   every index. Each call reports its own `INSERT`'s steps, not a total kept by a statement
//!   cached across calls: alike inserts report alike counts. Checked by
//!   `insert_steps_stores_the_row`, `insert_steps_reports_sqlites_own_counter_for_that_insert`,
//!   `every_index_adds_work_to_an_insert`, `each_insert_reports_its_own_steps_not_a_running_total`.
//! - A row the table refuses (its `CHECK`, or a trigger the tests add) is [`TaxError::Sqlite`]
//!   with SQLite's constraint error, from running the `INSERT` (the trace sees it run), not from
//!   a copy of the table's rules in Rust. Checked by
//!   `an_insert_the_table_refuses_is_an_error`.
//!
//! **Not checked.** Inserts per second: the bench turns the step counts into time.
//!
//! **Not a dodge.** One row per b-tree of the table (the table and each of its indexes, picked
//! by `tbl_name` in SQL, each with its page count counted by SQLite), added up in Rust: SQLite
//! still selects the table's pages and counts them, and the rows grow with the indexes, not
//! with the pages or the schema.

use rusqlite::{Connection, StatementStatus, params};

/// The table this kata measures. Tests add indexes to it.
pub const SCHEMA: &str = "CREATE TABLE warriors (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL CHECK (name <> ''),
    email TEXT NOT NULL,
    power INTEGER NOT NULL
);";

/// A warrior to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWarrior {
    /// Display name (not empty).
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Power level.
    pub power: i64,
}

/// The pages one table occupies, split between its own b-tree and its indexes' b-trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    /// Pages of the table's own b-tree.
    pub table_pages: i64,
    /// Pages of all the table's indexes together (those from UNIQUE constraints included).
    pub index_pages: i64,
    /// How many indexes the table has (those from UNIQUE constraints included).
    pub indexes: i64,
}

/// Why a measurement failed.
#[derive(Debug, thiserror::Error)]
pub enum TaxError {
    /// The database has no table with this name.
    #[error("no table named {0:?}")]
    NoSuchTable(String),
    /// SQLite refused a statement.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// The pages `table` and its indexes occupy in the main database, read from `dbstat`.
pub fn footprint(conn: &Connection, table: &str) -> Result<Footprint, TaxError> {
    let exists: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [table],
        |row| row.get(0),
    )?;
    if !exists {
        return Err(TaxError::NoSuchTable(table.to_owned()));
    }
    let table_pages = conn.query_row(
        "SELECT count(*) FROM dbstat WHERE name = ?1",
        [table],
        |row| row.get(0),
    )?;
    let (indexes, index_pages) = conn.query_row(
        "SELECT count(DISTINCT s.name), count(d.name)
         FROM sqlite_schema AS s LEFT JOIN dbstat AS d ON d.name = s.name
         WHERE s.type = 'index' AND s.tbl_name = ?1",
        [table],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(Footprint {
        table_pages,
        index_pages,
        indexes,
    })
}

/// Inserts one warrior into `warriors` and returns how many virtual-machine steps that INSERT took.
pub fn insert_steps(conn: &Connection, warrior: &NewWarrior) -> Result<i64, TaxError> {
    let mut insert =
        conn.prepare("INSERT INTO warriors (name, email, power) VALUES (?1, ?2, ?3)")?;
    insert.execute(params![warrior.name, warrior.email, warrior.power])?;
    Ok(i64::from(insert.get_status(StatementStatus::VmStep)))
}
