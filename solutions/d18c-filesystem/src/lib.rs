//! # Day 18, part 3: the file system (reference solutions)
//!
//! Source: "Python Pathlib vs OS: Advanced File System Architecture (2026)" by
//! Kaushikcoderpy, series "Logic & Legacy":
//! <https://dev.to/kaushikcoderpy/python-pathlib-vs-os-advanced-file-system-architecture-2026-phc>
//!
//! The suite brief, the map from the article's ideas to the katas and what does not carry
//! over to Rust are in the kata crate (`katas/d18c-filesystem/src/lib.rs`). Module
//! [`secrets`] exists only on Unix.

#[cfg(any(not(feature = "one-kata"), feature = "appenders"))]
pub mod appenders;
#[cfg(any(not(feature = "one-kata"), feature = "atomic_write"))]
pub mod atomic_write;
#[cfg(any(not(feature = "one-kata"), feature = "log_purger"))]
pub mod log_purger;
#[cfg(any(not(feature = "one-kata"), feature = "paths_as_values"))]
pub mod paths_as_values;
#[cfg(any(not(feature = "one-kata"), feature = "portable_names"))]
pub mod portable_names;
#[cfg(any(not(feature = "one-kata"), feature = "safe_join"))]
pub mod safe_join;
#[cfg(all(unix, any(not(feature = "one-kata"), feature = "secrets")))]
pub mod secrets;
#[cfg(any(not(feature = "one-kata"), feature = "stream_lines"))]
pub mod stream_lines;
#[cfg(any(not(feature = "one-kata"), feature = "walk_tree"))]
pub mod walk_tree;

#[cfg(test)]
#[path = "../../../tests/d18c-filesystem/mod.rs"]
mod suite;
