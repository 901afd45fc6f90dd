//! Dodge: merge averages the two means and adds the two sums of squared deviations, ignoring the counts and the distance between the means.
//! Caught by: merging_two_halves_equals_streaming_the_whole

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
        RunningStats {
            count: self.count + other.count,
            mean: (self.mean + other.mean) / 2.0,
            m2: self.m2 + other.m2,
        }
    }
}
