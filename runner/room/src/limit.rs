//! Rate limits: a token bucket per learner (and one for all joins), so one learner's runaway
//! loop cannot crowd out the room.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// A bucket's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests per second, refilled continuously.
    pub per_sec: f64,
    /// The most requests in a burst.
    pub burst: f64,
}

impl Rate {
    /// 10 requests a second, bursts of 20: far above a learner's runner, which posts on a
    /// save or a timer.
    pub const LEARNER: Rate = Rate {
        per_sec: 10.0,
        burst: 20.0,
    };

    /// Joins, all learners together.
    pub const JOINS: Rate = Rate {
        per_sec: 50.0,
        burst: 200.0,
    };
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self, rate: Rate, now: Instant) -> Result<(), f64> {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate.per_sec).min(rate.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - self.tokens) / rate.per_sec)
        }
    }
}

/// Buckets by key.
#[derive(Debug)]
pub struct Limiter<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: std::hash::Hash + Eq> Limiter<K> {
    /// Buckets that start full.
    pub fn new(rate: Rate) -> Self {
        Self {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket; `Err(seconds)`: over the limit, try again after
    /// that long.
    pub fn take(&self, key: K) -> Result<(), f64> {
        self.take_at(key, Instant::now())
    }

    fn take_at(&self, key: K, now: Instant) -> Result<(), f64> {
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        buckets
            .entry(key)
            .or_insert(Bucket {
                tokens: self.rate.burst,
                at: now,
            })
            .take(self.rate, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_passes_then_the_rate_refills() {
        let limiter = Limiter::new(Rate {
            per_sec: 10.0,
            burst: 3.0,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take_at(1, t0).is_ok());
        }
        let wait = limiter.take_at(1, t0).unwrap_err();
        assert!((wait - 0.1).abs() < 1e-9, "{wait}");
        assert!(
            limiter.take_at(2, t0).is_ok(),
            "another key has its own bucket"
        );
        assert!(limiter.take_at(1, t0 + Duration::from_millis(100)).is_ok());
        assert!(limiter.take_at(1, t0 + Duration::from_millis(100)).is_err());
    }
}
