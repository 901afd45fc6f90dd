//! Kata 4: `fetch_user` against a wiremock server on 127.0.0.1 (a random port per test).

// The solution names serde_json and ureq and the stub does not: loaded here, before any path
// names them, so that the learner's first use does not recompile the whole test binary
// (docs/authoring.md, "Crates only the solution names").
extern crate serde_json as _;
extern crate ureq as _;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rstest::rstest;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::GUARD;
use crate::fake_http::*;

fn ada() -> User {
    User {
        id: 7,
        name: "Ada".to_owned(),
        email: "ada@example.com".to_owned(),
    }
}

fn ada_json() -> serde_json::Value {
    json!({ "id": 7, "name": "Ada", "email": "ada@example.com" })
}

/// A config whose timeout is short enough that the slow-server test ends quickly.
fn quick() -> ApiConfig {
    ApiConfig {
        timeout: Duration::from_millis(300),
        attempts: 2,
    }
}

/// Runs the blocking client on its own thread, with a deadlock guard that no passing test
/// comes near. The thread is detached, so a client stuck in a loop cannot keep the test
/// runtime from shutting down; a panic inside (a stub's `todo!`) drops the sender.
async fn fetch(base_url: String, id: u64, config: Option<ApiConfig>) -> Result<User, ApiError> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let result = match config {
            Some(config) => fetch_user_with(&base_url, id, &config),
            None => fetch_user(&base_url, id),
        };
        let _ = sender.send(result);
    });
    match tokio::time::timeout(GUARD, receiver).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => panic!("fetch_user panicked (its message is printed above)"),
        Err(_) => {
            panic!("fetch_user was still running after {GUARD:?}: it must give up on its own")
        }
    }
}

/// A hand-made server on 127.0.0.1: it accepts every connection, reads its request, then
/// hands the stream to `respond`. Returns its address and how many connections it accepted
/// (counted before `respond` runs, so before the client can see any answer).
fn hand_made_server(
    respond: impl Fn(TcpStream) + Send + 'static,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let address = listener.local_addr().expect("the port has an address");
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            let _ = stream.read(&mut [0u8; 1024]);
            counter.fetch_add(1, Ordering::SeqCst);
            respond(stream);
        }
    });
    (address, accepted)
}

/// A server slow in two phases: Ada's head after `head_after`, then her body `body_after`
/// later unless the client hangs up first. The receiver tells whether the client hung up
/// (closed its end) before the body was sent.
fn slow_server(
    head_after: Duration,
    body_after: Duration,
) -> (SocketAddr, std::sync::mpsc::Receiver<bool>) {
    let (verdict, hung_up) = std::sync::mpsc::channel();
    let (address, _) = hand_made_server(move |mut stream| {
        let body = ada_json().to_string();
        std::thread::sleep(head_after);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        // Reads until the client hangs up (0 bytes, or a reset) or `body_after` has passed
        // while it still waits for the body (any rest of its request is read and skipped).
        let deadline = std::time::Instant::now() + body_after;
        let closed = loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
                break false;
            }
            match stream.read(&mut [0u8; 1024]) {
                Ok(0) => break true,
                Ok(_) => {}
                Err(e) => break e.kind() == std::io::ErrorKind::ConnectionReset,
            }
        };
        if !closed {
            let _ = stream.write_all(body.as_bytes());
        }
        let _ = verdict.send(closed);
    });
    (address, hung_up)
}

/// A wiremock server whose first answer to /users/7 is a 503 (expected exactly once); mount
/// what it answers next.
async fn a_server_that_answers_503_once() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/users/7"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// How many sockets of this process are still connected to `server`: its own file
/// descriptors (`/proc/self/fd`) that Linux's `/proc/net/tcp` lists with `server`'s port as
/// the remote end. A socket closed with `close` leaves the descriptor table at once.
fn sockets_open_to(server: SocketAddr) -> usize {
    let ours: std::collections::HashSet<String> = std::fs::read_dir("/proc/self/fd")
        .expect("this check reads Linux's /proc/self/fd")
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let target = target.to_str()?;
            Some(
                target
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_owned(),
            )
        })
        .collect();
    let remote_port = format!(":{:04X}", server.port());
    std::fs::read_to_string("/proc/net/tcp")
        .expect("this check reads Linux's /proc/net/tcp")
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|fields| {
            fields
                .get(2)
                .is_some_and(|remote| remote.ends_with(&remote_port))
                && fields.get(9).is_some_and(|inode| ours.contains(*inode))
        })
        .count()
}

#[tokio::test]
async fn fetches_and_parses_a_user() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ada_json()))
        .expect(1)
        .mount(&server)
        .await;

    let got = fetch(server.uri(), 7, None).await;

    assert_eq!(
        got.ok(),
        Some(ada()),
        "a 200 with a valid body must parse into the User, in one request"
    );
}

#[tokio::test]
async fn sends_the_path_and_headers_the_api_expects() {
    // A 503 first, so that the retry is a request too: every attempt must carry them.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ada_json()))
        .mount(&server)
        .await;

    let _ = fetch(server.uri(), 7, None).await;

    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        requests.len(),
        2,
        "the server answered 503, then would have answered 200: fetch_user must make the \
         request to the base URL it was given and retry it once"
    );
    for (attempt, request) in (1..).zip(&requests) {
        let header_of = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            request.url.path(),
            "/users/7",
            "attempt {attempt}: the path must be /users/{{id}}"
        );
        assert_eq!(
            header_of("accept").as_deref(),
            Some("application/json"),
            "attempt {attempt}: every request, a retry too, must ask for JSON with an Accept \
             header"
        );
        assert_eq!(
            header_of("user-agent").as_deref(),
            Some(USER_AGENT),
            "attempt {attempt}: every request, a retry too, must identify itself with the \
             USER_AGENT constant"
        );
    }
}

#[tokio::test]
async fn ignores_one_trailing_slash_in_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(path("/users/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ada_json()))
        .mount(&server)
        .await;

    let got = fetch(format!("{}/", server.uri()), 7, None).await;

    assert_eq!(
        got.ok(),
        Some(ada()),
        "a base URL ending in / must not produce //users/7"
    );
}

#[tokio::test]
async fn maps_404_to_not_found() {
    let server = MockServer::start().await;
    Mock::given(path("/users/8"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;

    let got = fetch(server.uri(), 8, None).await;

    assert!(
        matches!(got, Err(ApiError::NotFound { id: 8 })),
        "a 404 must be NotFound for id 8 and must not be retried, got {got:?}"
    );
}

#[tokio::test]
async fn retries_a_500_once_then_reports_a_server_error() {
    // A 503 first, then 500s: the error reports the last status the server gave.
    let server = a_server_that_answers_503_once().await;
    Mock::given(path("/users/7"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;

    let got = fetch(server.uri(), 7, Some(quick())).await;

    assert!(
        matches!(
            got,
            Err(ApiError::Server {
                status: 500,
                attempts: 2
            })
        ),
        "a 503 then a 500 (the first try and one retry) must end in Server {{ status: 500, \
         attempts: 2 }}, the last status the server gave, got {got:?}"
    );
}

#[rstest]
#[case::a_single_attempt(500, 1, 1)]
#[case::three_attempts_of_a_502(502, 3, 3)]
#[case::zero_attempts_still_make_one_request(504, 0, 1)]
#[tokio::test]
async fn makes_as_many_requests_as_the_config_allows_on_5xx(
    #[case] status: u16,
    #[case] configured: u32,
    #[case] requests: u32,
) {
    let server = MockServer::start().await;
    Mock::given(path("/users/7"))
        .respond_with(ResponseTemplate::new(status))
        .expect(u64::from(requests))
        .mount(&server)
        .await;
    // Patient: only the 5xx answers, never a timeout, may end these attempts.
    let config = ApiConfig {
        attempts: configured,
        timeout: Duration::from_secs(5),
    };

    let got = fetch(server.uri(), 7, Some(config)).await;

    assert!(
        matches!(got, Err(ApiError::Server { status: s, attempts }) if s == status && attempts == requests),
        "with ApiConfig::attempts = {configured} and a server that always answers {status}, \
         the client must make {requests} request(s) (at least one) and report \
         Server {{ status: {status}, attempts: {requests} }}, got {got:?}"
    );
}

#[tokio::test]
async fn a_retry_after_a_503_can_succeed() {
    let server = a_server_that_answers_503_once().await;
    Mock::given(path("/users/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ada_json()))
        .expect(1)
        .mount(&server)
        .await;

    let got = fetch(server.uri(), 7, Some(quick())).await;

    assert_eq!(
        got.ok(),
        Some(ada()),
        "a 503 followed by a 200 must return the user: 5xx is worth one retry"
    );
}

#[tokio::test]
async fn does_not_retry_other_client_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/users/7"))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;

    let got = fetch(server.uri(), 7, Some(quick())).await;

    assert!(
        matches!(got, Err(ApiError::UnexpectedStatus(403))),
        "a 403 must be UnexpectedStatus(403) after a single request, got {got:?}"
    );
}

#[tokio::test]
async fn malformed_json_is_a_parse_error() {
    let server = MockServer::start().await;
    Mock::given(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id": 7, "name": "#))
        .mount(&server)
        .await;

    let got = fetch(server.uri(), 7, None).await;

    assert!(
        matches!(got, Err(ApiError::Parse(_))),
        "a 200 whose body is not a User must be a Parse error, not a panic, got {got:?}"
    );
    let requests = server.received_requests().await.map_or(0, |r| r.len());
    assert_eq!(
        requests, 1,
        "a bad 200 body was requested {requests} times: only a 5xx is retried; a retry of a \
         200 gets the same bad body, so Parse is reported after one request"
    );
}

/// Answers a 200 whose head promises Ada's whole body, sends half of it and hangs up.
fn hangs_up_inside_a_200s_body(mut stream: TcpStream) {
    let body = ada_json().to_string();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body.as_bytes()[..body.len() / 2]);
}

#[rstest]
#[case::before_any_answer(drop::<TcpStream>)]
#[case::inside_a_200s_body(hangs_up_inside_a_200s_body)]
#[tokio::test]
async fn a_dropped_connection_is_a_transport_error_after_one_attempt(
    #[case] respond: fn(TcpStream),
) {
    // A server that reads each request and closes the connection, without a word or half
    // way through a 200's body.
    let (address, accepted) = hand_made_server(respond);

    let got = fetch(format!("http://{address}"), 7, Some(quick())).await;

    assert!(
        matches!(got, Err(ApiError::Transport(_))),
        "a connection closed without a whole answer (before the head or inside a \
         200's body) must be a Transport error, got {got:?}"
    );
    let connections = accepted.load(Ordering::SeqCst);
    assert_eq!(
        connections, 1,
        "the client connected {connections} times to a server that hung up: only a 5xx is \
         retried; a transport failure, before the head or inside a 200's body, is reported \
         after one attempt"
    );
}

#[tokio::test]
async fn every_5xx_is_retried_and_no_4xx_is() {
    // Every status from 201 to 299 and from 400 to 599 (200 is the user; a 1xx is never a
    // final answer; a 3xx is the client's redirect to follow), user id = status (/users/503
    // answers 503), all asked on one server: 5xx is a range, not a list of the statuses other
    // tests use, and only a 200 is a user (not any 2xx).
    let server = MockServer::start().await;
    let statuses = (201..=299u16).chain(400..=599);
    for status in statuses.clone() {
        Mock::given(path(format!("/users/{status}")))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
    }
    let config = ApiConfig {
        attempts: 2,
        timeout: Duration::from_secs(5),
    };
    // Forty calls at a time: far from the listener's backlog of 128 connections.
    let statuses: Vec<u16> = statuses.collect();
    let mut results = Vec::new();
    for batch in statuses.chunks(40) {
        let calls: Vec<_> = batch
            .iter()
            .map(|&status| {
                let call = fetch(server.uri(), u64::from(status), Some(config));
                (status, tokio::spawn(call))
            })
            .collect();
        for (status, call) in calls {
            results.push((status, call.await.expect("the call's task ran to its end")));
        }
    }

    let requests = server.received_requests().await.unwrap_or_default();
    for (status, got) in results {
        let path = format!("/users/{status}");
        let made = requests.iter().filter(|r| r.url.path() == path).count();
        let (expected, right) = match status {
            404 => (
                "NotFound after 1 request",
                made == 1 && matches!(got, Err(ApiError::NotFound { .. })),
            ),
            500..=599 => (
                "Server after 2 requests",
                made == 2
                    && matches!(got, Err(ApiError::Server { status: s, attempts: 2 }) if s == status),
            ),
            _ => (
                "UnexpectedStatus after 1 request",
                made == 1 && matches!(got, Err(ApiError::UnexpectedStatus(s)) if s == status),
            ),
        };
        assert!(
            right,
            "a server that always answers {status} must give {expected} (attempts = 2): every \
             status in 500..=599 is retried, no other is, and only a 200 is a user (a 201 or \
             a 204 is UnexpectedStatus); got {got:?} after {made} request(s)"
        );
    }
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_error() {
    let server = MockServer::start().await;
    // The server is configured to answer late; the test itself never sleeps.
    Mock::given(path("/users/7"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ada_json())
                .set_delay(Duration::from_secs(60)),
        )
        .mount(&server)
        .await;

    // The server never answers in time, so a short timeout cannot be flaky here, and it
    // keeps the green path fast: the client really waits it out, once per attempt.
    let impatient = ApiConfig {
        timeout: Duration::from_millis(40),
        ..quick()
    };
    let got = fetch(server.uri(), 7, Some(impatient)).await;

    assert!(
        matches!(got, Err(ApiError::Timeout)),
        "a server slower than ApiConfig::timeout must give Timeout, got {got:?}"
    );
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let address = listener.local_addr().expect("the port has an address");
    drop(listener);

    let got = fetch(format!("http://{address}"), 7, Some(quick())).await;

    assert!(
        matches!(got, Err(ApiError::Transport(_))),
        "nobody listening on {address} must be a Transport error, got {got:?}"
    );
}

#[rstest]
#[case::empty("")]
#[case::no_scheme("127.0.0.1:8080")]
#[case::https_not_supported("https://example.com")]
#[case::scheme_only("http://")]
#[case::whitespace("http://exa mple.com")]
fn an_invalid_base_url_is_refused_before_any_request(#[case] base_url: &str) {
    let got = fetch_user(base_url, 7);

    assert!(
        matches!(&got, Err(ApiError::InvalidBaseUrl(url)) if url == base_url),
        "{base_url:?} is not an http:// URL: expected InvalidBaseUrl naming it, got {got:?}"
    );
}

#[tokio::test]
async fn the_timeout_covers_a_body_that_never_finishes() {
    // A complete head and the first byte of a 100-byte body, then not another byte (the
    // connection is held open until the test ends).
    let (done, hold) = std::sync::mpsc::channel::<()>();
    let (address, _) = hand_made_server(move |mut stream| {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{");
        let _ = hold.recv_timeout(GUARD);
    });

    let got = fetch(format!("http://{address}"), 7, Some(quick())).await;
    drop(done);

    assert!(
        matches!(got, Err(ApiError::Timeout)),
        "a server that sent its head and then stalled in the body must end in Timeout after \
         ApiConfig::timeout: the timeout bounds the whole request, body included (ureq's \
         timeout_global), not only the wait for the head; got {got:?}"
    );
}

#[tokio::test]
async fn the_timeout_is_one_budget_for_all_phases_of_the_request() {
    // Slow in two phases: the head comes after 300 ms, the body 450 ms later unless the client
    // has hung up by then. Each wait fits the 600 ms timeout on its own; together they
    // overrun it, and one budget runs out 300 ms after the head: 150 ms before the body.
    let (head_after, body_after) = (Duration::from_millis(300), Duration::from_millis(450));
    let config = ApiConfig {
        timeout: Duration::from_millis(600),
        attempts: 1,
    };
    let (address, hung_up) = slow_server(head_after, body_after);

    let got = fetch(format!("http://{address}"), 7, Some(config)).await;

    assert!(
        matches!(got, Err(ApiError::Timeout)),
        "the server took 300 ms for the head and 450 ms more for the body, 750 ms against a \
         600 ms ApiConfig::timeout, and the call still succeeded: the timeout must be one \
         budget for the whole request (ureq's timeout_global), not a fresh timeout for each \
         phase (connect, send, head, body), which lets a call last several times its budget; \
         got {got:?}"
    );
    let hung_up_in_time = hung_up
        .recv_timeout(GUARD)
        .expect("the server saw the request through");
    assert!(
        hung_up_in_time,
        "the call gave Timeout, but the client was still connected 450 ms after the head, when \
         the server sent the body, 750 ms into a 600 ms ApiConfig::timeout: it kept waiting past \
         its budget and called it a timeout afterwards. One budget for the whole request \
         (ureq's timeout_global) cuts the connection when it runs out; a fresh timeout per \
         phase with an elapsed-time check after the call does not"
    );
}

#[rstest]
#[case::all_in_the_wait_for_the_head(Duration::from_millis(1200), Duration::ZERO)]
#[case::all_in_the_body(Duration::ZERO, Duration::from_millis(1200))]
#[tokio::test]
async fn an_answer_within_the_timeout_succeeds_whichever_phase_takes_the_time(
    #[case] head_after: Duration,
    #[case] body_after: Duration,
) {
    // 1.2 s of a 2 s budget in one phase: no share of the budget per phase holds both
    // cases (one share is at most half), and 0.8 s are left as slack for a loaded machine.
    let config = ApiConfig {
        timeout: Duration::from_secs(2),
        attempts: 1,
    };
    let (address, _) = slow_server(head_after, body_after);

    let got = fetch(format!("http://{address}"), 7, Some(config)).await;

    assert_eq!(
        got.as_ref().ok(),
        Some(&ada()),
        "the server answered within 1.2 s (head after {head_after:?}, body {body_after:?} \
         later) against a 2 s ApiConfig::timeout, and the call gave {got:?}: the whole \
         configured budget belongs to the request, whichever phase spends it. Give \
         ApiConfig::timeout itself to the client as one global timeout (ureq's \
         timeout_global), not a fixed value nor a share of it per phase"
    );
}

#[rstest]
// A 500, then a server that answers the retry a minute late: the retry times out too.
#[case::a_retry_that_never_answers(Duration::ZERO, Duration::from_secs(60), quick())]
// A 500 after 900 ms, then the user after another 900 ms, of a 1.5 s timeout: each request
// is within its own budget, the two together are not.
#[case::a_retry_that_answers_within_its_own_budget(
    Duration::from_millis(900),
    Duration::from_millis(900),
    ApiConfig { timeout: Duration::from_millis(1500), attempts: 2 }
)]
#[tokio::test]
async fn a_retry_has_the_same_timeout(
    #[case] first_after: Duration,
    #[case] retry_after: Duration,
    #[case] config: ApiConfig,
) {
    let server = MockServer::start().await;
    Mock::given(path("/users/7"))
        .respond_with(ResponseTemplate::new(500).set_delay(first_after))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/users/7"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ada_json())
                .set_delay(retry_after),
        )
        .mount(&server)
        .await;
    let timeout = config.timeout;
    let in_time = retry_after < timeout;

    // A watchdog far above the budgets: only a retry with no timeout comes near it.
    let watchdog = Duration::from_secs(5);
    let got = tokio::time::timeout(watchdog, fetch(server.uri(), 7, Some(config))).await;

    match got {
        Ok(got) if in_time => assert_eq!(
            got.as_ref().ok(),
            Some(&ada()),
            "a 500 after {first_after:?}, then the user after {retry_after:?}, with a \
             {timeout:?} ApiConfig::timeout, gave {got:?}: the timeout is each request's own \
             budget, a retry gets the whole of it again (not what the first request left)"
        ),
        Ok(got) => assert!(
            matches!(got, Err(ApiError::Timeout)),
            "after a 500, the retry met a server that never answers in time: it must end in \
             Timeout, got {got:?}"
        ),
        Err(_) => panic!(
            "after a 500 the retry waited on a silent server for {watchdog:?} against a \
             {timeout:?} ApiConfig::timeout: every attempt must carry the timeout, a retry too"
        ),
    }
}

#[tokio::test]
async fn a_timed_out_request_closes_its_connection() {
    // A server that reads the request and never answers; it keeps its end of the connection
    // open until the test has looked.
    let (sender, accepted) = std::sync::mpsc::channel();
    let (address, _) = hand_made_server(move |stream| {
        let _ = sender.send(stream);
    });

    let got = fetch(format!("http://{address}"), 7, Some(quick())).await;

    // fetch_user_with has returned: whatever it closed is out of this process' descriptors.
    let still_open = sockets_open_to(address);
    assert!(
        matches!(got, Err(ApiError::Timeout)),
        "a server that never answers must give Timeout, got {got:?}"
    );
    let _server_end = accepted
        .recv_timeout(GUARD)
        .expect("the server accepted the client's connection");
    assert_eq!(
        still_open, 0,
        "fetch_user_with returned Timeout with {still_open} connection(s) to the server still \
         open in this process: something is still waiting on the server. The timeout must \
         cut the request itself (ureq's timeout_global), so its socket is closed by the time \
         Timeout is returned, not abandon a request left running on another thread (with a \
         later safety-net timeout of its own)"
    );
}

#[tokio::test]
async fn a_timeout_is_not_retried() {
    // A server that never answers: the kernel completes each connection (the listener's
    // backlog), nobody accepts it until the client has given up; then the test counts them.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let address = listener.local_addr().expect("the port has an address");
    // 300 ms, not less: under load a shorter budget can run out before the client has even
    // connected, and a retry must have had the time to connect to be counted.
    let config = ApiConfig {
        attempts: 3,
        ..quick()
    };

    let got = fetch(format!("http://{address}"), 7, Some(config)).await;

    listener
        .set_nonblocking(true)
        .expect("a listener can stop blocking");
    let connections = std::iter::from_fn(|| listener.accept().ok()).count();
    assert!(
        matches!(got, Err(ApiError::Timeout)),
        "a server that never answers must give Timeout, got {got:?}"
    );
    assert_eq!(
        connections, 1,
        "the client connected {connections} times to a server that never answered: a timeout \
         is reported at once, not retried like a 5xx (each retry would cost another full \
         timeout)"
    );
}
