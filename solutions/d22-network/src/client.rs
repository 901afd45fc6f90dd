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
//! **The tests check.**
//! - each of the three framings (Content-Length, chunked, close) against a server that
//!   keeps the connection open, over many reads and one byte at a time. Checked by
//!   `reads_a_body_framed_by_content_length_without_waiting_for_close`,
//!   `reads_a_chunked_body_without_waiting_for_close`, `reads_a_body_that_takes_many_reads`,
//!   `reads_a_chunked_body_that_takes_many_reads`,
//!   `reads_the_body_until_close_when_no_length_is_given`,
//!   `reads_a_response_that_arrives_one_byte_at_a_time`.
//! - (on Linux) once the client has read every byte of a whole keep-alive response (framed
//!   by Content-Length or chunked), its thread never waits for data again: neither the close
//!   nor a pause of silence is taken as the end (the server sends the whole response in
//!   one write once the client is asleep in a read; the test counts the client thread's
//!   voluntary context switches from then until [`http_get`] returns, and there must be
//!   none: no clock). A keep-alive response sent in one write whose size is a multiple of
//!   any common read buffer (every power of two up to 64 KiB, 1000·k, 1460, 1500·k, 9000, a
//!   few primes) is whole too: a read that fills the buffer says nothing about what follows.
//!   Checked by
//!   `returns_as_soon_as_the_framing_says_the_response_is_whole`,
//!   `returns_a_response_that_fills_the_read_buffer_exactly`.
//! - where a body ends: exactly Content-Length bytes, chunked over Content-Length (in a list
//!   of codings too), no body for 1xx/204/304, "read more" until complete, an unframed body
//!   only at close. `Connection: close` does not make the close the framing: a response that
//!   says it, with a Content-Length or chunked body whose bytes are all in, is complete at
//!   once (the server may linger before it closes). The framing fields are read as strictly as a request's: Content-Length
//!   by the request parser's rules (`+5` or `abc` is `InvalidContentLength`, `3, 4, 3` or
//!   fields 3 and 4 are `ConflictingContentLength`, each list item is trimmed of spaces and
//!   tabs only: `2,` then a U+00A0 then `2` is `InvalidContentLength`), and chunked is a whole
//!   token of any `Transfer-Encoding` field (`x-notchunked` is not chunked; `chunked` in a
//!   second field is), compared ignoring ASCII case only (`chun`, U+212A KELVIN SIGN, `ed` is
//!   an unknown coding: `to_lowercase` folds that sign into `k`), each coding trimmed of
//!   spaces and tabs only, never with `str::trim`:
//!   `chunked` with a U+00A0 or U+3000 at its edge is an unknown coding, so the body runs to
//!   the close. Field names are case-insensitive: `content-length`, `TRANSFER-ENCODING` or
//!   any other spelling of a framing field's name frames the body as the canonical one does.
//!   Every header line is parsed by the request parser's rules:
//!   `Content-Length : 5`, a line with no colon or a bare LF ending a line is a
//!   `MalformedHeader` naming the line, and so is a name that is not a token (a separator
//!   or a control byte in it: `Content-Length(`, `Transfer-Encoding` then a vertical tab), a
//!   control byte other than a tab in a value (`a`, BEL, `b`), or a line that is not UTF-8.
//!   Checked by `frames_a_body_by_every_framing_field_read_strictly`,
//!   `finds_the_framing_fields_whatever_the_case_of_their_names`,
//!   `trims_transfer_codings_of_spaces_and_tabs_only`,
//!   `parse_response_takes_exactly_content_length_bytes`,
//!   `a_response_marked_connection_close_ends_where_its_framing_says`,
//!   `chunked_framing_wins_over_a_content_length`,
//!   `recognises_chunked_in_a_list_of_transfer_codings`,
//!   `a_response_that_has_no_body_is_complete_after_its_head`,
//!   `parse_response_gives_a_304_no_body_even_with_a_length`,
//!   `parse_response_asks_for_more_until_the_body_is_complete`,
//!   `parse_response_does_not_end_an_unframed_body_before_close`.
//! - the request the client sends, and the targets it refuses to send: only visible ASCII
//!   goes out, so a non-ASCII letter (`é`) or a DEL byte is refused like a space or a CR.
//!   The `Host` header is the server's address as a socket address is written: an IPv6
//!   address goes in brackets (`[::1]:8080`, never `::1:8080`).
//!   Checked by `sends_a_well_formed_get_with_a_host_header`, `builds_the_get_request_bytes`,
//!   `refuses_to_send_an_invalid_target`, `puts_an_ipv6_host_in_brackets`.
//! - the status line and headers: duplicates kept, malformed lines refused (the code is
//!   exactly three ASCII digits: `+200`, `0200` or `00404` is malformed even though it
//!   parses to a code in 100..=599; the version is exactly `HTTP/1.0` or `HTTP/1.1`:
//!   `HTTP/1.x`, `HTTP/1`, `HTTP/10.0`, `HTTP/1.2` or `HTTP/1.9` is malformed, neither a
//!   prefix match on `HTTP/1` nor any `HTTP/1.` followed by a digit;
//!   the line is `version SP code SP reason` with single
//!   spaces: two spaces or a tab between version and code, or a tab after the code, is
//!   malformed, and the reason is everything after the code's space, kept as sent, its
//!   spaces and tabs included), a head of
//!   several kilobytes accepted and one over the limit refused, by [`http_get`] too while
//!   the server is still sending it: a server that streams a head without end and keeps the
//!   connection open gets `HeadTooLarge` once the client holds more than
//!   [`MAX_RESPONSE_HEAD`] bytes (hand every read to the parser, not only the reads after a
//!   blank line has arrived). Checked by
//!   `keeps_duplicate_response_headers`, `parse_response_reads_the_status_line`,
//!   `rejects_a_malformed_status_line`, `parse_response_rejects_a_malformed_status_line`,
//!   `parse_response_refuses_a_status_line_not_split_by_single_spaces`,
//!   `accepts_a_response_head_of_several_kilobytes`, `refuses_a_response_head_over_its_limit`,
//!   `refuses_an_endless_head_without_waiting_for_the_server_to_close`.
//! - a body cut short, a broken chunked body and a refused connection are typed errors.
//!   A body cut short by the server's close is `UnexpectedEof` whatever its framing: a
//!   Content-Length body short of its length, and a chunked body cut inside a chunk or
//!   before its last chunk too (the chunked decoder's "not whole yet" errors only mean
//!   "read more" while the server may still send).
//!   A broken chunked body (`BadSize`, `SizeOverflow`, `MissingCrlf`) is an error as soon
//!   as it is read, before the server closes: only a truncated one means "read more" (a
//!   size that overflows `usize` stays too big whatever follows). A connection the
//!   server resets (`ConnectionReset`, `ConnectionAborted`) is an `Io` error, never the
//!   close that ends a body framed by the close.
//!   Checked by `reports_a_body_cut_short_as_unexpected_eof`,
//!   `reports_a_reset_connection_as_an_io_error_not_as_the_end_of_the_body`,
//!   `reports_a_broken_chunked_body`, `reports_a_refused_connection_as_an_io_error`,
//!   `parse_response_reports_a_broken_chunk_before_the_server_closes`.
//! - a declared Content-Length is a claim, not an allocation: 100 MB declared and 3 bytes
//!   sent cost at most 64 bytes more heap than 10 declared and the same 3 bytes sent (never
//!   reserve the declared length, not even capped: any cap over 64 bytes shows).
//!   Checked by
//!   `a_huge_declared_length_is_not_allocated_up_front`.
//! - (on Linux) [`http_get`] waits for a server that accepted and says nothing on a socket
//!   with a read timeout of at most [`CLIENT_READ_TIMEOUT`], set once, before the first read
//!   (the test finds the socket the blocked thread reads from `/proc/self/task/<tid>/syscall`;
//!   a timeout set again before every read would undo the one the next check shortens).
//!   Checked by `waits_for_a_silent_server_with_a_read_timeout_on_the_socket`.
//! - (on Linux) a pause is never the end of a body framed by the close, only the close is:
//!   a read timeout is an `Io` error, not the end. While the server holds the connection
//!   open in the middle of such a body (every byte sent so far read), the client waits in a
//!   read of its socket whose read timeout is still within a second of
//!   [`CLIENT_READ_TIMEOUT`] and no longer (a 2 s "silence ends the body" timeout shows),
//!   and once the server sends the rest and closes, the whole body comes back. A read that
//!   times out there is an `Io` error, never the body cut short as if the server had closed
//!   (the test shortens the socket's read timeout to a millisecond while the client waits,
//!   has the server send a few more bytes and stay silent, so the next read times out at
//!   once). Checked by `waits_through_a_pause_in_a_body_framed_by_the_close`,
//!   `reports_a_read_timeout_in_a_body_framed_by_the_close_as_an_io_error`.
//!
//! **Not checked.** That the 30 s timeout really fires: showing it would take 30 s.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::chunked::{ChunkedError, decode_chunked};
use crate::request::{
    Headers, HttpError, content_length, head_length, list_items, parse_header_line, strip_cr,
};

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
    let request = get_request_bytes(addr, path)?;
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(CLIENT_READ_TIMEOUT))?;
    stream.write_all(&request)?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk)?;
        buf.extend_from_slice(&chunk[..n]);
        if let Some(response) = parse_response(&buf, n == 0)? {
            return Ok(response);
        }
        // Never loop on a closed socket, whatever the parser says.
        if n == 0 {
            return Err(HttpError::UnexpectedEof);
        }
    }
}

/// The bytes of a `GET` request for `path` with `Host` and `Connection: close`; `path` must
/// start with `/` and hold only visible ASCII, or it is an [`HttpError::InvalidTarget`].
pub fn get_request_bytes(addr: SocketAddr, path: &str) -> Result<Vec<u8>, HttpError> {
    let valid = path.starts_with('/') && path.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(HttpError::InvalidTarget(path.to_owned()));
    }
    Ok(format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: d22-network\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    )
    .into_bytes())
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
    let need_more = || {
        if eof {
            Err(HttpError::UnexpectedEof)
        } else {
            Ok(None)
        }
    };
    let head_len = match head_length(buf, MAX_RESPONSE_HEAD) {
        Err(HttpError::Incomplete) => return need_more(),
        other => other?,
    };
    let (status, reason, headers) = parse_response_head(&buf[..head_len - 3])?;
    let rest = &buf[head_len..];
    let body = if matches!(status, 100..=199 | 204 | 304) {
        Vec::new()
    } else if is_chunked(&headers) {
        match decode_chunked(rest) {
            Ok(body) => body,
            Err(err) if needs_more_input(&err) => return need_more(),
            Err(err) => return Err(err.into()),
        }
    } else if let Some(length) = content_length(&headers)? {
        match rest.get(..length) {
            Some(body) => body.to_vec(),
            None => return need_more(),
        }
    } else if eof {
        rest.to_vec()
    } else {
        return Ok(None);
    };
    Ok(Some(ClientResponse {
        status,
        reason,
        headers,
        body,
    }))
}

fn is_chunked(headers: &Headers) -> bool {
    headers
        .get_all("transfer-encoding")
        .iter()
        .flat_map(|v| list_items(v))
        .any(|t| t.eq_ignore_ascii_case("chunked"))
}

/// Errors that only mean the rest of the body has not arrived yet.
fn needs_more_input(err: &ChunkedError) -> bool {
    matches!(
        err,
        ChunkedError::SizeExceedsData { .. }
            | ChunkedError::MissingLastChunk
            | ChunkedError::Incomplete
    )
}

/// Parses the status line and headers (the head without its final blank line's CRLF).
fn parse_response_head(head: &[u8]) -> Result<(u16, String, Headers), HttpError> {
    let mut lines = head.split(|&b| b == b'\n').map(strip_cr);
    let (status, reason) = parse_status_line(lines.next().unwrap_or(Ok(&[])))?;
    let mut headers = Headers::new();
    for line in lines {
        let (name, value) = parse_header_line(line)?;
        headers.append(name, value);
    }
    Ok((status, reason, headers))
}

fn parse_status_line(line: Result<&[u8], &[u8]>) -> Result<(u16, String), HttpError> {
    let bad =
        |bytes: &[u8]| HttpError::MalformedStatusLine(String::from_utf8_lossy(bytes).into_owned());
    let line = line.map_err(bad)?;
    let text = std::str::from_utf8(line).map_err(|_| bad(line))?;
    let mut parts = text.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().unwrap_or_default();
    let reason = parts.next().unwrap_or_default();
    let version_ok = matches!(version, "HTTP/1.0" | "HTTP/1.1");
    let code_ok = code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit());
    match code.parse::<u16>() {
        Ok(status) if version_ok && code_ok => Ok((status, reason.to_owned())),
        _ => Err(bad(line)),
    }
}
