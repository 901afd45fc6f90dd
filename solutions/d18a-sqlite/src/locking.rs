//! # Kata 8 — Writers wait, readers read
//!
//! **Build** [`connect`], which opens a connection with a chosen busy timeout and journal
//! mode, and [`add_entry`] / [`count_entries`], which turn SQLite's "database is locked"
//! into the typed [`LockError::Locked`].
//!
//! **Why:** SQLite allows one writer at a time for the whole file. A second writer either
//! fails at once with `SQLITE_BUSY` or waits — and code that treats that error as a crash
//! (or never sets a timeout) falls over the first time two requests overlap. In the default
//! rollback-journal mode a committing writer also shuts readers out; in WAL mode readers
//! keep reading the last committed state while a write is in progress.
//!
//! **Python → Rust:** Python's `sqlite3.connect(timeout=5.0)` waits five seconds by
//! default, and rusqlite likewise sets a 5-second busy timeout on every new connection —
//! so "no timeout" must be asked for explicitly ([`rusqlite::Connection::busy_timeout`]
//! with zero). The error is matched on [`rusqlite::ErrorCode::DatabaseBusy`] /
//! [`rusqlite::ErrorCode::DatabaseLocked`] rather than on message text. WAL is switched on
//! with `PRAGMA journal_mode = WAL`, which *answers* with the mode actually in force: an
//! in-memory database answers `memory`, and that must be reported, not ignored.
//!
//! **Schema:** table `entries` with `id INTEGER PRIMARY KEY, text TEXT NOT NULL`, created
//! by [`connect`] if missing.
//!
//! **The tests check.**
//! - with no timeout a second writer gets `Locked` at once while another connection holds a
//!   write transaction, and "no timeout" really sets 0 ms. Checked by
//!   `a_second_writer_without_a_timeout_gets_locked`, `no_timeout_really_means_zero`.
//! - a lock met while connecting is `Locked` too: with no timeout, `connect` to a file another
//!   connection holds exclusively (its WAL pragma or its schema step gets `SQLITE_BUSY`)
//!   returns `Locked`, not `Sqlite`, with or without WAL asked for. Checked by
//!   `connecting_while_another_connection_holds_the_file_is_locked`.
//! - a requested timeout is really configured (`PRAGMA busy_timeout`), and a writer with a
//!   timeout is still waiting while the lock is held and completes once it is released.
//!   Checked by `the_requested_busy_timeout_is_configured`,
//!   `a_writer_with_a_busy_timeout_succeeds_once_the_lock_is_released`.
//! - with WAL a reader sees the last committed count during another connection's write, and
//!   the mode is recorded in the file; without WAL an exclusive writer locks readers out.
//!   Checked by `in_wal_mode_a_reader_sees_the_last_commit_while_a_write_is_open`,
//!   `wal_mode_is_recorded_in_the_file`, `without_wal_an_exclusive_writer_locks_readers_out`.
//! - bad input (an empty entry: only whitespace, tabs and newlines too, as Rust's `trim`
//!   sees it; SQL's `trim()` strips only spaces; WAL on an in-memory database, a path in a missing directory)
//!   is a typed error, and only BUSY/LOCKED become `Locked`: in `connect`, and in
//!   `add_entry` and `count_entries` (an insert a trigger refuses, a table that is gone:
//!   `Sqlite`, also when the message says "locked": a trigger's `RAISE(ABORT, 'entry
//!   locked')`, a view over a missing table `locked_entries`, so the code decides, not the
//!   text). Checked by
//!   `an_empty_entry_is_rejected`, `wal_on_an_in_memory_database_is_a_typed_error`,
//!   `a_path_in_a_missing_directory_is_a_database_error_not_locked`,
//!   `a_failure_that_is_not_a_lock_stays_a_database_error`.
//! - the WAL answer is read, not guessed from the path: `file::memory:` URIs and an
//!   in-memory `file:kata-notes?vfs=memdb` (no "memory" in its name) answer `memory`; a
//!   temporary database (empty path) and real files opened with `?nolock=1` or through the
//!   `unix-none` or `unix-dotfile` VFS (no shared memory for WAL) answer `delete`, each
//!   reported as `WalUnavailable(<the answer>)`; while ordinary files whose names look like
//!   those cases (`in-memory-notes.db`, a file named `:memory:` in a directory,
//!   `mode=memory&vfs=memdb.db`, the URI `file:<dir>/nolock=1.db?cache=private`) and a file
//!   through the `unix-excl` VFS get WAL. Checked by
//!   `the_mode_the_pragma_answers_is_the_one_reported`,
//!   `a_file_whose_name_mentions_memory_still_gets_wal`.
//! - `SQLITE_LOCKED` (two connections sharing one cache, `?mode=memory&cache=shared`, one
//!   writing a table the other reads: "database table is locked") is `Locked` too, so the
//!   error is matched on its code, not on the text "database is locked". Checked by
//!   `a_shared_cache_table_lock_is_locked_too`.
//! - `add_entry` binds the entry: through the statement trace of every connection opened
//!   (SQLite's auto-extension hook traces every connection the code opens), an entry with a
//!   quote and digits is among the bound values and in no statement's SQL text (pasted with
//!   `format!`, quotes doubled by hand, is string-built SQL). Checked by
//!   `the_entry_reaches_sqlite_bound`.
//!
//! **Not checked.** That `connect` sets the timeout before its first statement that could
//! wait. Whether a refusal of WAL is spotted
//! by checking the answer is `wal` or by a list of the refusals known (`memory`, `delete`):
//! a path can only make SQLite answer one of those two (no URI parameter or VFS makes it
//! answer `off`, `truncate` or `persist`), so the two give the same answers here.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

/// What can go wrong when sharing one database file.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another connection holds the lock and we did not (or could no longer) wait.
    #[error("database is locked by another connection")]
    Locked,
    /// WAL was asked for but the database uses another journal mode.
    #[error("WAL mode is not available: the journal mode is {0:?}")]
    WalUnavailable(String),
    /// Entries must not be empty.
    #[error("an entry needs some text")]
    EmptyEntry,
    /// Any other database failure.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for LockError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => LockError::Locked,
            _ => LockError::Sqlite(error),
        }
    }
}

/// Opens `path` (`":memory:"` for a private in-memory database), waiting up to `wait`
/// for locks (`None`: fail at once), in WAL mode if `wal` is true.
pub fn connect(path: &Path, wait: Option<Duration>, wal: bool) -> Result<Connection, LockError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(wait.unwrap_or(Duration::ZERO))?;
    if wal {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(LockError::WalUnavailable(mode));
        }
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    )?;
    Ok(conn)
}

/// Appends one entry (its own autocommit transaction).
pub fn add_entry(conn: &Connection, text: &str) -> Result<(), LockError> {
    if text.trim().is_empty() {
        return Err(LockError::EmptyEntry);
    }
    conn.execute("INSERT INTO entries (text) VALUES (?1)", [text])?;
    Ok(())
}

/// How many entries this connection can see.
pub fn count_entries(conn: &Connection) -> Result<u64, LockError> {
    Ok(conn.query_row("SELECT count(*) FROM entries", [], |row| row.get(0))?)
}
