//! Dodge: hand back kata 1's `Fibonacci` struct instead of writing the stream from a closure.
//! Caught by: is_built_from_std_adaptors_and_closures_not_a_named_struct

/// The Fibonacci numbers `<= limit`.
pub fn fibonacci(limit: u64) -> impl Iterator<Item = u64> {
    crate::iterator_struct::Fibonacci::new(limit)
}
