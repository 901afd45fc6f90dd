//! Dodge: the accumulator keeps running sums of x and x² (constant memory, but the variance is their catastrophic difference when values share a large offset).
//! Caught by: a_large_common_offset_keeps_the_variance_exact

/// Count, sum and sum of squares of the values pushed so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningStats {
    count: u64,
    sum: f64,
    squares: f64,
}

impl RunningStats {
    /// An accumulator that has seen no values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one more value into account.
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        self.sum += x;
        self.squares += x * x;
    }

    /// How many values were pushed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The mean of the values pushed, `None` before the first one.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    fn m2(&self) -> f64 {
        self.squares - self.sum * self.sum / self.count as f64
    }

    /// The sample variance (n - 1), `None` before the second value.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1).then(|| self.m2() / (self.count - 1) as f64)
    }

    /// The population variance (n), `None` before the first value.
    pub fn pvariance(&self) -> Option<f64> {
        (self.count > 0).then(|| self.m2() / self.count as f64)
    }

    /// The accumulator of this accumulator's values followed by `other`'s.
    pub fn merge(&self, other: &RunningStats) -> RunningStats {
        RunningStats {
            count: self.count + other.count,
            sum: self.sum + other.sum,
            squares: self.squares + other.squares,
        }
    }
}
