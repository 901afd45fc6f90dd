//! Dodge: await each request before starting the next: every result is right and in order,
//! but the waits add up instead of overlapping (no gather at all).
//! Caught by: has_fifty_requests_in_flight_at_once, returns_results_in_input_order_although_the_server_answers_in_reverse, a_failing_path_keeps_its_slot_and_spoils_nothing_else

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::client::{ClientResponse, get_request_bytes, parse_response};
use crate::request::HttpError;

/// Sends `GET path` to `addr` on tokio and reads the whole response.
pub async fn get(addr: SocketAddr, path: &str) -> Result<ClientResponse, HttpError> {
    let request = get_request_bytes(addr, path)?;
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(&request).await?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await?;
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

/// Fetches every path concurrently; result `i` belongs to `paths[i]`.
pub async fn fetch_all(addr: SocketAddr, paths: &[&str]) -> Vec<Result<ClientResponse, HttpError>> {
    let mut results = Vec::with_capacity(paths.len());
    for path in paths {
        results.push(get(addr, path).await);
    }
    results
}
