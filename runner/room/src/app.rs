//! What every request handler shares: the room in memory, the writer, the room's tokens,
//! the rate limits, the change counter the event streams follow, and the log.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, Uri, header};
use tokio::sync::watch;

use crate::document;
use crate::limit::{Limiter, Rate};
use crate::state::Room;
use crate::token;
use crate::writer::Writer;

/// The shared state.
#[derive(Debug)]
pub struct App {
    /// The room in memory (changed only by the writer).
    pub room: Arc<Mutex<Room>>,
    /// Where changes go.
    pub writer: Writer,
    facilitator_token: String,
    join_token: String,
    /// One bucket per learner.
    pub learner_limit: Limiter<i64>,
    /// One bucket for all joins.
    pub join_limit: Limiter<()>,
    /// Bumped by the writer after every commit that changed the room.
    pub changed: watch::Receiver<u64>,
    /// True once the server is stopping (event streams end).
    pub stopping: watch::Receiver<bool>,
    cache: Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    generation: u64,
    at: Instant,
    json: Arc<str>,
}

impl App {
    /// The shared state.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        room: Arc<Mutex<Room>>,
        writer: Writer,
        facilitator_token: String,
        join_token: String,
        learner_rate: Rate,
        changed: watch::Receiver<u64>,
        stopping: watch::Receiver<bool>,
    ) -> Self {
        Self {
            room,
            writer,
            facilitator_token,
            join_token,
            learner_limit: Limiter::new(learner_rate),
            join_limit: Limiter::new(Rate::JOINS),
            changed,
            stopping,
            cache: Mutex::new(None),
        }
    }

    /// Whether the request carries the facilitator token (`Authorization: Bearer …` or
    /// `?token=…`).
    pub fn is_facilitator(&self, headers: &HeaderMap, uri: &Uri) -> bool {
        let presented = bearer(headers).or_else(|| query_token(uri));
        presented.is_some_and(|t| token::eq(t.as_bytes(), self.facilitator_token.as_bytes()))
    }

    /// Whether `presented` is the join token.
    pub fn is_join_token(&self, presented: &str) -> bool {
        token::eq(presented.as_bytes(), self.join_token.as_bytes())
    }

    /// The room document now. The lock is held only to copy the room's view (snapshots
    /// are shared), so the writer is never kept waiting by a document.
    pub fn document(&self) -> Option<document::Document> {
        let view = self.room.lock().ok()?.view();
        Some(document::build(&view, kata_runner::state::now()))
    }

    /// The room document as JSON, shared by every event stream: built again after a change
    /// or once it is a second old.
    pub fn document_json(&self) -> Arc<str> {
        let generation = *self.changed.borrow();
        let Ok(mut cache) = self.cache.lock() else {
            return Arc::from(self.build_json());
        };
        if let Some(c) = cache.as_ref()
            && c.generation == generation
            && c.at.elapsed() < Duration::from_secs(1)
        {
            return c.json.clone();
        }
        let json: Arc<str> = Arc::from(self.build_json());
        *cache = Some(Cached {
            generation,
            at: Instant::now(),
            json: json.clone(),
        });
        json
    }

    fn build_json(&self) -> String {
        self.document()
            .and_then(|d| serde_json::to_string(&d).ok())
            .unwrap_or_else(|| "{\"error\":\"the room is unavailable\"}".into())
    }
}

/// The bearer token of a request.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `?token=…` of a request (tokens are hex: nothing to decode).
pub fn query_token(uri: &Uri) -> Option<&str> {
    uri.query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// A line on the server's log (stdout); a closed stdout loses the line, nothing else.
pub fn log(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{} {line}", clock());
}

/// `HH:MM:SS` (UTC) for the log.
fn clock() -> String {
    let t = kata_runner::state::now() % 86_400;
    format!("{:02}:{:02}:{:02}", t / 3600, (t % 3600) / 60, t % 60)
}
