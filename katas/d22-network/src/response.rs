//! # Kata 2: write a response
//!
//! **What.** A [`Response`] builder whose [`Response::to_bytes`] produces exactly what goes on
//! the wire: `HTTP/1.1 <code> <reason>`, the headers in the order they were added, a
//! `Content-Length` the builder computes itself, a blank line, the body. Every line ends in
//! `\r\n`.
//!
//! **Why.** The article's raw server sends no `Content-Length`, so the client can only find
//! the end of the body when the connection closes; keep-alive is then impossible. A wrong
//! length is worse: the client hangs or reads the next response as this one's body.
//!
//! **Python → Rust.** The article builds the response with string concatenation. Here a
//! builder owns the pieces and renders bytes once, so the length is never typed by hand.
//!
//! **The tests check** the exact bytes with insta snapshots (200, 404, 400, empty body),
//! reason phrases from a table, header order and that a hand-written `Content-Length` is
//! replaced by the real one.

/// The standard reason phrase for a status code; `"Unknown"` for codes this crate does not name.
pub fn reason_phrase(status: u16) -> &'static str {
    todo!("name the reason phrase of status {status}")
}

/// An HTTP/1.1 response under construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    // your fields here
}

impl Response {
    /// A response with this status, no headers and an empty body.
    pub fn new(status: u16) -> Self {
        todo!("start a response with status {status}")
    }

    /// Adds a header after those already added.
    pub fn header(self, name: &str, value: &str) -> Self {
        todo!("add the header {name:?}: {value:?}")
    }

    /// Sets the body.
    pub fn body(self, _body: impl Into<Vec<u8>>) -> Self {
        todo!("set the response body")
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        todo!("return the status code")
    }

    /// The body set so far.
    pub fn body_bytes(&self) -> &[u8] {
        todo!("return the body")
    }

    /// The wire bytes: status line, headers in order, `Content-Length`, blank line, body.
    pub fn to_bytes(&self) -> Vec<u8> {
        todo!("write the response as wire bytes")
    }
}
