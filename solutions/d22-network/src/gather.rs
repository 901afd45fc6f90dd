//! # Kata 7: concurrent fetches
//!
//! **What.** [`get`] is the async twin of [`http_get`](crate::client::http_get);
//! [`fetch_all`] sends one `GET` per path *at the same time* and returns the results in
//! the order of the paths, one `Result` each.
//!
//! **Why.** Ten calls of 100 ms each take a second one after another and about 100 ms
//! together. A loop of `.await`s looks concurrent and is not: each request starts only when
//! the previous one has finished.
//!
//! **Python → Rust.** The article's exercise queries an API five times with aiohttp and
//! `asyncio.gather`. In tokio a future does nothing until polled, so "start them all, then
//! wait" means spawning each request as a task (or joining the futures) before awaiting any.
//! One failure stays in its own slot instead of cancelling the rest.
//!
//! **The tests check** results in input order against a server that answers in reverse;
//! the server answers only once all requests are in flight, so a sequential version cannot
//! pass (it fails by a deadlock guard with an explanation); an empty list; a failing path
//! among good ones.

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
    let tasks: Vec<_> = paths
        .iter()
        .map(|path| {
            let path = (*path).to_owned();
            tokio::spawn(async move { get(addr, &path).await })
        })
        .collect();
    let mut results = Vec::with_capacity(tasks.len());
    for task in tasks {
        results.push(
            task.await
                .unwrap_or_else(|err| Err(HttpError::Io(err.to_string()))),
        );
    }
    results
}
