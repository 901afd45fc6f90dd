//! Dodge: compute every number into a `Vec` in `new` and hand them out from it: the right
//! numbers, but the state is the whole stream, not the next step (a list, not an iterator).
//! Caught by: runs_without_touching_the_heap

use std::iter::FusedIterator;

/// The Fibonacci numbers `0, 1, 1, 2, 3, 5, …` up to and including a limit.
#[derive(Debug, Clone)]
pub struct Fibonacci {
    /// Every number of the stream, computed up front.
    numbers: std::vec::IntoIter<u64>,
    /// The limit, for `restart`.
    limit: u64,
}

impl Fibonacci {
    /// A stream of the Fibonacci numbers that are `<= limit`, starting at 0.
    pub fn new(limit: u64) -> Self {
        let mut numbers = vec![0_u64];
        let (mut a, mut b) = (0_u64, 1_u64);
        while b <= limit {
            numbers.push(b);
            let Some(next) = a.checked_add(b) else { break };
            (a, b) = (b, next);
        }
        Self {
            numbers: numbers.into_iter(),
            limit,
        }
    }

    /// Rewinds the stream to 0, keeping its limit (also after it has returned `None`).
    pub fn restart(&mut self) {
        *self = Self::new(self.limit);
    }
}

impl Iterator for Fibonacci {
    type Item = u64;

    /// The next Fibonacci number, or `None` past the limit or past `u64::MAX`.
    fn next(&mut self) -> Option<u64> {
        self.numbers.next()
    }
}

impl FusedIterator for Fibonacci {}
