//! Dodge: `connect` sets the busy timeout (so `PRAGMA busy_timeout` reads back right), then
//! replaces SQLite's waiting with a handler that gives up at once: a writer that meets a
//! lock fails instead of waiting its turn.
//! Caught by: a_writer_with_a_busy_timeout_succeeds_once_the_lock_is_released, the_requested_busy_timeout_is_configured

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
    // The requested wait is recorded, but the connection gives up at the first lock.
    conn.busy_timeout(wait.unwrap_or(Duration::ZERO))?;
    conn.busy_handler(Some(|_attempt| false))?;
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
