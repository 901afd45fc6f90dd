//! The article's performance claims, measured in Rust.
//!
//! - `concat`: 50,000 words joined by `+` in a loop, `push_str` with no reserve,
//!   `with_capacity` then `push_str`, `[&str]::concat`, and `join_words`; the allocation
//!   counts of each are printed once before the timings.
//! - `lookup`: 1,000 lookups of the last of 50,000 numbers in a `Vec` and in a `HashSet`,
//!   each including building its container, as in the article's `slow_search` and
//!   `fast_search`, and the 1,000 lookups alone in containers built beforehand.
//! - `observer`: a loop of 10,000 small calls, plain and with every call recorded by the
//!   `call_ledger` profiler on a real clock; the median overhead ratio of 31 paired runs is
//!   printed with `overhead_ratio`.
//!
//! Run: `cargo bench -p solution-d15-profiling --bench profiling`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashSet;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use solution_d15_profiling::call_ledger::{Clock, Profiler};
use solution_d15_profiling::observer_effect::overhead_ratio;
use solution_d15_profiling::string_building::join_words;

/// Counts every allocation and reallocation of the bench process.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

#[global_allocator]
static COUNTING: Counting = Counting;

// SAFETY: every call is forwarded unchanged to `System`; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// How many allocations `f` made (the bench is single-threaded while this runs).
fn allocations<R>(f: impl FnOnce() -> R) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    black_box(f());
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

const WORDS: usize = 50_000;

fn plus_in_a_loop(words: &[&str]) -> String {
    let mut text = String::new();
    for word in words {
        text = text + word;
    }
    text
}

fn push_str_no_reserve(words: &[&str]) -> String {
    let mut text = String::new();
    for word in words {
        text.push_str(word);
    }
    text
}

fn with_capacity(words: &[&str]) -> String {
    let mut text = String::with_capacity(words.iter().map(|w| w.len()).sum());
    for word in words {
        text.push_str(word);
    }
    text
}

fn concat(c: &mut Criterion) {
    let words = vec!["data "; WORDS];
    eprintln!(
        "allocations for {WORDS} words: + in a loop {}, push_str {}, with_capacity {}, concat {}, join_words {}",
        allocations(|| plus_in_a_loop(&words)),
        allocations(|| push_str_no_reserve(&words)),
        allocations(|| with_capacity(&words)),
        allocations(|| words.concat()),
        allocations(|| join_words(words.iter().copied(), "")),
    );
    let mut group = c.benchmark_group("concat");
    group.bench_function("plus_in_a_loop", |b| {
        b.iter(|| plus_in_a_loop(black_box(&words)))
    });
    group.bench_function("push_str_no_reserve", |b| {
        b.iter(|| push_str_no_reserve(black_box(&words)))
    });
    group.bench_function("with_capacity", |b| {
        b.iter(|| with_capacity(black_box(&words)))
    });
    group.bench_function("concat", |b| b.iter(|| black_box(&words).concat()));
    group.bench_function("join_words", |b| {
        b.iter(|| join_words(black_box(&words).iter().copied(), ""))
    });
    group.finish();
}

const ITEMS: u32 = 50_000;
const LOOKUPS: u32 = 1_000;

fn slow_search() -> u32 {
    let list: Vec<u32> = (0..ITEMS).collect();
    (0..LOOKUPS)
        .filter(|_| list.contains(black_box(&(ITEMS - 1))))
        .count() as u32
}

fn fast_search() -> u32 {
    let set: HashSet<u32> = (0..ITEMS).collect();
    (0..LOOKUPS)
        .filter(|_| set.contains(black_box(&(ITEMS - 1))))
        .count() as u32
}

fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("lookup");
    group.bench_function("vec_contains", |b| b.iter(slow_search));
    group.bench_function("hashset_contains", |b| b.iter(fast_search));
    let list: Vec<u32> = (0..ITEMS).collect();
    let set: HashSet<u32> = (0..ITEMS).collect();
    group.bench_function("vec_contains_lookups_only", |b| {
        b.iter(|| {
            (0..LOOKUPS)
                .filter(|_| list.contains(black_box(&(ITEMS - 1))))
                .count()
        })
    });
    group.bench_function("hashset_contains_lookups_only", |b| {
        b.iter(|| {
            (0..LOOKUPS)
                .filter(|_| set.contains(black_box(&(ITEMS - 1))))
                .count()
        })
    });
    group.finish();
}

/// The real wall clock, from a fixed origin.
struct RealClock(Instant);

impl Clock for RealClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

const CALLS: u64 = 10_000;

#[inline(never)]
fn work(i: u64) -> u64 {
    black_box(i)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17)
}

fn plain_loop() -> u64 {
    (0..CALLS).map(work).fold(0, u64::wrapping_add)
}

fn profiled_loop(profiler: &mut Profiler<RealClock>) -> u64 {
    let mut sum = 0_u64;
    for i in 0..CALLS {
        profiler.enter("work");
        sum = sum.wrapping_add(work(i));
        // The names always match, so exit cannot fail here.
        let _ = profiler.exit("work");
    }
    sum
}

fn timed(f: impl FnOnce() -> u64) -> Duration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}

fn observer(c: &mut Criterion) {
    let mut profiler = Profiler::new(RealClock(Instant::now()));
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for _ in 0..31 {
        off.push(timed(plain_loop));
        on.push(timed(|| profiled_loop(&mut profiler)));
    }
    match overhead_ratio(&on, &off) {
        Ok(ratio) => {
            eprintln!("overhead ratio of the profiled loop (median of 31 pairs): {ratio:.1}")
        }
        Err(e) => eprintln!("no overhead ratio: {e}"),
    }
    let mut group = c.benchmark_group("observer");
    group.bench_function("plain_loop", |b| b.iter(plain_loop));
    group.bench_function("profiled_loop", |b| b.iter(|| profiled_loop(&mut profiler)));
    group.finish();
}

criterion_group!(benches, concat, lookup, observer);
criterion_main!(benches);
