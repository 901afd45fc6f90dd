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

use crate::client::ClientResponse;
use crate::request::HttpError;

/// Sends `GET path` to `addr` on tokio and reads the whole response.
pub async fn get(addr: SocketAddr, path: &str) -> Result<ClientResponse, HttpError> {
    todo!("GET {path} from {addr} on tokio")
}

/// Fetches every path concurrently; result `i` belongs to `paths[i]`.
pub async fn fetch_all(addr: SocketAddr, paths: &[&str]) -> Vec<Result<ClientResponse, HttpError>> {
    todo!("fetch {paths:?} from {addr} concurrently")
}
