//! The article's two timing claims, measured for Rust threads on this machine:
//!
//! - CPU-bound: `sum(i * i for i in range(10_000_000))` on two threads took *longer* than
//!   sequentially under the GIL (0.83 s vs 0.76 s), and four processes forged four
//!   weapons in 0.85 s instead of 3.4 s. Here: the same sum sequentially (one worker),
//!   on scoped threads (kata 1, two and four workers) and with rayon.
//! - I/O-bound: five one-second scouts took 1.01 s on a pool of five instead of 5 s. Here
//!   the waits are shorter (10 ms), and a second group compares one thread per wait with
//!   a bounded pool (kata 2) for 200 waits of 2 ms.
//!
//! Run: `nice cargo bench -p solution-d14-parallelism --bench threads_vs_pool`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;
use solution_d14_parallelism::parallel_sum::parallel_sum_of_squares;
use solution_d14_parallelism::scout_pool::scout_all;

const N: u64 = 10_000_000;

fn cpu_bound(c: &mut Criterion) {
    let mut group = c.benchmark_group("cpu: sum of i*i below 10M");
    group.sample_size(20);
    for workers in [1, 2, 4] {
        group.bench_function(format!("scoped threads, {workers} worker(s)"), |b| {
            b.iter(|| parallel_sum_of_squares::<u128>(black_box(N), workers))
        });
    }
    group.bench_function("rayon into_par_iter", |b| {
        b.iter(|| {
            (0..black_box(N))
                .into_par_iter()
                .map(|i| u128::from(i) * u128::from(i))
                .sum::<u128>()
        })
    });
    group.finish();
}

fn wait(ms: u64) -> impl Fn(&u64) -> u64 + Sync {
    move |&i| {
        std::thread::sleep(Duration::from_millis(ms)); // stands in for a network call
        i
    }
}

fn io_bound(c: &mut Criterion) {
    let scouts: Vec<u64> = (0..5).collect();
    let mut group = c.benchmark_group("io: 5 scouts waiting 10 ms each");
    group.sample_size(10);
    group.bench_function("one after another (pool of 1)", |b| {
        b.iter(|| scout_all(&scouts, 1, wait(10)))
    });
    group.bench_function("pool of 5", |b| b.iter(|| scout_all(&scouts, 5, wait(10))));
    group.finish();

    let waits: Vec<u64> = (0..200).collect();
    let mut group = c.benchmark_group("io: 200 waits of 2 ms");
    group.sample_size(10);
    group.bench_function("one thread per wait (200 threads)", |b| {
        b.iter(|| scout_all(&waits, waits.len(), wait(2)))
    });
    group.bench_function("bounded pool of 16", |b| {
        b.iter(|| scout_all(&waits, 16, wait(2)))
    });
    group.finish();
}

criterion_group!(benches, cpu_bound, io_bound);
criterion_main!(benches);
