//! # Day 15: measure before you optimise
//!
//! (The suite brief is written with the suite: see docs/authoring.md.)

#[cfg(test)]
#[path = "../../../tests/d15-profiling/mod.rs"]
mod suite;
