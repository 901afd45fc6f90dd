//! # Day 19, part 2: statistics that don't lie, complex numbers, predictable and secure randomness
//!
//! Source: "Advanced Python Statistics & Security: Mean, Median, and Entropy Secrets (2026)"
//! by Kaushikcoderpy, series "Logic & Legacy" (day 19, part 2):
//! <https://dev.to/kaushikcoderpy/advanced-python-statistics-security-mean-median-and-entropy-secrets-2026-37lj>
//!
//! The article's point: summary numbers can mislead (one outlier drags the mean, a centre
//! without a spread hides the risk), some questions only have answers in the complex plane,
//! and randomness comes in two kinds: a seeded generator that is reproducible and therefore
//! predictable, and the operating system's, which is the only one fit for secrets.
//!
//! ## From the article's ideas to the katas
//!
//! | the article (Python) | the kata (Rust) |
//! | --- | --- |
//! | `statistics.mean` / `median` / `mode`; the outlier skews the mean, not the median | [`central_tendency`]: `mean`, `median`, `median_low`, `median_high`, `mode`, `multimode` |
//! | `variance` / `stdev` (n - 1) vs `pvariance` / `pstdev` (n) | [`spread`]: the four, computed stably |
//! | (not in the article) the same statistics over a stream, in constant memory | [`running_stats`]: Welford's `RunningStats` and its `merge` |
//! | `math.sqrt(-1)` fails, `cmath.sqrt(-1)` is `1j`, `cmath.polar(3+4j)` | [`complex_plane`]: `real_sqrt`, `complex_sqrt`, `polar`, `from_polar` with `num_complex::Complex64` |
//! | the Mersenne Twister and `random.seed(42)` | [`mersenne_twister`]: `Mt19937`, bit for bit Python's generator |
//! | "an observer who sees enough outputs predicts every future one" | [`predict`]: `untemper` and a clone from 624 outputs |
//! | `secrets.token_hex` / `token_urlsafe` from the OS | [`secrets`]: tokens from `getrandom`, behind a trait a test can replace |
//! | `random.seed(42)` for a reproducible dice roll | [`dice`]: fair dice from `ChaCha8Rng`, a snapshot of the rolls and a chi-square test |
//!
//! ## What does not carry over to Rust, and what the suite teaches instead
//!
//! - **No exact fractions.** Python's `statistics` computes with exact rationals, so its
//!   variance is exact whatever the data. `f64` arithmetic is not: the shortcut
//!   "mean of squares minus square of mean" loses every digit on data like `1e9 + 4, …`
//!   (a test shows it). Kata 2 computes in two passes, kata 3 with Welford's update, and
//!   the tests compare with Python's values within stated tolerances.
//! - **The article's variance is wrong.** It prints 4,920,405,000,000 and 2,218,198.59 for
//!   the salary data; CPython 3.11 prints `4910417500000` and `2215946.1861696914`. The
//!   tests pin Python's values (each pinned value names the Python expression behind it).
//! - **No exceptions.** Empty data, too few points and negative square roots are typed
//!   errors (`StatsError`, `SpreadError`, `DomainError`); a statistic that does not exist
//!   yet is `None`.
//! - **`f64::sqrt(-1.0)` does not fail.** Python's `math.sqrt(-1)` raises; Rust's returns NaN
//!   silently, which then spreads through every later computation. Kata 4 turns it into an
//!   error on purpose, and a test shows the NaN.
//! - **`f64` is not `Ord`.** Sorting for the median needs `f64::total_cmp`.
//! - **No global generator.** Python's `random` is a hidden module-level object; in Rust a
//!   generator is a value you create, seed and pass (`&mut impl RngCore`), which is what makes
//!   injecting a scripted one in tests easy.
//! - **The standard library has no random numbers.** `rand_core` gives the traits,
//!   `rand_chacha` a documented seeded algorithm, `getrandom` the OS generator.
//! - **Mode on ties.** The issue described Python's `mode` as "the first value to reach the
//!   highest count"; Python actually returns the tied value that *appears* first
//!   (`statistics.mode([1, 2, 2, 1]) == 1`). The suite follows Python.
//! - **What a test cannot prove.** No black-box test can tell a well-seeded userspace
//!   generator from the kernel's; kata 7's tests catch fixed seeds, clock seeds and shared
//!   seeds (across threads and processes) and leave the rest to code review.
//!
//! ## How to work
//!
//! Each module is one kata: read its brief, replace every `todo!()`, and run
//! `cargo kata check <kata>` (or `cargo test -p kata-d19b-statistics-entropy <kata>::`).
//! Kata 6 (`predict`) builds on kata 5 (`mersenne_twister`): do them in that order. The
//! others stand alone.

#[cfg(any(not(feature = "one-kata"), feature = "central_tendency"))]
pub mod central_tendency;
#[cfg(any(not(feature = "one-kata"), feature = "complex_plane"))]
pub mod complex_plane;
#[cfg(any(not(feature = "one-kata"), feature = "dice"))]
pub mod dice;
#[cfg(any(not(feature = "one-kata"), feature = "mersenne_twister"))]
pub mod mersenne_twister;
#[cfg(any(not(feature = "one-kata"), feature = "predict"))]
pub mod predict;
#[cfg(any(not(feature = "one-kata"), feature = "running_stats"))]
pub mod running_stats;
#[cfg(any(not(feature = "one-kata"), feature = "secrets"))]
pub mod secrets;
#[cfg(any(not(feature = "one-kata"), feature = "spread"))]
pub mod spread;

#[cfg(test)]
#[path = "../../../tests/d19b-statistics-entropy/mod.rs"]
mod suite;
