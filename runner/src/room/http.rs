//! A tiny HTTP/1.1 client over [`std::net::TcpStream`]: plain HTTP on a LAN, one request per
//! connection (`Connection: close`), JSON bodies, a deadline on every step. Enough for the
//! room's API and nothing more (no TLS, no redirects, no proxies).

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The largest answer read (the room's answers are a few hundred bytes).
const MAX_RESPONSE: usize = 4 << 20;

/// A room's address: `http://host[:port][/prefix]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// Host name or IP address (an IPv6 address without its brackets).
    pub host: String,
    /// TCP port (80 when not given).
    pub port: u16,
    /// A path prefix without a trailing `/` (empty for the server's root).
    pub base: String,
}

impl Url {
    /// Parses `http://host[:port][/prefix]`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let rest = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
                return Err(
                    "https is not supported: the room speaks plain HTTP on the local network"
                        .into(),
                );
            }
            Some((scheme, _)) => return Err(format!("the scheme `{scheme}` is not http")),
            None => text,
        };
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        if authority.contains('@') {
            return Err("user names in the address are not supported".into());
        }
        let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
            let (host, after) = inner
                .split_once(']')
                .ok_or_else(|| "an IPv6 address needs its closing `]`".to_string())?;
            (host, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err("no host".into());
        }
        if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the host has spaces or control characters".into());
        }
        let port = match port {
            None => 80,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| format!("`{p}` is not a port number"))?,
        };
        let base = path.split(['?', '#']).next().unwrap_or("");
        if base.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the path has spaces or control characters".into());
        }
        Ok(Self {
            host: host.to_string(),
            port,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// `host:port` as the `Host` header writes it.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "http://{}{}", self.authority(), self.base)
    }
}

/// Why no answer came.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The name did not resolve, or no address accepted the connection.
    #[error("{0}")]
    Connect(io::Error),
    /// The server took longer than the deadline.
    #[error("no answer within {0} s")]
    Timeout(u64),
    /// The connection broke while the request or the answer was under way.
    #[error("the connection broke: {0}")]
    Io(io::Error),
    /// What came back is not an HTTP/1.x answer.
    #[error("not an HTTP answer ({0})")]
    Malformed(String),
}

/// An answer: its status code and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body, decoded from chunks when it came in chunks.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as JSON, if it is.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// What the server said went wrong: its JSON `error`, else the start of the body.
    pub fn message(&self) -> String {
        if let Some(e) = self
            .json()
            .and_then(|v| v.get("error").and_then(|e| e.as_str().map(str::to_string)))
        {
            return one_line(&e);
        }
        let text = String::from_utf8_lossy(&self.body);
        let text = one_line(text.trim());
        if text.is_empty() {
            "no explanation in the answer".into()
        } else {
            text
        }
    }
}

/// At most 200 characters on one line.
fn one_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > 200 {
        let cut: String = flat.chars().take(200).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// One request: `method` `url.base + path`, an optional bearer token and JSON body; every
/// step (connect, write, each read) within `timeout`.
pub fn send(
    url: &Url,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&[u8]>,
    timeout: Duration,
) -> Result<Response, HttpError> {
    let mut stream = connect(url, timeout)?;
    let timed = |e: io::Error| match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            HttpError::Timeout(timeout.as_secs().max(1))
        }
        _ => HttpError::Io(e),
    };
    stream
        .set_read_timeout(Some(timeout))
        .map_err(HttpError::Io)?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(HttpError::Io)?;
    let mut head = format!(
        "{method} {}{path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: cargo-kata/{}\r\nAccept: application/json\r\nConnection: close\r\n",
        url.base,
        url.authority(),
        env!("CARGO_PKG_VERSION")
    );
    if let Some(token) = bearer {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or_default();
    if method != "GET" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request).map_err(timed)?;
    stream.flush().map_err(timed)?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(response) = parse(&buf, false)? {
            return Ok(response);
        }
        let n = stream.read(&mut chunk).map_err(timed)?;
        if n == 0 {
            return parse(&buf, true)?
                .ok_or_else(|| HttpError::Malformed("the answer ended early".into()));
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_RESPONSE {
            return Err(HttpError::Malformed("the answer is too large".into()));
        }
    }
}

/// A connection to the first of the host's addresses that accepts one.
fn connect(url: &Url, timeout: Duration) -> Result<TcpStream, HttpError> {
    let addrs = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(HttpError::Connect)?;
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host name has no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(if last.kind() == io::ErrorKind::TimedOut {
        HttpError::Timeout(timeout.as_secs().max(1))
    } else {
        HttpError::Connect(last)
    })
}

/// The answer in `buf`, once it is complete (`None`: read on). With `eof`, the connection is
/// closed: a body without a length ends here, and anything incomplete is malformed.
pub fn parse(buf: &[u8], eof: bool) -> Result<Option<Response>, HttpError> {
    let bad = |why: &str| HttpError::Malformed(why.to_string());
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if eof {
            Err(bad("the answer ended before its headers did"))
        } else {
            Ok(None)
        };
    };
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| bad("headers are not text"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(bad("no HTTP/1.x status line"));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .filter(|s| (100..600).contains(s))
        .ok_or_else(|| bad("no status code"))?;
    let mut length: Option<usize> = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse().map_err(|_| bad("a bad Content-Length"))?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    let body = &buf[end + 4..];
    if (100..200).contains(&status) {
        // An interim answer (100 Continue): the real one follows it.
        return parse(body, eof);
    }
    if chunked {
        return match dechunk(body)? {
            Some(body) => Ok(Some(Response { status, body })),
            None if eof => Err(bad("the chunked body ended early")),
            None => Ok(None),
        };
    }
    match length {
        Some(n) if body.len() >= n => Ok(Some(Response {
            status,
            body: body[..n].to_vec(),
        })),
        Some(_) if eof => Err(bad("the body is shorter than its Content-Length")),
        Some(_) => Ok(None),
        None if eof || status == 204 || status == 304 => Ok(Some(Response {
            status,
            body: body.to_vec(),
        })),
        None => Ok(None),
    }
}

/// A chunked body decoded, once its last chunk is there.
fn dechunk(mut rest: &[u8]) -> Result<Option<Vec<u8>>, HttpError> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let size_text = std::str::from_utf8(&rest[..eol])
            .ok()
            .map(|s| s.split(';').next().unwrap_or("").trim().to_string())
            .ok_or_else(|| HttpError::Malformed("a bad chunk size".into()))?;
        let size = usize::from_str_radix(&size_text, 16)
            .map_err(|_| HttpError::Malformed("a bad chunk size".into()))?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(Some(out));
        }
        if rest.len() < size + 2 {
            return Ok(None);
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_with_a_port_and_a_trailing_slash_is_read() {
        let u = Url::parse("http://192.168.1.20:7878/").unwrap();
        assert_eq!(u.host, "192.168.1.20");
        assert_eq!(u.port, 7878);
        assert_eq!(u.base, "");
        assert_eq!(u.to_string(), "http://192.168.1.20:7878");
    }

    #[test]
    fn an_address_without_a_scheme_or_port_is_plain_http_on_port_80() {
        let u = Url::parse("room.local/workshop/").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.base.as_str()),
            ("room.local", 80, "/workshop")
        );
    }

    #[test]
    fn an_ipv6_address_keeps_its_brackets_in_the_host_header() {
        let u = Url::parse("http://[::1]:9000").unwrap();
        assert_eq!(u.host, "::1");
        assert_eq!(u.authority(), "[::1]:9000");
    }

    #[test]
    fn https_and_bad_ports_are_refused_with_a_reason() {
        assert!(
            Url::parse("https://x:1")
                .unwrap_err()
                .contains("plain HTTP")
        );
        assert!(Url::parse("http://x:99999").unwrap_err().contains("port"));
        assert!(Url::parse("http://:80").unwrap_err().contains("host"));
        assert!(Url::parse("ftp://x").unwrap_err().contains("ftp"));
    }

    #[test]
    fn an_answer_with_a_content_length_is_complete_once_its_body_is_there() {
        let head =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 11\r\n\r\n";
        let mut buf = head.to_vec();
        buf.extend_from_slice(b"{\"ok\":");
        assert_eq!(parse(&buf, false).unwrap(), None);
        buf.extend_from_slice(b"true}");
        let r = parse(&buf, false).unwrap().unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.json().unwrap()["ok"], true);
    }

    #[test]
    fn a_chunked_answer_is_decoded() {
        let buf = b"HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"err\r\nb;x=1\r\nor\":\"nope\"}\r\n0\r\n\r\n";
        let r = parse(buf, false).unwrap().unwrap();
        assert_eq!(r.status, 401);
        assert_eq!(r.message(), "nope");
    }

    #[test]
    fn an_answer_cut_short_is_malformed_not_a_success() {
        let buf = b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{}";
        assert!(matches!(parse(buf, true), Err(HttpError::Malformed(_))));
        assert!(matches!(
            parse(b"HTTP/1.1 200", true),
            Err(HttpError::Malformed(_))
        ));
        assert!(matches!(
            parse(b"SSH-2.0-x\r\n\r\n", false),
            Err(HttpError::Malformed(_))
        ));
    }

    #[test]
    fn an_interim_answer_is_skipped() {
        let buf = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse(buf, false).unwrap().unwrap().status, 200);
    }

    #[test]
    fn a_message_is_the_servers_error_or_the_start_of_the_body() {
        let r = Response {
            status: 500,
            body: b"oops\nline".to_vec(),
        };
        assert_eq!(r.message(), "oops line");
        let r = Response {
            status: 500,
            body: Vec::new(),
        };
        assert_eq!(r.message(), "no explanation in the answer");
    }
}
