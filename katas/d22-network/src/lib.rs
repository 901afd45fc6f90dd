//! # Day 22: HTTP is text over TCP: parse it, serve it, survive bad clients
//!
//! Source article: "Python Sockets & Network Architecture: HTTP, TCP/UDP & aiohttp (2026)",
//! series *Logic & Legacy*,
//! <https://dev.to/kaushikcoderpy/python-sockets-network-architecture-http-tcpudp-aiohttp-2026-4p6d>.
//!
//! The article's claim is that HTTP/1.1 is nothing but a text format carried by TCP, that a
//! server on raw sockets is quick to write and quick to get wrong, that production servers
//! are asynchronous so that slow clients cannot stall them, and that UDP gives up delivery
//! guarantees for speed. This suite builds each layer in Rust, with std and tokio, on
//! `127.0.0.1` and ephemeral ports, and then attacks it the way real clients do.
//!
//! | the article's idea | kata |
//! | --- | --- |
//! | a request is a request line, headers, a blank line and a body; aiohttp's `multidict` | [`request`] |
//! | a response is a status line, headers, a blank line and a body | [`response`] |
//! | chunked transfer encoding for payloads of unknown size | [`chunked`] |
//! | the raw socket server, its `recv(1024)` bug, the 404 exercise | [`raw_server`] |
//! | `requests.get`: a blocking client | [`client`] |
//! | aiohttp's event loop: many connections, keep-alive, no client can stall the rest | [`async_server`] |
//! | the exercise: query an API concurrently with aiohttp | [`gather`] |
//! | UDP: no handshake, no retries, message boundaries | [`udp`] |
//!
//! ## What does not carry over to Rust
//!
//! - *Text.* The article decodes the request as UTF-8 before looking at it. HTTP headers are
//!   bytes, and a Rust `&str` must be valid UTF-8, so the parser works on `&[u8]` and only
//!   turns checked pieces into `String`s; a non-UTF-8 header is a typed error, not a
//!   `UnicodeDecodeError` that kills the server.
//! - *One thread.* asyncio runs on one thread; tokio's default runtime runs tasks on several,
//!   so a handler must be `Send`. The bench compares one tokio thread against one OS thread
//!   per connection, which is the article's comparison.
//! - *TLS.* The article's HTTPS challenge needs a TLS library (`rustls`); std has none, so it
//!   is left out of this suite.
//! - *The Three-Way Handshake and retransmission* happen inside the kernel in both languages;
//!   the suite shows their effect instead: TCP delivers a byte stream (so reads must loop),
//!   UDP delivers whole datagrams or nothing (so the client must retry).

#[cfg(any(not(feature = "one-kata"), feature = "async_server"))]
pub mod async_server;
#[cfg(any(not(feature = "one-kata"), feature = "chunked"))]
pub mod chunked;
#[cfg(any(not(feature = "one-kata"), feature = "client"))]
pub mod client;
#[cfg(any(not(feature = "one-kata"), feature = "gather"))]
pub mod gather;
#[cfg(any(not(feature = "one-kata"), feature = "raw_server"))]
pub mod raw_server;
#[cfg(any(not(feature = "one-kata"), feature = "request"))]
pub mod request;
#[cfg(any(not(feature = "one-kata"), feature = "response"))]
pub mod response;
#[cfg(any(not(feature = "one-kata"), feature = "udp"))]
pub mod udp;

#[cfg(test)]
#[path = "../../../tests/d22-network/mod.rs"]
mod suite;
