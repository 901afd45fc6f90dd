//! # Day 14: threads, processes and the cost of parallelism
//!
//! (The suite brief is written with the suite: see docs/authoring.md.)

#[cfg(test)]
#[path = "../../../tests/d14-parallelism/mod.rs"]
mod suite;
