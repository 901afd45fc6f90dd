//! Inserting rows three ways: one autocommit statement per row, all rows in one
//! transaction, and all rows through one prepared statement in one transaction.
//!
//! The two transactional variants insert 10,000 rows per iteration. Autocommit syncs the
//! journal to disk once per row (about 25 ms each on the reference VM), so 10,000 of them
//! take minutes per iteration; it inserts [`AUTOCOMMIT_ROWS`] rows instead, and every
//! variant reports throughput in rows per second so the ratios compare like with like.
//!
//! Run: `nice cargo bench -p solution-d18a-sqlite --bench inserts`

use std::hint::black_box;
use std::path::Path;

use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
};
use rusqlite::Connection;

const ROWS: usize = 10_000;
/// Rows per iteration for the autocommit variant (see the module docs).
const AUTOCOMMIT_ROWS: usize = 100;
const SCHEMA: &str =
    "CREATE TABLE warriors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, power REAL NOT NULL)";

/// A fresh database file in its own temporary directory (the directory lives as long as the tuple).
fn fresh_db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("temp dir for the bench");
    let conn = open(&dir.path().join("bench.db"));
    (dir, conn)
}

fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open the bench database");
    conn.execute_batch(SCHEMA).expect("create the bench table");
    conn
}

/// Every INSERT is its own transaction: one journal write and sync per row.
fn autocommit(conn: &Connection) {
    for i in 0..AUTOCOMMIT_ROWS {
        conn.execute(
            "INSERT INTO warriors (name, power) VALUES (?1, ?2)",
            rusqlite::params![format!("w{i}"), i as f64],
        )
        .expect("insert");
    }
}

/// One transaction; `execute` still looks the SQL up (rusqlite re-prepares it each call).
fn one_transaction(conn: &mut Connection) {
    let tx = conn.transaction().expect("begin");
    for i in 0..ROWS {
        tx.execute(
            "INSERT INTO warriors (name, power) VALUES (?1, ?2)",
            rusqlite::params![format!("w{i}"), i as f64],
        )
        .expect("insert");
    }
    tx.commit().expect("commit");
}

/// One transaction and one prepared statement, re-bound per row.
fn prepared_in_transaction(conn: &mut Connection) {
    let tx = conn.transaction().expect("begin");
    {
        let mut insert = tx
            .prepare("INSERT INTO warriors (name, power) VALUES (?1, ?2)")
            .expect("prepare");
        for i in 0..ROWS {
            insert
                .execute(rusqlite::params![format!("w{i}"), i as f64])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
}

/// Benchmarks `insert` on a fresh database each iteration (creating it is not measured).
fn bench_on_fresh_db(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    insert: impl Fn(&mut Connection),
) {
    group.bench_function(name, |b| {
        b.iter_batched(
            fresh_db,
            |(dir, mut conn)| {
                insert(&mut conn);
                black_box((dir, conn))
            },
            BatchSize::PerIteration,
        )
    });
}

fn inserts(c: &mut Criterion) {
    let mut group = c.benchmark_group("insert_rows");
    group.sample_size(10);
    group.throughput(Throughput::Elements(AUTOCOMMIT_ROWS as u64));
    bench_on_fresh_db(&mut group, "autocommit_each_row", |conn| autocommit(conn));
    group.throughput(Throughput::Elements(ROWS as u64));
    bench_on_fresh_db(&mut group, "one_transaction", one_transaction);
    bench_on_fresh_db(
        &mut group,
        "prepared_in_one_transaction",
        prepared_in_transaction,
    );
    group.finish();
}

criterion_group!(benches, inserts);
criterion_main!(benches);
