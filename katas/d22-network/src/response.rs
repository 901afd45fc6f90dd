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
