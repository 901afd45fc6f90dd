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
//! **The tests check.**
//! - `mean()` is `None` for no values; `pvariance()` is `None` for no values; `variance()`
//!   (sample, n - 1) is `None` for fewer than 2 values. Checked by
//!   `nothing_pushed_means_no_statistics`, `one_value_has_a_mean_and_a_population_variance_only`.
//! - After any sequence of `push`es, each statistic agrees with the batch formulas within a
//!   relative tolerance of 1e-9, the salary data included. Checked by
//!   `the_salaries_streamed_give_pythons_figures`, `streaming_agrees_with_the_batch_formulas`.
//! - Values with a large common offset (1e7 to 1e12 plus small numbers) keep the variance of
//!   the small numbers (within 1e-4 of it, 1e-3 in the random cases): running sums of x and x²
//!   do not. Checked by `a_large_common_offset_keeps_the_variance_exact`,
//!   `every_large_offset_keeps_the_streamed_variance`,
//!   `a_large_offset_never_changes_the_streamed_variance`.
//! - Streams whose running sums would round keep their variance, streamed and merged (within
//!   1e-4 of it, relatively, with no absolute floor): a thousand values near 1e12 with spreads
//!   that are not multiples of its ulp (their sum, ~1e15, rounds at almost every push, so a
//!   plain f64 sum of `x` loses the spread however exactly `x²` is summed), and tiny values
//!   (`1e-7` to `8e-7`, which a fixed-point copy on a fixed step erases). Checked by
//!   `streams_whose_sums_round_keep_their_variance_streamed_and_merged`.
//! - The accumulator keeps the running mean, never a running sum of `x` divided by the count:
//!   values whose sum overflows `f64` (`1.5e308` to `1.7e308`, four times `f64::MAX` or
//!   `f64::MIN`) keep their mean (within the tolerance), streamed and merged, and so does the
//!   value three times the smallest subnormal, pushed four times (a running sum pre-scaled by
//!   any power of two below 1, to stay finite, rounds it away); identical values among them
//!   keep a population variance of 0. And n copies of one value (0.1 three or ten times, -0.1
//!   seven times, 0.7 a thousand times, 1e12 + 0.1 a hundred thousand times) have exactly that
//!   value as their mean and a variance of exactly 0, streamed and merged: a running sum of
//!   `x` rounds as it grows (0.1 + 0.1 + 0.1 is 0.30000000000000004), rescaled or not, so
//!   sum / count is not the value. Checked by
//!   `values_whose_sum_overflows_keep_their_mean_streamed_and_merged`,
//!   `identical_values_keep_exactly_their_value_as_the_mean_streamed_and_merged`.
//! - The accumulator keeps a few numbers, never the values: `push` never allocates, and the
//!   struct is at most 32 bytes (four 8-byte numbers: Welford's update needs three), after
//!   10,000 or 100,000 values. Running sums of `x` and `x²` made exact in wider numbers
//!   (`i128`, double-double) do not fit. Checked by
//!   `pushing_ten_thousand_values_does_not_grow_the_heap`,
//!   `the_accumulator_is_a_few_numbers_whatever_it_has_seen`.
//! - `a.merge(&b)` equals (within the tolerance) an accumulator fed `a`'s values then `b`'s, for
//!   any split; merging with an empty accumulator changes nothing. Checked by
//!   `merging_two_halves_equals_streaming_the_whole`,
//!   `merging_with_an_empty_accumulator_changes_nothing`.
//! - `merge` adds the two sums of squared deviations and the between-halves term (Chan et
//!   al.), never sums of `x` and `x²`: halves of data lifted by a large offset (1e7 to 1e12)
//!   merge into the small numbers' variance (within 1e-4 of it), at every cut; and halves of
//!   ordinary readings whose mean is 3.5 to 9 times their spread merge within 1e-15 of the exact
//!   variance (as Python's fractions compute it), where sums of `x` and `x²` lose 40 to 300 ulps,
//!   so a merge that takes them whenever a guard sees few digits lost fails too. Checked by
//!   `every_large_offset_keeps_the_merged_variance`,
//!   `merging_halves_of_ordinary_data_keeps_every_digit`.
//! - `merge` costs a few operations whatever the counts, never a step per value merged (not
//!   even for small accumulators only): 48 merges of an accumulator with itself (7 · 2^48
//!   values), then accumulators of 7 · 2^12, 7 · 2^14, ..., 7 · 2^20 values each merged into a
//!   total of 7 · 2^31 values (about 700,000 merges, from either side in turn) finish within 5
//!   seconds and keep the count, mean and population variance. Checked by
//!   `merging_takes_the_same_few_steps_whatever_the_counts`.
//!
//! **Not checked.** Running sums of `x - x₀` and `(x - x₀)²` about the first value pushed
//! (re-centred when merging) instead of Welford's update: that is the "shifted data"
//! algorithm, sound for the same reason Welford's is (the sums stay near the spread, not the
//! offset); the tests accept it. Running sums of `x` and `x²` in wider arithmetic
//! (double-double, or exact `i128` sums over a fixed-point copy of the values), merged by
//! adding the sums, are as accurate as Welford's update wherever it is accurate, so no result
//! the tests ask for tells them apart: they are rejected only by their size (five or more
//! 8-byte numbers), not by their results. The versions that fit in four numbers keep one sum
//! in plain f64 or on a fixed step, and are rejected by their results (the bullet above).
//! A running sum of `x` kept exactly in two f64s and rescaled by a power of two only when it
//! would overflow: sum / count is then the correctly rounded mean, which no result of
//! Welford's update beats; it is rejected only by its size (the scale is a fifth number).
//! A merge through plain f64 sums of `x` and `x²` behind a guard that keeps it only while the
//! merged mean is within about 3 standard deviations: there it loses no more than Welford's
//! update itself (a few to `n·κ` ulps), so no tolerance the accepted methods meet rejects it;
//! the 1e-15 cases reject a guard at 13 (3.6 standard deviations) or looser. A merge that
//! costs a step per value only for accumulators of fewer than about 28,000 values (7 · 2^12):
//! the `merge` API has no seam to count its steps, and below that size a replay costs well
//! under a millisecond, too little for a time limit to observe.

/// Count, mean and spread of the values pushed so far, in constant memory.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningStats {
    /// How many values were pushed.
    count: u64,
    /// The mean of the values pushed.
    mean: f64,
    /// The sum of squared deviations from the mean (Welford's `M2`).
    m2: f64,
}

impl RunningStats {
    /// An accumulator that has seen no values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one more value into account (Welford's update).
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// How many values were pushed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The mean of the values pushed, `None` before the first one.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then_some(self.mean)
    }

    /// The sample variance (n - 1), `None` before the second value.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1).then(|| self.m2 / (self.count - 1) as f64)
    }

    /// The population variance (n), `None` before the first value.
    pub fn pvariance(&self) -> Option<f64> {
        (self.count > 0).then(|| self.m2 / self.count as f64)
    }

    /// The accumulator of this accumulator's values followed by `other`'s.
    pub fn merge(&self, other: &RunningStats) -> RunningStats {
        if other.count == 0 {
            return *self;
        }
        if self.count == 0 {
            return *other;
        }
        let count = self.count + other.count;
        let (n_a, n_b, n) = (self.count as f64, other.count as f64, count as f64);
        let delta = other.mean - self.mean;
        RunningStats {
            count,
            mean: self.mean + delta * n_b / n,
            m2: self.m2 + other.m2 + delta * delta * n_a * n_b / n,
        }
    }
}
