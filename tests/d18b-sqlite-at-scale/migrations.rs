use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rstest::rstest;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::{Connection, OpenFlags};

use super::{Trace, start_trace, starts_with_keyword, stop_trace, temp_dir};
use crate::migrations::*;

/// The history the tests migrate through.
const HISTORY: [Migration; 3] = [
    Migration {
        version: 1,
        name: "create warriors",
        up: "CREATE TABLE warriors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        down: "DROP TABLE warriors;",
    },
    Migration {
        version: 2,
        name: "add phone number",
        up: "ALTER TABLE warriors ADD COLUMN phone TEXT;",
        down: "ALTER TABLE warriors DROP COLUMN phone;",
    },
    Migration {
        version: 3,
        name: "create weapons",
        // A trigger body and a string hold `;`s of their own: the script is SQL, run whole.
        up: "CREATE TABLE weapons (id INTEGER PRIMARY KEY, warrior_id INTEGER, name TEXT);
             CREATE INDEX weapons_by_warrior ON weapons (warrior_id);
             CREATE TRIGGER weapons_are_named AFTER INSERT ON weapons WHEN NEW.name IS NULL
             BEGIN UPDATE weapons SET name = 'unnamed; for now' WHERE id = NEW.id; END;",
        down: "DROP TABLE weapons;",
    },
];

fn database() -> Connection {
    Connection::open_in_memory().expect("an in-memory database should open")
}

fn tables(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
             AND name NOT IN ('schema_migrations') AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .expect("prepare");
    stmt.query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .expect("prepare");
    stmt.query_map([table], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn version(conn: &Connection) -> u32 {
    current_version(conn).expect("current_version must not fail")
}

#[test]
fn a_fresh_database_is_at_version_zero() {
    let conn = database();
    assert_eq!(version(&conn), 0, "nothing applied yet: version 0");
}

#[test]
fn migrates_a_fresh_database_to_the_latest_version() {
    let mut conn = database();
    let outcome = migrate(&mut conn, &HISTORY, 3).unwrap_or_else(|error| {
        panic!(
            "a clean history must apply, and migration 3's script holds a trigger whose body \
             (and a string in it) has `;`s of its own: run each script whole with \
             Transaction::execute_batch, never split its text on `;`; got {error:?}"
        )
    });
    assert_eq!(outcome, Outcome { from: 0, to: 3 }, "from 0 to 3");
    assert_eq!(version(&conn), 3, "the ledger must record version 3");
    assert_eq!(tables(&conn), ["warriors", "weapons"], "both tables exist");
    assert_eq!(
        columns(&conn, "warriors"),
        ["id", "name", "phone"],
        "phone was added"
    );
}

/// Migrates a fresh database through `history` to its end, then traces a second run to the
/// same version (nothing to do).
fn trace_a_second_run(history: &[Migration]) -> Trace {
    let mut conn = database();
    let latest = u32::try_from(history.len()).expect("a short history");
    migrate(&mut conn, history, latest).expect("first run");
    start_trace(&conn);
    let outcome = migrate(&mut conn, history, latest);
    let trace = stop_trace(&conn);
    assert_eq!(
        outcome.expect("a second run must succeed"),
        Outcome {
            from: latest,
            to: latest
        },
        "already at {latest}: nothing to do"
    );
    trace
}

/// The runs of `trace` that read the ledger: every statement naming `schema_migrations`
/// outside its string literals (so a probe of `sqlite_schema` for the table's name is not one),
/// except the [`LEDGER`]'s `CREATE` and the ledger row's `INSERT` or `DELETE`.
fn ledger_reads(trace: &Trace) -> Vec<&str> {
    trace
        .sql()
        .into_iter()
        .filter(|sql| {
            let outside_literals: String = sql.split('\'').step_by(2).collect();
            outside_literals
                .to_ascii_lowercase()
                .contains("schema_migrations")
                && !["CREATE", "INSERT", "DELETE"]
                    .iter()
                    .any(|keyword| starts_with_keyword(sql, keyword))
        })
        .collect()
}

#[test]
fn running_it_again_changes_nothing() {
    // Runs with work to do, up and down, read the ledger once too, whatever they apply.
    for (start, target) in [(0, 3), (0, 1), (3, 0)] {
        let mut conn = database();
        migrate(&mut conn, &HISTORY, start).expect("the set-up migration");
        start_trace(&conn);
        let outcome = migrate(&mut conn, &HISTORY, target);
        let trace = stop_trace(&conn);
        assert_eq!(
            outcome.expect("a clean history must migrate"),
            Outcome {
                from: start,
                to: target
            },
            "from {start} to {target}"
        );
        let reads = ledger_reads(&trace);
        assert_eq!(
            reads.len(),
            1,
            "N+1 in the migrator: migrating from {start} to {target} read schema_migrations \
             with {} statements (on any thread: the trace sees every statement of the \
             connection); read every recorded row with one SELECT before migrating, and do not \
             query the ledger again for each migration applied or reverted (the loop already \
             knows which to run). Ledger reads: {reads:?}",
            reads.len()
        );
    }
    let trace = trace_a_second_run(&HISTORY);
    let ddl: Vec<&str> = trace
        .sql()
        .into_iter()
        .filter(|sql| {
            sql.contains("ALTER") || sql.contains("DROP") || sql.contains("CREATE TABLE warriors")
        })
        .collect();
    assert!(ddl.is_empty(), "a second run re-ran migrations: {ddl:?}");
    let short = trace_a_second_run(&HISTORY[..1]);
    assert_eq!(
        trace.runs.len(),
        short.runs.len(),
        "N+1 in the migrator: a run with nothing to do ran {} statements with 3 migrations \
         applied and {} with 1, so its ledger reads grow with the history; read every recorded \
         row with one SELECT, not one query per migration. With 3: {:?}; with 1: {:?}",
        trace.runs.len(),
        short.runs.len(),
        trace.sql(),
        short.sql()
    );
}

#[test]
fn stepping_up_one_version_at_a_time_applies_each_once() {
    let mut conn = database();
    for target in 1..=3 {
        let outcome = migrate(&mut conn, &HISTORY, target).expect("each step must apply");
        assert_eq!(
            outcome,
            Outcome {
                from: target - 1,
                to: target
            },
            "one step at a time"
        );
    }
    assert_eq!(tables(&conn), ["warriors", "weapons"]);
}

/// Hand edits of a database at version 3: the ledger alone says where it stands.
#[rstest]
#[case::a_hole_in_the_ledger("DELETE FROM schema_migrations WHERE version = 2", 3)]
#[case::the_newest_row_removed_with_its_table(
    "DELETE FROM schema_migrations WHERE version = 3; DROP TABLE weapons;",
    2
)]
#[case::user_version_set_by_hand("PRAGMA user_version = 7", 3)]
#[case::user_version_set_lower("PRAGMA user_version = 1", 3)]
fn the_current_version_is_the_highest_version_the_ledger_records(
    #[case] hand_edit: &str,
    #[case] expected: u32,
) {
    let mut conn = database();
    migrate(&mut conn, &HISTORY, 3).expect("a clean history must apply");
    conn.execute_batch(hand_edit).expect("the hand edit");
    assert_eq!(
        version(&conn),
        expected,
        "after `{hand_edit}` the ledger's highest recorded version is {expected}: the current \
         version is max(version) of schema_migrations, not its row count and not a counter kept \
         elsewhere (PRAGMA user_version, a file, a variable)"
    );
    let outcome = migrate(&mut conn, &HISTORY, 3).expect("migrating to 3 must succeed");
    assert_eq!(
        outcome,
        Outcome {
            from: expected,
            to: 3
        },
        "after `{hand_edit}` migrate must start from the ledger's version {expected} (and run \
         what the ledger lacks)"
    );
    assert_eq!(tables(&conn), ["warriors", "weapons"], "back at version 3");
}

#[test]
fn adding_a_column_keeps_every_row() {
    let dir = temp_dir();
    let mut conn = Connection::open(dir.path().join("camp.db")).expect("open a file");
    migrate(&mut conn, &HISTORY, 1).expect("version 1");
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
         INSERT INTO warriors (name) SELECT 'warrior ' || i FROM n;",
    )
    .expect("populate");
    migrate(&mut conn, &HISTORY, 2).expect("version 2 adds a column to a populated table");
    let (rows, phones): (i64, i64) = conn
        .query_row("SELECT count(*), count(phone) FROM warriors", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .expect("count");
    assert_eq!(rows, 1000, "all 1000 warriors must survive the migration");
    assert_eq!(phones, 0, "the new column starts NULL for every row");
}

#[test]
fn migrating_down_runs_the_down_scripts_in_reverse() {
    let mut conn = database();
    migrate(&mut conn, &HISTORY, 3).expect("up to 3");
    conn.execute(
        "INSERT INTO warriors (name, phone) VALUES ('Arjuna', '555')",
        [],
    )
    .expect("a warrior");
    let outcome = migrate(&mut conn, &HISTORY, 1).expect("down to 1");
    assert_eq!(outcome, Outcome { from: 3, to: 1 }, "from 3 down to 1");
    assert_eq!(version(&conn), 1, "the ledger must say 1");
    assert_eq!(tables(&conn), ["warriors"], "weapons was dropped");
    assert_eq!(
        columns(&conn, "warriors"),
        ["id", "name"],
        "phone was dropped"
    );
    let name: String = conn
        .query_row("SELECT name FROM warriors", [], |row| row.get(0))
        .expect("Arjuna survives the downgrade");
    assert_eq!(name, "Arjuna");
    migrate(&mut conn, &HISTORY, 0).expect("down to 0");
    assert!(tables(&conn).is_empty(), "version 0 has no tables");
    assert_eq!(version(&conn), 0);
}

/// [`HISTORY`]'s first migration, then a version 2 named `name` with these scripts.
fn then_version_2(name: &'static str, up: &'static str, down: &'static str) -> [Migration; 2] {
    [
        HISTORY[0],
        Migration {
            version: 2,
            name,
            up,
            down,
        },
    ]
}

#[test]
fn a_failing_migration_is_rolled_back_whole() {
    let history = then_version_2(
        "half good",
        "CREATE TABLE quests (id INTEGER PRIMARY KEY);
         ALTER TABLE warriors ADD COLUMN rank INTEGER;
         INSERT INTO no_such_table VALUES (1);",
        "DROP TABLE quests;",
    );
    let mut conn = database();
    let got = migrate(&mut conn, &history, 2);
    assert!(
        matches!(got, Err(MigrationError::Failed { version: 2, .. })),
        "the third statement of migration 2 fails: MigrationError::Failed {{ version: 2, .. }}, got {got:?}"
    );
    assert_eq!(
        tables(&conn),
        ["warriors"],
        "quests was created by the failing migration and must be rolled back with it \
         (run each migration inside a transaction: SQLite's DDL is transactional)"
    );
    assert_eq!(
        columns(&conn, "warriors"),
        ["id", "name"],
        "the added column must be rolled back too"
    );
    assert_eq!(
        version(&conn),
        1,
        "migration 1 succeeded and stays; 2 is not recorded"
    );
}

#[test]
fn a_migration_whose_commit_fails_is_rolled_back_and_leaves_no_transaction_open() {
    // A deferred foreign key is checked at COMMIT only: the script runs, the COMMIT fails, and
    // SQLite keeps the transaction open after a failed COMMIT.
    let history = then_version_2(
        "oath to no banner",
        "CREATE TABLE banners (id INTEGER PRIMARY KEY);
         CREATE TABLE oaths (banner INTEGER
             REFERENCES banners (id) DEFERRABLE INITIALLY DEFERRED);
         INSERT INTO oaths (banner) VALUES (404);",
        "DROP TABLE oaths; DROP TABLE banners;",
    );
    let mut conn = database();
    conn.execute_batch("PRAGMA foreign_keys = ON")
        .expect("foreign keys on");
    let got = migrate(&mut conn, &history, 2);
    assert!(
        got.is_err(),
        "migration 2's COMMIT fails (a deferred foreign key): migrate must return an error, got \
         {got:?}"
    );
    assert!(
        conn.is_autocommit(),
        "migration 2's COMMIT failed and the connection is still inside its transaction (SQLite \
         keeps it open after a failed COMMIT): a BEGIN/COMMIT written by hand forgets this path; \
         a rusqlite::Transaction guard rolls back when its commit fails"
    );
    assert_eq!(
        (tables(&conn), version(&conn)),
        (vec!["warriors".to_owned()], 1),
        "migration 2 must be rolled back whole; migration 1 stays"
    );
}

#[test]
fn a_failing_down_script_is_rolled_back_whole() {
    let history = then_version_2(
        "half reversible",
        "CREATE TABLE quests (id INTEGER PRIMARY KEY);
         ALTER TABLE warriors ADD COLUMN rank INTEGER;",
        "DROP TABLE quests;
         ALTER TABLE warriors DROP COLUMN rank;
         INSERT INTO no_such_table VALUES (1);",
    );
    let mut conn = database();
    migrate(&mut conn, &history, 2).expect("up to 2");
    let got = migrate(&mut conn, &history, 0);
    assert!(
        matches!(got, Err(MigrationError::Failed { version: 2, .. })),
        "the third statement of migration 2's down script fails: MigrationError::Failed \
         {{ version: 2, .. }}, got {got:?}"
    );
    assert_eq!(
        (tables(&conn), columns(&conn, "warriors"), version(&conn)),
        (
            vec!["quests".to_owned(), "warriors".to_owned()],
            vec!["id".to_owned(), "name".to_owned(), "rank".to_owned()],
            2
        ),
        "going down, migration 2's down script failed half-way: its dropped table and column \
         must come back and its ledger row must stay (run the down script and the ledger \
         deletion in one transaction, as going up), and migration 1 must not be reverted"
    );
}

#[test]
fn an_edited_migration_is_refused() {
    let mut conn = database();
    migrate(&mut conn, &HISTORY, 2).expect("up to 2");
    let mut edited = HISTORY;
    edited[1].up = "ALTER TABLE warriors ADD COLUMN phone_number TEXT;";
    let got = migrate(&mut conn, &edited, 3);
    assert!(
        matches!(got, Err(MigrationError::Changed { version: 2 })),
        "migration 2 was applied with other SQL; its checksum no longer matches: \
         MigrationError::Changed {{ version: 2 }}, got {got:?}"
    );
    assert_eq!(version(&conn), 2, "nothing was applied after the refusal");
    assert_eq!(tables(&conn), ["warriors"], "migration 3 must not run");
}

#[rstest]
#[case::staying_at_three(3)]
#[case::going_down_to_one(1)]
#[case::going_down_to_zero(0)]
fn an_edited_older_migration_is_refused_too(#[case] target: u32) {
    let mut conn = database();
    migrate(&mut conn, &HISTORY, 3).expect("up to 3");
    let mut edited = HISTORY;
    edited[0].up = "CREATE TABLE warriors (id INTEGER PRIMARY KEY, name TEXT);";
    let got = migrate(&mut conn, &edited, target);
    assert!(
        matches!(got, Err(MigrationError::Changed { version: 1 })),
        "migrating from 3 to {target}, migration 1 was applied with other SQL: every recorded \
         migration is compared with the list before migrating, up or down (the down scripts of \
         an edited history are not the ones that ran), not only the newest; expected \
         MigrationError::Changed {{ version: 1 }}, got {got:?}"
    );
    assert_eq!(
        (version(&conn), tables(&conn)),
        (3, vec!["warriors".to_owned(), "weapons".to_owned()]),
        "nothing may be reverted after the refusal"
    );
}

/// A database whose ledger refuses to record (or forget) migration 2, as a full disk or a
/// lost connection would: the migration's own changes must go with it.
fn ledger_refusing_version_2(event: &str) -> Connection {
    let conn = database();
    conn.execute_batch(LEDGER).expect("the ledger");
    conn.execute_batch(&format!(
        "CREATE TRIGGER refuse_2 BEFORE {event} ON schema_migrations
         WHEN {}.version = 2 BEGIN SELECT RAISE(ABORT, 'the ledger is full'); END;",
        if event == "INSERT" { "NEW" } else { "OLD" }
    ))
    .expect("a trigger that fails the ledger write");
    conn
}

#[test]
fn a_ledger_row_that_cannot_be_written_takes_the_migration_with_it() {
    let mut conn = ledger_refusing_version_2("INSERT");
    let got = migrate(&mut conn, &HISTORY, 3);
    assert!(
        got.is_err(),
        "the ledger refused version 2, yet migrate returned {got:?}"
    );
    assert_eq!(
        (columns(&conn, "warriors"), version(&conn)),
        (vec!["id".to_owned(), "name".to_owned()], 1),
        "migration 2's column stayed although its ledger row could not be written: the script \
         and its ledger row belong in one transaction, committed together or not at all"
    );
}

#[test]
fn a_ledger_row_that_cannot_be_deleted_keeps_the_downgrade_from_happening() {
    let mut conn = ledger_refusing_version_2("DELETE");
    migrate(&mut conn, &HISTORY, 3).expect("up to 3");
    conn.execute(
        "INSERT INTO warriors (name, phone) VALUES ('Arjuna', '555')",
        [],
    )
    .expect("a warrior with a phone number");
    let got = migrate(&mut conn, &HISTORY, 0);
    assert!(
        got.is_err(),
        "the ledger refused to forget version 2, yet migrate returned {got:?}"
    );
    assert_eq!(
        (tables(&conn), columns(&conn, "warriors"), version(&conn)),
        (
            vec!["warriors".to_owned()],
            vec!["id".to_owned(), "name".to_owned(), "phone".to_owned()],
            2
        ),
        "going down, migration 3 was reverted and 2 must stay whole: its down script and the \
         deletion of its ledger row belong in one transaction"
    );
    let phone: Option<String> = conn
        .query_row("SELECT phone FROM warriors", [], |row| row.get(0))
        .expect("Arjuna must still be there");
    assert_eq!(
        phone.as_deref(),
        Some("555"),
        "going down, migration 2's ledger row could not be deleted, so migration 2 must not \
         have happened at all, its data included; the phone numbers its down script drops are \
         gone: the down script committed on its own and was undone by running the up script \
         again, which brings the column back empty. Roll back one transaction instead"
    );
}

/// The trace of applying the last migration of `history` and reverting it again, on a
/// database already at the one before it.
fn traced_round_trip(history: &[Migration]) -> Trace {
    let mut conn = database();
    let last = u32::try_from(history.len()).expect("a short history");
    migrate(&mut conn, history, last - 1).expect("the earlier migrations must apply");
    start_trace(&conn);
    let up = migrate(&mut conn, history, last);
    let down = migrate(&mut conn, history, last - 1);
    let trace = stop_trace(&conn);
    up.expect("the last migration must apply");
    down.expect("the last migration must revert");
    trace
}

#[test]
fn the_ledger_row_is_written_with_bound_parameters() {
    let posts = Migration {
        version: 1,
        name: "arm the guard's post",
        up: "CREATE TABLE posts (id INTEGER PRIMARY KEY);",
        down: "DROP TABLE posts;",
    };
    let towers = Migration {
        version: 2,
        name: "raise the tower",
        up: "CREATE TABLE towers (id INTEGER);",
        down: "DROP TABLE towers;",
    };
    // Version, name and checksum all differ between the two, going up and coming down.
    let trace = traced_round_trip(&[posts]);
    let other = traced_round_trip(&[HISTORY[0], towers]);
    let sum = checksum(posts.up).to_string();
    // The ledger's statements are the same texts for every migration when its values are
    // bound; a version, name or checksum pasted in any spelling (hex, blob literal) changes
    // them.
    let ledger = |trace: &Trace| Trace {
        runs: trace
            .runs
            .iter()
            .filter(|run| run.sql.contains("schema_migrations"))
            .cloned()
            .collect(),
        ..Trace::default()
    };
    let (ledger, other) = (ledger(&trace), ledger(&other));
    let pasted: Vec<&str> = trace
        .sql()
        .into_iter()
        .filter(|sql| sql.contains("guard") || sql.contains(&sum))
        .chain(ledger.texts_not_shared_with(&other))
        .collect();
    assert!(
        pasted.is_empty(),
        "a ledger value was pasted into the SQL text (migration 1 and migration 2 wrote or \
         deleted their ledger rows with different texts): {pasted:?}; bind the version, the \
         name and the checksum (?1, ?2, ?3) through the Transaction, going up and going down, \
         never format! them in or run a formatted BEGIN …; COMMIT script"
    );
}

/// The file [`look_from_outside`] reads, and what it saw: for each statement the migrating
/// connection started, its text, the ledger's version committed at that moment and the
/// version the committed schema has.
#[derive(Default)]
struct Outside {
    file: Option<PathBuf>,
    seen: Vec<(String, u32, u32)>,
}

/// Kept for the whole process, not per thread: SQLite calls the hook on whichever thread runs
/// the statement (a helper thread the code hands the connection to included).
static OUTSIDE: Mutex<Outside> = Mutex::new(Outside {
    file: None,
    seen: Vec::new(),
});

fn outside() -> MutexGuard<'static, Outside> {
    OUTSIDE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The ledger's version and the version of HISTORY the schema has (one for `warriors`, one
/// for its `phone` column, one for `weapons`), as committed in the file at `path`.
fn committed_versions(path: &PathBuf) -> (u32, u32) {
    let reader = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("a second connection should open the file");
    let ledger = reader
        .query_row(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            [],
            |row| row.get(0),
        )
        .unwrap_or(0);
    let schema = reader
        .query_row(
            "SELECT (SELECT count(*) FROM sqlite_schema WHERE name = 'warriors')
                  + (SELECT count(*) FROM pragma_table_info('warriors') WHERE name = 'phone')
                  + (SELECT count(*) FROM sqlite_schema WHERE name = 'weapons')",
            [],
            |row| row.get(0),
        )
        .expect("the second connection reads the committed schema");
    (ledger, schema)
}

/// A trace hook: as each statement starts, a second connection reads the committed ledger
/// and schema, which is what the file would say if the process died right then.
fn look_from_outside(event: TraceEvent<'_>) {
    let TraceEvent::Stmt(_, sql) = event else {
        return;
    };
    let mut outside = outside();
    let Some(path) = outside.file.clone() else {
        return;
    };
    let (ledger, schema) = committed_versions(&path);
    outside.seen.push((sql.to_owned(), ledger, schema));
}

#[test]
fn a_crash_mid_migration_leaves_a_ledger_that_matches_the_schema() {
    let dir = temp_dir();
    let path = dir.path().join("camp.db");
    let mut conn = Connection::open(&path).expect("open a file");
    // WAL: the second connection reads the last commit while the migration writes.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .expect("WAL");
    migrate(&mut conn, &HISTORY, 1).expect("version 1");
    *outside() = Outside {
        file: Some(path.clone()),
        seen: Vec::new(),
    };
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(look_from_outside));
    let up = migrate(&mut conn, &HISTORY, 3);
    let down = migrate(&mut conn, &HISTORY, 1);
    conn.trace_v2(TraceEventCodes::empty(), None);
    let mut seen = std::mem::take(&mut *outside()).seen;
    let (ledger, schema) = committed_versions(&path);
    seen.push(("(after migrate returned)".to_owned(), ledger, schema));
    up.expect("up to 3");
    down.expect("down to 1");
    let during = |script: &str| -> Vec<u32> {
        let statement = script.trim_end_matches(';');
        seen.iter()
            .filter(|(sql, ..)| sql.contains(statement))
            .map(|(_, version, _)| *version)
            .collect()
    };
    assert_eq!(
        (during(HISTORY[1].up), during(HISTORY[1].down)),
        (vec![1], vec![2]),
        "what another connection (or the file after a crash) saw committed in the ledger while \
         migration 2's up script ran, then its down script: a ledger saying 2 before the up \
         script has committed (or 1 before the down script has) was written in a transaction \
         of its own, so a crash between the two would leave a ledger that lies about the \
         schema, whatever undo runs on an error; write or delete the ledger row inside the \
         migration's transaction"
    );
    let lies: Vec<&(String, u32, u32)> = seen
        .iter()
        .filter(|(_, ledger, schema)| ledger != schema)
        .collect();
    assert!(
        lies.is_empty(),
        "migrating 1 → 3 → 1, another connection (or the file after a crash) saw a committed \
         ledger that disagrees with the committed schema as these statements started (statement, \
         ledger version, schema version): {lies:?}. A script committed in one transaction and its \
         ledger row written (or deleted) in the next leaves a moment where a crash keeps the \
         schema and loses the ledger change, whatever undo runs on an error: run the script and \
         its ledger row in one transaction, one COMMIT for both"
    );
}

#[rstest]
#[case::starts_at_two(&[2, 3], 1, 2)]
#[case::skips_one(&[1, 3], 2, 3)]
#[case::repeats(&[1, 1], 2, 1)]
#[case::out_of_order(&[2, 1], 1, 2)]
fn a_gap_in_the_numbering_is_refused(
    #[case] versions: &[u32],
    #[case] expected: u32,
    #[case] found: u32,
) {
    let history: Vec<Migration> = versions
        .iter()
        .map(|&version| Migration {
            version,
            ..HISTORY[0]
        })
        .collect();
    let mut conn = database();
    let got = migrate(&mut conn, &history, 0);
    assert!(
        matches!(got, Err(MigrationError::Gap { expected: e, found: f }) if e == expected && f == found),
        "versions {versions:?}: expected MigrationError::Gap {{ expected: {expected}, found: {found} }}, got {got:?}"
    );
    assert!(
        tables(&conn).is_empty(),
        "nothing may run from a broken list"
    );
}

#[test]
fn a_target_past_the_last_migration_is_refused() {
    let mut conn = database();
    let got = migrate(&mut conn, &HISTORY, 4);
    assert!(
        matches!(
            got,
            Err(MigrationError::UnknownTarget {
                target: 4,
                latest: 3
            })
        ),
        "there is no migration 4, got {got:?}"
    );
    assert_eq!(version(&conn), 0, "nothing was applied");
}

#[test]
fn a_database_newer_than_the_code_is_refused() {
    let mut conn = database();
    migrate(&mut conn, &HISTORY, 3).expect("up to 3");
    let got = migrate(&mut conn, &HISTORY[..2], 2);
    assert!(
        matches!(
            got,
            Err(MigrationError::AheadOfCode {
                applied: 3,
                latest: 2
            })
        ),
        "the database has migration 3, which this list lacks: refuse rather than guess, got {got:?}"
    );
    assert_eq!(version(&conn), 3, "nothing was reverted");
}

#[rstest]
#[case::empty("", 0xcbf2_9ce4_8422_2325_u64)]
#[case::a("a", 0xaf63_dc4c_8601_ec8c_u64)]
#[case::foobar("foobar", 0x8594_4171_f739_67e8_u64)]
#[case::non_ascii("-- Дхритараштра", 0x85ec_f821_7aba_536b_u64)]
fn checksum_is_fnv_1a_64(#[case] text: &str, #[case] hash: u64) {
    assert_eq!(
        checksum(text),
        i64::from_ne_bytes(hash.to_ne_bytes()),
        "checksum({text:?}) must be the FNV-1a 64-bit hash {hash:#x} of its {} UTF-8 bytes (not \
         of its {} chars), bit-cast to i64",
        text.len(),
        text.chars().count()
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): any walk
/// of targets up and down the history, checked against the schema and ledger each version
/// must have, and the checksum against FNV-1a over any text (non-ASCII included).
#[cfg(feature = "held-out")]
mod held_out {
    use proptest::prelude::*;

    use super::{HISTORY, columns, database, tables, version};
    use crate::migrations::{Outcome, checksum, migrate};

    /// FNV-1a 64 of the UTF-8 bytes, bit-cast to `i64`, as the brief defines it.
    fn fnv1a(text: &str) -> i64 {
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        i64::from_ne_bytes(hash.to_ne_bytes())
    }

    /// The tables (with their columns) HISTORY leaves at each version.
    fn shape_at(version: u32) -> Vec<(String, Vec<String>)> {
        let owned = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        let mut shape = Vec::new();
        if version >= 1 {
            let warriors: &[&str] = if version >= 2 {
                &["id", "name", "phone"]
            } else {
                &["id", "name"]
            };
            shape.push(("warriors".to_owned(), owned(warriors)));
        }
        if version >= 3 {
            shape.push(("weapons".to_owned(), owned(&["id", "warrior_id", "name"])));
        }
        shape
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        /// After each call the schema, the ledger and the outcome are those of the target,
        /// whatever the versions visited before.
        #[test]
        fn any_walk_up_and_down_lands_on_each_targets_schema(
            targets in proptest::collection::vec(0u32..=3, 1..8),
        ) {
            let mut conn = database();
            let mut at = 0;
            for &target in &targets {
                let outcome = migrate(&mut conn, &HISTORY, target);
                prop_assert!(
                    matches!(outcome, Ok(o) if o == Outcome { from: at, to: target }),
                    "migrate from {} to {} (walk {:?}) gave {:?}", at, target, &targets, outcome
                );
                at = target;
                prop_assert_eq!(version(&conn), target, "current_version after the walk {:?}",
                    &targets);
                let shape: Vec<(String, Vec<String>)> = tables(&conn)
                    .into_iter()
                    .map(|table| {
                        let cols = columns(&conn, &table);
                        (table, cols)
                    })
                    .collect();
                prop_assert_eq!(shape, shape_at(target),
                    "after migrating to {} (walk {:?}) the schema is not that of version {}",
                    target, &targets, target);
                let ledger: Vec<(u32, String, i64)> = {
                    let mut stmt = conn
                        .prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
                        .expect("the ledger exists once migrate has run");
                    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                        .expect("query")
                        .collect::<Result<_, _>>()
                        .expect("rows")
                };
                let expected: Vec<(u32, String, i64)> = HISTORY[..target as usize]
                    .iter()
                    .map(|m| (m.version, m.name.to_owned(), fnv1a(m.up)))
                    .collect();
                prop_assert_eq!(ledger, expected,
                    "at version {} (walk {:?}) the ledger must hold one row per applied \
                     migration: version, name, FNV-1a checksum of its up script", target,
                    &targets);
            }
        }

        /// Any text, ASCII or not: the hash runs over the UTF-8 bytes, not the characters.
        #[test]
        fn checksum_is_fnv_1a_over_the_utf8_bytes_of_any_text(text in "\\PC{0,24}") {
            prop_assert_eq!(checksum(&text), fnv1a(&text),
                "checksum({:?}) ({} bytes, {} chars): FNV-1a 64 over the UTF-8 bytes, bit-cast \
                 to i64", &text, text.len(), text.chars().count());
        }
    }
}
