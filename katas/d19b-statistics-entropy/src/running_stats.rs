//! # Kata 3: streaming statistics in constant memory
//!
//! **Build** `RunningStats`, an accumulator fed one value at a time that can report the
//! count, mean, sample variance and population variance at any moment, without keeping the
//! values; and `merge`, which combines two accumulators into the accumulator of both data
//! sets.
//!
//! **Why.** A service that reports the mean and spread of its latencies sees millions of
//! values a minute: storing them all to call a batch function costs memory that grows with
//! traffic. Welford's update keeps three numbers (count, mean, sum of squared deviations)
//! and stays accurate where "sum of squares minus square of sum" falls apart. `merge` lets
//! every thread or shard keep its own accumulator and combine them at the end (Chan et
//! al.'s parallel formula).
//!
//! **Python → Rust.** Python's `statistics` works on whole lists only; this is the streaming
//! counterpart. A statistic that does not exist yet is `None` rather than an exception.
//!
//! The rules the tests check:
//! - `mean()` is `None` for no values; `pvariance()` is `None` for no values;
//!   `variance()` (sample, n - 1) is `None` for fewer than 2 values.
//! - After any sequence of `push`es, each statistic agrees with the batch formulas within
//!   a relative tolerance of 1e-9 (the tests state each tolerance).
//! - `push` never allocates: memory does not grow with the number of values.
//! - `a.merge(&b)` equals (within the tolerance) an accumulator fed `a`'s values then `b`'s;
//!   merging with an empty accumulator changes nothing.
//!
//! **The tests check** the salary data, values with a large common offset (1e9 + small
//! numbers), the empty and one-value cases, zero heap growth over 10,000 pushes, and the
//! merge law for any split of any data.

/// Count, mean and spread of the values pushed so far, in constant memory.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningStats {
    // Your state here: which few numbers summarise everything pushed so far?
}

impl RunningStats {
    /// An accumulator that has seen no values.
    pub fn new() -> Self {
        todo!("start an empty accumulator")
    }

    /// Takes one more value into account (Welford's update).
    pub fn push(&mut self, x: f64) {
        todo!("push {x} into {self:?}")
    }

    /// How many values were pushed.
    pub fn count(&self) -> u64 {
        todo!("the count of {self:?}")
    }

    /// The mean of the values pushed, `None` before the first one.
    pub fn mean(&self) -> Option<f64> {
        todo!("the mean of {self:?}")
    }

    /// The sample variance (n - 1), `None` before the second value.
    pub fn variance(&self) -> Option<f64> {
        todo!("the sample variance of {self:?}")
    }

    /// The population variance (n), `None` before the first value.
    pub fn pvariance(&self) -> Option<f64> {
        todo!("the population variance of {self:?}")
    }

    /// The accumulator of this accumulator's values followed by `other`'s.
    pub fn merge(&self, other: &RunningStats) -> RunningStats {
        todo!("merge {self:?} with {other:?}")
    }
}
