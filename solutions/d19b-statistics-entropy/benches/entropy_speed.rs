//! The article says `random` is fast and `secrets` slower but secure. This bench measures
//! the Rust counterparts: 64 KiB of random bytes from the suite's Mersenne Twister (kata 5),
//! from `ChaCha8Rng` (kata 8) and from the operating system through `OsEntropy` (kata 7),
//! and one 32-byte token from the OS against the same token from a seeded ChaCha8.
//!
//! A second group compares the streaming `RunningStats` (kata 3) with the two-pass batch
//! `variance` (kata 2) over 100,000 values: the price of constant memory.
//!
//! Run: `nice cargo bench -p solution-d19b-statistics-entropy --bench entropy_speed`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use solution_d19b_statistics_entropy::mersenne_twister::Mt19937;
use solution_d19b_statistics_entropy::running_stats::RunningStats;
use solution_d19b_statistics_entropy::secrets::{EntropySource, OsEntropy, token_bytes};
use solution_d19b_statistics_entropy::spread::variance;

/// How many bytes the bulk group draws per iteration.
const BULK: usize = 64 * 1024;

fn bulk_bytes(c: &mut Criterion) {
    let mut group = c.benchmark_group("64 KiB of random bytes");
    let mut buffer = vec![0u8; BULK];
    let mut mt = Mt19937::from_key(&[42]);
    group.bench_function("Mt19937 (next_u32 x 16384)", |b| {
        b.iter(|| {
            for chunk in buffer.chunks_exact_mut(4) {
                chunk.copy_from_slice(&mt.next_u32().to_le_bytes());
            }
            black_box(&buffer);
        });
    });
    let mut chacha = ChaCha8Rng::seed_from_u64(42);
    group.bench_function("ChaCha8Rng (fill_bytes)", |b| {
        b.iter(|| {
            chacha.fill_bytes(&mut buffer);
            black_box(&buffer);
        });
    });
    group.bench_function("OsEntropy (getrandom::fill)", |b| {
        b.iter(|| {
            OsEntropy::new()
                .fill(&mut buffer)
                .map_err(|e| e.to_string())?;
            black_box(&buffer);
            Ok::<(), String>(())
        });
    });
    group.finish();

    let mut group = c.benchmark_group("one 32-byte token");
    group.bench_function("token_bytes(32) from the OS", |b| {
        b.iter(|| black_box(token_bytes(32)));
    });
    let mut chacha = ChaCha8Rng::seed_from_u64(42);
    group.bench_function("32 bytes from a seeded ChaCha8Rng", |b| {
        b.iter(|| {
            let mut token = [0u8; 32];
            chacha.fill_bytes(&mut token);
            black_box(token)
        });
    });
    group.finish();
}

fn streaming_vs_batch(c: &mut Criterion) {
    let data: Vec<f64> = (0..100_000).map(|i| f64::from(i % 1000) * 0.5).collect();
    let mut group = c.benchmark_group("variance of 100,000 values");
    group.bench_function("RunningStats (Welford, O(1) memory)", |b| {
        b.iter(|| {
            let mut stats = RunningStats::new();
            for &x in black_box(&data) {
                stats.push(x);
            }
            black_box(stats.variance())
        });
    });
    group.bench_function("variance (two passes over a slice)", |b| {
        b.iter(|| black_box(variance(black_box(&data))));
    });
    group.finish();
}

criterion_group!(benches, bulk_bytes, streaming_vs_batch);
criterion_main!(benches);
