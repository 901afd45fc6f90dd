//! The d22-network suite: compiled into kata-d22-network (where it must fail) and
//! solution-d22-network (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub(crate) use kata_test_support::proptest_config;

mod heap; // a counting global allocator: measures the heap a piece of code holds

/// `insta::assert_snapshot!` into `snapshots/d22-network/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// Deadlock guard for every blocking wait in the suite. It only ever turns a hang into a
/// failure; no test passes because of it.
pub(crate) const GUARD: Duration = Duration::from_secs(10);

/// Connects to `addr`, sends `request` and reads until the server closes the connection.
pub(crate) fn exchange(addr: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(GUARD))?;
    stream.write_all(request)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    Ok(response)
}

/// The status line of a raw response, e.g. `HTTP/1.1 200 OK`.
pub(crate) fn status_line(response: &[u8]) -> String {
    let text = String::from_utf8_lossy(response);
    text.split("\r\n").next().unwrap_or_default().to_owned()
}

/// The body of a raw response: everything after the first blank line.
pub(crate) fn body_of(response: &[u8]) -> Vec<u8> {
    response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|pos| response[pos + 4..].to_vec())
        .unwrap_or_default()
}

#[cfg(any(not(feature = "one-kata"), feature = "async_server"))]
mod async_server;
// Used by async_server, client, gather, raw_server, request, response:
// left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "chunked",
        any(
            feature = "all-tests",
            not(any(
                feature = "async_server",
                feature = "client",
                feature = "gather",
                feature = "raw_server",
                feature = "request",
                feature = "response"
            ))
        )
    )
))]
mod chunked;
// Used by gather: left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "client",
        any(feature = "all-tests", not(any(feature = "gather")))
    )
))]
mod client;
#[cfg(any(not(feature = "one-kata"), feature = "gather"))]
mod gather;
// Used by async_server: left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "raw_server",
        any(feature = "all-tests", not(any(feature = "async_server")))
    )
))]
mod raw_server;
// Used by async_server, client, gather, raw_server, response:
// left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "request",
        any(
            feature = "all-tests",
            not(any(
                feature = "async_server",
                feature = "client",
                feature = "gather",
                feature = "raw_server",
                feature = "response"
            ))
        )
    )
))]
mod request;
// Used by async_server, raw_server: left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "response",
        any(
            feature = "all-tests",
            not(any(feature = "async_server", feature = "raw_server"))
        )
    )
))]
mod response;
#[cfg(any(not(feature = "one-kata"), feature = "udp"))]
mod udp;
