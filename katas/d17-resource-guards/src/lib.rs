//! # Day 17: cleanup that cannot be forgotten
//!
//! (The suite brief is written with the suite: see docs/authoring.md.)

#[cfg(test)]
#[path = "../../../tests/d17-resource-guards/mod.rs"]
mod suite;
