//! Kata 3: `TestDb` and its rstest fixture, checked against the database file itself.

// The solution names tempfile and the stub does not: loaded here, before any path names it, so
// that the learner's first use does not recompile the whole test binary (docs/authoring.md,
// "Crates only the solution names").
extern crate tempfile as _;

use std::panic;
use std::path::Path;
use std::rc::Rc;

use rstest::rstest;
use rusqlite::Connection;

use crate::teardown_fixture::*;

const ADA: &str = "ada@example.com";

/// Counts committed users with a separate, plain connection: what the next test would see.
fn committed_users(path: &Path) -> i64 {
    let conn = Connection::open(path).expect("the database file should open");
    conn.query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))
        .expect("the users table should exist once a TestDb has opened the file")
}

/// Gives `conn`'s database the users table and one committed user, as a shared test
/// database would have: rows that were there before the test and must stay after it.
fn seed(conn: &Connection) {
    conn.execute_batch(SCHEMA).expect("the schema should apply");
    conn.execute("INSERT INTO users (email) VALUES ('seed@example.com')", [])
        .expect("the seed row should insert");
}

/// A database file in `dir` with one committed user.
fn seeded_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("shared.sqlite3");
    seed(&Connection::open(&path).expect("a temp file should open"));
    path
}

/// Where a test's TestDb comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// `open_at` a seeded file.
    FileItOpens,
    /// `on_shared`, on a connection to a seeded file that a pool lends it.
    LentConnection,
    /// `TestDb::fresh`.
    Fresh,
    /// The `test_db` fixture.
    Fixture,
}

/// A TestDb from `source` (a seeded file lives in `dir`), and how many users were committed
/// before it was opened.
fn test_db_from(source: Source, dir: &Path) -> (TestDb, i64) {
    let opened = match source {
        Source::FileItOpens => TestDb::open_at(&seeded_file(dir)),
        Source::LentConnection => Connection::open(seeded_file(dir))
            .map_err(DbError::from)
            .and_then(|conn| TestDb::on_shared(Rc::new(conn))),
        Source::Fresh => TestDb::fresh(),
        Source::Fixture => Ok(test_db()),
    };
    let before = match source {
        Source::FileItOpens | Source::LentConnection => 1,
        Source::Fresh | Source::Fixture => 0,
    };
    let db = opened.unwrap_or_else(|e| panic!("a TestDb ({source:?}) should open: {e:?}"));
    (db, before)
}

/// A TestDb lent a new in-memory connection whose tables `schema` made first (the `what`
/// schema).
fn test_db_on_schema(schema: &str, what: &str) -> TestDb {
    let conn = Connection::open_in_memory().expect("an in-memory database should open");
    conn.execute_batch(schema)
        .unwrap_or_else(|e| panic!("the {what} schema should apply: {e:?}"));
    TestDb::on_shared(Rc::new(conn))
        .unwrap_or_else(|e| panic!("a TestDb on the {what} database: {e:?}"))
}

thread_local! {
    /// The SQL texts (before parameters are bound) run on this thread's traced connection.
    static SQL_TEXTS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` with SQLite's statement trace on `conn`: its result and the SQL texts `conn` ran
/// meanwhile, as written (parameters unbound), in order.
fn sql_run_on<R>(conn: &Connection, f: impl FnOnce() -> R) -> (R, Vec<String>) {
    SQL_TEXTS.with(|texts| texts.borrow_mut().clear());
    conn.trace_v2(
        rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT,
        Some(|event| {
            if let rusqlite::trace::TraceEvent::Stmt(_, sql) = event {
                SQL_TEXTS.with(|texts| texts.borrow_mut().push(sql.to_string()));
            }
        }),
    );
    let result = f();
    conn.trace_v2(rusqlite::trace::TraceEventCodes::empty(), None);
    (result, SQL_TEXTS.with(|texts| texts.take()))
}

// Isolation: a pool lends one connection to test after test; each must find it clean.

/// One in-memory connection with one committed user, kept by the "pool" across the TestDbs
/// lent to it.
fn pooled_connection() -> Rc<Connection> {
    let conn = Connection::open_in_memory().expect("an in-memory database should open");
    seed(&conn);
    Rc::new(conn)
}

#[test]
fn a_lent_connection_comes_back_with_no_transaction_open() {
    let conn = pooled_connection();
    {
        let db = TestDb::on_shared(Rc::clone(&conn)).expect("a TestDb on a lent connection");
        db.insert_user(ADA).expect("ada is new");
        let seen: Option<i64> = conn
            .query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))
            .ok();
        assert!(
            !conn.is_autocommit() && seen == Some(2),
            "while the TestDb lives, the lent connection itself must be inside the test's \
             transaction and see the test's row (it saw {seen:?} users): on_shared runs the \
             test on the connection it is lent, not on one of its own (whose close would do \
             the teardown for you)"
        );
    } // the TestDb is dropped here; the pool still holds the connection
    assert!(
        conn.is_autocommit(),
        "after the TestDb was dropped its connection is still inside a transaction: a pooled \
         connection outlives the fixture, so Drop must ROLLBACK what the test began"
    );
    let left: i64 = conn
        .query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))
        .expect("the users table was committed before the test's transaction");
    assert_eq!(
        left, 1,
        "the next user of the lent connection sees {left} row(s), where only the 1 committed \
         before the test belongs: teardown must undo everything done through the TestDb and \
         nothing else (ROLLBACK the test's transaction, not DELETE the table)"
    );
}

#[test]
fn two_tests_in_a_row_on_one_lent_connection_both_get_a_clean_table() {
    let conn = pooled_connection();
    for test in 1..=2 {
        let db = TestDb::on_shared(Rc::clone(&conn));
        let inserted = db.and_then(|db| db.insert_user(ADA));
        assert!(
            inserted.is_ok(),
            "test {test} on the lent connection could not insert {ADA}: {inserted:?}; the \
             previous test's transaction (or row) must be gone when its TestDb is dropped"
        );
    }
}

/// Teardown's ROLLBACK fails in both cases: when the test body has ended the transaction
/// itself (no transaction to roll back), and inside the still-open transaction when the body
/// left a query half-read and an interrupt pending (`sqlite3_interrupt`, as a watchdog
/// calls it): SQLite then refuses every statement, the ROLLBACK too, until that query ends.
#[rstest]
#[case::the_test_already_ended_the_transaction(false)]
#[case::inside_the_open_transaction(true)]
fn teardown_never_panics_when_its_rollback_fails(#[case] still_open: bool) {
    let conn = pooled_connection();
    let db = TestDb::on_shared(Rc::clone(&conn)).expect("a TestDb on a lent connection");
    db.insert_user(ADA).expect("ada is new");
    let mut query = conn
        .prepare("SELECT email FROM users")
        .expect("a query should prepare");
    let mut rows = query.query([]).expect("the query should start");
    if still_open {
        rows.next().expect("the first row should read");
        conn.get_interrupt_handle().interrupt();
    } else {
        conn.execute_batch("ROLLBACK")
            .expect("the test body may end the transaction itself");
    }
    let teardown = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _dropped_here = db;
    }));
    assert_eq!(
        conn.is_autocommit(),
        !still_open,
        "this test's ROLLBACK failure did not happen as planned"
    );
    assert!(
        teardown.is_ok(),
        "dropping the TestDb panicked when its ROLLBACK failed ({}): Drop also runs while a \
         failing test unwinds, where a second panic aborts the whole test run; a ROLLBACK \
         that fails in Drop must be ignored, never unwrapped, whether or not a transaction \
         is open",
        if still_open {
            "inside the open transaction"
        } else {
            "the test had ended the transaction itself"
        }
    );
}

#[rstest]
fn the_fixture_starts_with_an_empty_table(test_db: TestDb) {
    assert_eq!(
        test_db.count_users().ok(),
        Some(0),
        "a fresh fixture must have the users table and no rows"
    );
}

#[test]
fn the_fixture_gives_each_test_its_own_file_and_leaves_nothing_behind() {
    let paths = {
        // Two tests running in parallel each call the fixture: two databases at once.
        let (first, second) = (test_db(), test_db());
        let paths = [first.path().to_owned(), second.path().to_owned()];
        assert_ne!(
            paths[0], paths[1],
            "two tests that take test_db at the same time got the same database file: the \
             fixture must build a fresh TestDb (its own file in its own temporary directory) \
             for each test"
        );
        first
            .insert_user(ADA)
            .expect("ada is new in the first test's database");
        second
            .insert_user(ADA)
            .expect("ada is new in the second test's database too");
        paths
    }; // both fixtures are dropped here

    for path in paths {
        assert!(
            !path.exists() && path.parent().is_some_and(|dir| !dir.exists()),
            "the fixture's database {} (or its directory) is still there after the test: each \
             test's database must be a fresh TestDb, deleted with it, not a file shared by \
             every test and every run",
            path.display()
        );
    }
}

#[test]
fn dropping_rolls_back_only_the_tests_own_writes() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = seeded_file(dir.path());

    {
        let db = TestDb::open_at(&path).expect("a TestDb on an existing file");
        db.insert_user(ADA).expect("ada is new");
        assert_eq!(
            db.count_users().ok(),
            Some(2),
            "inside the test the seed row and the new row are both visible"
        );
    } // the TestDb is dropped here

    assert_eq!(
        committed_users(&path),
        1,
        "after drop the test's insert must be rolled back and the committed seed row kept"
    );
}

#[test]
fn the_same_unique_email_can_be_inserted_by_successive_test_dbs_on_one_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("reused.sqlite3");

    for round in 1..=2 {
        let db = TestDb::open_at(&path).expect("a TestDb on the shared file");
        let inserted = db.insert_user(ADA);
        assert!(
            inserted.is_ok(),
            "round {round}: {ADA} must be free because the previous TestDb rolled back, got {inserted:?}"
        );
    }
}

#[rstest]
#[case::on_a_file_it_opens(false)]
#[case::on_a_lent_connection(true)]
fn teardown_runs_when_the_test_body_panics(#[case] lent: bool) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = seeded_file(dir.path());
    // The pool's connection: lent to the TestDb in the second case, kept by the pool after.
    let pool = Rc::new(Connection::open(&path).expect("the pool's connection opens"));
    // A parallel test's connection: PRAGMA data_version changes when anyone else commits.
    let watcher = Connection::open(&path).expect("a second connection opens");
    let data_version = || -> i64 {
        watcher
            .query_row("PRAGMA data_version", [], |row| row.get(0))
            .expect("PRAGMA data_version")
    };
    let version_before = data_version();

    let outcome = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        let db = if lent {
            TestDb::on_shared(Rc::clone(&pool))
        } else {
            TestDb::open_at(&path)
        };
        let db = db.expect("a TestDb on an existing file");
        db.insert_user(ADA).expect("ada is new");
        panic!("a failing assertion in the test body");
    }));

    let message = outcome
        .err()
        .and_then(|payload| payload.downcast_ref::<&str>().map(|s| s.to_string()));
    assert_eq!(
        message.as_deref(),
        Some("a failing assertion in the test body"),
        "the body should get as far as its own panic"
    );
    assert!(
        pool.is_autocommit(),
        "the test panicked and its lent connection came back still inside the test's \
         transaction: Drop runs while a panic unwinds, and must ROLLBACK then too (a failed \
         test is when the cleanup matters most; never skip it while panicking)"
    );
    assert_eq!(
        committed_users(&path),
        1,
        "Drop runs while a panic unwinds, so the insert must be rolled back even though the test failed"
    );
    assert_eq!(
        data_version(),
        version_before,
        "another connection saw a commit to the file during the test or its teardown: the \
         test's writes were made permanent (COMMIT) and cleaned up afterwards; teardown is a \
         ROLLBACK of the test's transaction, which commits nothing"
    );
}

#[test]
fn fresh_leaves_no_file_behind() {
    let path = {
        let db = TestDb::fresh().expect("a fresh TestDb");
        let path = db.path().to_owned();
        assert!(
            path.exists(),
            "while the TestDb lives its database file {} must exist",
            path.display()
        );
        path
    }; // the TestDb is dropped here

    assert!(
        !path.exists(),
        "dropping a fresh TestDb must delete {} and its temporary directory",
        path.display()
    );
    assert!(
        path.parent().is_some_and(|dir| !dir.exists()),
        "the temporary directory around {} must be gone too",
        path.display()
    );
}

#[rstest]
fn a_duplicate_email_is_a_typed_error(test_db: TestDb) {
    test_db.insert_user(ADA).expect("the first ada is new");

    let got = test_db.insert_user(ADA);

    assert!(
        matches!(&got, Err(DbError::DuplicateEmail(email)) if email == ADA),
        "a second {ADA} must be DuplicateEmail naming it, got {got:?}"
    );
}

#[rstest]
fn an_empty_email_is_refused(test_db: TestDb) {
    let got = test_db.insert_user("");

    assert!(
        matches!(got, Err(DbError::InvalidEmail)),
        "an empty email must be InvalidEmail before SQLite sees it, got {got:?}"
    );
    assert_eq!(
        test_db.count_users().ok(),
        Some(0),
        "a refused insert must not leave a row"
    );
}

#[rstest]
#[case::a_check_named_like_a_unique_constraint(
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE \
     CONSTRAINT UNIQUE_emails_need_an_at_sign CHECK (email LIKE '%@%'))",
    "no-at-sign"
)]
#[case::not_null_on_another_column_for_an_address_already_there(
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL); \
     INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada')",
    ADA
)]
#[case::a_trigger_that_aborts_for_an_address_already_there(
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE); \
     INSERT INTO users (email) VALUES ('ada@example.com'); \
     CREATE TRIGGER no_new_users BEFORE INSERT ON users \
     BEGIN SELECT RAISE(ABORT, 'sign-ups are closed'); END",
    ADA
)]
#[case::a_trigger_whose_text_reads_like_a_unique_violation(
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE); \
     CREATE TRIGGER no_new_users BEFORE INSERT ON users \
     BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: users.email'); END",
    ADA
)]
#[case::a_strict_tables_column_type(
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
     age INTEGER DEFAULT 'unknown') STRICT",
    ADA
)]
#[case::a_foreign_key(
    "CREATE TABLE teams (id INTEGER PRIMARY KEY); \
     CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
     team_id INTEGER NOT NULL DEFAULT 7 REFERENCES teams (id))",
    ADA
)]
#[case::a_primary_key_whose_message_reads_like_a_unique_violation(
    "CREATE TABLE users (id TEXT PRIMARY KEY DEFAULT 'x', email TEXT NOT NULL UNIQUE); \
     INSERT INTO users (email) VALUES ('grace@example.com')",
    ADA
)]
fn only_a_uniqueness_violation_counts_as_a_duplicate(#[case] schema: &str, #[case] email: &str) {
    // A stricter existing table (TestDb's CREATE TABLE IF NOT EXISTS keeps it), on a lent
    // connection that enforces foreign keys.
    let db = test_db_on_schema(&format!("PRAGMA foreign_keys = ON; {schema}"), "stricter");

    let got = db.insert_user(email);

    assert!(
        matches!(got, Err(DbError::Sqlite(_))),
        "inserting {email:?} into `{schema}` broke a constraint that is not UNIQUE: only a \
         UNIQUE violation (extended code SQLITE_CONSTRAINT_UNIQUE) may become DuplicateEmail, \
         every other failure (CHECK, NOT NULL, a trigger's RAISE, a STRICT column's type, a \
         foreign key, a PRIMARY KEY: SQLITE_CONSTRAINT_PRIMARYKEY, though its message also \
         reads \"UNIQUE constraint failed\") is Sqlite, \
         whatever its message or a constraint's name says, and even when the address is \
         already in the table (a lookup after the failure cannot tell which constraint \
         refused the row): decide by the error code, never by the text or a SELECT; got {got:?}"
    );
}

#[test]
fn the_unique_constraint_decides_what_a_duplicate_is() {
    // An existing table whose uniqueness ignores case: only the constraint knows that.
    let db = test_db_on_schema(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE); \
         CREATE UNIQUE INDEX users_email_nocase ON users (lower(email));",
        "case-blind",
    );
    db.insert_user(ADA).expect("the first ada is new");

    let got = db.insert_user("ADA@example.com");

    assert!(
        matches!(&got, Err(DbError::DuplicateEmail(email)) if email == "ADA@example.com"),
        "the database's UNIQUE index refuses ADA@example.com next to {ADA}, so it is \
         DuplicateEmail, got {got:?}: insert and let the UNIQUE violation decide; a SELECT \
         before the INSERT asks another question than the constraint (and races with any \
         other writer between the two statements)"
    );
}

#[test]
fn addresses_that_differ_only_in_case_are_two_users_on_the_plain_table() {
    let db = TestDb::fresh().expect("a fresh TestDb");
    db.insert_user(ADA).expect("the first ada is new");

    let got = db.insert_user("ADA@example.com");

    assert!(
        got.is_ok(),
        "the users table's UNIQUE compares emails exactly (case counts), so ADA@example.com \
         next to {ADA} is a second user, got {got:?}: insert and let the UNIQUE violation \
         decide what a duplicate is, no lookup of your own before the INSERT"
    );
    assert_eq!(
        db.count_users().ok(),
        Some(2),
        "both addresses must be stored"
    );
}

#[rstest]
#[case::on_a_file_it_opens(Source::FileItOpens)]
#[case::on_a_lent_connection(Source::LentConnection)]
#[case::fresh(Source::Fresh)]
#[case::from_the_fixture(Source::Fixture)]
fn another_connection_does_not_see_the_tests_rows_while_the_test_runs(#[case] source: Source) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (db, before) = test_db_from(source, dir.path());
    db.insert_user(ADA).expect("ada is new");

    // The TestDb is still alive: a second connection is what a parallel test would see.
    let seen = committed_users(db.path());

    assert_eq!(
        seen, before,
        "while the test runs ({source:?}), another connection to the file sees {seen} \
         user(s) where {before} were committed before: the test's own insert was committed. \
         Deleting rows (or the file) afterwards is not isolation; every TestDb runs its test \
         inside a transaction (BEGIN) and rolls it back in Drop"
    );
    // The test's row is in the file's own table, inside the test's open transaction: that
    // transaction holds the file's write lock until it is rolled back.
    assert!(
        !another_connection_can_start_writing(db.path()),
        "while the test runs ({source:?}), another connection can start writing to the file: \
         the TestDb holds no write transaction on it, so its insert went somewhere else (a TEMP \
         copy of the table, another file) and isolation comes from that connection closing. \
         Every TestDb runs its test inside a transaction (BEGIN) on the file's users table and \
         rolls it back in Drop"
    );
    // `db` is alive: the second connection looked while the test was running.
}

/// Whether a new connection to the file could begin a write transaction now, without waiting
/// (SQLite allows one writer: a connection that wrote inside an open transaction holds it).
fn another_connection_can_start_writing(path: &Path) -> bool {
    let conn = Connection::open(path).expect("the database file should open");
    conn.busy_timeout(std::time::Duration::ZERO)
        .expect("a busy timeout of zero should apply");
    match conn.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => true,
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => false,
        Err(e) => panic!("BEGIN IMMEDIATE on a second connection failed otherwise: {e:?}"),
    }
}

#[rstest]
#[case::an_apostrophe("o'brien@example.com")]
#[case::double_quotes("\"ada\"@example.com")]
#[case::sql_in_the_address("x'); DELETE FROM users; --@example.com")]
fn an_email_is_stored_exactly_as_given(#[case] email: &str) {
    let conn = pooled_connection();
    let db = TestDb::on_shared(Rc::clone(&conn)).expect("a TestDb on a lent connection");

    // A bound address leaves the SQL text as it is: the same statements for any address.
    let (_, sql_for_another) = sql_run_on(&conn, || db.insert_user("grace@example.org"));
    let (inserted, sql_run) = sql_run_on(&conn, || db.insert_user(email));
    assert_eq!(
        sql_run, sql_for_another,
        "insert_user({email:?}) ran other SQL text than for grace@example.org: the address is \
         in the text, pasted (quoted, escaped by hand, as a hex or char() literal: all \
         pasting); bind the address as a parameter of the INSERT (VALUES (?1)), so the \
         statement is the same whatever the address"
    );

    // The lent connection is inside the test's transaction: it sees the row as stored.
    let stored = inserted.as_ref().ok().and_then(|id| {
        conn.query_row("SELECT email FROM users WHERE id = ?1", [id], |row| {
            row.get::<_, String>(0)
        })
        .ok()
    });
    assert_eq!(
        stored.as_deref(),
        Some(email),
        "insert_user({email:?}) gave {inserted:?}: an address is data, bound as a parameter \
         of the INSERT (VALUES (?1)), never pasted into the SQL text, where its quote ends \
         the string and the rest is read as SQL"
    );
}

#[test]
fn insert_user_runs_the_insert_and_no_lookup_before_it() {
    let conn = pooled_connection();
    let db = TestDb::on_shared(Rc::clone(&conn)).expect("a TestDb on a lent connection");

    for attempt in ["new", "duplicate"] {
        let (got, sql_run) = sql_run_on(&conn, || db.insert_user(ADA));
        let first = sql_run
            .first()
            .map(|sql| sql.trim_start().to_ascii_uppercase());
        assert!(
            first
                .as_deref()
                .is_some_and(|sql| sql.starts_with("INSERT")),
            "insert_user({ADA:?}) ({attempt}, got {got:?}) first ran {sql_run:?}: the INSERT \
             comes first and the UNIQUE violation it raises is the duplicate; a SELECT before \
             the INSERT is a check-then-act race (another writer slips in between) and asks \
             another question than the constraint"
        );
    }
}
