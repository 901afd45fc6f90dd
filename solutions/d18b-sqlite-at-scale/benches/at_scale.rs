//! The article's performance claims, measured on SQLite in process:
//!
//! - `n_plus_one_vs_join`: every warrior with their weapons for 1,000 warriors, as the N+1
//!   loop (inner statement prepared once, as Python's statement cache would), as the N+1 loop
//!   compiling the inner statement every time, and as the kata's single LEFT JOIN;
//! - `lookup_100k`: one e-mail lookup among 100,000 warriors, without an index (a full scan)
//!   and with the kata's indexes (a B-tree search);
//! - `insert_with_indexes`: 10,000 inserts in one transaction into a table with 0, 1 and 3
//!   secondary indexes (the write tax).
//!
//! The data is built once per group, in memory, so the figures measure the engine, not the
//! disk. Run: `nice cargo bench -p solution-d18b-sqlite-at-scale --bench at_scale`

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rusqlite::{Connection, Statement, params};
use solution_d18b_sqlite_at_scale::{query_count, query_plan};

const WARRIORS: i64 = 1_000;
const LOOKUP_ROWS: i64 = 100_000;
const INSERTS: usize = 10_000;

/// 1,000 warriors; warrior i carries i % 3 weapons (0, 1 or 2).
fn roster() -> Connection {
    let conn = Connection::open_in_memory().expect("in-memory database");
    conn.execute_batch(query_count::SCHEMA).expect("schema");
    let tx = conn.unchecked_transaction().expect("begin");
    for i in 1..=WARRIORS {
        tx.execute(
            "INSERT INTO warriors (id, name) VALUES (?1, ?2)",
            params![i, format!("warrior {i}")],
        )
        .expect("warrior");
        for k in 0..i % 3 {
            tx.execute(
                "INSERT INTO weapons (warrior_id, name) VALUES (?1, ?2)",
                params![i, format!("weapon {k}")],
            )
            .expect("weapon");
        }
    }
    tx.commit().expect("commit");
    conn
}

/// The inner query of the N+1 loop: one warrior's weapons.
const WEAPONS_OF: &str = "SELECT name FROM weapons WHERE warrior_id = ?1 ORDER BY id";

/// One query for the warriors, then `weapons_of(id)` for each one: the N+1 loop.
fn one_query_per_warrior(
    conn: &Connection,
    mut weapons_of: impl FnMut(i64) -> Vec<String>,
) -> Vec<query_count::Loadout> {
    let mut warriors = conn
        .prepare("SELECT id, name FROM warriors ORDER BY id")
        .expect("prepare");
    warriors
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .map(|row| {
            let (id, name): (i64, String) = row.expect("row");
            let weapons = weapons_of(id);
            query_count::Loadout { id, name, weapons }
        })
        .collect()
}

/// Runs the prepared [`WEAPONS_OF`] for warrior `id`.
fn weapons_through(weapons: &mut Statement<'_>, id: i64) -> Vec<String> {
    weapons
        .query_map([id], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The article's loop: one query for the warriors, then one run of a prepared query each.
fn n_plus_one(conn: &Connection) -> Vec<query_count::Loadout> {
    let mut weapons = conn.prepare(WEAPONS_OF).expect("prepare");
    one_query_per_warrior(conn, |id| weapons_through(&mut weapons, id))
}

/// The same loop without a statement cache: the inner query is compiled again for every warrior.
fn n_plus_one_recompiled(conn: &Connection) -> Vec<query_count::Loadout> {
    one_query_per_warrior(conn, |id| {
        let mut weapons = conn.prepare(WEAPONS_OF).expect("prepare");
        weapons_through(&mut weapons, id)
    })
}

fn n_plus_one_vs_join(c: &mut Criterion) {
    let conn = roster();
    assert_eq!(
        n_plus_one(&conn),
        query_count::warriors_with_weapons(&conn).expect("join"),
        "both strategies must return the same loadouts"
    );
    let mut group = c.benchmark_group("n_plus_one_vs_join_1000_warriors");
    group.bench_function("n_plus_one", |b| b.iter(|| black_box(n_plus_one(&conn))));
    group.bench_function("n_plus_one_recompiled", |b| {
        b.iter(|| black_box(n_plus_one_recompiled(&conn)))
    });
    group.bench_function("one_left_join", |b| {
        b.iter(|| black_box(query_count::warriors_with_weapons(&conn).expect("join")))
    });
    group.finish();
}

/// 100,000 warriors with distinct e-mails, optionally with the kata's indexes.
fn population(indexed: bool) -> Connection {
    let conn = Connection::open_in_memory().expect("in-memory database");
    conn.execute_batch(query_plan::SCHEMA).expect("schema");
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
         INSERT INTO warriors (id, name, email, power)
         SELECT i, 'warrior ' || i, 'w' || i || '@example.com', i % 10000 FROM n;",
    )
    .expect("populate");
    if indexed {
        query_plan::ensure_indexes(&conn).expect("indexes");
    }
    conn
}

fn lookup_100k(c: &mut Criterion) {
    let mut group = c.benchmark_group("lookup_one_of_100k");
    for (label, indexed) in [("full_scan", false), ("indexed_search", true)] {
        let conn = population(indexed);
        let mut i: i64 = 0;
        group.bench_function(label, |b| {
            b.iter(|| {
                // Walk through different addresses so no single row stays hot.
                i = (i * 7919 + 1) % LOOKUP_ROWS;
                let email = format!("w{}@example.com", i + 1);
                black_box(query_plan::find_by_email(&conn, &email).expect("lookup"))
            })
        });
    }
    group.finish();
}

const INDEXES: [&str; 3] = [
    "CREATE INDEX by_email ON warriors (email)",
    "CREATE INDEX by_name ON warriors (name)",
    "CREATE INDEX by_power ON warriors (power)",
];

fn empty_table(indexes: usize) -> Connection {
    let conn = Connection::open_in_memory().expect("in-memory database");
    conn.execute_batch(
        "CREATE TABLE warriors (id INTEGER PRIMARY KEY, name TEXT, email TEXT, power INTEGER)",
    )
    .expect("schema");
    for index in &INDEXES[..indexes] {
        conn.execute(index, []).expect("index");
    }
    conn
}

fn fill(conn: &mut Connection) {
    let tx = conn.transaction().expect("begin");
    {
        let mut insert = tx
            .prepare("INSERT INTO warriors (name, email, power) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        for i in 0..INSERTS {
            // Spread the keys so every index is updated at a different place.
            let key = (i * 7919) % INSERTS;
            insert
                .execute(params![
                    format!("warrior {key}"),
                    format!("w{key}@example.com"),
                    (key % 1000) as i64
                ])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
}

fn insert_with_indexes(c: &mut Criterion) {
    let mut group = c.benchmark_group("insert_10k_rows");
    group.sample_size(20);
    group.throughput(Throughput::Elements(INSERTS as u64));
    for indexes in [0, 1, 3] {
        group.bench_function(format!("{indexes}_indexes"), |b| {
            b.iter_batched(
                || empty_table(indexes),
                |mut conn| {
                    fill(&mut conn);
                    black_box(conn)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    n_plus_one_vs_join,
    lookup_100k,
    insert_with_indexes
);
criterion_main!(benches);
