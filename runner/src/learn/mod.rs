//! The learner's loop: watch mode, reset with backup, and solutions after green.
//!
//! Each feature is self-contained: it takes what it needs from the runner core as plain
//! parameters, small traits or closures, so the CLI wires it in without these modules
//! knowing the manifest, the build or the progress file.
//!
//! # Wiring them into the CLI
//!
//! - `watch`: implement [`watch::WatchHooks`] on the core (check the current kata and
//!   record the check, advance, next hint, list), then
//!   `watch::run(&watch::WatchOptions::new(root), &mut core)`. `WatchOptions::new`
//!   detects the terminal; the result says why watching stopped.
//! - `reset <kata>`: `reset::reset_kata(root, KataFile { kata_id, file }, SystemTime::now())`
//!   with `file` from the manifest (relative to the root); print
//!   `outcome.message(kata_id, root)`. `reset --all <suite> [--yes]`:
//!   `reset::reset_all(root, suite, &katas, Confirmation { yes, tty: stdin.is_terminal() },
//!   &mut |q| reset::ask_yes_no(q, &mut stdin.lock(), &mut stderr), now)`.
//! - `solution <kata> [--peek]`: `solution::show(SolutionRequest { kata_id, kata_file,
//!   solution_file, green, peek, color }, &mut |id| progress.record_peek(id), &mut stdout)`;
//!   on error print it and exit with `err.exit_code()`. `color` is
//!   `term::Style::detect().color` (the runner's one colour rule).
//! - `runner/scripts/measure-loop.sh <kata-file> [runs]` times `cargo kata check` after an
//!   edit, once `check` exists.

pub mod reset;
pub mod restore;
pub mod solution;
pub mod timestamp;
pub mod watch;
