//! Dodge: the article's `recv(1024)`: one read into a 1,024-byte buffer, parsed as the whole
//! request. Fine for a short request in one packet, wrong for anything longer or split.
//! Caught by: reads_a_request_larger_than_one_recv_of_1024_bytes, reads_a_request_that_arrives_one_byte_at_a_time

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

use crate::request::{HttpError, Limits, Parsed, Request, parse_with};
use crate::response::Response;

/// How long the blocking server waits for a silent client before giving up on it.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The application: `/` gets a greeting (200), every other path gets 404; the query
/// string (`?…`) is not part of the path.
pub fn route(request: &Request) -> Response {
    let path = request.target.split('?').next().unwrap_or_default();
    if path == "/" {
        Response::new(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body("<h1>Hello from a raw Rust socket!</h1>\n")
    } else {
        Response::new(404)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(format!("no page at {path}\n"))
    }
}

/// The response for a request that could not be parsed, always with `Connection: close`:
/// 431 for a head over the limit, 413 for a body over the limit, 505 for an unsupported
/// version, 501 for an unsupported `Transfer-Encoding`, 400 for everything else.
pub fn error_response(err: &HttpError) -> Response {
    let status = match err {
        HttpError::HeadTooLarge { .. } => 431,
        HttpError::BodyTooLarge { .. } => 413,
        HttpError::UnsupportedVersion(_) => 505,
        HttpError::UnsupportedTransferEncoding(_) => 501,
        _ => 400,
    };
    Response::new(status)
        .header("Content-Type", "text/plain; charset=utf-8")
        .header("Connection", "close")
        .body(format!("{err}\n"))
}

/// Reads from `stream` until one complete request has arrived (a request's worth, no more
/// is parsed; see [`Parsed::consumed`]).
pub fn read_request(stream: &mut impl Read, limits: &Limits) -> Result<Parsed, HttpError> {
    let mut chunk = [0u8; 1024];
    let n = stream.read(&mut chunk)?;
    if n == 0 {
        return Err(HttpError::UnexpectedEof);
    }
    match parse_with(&chunk[..n], limits) {
        Err(HttpError::Incomplete) => Err(HttpError::UnexpectedEof),
        done => done,
    }
}

/// Serves one client: read a request, answer it, close. Returns the request line.
pub fn handle_connection(mut stream: TcpStream) -> Result<String, HttpError> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let outcome = read_request(&mut stream, &Limits::default());
    let response = match &outcome {
        Ok(parsed) => route(&parsed.request).header("Connection", "close"),
        // Nobody is listening for an answer: nothing to send.
        Err(err @ (HttpError::UnexpectedEof | HttpError::Io(_))) => return Err(err.clone()),
        Err(err) => error_response(err),
    };
    stream.write_all(&response.to_bytes())?;
    stream.flush()?;
    // Ignore the results: the client may already have gone.
    let _ = stream.shutdown(Shutdown::Write);
    if outcome.is_err() {
        let _ = discard_pending(&mut stream);
    }
    outcome.map(|parsed| parsed.request.request_line())
}

/// Reads and drops what the client already sent, so that closing the socket does not
/// turn into a TCP reset that could destroy the error response before the client reads it.
fn discard_pending(stream: &mut TcpStream) -> io::Result<()> {
    stream.set_nonblocking(true)?;
    let mut sink = [0u8; 4096];
    for _ in 0..16 {
        if stream.read(&mut sink)? == 0 {
            break;
        }
    }
    Ok(())
}

/// Accepts clients one after another forever. `log` gets the request line of each request,
/// or the error's message (`Display`) for a client that failed.
pub fn serve(listener: TcpListener, mut log: impl FnMut(&str)) -> io::Result<()> {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => match handle_connection(stream) {
                Ok(line) => log(&line),
                Err(err) => log(&format!("bad client: {err}")),
            },
            Err(err) => log(&format!("accept failed: {err}")),
        }
    }
    Ok(())
}
