//! # Day 20: recursion and the stack it costs
//!
//! (The suite brief is written with the suite: see docs/authoring.md.)

#[cfg(test)]
#[path = "../../../tests/d20-recursion/mod.rs"]
mod suite;
