//! `kata-runner`: the library behind `cargo kata`, the learner's runner.
//!
//! The binary (`main.rs`) only parses the command line, dispatches to [`commands`] and turns
//! the result into an exit code ([`exit`]). Everything else lives here, one job per module:
//!
//! - the curriculum: [`manifest`] (repository root and `katas.toml`), [`layout`] (where a
//!   suite's pieces are and how a build selects them: paths, package and feature names, the
//!   crates' `[features]`, test filters), [`domain`] (the types every other module shares:
//!   katas, statuses, outcomes, diagnostics, verdicts, list rows; no I/O), [`pristine`]
//!   (`katas.lock`), [`plan`] (workshop plans);
//! - proving a kata: [`build`] (`cargo test --no-run`), [`fresh`] (freshness by content: inputs
//!   whose bytes changed are shown to cargo as new, whatever their mtime), [`isolate`], [`run`] (one process per
//!   test, timeouts), [`libtest`] (parsing test output), [`locate`] and [`tidy`] (failure
//!   texts), [`check`] (katas to verdicts), [`status`] (cached statuses), [`state`]
//!   (`.kata/progress.json`), [`exam`] (self-assessment with held-out cases);
//! - output: [`term`] (the one colour and hyperlink rule), [`render`] (text), [`json`]
//!   (`--json`), [`report`] (the learner's snapshot, readiness, cohorts), [`bar`] and
//!   [`live`] (progress on stderr), [`pipe`] (closed pipes);
//! - the learner's loop: [`learn`] (watch, reset, restore, solution);
//! - for authors: [`verify`] (the proof of a suite), [`patch`] (dodges as unified diffs),
//!   [`scaffold`] (`cargo kata new`);
//! - plumbing: [`cli`] (the command line), [`error`] (every typed error and its exit code),
//!   [`git`], [`interrupt`] (signals, process groups, temporary files), [`fsx`] (durable and
//!   atomic writes), [`walk`] (the one tree walker).
//!
//! No circle of `use crate::…` references is wider than two files (`tests/module_graph.rs`).

pub mod bar;
pub mod build;
pub mod check;
pub mod cli;
pub mod commands;
pub mod domain;
pub mod error;
pub mod exam;
pub mod exit;
pub mod fresh;
pub mod fsx;
pub mod git;
pub mod interrupt;
pub mod isolate;
pub mod json;
pub mod layout;
pub mod learn;
pub mod libtest;
pub mod live;
pub mod locate;
pub mod manifest;
pub mod patch;
pub mod pipe;
pub mod plan;
pub mod pristine;
pub mod render;
pub mod report;
pub mod run;
pub mod scaffold;
pub mod state;
pub mod status;
pub mod term;
pub mod tidy;
pub mod verify;
pub mod walk;
