use rstest::rstest;
use rusqlite::types::{Null, Value};
use rusqlite::{Connection, ErrorCode, params, params_from_iter};

use super::{rows_of, start_trace, stop_trace};
use crate::query_plan::*;

/// An in-memory database with the kata's schema, `size` warriors (`w{i}@example.com`, power
/// `i`), a sword for every other warrior and a shield as well for every fourth.
fn armoury(size: i64) -> Connection {
    let conn = Connection::open_in_memory().expect("an in-memory database should open");
    conn.execute_batch(SCHEMA)
        .expect("the kata's schema should apply");
    for i in 1..=size {
        conn.execute(
            "INSERT INTO warriors (id, name, email, power) VALUES (?1, ?2, ?3, ?1)",
            params![i, format!("Warrior {i}"), format!("w{i}@example.com")],
        )
        .expect("insert a warrior");
        let weapons: &[&str] = match i % 4 {
            0 => &["sword", "shield"],
            2 => &["sword"],
            _ => &[],
        };
        for weapon in weapons {
            conn.execute(
                "INSERT INTO weapons (warrior_id, name) VALUES (?1, ?2)",
                params![i, weapon],
            )
            .expect("insert a weapon");
        }
    }
    conn
}

/// Indexes a database may already carry before [`ensure_indexes`] runs: none of them serves
/// either lookup (one on another column, a `UNIQUE` one, composites whose first column is
/// another), so they must not stop it from adding the two that do.
const NO_OTHER_INDEX: &str = "";
const UNRELATED_INDEXES: &str = "CREATE UNIQUE INDEX warriors_by_name ON warriors (name);
CREATE INDEX weapons_by_name ON weapons (name);";
const COMPOSITES_LED_BY_ANOTHER_COLUMN: &str =
    "CREATE INDEX warriors_by_name_email ON warriors (name, email);
CREATE INDEX weapons_by_name_warrior ON weapons (name, warrior_id);";
/// E-mail indexes that do not make `email` unique: a plain one, and a `UNIQUE` composite
/// (unique pairs, not unique addresses). They serve the lookup but not the uniqueness rule.
const EMAIL_INDEXES_THAT_ARE_NOT_UNIQUE: &str =
    "CREATE INDEX warriors_email_plain ON warriors (email);
CREATE UNIQUE INDEX warriors_by_email_name ON warriors (email, name);";

/// An [`armoury`] of `size` warriors that already carries the indexes `existing`, after
/// [`ensure_indexes`].
fn indexed_armoury(size: i64, existing: &str) -> Connection {
    let conn = armoury(size);
    conn.execute_batch(existing)
        .expect("the indexes already there should apply");
    ensure_indexes(&conn).expect("ensure_indexes must succeed on a valid database");
    conn
}

/// The `detail` column of `EXPLAIN QUERY PLAN sql`, read here without the learner's code;
/// any parameters are bound to NULL (the plan does not depend on their values).
fn plan(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("EXPLAIN QUERY PLAN should prepare");
    let nulls = vec![Null; stmt.parameter_count()];
    stmt.query_map(params_from_iter(nulls), |row| row.get::<_, String>(3))
        .expect("EXPLAIN QUERY PLAN should run")
        .collect::<Result<_, _>>()
        .expect("plan rows")
}

/// Whether `detail` is about `table` (SQLite writes `SCAN warriors`, older versions
/// `SCAN TABLE warriors`, and an alias may follow as `AS x`).
fn mentions_table(detail: &str, table: &str) -> bool {
    detail.split_whitespace().any(|word| word == table)
}

/// The index a `SEARCH` step on `table` uses, if the plan has one; `AUTOMATIC` indexes
/// (built by SQLite for one query and thrown away) do not count.
fn search_index(plan: &[String], table: &str) -> Option<String> {
    plan.iter()
        .filter(|detail| detail.starts_with("SEARCH") && mentions_table(detail, table))
        .filter(|detail| !detail.contains("AUTOMATIC"))
        .find_map(|detail| {
            let words: Vec<&str> = detail.split_whitespace().collect();
            let at = words.iter().position(|word| *word == "INDEX")?;
            words.get(at + 1).map(|name| (*name).to_owned())
        })
}

/// The first column of the index named `index`.
fn leading_column(conn: &Connection, index: &str) -> Option<String> {
    conn.query_row(
        "SELECT name FROM pragma_index_info(?1) WHERE seqno = 0",
        [index],
        |row| row.get(0),
    )
    .ok()
}

/// Asserts that `plan` searches `table` through a real index whose first column is `column`.
fn assert_searches(conn: &Connection, plan: &[String], table: &str, column: &str, what: &str) {
    assert!(
        !plan
            .iter()
            .any(|detail| detail.starts_with("SCAN") && mentions_table(detail, table)),
        "{what}: the plan still scans {table}: {plan:?}; an index whose first column is \
         {column} turns the SCAN into a SEARCH (an index the table already has on another \
         column does not: ensure the one each lookup needs, CREATE INDEX IF NOT EXISTS, not \
         \"any index on the table\")"
    );
    let index = search_index(plan, table).unwrap_or_else(|| {
        panic!("{what}: no SEARCH … USING INDEX on {table} in the plan {plan:?}")
    });
    assert_eq!(
        leading_column(conn, &index).as_deref(),
        Some(column),
        "{what}: the plan uses index {index}, but an index helps an equality lookup only when \
         its first column is the one compared ({column}); another index already on the table \
         does not make this one unnecessary"
    );
}

/// The SQL text `find_by_email` sent, found with the trace hook.
fn email_lookup_sql(conn: &Connection) -> String {
    start_trace(conn);
    let found = find_by_email(conn, "w7@example.com");
    let trace = stop_trace(conn);
    assert!(
        matches!(&found, Ok(Some(w)) if w.id == 7),
        "find_by_email(\"w7@example.com\") returned {found:?}, expected warrior 7"
    );
    let runs = trace.sql();
    assert_eq!(
        runs.len(),
        1,
        "find_by_email must run exactly one statement, ran {runs:?}"
    );
    runs[0].to_owned()
}

#[test]
fn explain_reports_a_scan_for_an_unindexed_lookup() {
    let conn = armoury(10);
    let steps = explain(&conn, "SELECT * FROM warriors WHERE email = 'x'")
        .expect("explain of a valid query must succeed");
    assert_eq!(steps.len(), 1, "one table, one step; got {steps:?}");
    assert!(
        steps[0].detail.starts_with("SCAN") && mentions_table(&steps[0].detail, "warriors"),
        "without an index on email SQLite must read the whole table: got {steps:?}"
    );
    assert_eq!(
        steps[0].parent, 0,
        "a top-level step has parent 0: {steps:?}"
    );
}

/// A statement whose plan nests: a correlated subquery (with a step under it) and a sort.
const NESTED_SQL: &str = "SELECT name, (SELECT count(*) FROM weapons WHERE weapons.warrior_id = \
warriors.id AND weapons.name > 'a') FROM warriors ORDER BY power";

#[rstest]
#[case::a_join(LOADOUT_SQL)]
#[case::a_nested_plan(NESTED_SQL)]
fn explain_returns_sqlites_own_steps_with_their_parent_links(#[case] sql: &str) {
    let conn = armoury(10);
    let steps = explain(&conn, sql).expect("explain of a valid query must succeed");
    assert!(
        steps.len() >= 2,
        "this plan has at least two steps, got {steps:?}"
    );
    let mut seen = vec![0];
    for step in &steps {
        assert!(
            seen.contains(&step.parent),
            "step {step:?} points at a parent that came before it? seen ids {seen:?}"
        );
        seen.push(step.id);
    }
    // SQLite's own rows, read here by column name without the learner's code.
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("EXPLAIN QUERY PLAN should prepare");
    let expected: Vec<PlanStep> = stmt
        .query_map([], |row| {
            Ok(PlanStep {
                id: row.get("id")?,
                parent: row.get("parent")?,
                detail: row.get("detail")?,
            })
        })
        .expect("EXPLAIN QUERY PLAN should run")
        .collect::<Result<_, _>>()
        .expect("plan rows");
    assert_eq!(
        steps, expected,
        "the steps must be SQLite's own rows, in SQLite's order: its id, its parent (the tree a \
         nested plan draws) and its detail, not numbers made up in Rust"
    );
}

#[test]
fn explain_of_invalid_sql_is_an_error() {
    let conn = armoury(1);
    for (sql, what) in [
        ("SELEKT * FROM warriors", "a syntax error"),
        ("SELECT * FROM no_such_table", "an unknown table"),
    ] {
        let got = explain(&conn, sql);
        assert!(got.is_err(), "{what} must come back as Err, got {got:?}");
    }
}

#[rstest]
#[case::no_other_index(NO_OTHER_INDEX)]
#[case::unrelated_indexes_already_there(UNRELATED_INDEXES)]
#[case::composites_led_by_another_column(COMPOSITES_LED_BY_ANOTHER_COLUMN)]
#[case::email_indexes_that_are_not_unique(EMAIL_INDEXES_THAT_ARE_NOT_UNIQUE)]
fn the_email_lookup_searches_an_email_index_once_indexed(#[case] existing: &str) {
    let conn = indexed_armoury(200, existing);
    let sql = email_lookup_sql(&conn);
    assert_searches(
        &conn,
        &plan(&conn, &sql),
        "warriors",
        "email",
        "find_by_email",
    );
}

#[test]
fn the_email_lookup_takes_no_full_scan_step_once_indexed() {
    let conn = indexed_armoury(500, NO_OTHER_INDEX);
    start_trace(&conn);
    let found = find_by_email(&conn, "w321@example.com");
    let trace = stop_trace(&conn);
    assert!(
        matches!(&found, Ok(Some(w)) if w.id == 321),
        "find_by_email returned {found:?}, expected warrior 321"
    );
    let scanned: i32 = trace.finished.iter().map(|f| f.fullscan_steps).sum();
    let statements: Vec<(&str, i32)> = trace
        .finished
        .iter()
        .map(|f| (f.sql.as_str(), f.fullscan_steps))
        .collect();
    assert_eq!(
        scanned, 0,
        "find_by_email stepped through {scanned} rows of a full table scan \
         (SQLITE_STMTSTATUS_FULLSCAN_STEP, per statement: {statements:?}); with an index \
         the lookup reads no table row but the match"
    );
    // The probe works: the same lookup written so no index can serve it does scan.
    start_trace(&conn);
    conn.query_row(
        "SELECT id FROM warriors WHERE lower(email) = ?1",
        ["w321@example.com"],
        |row| row.get::<_, i64>(0),
    )
    .expect("control query");
    let control = stop_trace(&conn);
    assert!(control.finished.iter().any(|f| f.fullscan_steps > 0));
}

#[rstest]
#[case::no_other_index(NO_OTHER_INDEX)]
#[case::unrelated_indexes_already_there(UNRELATED_INDEXES)]
#[case::composites_led_by_another_column(COMPOSITES_LED_BY_ANOTHER_COLUMN)]
fn the_join_searches_weapons_through_an_index_on_warrior_id(#[case] existing: &str) {
    let conn = indexed_armoury(100, existing);
    assert_searches(
        &conn,
        &plan(&conn, LOADOUT_SQL),
        "weapons",
        "warrior_id",
        "the loadout join",
    );
}

#[test]
fn the_join_needs_no_automatic_index_once_indexed() {
    let conn = indexed_armoury(300, NO_OTHER_INDEX);
    start_trace(&conn);
    let rows = {
        let mut stmt = conn.prepare(LOADOUT_SQL).expect("the join should prepare");
        stmt.query_map([], |_| Ok(()))
            .expect("the join should run")
            .count()
    };
    let trace = stop_trace(&conn);
    assert_eq!(
        rows, 375,
        "a left join keeps all 300 warriors, the 75 with two weapons twice"
    );
    let built: i32 = trace.finished.iter().map(|f| f.auto_index_rows).sum();
    assert_eq!(
        built, 0,
        "SQLite built a throw-away automatic index of {built} rows for the join \
         (SQLITE_STMTSTATUS_AUTOINDEX): it does that on every run until a real index on \
         weapons.warrior_id exists"
    );
}

#[test]
fn ensure_indexes_is_idempotent() {
    let conn = armoury(20);
    ensure_indexes(&conn).expect("the first call must succeed");
    let count = |conn: &Connection| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index'",
            [],
            |row| row.get(0),
        )
        .expect("count indexes")
    };
    let first = count(&conn);
    ensure_indexes(&conn).expect("a second call must succeed too (CREATE INDEX IF NOT EXISTS)");
    assert_eq!(count(&conn), first, "a second call must not add indexes");
    assert!(
        first >= 2,
        "ensure_indexes must create the two indexes, found {first}"
    );
    // A half-indexed database: only the e-mail index is left.
    let weapons_index: String = conn
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'weapons' \
             AND sql IS NOT NULL",
            [],
            |row| row.get(0),
        )
        .expect("ensure_indexes must index weapons");
    conn.execute_batch(&format!("DROP INDEX \"{weapons_index}\""))
        .expect("drop the weapons index");
    ensure_indexes(&conn).expect("a call on a half-indexed database must succeed");
    assert_eq!(
        count(&conn),
        first,
        "with only the e-mail index left, ensure_indexes did not bring back the weapons index: \
         ensure each index on its own (CREATE INDEX IF NOT EXISTS), not all of them behind a \
         check for one"
    );
}

#[test]
fn ensure_indexes_writes_nothing_when_the_indexes_exist() {
    let dir = super::temp_dir();
    let path = dir.path().join("armoury.db");
    let conn = Connection::open(&path).expect("open the file");
    conn.execute_batch(SCHEMA)
        .expect("the kata's schema should apply");
    for i in 1..=50 {
        conn.execute(
            "INSERT INTO warriors (id, name, email, power) VALUES (?1, 'w', ?2, ?1)",
            params![i, format!("w{i}@example.com")],
        )
        .expect("insert a warrior");
    }
    ensure_indexes(&conn).expect("the first call must succeed");
    let other = Connection::open(&path).expect("a second connection");
    let version = |c: &Connection| -> i64 {
        c.query_row("PRAGMA data_version", [], |row| row.get(0))
            .expect("data_version")
    };
    let before = version(&other);
    ensure_indexes(&conn).expect("a second call must succeed");
    assert_eq!(
        version(&other),
        before,
        "a second ensure_indexes changed the database file: with both indexes there it must be \
         a no-op (CREATE INDEX IF NOT EXISTS), not drop and rebuild every b-tree"
    );
}

#[test]
fn ensure_indexes_adds_only_the_two_indexes_the_lookups_need() {
    let conn = armoury(20);
    let indexes = |conn: &Connection| -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
            .expect("prepare");
        stmt.query_map([], |row| row.get(0))
            .expect("list indexes")
            .collect::<Result<_, _>>()
            .expect("index names")
    };
    let before = indexes(&conn);
    ensure_indexes(&conn).expect("ensure_indexes must succeed");
    let after = indexes(&conn);
    let added: Vec<&String> = after.iter().filter(|name| !before.contains(name)).collect();
    assert_eq!(
        added.len(),
        2,
        "ensure_indexes must add exactly two indexes, one for the e-mail lookup and one for the \
         join on warrior_id: every other index is paid for on every INSERT, UPDATE and DELETE \
         and helps no query here (see the write_tax kata); added {added:?}"
    );
    let mut columns: Vec<Vec<Value>> = added
        .iter()
        .map(|index| {
            rows_of(
                &conn,
                "SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
                [index.as_str()],
            )
            .concat()
        })
        .collect();
    columns.sort_by_key(|names| format!("{names:?}"));
    assert_eq!(
        columns,
        [
            vec![Value::from("email".to_owned())],
            vec![Value::from("warrior_id".to_owned())]
        ],
        "the column lists of the two indexes ensure_indexes added ({added:?}): index the column \
         each lookup compares and nothing else (email; warrior_id); every extra column widens \
         the b-tree every INSERT, UPDATE and DELETE has to write"
    );
}

#[test]
fn ensure_indexes_refuses_duplicate_emails() {
    let conn = armoury(3);
    conn.execute(
        "INSERT INTO warriors (name, email, power) VALUES ('Copycat', 'w1@example.com', 1)",
        [],
    )
    .expect("the table itself allows the duplicate");
    let got = ensure_indexes(&conn);
    assert!(
        matches!(&got, Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)),
        "emails are unique, so the e-mail index is UNIQUE and creating it over a duplicate \
         must fail with a constraint violation; got {got:?}"
    );
    conn.execute("DELETE FROM warriors WHERE name = 'Copycat'", [])
        .expect("remove the duplicate");
    ensure_indexes(&conn).expect("without the duplicate ensure_indexes must succeed");
    assert_a_later_duplicate_email_is_refused(&conn, "");
}

/// Inserts a second warrior with the e-mail `w1@example.com`, then updates warrior 2 to it, and
/// requires SQLite to refuse both (and a UNIQUE index on email alone to exist).
fn assert_a_later_duplicate_email_is_refused(conn: &Connection, existing: &str) {
    let later = conn.execute(
        "INSERT INTO warriors (name, email, power) VALUES ('Copycat', 'w1@example.com', 1)",
        [],
    );
    assert!(
        matches!(&later, Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)),
        "after ensure_indexes SQLite accepted a second warrior with the e-mail w1@example.com \
         ({later:?}; indexes already there: {existing:?}): a one-off duplicate check in Rust \
         guards only the moment it runs, and an index that merely starts with email (a plain \
         one, or a UNIQUE (email, name) pair) does not make e-mails unique; ensure a UNIQUE \
         index on email alone so SQLite refuses every later duplicate"
    );
    let moved = conn.execute(
        "UPDATE warriors SET email = 'w1@example.com' WHERE id = 2",
        [],
    );
    let unique_on_email: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_index_list('warriors') AS l WHERE l.\"unique\" \
             AND (SELECT group_concat(name) FROM pragma_index_info(l.name)) = 'email'",
            [],
            |row| row.get(0),
        )
        .expect("read the indexes of warriors");
    assert!(
        matches!(&moved, Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation))
            && unique_on_email > 0,
        "after ensure_indexes an UPDATE gave warrior 2 the e-mail w1@example.com ({moved:?}) \
         or no UNIQUE index is on email alone (pragma_index_list finds {unique_on_email}; \
         indexes already there: {existing:?}): a trigger or a Rust check guards only the writes \
         it was written for; a UNIQUE index on email makes SQLite refuse every duplicate, \
         inserted or updated"
    );
}

#[rstest]
#[case::no_other_index(NO_OTHER_INDEX)]
#[case::unrelated_indexes_already_there(UNRELATED_INDEXES)]
#[case::email_indexes_that_are_not_unique(EMAIL_INDEXES_THAT_ARE_NOT_UNIQUE)]
fn ensure_indexes_makes_emails_unique_whatever_indexes_were_there(#[case] existing: &str) {
    let conn = indexed_armoury(3, existing);
    assert_a_later_duplicate_email_is_refused(&conn, existing);
}

#[test]
fn ensure_indexes_lets_a_warrior_carry_several_weapons() {
    let conn = armoury(8);
    let got = ensure_indexes(&conn);
    assert!(
        got.is_ok(),
        "warriors 4 and 8 carry two weapons each, and ensure_indexes failed with {got:?}: only \
         e-mails are unique; the index on weapons.warrior_id is a plain index, since a warrior \
         may carry several weapons"
    );
    let another = conn.execute(
        "INSERT INTO weapons (warrior_id, name) VALUES (2, 'bow')",
        [],
    );
    assert!(
        another.is_ok(),
        "after ensure_indexes warrior 2 cannot take a second weapon ({another:?}): the index on \
         weapons.warrior_id must not be UNIQUE"
    );
}

#[rstest]
#[case::present("w3@example.com", Some(3))]
#[case::absent("nobody@example.com", None)]
#[case::case_differs("W3@EXAMPLE.COM", None)]
#[case::injection("' OR '1'='1", None)]
#[case::empty("", None)]
fn find_by_email_matches_the_exact_address(#[case] email: &str, #[case] id: Option<i64>) {
    let conn = armoury(5);
    ensure_indexes(&conn).expect("ensure_indexes must succeed");
    let found = find_by_email(&conn, email).expect("a lookup must not fail");
    assert_eq!(
        found.as_ref().map(|w| w.id),
        id,
        "find_by_email({email:?}) returned {found:?}: the match is exact and the address is a bound parameter"
    );
}

#[test]
fn find_by_email_returns_the_whole_warrior() {
    let conn = armoury(4);
    let found = find_by_email(&conn, "w4@example.com").expect("a lookup must not fail");
    assert_eq!(
        found,
        Some(Warrior {
            id: 4,
            name: "Warrior 4".into(),
            email: "w4@example.com".into(),
            power: 4
        }),
        "every column must be read back"
    );
}

#[test]
fn find_by_email_binds_the_address_and_never_pastes_it() {
    let conn = armoury(8);
    ensure_indexes(&conn).expect("ensure_indexes must succeed");
    let sql = email_lookup_sql(&conn);
    start_trace(&conn);
    let hostile = find_by_email(&conn, "o'neil@example.com");
    let trace = stop_trace(&conn);
    let pasted: Vec<&str> = std::iter::once(sql.as_str())
        .chain(trace.sql())
        .filter(|text| text.contains("example.com"))
        .collect();
    let differ: Vec<&str> = trace
        .sql()
        .into_iter()
        .filter(|text| *text != sql)
        .collect();
    assert!(
        pasted.is_empty() && differ.is_empty() && matches!(hostile, Ok(None)),
        "find_by_email ran {pasted:?} (and for \"o'neil@example.com\" returned {hostile:?}), and \
         for two addresses ran two texts: {sql:?} and {differ:?}: the address is pasted into \
         the SQL text (in some spelling, hex or blob literals included); bind it (?1), so one \
         compiled statement serves every address and no address is ever read as SQL"
    );
}

fn step(id: i64, parent: i64, detail: &str) -> PlanStep {
    PlanStep {
        id,
        parent,
        detail: detail.to_owned(),
    }
}

#[test]
fn render_plan_draws_a_flat_join() {
    let steps = [
        step(2, 0, "SCAN warriors"),
        step(
            4,
            0,
            "SEARCH weapons USING INDEX weapons_by_warrior (warrior_id=?)",
        ),
    ];
    assert_suite_snapshot!("render_plan_flat_join", render_plan(&steps));
}

#[test]
fn render_plan_draws_nested_steps_under_their_parent() {
    let steps = [
        step(3, 0, "SCAN warriors"),
        step(6, 0, "CORRELATED SCALAR SUBQUERY 1"),
        step(
            10,
            6,
            "SEARCH weapons USING INDEX weapons_by_warrior (warrior_id=?)",
        ),
        step(15, 6, "USE TEMP B-TREE FOR ORDER BY"),
        step(20, 0, "USE TEMP B-TREE FOR DISTINCT"),
    ];
    assert_suite_snapshot!("render_plan_nested", render_plan(&steps));
}

#[test]
fn render_plan_of_no_steps_is_the_header_alone() {
    assert_eq!(
        render_plan(&[]),
        "QUERY PLAN\n",
        "an empty plan is the header line and nothing else"
    );
}

#[test]
fn render_plan_shows_a_step_with_an_unknown_parent_at_the_top() {
    let steps = [step(2, 0, "SCAN a"), step(5, 99, "SCAN b")];
    assert_eq!(
        render_plan(&steps),
        "QUERY PLAN\n|--SCAN a\n`--SCAN b\n",
        "a step whose parent is not in the list is drawn at the top level"
    );
}

#[test]
fn render_plan_draws_three_levels_with_the_prefixes_of_their_ancestors() {
    let steps = [
        step(1, 0, "A"),
        step(2, 1, "B"),
        step(3, 2, "C"),
        step(4, 1, "D"),
        step(5, 4, "E"),
        step(6, 0, "F"),
    ];
    assert_eq!(
        render_plan(&steps),
        "QUERY PLAN\n|--A\n|  |--B\n|  |  `--C\n|  `--D\n|     `--E\n`--F\n",
        "each level adds one piece to its parent's prefix (`|  ` under a step that is not \
         last, three spaces under a last one), at every depth: draw the tree recursively"
    );
}

#[rstest]
#[case::child_after_its_parents_sibling(
    &[step(1, 0, "A"), step(2, 0, "B"), step(3, 1, "C")],
    "QUERY PLAN\n|--A\n|  `--C\n`--B\n"
)]
#[case::grandchild_after_everything(
    &[step(1, 0, "A"), step(2, 1, "B"), step(3, 0, "C"), step(4, 2, "D"), step(5, 1, "E")],
    "QUERY PLAN\n|--A\n|  |--B\n|  |  `--D\n|  `--E\n`--C\n"
)]
fn render_plan_draws_each_step_under_its_parent_wherever_it_is_listed(
    #[case] steps: &[PlanStep],
    #[case] expected: &str,
) {
    assert_eq!(
        render_plan(steps),
        expected,
        "a step is drawn under its parent even when the list gives it after steps of another \
         branch: walking the list once, in its order, assumes it is already depth-first; draw \
         each parent's children (in list order) right under it, recursively"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md):
/// `render_plan` on random trees (any depth, any fan-out, parents missing from the list)
/// against a drawing made by the rule in the kata's brief.
#[cfg(feature = "held-out")]
mod held_out {
    use proptest::prelude::*;

    use super::step;
    use crate::query_plan::{PlanStep, render_plan};

    /// The brief's rule, written out: a level's steps in list order, `` `-- `` for its last and
    /// `|--` for the others, children under their parent with `|  ` or three spaces added.
    fn drawn_by_the_rule(steps: &[PlanStep]) -> String {
        fn level(steps: &[PlanStep], parent: Option<i64>, prefix: &str, out: &mut String) {
            let known = |id: i64| steps.iter().any(|s| s.id == id);
            let here: Vec<&PlanStep> = steps
                .iter()
                .filter(|s| match parent {
                    None => !known(s.parent),
                    Some(p) => s.parent == p,
                })
                .collect();
            for (i, s) in here.iter().enumerate() {
                let last = i + 1 == here.len();
                out.push_str(&format!(
                    "{prefix}{}{}\n",
                    if last { "`--" } else { "|--" },
                    s.detail
                ));
                let deeper = format!("{prefix}{}", if last { "   " } else { "|  " });
                level(steps, Some(s.id), &deeper, out);
            }
        }
        let mut out = String::from("QUERY PLAN\n");
        level(steps, None, "", &mut out);
        out
    }

    /// Steps with increasing ids; each step's parent is 0, an id not in the list, or an
    /// earlier step.
    fn plans() -> impl Strategy<Value = Vec<PlanStep>> {
        proptest::collection::vec(
            (
                1i64..4,
                0usize..6,
                any::<usize>(),
                "[A-Z][A-Za-z =?()]{0,12}",
            ),
            0..12,
        )
        .prop_map(|raw| {
            let mut steps: Vec<PlanStep> = Vec::new();
            let mut id = 0;
            for (gap, kind, pick, detail) in raw {
                id += gap;
                let parent = match kind {
                    0 => 0,
                    1 => 10_000 + id,
                    _ if steps.is_empty() => 0,
                    _ => steps[pick % steps.len()].id,
                };
                steps.push(step(id, parent, &detail));
            }
            steps
        })
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn any_plan_tree_is_drawn_by_the_rule(steps in plans()) {
            let expected = drawn_by_the_rule(&steps);
            let got = render_plan(&steps);
            prop_assert_eq!(&got, &expected,
                "render_plan({:?}) drew\n{}\nexpected\n{}\n(each level adds `|  ` under a step \
                 that is not last and three spaces under a last one; a step whose parent is not \
                 in the list is drawn at the top)", &steps, got, expected);
        }
    }
}
