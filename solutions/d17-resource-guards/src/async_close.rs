//! # Kata 6: async close
//!
//! **Build** `AsyncConnection`, a connection to a simulated remote [`Server`]:
//! `open(&server, url).await`, `query(sql).await`, `close().await`; and
//! `with_connection(&server, url, async |conn| { … })`, the article's `async with`: open,
//! run the body, await the close on success and on error, return the body's result.
//!
//! **Why.** Closing a network connection is I/O: the client says goodbye and the server
//! acknowledges. A server whose clients vanish without that keeps their sessions (and
//! locks, and memory) until a timeout, which is how a database reaches `max_connections`.
//!
//! **Python → Rust.** Python added `async with` because `__exit__` cannot await, and
//! `__aexit__` can. Rust has no async `Drop`: `drop` is a plain function, called wherever
//! the value goes out of scope, even in synchronous code, and it cannot wait for the
//! network. (Blocking in `drop` would freeze the runtime's thread, the article's
//! "blocking gate"; spawning a task from `drop` needs a runtime and gives no guarantee that
//! the close ever finishes.) So async cleanup is an explicit `close(self).await`, which
//! consumes the connection, so it cannot be used or closed again; and a helper,
//! `with_connection`, calls it on every path it can: success and error.
//!
//! Two paths remain where no `.await` is possible: a body that panics, and a future that
//! is *cancelled* (dropped mid-await: a `timeout`, a `select!`, a dropped task handle).
//! There the connection is simply dropped. **This kata's choice for a drop without
//! close:** `Drop` does no I/O and spawns nothing. It calls `Server::warn_dropped(url)`,
//! which records `Event::DroppedWithoutClose(url)` (a logged warning), and the server-side
//! session stays open (`Server::open_sessions` counts it): a documented leak that shows.
//!
//! Rust 2024 note: `async |conn| { … }` is an async closure. Unlike Python's
//! `|conn| async { … }` pattern, it may borrow `conn` (`&mut AsyncConnection`) across its
//! awaits; `with_connection` takes it as `impl AsyncFnOnce(&mut AsyncConnection) -> …`.
//!
//! The tests run on tokio's paused clock, stepping through the simulated latencies with
//! `tokio_test::task::spawn`, `assert_pending!` while the close is in flight and
//! `assert_ready!` after `tokio::time::advance`.
//!
//! **The tests check.**
//! - `open` accepts only URLs of the form `db://name` (a non-empty name); anything else is
//!   `ConnError::BadUrl(url)`, the server is not contacted and nothing warns. Checked by
//!   `a_bad_url_opens_nothing_and_warns_about_nothing`, `an_open_connection_knows_its_url`.
//! - The server sees `Opened`, each `Queried`, then `Closed`, in order, all on one
//!   connection. Checked by `open_query_close_happen_in_order`,
//!   `nested_queries_run_on_one_connection_in_order`.
//! - `close` completes only once the server has acknowledged (`Server::disconnect` has
//!   returned). Checked by `close_is_pending_until_the_server_acknowledges`.
//! - A connection closed with `close().await` records no warning; one dropped open records
//!   exactly one `DroppedWithoutClose` and its session stays open. Checked by
//!   `open_query_close_happen_in_order`, `dropping_an_open_connection_warns_and_leaks_the_session`.
//! - Nothing closes a dropped connection later: no task spawned by `Drop` disconnects it,
//!   however long the runtime runs afterwards, and the next connection to the same server
//!   (open, query, close) does not close it on its way either. Checked by
//!   `nothing_closes_a_dropped_connection_later_behind_the_callers_back`.
//! - `Drop` hands the connection to nobody: once it returns, no task, thread or registry
//!   holds a clone of the server (`Server::handles` is back to the caller's own). Checked by
//!   `a_dropped_connection_leaves_no_handle_to_the_server_behind`.
//! - A `close()` cancelled before the server acknowledged it counts as a drop without close:
//!   one `DroppedWithoutClose`, session still open (the connection is marked closed only
//!   after `disconnect` has returned). Checked by
//!   `a_close_cancelled_before_the_acknowledgement_still_warns`.
//! - `with_connection` returns the body's result unchanged, after the close has completed,
//!   on success and on error. Checked by `with_connection_returns_the_body_result_and_closes`,
//!   `with_connection_closes_when_the_body_fails`,
//!   `with_connection_is_pending_while_close_is_in_flight`.
//! - If `open` fails, the body does not run and nothing is closed. Checked by
//!   `a_connection_that_never_opened_is_not_closed`.
//! - A cancelled `with_connection` (its future dropped mid-query) drops the connection with
//!   one warning, and no hidden task closes it behind the caller's back: right after the
//!   cancel no handle to the server is left but the caller's, and the session is still
//!   open once the runtime has run on. Checked by
//!   `a_cancelled_with_connection_drops_the_connection_with_a_warning`.
//! - A closed connection is dropped normally, not forgotten (`mem::forget` to skip the
//!   warning leaks its url and the server it shares, or fresh values swapped in for them):
//!   after 1000 open-close rounds not one byte more of heap is allocated than before.
//!   Checked by `a_closed_connection_leaves_nothing_behind`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use thiserror::Error;

/// How long the simulated server takes to accept a connection.
pub const CONNECT_LATENCY: Duration = Duration::from_millis(50);
/// How long the simulated server takes to answer a query.
pub const QUERY_LATENCY: Duration = Duration::from_millis(10);
/// How long the simulated server takes to acknowledge a close.
pub const CLOSE_LATENCY: Duration = Duration::from_millis(20);

/// What the simulated server saw, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A connection to this URL was opened.
    Opened(String),
    /// This SQL was run.
    Queried(String),
    /// The connection to this URL was closed (the server acknowledged).
    Closed(String),
    /// A connection to this URL was dropped without `close().await`: its session leaks.
    DroppedWithoutClose(String),
}

/// Why a connection operation failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConnError {
    /// The URL does not start with `db://` or has nothing after it.
    #[error("bad url {0:?}: it must look like db://name")]
    BadUrl(String),
    /// The server refused the query.
    #[error("query failed: {0}")]
    Query(String),
}

#[derive(Debug, Default)]
struct Log {
    events: Vec<Event>,
    sessions: usize,
}

/// A simulated remote database server: every call takes simulated time (`tokio::time`),
/// and everything it sees is logged. Clones share the same server.
#[derive(Debug, Clone, Default)]
pub struct Server {
    log: Arc<Mutex<Log>>,
}

impl Server {
    /// A server with no sessions and an empty log.
    pub fn new() -> Self {
        Self::default()
    }

    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens a session for `url` after [`CONNECT_LATENCY`]; records `Opened(url)`.
    pub async fn connect(&self, url: &str) {
        tokio::time::sleep(CONNECT_LATENCY).await;
        let mut log = self.log();
        log.sessions += 1;
        log.events.push(Event::Opened(url.to_owned()));
    }

    /// Runs `sql` after [`QUERY_LATENCY`]; records `Queried(sql)`. SQL containing `FAIL`
    /// is refused with `ConnError::Query(sql)`; any other SQL answers one row: the SQL itself.
    pub async fn query(&self, sql: &str) -> Result<Vec<String>, ConnError> {
        tokio::time::sleep(QUERY_LATENCY).await;
        self.log().events.push(Event::Queried(sql.to_owned()));
        if sql.contains("FAIL") {
            return Err(ConnError::Query(sql.to_owned()));
        }
        Ok(vec![sql.to_owned()])
    }

    /// Closes the session for `url` after [`CLOSE_LATENCY`]; records `Closed(url)`.
    pub async fn disconnect(&self, url: &str) {
        tokio::time::sleep(CLOSE_LATENCY).await;
        let mut log = self.log();
        log.sessions = log.sessions.saturating_sub(1);
        log.events.push(Event::Closed(url.to_owned()));
    }

    /// Records a `DroppedWithoutClose(url)` warning; takes no time (it is not I/O).
    pub fn warn_dropped(&self, url: &str) {
        self.log()
            .events
            .push(Event::DroppedWithoutClose(url.to_owned()));
    }

    /// Sessions opened and not closed yet.
    pub fn open_sessions(&self) -> usize {
        self.log().sessions
    }

    /// How many handles to this server exist: this one, its clones, and the clone each
    /// live connection holds (anything else that holds one, a task or a thread, counts too).
    pub fn handles(&self) -> usize {
        Arc::strong_count(&self.log)
    }

    /// Everything the server saw so far, oldest first.
    pub fn events(&self) -> Vec<Event> {
        self.log().events.clone()
    }
}

/// An open connection to a [`Server`]. Close it with `close().await`; dropping it open
/// records a `DroppedWithoutClose` warning.
#[derive(Debug)]
pub struct AsyncConnection {
    server: Server,
    url: String,
    closed: bool,
}

impl AsyncConnection {
    /// Checks `url`, then connects to `server`.
    pub async fn open(server: &Server, url: &str) -> Result<AsyncConnection, ConnError> {
        let valid = url
            .strip_prefix("db://")
            .is_some_and(|name| !name.is_empty());
        if !valid {
            return Err(ConnError::BadUrl(url.to_owned()));
        }
        server.connect(url).await;
        Ok(AsyncConnection {
            server: server.clone(),
            url: url.to_owned(),
            closed: false,
        })
    }

    /// The URL this connection was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs `sql` on the server.
    pub async fn query(&mut self, sql: &str) -> Result<Vec<String>, ConnError> {
        self.server.query(sql).await
    }

    /// Closes the connection and waits for the server to acknowledge it.
    pub async fn close(mut self) {
        self.server.disconnect(&self.url).await;
        self.closed = true;
    }
}

impl Drop for AsyncConnection {
    fn drop(&mut self) {
        if !self.closed {
            self.server.warn_dropped(&self.url);
        }
    }
}

/// Opens a connection, runs `body` with it, and awaits `close` whether the body succeeded
/// or failed; returns the body's result.
pub async fn with_connection<T>(
    server: &Server,
    url: &str,
    body: impl AsyncFnOnce(&mut AsyncConnection) -> Result<T, ConnError>,
) -> Result<T, ConnError> {
    let mut conn = AsyncConnection::open(server, url).await?;
    let out = body(&mut conn).await;
    conn.close().await;
    out
}
