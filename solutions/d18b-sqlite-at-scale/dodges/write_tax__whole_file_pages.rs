//! Dodge: the table's pages taken as the whole file (`PRAGMA page_count`) minus its index pages, which also counts the schema page and every other table.
//! Caught by: an_empty_table_is_one_page, other_tables_do_not_count

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
    let (indexes, index_pages): (i64, i64) = conn.query_row(
        "SELECT count(DISTINCT s.name), count(d.name)
         FROM sqlite_schema AS s LEFT JOIN dbstat AS d ON d.name = s.name
         WHERE s.type = 'index' AND s.tbl_name = ?1",
        [table],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let file_pages: i64 = conn.query_row("PRAGMA page_count", [], |row| row.get(0))?;
    Ok(Footprint {
        table_pages: file_pages - index_pages,
        index_pages,
        indexes,
    })
}

/// Inserts one warrior and returns how many virtual-machine steps that INSERT took.
pub fn insert_steps(conn: &Connection, warrior: &NewWarrior) -> Result<i64, TaxError> {
    let mut insert =
        conn.prepare("INSERT INTO warriors (name, email, power) VALUES (?1, ?2, ?3)")?;
    insert.execute(params![warrior.name, warrior.email, warrior.power])?;
    Ok(i64::from(insert.get_status(StatementStatus::VmStep)))
}
