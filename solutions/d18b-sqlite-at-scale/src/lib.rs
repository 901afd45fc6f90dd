//! # d18b-sqlite-at-scale: reference solutions
//!
//! Solutions for the katas based on "Advanced Python SQLite: Indices, N+1 Prevention & The
//! Repository Pattern (2026)" by Kaushikcoderpy (series "Logic & Legacy", day 18, part 2):
//! <https://dev.to/kaushikcoderpy/advanced-python-sqlite-indices-n1-prevention-the-repository-pattern-2026-5b3p>
//!
//! | idea in the article | kata |
//! | --- | --- |
//! | N+1 queries against one JOIN; INNER vs LEFT JOIN | [`query_count`] |
//! | missing indexes, full scans, B-tree searches | [`query_plan`] |
//! | the write penalty of every index | [`write_tax`] |
//! | prepared statements, `executemany`, one commit | [`batch_insert`] |
//! | the repository pattern, tested with a mock | [`repository`] |
//! | the boilerplate trap: a generic repository | [`generic_repo`] |
//! | versioned migrations, upgrade and downgrade | [`migrations`] |
//!
//! What does not carry over (see the kata crate's brief for the full list): SQLite has no
//! network round trip, no wire protocol and no need for a connection pool; Python's
//! metaclass ORMs become a trait with associated constants; migrations are plain SQL, made
//! safe by SQLite's transactional DDL. `benches/at_scale.rs` measures N+1 against a JOIN, an
//! indexed lookup against a full scan, and inserts with 0, 1 and 3 indexes.

#[cfg(any(not(feature = "one-kata"), feature = "batch_insert"))]
pub mod batch_insert;
#[cfg(any(not(feature = "one-kata"), feature = "generic_repo"))]
pub mod generic_repo;
#[cfg(any(not(feature = "one-kata"), feature = "migrations"))]
pub mod migrations;
#[cfg(any(not(feature = "one-kata"), feature = "query_count"))]
pub mod query_count;
#[cfg(any(not(feature = "one-kata"), feature = "query_plan"))]
pub mod query_plan;
#[cfg(any(not(feature = "one-kata"), feature = "repository"))]
pub mod repository;
#[cfg(any(not(feature = "one-kata"), feature = "write_tax"))]
pub mod write_tax;

#[cfg(test)]
#[path = "../../../tests/d18b-sqlite-at-scale/mod.rs"]
mod suite;
