//! # d18a-sqlite — a real embedded database
//!
//! Based on "Python SQLite Mastery: B-Trees, Transactions, and Async Database Logic"
//! (Logic & Legacy, day 18, part 1):
//! <https://dev.to/kaushikcoderpy/python-sqlite-mastery-b-trees-transactions-and-async-database-logic-2026-llo>
//!
//! Every kata runs against a real SQLite engine through [`rusqlite`] with its `bundled`
//! feature: the C library is compiled into the crate, so no system SQLite is needed and the
//! version (3.50) is the same on every machine. Files live in temporary directories.
//!
//! ## The article's ideas, and where they are practised
//!
//! | idea in the article | kata |
//! | --- | --- |
//! | a flat file tears under concurrent writers; a database guards integrity | [`locking`] (the database side; the torn JSON file and its cures, atomic rename and a lock, are katas of d18c-filesystem) |
//! | connection and cursor; CRUD; SQLite's five storage classes and type affinity | [`crud`] (a test reads `typeof()` of every column) |
//! | parameters, never string-built SQL (injection) | [`injection`] |
//! | nothing is saved until `commit()` | [`commit`] |
//! | transactions are all-or-nothing (the lost ₹100) | [`bank`] |
//! | INNER / LEFT / RIGHT / FULL joins; emulating them before SQLite 3.39 | [`joins`] |
//! | dates as TEXT, REAL or INTEGER; SQLite's date functions | [`dates`] |
//! | blocking calls freeze the event loop; `aiosqlite`; `async for` over rows | [`async_store`] |
//! | SQLite serialises writers; "database is locked"; readers keep reading | [`locking`] |
//!
//! ## What does not carry over from Python, and what the suite teaches instead
//!
//! - **Cursors.** rusqlite has no cursor object separate from the statement: a prepared
//!   [`rusqlite::Statement`] runs the query and its rows borrow from it, so the compiler
//!   rejects using a result after its statement is gone.
//! - **Commit on exit.** Python's `with conn:` commits when the block ends cleanly. Rust's
//!   [`rusqlite::Transaction`] does the opposite: dropping it without `commit()` rolls back.
//!   Kata [`commit`] shows both outcomes.
//! - **Old SQLite versions.** The article warns that RIGHT and FULL OUTER JOIN crash on
//!   SQLite before 3.39. The bundled library is new enough, so Rust code built this way can
//!   use them; kata [`joins`] still writes the portable form and checks it against the
//!   native join.
//! - **The event loop.** There is no single global loop in Rust; a Tokio runtime has worker
//!   threads, and a blocking call stalls every task on the thread that makes it. On a
//!   current-thread runtime that is all of them — which is how kata [`async_store`] tests it.
//! - **B-trees, SQL vs NoSQL vs vector databases, when to move to PostgreSQL.** These are
//!   architecture notes without code in the article; they have no kata. The B-tree's payoff
//!   (few page reads per lookup) is why `INTEGER PRIMARY KEY` lookups in kata [`crud`] stay
//!   fast, and the one-writer limit that motivates PostgreSQL is what kata [`locking`] shows.
//! - **ORMs.** Out of scope; the katas use plain SQL with bound parameters.
//!
//! The performance claim — batching writes in one transaction — is measured by the
//! criterion bench in the solution crate; see this crate's README for the figures.
//!
//! Work through the modules in the order above; each file's brief says what to build and
//! what its tests check. Run `cargo kata` to see where you are.

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
