//! Dodge: read until the server closes, then parse: right for every server that closes after
//! one response, a hang (until the read timeout) on one that keeps the connection open.
//! Caught by: reads_a_chunked_body_without_waiting_for_close, reads_a_body_that_takes_many_reads

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::chunked::{ChunkedError, decode_chunked};
use crate::request::{
    Headers, HttpError, content_length, head_length, parse_header_line, strip_cr,
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
    stream.read_to_end(&mut buf)?;
    parse_response(&buf, true)?.ok_or(HttpError::UnexpectedEof)
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
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case("chunked"))
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
