//! `kata-room serve [--bind 127.0.0.1:7878] [--dir .kata/room-server] [--plan <file>]`.
//!
//! The first line on stdout is one JSON object (`schema_version`, `url`, `facilitator_token`,
//! `join_token`); plain-text log lines follow. Exit code 0 after Ctrl-C or SIGTERM, 1 when
//! the room cannot start, 2 for a bad plan.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kata_room::plan::RoomPlan;
use kata_room::{Config, start};

#[derive(Parser)]
#[command(
    name = "kata-room",
    version,
    about = "The facilitator's live room for `cargo kata`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the room: the learners' API, the dashboard at `/`.
    Serve {
        /// Address to listen on. Anything but a loopback address makes the room reachable
        /// from the network. Port 0 picks a free port (the url shows it).
        #[arg(long, default_value = "127.0.0.1:7878")]
        bind: SocketAddr,
        /// The room's directory: its database (learners, tokens, snapshots). Restarting on
        /// the same directory keeps them all.
        #[arg(long, default_value = ".kata/room-server")]
        dir: PathBuf,
        /// A workshop plan (`plans/<name>.toml`): only its katas, with its time boxes.
        #[arg(long)]
        plan: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let Command::Serve { bind, dir, plan } = Cli::parse().command;
    let plan = match plan.as_deref().map(RoomPlan::load).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("kata-room: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kata-room: starting the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(serve(bind, dir, plan))
}

async fn serve(bind: SocketAddr, dir: PathBuf, plan: Option<RoomPlan>) -> ExitCode {
    let mut config = Config::new(bind, dir);
    let title = plan.as_ref().map(|p| p.title.clone());
    config.plan = plan;
    let mut running = match start(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kata-room: {e}");
            return ExitCode::from(1);
        }
    };
    // Before the first line, so whoever reads that line has seen the warning too.
    if let Some(warning) = kata_room::server::network_warning(running.addr) {
        eprintln!("kata-room: {warning}");
    }
    let first = serde_json::json!({
        "schema_version": 1,
        "url": running.url(),
        "facilitator_token": running.facilitator_token,
        "join_token": running.join_token,
    });
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{first}");
        let _ = out.flush();
    }
    let age = kata_runner::state::now().saturating_sub(running.started_at);
    if age > 60 {
        kata_room::app::log(&format!(
            "this room was started {} ago on this directory: its clock and learners go on \
             (a new session: another --dir)",
            kata_room::dashboard::duration(age)
        ));
    }
    for w in &running.warnings {
        kata_room::app::log(&format!("warning: {w}"));
    }
    kata_room::app::log(&format!(
        "room at {} ({}); dashboard: {}/#token={}",
        running.url(),
        title.as_deref().unwrap_or("no plan"),
        running.url(),
        running.facilitator_token
    ));
    let stopped = tokio::select! {
        () = signal() => None,
        r = running.wait() => Some(r),
    };
    match stopped {
        None => {
            kata_room::app::log("stopping");
            running.stop().await;
            ExitCode::SUCCESS
        }
        Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(e)) => {
            eprintln!("kata-room: {e}");
            ExitCode::from(1)
        }
    }
}

/// Ctrl-C or SIGTERM.
async fn signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
