//! Dodge: report the mean as p50: the same number for evenly spread samples, and a
//! misleading one as soon as a few slow requests skew the average.
//! Caught by: reports_the_tail_of_a_hundred_requests, renders_the_report

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

/// The average of the samples.
fn mean(sorted: &[Duration]) -> Result<Duration, ReportError> {
    let count = u32::try_from(sorted.len()).map_err(|_| ReportError::Empty)?;
    if count == 0 {
        return Err(ReportError::Empty);
    }
    Ok(sorted.iter().sum::<Duration>() / count)
}

/// p50, p95, p99 and max of `samples` (in any order).
pub fn latency_report(samples: &[Duration]) -> Result<LatencyReport, ReportError> {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    Ok(LatencyReport {
        count: sorted.len(),
        p50: mean(&sorted)?,
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
