//! The article's claim: "Decimal is 10x to 100x slower" than float. This bench sums the same
//! million amounts (whole cents, 0.00 to 99.99) as `f64`, `rust_decimal::Decimal` and
//! `num_rational::Ratio<i64>`, so the README can record the measured ratios.
//!
//! Run: `nice cargo bench -p solution-d19a-precision --bench sum_million`

use criterion::{Criterion, criterion_group, criterion_main};
use num_rational::Ratio;
use rust_decimal::Decimal;
use std::hint::black_box;
use std::time::Duration;

const COUNT: usize = 1_000_000;

/// A million deterministic amounts in cents (a fixed linear congruential sequence).
fn amounts_in_cents() -> Vec<i64> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..COUNT)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            i64::try_from((state >> 33) % 10_000).unwrap_or(0)
        })
        .collect()
}

fn sum_a_million(c: &mut Criterion) {
    let cents = amounts_in_cents();
    let floats: Vec<f64> = cents.iter().map(|&c| c as f64 / 100.0).collect();
    let decimals: Vec<Decimal> = cents.iter().map(|&c| Decimal::new(c, 2)).collect();
    let ratios: Vec<Ratio<i64>> = cents.iter().map(|&c| Ratio::new(c, 100)).collect();

    let mut group = c.benchmark_group("sum_one_million_amounts");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("f64", |b| {
        b.iter(|| black_box(&floats).iter().fold(0.0, |total, &x| total + x))
    });
    group.bench_function("decimal", |b| {
        b.iter(|| black_box(&decimals).iter().sum::<Decimal>())
    });
    group.bench_function("ratio_i64", |b| {
        b.iter(|| {
            black_box(&ratios)
                .iter()
                .fold(Ratio::from_integer(0), |total, &x| total + x)
        })
    });
    group.finish();
}

criterion_group!(benches, sum_a_million);
criterion_main!(benches);
