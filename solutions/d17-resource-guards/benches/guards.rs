//! What guards cost, and what a pool saves.
//!
//! - `guard_overhead`: a `Gate` opened and dropped (RAII) against the same
//!   `Tracker::acquire`/`release` pair written by hand: the guard should cost nothing extra.
//! - `reuse_vs_reopen`: borrowing an open descriptor from a `Pool` and giving it back,
//!   against opening and closing the file each time (`libc::open`/`close` through
//!   `Descriptor`): why pools exist.
//!
//! Run: `cargo bench -p solution-d17-resource-guards --bench guards`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use solution_d17_resource_guards::descriptor_limit::Descriptor;
use solution_d17_resource_guards::gate::{Gate, Tracker};
use solution_d17_resource_guards::pool::Pool;

fn guard_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("guard_overhead");
    let tracker = Tracker::new(1);
    group.bench_function("gate_open_and_drop", |b| {
        b.iter(|| {
            let gate = Gate::open(&tracker, black_box("bench")).expect("a free slot");
            black_box(gate.name().len())
        });
    });
    let tracker = Tracker::new(1);
    group.bench_function("acquire_release_by_hand", |b| {
        b.iter(|| {
            let name = black_box("bench");
            tracker.acquire(name).expect("a free slot");
            let len = name.len();
            tracker.release(name);
            black_box(len)
        });
    });
    group.finish();
}

fn reuse_vs_reopen(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path: PathBuf = dir.path().join("conn.txt");
    std::fs::write(&path, "x").expect("writable");
    let mut group = c.benchmark_group("reuse_vs_reopen");
    let for_pool = path.clone();
    let pool = Pool::new(1, move || {
        Descriptor::open(&for_pool).expect("the file exists")
    })
    .expect("capacity 1");
    group.bench_function("pool_borrow_and_return", |b| {
        b.iter(|| {
            let fd = pool.try_acquire().expect("the descriptor is back");
            black_box(fd.raw())
        });
    });
    group.bench_function("open_and_close_each_time", |b| {
        b.iter(|| {
            let fd = Descriptor::open(black_box(&path)).expect("the file exists");
            black_box(fd.raw())
        });
    });
    group.finish();
}

criterion_group!(benches, guard_overhead, reuse_vs_reopen);
criterion_main!(benches);
