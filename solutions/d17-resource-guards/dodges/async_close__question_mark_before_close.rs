//! Dodge: `?` on the body's result returns before `close().await`, so a failing body drops the connection open (a warning and a leaked session).
//! Caught by: with_connection_closes_when_the_body_fails

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
    let out = body(&mut conn).await?;
    conn.close().await;
    Ok(out)
}
