//! # Day 16: iterators and generators, the lazy way
//!
//! Source: "Python Generators & Iterators: Yield, Space Complexity & `__next__` (2026)"
//! by Kaushikcoderpy, series "Logic & Legacy":
//! <https://dev.to/kaushikcoderpy/python-generators-iterators-yield-space-complexity-next-2026-9o0>
//!
//! The article's point: a list holds every item at once, an iterator holds one step of a
//! computation. A stream that produces items on demand can walk a file far bigger than RAM,
//! or a sequence that never ends, in a fixed amount of memory.
//!
//! ## From the article's ideas to the katas
//!
//! | the article (Python) | the kata (Rust) |
//! | --- | --- |
//! | an iterator class with `__iter__` / `__next__` (and a `.reset()`) | [`iterator_struct`]: a `Fibonacci` struct that implements `Iterator`, with `restart` |
//! | a generator function with `yield` | [`generator_shortcut`]: the same stream from `std::iter::successors` |
//! | a generator pipeline over a log (`cat \| grep \| awk`) | [`lazy_pipeline`]: `filter_status` and `extract_ips` take and return iterators |
//! | never `file.read()` a 50 GB file | [`streaming_file`]: count matching lines of a file in constant memory |
//! | iterable vs iterator; a spent generator yields nothing | [`iterable_vs_iterator`]: `&LogBook` walks twice, a spent `Lines` yields nothing |
//! | `yield from` | [`delegation`]: `flat_map` and `chain` over segments in files in folders |
//!
//! ## What does not carry over to Rust, and what the suite teaches instead
//!
//! - **Laziness is the default.** Python's `map` is lazy but a list comprehension is eager;
//!   in Rust every adaptor (`map`, `filter`, `flat_map`, …) is lazy and nothing runs until
//!   a consumer (`for`, `collect`, `sum`, `count`, …) pulls. The eager step is always
//!   visible: it is the `collect`. The tests count the items a source hands out to prove it.
//! - **No `yield` on stable Rust.** A generator's frozen stack frame becomes either a struct
//!   that holds the state (kata 1) or a closure that captures it (`successors`, `from_fn`,
//!   kata 2). The state lives on the stack: the tests show these streams never touch the heap.
//! - **`sys.getsizeof` has no equivalent, and needs none.** The suite measures heap use with a
//!   counting global allocator instead (kata 4 and the "no heap" tests of katas 1 and 2).
//! - **Exhaustion is a contract, not a rule.** A spent Python iterator raises `StopIteration`
//!   forever. A Rust iterator may, in principle, return `Some` again after `None`; those
//!   that promise not to implement `FusedIterator`, and `.fuse()` adds the promise to any
//!   iterator. The katas' iterators are fused and the tests check it.
//! - **`for` moves.** `for x in vec` consumes the vector (`into_iter`); `for x in &vec`
//!   borrows it (`iter`). Python has only the second. Kata 5 implements both.
//! - **Overflow is an error, not a bigger integer.** Python's ints grow; a `u64` Fibonacci
//!   stream must stop before `u64::MAX` is exceeded (`checked_add`) instead of panicking
//!   (debug) or wrapping (release).
//! - **`yield from` recursion needs a box.** A function returning `impl Iterator` cannot
//!   call itself inside its own iterator type (the type would be infinite): recursive
//!   delegation returns `Box<dyn Iterator>` (kata 6).
//!
//! ## How to work
//!
//! Each module is one kata: read its brief, replace every `todo!()`, and run
//! `cargo kata check <kata>` (or `cargo test -p kata-d16-iterators <kata>::`). A stub that
//! returns `impl Iterator` ends in `as std::iter::Empty<…>`: a bare `todo!()` has no type
//! the compiler could pick for the hidden iterator. Replace the whole line.

#[cfg(any(not(feature = "one-kata"), feature = "delegation"))]
pub mod delegation;
#[cfg(any(not(feature = "one-kata"), feature = "generator_shortcut"))]
pub mod generator_shortcut;
#[cfg(any(not(feature = "one-kata"), feature = "iterable_vs_iterator"))]
pub mod iterable_vs_iterator;
#[cfg(any(not(feature = "one-kata"), feature = "iterator_struct"))]
pub mod iterator_struct;
#[cfg(any(not(feature = "one-kata"), feature = "lazy_pipeline"))]
pub mod lazy_pipeline;
#[cfg(any(not(feature = "one-kata"), feature = "streaming_file"))]
pub mod streaming_file;

#[cfg(test)]
#[path = "../../../tests/d16-iterators/mod.rs"]
mod suite;
