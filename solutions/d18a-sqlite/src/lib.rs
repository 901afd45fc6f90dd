//! # d18a-sqlite — a real embedded database
//!
//! Reference solutions for the d18a-sqlite katas. The suite brief lives in the kata
//! crate (`katas/d18a-sqlite/src/lib.rs`); these modules implement the same public API.
//!
//! Article: "Python SQLite Mastery: B-Trees, Transactions, and Async Database Logic"
//! (Logic & Legacy, day 18),
//! <https://dev.to/kaushikcoderpy/python-sqlite-mastery-b-trees-transactions-and-async-database-logic-2026-llo>.

#[cfg(any(not(feature = "one-kata"), feature = "async_store"))]
pub mod async_store;
#[cfg(any(not(feature = "one-kata"), feature = "bank"))]
pub mod bank;
#[cfg(any(not(feature = "one-kata"), feature = "commit"))]
pub mod commit;
#[cfg(any(not(feature = "one-kata"), feature = "crud"))]
pub mod crud;
#[cfg(any(not(feature = "one-kata"), feature = "dates"))]
pub mod dates;
#[cfg(any(not(feature = "one-kata"), feature = "injection"))]
pub mod injection;
#[cfg(any(not(feature = "one-kata"), feature = "joins"))]
pub mod joins;
#[cfg(any(not(feature = "one-kata"), feature = "locking"))]
pub mod locking;

#[cfg(test)]
#[path = "../../../tests/d18a-sqlite/mod.rs"]
mod suite;
