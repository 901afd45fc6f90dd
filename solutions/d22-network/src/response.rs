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
//! **The tests check.**
//! - the exact bytes, with insta snapshots: 200 with headers in order, 404, 400, an empty
//!   body with `Content-Length: 0`. Checked by
//!   `writes_a_200_with_headers_in_order_and_a_computed_length`, `writes_a_404`,
//!   `writes_a_400_that_closes_the_connection`,
//!   `writes_an_empty_body_with_content_length_zero`.
//! - reason phrases from a table, `"Unknown"` for others. Checked by
//!   `uses_the_standard_reason_phrase`.
//! - `Content-Length` counts the body's bytes (not characters), a hand-written one (in any
//!   case, each letter upper or lower, as `content-LENGTH`; added before or after `body()`,
//!   or with no body set) is replaced by the real one,
//!   and every line ends in CRLF. Checked by
//!   `counts_the_length_in_bytes_not_characters`,
//!   `replaces_a_hand_written_content_length_with_the_real_one`,
//!   `content_length_always_matches_the_body`.
//! - duplicate headers keep the order they were added; status and body are readable.
//!   Checked by `keeps_duplicate_headers_in_the_order_added`, `exposes_status_and_body`.
//!
//! **Not checked.** Header values containing CR or LF: the builder writes what it is given,
//! so callers must not pass untrusted text as a header value.

use crate::request::Headers;

/// The standard reason phrase for a status code; `"Unknown"` for codes this crate does not name.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// An HTTP/1.1 response under construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    status: u16,
    headers: Headers,
    body: Vec<u8>,
}

impl Response {
    /// A response with this status, no headers and an empty body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header after those already added.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body set so far.
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    /// The wire bytes: status line, headers in order, `Content-Length`, blank line, body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        )
        .into_bytes();
        for (name, value) in self.headers.entries() {
            if !name.eq_ignore_ascii_case("content-length") {
                out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.body.len()).as_bytes());
        out.extend_from_slice(&self.body);
        out
    }
}
