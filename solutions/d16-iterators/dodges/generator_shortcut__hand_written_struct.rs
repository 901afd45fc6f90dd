//! Dodge: the stream of kata 1 written again as a struct with `impl Iterator`, so the
//! outputs are right but no closure holds the state.
//! Caught by: is_built_from_std_adaptors_and_closures_not_a_named_struct

/// The state a generator's frame would hold, as a named type.
pub struct Fib {
    current: Option<u64>,
    following: Option<u64>,
    limit: u64,
}

impl Iterator for Fib {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let current = self.current.filter(|&n| n <= self.limit)?;
        self.current = self.following;
        self.following = self.following.and_then(|f| f.checked_add(current));
        Some(current)
    }
}

/// The Fibonacci numbers `<= limit`.
pub fn fibonacci(limit: u64) -> impl Iterator<Item = u64> {
    Fib {
        current: Some(0),
        following: Some(1),
        limit,
    }
}
