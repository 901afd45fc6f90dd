//! # Kata 5: the raw client
//!
//! **What.** [`http_get`] opens a [`TcpStream`], sends a `GET` and reads the response: status
//! code, reason, headers and a body framed by `Content-Length`, by chunked encoding, or by
//! the server closing the connection.
//!
//! **Why.** A client that reads "until the server closes" hangs forever on a keep-alive
//! server; one that ignores `Transfer-Encoding: chunked` hands the caller hex sizes mixed
//! into the data. Knowing where a response ends is the whole job.
//!
//! **Python → Rust.** `requests.get` hides all of this. Here the framing rules live in one
//! pure function, [`parse_response`], which says "not yet" (`Ok(None)`) until the bytes
//! read so far hold a whole response; the blocking client here and the async one in
//! [`gather`](crate::gather) both drive it.
//!
//! **The tests check** each of the three framings against a server that keeps the
//! connection open, a response head that arrives one byte at a time, duplicate headers,
//! the request the client sends, a malformed status line, a body cut short, a refused
//! connection and a target the client must refuse to send.

use std::net::SocketAddr;
use std::time::Duration;

use crate::request::{Headers, HttpError};

/// The largest response head the client accepts.
pub const MAX_RESPONSE_HEAD: usize = 64 * 1024;
/// How long [`http_get`] waits for the server before giving up.
pub const CLIENT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A response as the client received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientResponse {
    /// The status code, e.g. 200.
    pub status: u16,
    /// The reason phrase as sent, e.g. `OK`.
    pub reason: String,
    /// The header fields in order.
    pub headers: Headers,
    /// The body, already de-chunked.
    pub body: Vec<u8>,
}

/// Sends `GET path` to `addr` and reads the whole response.
pub fn http_get(addr: SocketAddr, path: &str) -> Result<ClientResponse, HttpError> {
    todo!("GET {path} from {addr}")
}

/// The bytes of a `GET` request for `path` with `Host` and `Connection: close`; `path` must
/// start with `/` and hold only visible ASCII, or it is an [`HttpError::InvalidTarget`].
pub fn get_request_bytes(addr: SocketAddr, path: &str) -> Result<Vec<u8>, HttpError> {
    todo!("write the GET request for {path} to {addr}")
}

/// Parses a response from the bytes received so far.
///
/// `Ok(None)` means "read more"; `eof` says the server has closed, so nothing more will come.
///
/// Where the body ends: a `1xx`, `204` or `304` response has no body at all, whatever its
/// headers say (a 304's `Content-Length` describes the cached copy, not this message);
/// otherwise `Transfer-Encoding: chunked` frames it, else `Content-Length`, else the server
/// closing the connection.
pub fn parse_response(buf: &[u8], eof: bool) -> Result<Option<ClientResponse>, HttpError> {
    todo!("parse a response from {} bytes (eof: {eof})", buf.len())
}
