//! Dodge: the accumulator keeps every pushed value in a `Vec` and runs the batch formulas on demand, so its memory grows with the stream.
//! Caught by: pushing_ten_thousand_values_does_not_grow_the_heap

/// Count, mean and spread of the values pushed so far (in memory that grows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunningStats {
    /// Every value pushed.
    values: Vec<f64>,
}

impl RunningStats {
    /// An accumulator that has seen no values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one more value into account.
    pub fn push(&mut self, x: f64) {
        self.values.push(x);
    }

    /// How many values were pushed.
    pub fn count(&self) -> u64 {
        self.values.len() as u64
    }

    /// The mean of the values pushed, `None` before the first one.
    pub fn mean(&self) -> Option<f64> {
        (!self.values.is_empty())
            .then(|| self.values.iter().sum::<f64>() / self.values.len() as f64)
    }

    fn squares(&self) -> f64 {
        let mean = self.mean().unwrap_or(0.0);
        self.values.iter().map(|x| (x - mean).powi(2)).sum()
    }

    /// The sample variance (n - 1), `None` before the second value.
    pub fn variance(&self) -> Option<f64> {
        (self.values.len() > 1).then(|| self.squares() / (self.values.len() - 1) as f64)
    }

    /// The population variance (n), `None` before the first value.
    pub fn pvariance(&self) -> Option<f64> {
        (!self.values.is_empty()).then(|| self.squares() / self.values.len() as f64)
    }

    /// The accumulator of this accumulator's values followed by `other`'s.
    pub fn merge(&self, other: &RunningStats) -> RunningStats {
        let mut values = self.values.clone();
        values.extend_from_slice(&other.values);
        RunningStats { values }
    }
}
