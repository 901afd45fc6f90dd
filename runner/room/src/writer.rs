//! The one writer: a thread that owns the database connection and applies joins, snapshots
//! and revocations in transactions. Requests that arrive while a transaction commits are
//! committed together in the next one (group commit: one `fsync` for many snapshots). A
//! request is answered only after its transaction has committed, and the room in memory is
//! changed at the same moment, so an acknowledged snapshot is on disk and nothing on the
//! dashboard is missing from it.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{oneshot, watch};

use crate::snapshot::Snapshot;
use crate::state::{self, Change, Latest, Room};
use crate::store;

/// The most requests committed in one transaction.
const BATCH: usize = 256;

/// What to store.
#[derive(Debug)]
pub enum Op {
    /// A learner joins (or joins again): a new token for the row of that name.
    Join {
        /// The name, already checked.
        name: String,
        /// The new token (made by the caller, from the operating system's generator).
        token: String,
    },
    /// A snapshot for the learner a token chose.
    Snapshot {
        /// The learner's row.
        learner_id: i64,
        /// The body as posted.
        body: Arc<str>,
        /// What the room reads of it.
        snapshot: Snapshot,
    },
    /// The facilitator revokes a learner.
    Revoke {
        /// The learner's name.
        name: String,
    },
}

/// The answer, sent after the commit.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// Joined: the new token.
    Joined {
        /// The learner's new token.
        token: String,
        /// True when the name was new to the room.
        new: bool,
    },
    /// Stored: the snapshot's sequence number.
    Stored {
        /// The sequence number.
        seq: i64,
    },
    /// Revoked.
    Revoked,
    /// The name was revoked: it cannot join again.
    NameRevoked,
    /// The learner was revoked after their token was checked.
    LearnerRevoked,
    /// No learner of that name.
    UnknownName,
    /// The database refused; nothing was stored.
    Failed(String),
}

type Request = (Op, oneshot::Sender<Reply>);

/// The handle request handlers send through.
#[derive(Debug, Clone)]
pub struct Writer {
    tx: mpsc::Sender<Request>,
}

impl Writer {
    /// Starts the writer thread. It ends when every [`Writer`] is dropped, after answering
    /// every request it received.
    pub fn spawn(
        conn: Connection,
        room: Arc<Mutex<Room>>,
        changed: watch::Sender<u64>,
    ) -> std::io::Result<(Writer, JoinHandle<()>)> {
        let (tx, rx) = mpsc::channel::<Request>();
        let handle = std::thread::Builder::new()
            .name("room-writer".into())
            .spawn(move || run(conn, rx, &room, &changed))?;
        Ok((Writer { tx }, handle))
    }

    /// Stores one request and waits for its commit.
    pub async fn send(&self, op: Op) -> Reply {
        let (reply, answer) = oneshot::channel();
        if self.tx.send((op, reply)).is_err() {
            return Reply::Failed("the room is shutting down".into());
        }
        answer
            .await
            .unwrap_or_else(|_| Reply::Failed("the room's writer stopped".into()))
    }
}

fn run(
    mut conn: Connection,
    rx: mpsc::Receiver<Request>,
    room: &Mutex<Room>,
    changed: &watch::Sender<u64>,
) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        commit(&mut conn, batch, room, changed);
    }
}

/// One transaction for a batch: each request in a savepoint of its own (one that fails
/// stores nothing and fails alone), then the commit, then memory, then the answers.
fn commit(
    conn: &mut Connection,
    batch: Vec<Request>,
    room: &Mutex<Room>,
    changed: &watch::Sender<u64>,
) {
    let now = kata_runner::state::now();
    let plan = room.lock().map(|r| r.plan.clone()).unwrap_or(None);
    let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            for (_, reply) in batch {
                let _ = reply.send(Reply::Failed(format!("the database is busy: {e}")));
            }
            return;
        }
    };
    let mut done: Vec<(oneshot::Sender<Reply>, Reply, Vec<Change>)> = Vec::new();
    for (op, reply) in batch {
        // A savepoint that is dropped without its commit rolls back.
        let outcome = match tx.savepoint() {
            Ok(sp) => match apply(&sp, op, plan.as_ref(), now) {
                Ok((answer, changes)) => match sp.commit() {
                    Ok(()) => (answer, changes),
                    Err(e) => (Reply::Failed(e.to_string()), Vec::new()),
                },
                Err(e) => (Reply::Failed(e.to_string()), Vec::new()),
            },
            Err(e) => (Reply::Failed(e.to_string()), Vec::new()),
        };
        done.push((reply, outcome.0, outcome.1));
    }
    if let Err(e) = tx.commit() {
        for (reply, _, _) in done {
            let _ = reply.send(Reply::Failed(format!("the commit failed: {e}")));
        }
        return;
    }
    let mut any = false;
    if let Ok(mut room) = room.lock() {
        for (_, _, changes) in &mut done {
            for change in changes.drain(..) {
                room.apply(change);
                any = true;
            }
        }
    }
    if any {
        changed.send_modify(|generation| *generation += 1);
    }
    for (reply, answer, _) in done {
        let _ = reply.send(answer);
    }
}

/// One request inside its savepoint: the answer and what memory must learn.
fn apply(
    tx: &Connection,
    op: Op,
    plan: Option<&crate::plan::RoomPlan>,
    now: u64,
) -> rusqlite::Result<(Reply, Vec<Change>)> {
    Ok(match op {
        Op::Join { name, token } => {
            let mut changes = Vec::new();
            let (id, new) = match store::learner(tx, &name)? {
                Some((_, true)) => return Ok((Reply::NameRevoked, Vec::new())),
                Some((id, false)) => (id, false),
                None => {
                    let id = store::insert_learner(tx, &name, now)?;
                    changes.push(Change::Learner { id, name });
                    (id, true)
                }
            };
            store::insert_token(tx, &token, id, now)?;
            changes.push(Change::Token {
                token: token.clone(),
                learner_id: id,
            });
            (Reply::Joined { token, new }, changes)
        }
        Op::Snapshot {
            learner_id,
            body,
            snapshot,
        } => {
            if store::revoked(tx, learner_id)? != Some(false) {
                return Ok((Reply::LearnerRevoked, Vec::new()));
            }
            let seq = store::insert_snapshot(tx, learner_id, &body, now)?;
            let before = store::marks(tx, learner_id)?;
            let marks = state::marks_after(&before, &snapshot, plan, now);
            store::upsert_marks(tx, learner_id, &marks)?;
            (
                Reply::Stored { seq },
                vec![Change::Snapshot {
                    learner_id,
                    latest: Latest {
                        seq,
                        received_at: now,
                        body,
                        snapshot: Arc::new(snapshot),
                    },
                    marks,
                }],
            )
        }
        Op::Revoke { name } => match store::learner(tx, &name)? {
            None => (Reply::UnknownName, Vec::new()),
            Some((learner_id, _)) => {
                store::revoke(tx, learner_id)?;
                (Reply::Revoked, vec![Change::Revoke { learner_id }])
            }
        },
    })
}
