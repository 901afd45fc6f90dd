//! The command line: what `cargo kata` accepts, and the context every command starts from.
//!
//! `main.rs` parses [`Cli`] and dispatches; what happens before any command runs (signal
//! handling, finding the repository, sweeping what an interrupted run left behind, reading
//! the manifest, choosing colours) is [`open`].

use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::manifest;
use crate::term::Style;

/// Katas: small exercises that turn green when your code is right.
#[derive(Debug, Parser)]
#[command(name = "cargo kata", bin_name = "cargo kata", version, about)]
pub struct Cli {
    /// Seconds a single test may run before it is stopped as "timed out".
    #[arg(long, global = true, default_value_t = 10, value_name = "SECS")]
    pub timeout: u64,
    /// Follow this workshop plan (see `cargo kata plan`) for this run only.
    #[arg(long, global = true, value_name = "FILE")]
    pub plan: Option<std::path::PathBuf>,
    /// What to do; none: the overview.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
        /// Put the tests of the suite TARGET (or of TARGET's suite) back as shipped
        /// (katas.lock), after saving yours under .kata/backups/.
        #[arg(long, conflicts_with = "all")]
        tests: bool,
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
        /// Only the checks that build nothing (sync, texts, ledger): seconds, for authors.
        #[arg(long = "static")]
        static_only: bool,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Your snapshot: per kata and per concept (--json for your facilitator).
    ///
    /// Status, tests, checks and hints up to green, time to green, peeks, stuck, a copy of
    /// the reference solution; --readiness: the interview-readiness page.
    Report {
        /// Print the versioned JSON snapshot (for a facilitator's `cohort`).
        #[arg(long)]
        json: bool,
        /// Check every kata now instead of reusing remembered verdicts (CI on a fresh clone).
        #[arg(long)]
        fresh: bool,
        /// The interview-readiness page instead: strongest and weakest concepts, katas
        /// solved without help, exam results over time.
        #[arg(long, conflicts_with = "json")]
        readiness: bool,
    },
    /// For facilitators: learners' snapshots as a table and an HTML heatmap.
    ///
    /// Merges `report --json` files (learners × katas). Runs anywhere: no kata repository
    /// needed.
    Cohort {
        /// Snapshots made with `cargo kata report --json > name.json`.
        #[arg(
            required_unless_present = "from_artifacts",
            conflicts_with = "from_artifacts",
            value_name = "SNAPSHOT"
        )]
        files: Vec<std::path::PathBuf>,
        /// A folder of GitHub Actions artifacts as `gh run download` lays them out
        /// (`kata-report-<login>/kata-report.json`, or `.zip` files): the newest snapshot of
        /// each learner, with its age.
        #[arg(long, value_name = "DIR")]
        from_artifacts: Option<std::path::PathBuf>,
        /// Also write the heatmap as one self-contained HTML file.
        #[arg(long, value_name = "FILE")]
        html: Option<std::path::PathBuf>,
    },
    /// A timed exam: no hints or solutions, judged on held-out cases too.
    ///
    /// Picks katas not yet green; at the end the visible tests and held-out cases you never
    /// saw run. Again: the time left; --finish: the score.
    Exam {
        /// Pick from these suites only (repeatable or comma-separated; default: every suite).
        #[arg(
            long = "suite",
            alias = "suites",
            value_name = "ID",
            value_delimiter = ','
        )]
        suites: Vec<String>,
        /// How many katas.
        #[arg(long, default_value_t = 3)]
        count: usize,
        /// Time allowed.
        #[arg(long, default_value_t = 30)]
        minutes: u32,
        /// End the exam now and see the score.
        #[arg(long)]
        finish: bool,
    },
    /// Follow a workshop plan: only its katas, in its order.
    ///
    /// For cargo kata, list, watch, check, hint, report and exam, until `--off`. Without
    /// FILE: show the active plan.
    Plan {
        /// The plan (TOML: title, [[step]] kata or suite, optional minutes).
        file: Option<std::path::PathBuf>,
        /// Stop following the active plan: the whole curriculum again.
        #[arg(long, conflicts_with = "file")]
        off: bool,
    },
    /// Dodges for authors: record a solution file's change as a patch, or show one.
    Dodge {
        /// record or show.
        #[command(subcommand)]
        action: DodgeAction,
    },
    /// Report your progress live to a facilitator's room on the local network.
    ///
    /// After `join`, every check, hint, solution shown and green sends your `report --json`
    /// snapshot (never your code) in the background; `status` says whether they get through.
    Room {
        /// join, leave, status or serve.
        #[command(subcommand)]
        action: RoomAction,
    },
    /// Scaffold a kata (and its suite, if new) in every place it must exist.
    New {
        /// `<suite>/<kata>`, e.g. `d99-scratch/first_kata`.
        target: String,
    },
}

/// What `cargo kata room` does.
#[derive(Debug, Subcommand)]
pub enum RoomAction {
    /// Join the room at URL: your snapshots go to it from now on.
    Join {
        /// The room's address, as the facilitator gives it (`http://192.168.1.20:7878`).
        url: String,
        /// Your name on the facilitator's dashboard (at most 64 characters).
        #[arg(long)]
        name: String,
        /// The join token the facilitator gives the room.
        #[arg(long, value_name = "JOIN_TOKEN")]
        token: String,
    },
    /// Leave the room: nothing more is sent (unsent snapshots are discarded).
    Leave,
    /// Whether you are in a room and your snapshots are getting through (exit 0 iff they are).
    Status,
    /// For facilitators: run the room's server (`kata-room serve [ARGS]…`).
    ///
    /// E.g. `cargo kata room serve --bind 0.0.0.0:7878 --plan plans/session.toml`;
    /// `cargo kata room serve --help` shows the server's options.
    #[command(disable_help_flag = true)]
    Serve {
        /// Passed to `kata-room serve` (`--bind`, `--dir`, `--plan`, `--help`).
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<String>,
    },
    /// Send the snapshots queued in .kata/room-outbox/ (started in the background after every
    /// check; `status` does it too).
    #[command(hide = true)]
    Flush,
}

/// What `cargo kata dodge` does.
#[derive(Debug, Subcommand)]
pub enum DodgeAction {
    /// Turn the working-tree change of a kata's solution file into
    /// `solutions/<suite>/dodges/<kata>__<name>.patch`, then restore the file from HEAD.
    Record {
        /// `suite/kata` (or a kata id).
        kata: String,
        /// The dodge's name: lowercase letters, digits, underscores.
        name: String,
        /// The shortcut and the lesson it skips, in one sentence.
        #[arg(long)]
        claim: String,
        /// The tests that should fail it (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "TESTS")]
        caught_by: Vec<String>,
        /// Write the patch into this folder instead of the suite's `dodges/`.
        #[arg(long, value_name = "DIR")]
        to: Option<std::path::PathBuf>,
        /// Replace a dodge of the same name.
        #[arg(long)]
        force: bool,
    },
    /// Print the solution file as the dodge makes it.
    Show {
        /// `suite/kata` (or a kata id).
        kata: String,
        /// The dodge's name (after the `__`).
        name: String,
    },
}

impl Cli {
    /// Whether the command prints JSON (then nothing on stdout is coloured).
    pub fn json(&self) -> bool {
        matches!(
            self.command,
            Some(
                Command::List { json: true }
                    | Command::Check { json: true, .. }
                    | Command::Verify { json: true, .. }
                    | Command::Report { json: true, .. }
            )
        )
    }
}

impl Cli {
    /// Whether the command walks the curriculum a plan restricts (not the authors' and
    /// file-restoring commands, which see every kata).
    pub fn follows_plan(&self) -> bool {
        matches!(
            self.command,
            None | Some(
                Command::List { .. }
                    | Command::Check { .. }
                    | Command::Hint { .. }
                    | Command::Watch { .. }
                    | Command::Report { .. }
                    | Command::Exam { .. }
                    | Command::Room {
                        action: RoomAction::Join { .. }
                    }
            )
        )
    }
}

/// Everything before a command runs: signal handling, the repository root (litter of an
/// interrupted run removed, and said), the manifest, colours for stdout.
pub fn open(cli: &Cli) -> Result<Ctx> {
    if let Err(e) = crate::interrupt::install() {
        eprintln!(
            "warning: no signal handling ({e}): an interrupt may leave test processes behind"
        );
    }
    if cli.timeout == 0 {
        return Err(Error::Usage("--timeout must be at least 1 second".into()));
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io("reading the current directory", e))?;
    let root = manifest::find_root(&cwd)?;
    let litter = crate::interrupt::sweep_litter(&root);
    if !litter.is_empty() {
        let shown: Vec<String> = litter.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "note: removed what an interrupted run left behind: {}",
            shown.join(", ")
        );
    }
    let mut manifest = manifest::Manifest::load(&root)?;
    let plan = if cli.follows_plan() {
        crate::plan::active(&root, cli.plan.as_deref(), &manifest)?
    } else {
        None
    };
    if let Some(plan) = &plan {
        manifest = plan.restrict(&manifest);
    }
    let json = cli.json();
    Ok(Ctx {
        root,
        manifest,
        style: if json { Style::PLAIN } else { Style::detect() },
        timeout: Duration::from_secs(cli.timeout),
        json,
        plan,
    })
}

/// `peak memory: <VmHWM> kB` on stderr when `KATA_TIMINGS` is set: the runner's own peak
/// RSS (Linux only), for `runner/scripts/` measurements.
pub fn report_peak_memory() {
    if std::env::var_os("KATA_TIMINGS").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kb) = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches("kB").trim().to_string())
    {
        eprintln!("peak memory: {kb} kB");
    }
}
