//! # Kata 3: a fixture with guaranteed teardown
//!
//! **Build** `TestDb`, a real SQLite database for tests that opens a transaction when it is
//! created and rolls it back when it is dropped, and the rstest fixture [`test_db`] that
//! hands a fresh one to every test that names it.
//!
//! **Why it matters.** Tests that share a database and do not clean up pass alone and fail
//! together: test 51 finds the row test 12 left behind. Cleanup that is an ordinary
//! statement at the end of a test is skipped as soon as an assertion fails above it.
//!
//! **Python → Rust.** A pytest fixture is a generator: setup, `yield` the resource, teardown
//! after the test. Rust has no yield-fixtures and needs none: teardown is the resource's
//! `Drop`, which runs when the value goes out of scope *and* while a panic unwinds, which
//! is how a failed assertion ends a Rust test. rstest's `#[fixture]` plays the role of
//! pytest's injection by argument name. (A test built with `panic = "abort"` would skip
//! `Drop`; test builds unwind.)
//!
//! **Rules.**
//! - The table is `users(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)`; it is
//!   created (and committed) if missing, *before* the test transaction begins.
//! - [`TestDb::fresh`] puts the database file in its own temporary directory, which is
//!   deleted with the `TestDb`; [`TestDb::open_at`] uses a file the caller owns. The
//!   [`test_db`] fixture is a fresh `TestDb` for each test.
//! - Everything done through a `TestDb` is rolled back when it is dropped, on success and
//!   on panic alike; rows committed before it was opened stay.
//! - An empty email is [`DbError::InvalidEmail`]; an email already present (SQLite's
//!   UNIQUE violation, extended code `SQLITE_CONSTRAINT_UNIQUE`; not any constraint failure,
//!   nor a PRIMARY KEY's `SQLITE_CONSTRAINT_PRIMARYKEY`, whose message also reads `UNIQUE
//!   constraint failed`) is [`DbError::DuplicateEmail`]; every
//!   other SQLite failure is [`DbError::Sqlite`]. The `INSERT` is the first statement and
//!   decides (no lookup before it). The email is bound as a parameter of the `INSERT`, never
//!   pasted into the SQL text.
//!
//! - [`TestDb::on_shared`] runs on a connection the caller keeps, as a pool lends one to
//!   each test in turn. When that `TestDb` is dropped, the connection must be left as it
//!   was found: no transaction open, none of the test's rows, ready for the next test.
//!
//! **Why the shared connection.** rusqlite rolls back an open transaction when a
//! `Connection` closes, so a `TestDb` that owns its connection would look clean even with
//! no teardown at all. A lent connection outlives the `TestDb`: only your `Drop` can undo
//! what the test did, which is the situation of every pooled resource in production.
//!
//! **The tests check.**
//! - two tests in a row on one lent connection insert the same unique email and both
//!   succeed; while the `TestDb` lives the lent connection itself is inside its transaction
//!   and sees its rows (`on_shared` works through that connection, not one of its own), and
//!   it comes back with no transaction open, none of the test's rows and every row committed
//!   before it.
//!   Checked by `a_lent_connection_comes_back_with_no_transaction_open`,
//!   `two_tests_in_a_row_on_one_lent_connection_both_get_a_clean_table`.
//! - while a `TestDb` is alive (`open_at`, `on_shared`, `fresh` or the fixture), another
//!   connection to the same file does not see its rows (a transaction, not a cleanup
//!   afterwards), and after an insert cannot begin a write (`BEGIN IMMEDIATE` is busy): the
//!   row is in the file's `users` table inside the `TestDb`'s open transaction, which holds
//!   the write lock (not in a TEMP copy of the table that vanishes with the connection).
//!   Checked by
//!   `another_connection_does_not_see_the_tests_rows_while_the_test_runs`.
//! - dropping rolls back the test's writes and keeps rows committed before, on success and
//!   on panic (`std::panic::catch_unwind`), on a file it opens and on a lent connection,
//!   which comes back from a panicking test with no transaction open; nothing is committed
//!   during the test or its teardown (a second connection's `PRAGMA data_version` does not
//!   change: no COMMIT followed by deleting the test's rows). Checked by
//!   `dropping_rolls_back_only_the_tests_own_writes`,
//!   `the_same_unique_email_can_be_inserted_by_successive_test_dbs_on_one_file`,
//!   `teardown_runs_when_the_test_body_panics`.
//! - teardown never panics when its `ROLLBACK` fails, whether the test body has ended the
//!   transaction itself (a `ROLLBACK` on the lent connection) or the transaction is still
//!   open and SQLite refuses the `ROLLBACK` (the body left a query half-read and an
//!   interrupt pending: `sqlite3_interrupt` fails every statement until that query ends).
//!   `Drop` also runs while a failing test unwinds, where a second panic aborts the run: a
//!   failed `ROLLBACK` there is ignored, never unwrapped, with or without a transaction
//!   open. Checked by `teardown_never_panics_when_its_rollback_fails`.
//! - the fixture starts empty; two fixtures at once are two files; `fresh` and the fixture
//!   leave no file or directory behind. Checked by `the_fixture_starts_with_an_empty_table`,
//!   `fresh_leaves_no_file_behind`,
//!   `the_fixture_gives_each_test_its_own_file_and_leaves_nothing_behind`.
//! - an empty email is `InvalidEmail`, a UNIQUE violation is `DuplicateEmail` and any other
//!   constraint failure (a CHECK, even one named `UNIQUE_…`, NOT NULL on another column, a
//!   trigger's `RAISE(ABORT)`, even one whose text reads `UNIQUE constraint failed`, a
//!   STRICT table's column type, a foreign key, a PRIMARY KEY on an existing table, whose
//!   message also reads `UNIQUE constraint failed`) is `Sqlite`, also when the address is already in the table (a lookup after the
//!   failed insert cannot tell which constraint refused it): the error code decides, never
//!   the message or a SELECT; the UNIQUE constraint itself decides (a file whose UNIQUE
//!   index ignores case refuses `ADA@…` next to `ada@…`; the plain table's UNIQUE compares
//!   exactly, so there they are two users), not a lookup before the insert: the first
//!   statement `insert_user` runs (SQLite's trace) is the `INSERT`, for a new email and for a
//!   duplicate. Checked by `an_empty_email_is_refused`, `a_duplicate_email_is_a_typed_error`,
//!   `only_a_uniqueness_violation_counts_as_a_duplicate`,
//!   `the_unique_constraint_decides_what_a_duplicate_is`,
//!   `addresses_that_differ_only_in_case_are_two_users_on_the_plain_table`,
//!   `insert_user_runs_the_insert_and_no_lookup_before_it`.
//! - the email is bound, not pasted: addresses with a quote, or with SQL in them, are stored
//!   exactly as given, and the SQL text the connection runs (SQLite's trace, before
//!   parameters are bound) is the same for any two addresses: the address is in no SQL
//!   text, in any spelling (quoted, escaped, a hex literal). Checked by
//!   `an_email_is_stored_exactly_as_given`.
//!
//! **Not checked.** Whether `Drop` itself rolls back a connection the `TestDb` owns
//! (`open_at`, `fresh`): closing that connection rolls the transaction back too, so nothing
//! can tell the two apart; the lent-connection tests are the ones that see your `Drop`.
//! The order in which `TestDb`'s fields drop (the connection before the
//! temporary directory): Linux deletes a directory while a file in it is still open, so no
//! test here can see a directory dropped first; on Windows `fresh_leaves_no_file_behind`
//! would.

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
///
/// Teardown is yours to write too: `impl Drop for TestDb`.
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

impl Drop for TestDb {
    fn drop(&mut self) {
        // Teardown must not panic: a panic here while unwinding would abort the test run.
        let _ = self.conn.execute_batch("ROLLBACK");
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
