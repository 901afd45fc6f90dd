//! The room's database: one SQLite file under `--dir` (WAL, `synchronous = FULL`), holding
//! the room's own tokens, every learner and token, a line per stored snapshot, each learner's
//! latest snapshot and the marks of their katas. A restart on the same directory reads it
//! all back ([`load`]); a snapshot counts as stored once its transaction has committed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::plan::RoomPlan;
use crate::snapshot;
use crate::state::{Change, Latest, Marks, Room};
use crate::token;

/// The database's file name inside `--dir`.
pub const DB_FILE: &str = "room.sqlite3";

/// The schema's version, in `meta`.
const SCHEMA: &str = "1";

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS learners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    joined_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    issued_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS snapshots (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    received_at INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS latest (
    learner_id INTEGER PRIMARY KEY REFERENCES learners(id),
    seq INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS marks (
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    kata TEXT NOT NULL,
    started_at INTEGER,
    stuck_since INTEGER,
    PRIMARY KEY (learner_id, kata)
);
";

/// The room's own secrets and clock.
#[derive(Debug, Clone)]
pub struct Meta {
    /// The facilitator's token (dashboard, room document, revoke, export).
    pub facilitator_token: String,
    /// The token learners join with.
    pub join_token: String,
    /// Unix seconds when the room was first started on this directory.
    pub started_at: u64,
}

/// Opens (creating if needed) the database in `dir`.
pub fn open(dir: &Path) -> Result<Connection> {
    let path = dir.join(DB_FILE);
    let ctx = |what: &str| format!("{what} {}", path.display());
    let conn = Connection::open(&path).map_err(|e| Error::sqlite(ctx("opening"), e))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| Error::sqlite(ctx("configuring"), e))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| Error::sqlite(ctx("switching to WAL"), e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Corrupt {
            path,
            message: format!("journal mode {mode}, not WAL"),
        });
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(|e| Error::sqlite(ctx("configuring"), e))?;
    conn.execute_batch(CREATE)
        .map_err(|e| Error::sqlite(ctx("creating the tables of"), e))?;
    Ok(conn)
}

/// The room's tokens and clock, made on the first start and kept after.
pub fn meta(conn: &mut Connection, path: &Path, now: u64) -> Result<Meta> {
    let tx = conn
        .transaction()
        .map_err(|e| Error::sqlite("reading the room's tokens", e))?;
    let get = |key: &str| -> Result<Option<String>> {
        tx.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| Error::sqlite("reading the room's tokens", e))
    };
    if let Some(v) = get("schema")?
        && v != SCHEMA
    {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            message: format!("schema {v}, this server knows {SCHEMA}"),
        });
    }
    let value = |key: &str, make: &dyn Fn() -> Result<String>| -> Result<String> {
        if let Some(v) = get(key)? {
            return Ok(v);
        }
        let v = make()?;
        tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", [key, &v])
            .map_err(|e| Error::sqlite("storing the room's tokens", e))?;
        Ok(v)
    };
    let new_token = || token::generate().map_err(Error::Random);
    value("schema", &|| Ok(SCHEMA.to_string()))?;
    let facilitator_token = value("facilitator_token", &new_token)?;
    let join_token = value("join_token", &new_token)?;
    let started_at = value("started_at", &|| Ok(now.to_string()))?;
    let bad = |message: String| Error::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    let started_at = started_at
        .parse()
        .map_err(|_| bad(format!("started_at {started_at:?} is not a time")))?;
    for t in [&facilitator_token, &join_token] {
        if t.len() != token::TOKEN_LEN {
            return Err(bad("a room token is not 32 hex characters".into()));
        }
    }
    tx.commit()
        .map_err(|e| Error::sqlite("storing the room's tokens", e))?;
    Ok(Meta {
        facilitator_token,
        join_token,
        started_at,
    })
}

/// Every row of `sql`, each as a tuple of its columns.
fn rows<T>(conn: &Connection, sql: &str) -> Result<Vec<T>>
where
    T: for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>,
{
    let q = |e| Error::sqlite("reading the room", e);
    let mut stmt = conn.prepare(sql).map_err(q)?;
    let rows = stmt.query_map([], |r| T::try_from(r)).map_err(q)?;
    rows.collect::<rusqlite::Result<_>>().map_err(q)
}

/// Everything stored, as a room in memory; bodies that no longer read as snapshots are
/// left out (each named in the returned warnings).
pub fn load(conn: &Connection, meta: &Meta, plan: Option<RoomPlan>) -> Result<(Room, Vec<String>)> {
    let mut room = Room::new(meta.started_at, plan);
    let mut warnings = Vec::new();
    let learners: Vec<(i64, String, bool)> =
        rows(conn, "SELECT id, name, revoked FROM learners ORDER BY id")?;
    let mut revoked = Vec::new();
    for (id, name, is_revoked) in learners {
        room.apply(Change::Learner { id, name });
        if is_revoked {
            revoked.push(id);
        }
    }
    let tokens: Vec<(String, i64)> = rows(
        conn,
        "SELECT token, learner_id FROM tokens WHERE revoked = 0 ORDER BY rowid",
    )?;
    for (token, learner_id) in tokens {
        room.apply(Change::Token { token, learner_id });
    }
    let latest: Vec<(i64, i64, i64, String)> = rows(
        conn,
        "SELECT learner_id, seq, received_at, body FROM latest",
    )?;
    for (learner_id, seq, received_at, body) in latest {
        match snapshot::parse(body.as_bytes()) {
            Ok(snapshot) => room.apply(Change::Snapshot {
                learner_id,
                latest: Latest {
                    seq,
                    received_at: u64::try_from(received_at).unwrap_or(0),
                    body: Arc::from(body),
                    snapshot: Arc::new(snapshot),
                },
                marks: Vec::new(),
            }),
            Err(e) => warnings.push(format!("snapshot {seq} left out: {e}")),
        }
    }
    let marks: Vec<(i64, String, Option<i64>, Option<i64>)> = rows(
        conn,
        "SELECT learner_id, kata, started_at, stuck_since FROM marks",
    )?;
    let secs = |t: Option<i64>| t.and_then(|t| u64::try_from(t).ok());
    for (learner_id, kata, started_at, stuck_since) in marks {
        room.load_marks(
            learner_id,
            kata,
            Marks {
                started_at: secs(started_at),
                stuck_since: secs(stuck_since),
            },
        );
    }
    for id in revoked {
        room.load_revoked(id);
    }
    Ok((room, warnings))
}

/// A learner by name: row id and whether revoked.
pub fn learner(tx: &Connection, name: &str) -> rusqlite::Result<Option<(i64, bool)>> {
    tx.query_row(
        "SELECT id, revoked FROM learners WHERE name = ?1",
        [name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Whether a learner row is revoked (none: no such learner).
pub fn revoked(tx: &Connection, learner_id: i64) -> rusqlite::Result<Option<bool>> {
    tx.query_row(
        "SELECT revoked FROM learners WHERE id = ?1",
        [learner_id],
        |r| r.get(0),
    )
    .optional()
}

/// A new learner row.
pub fn insert_learner(tx: &Connection, name: &str, now: u64) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO learners (name, joined_at) VALUES (?1, ?2)",
        params![name, now as i64],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A new token for a learner.
pub fn insert_token(
    tx: &Connection,
    token: &str,
    learner_id: i64,
    now: u64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO tokens (token, learner_id, issued_at) VALUES (?1, ?2, ?3)",
        params![token, learner_id, now as i64],
    )?;
    Ok(())
}

/// Stores a snapshot as the learner's latest; returns its sequence number.
pub fn insert_snapshot(
    tx: &Connection,
    learner_id: i64,
    body: &str,
    now: u64,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO snapshots (learner_id, received_at, bytes) VALUES (?1, ?2, ?3)",
        params![learner_id, now as i64, body.len() as i64],
    )?;
    let seq = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO latest (learner_id, seq, received_at, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (learner_id) DO UPDATE SET seq = excluded.seq,
             received_at = excluded.received_at, body = excluded.body",
        params![learner_id, seq, now as i64, body],
    )?;
    Ok(seq)
}

/// A learner's marks as stored.
pub fn marks(
    tx: &Connection,
    learner_id: i64,
) -> rusqlite::Result<std::collections::HashMap<String, Marks>> {
    let mut stmt =
        tx.prepare_cached("SELECT kata, started_at, stuck_since FROM marks WHERE learner_id = ?1")?;
    let rows = stmt.query_map([learner_id], |r| {
        let secs = |t: Option<i64>| t.and_then(|t| u64::try_from(t).ok());
        Ok((
            r.get::<_, String>(0)?,
            Marks {
                started_at: secs(r.get(1)?),
                stuck_since: secs(r.get(2)?),
            },
        ))
    })?;
    rows.collect()
}

/// Stores changed marks.
pub fn upsert_marks(
    tx: &Connection,
    learner_id: i64,
    marks: &[(String, Marks)],
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO marks (learner_id, kata, started_at, stuck_since) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (learner_id, kata) DO UPDATE SET started_at = excluded.started_at,
             stuck_since = excluded.stuck_since",
    )?;
    for (kata, m) in marks {
        stmt.execute(params![
            learner_id,
            kata,
            m.started_at.map(|t| t as i64),
            m.stuck_since.map(|t| t as i64)
        ])?;
    }
    Ok(())
}

/// Marks a learner and every token of theirs revoked.
pub fn revoke(tx: &Connection, learner_id: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE learners SET revoked = 1 WHERE id = ?1",
        [learner_id],
    )?;
    tx.execute(
        "UPDATE tokens SET revoked = 1 WHERE learner_id = ?1",
        [learner_id],
    )?;
    Ok(())
}

/// The database's path in a room directory.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(DB_FILE)
}
