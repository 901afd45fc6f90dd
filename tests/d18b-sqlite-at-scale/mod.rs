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

use std::cell::RefCell;

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

/// Whether `sql` says `ORDER BY` (any case, any whitespace between the two words).
pub(crate) fn says_order_by(sql: &str) -> bool {
    let words: Vec<String> = sql
        .split_whitespace()
        .map(|word| word.to_ascii_uppercase())
        .collect();
    words
        .windows(2)
        .any(|pair| pair[0] == "ORDER" && pair[1] == "BY")
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

thread_local! {
    // SQLite calls the trace hook on the thread that runs the statement: the test's thread.
    static TRACE: RefCell<Trace> = RefCell::new(Trace::default());
}

fn record(event: TraceEvent<'_>) {
    TRACE.with(|trace| {
        let mut trace = trace.borrow_mut();
        match event {
            // A trigger's sub-program reports its parent statement with the text
            // `-- TRIGGER name`; every statement the code runs reports its own text, whatever
            // comments it starts with, so only the sub-programs are left out.
            TraceEvent::Stmt(stmt, sql) if sql == stmt.sql() => trace.runs.push(Run {
                sql: sql.to_owned(),
                earlier_runs: stmt.get_status(StatementStatus::Run),
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
    });
}

/// Makes a squire land in `warriors` right after every insert of a warrior named `name`, as
/// another writer's row could (a trigger): `SELECT max(id)` then names the squire, not the
/// warrior the insert stored.
pub(crate) fn a_squire_follows(conn: &Connection, name: &str) {
    conn.execute_batch(&format!(
        "CREATE TRIGGER squire AFTER INSERT ON warriors WHEN NEW.name = '{name}'
         BEGIN INSERT INTO warriors (name, power) VALUES ('Squire', 1); END;"
    ))
    .expect("a trigger that brings a squire");
}

/// Starts recording every statement `conn` runs on this thread.
pub(crate) fn start_trace(conn: &Connection) {
    TRACE.with(|trace| *trace.borrow_mut() = Trace::default());
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT
            | TraceEventCodes::SQLITE_TRACE_PROFILE
            | TraceEventCodes::SQLITE_TRACE_ROW,
        Some(record),
    );
}

/// Stops recording and returns what was seen since [`start_trace`].
pub(crate) fn stop_trace(conn: &Connection) -> Trace {
    conn.trace_v2(TraceEventCodes::empty(), None);
    TRACE.with(|trace| std::mem::take(&mut *trace.borrow_mut()))
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
