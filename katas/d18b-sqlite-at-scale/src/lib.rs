//! # d18b-sqlite-at-scale: SQLite when the tables grow
//!
//! Based on "Advanced Python SQLite: Indices, N+1 Prevention & The Repository Pattern (2026)"
//! by Kaushikcoderpy (series "Logic & Legacy", day 18, part 2):
//! <https://dev.to/kaushikcoderpy/advanced-python-sqlite-indices-n1-prevention-the-repository-pattern-2026-5b3p>
//!
//! The d18a suite taught the basics (CRUD, parameters, transactions, joins, locking). This
//! sequel is about what goes wrong only when the data is large: too many statements, missing
//! or useless indexes, SQL scattered through the code, schemas that cannot evolve, and slow
//! bulk writes. Every kata runs a real SQLite (rusqlite with the `bundled` feature, so every
//! machine has the same version), and the tests look at what the database *did*, not only at
//! the rows it returned: they count statements and their runs with SQLite's trace hook
//! (`Connection::trace_v2`), read `EXPLAIN QUERY PLAN`, and read SQLite's per-statement
//! counters (full-scan steps, automatic-index rows, virtual-machine steps).
//!
//! ## The article's ideas, and where they are practised
//!
//! | idea in the article | kata |
//! | --- | --- |
//! | the N+1 crime: one query per row; a JOIN does it in one trip | [`query_count`] (and the bench) |
//! | INNER vs LEFT JOIN: who disappears when they have no match | [`query_count`] |
//! | a missing index forces a full scan; a B-tree search takes O(log N) steps | [`query_plan`] (and the bench) |
//! | index the columns used in `WHERE` and `JOIN`, nothing else | [`query_plan`] |
//! | the write penalty: every index is another tree to update and store | [`write_tax`] (and the bench) |
//! | parameters are compiled once, data travels separately | [`batch_insert`] |
//! | `executemany` and committing once | [`batch_insert`] |
//! | the repository pattern: SQL behind one interface | [`repository`] |
//! | the boilerplate trap: a generic repository instead of one per table | [`generic_repo`] |
//! | migrations (Alembic): versioned upgrade and downgrade without data loss | [`migrations`] |
//!
//! ## What does not carry over to Rust, and what the suite teaches instead
//!
//! - **Round trips.** The article's N+1 cost is network latency. SQLite runs inside your
//!   process, so there is no network: each extra statement costs a compile (or a reset), a
//!   bind and a step through the engine. The cost is smaller than against a server but it is
//!   real and grows with N; the bench measures it (see the README), and kata [`query_count`]
//!   counts statements rather than time.
//! - **Connection pools.** A pool saves TCP and authentication handshakes; opening an SQLite
//!   file is a file open. A `rusqlite::Connection` is `Send` but not `Sync`, so the Rust designs
//!   are one connection per thread, a dedicated database thread (d18a's `async_store` kata), or
//!   a pool crate such as `r2d2`, which this workspace does not use. No kata; [`repository`]
//!   owns one connection.
//! - **"The binary protocol".** SQLite has no wire protocol. The separation the article
//!   describes is `sqlite3_prepare` (the SQL is compiled, once) followed by `sqlite3_bind`
//!   (values, as data): the same guarantee against injection (practised in d18a), and a speed-up
//!   when one prepared statement is reused, which kata [`batch_insert`] checks with SQLite's
//!   run counter.
//! - **Metaclasses.** Python ORMs read a class's attributes at run time to write SQL. Rust
//!   describes an entity with a trait (associated constants plus row conversions) and writes
//!   the generic CRUD once; the compiler specialises it per entity ([`generic_repo`]).
//! - **Alembic's auto-generated scripts.** There is no autogenerate here: migrations are plain SQL
//!   in a list. What carries over, and what the kata insists on, is order, a ledger of what ran,
//!   checksums against edited history, downgrades, and SQLite's transactional DDL (a MySQL
//!   migration cannot be rolled back like that).
//! - **`async`/`aiosqlite`.** The article's final exercise is async; blocking SQLite calls in an
//!   async runtime were the subject of d18a's `async_store` kata, so these katas are synchronous.
//!
//! The performance claims — N+1 against one JOIN for 1,000 warriors, an indexed lookup against a
//! full scan on 100,000 rows, inserts with 0, 1 and 3 indexes — are measured by the criterion
//! bench in the solution crate; the figures are in this crate's README.
//!
//! ## How to work
//!
//! Take the katas in the order of the table below; each file's brief says what to build, the
//! rules the tests hold you to, and what they check. `cargo kata check <kata>` (or
//! `cargo test -p kata-d18b-sqlite-at-scale --features one-kata,<kata>`) compiles and tests only
//! that kata. Every test runs on an in-memory database or a file in a temporary directory.
//!
//! | # | kata | you build |
//! | --- | --- | --- |
//! | 1 | [`query_count`] | every warrior with their weapons, in one statement |
//! | 2 | [`query_plan`] | `EXPLAIN QUERY PLAN` reader and tree, the right indexes, an indexed lookup |
//! | 3 | [`write_tax`] | the pages and insert work every index costs |
//! | 4 | [`repository`] | a repository trait, its SQLite implementation, business logic tested with a mock |
//! | 5 | [`generic_repo`] | CRUD once for every entity |
//! | 6 | [`migrations`] | a transactional migrator with a checksummed ledger |
//! | 7 | [`batch_insert`] | a bulk insert through one prepared statement in one transaction |

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
