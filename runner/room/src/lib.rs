//! `kata-room`: the facilitator's live room. Learners' runners post their
//! `cargo kata report --json` snapshots; the facilitator watches one dashboard that keeps
//! itself current, and exports the cohort as the runner's HTML heatmap or JSON.
//!
//! One job per module:
//!
//! - the learner's data: [`snapshot`] (checking and reading a posted snapshot), [`plan`]
//!   (the workshop plan, the runner's format);
//! - the room: [`state`] (in memory), [`store`] (SQLite under `--dir`), [`writer`] (the one
//!   thread that commits, then answers), [`document`] (the room document: cells,
//!   difficulty, who is stuck);
//! - HTTP: [`api`] (routes, authentication, answers), [`events`] (server-sent events),
//!   [`dashboard`] (the page), [`export`] (the runner's cohort outputs), [`limit`] (rate
//!   limits), [`token`] (random tokens, constant-time comparison), [`app`] (what handlers
//!   share);
//! - [`server`] (start and stop), [`error`].
//!
//! The contract between this server and the runner's client is in `runner/room/README.md`.

#[cfg(not(unix))]
compile_error!("kata-room runs on Linux and macOS (on Windows, use WSL).");

pub mod api;
pub mod app;
pub mod dashboard;
pub mod document;
pub mod error;
pub mod events;
pub mod export;
pub mod limit;
pub mod plan;
pub mod server;
pub mod snapshot;
pub mod state;
pub mod store;
pub mod token;
pub mod writer;

pub use server::{Config, Running, start};
