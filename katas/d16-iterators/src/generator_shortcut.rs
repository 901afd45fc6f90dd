//! # Kata 2: the generator shortcut
//!
//! **Build** `fibonacci(limit)`: the stream of kata 1, without writing a struct.
//!
//! **Why.** Most streams are not worth a named type. A closure that captures the state is
//! shorter to write, and it is just as cheap: the compiler turns it into a struct much
//! like the one you wrote by hand, kept on the stack.
//!
//! **Python → Rust.** In Python, a function containing `yield` becomes a generator: its
//! local variables are frozen between calls. Stable Rust has no `yield`. Its shortcuts are
//! [`std::iter::successors`] (each item computed from the previous one) and
//! [`std::iter::from_fn`] (a closure called for each item); the captured variables play
//! the part of the frozen stack frame. Adaptors such as `take_while` then end the stream.
//! The function returns `impl Iterator<Item = u64>`: the caller knows what it can do with
//! the value, not its (unnameable) type.
//!
//! **The tests check** the numbers for small limits, that the stream stops before `u64`
//! overflows, that two calls give two independent streams, that no heap is used, and, as
//! a property over any limit, that it agrees with kata 1's `Fibonacci` struct.

/// The Fibonacci numbers `<= limit`, built from `successors` or `from_fn`: no new type.
pub fn fibonacci(limit: u64) -> impl Iterator<Item = u64> {
    todo!("stream the Fibonacci numbers up to {limit} without a struct") as std::iter::Empty<u64>
}
