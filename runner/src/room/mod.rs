//! The learner's side of a facilitator's live room (`cargo kata room`, the server is the
//! `kata-room` crate): after every check, hint, solution shown and green, [`notify`] queues the
//! learner's `report --json` snapshot (never source code) in `.kata/room-outbox/` and starts a
//! detached background sender, so no verdict waits for the network and nothing is lost while
//! it is down. Without `.kata/room.toml` (no `room join`), [`notify`] does nothing.
//!
//! One job per module: [`config`] (`.kata/room.toml`), [`outbox`] (the queue), [`http`] (a tiny
//! HTTP/1.1 client), [`api`] (the room's endpoints), [`send`] (draining the queue under a lock),
//! [`record`] (what the last sends did, for `room status`), [`error`].

pub mod api;
pub mod config;
pub mod error;
pub mod http;
pub mod outbox;
pub mod record;
pub mod send;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use error::RoomError;

/// Whether this clone has joined a room (`.kata/room.toml` exists): one `stat`.
pub fn joined(root: &Path) -> bool {
    config::exists(root)
}

/// After a check, hint, solution shown or green: when this clone has joined a room, queues
/// `snapshot` (the `cargo kata report --json` document) and starts the background sender
/// (`kata room flush`, detached: its own process group, no stdio, not waited for). Returns at
/// once; without `.kata/room.toml` it does nothing. An error means the snapshot was not
/// queued (the next one carries the same progress); nothing is printed.
pub fn notify(root: &Path, snapshot: &serde_json::Value) -> Result<(), RoomError> {
    notify_using(root, snapshot, runner_exe().as_deref())
}

/// [`notify`] with the sender program given: `None` only queues (the next `room status`,
/// `room flush` or notify sends it).
pub fn notify_using(
    root: &Path,
    snapshot: &serde_json::Value,
    sender: Option<&Path>,
) -> Result<(), RoomError> {
    if !joined(root) {
        return Ok(());
    }
    queue(root, snapshot)?;
    if let Some(exe) = sender {
        spawn_sender(root, exe)?;
    }
    Ok(())
}

/// Queues a snapshot without sending it. Only a report document is accepted (a JSON object
/// with `schema_version` and a `katas` array): nothing else leaves the learner's machine.
pub fn queue(root: &Path, snapshot: &serde_json::Value) -> Result<PathBuf, RoomError> {
    let is_report = snapshot
        .get("schema_version")
        .is_some_and(serde_json::Value::is_u64)
        && snapshot
            .get("katas")
            .is_some_and(serde_json::Value::is_array);
    if !is_report {
        return Err(RoomError::io(
            "queueing a snapshot for the room",
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a `cargo kata report --json` document",
            ),
        ));
    }
    let bytes = serde_json::to_vec(snapshot)
        .map_err(|e| RoomError::io("queueing a snapshot for the room", std::io::Error::other(e)))?;
    outbox::push(root, &bytes)
}

/// The runner's own executable, when this process is it (not a test binary that links the
/// library: that one must not be started as a sender).
fn runner_exe() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .filter(|p| p.file_stem().is_some_and(|s| s == "kata"))
}

/// Starts `<exe> room flush` in `root`, detached: its own process group (Ctrl-C in the
/// terminal does not reach it), stdin, stdout and stderr null. A thread reaps it when it ends,
/// so a long `watch` leaves no zombies; a short command simply exits and leaves it running.
pub fn spawn_sender(root: &Path, exe: &Path) -> Result<(), RoomError> {
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(exe)
        .args(["room", "flush"])
        .current_dir(root)
        .env("KATA_ROOT", root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| RoomError::io(format!("starting {} room flush", exe.display()), e))?;
    let reaper = std::thread::Builder::new()
        .name("kata-room-sender".into())
        .spawn(move || {
            let _ = child.wait();
        });
    // Without a thread the child is reaped when this process exits: nothing is lost.
    drop(reaper);
    Ok(())
}
