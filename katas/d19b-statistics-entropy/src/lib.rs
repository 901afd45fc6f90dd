//! # Day 19, part 2: statistics and entropy
//!
//! (The suite brief is written with the suite: see docs/authoring.md.)

#[cfg(test)]
#[path = "../../../tests/d19b-statistics-entropy/mod.rs"]
mod suite;
