//! Starting and stopping a room: the directory (created private, locked against a second
//! server), the database read back into memory, the writer thread, the listener.

use std::fs::{File, OpenOptions};
use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::error::{Error, Result};
use crate::limit::Rate;
use crate::plan::RoomPlan;
use crate::writer::Writer;
use crate::{api, store};

/// The lock file inside `--dir`: one server per directory.
pub const LOCK_FILE: &str = "room.lock";

/// How to run a room.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (port 0: any free port).
    pub bind: SocketAddr,
    /// The room's directory (database, lock).
    pub dir: PathBuf,
    /// The plan to follow.
    pub plan: Option<RoomPlan>,
    /// Each learner's rate limit.
    pub learner_rate: Rate,
}

impl Config {
    /// Defaults: the learner rate of [`Rate::LEARNER`], no plan.
    pub fn new(bind: SocketAddr, dir: impl Into<PathBuf>) -> Self {
        Self {
            bind,
            dir: dir.into(),
            plan: None,
            learner_rate: Rate::LEARNER,
        }
    }
}

/// A running room.
#[derive(Debug)]
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The facilitator's token.
    pub facilitator_token: String,
    /// The token learners join with.
    pub join_token: String,
    /// Stored snapshots that could not be read back (left out of the room).
    pub warnings: Vec<String>,
    /// Unix seconds when the room was first started on its directory.
    pub started_at: u64,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    writer: std::thread::JoinHandle<()>,
    _lock: File,
}

impl Running {
    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops listening, ends the event streams, lets running requests finish and the
    /// writer commit what it was given.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
        let writer = self.writer;
        let _ = tokio::time::timeout(
            Duration::from_secs(10),
            tokio::task::spawn_blocking(move || writer.join()),
        )
        .await;
    }

    /// Runs until the server stops by itself (an error of the listener).
    pub async fn wait(&mut self) -> std::io::Result<()> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
}

/// The warning for an address beyond loopback: the room is reachable from the network.
pub fn network_warning(addr: SocketAddr) -> Option<String> {
    (!addr.ip().is_loopback()).then(|| {
        format!(
            "warning: listening on {addr}: the room is reachable from the network. Anyone who \
             has the join token can join; keep the facilitator token to yourself."
        )
    })
}

fn lock(dir: &std::path::Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Busy {
            dir: dir.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(Error::io(format!("locking {}", path.display()), e))
        }
    }
}

/// Opens the room in `config.dir` (made on the first start, readable by its owner only) and
/// starts serving. Must run inside a Tokio runtime.
pub async fn start(config: Config) -> Result<Running> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&config.dir)
        .map_err(|e| Error::io(format!("creating {}", config.dir.display()), e))?;
    let lock = lock(&config.dir)?;
    // The tokens are in the database: made readable by its owner only before SQLite opens it.
    let db = store::path(&config.dir);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&db)
        .map_err(|e| Error::io(format!("creating {}", db.display()), e))?;
    let mut conn = store::open(&config.dir)?;
    let meta = store::meta(&mut conn, &db, kata_runner::state::now())?;
    let (room, warnings) = store::load(&conn, &meta, config.plan)?;
    let room = Arc::new(Mutex::new(room));
    let (changed_tx, changed) = watch::channel(0u64);
    let (writer, writer_thread) = Writer::spawn(conn, room.clone(), changed_tx)
        .map_err(|e| Error::io("starting the writer thread", e))?;
    let (stop, stopping) = watch::channel(false);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| Error::io(format!("listening on {}", config.bind), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("reading the listening address", e))?;
    let app = Arc::new(App::new(
        room,
        writer,
        meta.facilitator_token.clone(),
        meta.join_token.clone(),
        config.learner_rate,
        changed,
        stopping.clone(),
    ));
    let router = api::router(app);
    let mut until = stopping;
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = until.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(Running {
        addr,
        facilitator_token: meta.facilitator_token,
        join_token: meta.join_token,
        warnings,
        started_at: meta.started_at,
        stop,
        task,
        writer: writer_thread,
        _lock: lock,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_loopback_address_binds_without_a_warning() {
        for quiet in ["127.0.0.1:7878", "[::1]:7878", "127.0.0.2:0"] {
            assert_eq!(network_warning(quiet.parse().unwrap()), None, "{quiet}");
        }
        for loud in ["0.0.0.0:7878", "192.168.1.20:7878", "[::]:7878"] {
            let w = network_warning(loud.parse().unwrap()).unwrap();
            assert!(w.contains("reachable from the network"), "{loud}: {w}");
        }
    }
}
