//! Dodge: no `impl Drop` at all: the connection's own close rolls the transaction back, so a
//! `TestDb` that owns its connection looks clean, but a lent (pooled) connection keeps the
//! test's open transaction and rows.
//! Caught by: a_lent_connection_comes_back_with_no_transaction_open, two_tests_in_a_row_on_one_lent_connection_both_get_a_clean_table

use std::path::{Path, PathBuf};
use std::rc::Rc;

use rstest::fixture;
use rusqlite::Connection;
use rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE;
use tempfile::TempDir;
use thiserror::Error;

/// Why a `TestDb` operation failed.
#[derive(Debug, Error)]
pub enum DbError {
    /// SQLite refused an operation.
    #[error("sqlite error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The temporary directory could not be created.
    #[error("could not create a temporary directory: {0}")]
    Io(#[from] std::io::Error),
    /// The email is empty.
    #[error("an email address must not be empty")]
    InvalidEmail,
    /// The email is already taken.
    #[error("a user with email {0:?} already exists")]
    DuplicateEmail(String),
}

/// The schema every `TestDb` ensures exists.
pub const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)";

/// A SQLite connection inside a transaction that is rolled back on drop.
#[derive(Debug)]
pub struct TestDb {
    // Field order matters: the connection closes before the directory is deleted.
    conn: Rc<Connection>,
    path: PathBuf,
    _dir: Option<TempDir>,
}

impl TestDb {
    /// A new database in a new temporary directory, deleted when the `TestDb` is dropped.
    pub fn fresh() -> Result<Self, DbError> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("test.sqlite3");
        Self::open(path, Some(dir))
    }

    /// A `TestDb` on the database file at `path` (created if missing).
    pub fn open_at(path: &Path) -> Result<Self, DbError> {
        Self::open(path.to_owned(), None)
    }

    /// A `TestDb` on a connection the caller keeps (a pooled connection): dropping the
    /// `TestDb` must hand it back with no transaction open and none of the test's writes.
    pub fn on_shared(conn: Rc<Connection>) -> Result<Self, DbError> {
        let path = PathBuf::from(conn.path().unwrap_or_default());
        Self::begin(conn, path, None)
    }

    fn open(path: PathBuf, dir: Option<TempDir>) -> Result<Self, DbError> {
        let conn = Rc::new(Connection::open(&path)?);
        Self::begin(conn, path, dir)
    }

    /// Ensures the schema (committed), then opens the test's transaction.
    fn begin(conn: Rc<Connection>, path: PathBuf, dir: Option<TempDir>) -> Result<Self, DbError> {
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch("BEGIN")?;
        Ok(Self {
            conn,
            path,
            _dir: dir,
        })
    }

    /// Where the database file lives (empty for an in-memory database).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Inserts a user and returns its id.
    pub fn insert_user(&self, email: &str) -> Result<i64, DbError> {
        if email.is_empty() {
            return Err(DbError::InvalidEmail);
        }
        match self
            .conn
            .execute("INSERT INTO users (email) VALUES (?1)", [email])
        {
            Ok(_) => Ok(self.conn.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == SQLITE_CONSTRAINT_UNIQUE =>
            {
                Err(DbError::DuplicateEmail(email.to_owned()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// How many users this connection sees.
    pub fn count_users(&self) -> Result<u64, DbError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))?)
    }
}

/// The rstest fixture: a fresh `TestDb` for each test that takes a `test_db` argument.
#[fixture]
pub fn test_db() -> TestDb {
    match TestDb::fresh() {
        Ok(db) => db,
        Err(e) => panic!("the test_db fixture could not set up a database: {e}"),
    }
}
