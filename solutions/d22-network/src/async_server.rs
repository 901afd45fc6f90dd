//! # Kata 6: the async server
//!
//! **What.** [`serve`] runs on tokio: every connection is its own task, so one slow or
//! silent client never holds up another. HTTP/1.1 connections stay open for further
//! requests until the client sends `Connection: close` (whether a connection stays open
//! after a response is what the request's `wants_keep_alive` says, so an HTTP/1.0 client
//! that sends `Connection: keep-alive` keeps it too); a client that has not delivered a
//! whole request (head and body) within [`ServerConfig::header_timeout`] is dropped, however
//! steadily it drips bytes: one deadline per request, not per read; when `shutdown` completes the server stops
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
//! **The tests check.**
//! - 200 for `/`, 404 for anything else. Checked by `answers_the_root_path_with_200`,
//!   `answers_an_unknown_path_with_404`.
//! - every connection is its own task: 100 clients are in flight at once, a silent client
//!   delays nobody, and on a two-thread runtime a handler that keeps its thread busy stalls
//!   no other connection (connection futures polled together inside one task would), whether
//!   it is busy in the future it returns or in the call that makes that future (which the
//!   connection runs itself: spawning only the handler's future leaves it there).
//!   Checked by `serves_a_hundred_clients_at_the_same_time`,
//!   `a_silent_client_does_not_delay_anyone_else`,
//!   `a_handler_that_keeps_its_thread_busy_does_not_stall_other_connections`.
//! - each request is parsed with `config.limits`: a head over `max_head` gets 431 and a body
//!   over `max_body` 413, whatever `header_timeout` allows; a head that never ends gets its
//!   431 as soon as `max_head` bytes have arrived without the blank line (before any time
//!   passes on tokio's paused clock), not at the deadline. Checked by
//!   `refuses_a_request_over_the_configured_limits`,
//!   `refuses_a_head_that_never_ends_as_soon_as_it_is_over_the_limit`.
//! - (on Unix) an accept that fails for want of file descriptors (`EMFILE`) does not end
//!   `serve`: it goes on accepting, and the client is served once descriptors are free (the
//!   test runs alone in a child process whose `RLIMIT_NOFILE` is 64). Checked by
//!   `keeps_serving_after_an_accept_that_fails_for_want_of_descriptors`.
//! - connections are tasks on the event loop, not OS threads: on a current-thread runtime
//!   the handler runs on the runtime's own thread. Checked by
//!   `every_connection_is_a_task_on_the_runtime_not_an_os_thread`.
//! - `header_timeout` is one deadline for the whole request, head and body (tokio's paused
//!   clock): a silent client, one that stalls mid-header, and one that drips a byte a second
//!   (its head, its head after 8 s of silence, its body, its head for 9 s of the 10 and
//!   then its body, or, on a keep-alive connection, its second request after 8 s of silence:
//!   neither the first byte nor the body starts a fresh timeout, and every request gets the
//!   deadline, not only the first; the deadline runs from the accept or the end of the last
//!   response) are all closed at the deadline without reaching the handler.
//!   Checked by `closes_a_silent_client_after_the_header_timeout`,
//!   `closes_a_client_that_stops_halfway_through_its_headers`,
//!   `a_peer_that_stalls_mid_header_is_dropped_at_the_deadline_without_a_word`,
//!   `a_client_dripping_its_request_one_byte_a_second_is_cut_off_at_the_deadline`.
//! - on a keep-alive connection the wait for the next request is under the same deadline,
//!   from the end of the last response: a client that got its answer and then says nothing
//!   is closed `header_timeout` later, and a busy one (a request 6 s after each answer,
//!   `header_timeout` 10 s, each handler taking 8 s: the handler's time does not count
//!   against the next request) is served however long it stays. Checked by
//!   `an_idle_keep_alive_connection_is_closed_one_header_timeout_after_its_last_response`,
//!   `every_request_on_a_keep_alive_connection_gets_a_deadline_of_its_own`.
//! - a declared `Content-Length` is a claim, not an allocation: [`serve_connection`] holds
//!   no more heap (within 64 bytes) for a request that declares a 1 MiB body (the default
//!   `max_body`) and sends 3 bytes than for the same bytes declaring 10. Checked by
//!   `a_declared_body_length_is_not_allocated_up_front`.
//! - memory follows what arrived, never what the limits allow: a `POST` that declares
//!   `Content-Length: 10` and sends 3 bytes holds at most 64 KiB of heap at its peak in
//!   [`serve_connection`] (no `max_body` reserved once the head is in and a body is still to
//!   come), and so does a small GET on a connection whose `max_head` is 1 MiB (no `max_head`
//!   reserved per connection). Checked by
//!   `a_body_still_to_come_holds_a_small_heap_whatever_the_limits_allow`,
//!   `a_connection_holds_a_small_heap_however_large_the_head_limit`.
//! - the deadline ends once the request is read: a handler six times slower than
//!   `header_timeout` still gets its answer to the client. Checked by
//!   `a_handler_slower_than_the_header_timeout_still_gets_its_answer_out`.
//! - finished connections are let go as they end, not kept until shutdown or until the
//!   next client is accepted: once 100 clients, all open at once, have been answered and
//!   closed, and no client has come since, `serve` holds no more heap (within 8 KiB; each
//!   finished task kept holds about 180 bytes) than before them. Checked by
//!   `finished_connections_are_let_go_not_kept_until_shutdown`.
//! - keep-alive serves several (and pipelined) requests on one connection, in order;
//!   `Connection: close` (alone or in a token list such as `Upgrade, close`) and HTTP/1.0
//!   close after one response, which says so with `Connection: close`; a request in fragments is
//!   answered once, when whole, and one that ends exactly where a read fills the buffer
//!   (4, 8, 12, 16, 32 or 64 KiB in one write) is answered at once, with no time passing (a full read
//!   does not mean more is coming: parse after every read); keep-alive is what `wants_keep_alive` says: an HTTP/1.0
//!   request with `Connection: keep-alive`, or an HTTP/1.1 one whose token merely contains
//!   the letters (`Connection: enclosed`), is answered unmarked and its connection serves
//!   the next request. Checked by `keeps_the_connection_alive_for_several_requests`,
//!   `keeps_the_connection_open_whenever_the_request_wants_keep_alive`,
//!   `answers_pipelined_requests_in_order`, `honours_connection_close`,
//!   `closes_an_http10_connection_after_one_response`,
//!   `a_request_that_arrives_in_fragments_is_answered_once_it_is_whole`,
//!   `a_request_that_ends_exactly_where_a_read_fills_the_buffer_is_answered_at_once`.
//! - a response is written whole however many writes it takes: a body four times what an
//!   in-memory pipe holds reaches its client complete, and so does an error response (a 400
//!   whose body quotes a bad request line twice what the pipe holds). Checked by
//!   `a_response_larger_than_one_write_reaches_the_client_whole`.
//! - garbage gets 400 and the connection closes; so does a request refused for its size
//!   (431, 413): the rest of its head or body may hold what looks like a request, so a
//!   complete `GET /` sent after the error response is not answered. Checked by
//!   `answers_garbage_with_400_and_closes`,
//!   `closes_the_connection_after_refusing_a_request_over_the_limits`.
//! - graceful shutdown: the request in flight finishes (marked `Connection: close`), whether
//!   the stop comes while its handler runs or while the client is halfway through sending
//!   it; idle keep-alive connections close, and the listener is closed at once, so a new
//!   client is refused while a request is still in flight. Checked by
//!   `graceful_shutdown_finishes_the_request_in_flight`,
//!   `a_stop_signal_lets_the_request_in_flight_finish`,
//!   `graceful_shutdown_closes_idle_keep_alive_connections`,
//!   `refuses_new_connections_after_shutdown`.
//! - an idle connection sleeps until a byte or the stop signal comes (no timer wakes it to
//!   check a flag) and closes at once when the server stops; a request in flight is waited
//!   for however long it takes (an hour of paused clock), never cut after a grace period.
//!   Checked by `an_idle_connection_sleeps_until_the_stop_signal_then_closes_at_once`,
//!   `graceful_shutdown_waits_as_long_as_the_request_in_flight_takes`.
//! - the shutdown's wait for the last connection sleeps until a connection ends: `serve`'s
//!   future is polled at most 3 times during a (paused) minute with a request in flight (no
//!   counter read on a timer). Checked by
//!   `shutdown_sleeps_until_the_last_connection_ends_instead_of_polling`.
//! - a connection whose handler panicked is reaped like one that ended: the server keeps
//!   serving, and the shutdown still returns (a hand-kept counter the panicking task never
//!   counts down would wait forever). Checked by
//!   `a_handler_that_panics_does_not_stall_the_shutdown`.
//!
//! **Not checked.** That the connection's own reading, parsing and writing run in its own
//! task when the whole handler call is moved to a task of its own: a version that polls
//! every connection future in one Vec and spawns `handler(request)` entire passes, because
//! no test can make a connection's own code (not the handler) hold its thread: `serve` takes
//! a real listener, and socket reads and writes never block the event loop. A cap on
//! simultaneous connections above 100 (a semaphore that turns
//! away the 257th client): the largest crowd the tests hold open at once is 100 clients,
//! and more would cost CI descriptors and time. That accept errors other than `EMFILE` (a
//! connection aborted in the queue, `ENOBUFS`) are survived too: Linux cannot be made to
//! return them to a test, and `serve` takes a real listener, with no seam to inject them.
//!
//! **Not a dodge.** Detaching each connection with `tokio::spawn` and waiting for the
//! shutdown on a drop guard each task holds (an `mpsc` sender whose last drop ends the
//! receiver's `recv`) instead of a `JoinSet`: the guard drops when the task ends or unwinds,
//! so finished and panicked connections are let go as they end and the wait sleeps until
//! the last one is gone, which is all the lesson asks.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::raw_server::{error_response, route};
use crate::request::{HttpError, Limits, Parsed, Request, parse_with};
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
    Arc::new(|request: Request| Box::pin(async move { route(&request) }))
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
    handler: Handler,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                // A failed accept (e.g. out of file descriptors) must not end the server.
                if let Ok((stream, _)) = accepted {
                    let conn = serve_connection(stream, config, Arc::clone(&handler), stop_rx.clone());
                    connections.spawn(conn);
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    // Ignore the result: it only fails when no connection is left to tell.
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Serves requests on one connection (any byte stream: a socket, or a scripted peer in the
/// tests) until it closes, misses the header deadline, or `stop` turns true while it is idle.
/// [`serve`] runs one of these per accepted connection.
pub async fn serve_connection<S>(
    mut stream: S,
    config: ServerConfig,
    handler: Handler,
    mut stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut buf = Vec::new();
    loop {
        let read = read_request(&mut stream, &mut buf, &config.limits, &mut stop);
        let outcome = match tokio::time::timeout(config.header_timeout, read).await {
            Ok(Some(outcome)) => outcome,
            // Timed out, or idle when the server stopped: just close.
            Err(_) | Ok(None) => return,
        };
        let parsed = match outcome {
            Ok(parsed) => parsed,
            Err(HttpError::UnexpectedEof | HttpError::Io(_)) => return,
            Err(err) => {
                // Ignore the result: the connection closes either way.
                let _ = stream.write_all(&error_response(&err).to_bytes()).await;
                return;
            }
        };
        buf.drain(..parsed.consumed);
        let keep_alive = parsed.request.wants_keep_alive() && !*stop.borrow();
        let mut response = handler(parsed.request).await;
        if !keep_alive || *stop.borrow() {
            response = response.header("Connection", "close");
        }
        if stream.write_all(&response.to_bytes()).await.is_err() || !keep_alive || *stop.borrow() {
            return;
        }
    }
}

/// Reads one request. `None` when the server stops while the connection is idle.
async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    limits: &Limits,
    stop: &mut watch::Receiver<bool>,
) -> Option<Result<Parsed, HttpError>> {
    let mut chunk = [0u8; 4096];
    loop {
        match parse_with(buf, limits) {
            Err(HttpError::Incomplete) => {}
            done => return Some(done),
        }
        let idle = buf.is_empty();
        let n = tokio::select! {
            read = stream.read(&mut chunk) => read,
            _ = stop.wait_for(|&stopped| stopped), if idle => return None,
        };
        match n {
            Ok(0) => return Some(Err(HttpError::UnexpectedEof)),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(err) => return Some(Err(err.into())),
        }
    }
}
