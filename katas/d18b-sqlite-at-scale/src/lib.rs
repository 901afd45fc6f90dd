//! # Day 18, part 2: SQLite at scale
//!
//! (The suite brief is written with the suite: see docs/authoring.md.)

#[cfg(test)]
#[path = "../../../tests/d18b-sqlite-at-scale/mod.rs"]
mod suite;
