//! Sending the outbox: the newest queued snapshot is posted (only the newest matters to the
//! room); once the room acknowledges it, it and every older one are removed. On a network
//! error or a 5xx everything stays for the next attempt; on 401 sending stops and the record
//! says "revoked or unknown token"; a snapshot the room refuses as malformed (400, 413) is moved
//! to `.kata/room-rejected/` so it cannot block the queue. One sender at a time: the lock
//! `.kata/room-send.lock`, taken with try-lock by the background sender (a second one ends at
//! once: the first one sends what it finds queued before it lets go).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::Duration;

use crate::room::error::RoomError;
use crate::room::http::Url;
use crate::room::{api, config, outbox, record};

/// The lock file's name under `.kata/`.
pub const LOCK_FILE: &str = "room-send.lock";

/// How often a rate-limited post (429) is tried again, after 1, 2 and 4 s.
const RATE_LIMIT_RETRIES: u32 = 3;

/// Whether to wait for another sender or leave the work to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Take the lock or end at once (the background sender).
    No,
    /// Wait for the other sender to finish, then send (`room status`, `room join`).
    Yes,
}

/// What a flush did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Another sender held the lock: it sends the queue.
    pub busy: bool,
    /// Snapshots the room acknowledged.
    pub sent: usize,
    /// Older snapshots dropped because a newer one was acknowledged.
    pub superseded: usize,
    /// Snapshots the room refused as malformed, moved to `.kata/room-rejected/`.
    pub rejected: usize,
    /// The room's sequence number of the last acknowledged snapshot.
    pub seq: Option<u64>,
    /// Why sending stopped with snapshots still queued.
    pub error: Option<RoomError>,
    /// Snapshots still queued afterwards.
    pub queued: usize,
}

/// Sends what is queued. `Err` only when there is no room to send to (or its file is bad).
pub fn flush(root: &Path, wait: Wait) -> Result<Outcome, RoomError> {
    let room = config::load(root)?.ok_or(RoomError::NotJoined)?;
    let url = Url::parse(&room.url).map_err(|why| RoomError::Url {
        url: room.url.clone(),
        why,
    })?;
    outbox::sweep(root);
    let mut out = Outcome::default();
    loop {
        let Some(lock) = lock(root, wait)? else {
            out.busy = true;
            break;
        };
        let clean = drain(root, &url, &room.token, &mut out);
        drop(lock);
        // A snapshot queued while this sender held the lock, by a process whose own sender
        // found the lock taken and ended: this one sends it.
        if !clean || outbox::pending(root).is_empty() {
            break;
        }
    }
    out.queued = outbox::pending(root).len();
    Ok(out)
}

/// The send lock, or `None` when another sender holds it and `wait` is [`Wait::No`].
fn lock(root: &Path, wait: Wait) -> Result<Option<File>, RoomError> {
    let dir = root.join(crate::state::STATE_DIR);
    let path = dir.join(LOCK_FILE);
    let io = |e| RoomError::io(format!("locking {}", path.display()), e);
    std::fs::create_dir_all(&dir).map_err(io)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) if wait == Wait::No => Ok(None),
        Err(TryLockError::WouldBlock) => {
            file.lock().map_err(io)?;
            Ok(Some(file))
        }
        Err(TryLockError::Error(e)) => Err(io(e)),
    }
}

/// Sends until the queue is empty (`true`) or an error stops it (`false`, recorded).
fn drain(root: &Path, url: &Url, token: &str, out: &mut Outcome) -> bool {
    let mut rec = record::load(root);
    let mut rate_limited = 0;
    let stop = |rec: &mut record::Record, e: RoomError, revoked: bool, out: &mut Outcome| {
        rec.failed(crate::state::now(), e.to_string(), revoked);
        record::save(root, rec);
        out.error = Some(e);
        false
    };
    loop {
        let pending = outbox::pending(root);
        let Some(newest) = pending.last() else {
            return true;
        };
        let body = match std::fs::read(newest) {
            Ok(b) => b,
            // Sent and removed by a sender that held the lock before this one.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                let e = RoomError::io(format!("reading {}", newest.display()), e);
                return stop(&mut rec, e, false, out);
            }
        };
        match api::post_snapshot(url, token, &body) {
            Ok(seq) => {
                outbox::remove(&pending);
                out.sent += 1;
                out.superseded += pending.len() - 1;
                out.seq = seq.or(out.seq);
                rec.sent(crate::state::now(), seq);
                record::save(root, &rec);
            }
            Err(e @ RoomError::Revoked { .. }) => return stop(&mut rec, e, true, out),
            Err(e @ (RoomError::BadRequest { .. } | RoomError::Unexpected { status: 413, .. })) => {
                if let Err(moved) = outbox::reject(root, newest) {
                    return stop(&mut rec, moved, false, out);
                }
                out.rejected += 1;
                rec.failed(
                    crate::state::now(),
                    format!("a snapshot was refused and set aside in .kata/room-rejected/: {e}"),
                    false,
                );
                record::save(root, &rec);
            }
            Err(RoomError::Unexpected { status: 429, .. }) if rate_limited < RATE_LIMIT_RETRIES => {
                // The room's rate limit: wait as it asks, then try the newest again.
                std::thread::sleep(Duration::from_secs(1 << rate_limited));
                rate_limited += 1;
            }
            Err(e) => return stop(&mut rec, e, false, out),
        }
    }
}
