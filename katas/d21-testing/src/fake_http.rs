//! # Kata 4: faking HTTP
//!
//! **Build** `fetch_user`, which GETs `{base_url}/users/{id}` with a real HTTP client
//! ([`ureq`]) and turns every way that can go wrong into an [`ApiError`].
//!
//! **Why it matters.** A client that only handles 200 works in the demo and fails in
//! production: the 404 becomes a JSON parse error, a flapping upstream 500 fails the whole
//! page, and a server that hangs ties up a thread for ever. And tests against the real API
//! are slow, flaky and cannot make it return a 500 on demand.
//!
//! **Python → Rust.** The article uses `requests-mock`, which swaps out the transport
//! inside the `requests` library. The tests here go one step more real: the client opens a
//! real TCP connection to a local fake server, `wiremock`, started per test on
//! `127.0.0.1` with a random port. wiremock was picked over mockito and httpmock because
//! each test gets its own server (tests run in parallel without sharing state), a mock can
//! say how many calls it expects (`.expect(2)`, checked when the server is dropped), and
//! `ResponseTemplate::set_delay` makes a slow server by configuration, so no test sleeps.
//! Taking `base_url` as an argument is the Humble Object again: the function does not know
//! which server it talks to.
//!
//! **Rules.**
//! - `base_url` must start with `http://` (this client speaks plain HTTP only); one
//!   trailing `/` is ignored. Anything else is [`ApiError::InvalidBaseUrl`], with no
//!   request made.
//! - Every request, a retry too, sends `Accept: application/json` and `User-Agent:`
//!   [`USER_AGENT`].
//! - 200: the body is parsed as a [`User`]; bad JSON is [`ApiError::Parse`].
//! - 404: [`ApiError::NotFound`]. Other non-5xx statuses: [`ApiError::UnexpectedStatus`].
//! - 5xx: retried until [`ApiConfig::attempts`] requests were made, then
//!   [`ApiError::Server`] with the last status and the number of attempts.
//! - No answer within [`ApiConfig::timeout`]: [`ApiError::Timeout`], not retried. The
//!   timeout is one budget for each request as a whole (connect, send, head and body
//!   together), a retry's too.
//! - Only a 5xx is retried: any other outcome (a 200 that does not parse, a 4xx, a
//!   connection that fails) ends the call after one request.
//!
//! **The tests check.**
//! - the path and headers the server received on every attempt (a 503, then its retry),
//!   and the parsed user; one trailing `/` of `base_url` is ignored. Checked by
//!   `fetches_and_parses_a_user`,
//!   `sends_the_path_and_headers_the_api_expects`,
//!   `ignores_one_trailing_slash_in_the_base_url`.
//! - each status mapping: 404 is `NotFound`, another 4xx is `UnexpectedStatus` after one
//!   request, a bad 200 body is `Parse` after one request; every status in 201..=299 and
//!   400..=599 (a 201 or a 204 is `UnexpectedStatus`: only a 200 is a user) gives its error
//!   after the right number of requests. Checked by `maps_404_to_not_found`,
//!   `does_not_retry_other_client_errors`, `malformed_json_is_a_parse_error`,
//!   `every_5xx_is_retried_and_no_4xx_is`.
//! - a 5xx is retried until `ApiConfig::attempts` requests were made (at least one), counted
//!   by the server, and a retry can succeed; `Server` carries the last status (a 503 then a
//!   500 is `status: 500`). Checked by
//!   `retries_a_500_once_then_reports_a_server_error`,
//!   `makes_as_many_requests_as_the_config_allows_on_5xx`,
//!   `a_retry_after_a_503_can_succeed`.
//! - a server slower than `ApiConfig::timeout` is `Timeout` after one request (not retried),
//!   and the timeout is one budget for the whole request, a body that stalls included: a
//!   server slow in two phases, each within the timeout, overruns it, and the client hangs
//!   up when the budget runs out, before the server sends the body (a timeout per phase with
//!   an elapsed-time check after the call is still connected then); and the whole
//!   configured budget is the request's: an answer after 1.2 s of a 2 s timeout succeeds,
//!   whether the head or the body took the time; a retry after a 500 has the timeout too,
//!   a whole one of its own (a 500 after 0.9 s, then the user after another 0.9 s, of a
//!   1.5 s timeout, is the user: not one deadline for all attempts).
//!   Checked by `a_slow_server_is_a_timeout_error`, `a_timeout_is_not_retried`,
//!   `the_timeout_covers_a_body_that_never_finishes`,
//!   `the_timeout_is_one_budget_for_all_phases_of_the_request`,
//!   `an_answer_within_the_timeout_succeeds_whichever_phase_takes_the_time`,
//!   `a_retry_has_the_same_timeout`.
//! - when `Timeout` is returned the connection is already closed: no socket of the process
//!   is still connected to the server (Linux's `/proc/self/fd` and `/proc/net/tcp`, looked
//!   at as soon as `fetch_user_with` has returned), so no request is left running with a
//!   later deadline of its own. Checked by `a_timed_out_request_closes_its_connection`.
//! - nobody listening is `Transport`, and a server that hangs up, without a word or half
//!   way through a 200's body, is `Transport` after one connection; a base URL that is not `http://host` is refused with
//!   no request. Checked by `a_closed_port_is_a_transport_error`,
//!   `a_dropped_connection_is_a_transport_error_after_one_attempt`,
//!   `an_invalid_base_url_is_refused_before_any_request`.
//!
//! **Not checked.** What a 3xx gives: the HTTP client may follow the redirect (ureq does),
//! and a 1xx is never a final answer. Whether the request runs on the calling thread as such: a worker thread
//! that has closed its socket by the time `Timeout` is returned passes. One whose own
//! timeout merely equals the budget races with the caller; it usually still holds its
//! socket then (its clock starts after the caller's) and fails, but that is a race the
//! test does not promise to win. Whether a refused connection (nobody
//! listening) is retried: a refused connect leaves nothing a test can count, so only a
//! connection that is accepted and then dropped is counted (one attempt).

use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

/// The `User-Agent` header every request carries.
pub const USER_AGENT: &str = "d21-testing/1";

/// A user as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    /// The user's id.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// How patient the client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiConfig {
    /// The longest a whole request may take.
    pub timeout: Duration,
    /// Requests made in all when the server answers 5xx (at least 1).
    pub attempts: u32,
}

impl Default for ApiConfig {
    /// Five seconds, and one retry after a 5xx (two attempts).
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            attempts: 2,
        }
    }
}

/// Why no user came back.
#[derive(Debug, Error)]
pub enum ApiError {
    /// `base_url` is not a plain-HTTP URL.
    #[error("invalid base URL {0:?}: expected http://host:port")]
    InvalidBaseUrl(String),
    /// The server has no such user.
    #[error("user {id} not found")]
    NotFound {
        /// The id asked for.
        id: u64,
    },
    /// The server kept failing.
    #[error("server error {status} after {attempts} attempts")]
    Server {
        /// The last 5xx status.
        status: u16,
        /// How many requests were made.
        attempts: u32,
    },
    /// A status this client does not expect.
    #[error("unexpected HTTP status {0}")]
    UnexpectedStatus(u16),
    /// The body is not a valid user.
    #[error("could not parse the user: {0}")]
    Parse(String),
    /// The server did not answer in time.
    #[error("the server did not answer within the timeout")]
    Timeout,
    /// The connection failed.
    #[error("transport error: {0}")]
    Transport(String),
}

/// Fetches user `id` with the default [`ApiConfig`].
pub fn fetch_user(base_url: &str, id: u64) -> Result<User, ApiError> {
    todo!("fetch user {id} from {base_url:?} with the default config")
}

/// Fetches user `id` from `base_url` with the given timeout and attempts.
pub fn fetch_user_with(base_url: &str, id: u64, config: &ApiConfig) -> Result<User, ApiError> {
    todo!("fetch user {id} from {base_url:?} with {config:?}")
}
