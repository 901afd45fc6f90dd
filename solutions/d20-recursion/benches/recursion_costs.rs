//! What recursion costs, measured: the recursive and the iterative walk, refusing a bomb
//! early against measuring all of it, and memoization against the naive recursion.
//!
//! `cargo bench -p solution-d20-recursion --bench recursion_costs`

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};
use solution_d20_recursion::delegation::extract_emails;
use solution_d20_recursion::depth_guard::{guard_depth, nesting_depth};
use solution_d20_recursion::explicit_stack::extract_emails_iterative;
use solution_d20_recursion::memoization::ways_to_climb;
use std::hint::black_box;

/// 2,000 users, each `{"id": n, "profile": {"contact": {"user_email": …}}, "tags": [..]}`.
fn wide_payload() -> Value {
    let users: Vec<Value> = (0..2000)
        .map(|n| {
            json!({
                "id": n,
                "profile": {"contact": {"user_email": format!("user{n}@example.com")}},
                "tags": ["a", "b", {"note": "x"}]
            })
        })
        .collect();
    json!({"event": "sync", "users": users})
}

/// Objects nested `levels` deep (shallow enough to drop normally on the main thread).
fn deep_payload(levels: usize) -> Value {
    let mut value = json!({"user_email": "deep@example.com"});
    for _ in 1..levels {
        let mut map = Map::new();
        map.insert("a".to_owned(), value);
        value = Value::Object(map);
    }
    value
}

fn walks(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract_emails");
    for (name, value) in [("wide", wide_payload()), ("deep 1000", deep_payload(1000))] {
        group.bench_function(format!("recursive, {name}"), |b| {
            b.iter(|| extract_emails(black_box(&value)));
        });
        group.bench_function(format!("explicit stack, {name}"), |b| {
            b.iter(|| extract_emails_iterative(black_box(&value)));
        });
    }
    group.finish();
}

fn guards(c: &mut Criterion) {
    let levels = 1_000_000;
    let mut bomb = "{\"a\":".repeat(levels);
    bomb.push('1');
    bomb.push_str(&"}".repeat(levels));
    let mut group = c.benchmark_group("a million-level bomb (6 MB)");
    group.bench_function("guard_depth(_, 128): stop at the limit", |b| {
        b.iter(|| guard_depth(black_box(&bomb), 128));
    });
    group.bench_function("nesting_depth: scan all of it", |b| {
        b.iter(|| nesting_depth(black_box(&bomb)));
    });
    group.bench_function("serde_json::from_str: refuse at level 128", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&bomb)).is_err());
    });
    group.finish();
}

/// The recursion without a cache, for comparison only.
fn naive_ways(n: u32, steps: &[u32]) -> u128 {
    if n == 0 {
        return 1;
    }
    steps
        .iter()
        .filter_map(|&step| n.checked_sub(step))
        .map(|rest| naive_ways(rest, steps))
        .sum()
}

fn memoization(c: &mut Criterion) {
    let mut group = c.benchmark_group("ways to climb 25 stairs with steps [1, 2]");
    group.bench_function("naive recursion", |b| {
        b.iter(|| naive_ways(black_box(25), &[1, 2]));
    });
    group.bench_function("each subproblem once", |b| {
        b.iter(|| ways_to_climb(black_box(25), &[1, 2]));
    });
    group.finish();
}

criterion_group!(benches, walks, guards, memoization);
criterion_main!(benches);
