//! # d18a-sqlite — a real embedded database
//!
//! Reference solutions for the d18a-sqlite katas. The suite brief lives in the kata
//! crate (`katas/d18a-sqlite/src/lib.rs`); these modules implement the same public API.
//!
//! Article: "Python SQLite Mastery: B-Trees, Transactions, and Async Database Logic"
//! (Logic & Legacy, day 18),
//! <https://dev.to/kaushikcoderpy/python-sqlite-mastery-b-trees-transactions-and-async-database-logic-2026-llo>.

pub mod async_store;
pub mod bank;
pub mod commit;
pub mod crud;
pub mod dates;
pub mod injection;
pub mod joins;
pub mod locking;

#[cfg(test)]
#[path = "../../../tests/d18a-sqlite/mod.rs"]
mod suite;
