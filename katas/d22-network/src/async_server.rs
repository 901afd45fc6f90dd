//! # Kata 6: the async server
//!
//! **What.** [`serve`] runs on tokio: every connection is its own task, so one slow or
//! silent client never holds up another. HTTP/1.1 connections stay open for further
//! requests until the client sends `Connection: close`; a client that sends nothing within
//! [`ServerConfig::header_timeout`] is dropped; when `shutdown` completes the server stops
//! accepting, lets requests already being handled finish, closes idle connections and
//! returns.
//!
//! **Why.** A blocking server serves one client at a time: a single client that connects
//! and says nothing (by accident or as a slowloris attack) freezes it. Without timeouts such
//! clients pile up until the process runs out of sockets; without a graceful shutdown every
//! deploy cuts requests in half.
//!
//! **Python → Rust.** The article credits aiohttp's event loop with handling 10,000
//! connections on one thread. tokio is the same design: `spawn` per connection,
//! `tokio::time::timeout` for the header deadline, `tokio::select!` to race reading against
//! the shutdown signal, a `watch` channel to tell every connection, a `JoinSet` to wait
//! for them. Unlike asyncio, tokio can also run those tasks on several threads.
//!
//! **Two functions.** [`serve_connection`] is the loop of one connection over any byte
//! stream (`AsyncRead + AsyncWrite`); [`serve`] accepts sockets and spawns one per
//! connection. Keeping the connection loop generic lets the tests drive it with a scripted
//! peer (`tokio_test::io::Builder`) that sends a request in fragments or stalls mid-header,
//! with no socket at all.
//!
//! **The tests check** 200 and 404, 100 clients in flight at once, that a silent client
//! delays nobody and is closed after the header timeout (tokio's paused clock), keep-alive
//! and `Connection: close`, HTTP/1.0, 400 for garbage, and graceful shutdown; and, on
//! [`serve_connection`] with a scripted peer, a request that arrives in fragments answered
//! once it is whole, a peer that stalls mid-header dropped at the deadline without a word,
//! and a stop signal that lets the request in flight finish (its future stays `Pending`
//! until the handler answers, then the response goes out with `Connection: close`).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::request::{Limits, Request};
use crate::response::Response;

/// A boxed future that can move between threads.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The application: turns a request into a response, asynchronously.
pub type Handler = Arc<dyn Fn(Request) -> BoxFuture<Response> + Send + Sync>;

/// Settings for [`serve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    /// How long a client may take to send a whole request (also the idle keep-alive limit).
    pub header_timeout: Duration,
    /// Size limits for each request.
    pub limits: Limits,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            limits: Limits::default(),
        }
    }
}

/// The article's routes as a [`Handler`]: `/` answers 200, anything else 404.
pub fn hello_handler() -> Handler {
    todo!("wrap raw_server::route as an async handler")
}

/// Serves connections from `listener` until `shutdown` completes, then drains and returns.
///
/// A response gets `Connection: close` when its connection closes after it (the client asked,
/// HTTP/1.0, or the server is stopping). Unparseable requests are answered as
/// [`error_response`](crate::raw_server::error_response) does, then closed; a connection
/// that does not deliver a whole request within `header_timeout` is closed without a word.
pub async fn serve(
    listener: TcpListener,
    config: ServerConfig,
    _handler: Handler,
    _shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    todo!("serve {listener:?} with {config:?}")
}

/// Serves requests on one connection (any byte stream: a socket, or a scripted peer in the
/// tests) until it closes, misses the header deadline, or `stop` turns true while it is idle.
/// [`serve`] runs one of these per accepted connection.
pub async fn serve_connection<S>(
    _stream: S,
    config: ServerConfig,
    _handler: Handler,
    stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    todo!("serve one connection with {config:?} until {stop:?} says stop")
}
