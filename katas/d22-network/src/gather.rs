//! # Kata 7: concurrent fetches
//!
//! **What.** [`get`] is the async twin of [`http_get`](crate::client::http_get);
//! [`fetch_all`] sends one `GET` per path *at the same time* and returns the results in
//! the order of the paths, one `Result` each.
//!
//! **Why.** Ten calls of 100 ms each take a second one after another and about 100 ms
//! together. A loop of `.await`s looks concurrent and is not: each request starts only when
//! the previous one has finished.
//!
//! **Python → Rust.** The article's exercise queries an API five times with aiohttp and
//! `asyncio.gather`. In tokio a future does nothing until polled, so "start them all, then
//! wait" means spawning each request as a task (or joining the futures) before awaiting any.
//! One failure stays in its own slot instead of cancelling the rest.
//!
//! **The tests check.**
//! - every request is in flight at once: the suite's server answers only when all of them
//!   (5, or 1,000) are open, so a sequential version, or one in batches of fewer than 1,000,
//!   waits for ever; the test says so as soon as the one-thread runtime is idle with every
//!   open request sent and fewer than all of them open (on Linux: tokio's park count and
//!   `/proc/net/tcp`; elsewhere a deadlock guard). Checked by
//!   `returns_results_in_input_order_although_the_server_answers_in_reverse`,
//!   `has_a_thousand_requests_in_flight_at_once`.
//! - each request's reads run concurrently with the others' too, not only its sends: when
//!   the server answers a 4 MiB response (bigger than the socket buffers of a client that
//!   does not read it) before a small one, a version that sends every request and then
//!   reads the responses one by one in order deadlocks, reported by a 3 s watchdog. Checked
//!   by `reads_every_response_at_once_not_in_turn_after_sending_all`.
//! - (on Linux) the connects run at once too, and on the event loop: with the server's
//!   accept queue full (the test fills it first, so the kernel drops every SYN and no
//!   handshake completes), all 5 connection attempts are under way at once (`SYN_SENT` in
//!   `/proc/net/tcp`) by the time the one-thread runtime is idle. A version that connects
//!   (and sends) each request in turn, awaiting one handshake before starting the next, has
//!   one under way when the runtime goes idle; one that connects with a blocking `std` call
//!   has the runtime's thread asleep in `connect`. Checked by
//!   `connects_every_request_at_once_not_one_handshake_after_another`.
//! - results come back in input order although the server answers in reverse, and a
//!   failing path keeps its slot without spoiling the others. Checked by
//!   `returns_results_in_input_order_although_the_server_answers_in_reverse`,
//!   `a_failing_path_keeps_its_slot_and_spoils_nothing_else`.
//! - an empty list gives an empty result. Checked by `an_empty_list_gives_an_empty_result`.
//! - `get` reads one response (over many reads, without waiting for a keep-alive server to
//!   close or for a pause: tokio's clock is held still until it returns, so a timeout that
//!   takes silence after the last bytes as the end never fires; also when the response is
//!   a multiple of any common read buffer (every power of two up to 64 KiB, 1000·k, 1460,
//!   1500·k, 9000, a few primes) and so fills it to the last byte: a full read is not a sign
//!   that more is coming) and
//!   refuses an invalid target; it frames the body as
//!   [`parse_response`](crate::client::parse_response) does (chunked, until close, and a
//!   declared length that never arrives is `UnexpectedEof`, and a connection the server
//!   resets is an `Io` error, never the close that ends the body), handing it every read: a
//!   server that streams a head without end and keeps the connection open gets
//!   `HeadTooLarge` once `get` holds more than
//!   [`MAX_RESPONSE_HEAD`](crate::client::MAX_RESPONSE_HEAD) bytes, not a client that
//!   buffers until a blank line arrives. Checked by
//!   `get_refuses_an_endless_head_without_waiting_for_the_server_to_close`,
//!   `get_frames_a_response_like_the_blocking_client`,
//!   `get_reports_a_reset_connection_as_an_io_error_not_as_the_end_of_the_body`, `get_fetches_one_response_on_tokio`,
//!   `get_reads_a_body_that_takes_many_reads`,
//!   `get_returns_a_complete_response_without_waiting_for_close`,
//!   `get_refuses_an_invalid_target`.
//! - `get` never takes a pause for the end of a body framed by the close, only the close
//!   (read's `Ok(0)`): it may give up on a silent server after
//!   [`CLIENT_READ_TIMEOUT`](crate::client::CLIENT_READ_TIMEOUT), as `http_get` does (it
//!   need not), but a server that sends a head with no framing and part of the body, pauses
//!   29 s of tokio's paused clock, then sends the rest and closes, gets the whole body read.
//!   After a pause of an hour, far past any idle timer, `get` returns the whole body or an
//!   `Io` error, never the body cut short as if the server had closed. Checked by
//!   `get_waits_through_a_pause_in_a_body_framed_by_the_close`,
//!   `get_never_takes_a_long_silence_for_the_end_of_a_body_framed_by_the_close`.
//! - a declared Content-Length is a claim, not an allocation: 100 MB declared and 3 bytes
//!   sent cost `get` at most 64 bytes more heap than 10 declared and the same 3 bytes sent.
//!   Checked by `get_does_not_allocate_a_declared_length_up_front`.
//! - the I/O runs on tokio's event loop, not on blocking threads: `get` and `fetch_all`
//!   start no thread of tokio's blocking pool (the runtime's `on_thread_start` hook counts
//!   them; the blocking client on `spawn_blocking`, one OS thread per request, starts one).
//!   Checked by
//!   `get_does_its_io_on_the_event_loop_not_on_a_blocking_thread`,
//!   `fetch_all_does_its_io_on_the_event_loop_not_on_blocking_threads`.
//! - the request is written on the event loop too: while a request bigger than the
//!   socket's buffers waits for a server that reads nothing yet, the runtime's one thread
//!   waits for events, not in a blocking send (Linux: `/proc/self/task/<tid>/syscall`).
//!   Checked by
//!   `get_writes_a_request_bigger_than_the_socket_buffers_without_blocking_the_runtime`.
//! - no thread per request either: with 50 requests in flight on a one-thread runtime, the
//!   process has no more threads than before, named or not (Linux's `/proc/self/task`, the
//!   test alone in a child process). Checked by
//!   `fifty_requests_in_flight_use_no_thread_besides_the_runtimes_own`.
//! - no spinning or timer polling: while the server is silent, `get`'s task is not polled
//!   again (at most twice in 100 turns of the runtime and 100 s of tokio's paused clock
//!   in 1 s steps) until its socket has data, which is what registering with tokio's
//!   reactor gives; a non-blocking `std` socket retried after `yield_now` or a `sleep` of
//!   any length up to 30 s is polled every turn or step, or at least three times. Once the
//!   server answers, `get` returns its answer, or an `Io` error if it gave up on the silence
//!   after [`CLIENT_READ_TIMEOUT`](crate::client::CLIENT_READ_TIMEOUT), as it may. Checked by
//!   `get_sleeps_while_the_server_is_silent_instead_of_spinning`.
//!
//! **Not checked.** A batch of 1,000 requests or more: it looks like "all at once" to any
//! test with fewer paths, and a test with more would need more descriptors than a CI
//! machine is sure to give.
//!
//! **Not checked.** What [`fetch_all`] does with a task that panics (a `JoinError`): turning it
//! into an `Err` in that path's slot and unwrapping it with `expect` look the same, since
//! [`get`] never panics and so no test can make a task panic.
//!
//! **Not a dodge.** Polling every request's future from one task (a `poll_fn` or a
//! `join_all` that polls each unfinished future in turn) instead of one `tokio::spawn` per
//! request: "or joining the futures" above allows it. The lesson is that every request is
//! in flight before any is awaited, and one task that polls them all gives exactly that:
//! each future waits on its own socket, and the task is woken whenever any of them can go
//! on. Separate tasks could also run on several threads of a multi-thread runtime, which
//! one task cannot, but the work here is waiting on sockets, not computing, so nothing a
//! caller can see changes.

use std::net::SocketAddr;

use crate::client::ClientResponse;
use crate::request::HttpError;

/// Sends `GET path` to `addr` on tokio and reads the whole response.
pub async fn get(addr: SocketAddr, path: &str) -> Result<ClientResponse, HttpError> {
    todo!("GET {path} from {addr} on tokio")
}

/// Fetches every path concurrently; result `i` belongs to `paths[i]`.
pub async fn fetch_all(addr: SocketAddr, paths: &[&str]) -> Vec<Result<ClientResponse, HttpError>> {
    todo!("fetch {paths:?} from {addr} concurrently")
}
