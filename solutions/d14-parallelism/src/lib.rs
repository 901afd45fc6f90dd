//! # Day 14: threads, processes and the cost of parallelism (solutions)
//!
//! Reference solutions for the katas of `kata-d14-parallelism`; the brief, the map from
//! the article's ideas to the katas and what does not carry over to Rust are in that
//! crate's `lib.rs` and in `katas/d14-parallelism/README.md`.
//!
//! Source: "Python True Parallelism: Multiprocessing, Threading, and Shattering the GIL
//! (2026)" by Kaushikcoderpy, series "Logic & Legacy":
//! <https://dev.to/kaushikcoderpy/python-true-parallelism-multiprocessing-threading-and-shattering-the-gil-2026-445h>

#[cfg(any(not(feature = "one-kata"), feature = "amdahl"))]
pub mod amdahl;
#[cfg(any(not(feature = "one-kata"), feature = "headroom"))]
pub mod headroom;
#[cfg(any(not(feature = "one-kata"), feature = "isolated_workers"))]
pub mod isolated_workers;
#[cfg(any(not(feature = "one-kata"), feature = "lock_order"))]
pub mod lock_order;
#[cfg(any(not(feature = "one-kata"), feature = "parallel_sum"))]
pub mod parallel_sum;
#[cfg(any(not(feature = "one-kata"), feature = "scout_pool"))]
pub mod scout_pool;
#[cfg(any(not(feature = "one-kata"), feature = "shared_counters"))]
pub mod shared_counters;
#[cfg(any(not(feature = "one-kata"), feature = "stream_results"))]
pub mod stream_results;

#[cfg(test)]
#[path = "../../../tests/d14-parallelism/mod.rs"]
mod suite;
