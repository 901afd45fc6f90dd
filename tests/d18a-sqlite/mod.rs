//! The d18a-sqlite suite: compiled into kata-d18a-sqlite (where it must fail) and
//! solution-d18a-sqlite (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d18a-sqlite/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// A fresh temporary directory; every file a test touches lives in one.
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("the OS should give the test a temporary directory")
}

/// The one value `sql` selects on `conn`; `what` is the message if the query fails.
pub(crate) fn select_one<T: rusqlite::types::FromSql>(
    conn: &rusqlite::Connection,
    sql: &str,
    what: &str,
) -> T {
    conn.query_row(sql, [], |row| row.get(0))
        .unwrap_or_else(|e| panic!("{what}: {e:?}"))
}

#[cfg(any(not(feature = "one-kata"), feature = "async_store"))]
mod async_store;
#[cfg(any(not(feature = "one-kata"), feature = "bank"))]
mod bank;
#[cfg(any(not(feature = "one-kata"), feature = "commit"))]
mod commit;
// Used by dates, injection: left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "crud",
        any(
            feature = "all-tests",
            not(any(feature = "dates", feature = "injection"))
        )
    )
))]
mod crud;
#[cfg(any(not(feature = "one-kata"), feature = "dates"))]
mod dates;
#[cfg(any(not(feature = "one-kata"), feature = "injection"))]
mod injection;
#[cfg(any(not(feature = "one-kata"), feature = "joins"))]
mod joins;
#[cfg(any(not(feature = "one-kata"), feature = "locking"))]
mod locking;

/// One statement SQLite ran, as its statement trace saw it.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    /// The statement text as prepared (placeholders, no values).
    pub(crate) sql: String,
    /// The same text with the bound values written in (`'O''Brien'`); equal to `sql` when
    /// nothing was bound.
    pub(crate) expanded: String,
    /// How many rows the statement returned.
    pub(crate) rows: usize,
    /// Whether the thread was unwinding a panic when SQLite ran it (a guard's `Drop`).
    pub(crate) unwinding: bool,
}

impl Sent {
    /// The values bound to the statement's placeholders, as SQL literals in the order they
    /// appear in the text (`'O''Brien'`, `1234.5`, `7`, `NULL`).
    pub(crate) fn bound_values(&self) -> Vec<String> {
        let sql = self.sql.as_bytes();
        let expanded = self.expanded.as_str();
        let (mut i, mut j, mut quote) = (0, 0, None);
        let mut values = Vec::new();
        while i < sql.len() {
            let c = sql[i];
            let placeholder = quote.is_none()
                && (c == b'?'
                    || (matches!(c, b':' | b'@' | b'$')
                        && i + 1 < sql.len()
                        && (sql[i + 1].is_ascii_alphabetic() || sql[i + 1] == b'_')));
            if !placeholder {
                quote = match (quote, c) {
                    (None, b'\'' | b'"') => Some(c),
                    (Some(q), _) if q == c => None,
                    (q, _) => q,
                };
                i += 1;
                j += 1;
                continue;
            }
            i += 1;
            while i < sql.len() && (sql[i].is_ascii_alphanumeric() || sql[i] == b'_') {
                i += 1;
            }
            let rest = &expanded[j..];
            let len = if rest.starts_with('\'') {
                // A text literal: up to the quote that is not doubled.
                let mut end = 1;
                let bytes = rest.as_bytes();
                while end < bytes.len() {
                    if bytes[end] == b'\'' {
                        if bytes.get(end + 1) == Some(&b'\'') {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end += 1;
                }
                end + 1
            } else {
                rest.find(|ch: char| !(ch.is_ascii_alphanumeric() || "+-.'".contains(ch)))
                    .unwrap_or(rest.len())
            };
            values.push(rest[..len.min(rest.len())].to_owned());
            j += len;
        }
        values
    }
}

thread_local! {
    static SENT: std::cell::RefCell<Vec<Sent>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn record_sent(event: rusqlite::trace::TraceEvent<'_>) {
    use rusqlite::trace::TraceEvent;
    match event {
        TraceEvent::Stmt(stmt, sql) => {
            // Statements a trigger runs are reported as `-- TRIGGER name` comments.
            if sql.starts_with("--") {
                return;
            }
            let expanded = stmt.expanded_sql().unwrap_or_else(|| sql.to_owned());
            SENT.with(|sent| {
                sent.borrow_mut().push(Sent {
                    sql: sql.to_owned(),
                    expanded,
                    rows: 0,
                    unwinding: std::thread::panicking(),
                })
            });
        }
        TraceEvent::Row(_) => SENT.with(|sent| {
            if let Some(last) = sent.borrow_mut().last_mut() {
                last.rows += 1;
            }
        }),
        _ => {}
    }
}

/// Runs `work` with SQLite's statement trace on `conn` (on this thread) and returns its
/// result with every statement it ran.
pub(crate) fn traced<T>(conn: &rusqlite::Connection, work: impl FnOnce() -> T) -> (T, Vec<Sent>) {
    use rusqlite::trace::TraceEventCodes;
    SENT.with(|sent| sent.borrow_mut().clear());
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT | TraceEventCodes::SQLITE_TRACE_ROW,
        Some(record_sent),
    );
    let result = work();
    conn.trace_v2(TraceEventCodes::empty(), None);
    (result, SENT.with(|sent| sent.borrow_mut().split_off(0)))
}

/// The file change counter in a database file's header (bytes 24..28, big-endian). In
/// SQLite's default rollback-journal mode every committed write transaction adds one; a
/// rolled-back transaction leaves it alone.
pub(crate) fn commits_recorded(path: &std::path::Path) -> u32 {
    let bytes = std::fs::read(path).expect("the database file should be readable");
    let header: [u8; 4] = bytes
        .get(24..28)
        .and_then(|b| b.try_into().ok())
        .expect("a database file has a 100-byte header");
    u32::from_be_bytes(header)
}

/// Turns SQLite's statement trace on for `conn` (recording on this thread) and forgets what
/// was recorded so far; it stays on for that connection until it is closed. For code that
/// only lends its connection to a callback (a hook), the callback can start the trace.
pub(crate) fn start_tracing(conn: &rusqlite::Connection) {
    use rusqlite::trace::TraceEventCodes;
    SENT.with(|sent| sent.borrow_mut().clear());
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT | TraceEventCodes::SQLITE_TRACE_ROW,
        Some(record_sent),
    );
}

/// Takes every statement recorded on this thread since the last call (or `start_tracing`).
pub(crate) fn take_sent() -> Vec<Sent> {
    SENT.with(|sent| sent.borrow_mut().split_off(0))
}

/// Runs the statement `sent` records again on `conn` (its values written in) and returns
/// each row's `column` (named case-insensitively; the first column if none has that name),
/// in the order SQLite itself returns them.
pub(crate) fn rerun_column<T: rusqlite::types::FromSql>(
    conn: &rusqlite::Connection,
    sent: &Sent,
    column: &str,
) -> Vec<T> {
    let mut stmt = conn
        .prepare(&sent.expanded)
        .unwrap_or_else(|e| panic!("{:?} should prepare again: {e:?}", sent.sql));
    let position = (0..stmt.column_count())
        .position(|i| {
            stmt.column_name(i)
                .is_ok_and(|n| n.eq_ignore_ascii_case(column))
        })
        .unwrap_or(0);
    stmt.query_map([], |row| row.get(position))
        .and_then(|rows| rows.collect())
        .unwrap_or_else(|e| panic!("{:?} should run again: {e:?}", sent.sql))
}
