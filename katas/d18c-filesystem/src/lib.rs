//! # Day 18, part 3: the file system
//!
//! (The suite brief is written with the suite: see docs/authoring.md.)

#[cfg(test)]
#[path = "../../../tests/d18c-filesystem/mod.rs"]
mod suite;
