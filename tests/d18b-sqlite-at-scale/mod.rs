//! The d18b-sqlite-at-scale suite: compiled into kata-d18b-sqlite-at-scale (where it must fail) and
//! solution-d18b-sqlite-at-scale (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d18b-sqlite-at-scale/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

use std::cell::Cell;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use rusqlite::StatementStatus;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::types::Value;
use rusqlite::{Connection, Params};

/// A fresh temporary directory; every file a test touches lives in one.
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("the OS should give the test a temporary directory")
}

/// One run of a statement, as SQLite's trace hook saw it start.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    /// The statement's SQL text, as prepared (parameters not expanded).
    pub(crate) sql: String,
    /// How many runs this same prepared statement had finished before this one
    /// (`SQLITE_STMTSTATUS_RUN`): 0 for a freshly prepared statement.
    pub(crate) earlier_runs: i32,
    /// The SQL text with the values bound to it pasted in (`sqlite3_expanded_sql`): running
    /// it again gives the rows this run returned.
    pub(crate) expanded_sql: Option<String>,
}

/// A statement run that finished, with its counters.
#[derive(Debug, Clone)]
pub(crate) struct Finished {
    /// The statement's SQL text.
    pub(crate) sql: String,
    /// Steps taken through full table scans (`SQLITE_STMTSTATUS_FULLSCAN_STEP`, cumulative).
    pub(crate) fullscan_steps: i32,
    /// Rows put into automatic indexes (`SQLITE_STMTSTATUS_AUTOINDEX`, cumulative).
    pub(crate) auto_index_rows: i32,
    /// Virtual-machine steps (`SQLITE_STMTSTATUS_VM_STEP`, cumulative).
    pub(crate) vm_steps: i32,
}

/// What SQLite reported on one connection while the trace was on.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trace {
    /// Every statement run, in order (trigger sub-programs left out).
    pub(crate) runs: Vec<Run>,
    /// Every statement run that finished, in order.
    pub(crate) finished: Vec<Finished>,
    /// Result rows SQLite produced, over all statements.
    pub(crate) rows: usize,
}

impl Trace {
    /// The SQL texts of the runs, in order.
    pub(crate) fn sql(&self) -> Vec<&str> {
        self.runs.iter().map(|run| run.sql.as_str()).collect()
    }

    /// The SQL texts of the runs that carry any of `values` in their text (pasted, not bound).
    pub(crate) fn carrying(&self, values: &[&str]) -> Vec<&str> {
        self.sql()
            .into_iter()
            .filter(|sql| values.iter().any(|value| sql.contains(value)))
            .collect()
    }

    /// The SQL texts this trace ran that `other` never ran, and those `other` ran that this
    /// one never did. With every value bound, running the same calls on other values runs the
    /// same texts (a value pasted in any spelling, decimal, hex or a blob literal, changes them).
    pub(crate) fn texts_not_shared_with<'a>(&'a self, other: &'a Trace) -> Vec<&'a str> {
        let (mine, theirs) = (self.sql(), other.sql());
        let only_mine = mine.iter().filter(|sql| !theirs.contains(sql));
        let only_theirs = theirs.iter().filter(|sql| !mine.contains(sql));
        only_mine.chain(only_theirs).copied().collect()
    }

    /// The runs whose SQL starts with `keyword` (ignoring case and leading blanks).
    pub(crate) fn runs_of(&self, keyword: &str) -> Vec<&Run> {
        self.runs
            .iter()
            .filter(|run| starts_with_keyword(&run.sql, keyword))
            .collect()
    }
}

/// `sql` without its leading whitespace and SQL comments (`-- …` lines and `/* … */`).
pub(crate) fn without_leading_comments(sql: &str) -> &str {
    let mut sql = sql.trim_start();
    loop {
        if let Some(rest) = sql.strip_prefix("--") {
            sql = rest
                .split_once('\n')
                .map_or("", |(_, after)| after)
                .trim_start();
        } else if let Some(rest) = sql.strip_prefix("/*") {
            sql = rest
                .split_once("*/")
                .map_or("", |(_, after)| after)
                .trim_start();
        } else {
            return sql;
        }
    }
}

/// Whether `sql` starts with `keyword`, ignoring case, leading whitespace and comments.
pub(crate) fn starts_with_keyword(sql: &str, keyword: &str) -> bool {
    let sql = without_leading_comments(sql);
    sql.len() >= keyword.len()
        && sql.is_char_boundary(keyword.len())
        && sql[..keyword.len()].eq_ignore_ascii_case(keyword)
}

/// `sql` with its comments (`-- …` to the end of the line, `/* … */`), string literals
/// (`'…'`) and quoted names (`"…"`, `` `…` ``, `[…]`) each replaced by a space: the SQL that
/// SQLite reads as keywords.
pub(crate) fn sql_keywords_part(sql: &str) -> String {
    let mut kept = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '-' if rest.starts_with("--") => Some("\n"),
            '/' if rest.starts_with("/*") => Some("*/"),
            '\'' => Some("'"),
            '"' => Some("\""),
            '`' => Some("`"),
            '[' => Some("]"),
            _ => None,
        };
        let Some(close) = close else {
            kept.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        // A doubled quote inside a literal or a quoted name closes and reopens it, which
        // reads the same here.
        let open = if close == "*/" || close == "\n" { 2 } else { 1 };
        rest = rest[open..]
            .split_once(close)
            .map_or("", |(_, after)| after);
        kept.push(' ');
    }
    kept
}

/// Whether `sql` says `ORDER BY` (any case, any whitespace between the two words), as SQL:
/// a comment or a string that mentions it does not count.
pub(crate) fn says_order_by(sql: &str) -> bool {
    let words: Vec<String> = sql_keywords_part(sql)
        .split_whitespace()
        .map(|word| word.to_ascii_uppercase())
        .collect();
    words
        .windows(2)
        .any(|pair| pair[0] == "ORDER" && pair[1] == "BY")
}

/// Switches on SQLite's check for queries that rely on an order they never asked for:
/// `PRAGMA reverse_unordered_selects` returns the rows of a plain scan without `ORDER BY`
/// backwards.
pub(crate) fn reverse_unordered_selects(conn: &Connection) {
    conn.execute_batch("PRAGMA reverse_unordered_selects = ON")
        .expect("pragma");
}

/// Fails unless `PRAGMA reverse_unordered_selects` is still on after `call` ran.
pub(crate) fn assert_still_reversing_unordered_selects(conn: &Connection, call: &str) {
    let on: bool = conn
        .query_row("PRAGMA reverse_unordered_selects", [], |row| row.get(0))
        .expect("read the pragma");
    assert!(
        on,
        "{call} switched PRAGMA reverse_unordered_selects off, the test's check for a query that \
         relies on an order it never asked for: say ORDER BY instead of leaning on the order a \
         scan happens to give"
    );
}

/// The words of `sql` outside double-quoted identifiers (a doubled `""` stays inside), in
/// lower case.
pub(crate) fn words_outside_double_quotes(sql: &str) -> Vec<String> {
    let mut outside = String::new();
    let mut quoted = false;
    for c in sql.chars() {
        if c == '"' {
            quoted = !quoted;
            outside.push(' ');
        } else if !quoted {
            outside.push(c);
        }
    }
    outside
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The detail lines of `EXPLAIN QUERY PLAN sql`, asked on `conn`.
pub(crate) fn plan_of(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("the statement the kata ran should explain");
    stmt.query_map([], |row| row.get::<_, String>(3))
        .expect("explain")
        .collect::<Result<_, _>>()
        .expect("plan rows")
}

/// The rows `sql` gives when the test runs it again itself on `conn` (with `params` bound),
/// every column read as a [`Value`], in the order SQLite returns them.
pub(crate) fn rows_of(conn: &Connection, sql: &str, params: impl Params) -> Vec<Vec<Value>> {
    let mut stmt = conn
        .prepare(sql)
        .expect("the statement the kata ran should prepare again");
    let width = stmt.column_count();
    stmt.query_map(params, |row| {
        (0..width).map(|i| row.get::<_, Value>(i)).collect()
    })
    .expect("the statement the kata ran should run again")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// Fails unless every statement `call` ran (traced in `trace`) found its row through the key:
/// no step of a full table scan, and fewer virtual-machine steps than the `table_rows` rows of
/// the table (reading every row, by a scan, a sort or a range over the whole key, takes at
/// least one step each). Counting the rows SQLite hands back is not enough: one row can carry
/// the whole table.
pub(crate) fn assert_found_by_key(trace: &Trace, table_rows: i32, call: &str) {
    for run in &trace.finished {
        assert!(
            run.fullscan_steps == 0 && run.vm_steps < table_rows,
            "{call} ran `{}`, which took {} steps of a full table scan and {} VM steps to find \
             one row of a table of {table_rows}: ask SQLite for WHERE id = ?1 and let the primary \
             key seek the one row (SEARCH … USING INTEGER PRIMARY KEY), instead of having SQLite \
             read, sort or pack the whole table and picking the row in Rust",
            run.sql,
            run.fullscan_steps,
            run.vm_steps
        );
    }
}

/// The bytes of the values the statements in `trace` returned, found by running each again on
/// `conn` with its values pasted in: 8 for a number, the length of a text or blob.
pub(crate) fn bytes_returned(conn: &Connection, trace: &Trace) -> usize {
    trace
        .runs
        .iter()
        .filter_map(|run| run.expanded_sql.as_deref())
        .flat_map(|sql| rows_of(conn, sql, []))
        .flatten()
        .map(|value| match value {
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 8,
            Value::Text(text) => text.len(),
            Value::Blob(blob) => blob.len(),
        })
        .sum()
}

/// Whether some column of `rows`, read top to bottom, holds exactly `expected` once its
/// `NULL`s are left out.
pub(crate) fn some_column_reads(rows: &[Vec<Value>], expected: &[Value]) -> bool {
    let width = rows.first().map_or(0, Vec::len);
    (0..width).any(|column| {
        rows.iter()
            .map(|row| &row[column])
            .filter(|value| **value != Value::Null)
            .eq(expected.iter())
    })
}

/// How many connections the tests can trace at once: one per test thread that traces.
const SLOTS: usize = 16;

const NOTHING_SEEN: Trace = Trace {
    runs: Vec::new(),
    finished: Vec::new(),
    rows: 0,
};

/// What each traced connection reported. SQLite calls a connection's hook on whichever thread
/// runs the statement (a helper thread the code hands the connection to included), so the
/// record is not kept per thread: each tracing test thread owns a slot, and the hook it installs,
/// `record_in::<slot>`, writes there from any thread, so tests tracing in parallel never mix.
static SEEN: [Mutex<Trace>; SLOTS] = [const { Mutex::new(NOTHING_SEEN) }; SLOTS];

/// The hook of each slot.
const HOOKS: [fn(TraceEvent<'_>); SLOTS] = [
    record_in::<0>,
    record_in::<1>,
    record_in::<2>,
    record_in::<3>,
    record_in::<4>,
    record_in::<5>,
    record_in::<6>,
    record_in::<7>,
    record_in::<8>,
    record_in::<9>,
    record_in::<10>,
    record_in::<11>,
    record_in::<12>,
    record_in::<13>,
    record_in::<14>,
    record_in::<15>,
];

/// Which slots a test thread holds, and a signal when one is given back.
static TAKEN: Mutex<[bool; SLOTS]> = Mutex::new([false; SLOTS]);
static GIVEN_BACK: Condvar = Condvar::new();

/// The slot this test thread holds, given back when the thread ends (a failed test included).
struct Held(Cell<Option<usize>>);

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(slot) = self.0.get() {
            locked(&TAKEN)[slot] = false;
            GIVEN_BACK.notify_one();
        }
    }
}

thread_local! {
    static HELD: Held = const { Held(Cell::new(None)) };
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// This test thread's slot (taken on first use, waiting for one if all are held).
fn my_slot() -> usize {
    HELD.with(|held| {
        if let Some(slot) = held.0.get() {
            return slot;
        }
        let mut taken = locked(&TAKEN);
        loop {
            if let Some(slot) = taken.iter().position(|held| !held) {
                taken[slot] = true;
                held.0.set(Some(slot));
                return slot;
            }
            taken = GIVEN_BACK
                .wait(taken)
                .unwrap_or_else(PoisonError::into_inner);
        }
    })
}

fn record_in<const SLOT: usize>(event: TraceEvent<'_>) {
    let mut trace = locked(&SEEN[SLOT]);
    match event {
        // A trigger's sub-program reports its parent statement with the text
        // `-- TRIGGER name`; every statement the code runs reports its own text, whatever
        // comments it starts with, so only the sub-programs are left out.
        TraceEvent::Stmt(stmt, sql) if sql == stmt.sql() => trace.runs.push(Run {
            sql: sql.to_owned(),
            earlier_runs: stmt.get_status(StatementStatus::Run),
            expanded_sql: stmt.expanded_sql(),
        }),
        TraceEvent::Profile(stmt, _) => trace.finished.push(Finished {
            sql: stmt.sql().into_owned(),
            fullscan_steps: stmt.get_status(StatementStatus::FullscanStep),
            auto_index_rows: stmt.get_status(StatementStatus::AutoIndex),
            vm_steps: stmt.get_status(StatementStatus::VmStep),
        }),
        TraceEvent::Row(_) => trace.rows += 1,
        _ => {}
    }
}

/// Makes a twin land in `warriors` right after every insert of a warrior named `name`, as
/// another writer's identical row could (an `AFTER INSERT` trigger; recursive triggers are off,
/// so the twin brings no twin): `SELECT max(id)`, or a lookup of the newest (or oldest) row
/// with the same values, then names the twin (or an earlier row), not the row the insert stored.
pub(crate) fn a_twin_follows(conn: &Connection, name: &str) {
    conn.execute_batch(&format!(
        "CREATE TRIGGER twin AFTER INSERT ON warriors WHEN NEW.name = '{name}'
         BEGIN INSERT INTO warriors (name, power) VALUES (NEW.name, NEW.power); END;"
    ))
    .expect("a trigger that brings a twin");
}

/// Checks that `ids`, what `call` returned for inserts of the same warrior named `name` (each
/// followed by its twin, see [`a_twin_follows`]), are the rows the inserts stored: the 1st,
/// 3rd, 5th, ... row of that name in id order, never a twin nor an earlier look-alike.
pub(crate) fn assert_ids_are_the_inserted_rows(
    conn: &Connection,
    name: &str,
    ids: &[i64],
    call: &str,
) {
    let rows: Vec<i64> = rows_of(
        conn,
        "SELECT id FROM warriors WHERE name = ?1 ORDER BY id",
        [name],
    )
    .into_iter()
    .map(|row| match row[0] {
        Value::Integer(id) => id,
        ref other => panic!("an id is an integer, got {other:?}"),
    })
    .collect();
    let inserted: Vec<i64> = rows.iter().copied().step_by(2).collect();
    assert_eq!(
        ids, inserted,
        "{call} of the same {name} twice returned ids {ids:?}, but the rows named {name} are \
         {rows:?}, and a trigger inserts an identical twin right after each (as another writer \
         could): the ids of the rows {call} stored are {inserted:?}. Looking the id up \
         afterwards (SELECT max(id), or the newest or oldest row with the same values) finds \
         the twin or an earlier look-alike; the id of the row an INSERT stored is \
         Connection::last_insert_rowid (or RETURNING id)"
    );
}

/// Starts recording every statement `conn` runs, on whatever thread it runs it.
pub(crate) fn start_trace(conn: &Connection) {
    let slot = my_slot();
    *locked(&SEEN[slot]) = Trace::default();
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT
            | TraceEventCodes::SQLITE_TRACE_PROFILE
            | TraceEventCodes::SQLITE_TRACE_ROW,
        Some(HOOKS[slot]),
    );
}

/// Stops recording and returns what was seen since [`start_trace`] (called on the same test
/// thread).
pub(crate) fn stop_trace(conn: &Connection) -> Trace {
    conn.trace_v2(TraceEventCodes::empty(), None);
    std::mem::take(&mut *locked(&SEEN[my_slot()]))
}

#[cfg(any(not(feature = "one-kata"), feature = "batch_insert"))]
mod batch_insert;
#[cfg(any(not(feature = "one-kata"), feature = "generic_repo"))]
mod generic_repo;
#[cfg(any(not(feature = "one-kata"), feature = "migrations"))]
mod migrations;
#[cfg(any(not(feature = "one-kata"), feature = "query_count"))]
mod query_count;
#[cfg(any(not(feature = "one-kata"), feature = "query_plan"))]
mod query_plan;
#[cfg(any(not(feature = "one-kata"), feature = "repository"))]
mod repository;
#[cfg(any(not(feature = "one-kata"), feature = "write_tax"))]
mod write_tax;
