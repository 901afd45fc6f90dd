//! # Kata 7: percentiles for a load test
//!
//! **Build** `percentile` and `latency_report`, the number-crunching end of a load test:
//! given the durations a swarm of simulated users recorded, report p50, p95, p99 and max.
//!
//! **Why it matters.** An average hides the users who waited ten seconds; load tests are
//! judged on tail percentiles. And percentile code is easy to get subtly wrong (off-by-one
//! ranks, interpolating between samples, forgetting to sort), so the report a team trusts
//! for a capacity decision can be quietly wrong.
//!
//! **Python → Rust.** The article sketches a Locust script with 100 concurrent users.
//! Driving the users is Locust's job (in Rust: threads or tokio tasks sending requests);
//! the part worth unit-testing is the humble, pure function that turns samples into a
//! report. Its output is checked as a snapshot (insta, pytest's snapshot plugins), and its
//! laws with proptest.
//!
//! **Rules (nearest-rank method).** For `n` samples sorted ascending and a percentile `p`
//! in `1..=100`, the answer is the sample at 1-based rank `⌈p × n / 100⌉`. So the answer is
//! always one of the samples, never an interpolation, and p100 is the maximum.
//! - No samples: [`ReportError::Empty`]. `p` of 0 or above 100:
//!   [`ReportError::InvalidPercentile`].
//! - The report renders as below: a title line, then per row two spaces, the label, a
//!   space, the duration in milliseconds with three decimals (whole microseconds,
//!   truncated) right-aligned in 10 columns, and ` ms`:
//!
//! ```text
//! latency over 4 samples (nearest rank)
//!   p50      2.000 ms
//!   p95      4.000 ms
//!   p99      4.000 ms
//!   max      4.000 ms
//! ```
//!
//! **The tests check.**
//! - ranks on small tables, including percentiles where `p / 100.0 × n` in `f64` is off by
//!   one (p7 of 100, p14 of 50), each table in milliseconds and again in nanoseconds (all
//!   below a microsecond, and again 200 days in, where `f64` seconds step by about 4 ns:
//!   sorted by the whole duration, never by whole microseconds or `as_secs_f64`), and the
//!   nearest-rank law on samples full of ties; and every figure of a report over 169,499
//!   samples, where `p × n` is past 2^24 (a rank in `f32` is one off at p99). Checked by
//!   `picks_the_nearest_rank_sample`, `the_percentile_is_the_sample_at_the_nearest_rank`,
//!   `picks_the_exact_rank_in_a_load_test_of_169_499_samples`.
//! - `p` outside `1..=100` and an empty run are typed errors. Checked by
//!   `refuses_a_percentile_outside_1_to_100`, `an_empty_run_has_no_report`.
//! - the report's figures and its rendering (a snapshot), durations truncated to whole
//!   microseconds (every whole microsecond up to 20 ms, and each one a nanosecond short of
//!   the next, renders exactly). Checked by `reports_the_tail_of_a_hundred_requests`,
//!   `renders_the_report`, `renders_durations_truncated_to_whole_microseconds`,
//!   `renders_every_whole_microsecond_exactly`.
//! - the laws, on samples with parts below a microsecond: p50 ≤ p95 ≤ p99 ≤ max, max is the
//!   largest sample, each percentile is a sample to the nanosecond (never a truncated copy),
//!   the order of the samples does not matter. Checked by
//!   `percentiles_never_decrease`, `max_is_the_largest_sample_and_bounds_every_percentile`,
//!   `every_percentile_is_one_of_the_samples`, `the_sample_order_does_not_matter`.
//!
//! **Not checked.** A rank computed in `f64` with a small epsilon (`ceil(p / 100 × n − ε)`)
//! instead of the exact integer `⌈p × n / 100⌉`: it is right until `n` reaches millions of
//! samples, more than a test can hold. A rank computed in `u32` (`p × n` overflows past about
//! 43 million samples): only that size shows it, and the largest run the tests check is
//! 169,499 samples. And how often the samples are sorted: a report that
//! copies and sorts once per figure wastes work but gives the same figures, and speed is
//! not what this kata teaches. Rendering through `f64` milliseconds (`as_micros() as f64 /
//! 1000.0` with `{:.3}`): it prints the same digits for every duration below 2^53
//! microseconds (285 years), so no realistic sample tells it from integer digits.
//!
//! **Not a dodge.** The rank in `f64` with the product first, `ceil((p × n) as f64 / 100.0)`:
//! `p × n` is exact in `f64`, and one correctly rounded division by 100 cannot land on an
//! integer it is at least 1/100 away from until `n` nears 10^13, so it is `⌈p × n / 100⌉` for
//! every `n` a process can hold. Only dividing first (`p / 100.0 × n`) is off by one.

use std::fmt;
use std::time::Duration;

use thiserror::Error;

/// Why no percentile can be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ReportError {
    /// There are no samples.
    #[error("no samples: a latency report needs at least one duration")]
    Empty,
    /// The percentile is outside 1..=100.
    #[error("percentile {0} is out of range: nearest rank needs 1..=100")]
    InvalidPercentile(u32),
}

/// The summary of a load test's latencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencyReport {
    /// How many samples were summarised.
    pub count: usize,
    /// The median.
    pub p50: Duration,
    /// The 95th percentile.
    pub p95: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// The slowest sample.
    pub max: Duration,
}

/// The nearest-rank `p`th percentile of `samples` (in any order).
pub fn percentile(samples: &[Duration], p: u32) -> Result<Duration, ReportError> {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    nearest_rank(&sorted, p)
}

/// The nearest-rank percentile of samples already sorted ascending.
fn nearest_rank(sorted: &[Duration], p: u32) -> Result<Duration, ReportError> {
    if !(1..=100).contains(&p) {
        return Err(ReportError::InvalidPercentile(p));
    }
    // With p in 1..=100 the rank falls in 1..=n; it is 0 only when there are no samples.
    let rank = (p as usize * sorted.len()).div_ceil(100);
    rank.checked_sub(1)
        .and_then(|index| sorted.get(index))
        .copied()
        .ok_or(ReportError::Empty)
}

/// p50, p95, p99 and max of `samples` (in any order).
pub fn latency_report(samples: &[Duration]) -> Result<LatencyReport, ReportError> {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    Ok(LatencyReport {
        count: sorted.len(),
        p50: nearest_rank(&sorted, 50)?,
        p95: nearest_rank(&sorted, 95)?,
        p99: nearest_rank(&sorted, 99)?,
        max: nearest_rank(&sorted, 100)?,
    })
}

/// A duration as milliseconds with three decimals.
struct Millis(Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0.as_micros();
        let text = format!("{}.{:03}", micros / 1000, micros % 1000);
        write!(f, "{text:>10} ms")
    }
}

impl fmt::Display for LatencyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "latency over {} samples (nearest rank)", self.count)?;
        for (label, value) in [
            ("p50", self.p50),
            ("p95", self.p95),
            ("p99", self.p99),
            ("max", self.max),
        ] {
            writeln!(f, "  {label} {}", Millis(value))?;
        }
        Ok(())
    }
}
