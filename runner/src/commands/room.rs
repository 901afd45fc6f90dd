//! `cargo kata room join|leave|status|serve`: the learner's side of a facilitator's live room
//! (the client is `crate::room`), and `serve`, which runs the facilitator's server (the
//! `kata-room` crate). The hidden `room flush` is the background sender that
//! `crate::room::notify` starts.
//!
//! Exit codes: `join`, `leave` 0; `status` 0 when snapshots are getting through, 1 otherwise;
//! `serve` the server's; 2 when the room cannot be joined (unreachable, a wrong join token, a
//! refused name).

use std::path::Path;
use std::process::Command;

use super::{Ctx, EXIT_ERROR, EXIT_OK, EXIT_RED};
use crate::error::{Error, Result};
use crate::room::http::Url;
use crate::room::send::{self, Wait};
use crate::room::{RoomError, api, config, outbox, record};
use crate::{report, state};

/// What a room error does to the command: said on stderr, exit code 2.
fn failed(e: &RoomError) -> i32 {
    eprintln!("error: {e}");
    EXIT_ERROR
}

/// `room join <url> --name <learner> --token <join token>`: joins, stores `.kata/room.toml`,
/// sends a first snapshot.
pub fn join(ctx: &Ctx, url: &str, name: &str, join_token: &str) -> Result<i32> {
    let parsed = match Url::parse(url) {
        Ok(u) => u,
        Err(why) => {
            return Ok(failed(&RoomError::Url {
                url: url.to_string(),
                why,
            }));
        }
    };
    let joined = match api::join(&parsed, name.trim(), join_token.trim()) {
        Ok(j) => j,
        Err(e) => return Ok(failed(&e)),
    };
    let room = config::Config {
        url: parsed.to_string(),
        name: joined.name,
        token: joined.token,
    };
    if let Err(e) = config::save(&ctx.root, &room) {
        return Ok(failed(&e));
    }
    record::clear(&ctx.root);
    println!(
        "joined the room at {} as {} (saved in .kata/room.toml, readable only by you)",
        room.url, room.name
    );
    println!(
        "after every check, hint, solution shown and green, your progress (the `cargo kata report --json` snapshot, never your code) goes to the room in the background"
    );
    let snapshot = snapshot(ctx)?;
    if let Err(e) = crate::room::queue(&ctx.root, &snapshot) {
        eprintln!("warning: the first snapshot was not queued: {e}");
        return Ok(EXIT_OK);
    }
    match send::flush(&ctx.root, Wait::Yes) {
        Ok(out) if out.error.is_none() && out.queued == 0 => {
            let seq = out.seq.map(|s| format!(" (seq {s})")).unwrap_or_default();
            println!("first snapshot sent{seq}");
        }
        Ok(out) => {
            let why = out.error.map(|e| e.to_string()).unwrap_or_default();
            eprintln!(
                "warning: the first snapshot is queued, not sent: {why}; it goes with your next check (or `cargo kata room status`)"
            );
        }
        Err(e) => eprintln!("warning: the first snapshot is queued, not sent: {e}"),
    }
    Ok(EXIT_OK)
}

/// The learner's snapshot, as `cargo kata report --json` makes it (statuses refreshed like
/// `list`: remembered verdicts are reused, but an edited kata without one is checked).
pub fn snapshot(ctx: &Ctx) -> Result<serde_json::Value> {
    let mut progress = ctx.load_progress();
    let statuses = crate::status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
    ctx.save_progress(&mut progress);
    let report = report::build(
        &ctx.root,
        &statuses.rows,
        &progress,
        ctx.plan.as_ref(),
        &ctx.manifest.concepts,
    );
    Ok(serde_json::to_value(report)?)
}

/// After a check, hint, solution shown or green: when this clone has joined a room, queues
/// the learner's snapshot, built from the recorded verdicts only (nothing is checked, so the
/// verdict on screen is never delayed), and starts the background sender. A problem is one
/// line on stderr, never a failed command.
pub fn after(ctx: &Ctx) {
    if !crate::room::joined(&ctx.root) {
        return;
    }
    let progress = ctx.load_progress();
    let rows: Vec<crate::domain::Row<'_>> = ctx
        .manifest
        .katas()
        .into_iter()
        .map(|kata| {
            let last = progress
                .katas
                .get(&kata.key())
                .and_then(|p| p.last_verdict.as_ref());
            crate::domain::Row {
                kata,
                status: last.map_or(crate::domain::Status::NotStarted, |v| v.status),
                passed: last.map_or(0, |v| v.passed),
                failed: last.map_or(0, |v| v.failed),
            }
        })
        .collect();
    let report = report::build(
        &ctx.root,
        &rows,
        &progress,
        ctx.plan.as_ref(),
        &ctx.manifest.concepts,
    );
    let sent = serde_json::to_value(report)
        .map_err(|e| e.to_string())
        .and_then(|doc| crate::room::notify(&ctx.root, &doc).map_err(|e| e.to_string()));
    if let Err(e) = sent {
        eprintln!("room: the snapshot was not queued: {e}");
    }
}

/// `room leave`: forgets the room, and the snapshots not sent to it (the progress they were
/// made from stays in `.kata/`; a new join sends a fresh one).
pub fn leave(ctx: &Ctx) -> Result<i32> {
    let room = config::load(&ctx.root).ok().flatten();
    let removed = match config::remove(&ctx.root) {
        Ok(r) => r,
        Err(e) => return Ok(failed(&e)),
    };
    record::clear(&ctx.root);
    let discarded = outbox::clear(&ctx.root);
    if removed {
        let at = room
            .map(|r| format!(" at {} ({})", r.url, r.name))
            .unwrap_or_default();
        println!("left the room{at}: .kata/room.toml removed; nothing more is sent");
    } else {
        println!("not in a room: nothing to leave");
    }
    if discarded > 0 {
        println!(
            "{discarded} unsent snapshot{} discarded (your progress itself is kept in .kata/; joining again sends a fresh one)",
            plural(discarded)
        );
    }
    Ok(EXIT_OK)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `room status`: sends what is queued, then says whether snapshots are getting through.
pub fn status(ctx: &Ctx) -> Result<i32> {
    let root = &ctx.root;
    let room = match config::load(root) {
        Ok(Some(r)) => r,
        Ok(None) => {
            println!("{}", RoomError::NotJoined);
            let queued = outbox::pending(root).len();
            if queued > 0 {
                println!(
                    "queued: {queued} snapshot{} (.kata/room-outbox/)",
                    plural(queued)
                );
            }
            return Ok(EXIT_RED);
        }
        Err(e) => return Ok(failed(&e)),
    };
    println!("room: {} as {}", room.url, room.name);
    let flushed = send::flush(root, Wait::Yes);
    let queued = outbox::pending(root).len();
    if let Ok(out) = &flushed
        && out.sent > 0
    {
        println!(
            "sent now: the newest of {} queued snapshot{}",
            out.sent + out.superseded,
            plural(out.sent + out.superseded)
        );
    }
    println!(
        "queued: {queued} snapshot{} (.kata/room-outbox/)",
        plural(queued)
    );
    let rec = record::load(root);
    let now = state::now();
    let when = |t: u64| {
        format!(
            "{} UTC ({} ago)",
            crate::learn::timestamp::utc_minutes(t),
            crate::render::duration(now.saturating_sub(t))
        )
    };
    match rec.last_sent_at {
        Some(t) => {
            let seq = rec
                .last_seq
                .map(|s| format!(", seq {s}"))
                .unwrap_or_default();
            println!("last sent: {}{seq}", when(t));
        }
        None => println!("last sent: never"),
    }
    match (&rec.last_error, rec.last_error_at) {
        (Some(e), Some(t)) => println!("last error at {}: {e}", when(t)),
        (Some(e), None) => println!("last error: {e}"),
        _ => println!("last error: none"),
    }
    let health = Url::parse(&room.url)
        .map_err(|why| RoomError::Url {
            url: room.url.clone(),
            why,
        })
        .and_then(|u| api::health(&u));
    match &health {
        Ok(()) => println!("server: answers now"),
        Err(e) => println!("server: {e}"),
    }
    let through = health.is_ok() && queued == 0 && rec.last_error.is_none();
    if through {
        println!("snapshots are getting through");
        Ok(EXIT_OK)
    } else if rec.revoked {
        println!(
            "snapshots are NOT getting through: the room does not accept your token (revoked or unknown token); join again"
        );
        Ok(EXIT_RED)
    } else {
        println!(
            "snapshots are NOT getting through: they wait in .kata/room-outbox/ and go with your next check or `cargo kata room status`"
        );
        Ok(EXIT_RED)
    }
}

/// The hidden `room flush`: the background sender. Ends at once when another sender runs.
/// Exit code 0 when the queue is empty or another sender has it, 1 when snapshots stay queued.
pub fn flush() -> Result<i32> {
    let cwd = std::env::current_dir().map_err(|e| Error::io("reading the current directory", e))?;
    let root = crate::manifest::find_root(&cwd)?;
    match send::flush(&root, Wait::No) {
        Ok(out) if out.busy => {
            println!("another sender is at work");
            Ok(EXIT_OK)
        }
        Ok(out) => {
            println!(
                "sent {}, superseded {}, rejected {}, queued {}",
                out.sent, out.superseded, out.rejected, out.queued
            );
            match out.error {
                Some(e) => {
                    println!("stopped: {e}");
                    Ok(EXIT_RED)
                }
                None => Ok(EXIT_OK),
            }
        }
        Err(RoomError::NotJoined) => Ok(EXIT_OK),
        Err(e) => Ok(failed(&e)),
    }
}

/// `room serve [args…]`: the facilitator's server, `cargo run -q -p kata-room --bin kata-room
/// -- serve [args…]` from the repository root, with the terminal passed through; its exit code.
/// Ctrl-C reaches the server (it shuts down) and this command waits for it. `plan` is a
/// `--plan` that clap read as the runner's global flag: it goes to the server too (made
/// absolute, since the server runs from the root).
pub fn serve(root: &Path, args: &[String], plan: Option<&Path>) -> Result<i32> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.args([
        "run",
        "-q",
        "-p",
        "kata-room",
        "--bin",
        "kata-room",
        "--",
        "serve",
    ])
    .args(args)
    .current_dir(root);
    if let Some(plan) = plan {
        let cwd = std::env::current_dir().unwrap_or_default();
        cmd.arg("--plan").arg(cwd.join(plan));
    }
    crate::interrupt::set_route(Some(Box::new(|| true)));
    let status = cmd.status().map_err(|source| Error::Spawn {
        program: format!("{} run -p kata-room", cargo.to_string_lossy()),
        source,
    });
    crate::interrupt::set_route(None);
    let status = status?;
    use std::os::unix::process::ExitStatusExt;
    Ok(status
        .code()
        .or_else(|| status.signal().map(crate::exit::signalled))
        .unwrap_or(EXIT_ERROR))
}
