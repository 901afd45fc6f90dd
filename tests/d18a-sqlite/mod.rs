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
    /// The statement's handle, for a watch to count its rows (0 where not needed).
    statement: usize,
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
                    statement: 0,
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

/// What every connection opened inside [`watch_connections`] ran.
#[derive(Debug, Default)]
pub(crate) struct Watched {
    /// Every statement, in the order SQLite ran them, each with the rows it returned.
    pub(crate) sent: Vec<Sent>,
    /// How many connections were opened under the watch.
    pub(crate) opened: usize,
    /// For each connection that closed: the change counter (`commits_recorded`) its database
    /// file held at that moment (`None` for a database with no file).
    pub(crate) counters_at_close: Vec<Option<u32>>,
}

/// The recorders of the watches under way, by watch number: each watch reads only its own
/// connections' events, so tests watching in parallel never mix.
static WATCHES: std::sync::Mutex<std::collections::BTreeMap<usize, Watched>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

thread_local! {
    /// The watch this thread is under (0: none); connections it opens report to that watch.
    static WATCHING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn watches() -> std::sync::MutexGuard<'static, std::collections::BTreeMap<usize, Watched>> {
    WATCHES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The change counter in the header of the file at `name` (a C string), if it has one.
fn counter_of_file(name: *const std::ffi::c_char) -> Option<u32> {
    use std::io::Read;
    if name.is_null() {
        return None;
    }
    // SAFETY: SQLite hands a NUL-terminated file name that lives as long as the connection.
    let path = unsafe { std::ffi::CStr::from_ptr(name) }.to_str().ok()?;
    let mut header = [0u8; 28];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut header))
        .ok()?;
    Some(u32::from_be_bytes([
        header[24], header[25], header[26], header[27],
    ]))
}

/// SQLite's `sqlite3_trace_v2` callback on a watched connection; `watch` is its watch number.
unsafe extern "C" fn on_watched_event(
    event: std::ffi::c_uint,
    watch: *mut std::ffi::c_void,
    p: *mut std::ffi::c_void,
    x: *mut std::ffi::c_void,
) -> std::ffi::c_int {
    use rusqlite::ffi;
    // Nothing here may panic: this runs inside SQLite, where unwinding would abort.
    let watch = watch as usize;
    match event {
        ffi::SQLITE_TRACE_STMT => {
            // SAFETY: for a statement event `x` is its NUL-terminated SQL text and `p` the
            // statement, both alive for the duration of the callback.
            let sql = unsafe { std::ffi::CStr::from_ptr(x.cast()) }
                .to_string_lossy()
                .into_owned();
            // Statements a trigger runs are reported as `-- TRIGGER name` comments.
            if sql.starts_with("--") {
                return 0;
            }
            let expanded = unsafe {
                let text = ffi::sqlite3_expanded_sql(p.cast());
                if text.is_null() {
                    sql.clone()
                } else {
                    let owned = std::ffi::CStr::from_ptr(text)
                        .to_string_lossy()
                        .into_owned();
                    ffi::sqlite3_free(text.cast());
                    owned
                }
            };
            let sent = Sent {
                sql,
                expanded,
                rows: 0,
                unwinding: std::thread::panicking(),
                statement: p as usize,
            };
            if let Some(watched) = watches().get_mut(&watch) {
                watched.sent.push(sent);
            }
        }
        ffi::SQLITE_TRACE_ROW => {
            // `p` is the statement that returned a row: count it on its latest run.
            if let Some(watched) = watches().get_mut(&watch)
                && let Some(sent) = watched
                    .sent
                    .iter_mut()
                    .rev()
                    .find(|sent| sent.statement == p as usize)
            {
                sent.rows += 1;
            }
        }
        ffi::SQLITE_TRACE_CLOSE => {
            // SAFETY: for a close event `p` is the connection, still open.
            let counter =
                counter_of_file(unsafe { ffi::sqlite3_db_filename(p.cast(), c"main".as_ptr()) });
            if let Some(watched) = watches().get_mut(&watch) {
                watched.counters_at_close.push(counter);
            }
        }
        _ => {}
    }
    0
}

/// SQLite's auto-extension hook: runs for every connection the process opens, and starts
/// the statement trace on those opened by a thread under a watch or on a file in a watched
/// directory (see [`watch_files_in`]).
unsafe extern "C" fn watch_new_connection(
    db: *mut rusqlite::ffi::sqlite3,
    _error: *mut *mut std::ffi::c_char,
    _api: *const rusqlite::ffi::sqlite3_api_routines,
) -> std::ffi::c_int {
    use rusqlite::ffi;
    let mut watch = WATCHING.try_with(std::cell::Cell::get).unwrap_or(0);
    if watch == 0 {
        // SAFETY: `db` is the connection being opened; its main file name lives as long as it.
        let name = unsafe { ffi::sqlite3_db_filename(db, c"main".as_ptr()) };
        if let Some((number, foreign_keys)) = watched_dir_of(name) {
            watch = number;
            if foreign_keys {
                // SAFETY: a plain statement on the connection being opened, no callback.
                unsafe {
                    ffi::sqlite3_exec(
                        db,
                        c"PRAGMA foreign_keys = ON".as_ptr(),
                        None,
                        std::ptr::null_mut(),
                        std::ptr::null_mut(),
                    );
                }
            }
        }
    }
    if watch != 0 {
        if let Some(watched) = watches().get_mut(&watch) {
            watched.opened += 1;
        }
        // SAFETY: `db` is the connection being opened; the callback and its context (a
        // plain number) need nothing freed.
        unsafe {
            ffi::sqlite3_trace_v2(
                db,
                ffi::SQLITE_TRACE_STMT | ffi::SQLITE_TRACE_ROW | ffi::SQLITE_TRACE_CLOSE,
                Some(on_watched_event),
                watch as *mut std::ffi::c_void,
            );
        }
    }
    ffi::SQLITE_OK
}

/// Runs `work` and returns its result with every statement run by every connection this
/// thread opened during it (from a path or in memory, however private to the code under
/// test), and what each one's file said as it closed. Statements a connection runs after
/// `work` ends are not recorded. Connections opened before `work` are not watched.
pub(crate) fn watch_connections<T>(work: impl FnOnce() -> T) -> (T, Watched) {
    run_watch(|watch| WATCHING.with(|watching| watching.set(watch)), work)
}

/// Directories whose database files are watched whichever thread opens them:
/// (canonical directory, watch number, whether the connection gets `PRAGMA foreign_keys = ON`).
static WATCHED_DIRS: std::sync::Mutex<Vec<(std::path::PathBuf, usize, bool)>> =
    std::sync::Mutex::new(Vec::new());

fn watched_dirs() -> std::sync::MutexGuard<'static, Vec<(std::path::PathBuf, usize, bool)>> {
    WATCHED_DIRS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The watch (and its foreign-keys wish) of the directory holding the file `name`, if any.
fn watched_dir_of(name: *const std::ffi::c_char) -> Option<(usize, bool)> {
    if name.is_null() {
        return None;
    }
    // SAFETY: SQLite hands a NUL-terminated file name that lives as long as the connection.
    let path = unsafe { std::ffi::CStr::from_ptr(name) }.to_str().ok()?;
    let path = std::path::Path::new(path);
    watched_dirs()
        .iter()
        .find(|(dir, _, _)| path.starts_with(dir))
        .map(|&(_, watch, foreign_keys)| (watch, foreign_keys))
}

/// Like [`watch_connections`], but watches every connection opened during `work` on a file
/// in `dir`, whichever thread opens it (a store's own database thread included); with
/// `foreign_keys`, each such connection also starts with `PRAGMA foreign_keys = ON` (a
/// failure injection: a deferred foreign-key violation then makes `COMMIT` fail).
pub(crate) fn watch_files_in<T>(
    dir: &std::path::Path,
    foreign_keys: bool,
    work: impl FnOnce() -> T,
) -> (T, Watched) {
    let dir = dir.canonicalize().expect("a watched directory exists");
    run_watch(
        move |watch| watched_dirs().push((dir, watch, foreign_keys)),
        work,
    )
}

/// Starts a watch with `start`, runs `work`, ends the watch and returns what it saw.
fn run_watch<T>(start: impl FnOnce(usize), work: impl FnOnce() -> T) -> (T, Watched) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    static NEXT_WATCH: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    HOOK.call_once(|| {
        // SAFETY: the hook only starts a trace; it opens nothing and never closes `db`.
        let rc = unsafe { rusqlite::ffi::sqlite3_auto_extension(Some(watch_new_connection)) };
        assert_eq!(
            rc,
            rusqlite::ffi::SQLITE_OK,
            "SQLite should accept the auto-extension"
        );
    });
    /// Ends the watch even if `work` panics.
    struct Watch(usize);
    impl Drop for Watch {
        fn drop(&mut self) {
            WATCHING.with(|watching| watching.set(0));
            watched_dirs().retain(|&(_, watch, _)| watch != self.0);
            watches().remove(&self.0);
        }
    }
    let watch = Watch(NEXT_WATCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    watches().insert(watch.0, Watched::default());
    start(watch.0);
    let result = work();
    WATCHING.with(|watching| watching.set(0));
    watched_dirs().retain(|&(_, number, _)| number != watch.0);
    let watched = watches().remove(&watch.0).unwrap_or_default();
    (result, watched)
}

/// Asserts that every one of `values` (text as passed; numbers as written, found bound
/// with or without a minus sign) reached SQLite as a bound parameter of some statement in
/// `sent`, and never as text of any statement's SQL (as given or with its quotes doubled).
/// `call` names what the test ran, for the message.
pub(crate) fn assert_values_bound(sent: &[Sent], values: &[&str], call: &str) {
    let bound: Vec<String> = sent.iter().flat_map(Sent::bound_values).collect();
    for value in values {
        let doubled = value.replace('\'', "''");
        if let Some(pasted) = sent
            .iter()
            .find(|s| s.sql.contains(value) || s.sql.contains(&doubled))
        {
            panic!(
                "{call} wrote the value {value:?} into the SQL text {:?}: string-built SQL \
                 (format!, quotes doubled by hand) is still string-built SQL. Bind every value \
                 as a parameter (?1, ?2, ...) on every statement, in every connection",
                pasted.sql
            );
        }
        let is_number = value.parse::<f64>().is_ok();
        let literal = format!("'{doubled}'");
        let found = bound.iter().any(|b| {
            if is_number {
                b.trim_start_matches('-') == *value
            } else {
                *b == literal
            }
        });
        assert!(
            found,
            "{call} never bound the value {value:?} to a statement (values bound: {bound:?}): \
             every value the caller passes reaches SQLite as a bound parameter"
        );
    }
}

/// Stores one row in `table` through `conn` with each `(column, literal)` given as an SQL
/// literal of another storage class than its declared type asks for (`'100'` for an INTEGER
/// column), and asserts SQLite converted each to `class` (`typeof()`), the way a declared
/// type's affinity (or a STRICT table) does for any connection, whatever the code binds. The
/// row is rolled back. `what` names the table's lesson, for the message.
#[track_caller]
pub(crate) fn assert_schema_converts(
    conn: &rusqlite::Connection,
    table: &str,
    columns: &[(&str, &str, &str)],
    what: &str,
) {
    let names: Vec<&str> = columns.iter().map(|(name, _, _)| *name).collect();
    let literals: Vec<&str> = columns.iter().map(|(_, literal, _)| *literal).collect();
    let classes: Vec<String> = names.iter().map(|n| format!("typeof({n})")).collect();
    conn.execute_batch("SAVEPOINT schema_probe")
        .expect("a savepoint should open");
    let stored: Result<Vec<String>, _> = conn.query_row(
        &format!(
            "INSERT INTO {table} ({}) VALUES ({}) RETURNING {}",
            names.join(", "),
            literals.join(", "),
            classes.join(", ")
        ),
        [],
        |row| (0..columns.len()).map(|i| row.get(i)).collect(),
    );
    conn.execute_batch("ROLLBACK TO schema_probe; RELEASE schema_probe")
        .expect("the probe row should roll back");
    let expected: Vec<&str> = columns.iter().map(|(_, _, class)| *class).collect();
    let declared: Vec<String> = names
        .iter()
        .map(|name| {
            conn.query_row(
                "SELECT type FROM pragma_table_info(?1) WHERE name = ?2",
                [table, name],
                |row| row.get::<_, String>(0),
            )
            .map_or_else(
                |_| format!("{name} (not found)"),
                |ty| match ty.as_str() {
                    "" => format!("{name} with no type (no affinity)"),
                    ty => format!("{name} {ty}"),
                },
            )
        })
        .collect();
    assert_eq!(
        stored.as_ref().ok(),
        Some(&expected.iter().map(|c| c.to_string()).collect()),
        "a plain INSERT, as any other writer might send, stored ({}) = ({}) in {table}, and \
         SQLite kept or converted them to the storage classes {stored:?} instead of \
         {expected:?}. The schema declares {}. A declared type's name picks the affinity: \
         INT gives INTEGER, CHAR/CLOB/TEXT give TEXT, REAL/FLOA/DOUB give REAL, BLOB or no type gives \
         none, and any other name (DATETIME, BOOLEAN, DATE, NUMERIC) gives NUMERIC, which \
         turns a number-like text into a number. So only the code's own bindings keep the \
         classes right. {what}: declare each column INTEGER, TEXT or REAL as it should hold, \
         so SQLite converts or refuses what any connection writes",
        names.join(", "),
        literals.join(", "),
        declared.join(", ")
    );
}

/// Set in the child process that runs a test with another local time zone (see
/// `in_kolkata`): the name of that test.
const IN_KOLKATA: &str = "D18A_SQLITE_IN_KOLKATA";

/// India's time zone, UTC+05:30 all year, as a POSIX `TZ` string: the C library reads it
/// without a time zone database.
const KOLKATA: &str = "IST-5:30";

/// Runs `body`, the test `module::name` (`module` is `module_path!()`), in a child process
/// of this test binary whose local time zone is UTC+05:30 (`TZ` set for the child only: the
/// environment of this multi-threaded process is never changed), so a timestamp read as
/// local time is five and a half hours off. Fails with the child's message if it fails.
pub(crate) fn in_kolkata(module: &str, name: &str, body: impl FnOnce()) {
    // `module_path!()` is the crate's name, then the path of the test module.
    let path = module.split_once("::").map_or(module, |(_, rest)| rest);
    let test = format!("{path}::{name}");
    if std::env::var(IN_KOLKATA).is_ok_and(|wanted| wanted == test) {
        let conn = rusqlite::Connection::open_in_memory().expect("an in-memory database");
        let local: String = select_one(
            &conn,
            "SELECT datetime('2026-01-01 00:00:00', 'localtime')",
            "SQLite should read the local time zone",
        );
        assert_eq!(
            local, "2026-01-01 05:30:00",
            "the child process runs with TZ={KOLKATA}, yet SQLite's local time is not UTC+05:30"
        );
        body();
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's own path");
    let output = std::process::Command::new(exe)
        .args([test.as_str(), "--exact", "--test-threads=1", "--nocapture"])
        .env(IN_KOLKATA, &test)
        .env("TZ", KOLKATA)
        .env("RUST_BACKTRACE", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the test binary again for one test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{test} ran in a child process whose local time zone is UTC+05:30 (TZ={KOLKATA}) \
         and failed:\n{stderr}"
    );
}
