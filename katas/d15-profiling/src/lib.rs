//! # Day 15: measure before you optimise
//!
//! Source: "Python Code Profiling: cProfile, Yappi, and the Observer Effect (2026)" by
//! Kaushikcoderpy, series "Logic & Legacy" (day 15 of 30):
//! <https://dev.to/kaushikcoderpy/python-code-profiling-cprofile-yappi-and-the-observer-effect-2026-45o6>
//!
//! The article's point: do not guess where a program spends its time, measure it. A
//! profiler reports per function how often it ran, the time in its own code and the time
//! including what it called. Tracing every call is exact but slows the program down (the
//! observer effect); sampling the stack now and then is cheap but statistical; a wall
//! clock blames code that merely waits, where a CPU clock does not. Then it profiles two
//! classic traps: string concatenation in a loop and membership tests on a list.
//!
//! In this suite you build the bookkeeping of those profilers yourself, on injected
//! clocks, so every test is exact and deterministic: no test reads the real time. The
//! performance claims are measured by a criterion bench (`profiling`) in the solution
//! crate, and the figures are in this suite's README.
//!
//! ## From the article's ideas to the katas
//!
//! | the article (Python) | the kata (Rust) |
//! | --- | --- |
//! | cProfile's table: `ncalls`, `tottime`, `cumtime` | [`call_ledger`]: a `Profiler` fed enter/exit events, recursion counted once, a rendered table |
//! | no `time.time()` pollution: a profiling decorator | [`span_guard`]: `time_it` and a `Span` guard that records in `Drop`, even on panic |
//! | tracing vs sampling; py-spy in production | [`stack_sampling`]: folded stacks for flamegraphs, self/total shares that sum to 100 % |
//! | the async blind spot; yappi's CPU clock | [`wall_vs_cpu`]: wall and CPU time side by side; the network call only dominates the wall clock |
//! | the observer effect (1.0 s becomes 1.4 s) | [`observer_effect`]: the overhead ratio as a median of paired ratios, and calibration |
//! | `result += word` against `"".join(words)` (185×) | [`string_building`]: `join_words` with exactly one allocation, and the naive build's capacity steps |
//! | `x in list` against `x in set` | [`set_lookups`]: `contains_all` and `missing` through a `HashSet`, proven by counting `eq` calls |
//!
//! ## What does not carry over to Rust, and what the suite teaches instead
//!
//! - **The 185× concatenation figure.** Python strings are immutable, so `+=` in a loop can
//!   copy the whole string each time. A Rust `String` is a growable buffer: `push_str`, and
//!   even `s = s + w` (which moves `s` and appends in place), is *amortised O(1)*: the
//!   capacity doubles, so 50,000 appends reallocate about 20 times, not 50,000. What is
//!   left is a constant factor. Kata 6 makes the reallocations visible, removes them, and
//!   proves "exactly one allocation" with a counting global allocator; the bench compares
//!   `+` in a loop, `push_str`, `with_capacity` and `concat`.
//! - **No cProfile in std.** Rust has no interpreter hook that sees every call. Tracing
//!   comes from instrumentation you add (a guard like kata 2's, or the `tracing` crate's
//!   spans); whole-program profiles come from *sampling* profilers outside the program:
//!   `perf` on Linux, Instruments or `sample` on macOS, and `cargo flamegraph`, which wraps
//!   them. They all go through the folded-stack format kata 3 writes.
//! - **No `line_profiler`, but no need to guess either.** `perf annotate` and
//!   `cargo flamegraph` attribute samples to source lines of an optimised build with debug
//!   info; inlining moves code around, so look at the function and its callers together.
//! - **The observer effect is real in Rust too.** A span costs tens of nanoseconds, which
//!   is small next to a Python call but large next to a small Rust function. Kata 5 computes
//!   the overhead robustly from supplied timings; the bench measures a real one.
//! - **Wall vs CPU.** std gives only the wall clock (`Instant`). A thread's CPU clock comes
//!   from the platform (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)` on Linux and macOS through
//!   `libc`), so kata 4 takes both clocks through a trait and the tests simulate waits.
//! - **Decorators become values with `Drop`.** Python wraps a function; Rust puts a guard
//!   in its scope, and the compiler runs the guard's `Drop` on every way out, unwinding
//!   included. A timer that records only on a normal return is the bug kata 2 catches.
//!
//! ## How to work
//!
//! Each module is one kata: read its brief, replace every `todo!()`, and run
//! `cargo kata check <kata>` (or `cargo test -p kata-d15-profiling <kata>::`). The katas do
//! not depend on each other; start with `call_ledger`. Every test injects its clock, so a
//! red test is never flaky: read its message, it says what the idea requires.

#[cfg(any(not(feature = "one-kata"), feature = "call_ledger"))]
pub mod call_ledger;
#[cfg(any(not(feature = "one-kata"), feature = "observer_effect"))]
pub mod observer_effect;
#[cfg(any(not(feature = "one-kata"), feature = "set_lookups"))]
pub mod set_lookups;
#[cfg(any(not(feature = "one-kata"), feature = "span_guard"))]
pub mod span_guard;
#[cfg(any(not(feature = "one-kata"), feature = "stack_sampling"))]
pub mod stack_sampling;
#[cfg(any(not(feature = "one-kata"), feature = "string_building"))]
pub mod string_building;
#[cfg(any(not(feature = "one-kata"), feature = "wall_vs_cpu"))]
pub mod wall_vs_cpu;

#[cfg(test)]
#[path = "../../../tests/d15-profiling/mod.rs"]
mod suite;
