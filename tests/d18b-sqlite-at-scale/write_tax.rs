use proptest::prelude::*;
use rstest::rstest;
use rusqlite::{Connection, ErrorCode, params};

use super::{bytes_returned, start_trace, starts_with_keyword, stop_trace};
use crate::write_tax::*;

const EMAIL_INDEX: &str = "CREATE INDEX by_email ON warriors (email)";
const NAME_INDEX: &str = "CREATE INDEX by_name ON warriors (name)";
const POWER_INDEX: &str = "CREATE INDEX by_power ON warriors (power)";

fn warrior(i: usize) -> NewWarrior {
    NewWarrior {
        name: format!("Warrior number {i} of the long roll"),
        email: format!("warrior-{i}@kurukshetra.example"),
        power: i as i64,
    }
}

/// An in-memory database with the kata's schema, `rows` warriors, and the given indexes.
fn barracks(rows: usize, indexes: &[&str]) -> Connection {
    let conn = Connection::open_in_memory().expect("an in-memory database should open");
    conn.execute_batch(SCHEMA)
        .expect("the kata's schema should apply");
    for index in indexes {
        conn.execute(index, []).expect("create a test index");
    }
    let tx = conn.unchecked_transaction().expect("begin");
    {
        let mut insert = tx
            .prepare("INSERT INTO warriors (name, email, power) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        for w in (0..rows).map(warrior) {
            insert
                .execute(params![w.name, w.email, w.power])
                .expect("insert a warrior");
        }
    }
    tx.commit().expect("commit");
    conn
}

fn measure(conn: &Connection) -> Footprint {
    footprint(conn, "warriors").expect("footprint of an existing table must succeed")
}

#[test]
fn a_table_without_indexes_has_no_index_pages() {
    let got = measure(&barracks(500, &[]));
    assert_eq!(got.indexes, 0, "no index was created: {got:?}");
    assert_eq!(got.index_pages, 0, "no index, no index pages: {got:?}");
    assert!(
        got.table_pages > 1,
        "500 rows of ~80 bytes fill more than one 4 KiB page: {got:?}"
    );
}

#[test]
fn an_empty_table_is_one_page() {
    let got = measure(&barracks(0, &[]));
    assert_eq!(
        got,
        Footprint {
            table_pages: 1,
            index_pages: 0,
            indexes: 0
        },
        "an empty b-tree is its root page alone"
    );
}

#[test]
fn an_index_adds_pages_and_leaves_the_table_alone() {
    let plain = measure(&barracks(2000, &[]));
    let indexed = measure(&barracks(2000, &[EMAIL_INDEX]));
    assert_eq!(indexed.indexes, 1, "one index was created: {indexed:?}");
    assert_eq!(
        indexed.table_pages, plain.table_pages,
        "the table's own b-tree does not change with an index: {plain:?} vs {indexed:?}"
    );
    assert!(
        indexed.index_pages > 1,
        "an index on 2000 e-mails is a second b-tree of many pages: {indexed:?}"
    );
}

#[test]
fn every_index_costs_pages_of_its_own() {
    let mut previous = measure(&barracks(1000, &[]));
    let all = [EMAIL_INDEX, NAME_INDEX, POWER_INDEX];
    for n in 1..=all.len() {
        let got = measure(&barracks(1000, &all[..n]));
        assert_eq!(got.indexes, n as i64, "{n} indexes were created: {got:?}");
        assert!(
            got.index_pages > previous.index_pages,
            "with {n} indexes the index pages must grow past {}: {got:?}; count the pages \
             of every index of the table, not just one",
            previous.index_pages
        );
        previous = got;
    }
}

#[test]
fn a_unique_constraint_is_an_index_too() {
    let conn = Connection::open_in_memory().expect("an in-memory database should open");
    conn.execute_batch(
        "CREATE TABLE warriors (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (name <> ''),
                                email TEXT NOT NULL UNIQUE, power INTEGER NOT NULL);",
    )
    .expect("schema with UNIQUE");
    for w in (0..800).map(warrior) {
        insert_steps(&conn, &w).expect("insert a warrior");
    }
    let got = measure(&conn);
    assert_eq!(
        got.indexes, 1,
        "UNIQUE makes SQLite build an index (sqlite_autoindex_warriors_1); it must be counted: {got:?}"
    );
    assert!(
        got.index_pages > 1,
        "the UNIQUE index's pages must be counted: {got:?}"
    );
}

#[test]
fn other_tables_do_not_count() {
    let conn = barracks(300, &[EMAIL_INDEX]);
    let alone = measure(&conn);
    conn.execute_batch(
        "CREATE TABLE weapons (id INTEGER PRIMARY KEY, name TEXT);
         CREATE INDEX weapons_by_name ON weapons (name);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
         INSERT INTO weapons (name) SELECT 'blade ' || i FROM n;",
    )
    .expect("a second table with its own index");
    let got = measure(&conn);
    assert_eq!(
        got, alone,
        "the weapons table and its index are not part of warriors' footprint \
         (PRAGMA page_count counts the whole file)"
    );
}

#[rstest]
#[case::missing("no_such_table")]
#[case::index_name("by_email")]
#[case::quote("warriors'; --")]
fn an_unknown_table_is_a_typed_error(#[case] table: &str) {
    let conn = barracks(3, &[EMAIL_INDEX]);
    let got = footprint(&conn, table);
    assert!(
        matches!(&got, Err(TaxError::NoSuchTable(name)) if name == table),
        "footprint({table:?}) returned {got:?}; a name that is not a table is TaxError::NoSuchTable"
    );
}

fn steps_with(indexes: &[&str]) -> i64 {
    let conn = barracks(100, indexes);
    insert_steps(&conn, &warrior(100)).expect("inserting a valid warrior must succeed")
}

#[test]
fn every_index_adds_work_to_an_insert() {
    let steps: Vec<i64> = [
        &[][..],
        &[EMAIL_INDEX][..],
        &[EMAIL_INDEX, NAME_INDEX][..],
        &[EMAIL_INDEX, NAME_INDEX, POWER_INDEX][..],
    ]
    .iter()
    .map(|indexes| steps_with(indexes))
    .collect();
    assert!(
        steps.windows(2).all(|pair| pair[0] < pair[1]),
        "the VM steps of one INSERT with 0, 1, 2 and 3 indexes were {steps:?}: every index \
         is one more b-tree to update, so the count must grow with each"
    );
    assert!(steps[0] > 0, "an INSERT takes some steps, got {steps:?}");
}

#[test]
fn insert_steps_reports_sqlites_own_counter_for_that_insert() {
    let conn = barracks(50, &[EMAIL_INDEX, NAME_INDEX]);
    start_trace(&conn);
    let got = insert_steps(&conn, &warrior(50));
    let trace = stop_trace(&conn);
    let counted: Vec<i64> = trace
        .finished
        .iter()
        .filter(|run| starts_with_keyword(&run.sql, "INSERT"))
        .map(|run| i64::from(run.vm_steps))
        .collect();
    assert!(
        matches!(got, Ok(steps) if counted == [steps]),
        "insert_steps returned {got:?}, but SQLite counted {counted:?} virtual-machine steps \
         for the INSERTs it ran: report the statement's own SQLITE_STMTSTATUS_VM_STEP \
         (Statement::get_status), not a number worked out from the indexes"
    );
}

#[test]
fn each_insert_reports_its_own_steps_not_a_running_total() {
    let conn = barracks(50, &[EMAIL_INDEX]);
    let steps: Vec<i64> = (50..54)
        .map(|i| insert_steps(&conn, &warrior(i)).expect("inserting a valid warrior must succeed"))
        .collect();
    assert!(
        steps.iter().all(|&s| s == steps[0]),
        "four alike INSERTs on one connection reported {steps:?} virtual-machine steps: each \
         call must report that INSERT's own work, but a statement kept across calls \
         (prepare_cached) keeps counting; read the counter of a statement that ran once, or \
         reset it"
    );
}

#[test]
fn the_table_name_is_bound_and_never_pasted() {
    let conn = barracks(3, &[EMAIL_INDEX]);
    conn.execute_batch("CREATE TABLE legion_zz (id INTEGER PRIMARY KEY, motto TEXT UNIQUE)")
        .expect("a second table");
    start_trace(&conn);
    let got = footprint(&conn, "legion_zz");
    let trace = stop_trace(&conn);
    start_trace(&conn);
    let _ = footprint(&conn, "warriors");
    let other = stop_trace(&conn);
    // A name pasted in any spelling (hex and blob literals included) changes the SQL texts.
    let pasted: Vec<&str> = trace
        .sql()
        .into_iter()
        .filter(|sql| sql.contains("legion_zz"))
        .chain(trace.texts_not_shared_with(&other))
        .collect();
    assert!(
        matches!(
            got,
            Ok(Footprint {
                table_pages: 1,
                index_pages: 1,
                indexes: 1
            })
        ) && pasted.is_empty(),
        "footprint(\"legion_zz\") gave {got:?} (one root page, one UNIQUE index of one page \
         expected) and ran {pasted:?} with the name in the SQL text (or, for \"warriors\", \
         other texts than for \"legion_zz\"): the table name is a value to compare with \
         dbstat's and sqlite_schema's columns, so bind it (?1)"
    );
}

#[test]
fn sqlite_picks_the_tables_pages_and_counts_them() {
    let conn = barracks(2000, &[EMAIL_INDEX, NAME_INDEX, POWER_INDEX]);
    for i in 0..20 {
        conn.execute_batch(&format!(
            "CREATE TABLE annex_{i} (id INTEGER PRIMARY KEY, note TEXT UNIQUE)"
        ))
        .expect("another table");
    }
    conn.execute_batch("CREATE TABLE legion_zz (id INTEGER PRIMARY KEY, motto TEXT UNIQUE)")
        .expect("the table measured");
    let pages = conn
        .query_row("PRAGMA page_count", [], |row| row.get::<_, i64>(0))
        .expect("page_count");
    let entries = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
            row.get::<_, i64>(0)
        })
        .expect("schema size");
    // The small table (one root page, one UNIQUE index of one page), then the 2,000-row table
    // with its three indexes: dozens of pages each.
    let small = Footprint {
        table_pages: 1,
        index_pages: 1,
        indexes: 1,
    };
    let mut returned = Vec::new();
    for (table, expected) in [("legion_zz", Some(small)), ("warriors", None)] {
        start_trace(&conn);
        let got = footprint(&conn, table);
        let trace = stop_trace(&conn);
        let got = got.expect("footprint of an existing table must succeed");
        if let Some(expected) = expected {
            assert_eq!(got, expected, "footprint({table:?})");
        }
        assert!(
            trace.rows <= 8,
            "to measure {table} ({got:?}) in a file of {pages} pages and {entries} schema \
             entries, SQLite returned {} rows to your code: let SQLite select the table's and \
             its indexes' rows (WHERE name = ?1, tbl_name = ?1, bound) and count them \
             (count(*)), instead of returning a row per page or schema entry to count or filter \
             in Rust",
            trace.rows
        );
        returned.push((table, got, bytes_returned(&conn, &trace)));
    }
    let [(_, small, few), (_, big, many)] = returned[..] else {
        unreachable!("two tables measured")
    };
    assert!(
        many <= few + 16,
        "SQLite returned {few} bytes to measure legion_zz ({small:?}) but {many} bytes to measure \
         warriors ({big:?}): what SQLite hands back grows with the pages, so your code is \
         counting them; let SQLite count (count(*)) and return a few numbers, the same size \
         whatever the table's size",
    );
}

#[test]
fn insert_steps_stores_the_row() {
    let conn = barracks(0, &[]);
    insert_steps(&conn, &warrior(7)).expect("inserting a valid warrior must succeed");
    let stored: (String, String, i64) = conn
        .query_row("SELECT name, email, power FROM warriors", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .expect("the row must be there");
    let w = warrior(7);
    assert_eq!(
        stored,
        (w.name, w.email, w.power),
        "the warrior must be stored as given"
    );
}

/// A trigger the tests add to the table: it refuses a warrior of power 13, a rule no Rust
/// copy of the schema knows about.
const UNLUCKY: &str = "CREATE TRIGGER unlucky BEFORE INSERT ON warriors WHEN NEW.power = 13
     BEGIN SELECT RAISE(ABORT, 'power 13 is refused'); END";

#[rstest]
#[case::the_check_refuses_an_empty_name("", 1)]
#[case::a_trigger_refuses_power_13("Unlucky", 13)]
fn an_insert_the_table_refuses_is_an_error(#[case] name: &str, #[case] power: i64) {
    let conn = barracks(0, &[UNLUCKY]);
    let refused = NewWarrior {
        name: name.into(),
        email: "x@example.com".into(),
        power,
    };
    start_trace(&conn);
    let got = insert_steps(&conn, &refused);
    let trace = stop_trace(&conn);
    assert!(
        matches!(&got, Err(TaxError::Sqlite(e)) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)),
        "the table refuses {refused:?} (its CHECK refuses an empty name, a trigger the tests \
         added refuses power 13); insert_steps must return that error, got {got:?}"
    );
    assert!(
        !trace.runs_of("INSERT").is_empty(),
        "insert_steps refused {refused:?} without SQLite running an INSERT (it ran {:?}): the \
         refusal must be SQLite's, from running the INSERT, not a copy of the table's rules in \
         Rust that drifts from the schema",
        trace.sql()
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn table_and_index_pages_never_shrink_as_rows_are_added(first in 0usize..300, more in 1usize..300) {
        let small = measure(&barracks(first, &[EMAIL_INDEX, POWER_INDEX]));
        let large = measure(&barracks(first + more, &[EMAIL_INDEX, POWER_INDEX]));
        prop_assert!(large.table_pages >= small.table_pages, "{:?} then {:?}", small, large);
        prop_assert!(large.index_pages >= small.index_pages, "{:?} then {:?}", small, large);
        prop_assert_eq!(large.indexes, 2);
        prop_assert!(small.index_pages >= 2, "two indexes are at least two pages: {:?}", small);
    }
}
