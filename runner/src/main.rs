//! `cargo kata`: parse the command line, run one command of the `kata_runner` library, exit
//! with its code. Everything else is in the library (`runner/src/lib.rs`).

use std::process::ExitCode;

use clap::Parser;

use kata_runner::cli::{self, Cli, Command, DodgeAction, RoomAction};
use kata_runner::commands::{self, Ctx};
use kata_runner::error::Result;
use kata_runner::{exit, pipe};

fn main() -> ExitCode {
    pipe::install();
    let cli = Cli::parse();
    let result = match &cli.command {
        // Runs on snapshots alone, outside any kata repository.
        Some(Command::Cohort {
            files,
            html,
            from_artifacts,
        }) => cohort(files, from_artifacts.as_deref(), html.as_deref()),
        // The background sender: needs the root only, and must cost little.
        Some(Command::Room {
            action: RoomAction::Flush,
        }) => commands::room::flush(),
        _ => cli::open(&cli).and_then(|ctx| dispatch(&ctx, &cli)),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    cli::report_peak_memory();
    ExitCode::from(exit::to_byte(code))
}

/// Runs the command the learner asked for; its result is the exit code.
fn dispatch(ctx: &Ctx, cli: &Cli) -> Result<i32> {
    let code = run_command(ctx, cli);
    // The room hears of every check, hint and solution shown (watch tells it itself).
    if matches!(
        cli.command,
        None | Some(Command::Check { .. } | Command::Hint { .. } | Command::Solution { .. })
    ) {
        commands::room::after(ctx);
    }
    code
}

/// The command the learner asked for.
fn run_command(ctx: &Ctx, cli: &Cli) -> Result<i32> {
    match &cli.command {
        None => commands::overview::run(ctx),
        Some(Command::List { .. }) => commands::list::run(ctx),
        Some(Command::Check { target, .. }) => commands::check::run(ctx, target),
        Some(Command::Hint { kata }) => commands::hint::run(ctx, kata.as_deref()),
        Some(Command::Verify {
            suites,
            static_only,
            ..
        }) => commands::verify::run(ctx, suites, *static_only),
        Some(Command::Watch { kata, no_keys }) => {
            commands::watch::run(ctx, kata.as_deref(), !no_keys)
        }
        Some(Command::Reset {
            target,
            tests: true,
            ..
        }) => commands::reset::run_tests(ctx, target),
        Some(Command::Reset {
            target, all: false, ..
        }) => commands::reset::run(ctx, target),
        Some(Command::Reset {
            target,
            all: true,
            yes,
            ..
        }) => commands::reset::run_all(ctx, target, *yes),
        Some(Command::Restore {
            kata, list: true, ..
        }) => commands::restore::list(ctx, kata),
        Some(Command::Restore {
            kata,
            backup,
            list: false,
        }) => commands::restore::run(ctx, kata, backup.as_deref()),
        Some(Command::Solution { kata, peek }) => commands::solution::run(ctx, kata, *peek),
        Some(Command::New { target }) => commands::new::run(ctx, target),
        Some(Command::Dodge {
            action:
                DodgeAction::Record {
                    kata,
                    name,
                    claim,
                    caught_by,
                    to,
                    force,
                },
        }) => commands::dodge::record(
            ctx,
            &commands::dodge::Record {
                kata,
                name,
                claim,
                caught_by,
                to: to.as_deref(),
                force: *force,
            },
        ),
        Some(Command::Dodge {
            action: DodgeAction::Show { kata, name },
        }) => commands::dodge::show(ctx, kata, name),
        Some(Command::Lock { suites }) => commands::lock::run(ctx, suites),
        Some(Command::Report {
            fresh, readiness, ..
        }) => commands::report::run(ctx, *fresh, *readiness),
        Some(Command::Cohort {
            files,
            html,
            from_artifacts,
        }) => cohort(files, from_artifacts.as_deref(), html.as_deref()),
        Some(Command::Room { action }) => match action {
            RoomAction::Join { url, name, token } => commands::room::join(ctx, url, name, token),
            RoomAction::Leave => commands::room::leave(ctx),
            RoomAction::Status => commands::room::status(ctx),
            // `--plan` before the server's other arguments is read as the runner's own.
            RoomAction::Serve { args } => {
                commands::room::serve(&ctx.root, args, cli.plan.as_deref())
            }
            RoomAction::Flush => commands::room::flush(),
        },
        Some(Command::Exam {
            suites,
            count,
            minutes,
            finish,
        }) => commands::exam::run(
            ctx,
            &commands::exam::Request {
                suites,
                count: *count,
                minutes: *minutes,
                finish: *finish,
            },
        ),
        Some(Command::Plan { file, off }) => commands::plan::run(ctx, file.as_deref(), *off),
    }
}

/// `cargo kata cohort`: snapshot files, or a folder of downloaded artifacts.
fn cohort(
    files: &[std::path::PathBuf],
    from_artifacts: Option<&std::path::Path>,
    html: Option<&std::path::Path>,
) -> Result<i32> {
    match from_artifacts {
        Some(dir) => commands::cohort::run_artifacts(dir, html),
        None => commands::cohort::run(files, html),
    }
}
