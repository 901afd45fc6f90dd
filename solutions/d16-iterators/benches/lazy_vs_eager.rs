//! The article's FAQ says generators save memory, not time, and may even be a little
//! slower than building a list. This bench measures the Rust counterpart: the lazy
//! pipeline of kata 3 against the same stages with a `Vec` between them, and the
//! streaming count of kata 4 against reading the whole file into one `String`.
//!
//! The file group adds a third reader, written here and not in the kata: `read_line` into
//! one reused `String`, which streams without allocating a `String` per line.
//!
//! Run: `nice cargo bench -p solution-d16-iterators --bench lazy_vs_eager`

use std::fs::{self, File};
use std::hint::black_box;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::net::IpAddr;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use solution_d16_iterators::lazy_pipeline::{LogError, extract_ips, filter_status};
use solution_d16_iterators::streaming_file::count_matching_lines;

/// `n` log lines, one in seven with status 404.
fn log_lines(n: u32) -> Vec<String> {
    (0..n)
        .map(|i| {
            let status = if i % 7 == 0 { 404 } else { 200 };
            format!(
                "10.{}.{}.{} - {status} GET /items/{i:08}",
                i % 256,
                (i / 256) % 256,
                i % 200
            )
        })
        .collect()
}

/// The eager version of the pipeline: every stage collects into a `Vec` first.
fn eager_ips(lines: &[String], code: u16) -> Vec<Result<IpAddr, LogError>> {
    let matching: Vec<&String> = filter_status(lines, code).collect();
    extract_ips(matching).collect()
}

fn pipeline(c: &mut Criterion) {
    let lines = log_lines(100_000);
    let mut group = c.benchmark_group("pipeline over 100k lines");
    group.bench_function("lazy: filter_status -> extract_ips -> count", |b| {
        b.iter(|| {
            extract_ips(filter_status(black_box(&lines), 404))
                .filter(Result::is_ok)
                .count()
        });
    });
    group.bench_function("eager: Vec after every stage -> count", |b| {
        b.iter(|| {
            eager_ips(black_box(&lines), 404)
                .iter()
                .filter(|ip| ip.is_ok())
                .count()
        });
    });
    group.finish();
}

fn write_log(path: &Path, lines: &[String]) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}

/// Streaming without a `String` per line: `read_line` into one reused buffer.
fn count_reusing_one_buffer(path: &Path, needle: &str) -> std::io::Result<u64> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut line = String::new();
    let mut count = 0;
    while reader.read_line(&mut line)? > 0 {
        count += u64::from(line.contains(needle));
        line.clear();
    }
    Ok(count)
}

fn big_file(c: &mut Criterion) {
    let Ok(dir) = tempfile::tempdir() else {
        eprintln!("no temp dir: skipping the file benches");
        return;
    };
    let path = dir.path().join("big.log");
    if let Err(e) = write_log(&path, &log_lines(500_000)) {
        eprintln!(
            "cannot write {}: {e}; skipping the file benches",
            path.display()
        );
        return;
    }
    let mut group = c.benchmark_group("count 404 lines of a 21 MB file");
    group.sample_size(20);
    group.bench_function("streaming: BufReader::lines", |b| {
        b.iter(|| count_matching_lines(black_box(&path), " 404 ").ok());
    });
    group.bench_function("streaming: read_line into one reused String", |b| {
        b.iter(|| count_reusing_one_buffer(black_box(&path), " 404 ").ok());
    });
    group.bench_function("whole file: read_to_string then str::lines", |b| {
        b.iter(|| {
            fs::read_to_string(black_box(&path))
                .map(|text| text.lines().filter(|line| line.contains(" 404 ")).count())
                .ok()
        });
    });
    group.finish();
}

criterion_group!(benches, pipeline, big_file);
criterion_main!(benches);
