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
//!   deleted with the `TestDb`; [`TestDb::open_at`] uses a file the caller owns.
//! - Everything done through a `TestDb` is rolled back when it is dropped, on success and
//!   on panic alike; rows committed before it was opened stay.
//! - An empty email is [`DbError::InvalidEmail`]; an email already present (SQLite's
//!   UNIQUE violation, not any constraint failure) is [`DbError::DuplicateEmail`]; every
//!   other SQLite failure is [`DbError::Sqlite`].
//!
//! **Honest note.** rusqlite rolls back an open transaction when a `Connection` closes,
//! so with one connection per `TestDb` the tests cannot tell an explicit `ROLLBACK` in
//! `Drop` from none. Write it anyway: it states the teardown where a reader looks for it,
//! and it is what keeps a reused (pooled) connection clean. What the tests do prove is
//! the Rust fact behind it: drop-time cleanup runs on success and while a panic unwinds.
//!
//! **The tests check** isolation (two tests insert the same unique email and both pass),
//! rollback on drop and on panic (`std::panic::catch_unwind`), and that `fresh` leaves no
//! file behind.

use std::path::Path;

use rstest::fixture;
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
    // your state here
}

impl TestDb {
    /// A new database in a new temporary directory, deleted when the `TestDb` is dropped.
    pub fn fresh() -> Result<Self, DbError> {
        todo!("create a TestDb in a new temporary directory")
    }

    /// A `TestDb` on the database file at `path` (created if missing).
    pub fn open_at(path: &Path) -> Result<Self, DbError> {
        todo!("open a TestDb on {}", path.display())
    }

    /// Where the database file lives.
    pub fn path(&self) -> &Path {
        todo!("return the path of {self:?}")
    }

    /// Inserts a user and returns its id.
    pub fn insert_user(&self, email: &str) -> Result<i64, DbError> {
        todo!("insert the user {email:?}")
    }

    /// How many users this connection sees.
    pub fn count_users(&self) -> Result<u64, DbError> {
        todo!("count the users {self:?} sees")
    }
}

/// The rstest fixture: a fresh `TestDb` for each test that takes a `test_db` argument.
#[fixture]
pub fn test_db() -> TestDb {
    todo!("set up a fresh TestDb for one test")
}
