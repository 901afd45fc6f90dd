//! The learner's loop: watch mode, reset with backup, and solutions after green.
//!
//! Each feature is self-contained: it takes what it needs from the runner core as plain
//! parameters, small traits or closures, so the CLI wires it in without these modules
//! knowing the manifest, the build or the progress file.

pub mod fsx;
pub mod reset;
pub mod solution;
pub mod timestamp;
pub mod watch;
