//! `cargo kata`: the learner's runner. Guides from red to green, one kata at a time.
//!
//! Modules with one job each: `manifest` (repository and katas.toml), `build` (cargo test
//! --no-run), `run` (one process per test, timeouts), `libtest` (parsing test output), `check`
//! (katas to verdicts), `status` (cached statuses), `state` (.kata/progress.json), `render`
//! and `json` (output), `verify` (the proof), `commands` (one module per subcommand).

mod bar;
mod build;
mod check;
mod commands;
mod error;
mod git;
mod isolate;
mod json;
mod libtest;
mod live;
mod locate;
mod manifest;
mod pipe;
mod render;
mod run;
mod scaffold;
mod state;
mod status;
mod tidy;
mod verify;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use commands::{Ctx, EXIT_ERROR};
use error::{Error, Result};

/// Katas: small exercises that turn green when your code is right.
#[derive(Debug, Parser)]
#[command(name = "cargo kata", bin_name = "cargo kata", version, about)]
struct Cli {
    /// Seconds a single test may run before it is stopped as "timed out".
    #[arg(long, global = true, default_value_t = 10, value_name = "SECS")]
    timeout: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every kata with its status and per-suite totals.
    List {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Build and run one kata (or a whole suite); exit code 0 iff green.
    Check {
        /// A kata id, `suite/kata`, or a suite id.
        target: String,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// The next hint for a kata (1, then 2, …).
    Hint {
        /// A kata id or `suite/kata` (default: the first kata that is not green).
        kata: Option<String>,
    },
    /// Re-check the current kata on every save; move on when it turns green.
    ///
    /// Keys on a terminal: h next hint, n skip to the next kata, l list, q quit. Without a
    /// terminal the same letters, one a line on stdin. It runs until interrupted.
    Watch {
        /// Start with this kata (default: the first kata that is not green).
        kata: Option<String>,
        /// Read no keys and no stdin: plain output until interrupted (Ctrl-C).
        #[arg(long)]
        no_keys: bool,
    },
    /// Restore a kata's pristine stub, after saving your file under .kata/backups/.
    Reset {
        /// A kata id or `suite/kata`; with --all, a suite id.
        target: String,
        /// Reset every kata of the suite TARGET (asks for confirmation).
        #[arg(long)]
        all: bool,
        /// Do not ask for confirmation (with --all).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Bring back a file saved under .kata/backups/ (by reset or restore), after saving yours.
    Restore {
        /// A kata id or `suite/kata`.
        kata: String,
        /// A backup's name from --list (default: the newest).
        backup: Option<String>,
        /// List the kata's backups instead.
        #[arg(long, conflicts_with = "backup")]
        list: bool,
    },
    /// Once a kata is green: the reference solution and a diff against your file.
    Solution {
        /// A kata id or `suite/kata`.
        kata: String,
        /// Show it before green anyway (recorded as peeked in your progress).
        #[arg(long)]
        peek: bool,
    },
    /// Record HEAD's kata files as the pristine stubs in katas.lock (for authors).
    ///
    /// Run after committing a new or changed stub; verify fails for a kata without one.
    Lock {
        /// Only this suite (repeatable; default: every suite).
        #[arg(long = "suite", value_name = "ID")]
        suites: Vec<String>,
    },
    /// Prove the suites: solutions pass, pristine stubs fail, manifest and snapshots agree.
    Verify {
        /// Only this suite (repeatable).
        #[arg(long = "suite", value_name = "ID")]
        suites: Vec<String>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Scaffold a kata (and its suite, if new) in every place it must exist.
    New {
        /// `<suite>/<kata>`, e.g. `d99-scratch/first_kata`.
        target: String,
    },
}

fn main() -> ExitCode {
    pipe::install();
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    };
    if std::env::var_os("KATA_TIMINGS").is_some() {
        print_peak_memory();
    }
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// `peak memory: <VmHWM> kB` on stderr: the runner's own peak RSS (Linux only).
fn print_peak_memory() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kb) = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches("kB").trim().to_string())
    {
        eprintln!("peak memory: {kb} kB");
    }
}

fn run(cli: Cli) -> Result<i32> {
    if let Err(e) = kata_runner::interrupt::install() {
        eprintln!(
            "warning: no signal handling ({e}): an interrupt may leave test processes behind"
        );
    }
    if cli.timeout == 0 {
        return Err(Error::Usage("--timeout must be at least 1 second".into()));
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io("reading the current directory", e))?;
    let root = manifest::find_root(&cwd)?;
    let litter = kata_runner::interrupt::sweep_litter(&root);
    if !litter.is_empty() {
        let shown: Vec<String> = litter.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "note: removed what an interrupted run left behind: {}",
            shown.join(", ")
        );
    }
    let manifest = manifest::Manifest::load(&root)?;
    let json = matches!(
        cli.command,
        Some(
            Command::List { json: true }
                | Command::Check { json: true, .. }
                | Command::Verify { json: true, .. }
        )
    );
    let ctx = Ctx {
        root,
        manifest,
        style: if json {
            render::Style { color: false }
        } else {
            render::Style::detect()
        },
        timeout: Duration::from_secs(cli.timeout),
        json,
    };
    match &cli.command {
        None => commands::overview::run(&ctx),
        Some(Command::List { .. }) => commands::list::run(&ctx),
        Some(Command::Check { target, .. }) => commands::check::run(&ctx, target),
        Some(Command::Hint { kata }) => commands::hint::run(&ctx, kata.as_deref()),
        Some(Command::Verify { suites, .. }) => commands::verify::run(&ctx, suites),
        Some(Command::Watch { kata, no_keys }) => {
            commands::watch::run(&ctx, kata.as_deref(), !no_keys)
        }
        Some(Command::Reset {
            target, all: false, ..
        }) => commands::reset::run(&ctx, target),
        Some(Command::Reset {
            target,
            all: true,
            yes,
        }) => commands::reset::run_all(&ctx, target, *yes),
        Some(Command::Restore {
            kata, list: true, ..
        }) => commands::restore::list(&ctx, kata),
        Some(Command::Restore {
            kata,
            backup,
            list: false,
        }) => commands::restore::run(&ctx, kata, backup.as_deref()),
        Some(Command::Solution { kata, peek }) => commands::solution::run(&ctx, kata, *peek),
        Some(Command::New { target }) => commands::new::run(&ctx, target),
        Some(Command::Lock { suites }) => commands::lock::run(&ctx, suites),
    }
}
