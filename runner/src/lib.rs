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
//!   texts), [`check`] (katas to verdicts), [`status`] (cached statuses), [`history`]
//!   (the record of work, `.kata/history.jsonl`), [`state`] (`.kata/progress.json`, its
//!   cache), [`exam`] (self-assessment with held-out cases);
//! - output: [`term`] (the one colour and hyperlink rule), [`render`] (text), [`json`]
//!   (`--json`), [`report`] (the learner's snapshot, readiness, cohorts), [`bar`] and
//!   [`live`] (progress on stderr), [`pipe`] (closed pipes);
//! - the learner's loop: [`learn`] (watch, reset, restore, solution);
//! - the facilitator's live room, the learner's side: [`room`] (`.kata/room.toml`, the outbox of
//!   snapshots, the background sender);
//! - for authors: [`verify`] (the proof of a suite), [`patch`] (dodges as unified diffs),
//!   [`scaffold`] (`cargo kata new`);
//! - plumbing: [`cli`] (the command line), [`error`] (every typed error and its exit code),
//!   [`git`], [`interrupt`] (signals, process groups, temporary files), [`fsx`] (durable and
//!   atomic writes), [`walk`] (the one tree walker).
//!
//! No circle of `use crate::…` references is wider than two files (`tests/module_graph.rs`).

// The runner needs Unix: process groups, signals, `setrlimit`, `/proc`. Elsewhere this is the
// one error (every module below is left out), instead of a wall of unresolved imports.
#[cfg(not(unix))]
compile_error!(
    "cargo kata runs on Linux and macOS. On Windows, install WSL \
     (https://learn.microsoft.com/windows/wsl/install), clone the repository inside it and \
     run `cargo kata` there."
);

#[cfg(unix)]
pub mod bar;
#[cfg(unix)]
pub mod build;
#[cfg(unix)]
pub mod check;
#[cfg(unix)]
pub mod cli;
#[cfg(unix)]
pub mod commands;
#[cfg(unix)]
pub mod domain;
#[cfg(unix)]
pub mod error;
#[cfg(unix)]
pub mod exam;
#[cfg(unix)]
pub mod exit;
#[cfg(unix)]
pub mod fresh;
#[cfg(unix)]
pub mod fsx;
#[cfg(unix)]
pub mod git;
#[cfg(unix)]
pub mod history;
#[cfg(unix)]
pub mod interrupt;
#[cfg(unix)]
pub mod isolate;
#[cfg(unix)]
pub mod json;
#[cfg(unix)]
pub mod layout;
#[cfg(unix)]
pub mod learn;
#[cfg(unix)]
pub mod libtest;
#[cfg(unix)]
pub mod live;
#[cfg(unix)]
pub mod locate;
#[cfg(unix)]
pub mod manifest;
#[cfg(unix)]
pub mod patch;
#[cfg(unix)]
pub mod pipe;
#[cfg(unix)]
pub mod plan;
#[cfg(unix)]
pub mod pristine;
#[cfg(unix)]
pub mod render;
#[cfg(unix)]
pub mod report;
#[cfg(unix)]
pub mod room;
#[cfg(unix)]
pub mod run;
#[cfg(unix)]
pub mod scaffold;
/// How much of a learner's written code equals the reference's: a number, never a verdict.
#[cfg(unix)]
pub mod similarity;
#[cfg(unix)]
pub mod state;
#[cfg(unix)]
pub mod status;
#[cfg(unix)]
pub mod term;
#[cfg(unix)]
pub mod tidy;
#[cfg(unix)]
pub mod verify;
#[cfg(unix)]
pub mod walk;
