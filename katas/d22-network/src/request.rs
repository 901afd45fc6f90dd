//! # Kata 1: parse a request
//!
//! **What.** Turn the bytes of one HTTP/1.x request into a [`Request`]: request line,
//! headers (duplicates kept, names matched without regard to case) and a body whose size
//! comes from `Content-Length`.
//!
//! **Why.** Every byte here comes from a stranger. A parser that trusts the input panics on a
//! stray `\n`, lets two different `Content-Length` values through (the root of request
//! smuggling) or buffers a "header" of a gigabyte. Each of those is a typed [`HttpError`].
//!
//! **Python → Rust.** The article shows the request as text and leaves parsing to aiohttp
//! (its C parser and its `multidict`). In Rust the request stays `&[u8]` until each piece
//! has been checked; [`Headers`] plays the multidict; "need more bytes" is
//! [`HttpError::Incomplete`], a value the caller can act on instead of an exception.
//!
//! **The tests check.**
//! - valid requests from a table (a body whose size comes from `Content-Length`, whatever
//!   the case of the field name, `CONTENT-LENGTH` or `Content-length` alone too, and
//!   whatever the method: a `GET` or `HEAD` that declares a
//!   length has that body, and its lengths are checked like any other's, or the body is
//!   left to be read as the next request) and the request line as logged. Checked by
//!   `parses_a_valid_request`, `renders_the_request_line_for_logs`.
//! - every token character is allowed where a token is asked for, and a target need not be a
//!   path: a method is any token, letters of either case, digits and ``!#$%&'*+-.^_`|~``
//!   (`M-SEARCH`, `X_Y`, `Purge2`, even `get`: methods are case-sensitive, so `get` is not
//!   `GET`, but it is a token and parses, kept as sent); a header name likewise holds any
//!   token character (`X_Custom`, `X.Trace`, `X!Y`); a target is any visible ASCII, kept as
//!   sent: `*` (`OPTIONS * HTTP/1.1`), a whole URL (`GET http://h/x HTTP/1.1`, what a proxy
//!   receives) and `host:port` (`CONNECT h:443 HTTP/1.1`) parse. Checked by
//!   `accepts_a_method_made_of_any_token_characters`,
//!   `accepts_a_header_name_holding_any_token_symbol`,
//!   `accepts_a_target_of_any_visible_ascii_not_only_a_path`.
//! - the version is exactly `HTTP/1.0` or `HTTP/1.1`: any other well-formed `HTTP/x.y`,
//!   `HTTP/1.2` and `HTTP/1.9` included, is an `UnsupportedVersion` naming it (`"HTTP/1.2"`).
//!   RFC 9112 lets a server answer a request of a higher 1.x minor as 1.1, but this kata's
//!   contract is exact versions: a 1.x other than 1.0 and 1.1 is never taken for `HTTP/1.1`.
//!   Checked by `refuses_an_http1_minor_version_other_than_0_or_1`,
//!   `rejects_an_invalid_request_with_the_matching_error`.
//! - headers: duplicates kept in order, each name as sent (never stored lower-cased),
//!   names matched without regard to ASCII case (only ASCII: a KELVIN SIGN U+212A is not a
//!   `K`), optional whitespace (spaces and tabs,
//!   nothing else) trimmed, a tab kept, a UTF-8 value kept as
//!   sent (U+FFFD included, and a U+00A0, U+2028 or U+3000 at either edge: those are not
//!   optional whitespace). Checked by
//!   `keeps_a_utf8_header_value_even_one_holding_the_replacement_character`,
//!   `keeps_unicode_spaces_at_the_edges_of_a_header_value`,
//!   `keeps_duplicate_headers_in_order_and_matches_names_case_insensitively`,
//!   `finds_a_header_name_by_ascii_case_only`,
//!   `looking_up_a_missing_header_finds_nothing`,
//!   `an_empty_header_list_is_empty_and_a_filled_one_is_not`,
//!   `keeps_a_tab_inside_a_header_value`, `trims_optional_whitespace_around_header_values`,
//!   `accepts_repeated_content_length_values_that_agree`.
//! - each error from a table, conflicting lengths (every value, in any field or comma list,
//!   must equal the first: `3, 4, 3` is refused, naming `3` and `4`) and any
//!   `Transfer-Encoding` included, whatever the case of its name (`TRANSFER-ENCODING`,
//!   `Transfer-encoding`; also next to a `Content-Length`: framing the body by the
//!   length while a peer reads it chunked is request smuggling; `identity`, in any case, too:
//!   RFC 9112 no longer defines it, so it is not a way of saying "no coding"; nor is an empty
//!   field or one holding only commas: `Transfer-Encoding:` or `Transfer-Encoding: ,` next to
//!   a `Content-Length` is refused too, naming the value as sent, `""` or `","`), and a
//!   control character in a header value (C0, DEL or C1; only a tab is allowed),
//!   at either edge as in the middle (a VT, FF, CR or NEL next to the colon or at the
//!   line's end is refused, not trimmed away);
//!   a header name must be a non-empty token (ASCII letters, digits and ``!#$%&'*+-.^_`|~``
//!   only: a space, control byte, non-ASCII letter or any separator of `(),/;<=>?@[\]{}`
//!   and `"` is a `MalformedHeader`); the method must be a token too (allow the token
//!   characters, do not deny a list of separators: a control byte, DEL or non-ASCII letter
//!   in it, as in `G\x07T`, `G\x7fT` or `GÉT`, is a `MalformedRequestLine`); the version's
//!   `HTTP` is case-sensitive (`http/1.1` is a `MalformedRequestLine`); a request target must be visible ASCII (`!` to `~` only: a
//!   control byte or any non-ASCII character, even valid UTF-8 such as `é`, U+00A0 or
//!   U+2028, is a `MalformedRequestLine`); a
//!   byte that is not UTF-8 is an error of the line it is in (request line or header), not
//!   of the whole head; with several bad lines, the first in order decides the error (a
//!   control byte in a value decides before a bad name on a later line).
//!   Checked by `rejects_an_invalid_request_with_the_matching_error`,
//!   `refuses_a_control_character_at_either_edge_of_a_header_value`,
//!   `rejects_a_header_name_holding_any_separator`, `rejects_a_header_value_that_is_not_utf8`.
//! - comma lists (`Content-Length`, `Connection`): each item is trimmed of spaces and tabs
//!   only, like a header value, never of other whitespace (`str::trim` also strips U+00A0,
//!   U+2028, U+3000, VT, FF, NEL…): `Content-Length: 3,` then a U+00A0 then `3` is an
//!   `InvalidContentLength` naming the item with its U+00A0, and a `Connection` token with a
//!   U+00A0, U+2028, VT or FF at its edge is neither `close` nor `keep-alive` (in a
//!   [`Request`] built by hand as in a parsed one). Every `Content-Length` item must be ASCII
//!   digits: an empty item is refused, not skipped (`,5`, `5,,5`, `5,` or `5, ,5` is an
//!   `InvalidContentLength` naming `""`; RFC 9110 would let a recipient drop empty list
//!   elements, but a peer that refuses the field frames the body differently: a smuggling
//!   seam). Checked by
//!   `refuses_a_content_length_item_with_a_unicode_space_at_its_edge`,
//!   `refuses_a_content_length_list_with_an_empty_item`,
//!   `trims_connection_tokens_of_spaces_and_tabs_only`.
//! - the limits: a head over the limit is refused as soon as the limit's worth has arrived,
//!   a declared body over the limit before it arrives, and both limits are inclusive.
//!   Checked by `rejects_a_header_section_over_the_default_8_kib`,
//!   `reports_an_unfinished_head_over_the_limit_as_too_large_not_incomplete`,
//!   `gives_up_once_max_head_bytes_arrived_without_a_blank_line`,
//!   `accepts_a_head_of_exactly_the_limit`, `accepts_a_64_kib_body_under_the_default_limits`,
//!   `rejects_a_body_over_1_mib_under_the_default_limits`, `accepts_a_body_of_exactly_the_limit`,
//!   `rejects_a_declared_body_over_the_limit_before_it_arrives`.
//! - `consumed` leaves the next request alone; keep-alive follows the version and the
//!   `Connection` tokens of every `Connection` field, whatever the case of its name
//!   (`CONNECTION: close` closes; a `close` in a later field counts, and
//!   `close` wins over `keep-alive`: HTTP/1.0 with `Connection: keep-alive, close` closes);
//!   tokens match by ASCII rules only (a KELVIN SIGN U+212A is not a `k`).
//!   Checked by `reports_how_many_bytes_a_request_used_and_leaves_the_next_one_alone`,
//!   `decides_keep_alive_from_version_and_connection_header`.
//! - a declared length is a claim: with a body limit of `usize::MAX`, `Content-Length:
//!   18446744073709551615` is `Incomplete` (where the body would end is a checked sum, never
//!   an overflow). Checked by
//!   `a_declared_length_at_the_top_of_usize_is_incomplete_not_an_overflow`.
//! - arbitrary bytes never panic, every proper prefix is `Incomplete`, and
//!   `Request::to_bytes` then `parse_request` gives the same request back. Checked by
//!   `never_panics_on_arbitrary_bytes`,
//!   `never_panics_on_arbitrary_bytes_after_a_valid_request_line`,
//!   `every_proper_prefix_of_a_request_is_incomplete`,
//!   `a_request_survives_the_round_trip_through_its_wire_bytes`.

use std::fmt;

use crate::chunked::ChunkedError;

/// The header section limit used by [`parse_request`]: 8 KiB, like most servers.
pub const DEFAULT_MAX_HEAD: usize = 8 * 1024;
/// The body limit used by [`parse_request`]: 1 MiB.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Size limits that protect the parser from oversized input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest header section (request line, headers and the blank line) in bytes.
    pub max_head: usize,
    /// Largest body in bytes.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_head: DEFAULT_MAX_HEAD,
            max_body: DEFAULT_MAX_BODY,
        }
    }
}

/// Everything that can be wrong with an HTTP message on the wire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The message is not complete yet: read more bytes and try again.
    #[error("incomplete message: more bytes are needed")]
    Incomplete,
    /// The request line is not `METHOD SP target SP HTTP/x.y`.
    #[error("malformed request line: {0:?}")]
    MalformedRequestLine(String),
    /// A header line is not `name: value`, or contains forbidden bytes.
    #[error("malformed header line: {0:?}")]
    MalformedHeader(String),
    /// The version is well formed but not HTTP/1.0 or HTTP/1.1.
    #[error("unsupported HTTP version: {0:?}")]
    UnsupportedVersion(String),
    /// A `Content-Length` value is not a decimal number that fits in `usize`.
    #[error("invalid Content-Length: {0:?}")]
    InvalidContentLength(String),
    /// Two `Content-Length` values disagree.
    #[error("conflicting Content-Length values: {0:?} and {1:?}")]
    ConflictingContentLength(String, String),
    /// The request uses a `Transfer-Encoding` this parser does not accept.
    #[error("unsupported Transfer-Encoding: {0:?}")]
    UnsupportedTransferEncoding(String),
    /// The header section is larger than the limit.
    #[error("header section larger than {limit} bytes")]
    HeadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The declared body is larger than the limit.
    #[error("body of {length} bytes exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The declared length.
        length: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A response's status line is not `HTTP/x.y SP code SP reason` (client side).
    #[error("malformed status line: {0:?}")]
    MalformedStatusLine(String),
    /// A request target the client refuses to send (it must start with `/`, no spaces).
    #[error("invalid request target: {0:?}")]
    InvalidTarget(String),
    /// A chunked body could not be decoded.
    #[error("bad chunked body: {0}")]
    Chunked(#[from] ChunkedError),
    /// The peer closed the connection before the message was complete.
    #[error("connection closed before the message was complete")]
    UnexpectedEof,
    /// The socket failed (connection refused, reset, timed out…).
    #[error("i/o error: {0}")]
    Io(String),
}

impl From<std::io::Error> for HttpError {
    fn from(err: std::io::Error) -> Self {
        Self::Io(err.to_string())
    }
}

/// The protocol versions this crate speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `HTTP/1.0`: the connection closes after each response unless asked otherwise.
    Http10,
    /// `HTTP/1.1`: connections are kept alive unless `Connection: close`.
    Http11,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Http10 => "HTTP/1.0",
            Self::Http11 => "HTTP/1.1",
        })
    }
}

/// An ordered list of header fields: duplicates kept in order, names compared
/// case-insensitively (the article's `multidict`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    // your storage here
}

impl Headers {
    /// An empty header list.
    pub fn new() -> Self {
        todo!("create an empty header list")
    }

    /// Adds a field at the end, keeping any earlier field with the same name.
    pub fn append(&mut self, name: &str, value: &str) {
        todo!("append the header {name:?}: {value:?}")
    }

    /// The first value of `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        todo!("look up the first value of header {name:?}")
    }

    /// Every value of `name` in the order received.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        todo!("collect every value of header {name:?}")
    }

    /// Every field as `(name, value)` in the order received, names as sent.
    pub fn entries(&self) -> Vec<(&str, &str)> {
        todo!("list every header field in order")
    }

    /// The number of fields, duplicates counted.
    pub fn len(&self) -> usize {
        todo!("count the header fields")
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        todo!("say whether there are no header fields")
    }
}

/// One parsed HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target as sent, e.g. `/index.html?q=1`.
    pub target: String,
    /// The protocol version.
    pub version: Version,
    /// The header fields in order.
    pub headers: Headers,
    /// The body (`Content-Length` bytes; empty without one).
    pub body: Vec<u8>,
}

impl Request {
    /// The request line, e.g. `GET / HTTP/1.1`, as a server would log it.
    pub fn request_line(&self) -> String {
        todo!("render the request line of {} {}", self.method, self.target)
    }

    /// Writes the request back to wire bytes: request line, headers as stored, blank line, body.
    pub fn to_bytes(&self) -> Vec<u8> {
        todo!("write {} {} back to wire bytes", self.method, self.target)
    }

    /// Whether the client wants the connection kept open after the response.
    pub fn wants_keep_alive(&self) -> bool {
        todo!("decide keep-alive for a {} request", self.version)
    }
}

/// A request parsed from the front of a buffer, and how many bytes it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The request.
    pub request: Request,
    /// Bytes of the buffer it occupied; anything after belongs to the next request.
    pub consumed: usize,
}

/// Parses one complete request with the default [`Limits`].
pub fn parse_request(raw: &[u8]) -> Result<Request, HttpError> {
    todo!("parse a request from {} bytes", raw.len())
}

/// Parses the request at the front of `raw` under `limits`; trailing bytes are left alone.
pub fn parse_with(raw: &[u8], limits: &Limits) -> Result<Parsed, HttpError> {
    todo!("parse a request from {} bytes under {limits:?}", raw.len())
}
