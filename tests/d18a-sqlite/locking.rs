use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use rstest::rstest;
use rusqlite::{Connection, TransactionBehavior};

use crate::locking::*;

/// Deadlock guard only, never what decides a passing test.
const GUARD: Duration = Duration::from_secs(20);

fn shared_file() -> (tempfile::TempDir, PathBuf) {
    let dir = super::temp_dir();
    let path = dir.path().join("shared.db");
    (dir, path)
}

/// A shared file with one committed entry, and the connection (WAL if `wal`) that wrote it.
fn one_committed_entry(
    timeout: Option<Duration>,
    wal: bool,
) -> (tempfile::TempDir, PathBuf, Connection) {
    let (dir, path) = shared_file();
    let mode = if wal { "WAL" } else { "rollback-journal" };
    let reader =
        connect(&path, timeout, wal).unwrap_or_else(|e| panic!("connect in {mode} mode: {e:?}"));
    add_entry(&reader, "committed").expect("a first committed entry");
    (dir, path, reader)
}

/// A plain second connection that holds a write transaction with one uncommitted row.
fn writer_holding_the_lock(path: &Path, behavior: TransactionBehavior) -> Connection {
    let conn = Connection::open(path).expect("the test's own connection should open");
    conn.execute_batch(match behavior {
        TransactionBehavior::Exclusive => "BEGIN EXCLUSIVE",
        _ => "BEGIN IMMEDIATE",
    })
    .expect("the test should get the write lock");
    conn.execute("INSERT INTO entries (text) VALUES ('uncommitted')", [])
        .expect("the test writes inside its transaction");
    conn
}

/// The busy timeout `conn` is set to, in milliseconds.
fn busy_timeout_ms(conn: &Connection) -> i64 {
    super::select_one(conn, "PRAGMA busy_timeout", "read the busy timeout")
}

/// The journal mode recorded in the file at `path`, as a plain connection reads it.
fn journal_mode_of(path: &Path) -> String {
    let other = Connection::open(path).expect("a plain connection");
    super::select_one(&other, "PRAGMA journal_mode", "read the journal mode")
}

#[test]
fn a_second_writer_without_a_timeout_gets_locked() {
    let (_dir, path) = shared_file();
    let ours = connect(&path, None, false).expect("connect without a timeout");
    let _holder = writer_holding_the_lock(&path, TransactionBehavior::Immediate);
    let result = add_entry(&ours, "me too");
    assert!(
        matches!(result, Err(LockError::Locked)),
        "writing while another connection holds the write lock returned {result:?}: with no \
         busy timeout SQLite answers SQLITE_BUSY at once, and that must become LockError::Locked"
    );
}

#[test]
fn no_timeout_really_means_zero() {
    let (_dir, path) = shared_file();
    let conn = connect(&path, None, false).expect("connect");
    let ms = busy_timeout_ms(&conn);
    assert_eq!(
        ms, 0,
        "busy_timeout is {ms} ms: rusqlite sets 5000 ms by default, so None must set it to 0"
    );
}

#[rstest]
#[case::short(Duration::from_millis(250), 250)]
#[case::long(Duration::from_secs(7), 7_000)]
fn the_requested_busy_timeout_is_configured(#[case] wait: Duration, #[case] expected_ms: i64) {
    let (_dir, path) = shared_file();
    let conn = connect(&path, Some(wait), false).expect("connect");
    let ms = busy_timeout_ms(&conn);
    assert_eq!(
        ms, expected_ms,
        "connect({wait:?}) left busy_timeout at {ms} ms"
    );
}

#[test]
fn a_writer_with_a_busy_timeout_succeeds_once_the_lock_is_released() {
    let (_dir, path) = shared_file();
    connect(&path, None, false).expect("create the schema");
    let holder = writer_holding_the_lock(&path, TransactionBehavior::Immediate);
    let (started, ready) = mpsc::channel();
    let (done, finished) = mpsc::channel();
    let writer_path = path.clone();
    std::thread::spawn(move || {
        let result = connect(&writer_path, Some(Duration::from_secs(10)), false).and_then(|conn| {
            let _ = started.send(());
            add_entry(&conn, "waited my turn")
        });
        let _ = done.send(result);
    });
    ready
        .recv_timeout(GUARD)
        .expect("the waiting writer should connect");
    // The lock is still held, so a writer that really waits cannot have finished. (This
    // bounded wait is for an event that must not happen, so a correct run pays it in full:
    // 100 ms, long enough for a writer without a busy timeout, which fails at once.)
    if let Ok(early) = finished.recv_timeout(Duration::from_millis(100)) {
        panic!(
            "the writer with a 10 s busy timeout returned {early:?} while another connection \
             still held the write lock: it must wait for the lock, not give up at once"
        );
    }
    holder
        .execute_batch("COMMIT")
        .expect("release the write lock");
    let result = finished
        .recv_timeout(GUARD)
        .expect("the waiting writer should finish");
    assert!(
        result.is_ok(),
        "a writer with a 10 s busy timeout returned {result:?}: it must wait for the lock"
    );
    let conn = connect(&path, None, false).expect("reconnect");
    assert_eq!(
        count_entries(&conn).ok(),
        Some(2),
        "both writes must be committed"
    );
}

#[test]
fn in_wal_mode_a_reader_sees_the_last_commit_while_a_write_is_open() {
    let (_dir, path, reader) = one_committed_entry(Some(Duration::from_secs(5)), true);
    let holder = writer_holding_the_lock(&path, TransactionBehavior::Exclusive);
    let seen = count_entries(&reader);
    assert!(
        matches!(seen, Ok(1)),
        "in WAL mode, during another connection's open write, the reader got {seen:?}: it \
         must read the last committed state (1 entry) without waiting"
    );
    holder.execute_batch("COMMIT").expect("commit the writer");
    assert!(
        matches!(count_entries(&reader), Ok(2)),
        "after the commit the reader must see both entries"
    );
}

#[test]
fn without_wal_an_exclusive_writer_locks_readers_out() {
    let (_dir, path, reader) = one_committed_entry(None, false);
    let _holder = writer_holding_the_lock(&path, TransactionBehavior::Exclusive);
    let seen = count_entries(&reader);
    assert!(
        matches!(seen, Err(LockError::Locked)),
        "in rollback-journal mode an exclusive writer shuts readers out, but the read returned \
         {seen:?}: did connect switch to WAL when asked not to, or not map SQLITE_BUSY?"
    );
}

#[test]
fn wal_mode_is_recorded_in_the_file() {
    let (_dir, path) = shared_file();
    connect(&path, None, true).expect("connect in WAL mode");
    let mode = journal_mode_of(&path);
    assert_eq!(
        mode, "wal",
        "connect(.., wal = true) left the file in {mode:?} mode"
    );
}

#[test]
fn wal_on_an_in_memory_database_is_a_typed_error() {
    let result = connect(Path::new(":memory:"), None, true);
    assert!(
        matches!(&result, Err(LockError::WalUnavailable(mode)) if mode == "memory"),
        "an in-memory database cannot use WAL (the pragma answers \"memory\"), got {:?}",
        result.err()
    );
}

#[rstest]
#[case::spaces("  ")]
#[case::tabs_and_newlines("\t\n\t")]
fn an_empty_entry_is_rejected(#[case] blank: &str) {
    let (_dir, path) = shared_file();
    let conn = connect(&path, None, false).expect("connect");
    let result = add_entry(&conn, blank);
    assert!(
        matches!(result, Err(LockError::EmptyEntry)),
        "add_entry({blank:?}) returned {result:?}, want EmptyEntry: an entry of only \
         whitespace (spaces, tabs, newlines: Rust's trim) is empty, and the code decides \
         that before writing (SQL's trim() strips only spaces)"
    );
    assert_eq!(
        count_entries(&conn).ok(),
        Some(0),
        "a rejected entry was written"
    );
}

#[test]
fn the_entry_reaches_sqlite_bound() {
    let (_dir, path) = shared_file();
    // A quote and digits no SQL text holds otherwise.
    let entry = "Bhi'ma lifts 27182 logs";
    let (counted, watched) = super::watch_connections(|| {
        let conn = connect(&path, None, false).expect("connect");
        add_entry(&conn, entry).expect("add the entry");
        count_entries(&conn)
    });
    assert_eq!(counted.ok(), Some(1), "one entry was added");
    super::assert_values_bound(&watched.sent, &[entry], "add_entry");
}

#[test]
fn a_path_in_a_missing_directory_is_a_database_error_not_locked() {
    let (dir, _path) = shared_file();
    let result = connect(&dir.path().join("missing/shared.db"), None, false);
    assert!(
        matches!(&result, Err(LockError::Sqlite(_))),
        "an impossible path gave {:?}: only BUSY/LOCKED map to Locked, the rest stay Sqlite",
        result.err()
    );
}

/// Which of the kata's reads or writes a test calls.
#[derive(Debug, Clone, Copy)]
enum Call {
    AddEntry,
    CountEntries,
}

#[rstest]
#[case::an_insert_a_trigger_refuses(
    "CREATE TRIGGER refuse BEFORE INSERT ON entries BEGIN SELECT RAISE(ABORT, 'refused'); END",
    Call::AddEntry
)]
#[case::an_insert_into_a_table_that_is_gone("DROP TABLE entries", Call::AddEntry)]
#[case::a_count_of_a_table_that_is_gone("DROP TABLE entries", Call::CountEntries)]
#[case::a_refusal_whose_text_says_locked(
    "CREATE TRIGGER refuse BEFORE INSERT ON entries BEGIN SELECT RAISE(ABORT, 'entry locked'); END",
    Call::AddEntry
)]
#[case::a_count_through_a_view_of_a_missing_table_named_locked(
    "DROP TABLE entries; CREATE VIEW entries AS SELECT * FROM locked_entries",
    Call::CountEntries
)]
fn a_failure_that_is_not_a_lock_stays_a_database_error(#[case] setup: &str, #[case] call: Call) {
    let (_dir, path) = shared_file();
    let conn = connect(&path, None, false).expect("connect");
    conn.execute_batch(setup)
        .expect("the test sets up the failure");
    let result = match call {
        Call::AddEntry => add_entry(&conn, "doomed").map(|()| 0),
        Call::CountEntries => count_entries(&conn),
    };
    assert!(
        matches!(&result, Err(LockError::Sqlite(_))),
        "after `{setup}`, {call:?} returned {:?}: nothing holds a lock, so this failure is \
         not Locked. Only SQLITE_BUSY and SQLITE_LOCKED (ErrorCode::DatabaseBusy | \
         ErrorCode::DatabaseLocked) become Locked; every other error stays Sqlite, even one \
         whose message says \"locked\" (match the code, not the text)",
        result.map_err(|e| e.to_string())
    );
}

#[rstest]
#[case::memory_uri("file::memory:", "memory")]
#[case::named_memory_uri("file:kata_locking?mode=memory", "memory")]
#[case::temporary_database("", "delete")]
#[case::memdb_vfs_without_memory_in_its_name("file:kata-notes?vfs=memdb", "memory")]
#[case::file_opened_without_locking("file:{dir}/notes.db?nolock=1", "delete")]
#[case::file_through_the_vfs_without_locks("file:{dir}/notes.db?vfs=unix-none", "delete")]
#[case::file_through_the_dot_file_vfs(
    "file:{dir}/notes.db?cache=private&vfs=unix-dotfile",
    "delete"
)]
fn the_mode_the_pragma_answers_is_the_one_reported(#[case] path: &str, #[case] answered: &str) {
    // `{dir}` stands for a fresh temporary directory.
    let dir = super::temp_dir();
    let path = &path.replace("{dir}", &dir.path().to_string_lossy());
    let result = connect(Path::new(path), None, true);
    assert!(
        matches!(&result, Err(LockError::WalUnavailable(mode)) if mode.eq_ignore_ascii_case(answered)),
        "connect({path:?}, .., wal = true): SQLite answers `PRAGMA journal_mode = WAL` with \
         {answered:?} for this database (no WAL possible), so the result must be \
         WalUnavailable({answered:?}); got {:?}. Read the mode the pragma returns and report \
         it, do not guess from the path",
        result
            .as_ref()
            .map(|_| "a connection")
            .map_err(|e| e.to_string())
    );
}

#[test]
fn a_shared_cache_table_lock_is_locked_too() {
    // Two connections sharing one in-memory cache: while one writes to `entries`, the other
    // is refused with SQLITE_LOCKED ("database table is locked"), not SQLITE_BUSY.
    let path = Path::new("file:kata_locking_shared_cache?mode=memory&cache=shared");
    let writer = connect(path, None, false).expect("the writer connects");
    let reader = connect(path, None, false).expect("the reader connects");
    writer
        .execute_batch("BEGIN; INSERT INTO entries (text) VALUES ('held');")
        .expect("the writer holds the table");
    let result = count_entries(&reader);
    assert!(
        matches!(result, Err(LockError::Locked)),
        "reading a table another connection of the same shared cache is writing gives \
         SQLITE_LOCKED, which must be LockError::Locked as well as SQLITE_BUSY; got {:?}. \
         Match the error code (ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked), not \
         the message text",
        result.map_err(|e| e.to_string())
    );
    writer.execute_batch("ROLLBACK").expect("release");
}

#[rstest]
#[case::memory_in_the_name("{dir}/in-memory-notes.db")]
#[case::a_file_named_like_the_memory_database("{dir}/:memory:")]
#[case::a_uri_parameter_in_the_file_name("{dir}/mode=memory&vfs=memdb.db")]
#[case::a_uri_whose_file_name_says_nolock("file:{dir}/nolock=1.db?cache=private")]
#[case::the_exclusive_locking_vfs("file:{dir}/notes.db?vfs=unix-excl")]
fn a_file_whose_name_mentions_memory_still_gets_wal(#[case] path: &str) {
    // `{dir}` stands for a fresh temporary directory; each path names an ordinary file.
    let dir = super::temp_dir();
    let path = path.replace("{dir}", &dir.path().to_string_lossy());
    let result = connect(Path::new(&path), None, true);
    assert!(
        result.is_ok(),
        "connect({path:?}, .., wal = true) on an ordinary file refused WAL ({:?}): the mode \
         was guessed from the path. SQLite answers `PRAGMA journal_mode = WAL` with \"wal\" \
         for any file that can take it; read that answer",
        result.err()
    );
}

#[rstest]
#[case::rollback_journal(false)]
#[case::asking_for_wal(true)]
fn connecting_while_another_connection_holds_the_file_is_locked(#[case] wal: bool) {
    let (_dir, path) = shared_file();
    connect(&path, None, false).expect("create the schema");
    // In rollback-journal mode an exclusive writer keeps every other connection out, so
    // connect's first statement (the WAL pragma, or the schema step) gets SQLITE_BUSY.
    let holder = writer_holding_the_lock(&path, TransactionBehavior::Exclusive);
    let result = connect(&path, None, wal);
    assert!(
        matches!(&result, Err(LockError::Locked)),
        "connect(.., None, wal = {wal}) while another connection holds the file exclusively \
         returned {:?}: its statements hit the same SQLITE_BUSY as any write, and a lock is \
         LockError::Locked wherever it is met, connect included (let ? go through your \
         From impl, no map_err(LockError::Sqlite)), so the caller knows to retry",
        result
            .as_ref()
            .map(|_| "a connection")
            .map_err(|e| e.to_string())
    );
    holder.execute_batch("ROLLBACK").expect("release the lock");
}
