use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Barrier, mpsc, oneshot};
use tokio::task::JoinHandle;

use rstest::rstest;

use super::heap::peak_heap;
use super::{GUARD, body_of, get_of_exactly, status_line};
use crate::async_server::*;
use crate::response::Response;

/// Awaits `fut`, failing the test (never passing it) if it takes longer than the guard.
async fn guard<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(GUARD, fut)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {GUARD:?}"))
}

struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

async fn start(config: ServerConfig, handler: Handler) -> Running {
    // A backlog of 1,024: one test connects 200 clients at once.
    let (listener, addr) = super::local_listener().await;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, config, handler, async move {
        let _ = stopped.await;
    }));
    Running { addr, stop, task }
}

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr)
        .await
        .expect("the async server must be accepting on the listener it was given")
}

/// Reads one Content-Length-framed response (from a socket or an in-memory pipe); `None` if
/// the server closed first.
async fn read_response(stream: &mut (impl AsyncRead + Unpin)) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        if guard("reading a response head", stream.read(&mut byte))
            .await
            .ok()?
            == 0
        {
            return None;
        }
        raw.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    let length: usize = head
        .split("\r\n")
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    guard("reading a response body", stream.read_exact(&mut body))
        .await
        .ok()?;
    raw.extend_from_slice(&body);
    Some(raw)
}

/// The default config with `header_timeout` set to `timeout`.
fn header_timeout(timeout: Duration) -> ServerConfig {
    ServerConfig {
        header_timeout: timeout,
        ..ServerConfig::default()
    }
}

/// A config whose header timeout can never be what closes a connection in a test.
fn patient() -> ServerConfig {
    header_timeout(Duration::from_secs(3600))
}

/// True once the server has closed its side: the next read returns 0 bytes.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    matches!(
        guard(
            "waiting for the server to close",
            stream.read_to_end(&mut rest)
        )
        .await,
        Ok(0) | Err(_)
    )
}

/// Connects to `addr` and sends `request`, which the server must read.
async fn send_on_new_connection(addr: SocketAddr, request: &[u8]) -> TcpStream {
    let mut stream = connect(addr).await;
    stream
        .write_all(request)
        .await
        .expect("the server reads requests");
    stream
}

/// A patient hello server (dropping it stops it) and a connection that has sent `request`.
async fn patient_hello_server_sent(request: &[u8]) -> (Running, TcpStream) {
    let server = start(patient(), hello_handler()).await;
    let stream = send_on_new_connection(server.addr, request).await;
    (server, stream)
}

async fn roundtrip(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = send_on_new_connection(addr, request).await;
    read_response(&mut stream)
        .await
        .expect("the server answers before closing")
}

#[tokio::test]
async fn answers_the_root_path_with_200() {
    let server = start(ServerConfig::default(), hello_handler()).await;
    let response = roundtrip(server.addr, b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").await;
    assert_eq!(
        status_line(&response),
        "HTTP/1.1 200 OK",
        "hello_handler answers `/` with 200"
    );
}

#[tokio::test]
async fn answers_an_unknown_path_with_404() {
    let server = start(ServerConfig::default(), hello_handler()).await;
    let response = roundtrip(server.addr, b"GET /nope HTTP/1.1\r\nHost: h\r\n\r\n").await;
    assert_eq!(
        status_line(&response),
        "HTTP/1.1 404 Not Found",
        "hello_handler answers other paths with 404"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_a_hundred_clients_at_the_same_time() {
    const CLIENTS: usize = 100;
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let handler: Handler = Arc::new(move |_request| {
        let barrier = Arc::clone(&barrier);
        Box::pin(async move {
            // Nobody gets an answer until all the requests are being handled at once.
            barrier.wait().await;
            Response::new(200).body("together")
        })
    });
    let server = start(ServerConfig::default(), handler).await;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(roundtrip(
                server.addr,
                b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
            ))
        })
        .collect();
    let answered = tokio::time::timeout(Duration::from_secs(30), async {
        let mut ok = 0;
        for client in clients {
            if client
                .await
                .is_ok_and(|r| status_line(&r) == "HTTP/1.1 200 OK")
            {
                ok += 1;
            }
        }
        ok
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "the {CLIENTS} requests were not all in the handler at the same time: a server that \
             finishes one connection before accepting the next never gets past the first (spawn \
             a task per connection)"
        )
    });
    assert_eq!(
        answered, CLIENTS,
        "every one of the {CLIENTS} concurrent clients gets its 200"
    );
}

#[tokio::test]
async fn a_silent_client_does_not_delay_anyone_else() {
    let server = start(patient(), hello_handler()).await;
    let _silent = connect(server.addr).await;
    let response = tokio::time::timeout(GUARD, roundtrip(server.addr, b"GET / HTTP/1.1\r\n\r\n"))
        .await
        .unwrap_or_else(|_| {
            panic!("a client that connected and said nothing blocked the next client: read each connection in its own task")
        });
    assert_eq!(
        status_line(&response),
        "HTTP/1.1 200 OK",
        "the second client is served while the first is silent"
    );
}

#[tokio::test(start_paused = true)]
async fn closes_a_silent_client_after_the_header_timeout() {
    let timeout = Duration::from_secs(5);
    let server = start(header_timeout(timeout), hello_handler()).await;
    let mut silent = connect(server.addr).await;
    let began = tokio::time::Instant::now();
    assert!(
        closed_by_server(&mut silent).await,
        "a silent client is disconnected, not served"
    );
    assert!(
        began.elapsed() >= timeout,
        "the server closed after {:?} (paused clock): it must wait the full header timeout of {timeout:?}",
        began.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn closes_a_client_that_stops_halfway_through_its_headers() {
    let timeout = Duration::from_secs(5);
    let server = start(header_timeout(timeout), hello_handler()).await;
    let mut slow = connect(server.addr).await;
    slow.write_all(b"GET / HTTP/1.1\r\nHost: slowloris\r\n")
        .await
        .expect("the server reads");
    assert!(
        closed_by_server(&mut slow).await,
        "a client that never finishes its headers (slowloris) is cut off by the header timeout"
    );
}

#[tokio::test]
async fn keeps_the_connection_alive_for_several_requests() {
    let server = start(ServerConfig::default(), hello_handler()).await;
    let mut stream = connect(server.addr).await;
    for path in ["/", "/missing", "/"] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: h\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("a kept-alive connection accepts the next request");
        let response = read_response(&mut stream).await;
        assert!(
            response.is_some(),
            "HTTP/1.1 keeps the connection open after answering {path}: the server closed it instead"
        );
    }
}

#[tokio::test]
async fn answers_pipelined_requests_in_order() {
    let server = start(ServerConfig::default(), hello_handler()).await;
    let mut stream = send_on_new_connection(
        server.addr,
        b"GET /first HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    )
    .await;
    let first = read_response(&mut stream)
        .await
        .expect("a response to the first request");
    let second = read_response(&mut stream)
        .await
        .expect("a response to the second request, sent in the same packet");
    assert_eq!(
        (status_line(&first), status_line(&second)),
        (
            "HTTP/1.1 404 Not Found".to_owned(),
            "HTTP/1.1 200 OK".to_owned()
        ),
        "bytes after the first request are the second request, not garbage to drop"
    );
}

#[rstest]
#[case::alone(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n".as_slice())]
#[case::in_a_token_list(b"GET / HTTP/1.1\r\nConnection: Upgrade, close\r\n\r\n".as_slice())]
#[tokio::test]
async fn honours_connection_close(#[case] request: &[u8]) {
    let (_server, mut stream) = patient_hello_server_sent(request).await;
    let response = read_response(&mut stream)
        .await
        .expect("an answer before closing");
    assert!(
        String::from_utf8_lossy(&response).contains("\r\nConnection: close\r\n"),
        "{:?} asks to close (`close` is one token of the Connection list, alone or not): the \
         response must say `Connection: close`, because the server closes after it. Mark it \
         whenever the connection will close (what wants_keep_alive says), not only when the \
         header is exactly `close`: {:?}",
        String::from_utf8_lossy(request),
        String::from_utf8_lossy(&response)
    );
    assert!(
        closed_by_server(&mut stream).await,
        "after `Connection: close` the server closes the connection"
    );
}

#[tokio::test]
async fn closes_an_http10_connection_after_one_response() {
    let (_server, mut stream) = patient_hello_server_sent(b"GET / HTTP/1.0\r\n\r\n").await;
    let response = read_response(&mut stream)
        .await
        .expect("an HTTP/1.0 request is answered");
    assert!(
        String::from_utf8_lossy(&response).contains("\r\nConnection: close\r\n"),
        "an HTTP/1.0 connection without keep-alive closes after this response, so the \
         response must say `Connection: close` (the client did not ask: the server marks \
         every response after which it closes): {:?}",
        String::from_utf8_lossy(&response)
    );
    assert!(
        closed_by_server(&mut stream).await,
        "HTTP/1.0 without keep-alive closes after the response"
    );
}

#[rstest]
#[case::http10_that_asks_for_keep_alive(
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".as_slice()
)]
#[case::http11_whose_token_only_contains_close(
    b"GET / HTTP/1.1\r\nConnection: enclosed\r\n\r\n".as_slice()
)]
#[tokio::test]
async fn keeps_the_connection_open_whenever_the_request_wants_keep_alive(#[case] request: &[u8]) {
    let (mut client, _connection, _stop) = connection_on_a_pipe(patient(), hello_handler());
    let first = exchange_on_pipe(&mut client, request).await;
    let second = exchange_on_pipe(&mut client, b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").await;
    let said_close = first
        .as_deref()
        .is_some_and(|r| String::from_utf8_lossy(r).contains("\r\nConnection: close\r\n"));
    assert!(
        first.is_some() && !said_close && second.is_some(),
        "after {:?} the server {}: that request wants keep-alive (Request::wants_keep_alive: \
         an HTTP/1.0 client keeps the connection when it lists the `keep-alive` token, and only \
         the whole token `close` ends an HTTP/1.1 one, not a token that merely contains the \
         letters), so its connection stays open, unmarked, for the next request. Decide with \
         wants_keep_alive, not by the version alone or a substring search",
        String::from_utf8_lossy(request),
        if first.is_none() {
            "closed without answering"
        } else if said_close {
            "answered with `Connection: close`"
        } else {
            "answered, then closed before the next request"
        }
    );
}

#[tokio::test]
async fn answers_garbage_with_400_and_closes() {
    let (_server, mut stream) = patient_hello_server_sent(b"EHLO mail.example.com\r\n\r\n").await;
    let response = read_response(&mut stream).await.expect("an error response");
    assert_eq!(
        status_line(&response),
        "HTTP/1.1 400 Bad Request",
        "garbage gets 400"
    );
    assert!(
        !body_of(&response).is_empty(),
        "the 400 says what was wrong"
    );
    assert!(
        closed_by_server(&mut stream).await,
        "after a parse error the stream cannot be trusted: close"
    );
}

/// A handler whose `/slow` requests report that they started and wait for the test's go.
fn slow_handler() -> (Handler, mpsc::Receiver<()>, Arc<tokio::sync::Semaphore>) {
    let (started_tx, started_rx) = mpsc::channel(8);
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let handler_gate = Arc::clone(&gate);
    let handler: Handler = Arc::new(move |request| {
        let started = started_tx.clone();
        let gate = Arc::clone(&handler_gate);
        Box::pin(async move {
            if request.target == "/slow" {
                let _ = started.send(()).await;
                let _ = gate.acquire().await;
            }
            Response::new(200).body(format!("finished {}", request.target))
        })
    });
    (handler, started_rx, gate)
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_request_in_flight() {
    let (handler, mut started, gate) = slow_handler();
    let server = start(ServerConfig::default(), handler).await;
    let mut stream = send_on_new_connection(server.addr, b"GET /slow HTTP/1.1\r\n\r\n").await;
    guard("the handler starting", started.recv()).await;

    let _ = server.stop.send(());
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(
        !server.task.is_finished(),
        "serve returned while a request was still being handled: graceful shutdown waits for in-flight work"
    );
    gate.add_permits(1);

    let response = read_response(&mut stream)
        .await
        .expect("the in-flight request still gets its answer");
    assert_eq!(
        body_of(&response),
        b"finished /slow",
        "the handler ran to completion"
    );
    assert!(
        String::from_utf8_lossy(&response).contains("\r\nConnection: close\r\n"),
        "a server that is shutting down tells the client this connection will not be reused"
    );
    let result = guard("serve returning after the last request", server.task).await;
    assert!(
        matches!(result, Ok(Ok(()))),
        "serve returns Ok(()) once drained; got {result:?}"
    );
}

#[tokio::test]
async fn graceful_shutdown_closes_idle_keep_alive_connections() {
    let server = start(patient(), hello_handler()).await;
    let mut idle = send_on_new_connection(server.addr, b"GET / HTTP/1.1\r\n\r\n").await;
    read_response(&mut idle)
        .await
        .expect("the first request is answered and the connection kept");

    let _ = server.stop.send(());
    let result = tokio::time::timeout(GUARD, server.task).await.unwrap_or_else(|_| {
        panic!("serve is still waiting for an idle keep-alive client: on shutdown, idle connections are closed at once")
    });
    assert!(
        matches!(result, Ok(Ok(()))),
        "serve returns Ok(()); got {result:?}"
    );
    assert!(
        closed_by_server(&mut idle).await,
        "the idle connection is closed by the shutdown"
    );
}

#[tokio::test]
async fn refuses_new_connections_after_shutdown() {
    let (handler, mut started, gate) = slow_handler();
    let server = start(ServerConfig::default(), handler).await;
    let mut idle = send_on_new_connection(server.addr, b"GET / HTTP/1.1\r\n\r\n").await;
    read_response(&mut idle)
        .await
        .expect("the first request is answered and the connection kept");
    let mut slow = send_on_new_connection(server.addr, b"GET /slow HTTP/1.1\r\n\r\n").await;
    guard("the handler starting", started.recv()).await;

    let _ = server.stop.send(());
    // Once the idle connection is closed, the server has taken in the stop signal.
    assert!(
        closed_by_server(&mut idle).await,
        "the idle connection is closed by the shutdown"
    );
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "shutdown has begun (a request is still in flight): the server must close its listener \
         at once, so new clients are refused instead of completing a handshake and waiting \
         unserved in the accept queue for as long as the drain takes; drop the TcpListener when \
         the accept loop ends, before waiting for the connections"
    );
    gate.add_permits(1);
    read_response(&mut slow)
        .await
        .expect("the request in flight still gets its answer");
    let result = guard("serve returning", server.task).await;
    assert!(
        matches!(result, Ok(Ok(()))),
        "serve returns Ok(()) after the shutdown signal; got {result:?}"
    );
}

#[tokio::test]
async fn a_handler_that_panics_does_not_stall_the_shutdown() {
    let handler: Handler = Arc::new(|request| {
        Box::pin(async move {
            assert!(
                request.target != "/panic",
                "this handler panics on /panic (expected by the test)"
            );
            Response::new(200).body("fine")
        })
    });
    let server = start(ServerConfig::default(), handler).await;
    let mut doomed = send_on_new_connection(server.addr, b"GET /panic HTTP/1.1\r\n\r\n").await;
    assert!(
        closed_by_server(&mut doomed).await,
        "the connection whose handler panicked is closed (its task is gone)"
    );
    let answer = roundtrip(server.addr, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").await;
    assert_eq!(body_of(&answer), b"fine", "the server still serves others");

    let _ = server.stop.send(());
    let result = tokio::time::timeout(GUARD, server.task).await.unwrap_or_else(|_| {
        panic!(
            "serve did not return within {GUARD:?} of the stop signal, with no connection open: \
             one connection's handler had panicked earlier, and the shutdown still waits for it \
             (a hand-kept counter of open connections that the panicking task never counted \
             down). Keep the connection tasks in a JoinSet: join_next reports a panicked task \
             like a finished one"
        )
    });
    assert!(
        matches!(result, Ok(Ok(()))),
        "serve returns Ok(()) after the shutdown signal; got {result:?}"
    );
}

// --- the connection loop alone, driven by a scripted peer: no sockets, no real time ---

/// A handler that answers every request with `response` and counts the calls.
fn fixed_handler(response: Response) -> (Handler, Arc<std::sync::atomic::AtomicUsize>) {
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let handler: Handler = Arc::new(move |_request| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let response = response.clone();
        Box::pin(async move { response })
    });
    (handler, calls)
}

#[tokio::test(start_paused = true)]
async fn a_request_that_arrives_in_fragments_is_answered_once_it_is_whole() {
    let answer = Response::new(200).body("whole");
    let (handler, calls) = fixed_handler(answer.clone());
    // Four reads, each a piece of one request, then the expected answer, then end of stream.
    let peer = tokio_test::io::Builder::new()
        .read(b"GET / HT")
        .read(b"TP/1.1\r\nHo")
        .read(b"st: kata\r\n")
        .read(b"\r\n")
        .write(&answer.to_bytes())
        .build();
    let (_stop, stop) = tokio::sync::watch::channel(false);
    guard(
        "serve_connection on a fragmented request",
        serve_connection(peer, ServerConfig::default(), handler, stop),
    )
    .await;
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "a request split over four reads is still one request: keep reading into a buffer \
         until the head is complete, then call the handler once"
    );
}

#[tokio::test(start_paused = true)]
async fn a_peer_that_stalls_mid_header_is_dropped_at_the_deadline_without_a_word() {
    let (handler, calls) = fixed_handler(Response::new(200));
    // Half a header, then silence for an hour: the script has no write, so any reply fails.
    let peer = tokio_test::io::Builder::new()
        .read(b"GET / HTTP/1.1\r\nHo")
        .wait(Duration::from_secs(3_600))
        .build();
    let config = header_timeout(Duration::from_secs(10));
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let started = tokio::time::Instant::now();
    let finished = tokio::time::timeout(
        Duration::from_secs(60),
        serve_connection(peer, config, handler, stop),
    )
    .await;
    assert!(
        finished.is_ok(),
        "a peer that sent half a header and went quiet was still being served after 60 s: \
         wrap the reading of each request in tokio::time::timeout(header_timeout, …)"
    );
    assert!(
        started.elapsed() >= config.header_timeout,
        "the stalled peer was dropped after {:?}, before header_timeout (10 s) ran out",
        started.elapsed()
    );
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "half a request must never reach the handler"
    );
}

#[rstest]
#[case::while_its_handler_runs(false)]
#[case::while_the_client_is_halfway_through_it(true)]
fn a_stop_signal_lets_the_request_in_flight_finish(#[case] mid_request: bool) {
    use tokio::io::AsyncReadExt as _;
    use tokio_test::{assert_pending, assert_ready};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the connection's timers");
    let _context = runtime.enter();
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let entered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let handler: Handler = {
        let (gate, entered) = (Arc::clone(&gate), Arc::clone(&entered));
        Arc::new(move |_request| {
            let gate = Arc::clone(&gate);
            entered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Box::pin(async move {
                // Holds the request "in flight" until the test opens the gate.
                let _permit = gate.acquire().await;
                Response::new(200).body("finished")
            })
        })
    };
    let (mut client, server_side) = tokio::io::duplex(64 * 1024);
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let mut connection = tokio_test::task::spawn(serve_connection(
        server_side,
        ServerConfig::default(),
        handler,
        stop_rx,
    ));
    let request: &[u8] = b"GET / HTTP/1.1\r\nHost: kata\r\n\r\n";
    let mut send = |bytes: &[u8]| {
        use tokio::io::AsyncWriteExt as _;
        let mut write = tokio_test::task::spawn(client.write_all(bytes));
        assert_ready!(write.poll()).expect("the request fits in the pipe");
    };
    if mid_request {
        // Half the head, then the stop signal, then the rest.
        send(&request[..12]);
        assert_pending!(
            connection.poll(),
            "serve_connection returned while its client was sending a request"
        );
        stop.send_replace(true);
        assert_pending!(
            connection.poll(),
            "the stop signal came while the client was halfway through sending its request, \
             and the connection gave up: that request is in flight too, and a graceful stop \
             answers it (race the read against the stop signal only while the connection is \
             idle, with nothing of a request in the buffer)"
        );
        send(&request[12..]);
    } else {
        send(request);
    }

    assert_pending!(
        connection.poll(),
        "serve_connection returned before answering the request it was sent"
    );
    assert_eq!(
        entered.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the whole request was in the pipe, so the handler must have been called once"
    );
    stop.send_replace(true);
    assert_pending!(
        connection.poll(),
        "the stop signal came while a request was in its handler, and the connection gave up: \
         a graceful stop lets the request in flight finish (stop only waits while idle)"
    );
    gate.add_permits(1);
    assert_ready!(
        connection.poll(),
        "once the handler answered, the response goes out and, with the server stopping, the \
         connection closes"
    );
    let mut reply = Vec::new();
    let mut read = tokio_test::task::spawn(client.read_to_end(&mut reply));
    assert_ready!(read.poll()).expect("the connection closed, so the reply is complete");
    drop(read);
    let text = String::from_utf8_lossy(&reply).to_ascii_lowercase();
    assert!(
        text.starts_with("http/1.1 200") && text.contains("connection: close"),
        "the request in flight must get its 200, marked Connection: close because the server \
         is stopping; got {text:?}"
    );
}

#[rstest]
#[case::one_full_read_of_4_kib(4096)]
#[case::two_full_reads_of_4_kib(8192)]
#[case::three_full_reads_of_4_kib(12288)]
#[case::one_full_read_of_16_kib(16 * 1024)]
#[case::one_full_read_of_32_kib(32 * 1024)]
#[case::one_full_read_of_64_kib(64 * 1024)]
fn a_request_that_ends_exactly_where_a_read_fills_the_buffer_is_answered_at_once(
    #[case] len: usize,
) {
    use tokio::io::AsyncReadExt as _;
    use tokio::io::AsyncWriteExt as _;
    use tokio_test::{assert_pending, assert_ready};

    // A paused clock that nothing advances: the answer must come without any time passing.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a runtime for the connection's timers");
    let _context = runtime.enter();
    let answer = Response::new(200).body("whole");
    let (handler, calls) = fixed_handler(answer.clone());
    let config = ServerConfig {
        limits: crate::request::Limits {
            max_head: 128 * 1024,
            ..crate::request::Limits::default()
        },
        ..ServerConfig::default()
    };
    let request = get_of_exactly(len);
    let (mut client, server_side) = tokio::io::duplex(128 * 1024);
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let mut connection =
        tokio_test::task::spawn(serve_connection(server_side, config, handler, stop));
    {
        let mut write = tokio_test::task::spawn(client.write_all(&request));
        assert_ready!(write.poll()).expect("the request fits in the pipe");
    }

    assert_pending!(
        connection.poll(),
        "serve_connection returned while its client waited for an answer"
    );
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the whole {len}-byte request was in the pipe, read in reads that each filled the \
         buffer, and the handler was not called: a read that fills the buffer says nothing \
         about what is still coming (the client sent its request and waits for the answer, \
         until header_timeout drops it), so parse after every read, full or not"
    );
    let expected = answer.to_bytes();
    let mut reply = vec![0; expected.len()];
    let mut read = tokio_test::task::spawn(client.read_exact(&mut reply));
    assert_ready!(read.poll()).expect("the answer is in the pipe");
    drop(read);
    assert_eq!(
        String::from_utf8_lossy(&reply),
        String::from_utf8_lossy(&expected),
        "the {len}-byte request gets its answer at once"
    );
}

/// Serves one connection whose client sends `at_once`, stays silent for `silent`, then sends
/// `dripped` one byte per second (tokio's paused clock), with a 10 s `header_timeout`.
/// Returns how long the connection lasted and how many times the handler ran.
async fn drip(
    silent: Duration,
    at_once: &'static [u8],
    dripped: &'static [u8],
) -> (Duration, usize) {
    let (handler, calls) = fixed_handler(Response::new(200).body("too late"));
    let (mut client, server_side) = tokio::io::duplex(64 * 1024);
    let dripper = tokio::spawn(async move {
        client.write_all(at_once).await?;
        tokio::time::sleep(silent).await;
        for byte in dripped {
            tokio::time::sleep(Duration::from_secs(1)).await;
            client.write_all(std::slice::from_ref(byte)).await?;
        }
        // Keep the pipe open: only the server's deadline may end this connection.
        std::future::pending::<()>().await;
        io::Result::Ok(())
    });
    let config = header_timeout(Duration::from_secs(10));
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let started = tokio::time::Instant::now();
    let finished = tokio::time::timeout(
        Duration::from_secs(600),
        serve_connection(server_side, config, handler, stop),
    )
    .await;
    dripper.abort();
    assert!(
        finished.is_ok(),
        "a client dripping one byte a second was still connected after 600 s: header_timeout \
         is a deadline for the whole request, not a limit on each read"
    );
    (
        started.elapsed(),
        calls.load(std::sync::atomic::Ordering::SeqCst),
    )
}

/// A whole request, the one a dripping client drips.
const DRIP_GET: &[u8] = b"GET / HTTP/1.1\r\nHost: drip.example\r\n\r\n";

#[rstest]
#[case::its_head(b"".as_slice(), 0, DRIP_GET, 0)]
#[case::its_head_after_8_s_of_silence(b"".as_slice(), 8, DRIP_GET, 0)]
#[case::its_body(
    b"POST / HTTP/1.1\r\nHost: drip.example\r\nContent-Length: 30\r\n\r\n".as_slice(),
    0,
    b"012345678901234567890123456789".as_slice(),
    0
)]
#[case::its_head_for_9_s_then_its_body(
    b"POST / HTTP/1.1\r\nContent-Length: 30\r\n".as_slice(),
    0,
    b"X: 12\r\n\r\n012345678901234567890123456789".as_slice(),
    0
)]
#[case::its_second_request_after_8_s_of_keep_alive_silence(DRIP_GET, 8, DRIP_GET, 1)]
#[tokio::test(start_paused = true)]
async fn a_client_dripping_its_request_one_byte_a_second_is_cut_off_at_the_deadline(
    #[case] at_once: &'static [u8],
    #[case] silent_s: u64,
    #[case] dripped: &'static [u8],
    #[case] answered: usize,
) {
    let (lasted, calls) = drip(Duration::from_secs(silent_s), at_once, dripped).await;
    assert!(
        lasted <= Duration::from_secs(11) && calls == answered,
        "a client sending {:?} at once, then silent for {silent_s} s, then sending {:?} one \
         byte a second (each read well inside the 10 s header_timeout) held the connection for \
         {lasted:?} and reached the handler {calls} time(s), not {answered}: one deadline \
         covers the wait for the request and the whole request, head and body together \
         (slowloris), measured from the accept or the end of the last response, for every \
         request on a keep-alive connection, not only the first. Wrap the reading of each \
         request in one tokio::time::timeout: not each read, not a fresh one at the first \
         byte, and not the head and then the body with a fresh timeout each",
        String::from_utf8_lossy(at_once),
        String::from_utf8_lossy(dripped)
    );
}

#[tokio::test]
async fn every_connection_is_a_task_on_the_runtime_not_an_os_thread() {
    // A current-thread runtime: tasks spawned on it all run on this very thread.
    let runtime_thread = std::thread::current().id();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let handler: Handler = {
        let seen = Arc::clone(&seen);
        Arc::new(move |_request| {
            seen.lock()
                .expect("no test thread panics holding it")
                .push(std::thread::current().id());
            Box::pin(async { Response::new(200).body("on the loop") })
        })
    };
    let server = start(ServerConfig::default(), handler).await;
    for _ in 0..3 {
        roundtrip(server.addr, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").await;
    }
    let seen = seen
        .lock()
        .expect("no test thread panics holding it")
        .clone();
    assert_eq!(seen.len(), 3, "three requests, three handler calls");
    assert!(
        seen.iter().all(|&thread| thread == runtime_thread),
        "the handler ran on another OS thread than the runtime's: serve must spawn each \
         connection as a tokio task (tokio::spawn / JoinSet::spawn) on the event loop, not give \
         it an OS thread (std::thread::spawn, spawn_blocking) that blocks on it; that is the \
         thread-per-connection design async replaces"
    );
}

#[test]
fn an_idle_connection_sleeps_until_the_stop_signal_then_closes_at_once() {
    use tokio_test::{assert_pending, assert_ready};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a runtime with tokio's paused clock");
    let _context = runtime.enter();
    let (_client, server_side) = tokio::io::duplex(1024);
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let mut connection = tokio_test::task::spawn(serve_connection(
        server_side,
        patient(),
        hello_handler(),
        stop_rx,
    ));
    assert_pending!(
        connection.poll(),
        "serve_connection returned although its client is connected and the server runs"
    );
    // A minute of (paused) time passes; the client says nothing, the server does not stop.
    runtime.block_on(tokio::time::sleep(Duration::from_secs(60)));
    assert!(
        !connection.is_woken(),
        "an idle connection woke up during a silent minute with nothing to do: it must sleep \
         until a byte or the stop signal arrives (tokio::select! on the read and on the watch \
         channel's changed()/wait_for), not check a stop flag on a timer"
    );
    stop.send_replace(true);
    assert!(
        connection.is_woken(),
        "the stop signal did not wake the idle connection: await the watch channel in \
         tokio::select! next to the read"
    );
    assert_ready!(
        connection.poll(),
        "the server stopped and the connection was idle, so it closes at once: no grace \
         period, no timer to wait for"
    );
}

#[tokio::test(start_paused = true)]
async fn a_handler_slower_than_the_header_timeout_still_gets_its_answer_out() {
    // The head arrives at once; the handler then works six times the header timeout
    // (tokio's paused clock: no real time passes).
    const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    const WORK: Duration = Duration::from_secs(60);
    let handler: Handler = Arc::new(|_request| {
        Box::pin(async {
            tokio::time::sleep(WORK).await;
            Response::new(200).body("worth the wait")
        })
    });
    let config = header_timeout(HEADER_TIMEOUT);
    let server = start(config, handler).await;
    let mut stream = send_on_new_connection(
        server.addr,
        b"GET /slow HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .await;

    let mut response = Vec::new();
    let read = tokio::time::timeout(WORK * 10, stream.read_to_end(&mut response)).await;

    assert!(
        read.is_ok() && body_of(&response) == b"worth the wait",
        "the request's head arrived at once and its handler took {WORK:?} against a \
         header_timeout of {HEADER_TIMEOUT:?}; the client got {:?}: header_timeout bounds the \
         wait for the client's request (head and body), not the handler's work nor the reply, \
         so end the deadline once the request is read",
        String::from_utf8_lossy(&response)
    );
    let _ = server.stop.send(());
}

#[tokio::test(start_paused = true)]
async fn graceful_shutdown_waits_as_long_as_the_request_in_flight_takes() {
    const WORK: Duration = Duration::from_secs(3600);
    let (started_tx, mut started) = mpsc::channel::<()>(1);
    let handler: Handler = Arc::new(move |_request| {
        let started = started_tx.clone();
        Box::pin(async move {
            let _ = started.send(()).await;
            // An hour of work (tokio's paused clock: no real time passes).
            tokio::time::sleep(WORK).await;
            Response::new(200).body("finished after an hour")
        })
    });
    let config = header_timeout(Duration::from_secs(24 * 3600));
    let server = start(config, handler).await;
    let mut stream = send_on_new_connection(server.addr, b"GET /slow HTTP/1.1\r\n\r\n").await;
    started.recv().await;
    let stopped_at = tokio::time::Instant::now();
    let _ = server.stop.send(());

    let mut response = Vec::new();
    let read = tokio::time::timeout(WORK * 24, stream.read_to_end(&mut response)).await;
    assert!(
        read.is_ok() && body_of(&response) == b"finished after an hour",
        "the request in flight when shutdown began (its handler takes an hour) did not get its \
         answer; got {:?} after {:?}: graceful shutdown waits for every request already being \
         handled, however long it takes, and never aborts it after a fixed grace period",
        String::from_utf8_lossy(&response),
        stopped_at.elapsed()
    );
    let result = tokio::time::timeout(WORK, server.task).await;
    assert!(
        matches!(result, Ok(Ok(Ok(())))),
        "serve returns Ok(()) once the last request is answered; got {result:?}"
    );
}

/// A handler that answers only once `clients` requests are all in it at once.
fn all_at_once_handler(clients: usize) -> Handler {
    let barrier = Arc::new(Barrier::new(clients));
    Arc::new(move |_request| {
        let barrier = Arc::clone(&barrier);
        Box::pin(async move {
            barrier.wait().await;
            Response::new(200).body("together")
        })
    })
}

/// Bytes a probe block adds at the end of a measurement, so that the peak it reports is the
/// heap held at that moment plus the probe (far above anything the burst itself held).
const PROBE: usize = 64 << 20;

#[test]
fn finished_connections_are_let_go_not_kept_until_shutdown() {
    const CLIENTS: usize = 100;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    let server = runtime.block_on(start(patient(), all_at_once_handler(CLIENTS)));
    // Measured from here: a burst of clients all open at once, each answered and closed by
    // the server; then no client for a while, and a probe block shows the heap held then.
    let ((), peak) = peak_heap(|| {
        runtime.block_on(async {
            let clients: Vec<_> = (0..CLIENTS)
                .map(|_| {
                    tokio::spawn(async move {
                        let mut stream = send_on_new_connection(
                            server.addr,
                            b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                        read_response(&mut stream)
                            .await
                            .expect("the server answers before closing");
                        assert!(
                            closed_by_server(&mut stream).await,
                            "Connection: close closes"
                        );
                    })
                })
                .collect();
            for client in clients {
                guard("a client of the burst", client)
                    .await
                    .expect("every client of the burst is answered and closed");
            }
            // Every connection task has ended; serve was woken for each. Let it run.
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
            drop(std::hint::black_box(vec![0u8; PROBE]));
        });
    });
    let held = peak.saturating_sub(PROBE);
    let _ = runtime.block_on(async {
        let _ = server.stop.send(());
        guard("serve after the stop signal", server.task).await
    });

    // The solution holds about 2 KiB here; each finished task kept holds about 180 bytes.
    let bound = 8 * 1024;
    assert!(
        held <= bound,
        "{CLIENTS} clients, all open at once, were answered and gone, and no client came \
         since: serve still held {held} bytes of heap more than before them (allowed: \
         {bound}). It keeps something per finished connection (a JoinHandle in a Vec drained \
         only at shutdown, or finished tasks reaped only when the next client is accepted, \
         keeps each task's memory): let finished tasks go as they end (JoinSet::join_next \
         as an arm of the accept loop's select!)"
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_sleeps_until_the_last_connection_ends_instead_of_polling() {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let (started_tx, mut started) = mpsc::channel::<()>(1);
    let handler: Handler = {
        let gate = Arc::clone(&gate);
        Arc::new(move |_request| {
            let (gate, started) = (Arc::clone(&gate), started_tx.clone());
            Box::pin(async move {
                let _ = started.send(()).await;
                // In flight until the test opens the gate.
                let _permit = gate.acquire().await;
                Response::new(200).body("finished")
            })
        })
    };
    let (listener, addr) = super::local_listener().await;
    let (stop, stopped) = oneshot::channel::<()>();
    let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = tokio::spawn(super::CountPolls {
        inner: Box::pin(serve(listener, patient(), handler, async move {
            let _ = stopped.await;
        })),
        polls: Arc::clone(&polls),
    });
    let mut stream = send_on_new_connection(addr, b"GET / HTTP/1.1\r\n\r\n").await;
    guard("the handler to start", started.recv()).await;
    let _ = stop.send(());

    // Shutdown has begun; the request stays in flight for a (paused) minute.
    let before = polls.load(std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(60)).await;
    let woken = polls.load(std::sync::atomic::Ordering::SeqCst) - before;
    gate.add_permits(1);

    assert!(
        woken <= 3,
        "while shutdown waited a minute for the request in flight, serve was polled {woken} \
         times: it checks on a timer (a counter of open connections read every few \
         milliseconds), which also never ends if a connection task panics before counting \
         itself out. Keep the connections in a JoinSet and await join_next: serve then \
         sleeps until a connection ends"
    );
    let response = read_response(&mut stream)
        .await
        .expect("the request in flight gets its answer");
    assert_eq!(body_of(&response), b"finished", "the handler's answer");
    let result = guard("serve after the last connection ended", server).await;
    assert!(
        matches!(result, Ok(Ok(()))),
        "serve returns Ok(()) once the last request is answered; got {result:?}"
    );
}

/// Bytes the in-memory pipe of [`connection_on_a_pipe`] holds in each direction.
const PIPE: usize = 64 * 1024;

/// `serve_connection` with `handler` and `config`, on an in-memory pipe of [`PIPE`] bytes:
/// the client's end, the connection's task and the (unused) stop signal's sender.
fn connection_on_a_pipe(
    config: ServerConfig,
    handler: Handler,
) -> (
    tokio::io::DuplexStream,
    JoinHandle<()>,
    tokio::sync::watch::Sender<bool>,
) {
    let (client, server_side) = tokio::io::duplex(PIPE);
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let connection = tokio::spawn(serve_connection(server_side, config, handler, stop));
    (client, connection, stop_tx)
}

/// Sends `request` on the pipe and reads one response (the head, then Content-Length bytes
/// of body); `None` if the server closed the connection first.
async fn exchange_on_pipe(client: &mut tokio::io::DuplexStream, request: &[u8]) -> Option<Vec<u8>> {
    client.write_all(request).await.ok()?;
    read_response(client).await
}

#[tokio::test(start_paused = true)]
async fn every_request_on_a_keep_alive_connection_gets_a_deadline_of_its_own() {
    const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    const PAUSE: Duration = Duration::from_secs(6);
    const WORK: Duration = Duration::from_secs(8);
    // Each request keeps the handler busy for 8 s (tokio's paused clock).
    let handler: Handler = Arc::new(|_request| {
        Box::pin(async {
            tokio::time::sleep(WORK).await;
            Response::new(200).body("busy")
        })
    });
    let (mut client, _connection, _stop) =
        connection_on_a_pipe(header_timeout(HEADER_TIMEOUT), handler);
    let connected = tokio::time::Instant::now();
    for n in 1..=4 {
        // A busy client: a request 6 s after each answer, well within the 10 s deadline.
        tokio::time::sleep(PAUSE).await;
        let response =
            exchange_on_pipe(&mut client, b"GET / HTTP/1.1\r\nHost: busy.example\r\n\r\n").await;
        assert!(
            response.is_some(),
            "request {n}, sent {PAUSE:?} after the previous answer, {:?} after the previous \
             request was read (its handler took {WORK:?}) and {:?} after connecting \
             (header_timeout: {HEADER_TIMEOUT:?}), was not answered: the server closed the \
             connection. header_timeout is one deadline per request, started when the wait \
             for that request begins, at the end of the last response: not one deadline set \
             when the client connects, nor one started when the previous request was read \
             (the handler's time is not the client's)",
            PAUSE + WORK,
            connected.elapsed()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn an_idle_keep_alive_connection_is_closed_one_header_timeout_after_its_last_response() {
    const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    let (mut client, connection, _stop) =
        connection_on_a_pipe(header_timeout(HEADER_TIMEOUT), hello_handler());
    assert!(
        exchange_on_pipe(&mut client, b"GET / HTTP/1.1\r\nHost: idle.example\r\n\r\n")
            .await
            .is_some(),
        "the server closed before answering the request"
    );
    let answered = tokio::time::Instant::now();

    // The client keeps the connection open and says nothing more.
    let closed = tokio::time::timeout(Duration::from_secs(600), connection).await;

    assert!(
        closed.is_ok() && answered.elapsed() <= HEADER_TIMEOUT + Duration::from_secs(1),
        "a keep-alive client that got its answer and then said nothing was still connected \
         {:?} later (header_timeout: {HEADER_TIMEOUT:?}): the wait for the next request is \
         covered by header_timeout too, from the end of the last response, not from the next \
         request's first byte; otherwise idle clients hold their sockets until shutdown",
        answered.elapsed()
    );
    drop(client);
}

/// A line of `2 * PIPE` letters and no space: no request line at all. Its 400 quotes it
/// whole, so the error response is more than twice what the pipe holds.
fn a_bad_request_line_twice_the_pipe() -> Vec<u8> {
    let mut request = vec![b'x'; 2 * PIPE];
    request.extend_from_slice(b"\r\n\r\n");
    request
}

#[rstest]
#[case::the_handlers_200(
    b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec(),
    "HTTP/1.1 200 OK",
    4 * PIPE
)]
#[case::a_400_that_quotes_a_bad_request_line(
    a_bad_request_line_twice_the_pipe(),
    "HTTP/1.1 400 Bad Request",
    2 * PIPE
)]
#[tokio::test]
async fn a_response_larger_than_one_write_reaches_the_client_whole(
    #[case] request: Vec<u8>,
    #[case] status: &str,
    #[case] at_least: usize,
) {
    // The handler's body is four times what the pipe holds, and the head limit lets the bad
    // line in whole: no single write can take either response.
    let body = vec![b'x'; 4 * PIPE];
    let (handler, _calls) = fixed_handler(Response::new(200).body(body));
    let limits = crate::request::Limits {
        max_head: 4 * PIPE,
        ..crate::request::Limits::default()
    };
    let config = ServerConfig {
        limits,
        ..patient()
    };
    let (mut client, _connection, _stop) = connection_on_a_pipe(config, handler);
    let response = exchange_on_pipe(&mut client, &request).await;
    let got = response
        .as_deref()
        .map(|r| (status_line(r), body_of(r).len()));
    assert!(
        got.as_ref()
            .is_some_and(|(line, len)| line == status && *len >= at_least),
        "the response {status:?}, at least {at_least} body bytes, did not reach the client whole through \
         a pipe that holds {PIPE} bytes (got {got:?}; None: the connection closed before \
         Content-Length bytes arrived): one AsyncWrite::write sends what fits and returns the \
         count, the rest is lost. Send every response with write_all, the handler's and the \
         error responses (400, 413, 431) alike: TCP writes, like reads, may be partial"
    );
}

/// [`patient`], with limits of 48 bytes of head and 8 of body.
fn patient_with_small_limits() -> ServerConfig {
    let limits = crate::request::Limits {
        max_head: 48,
        max_body: 8,
    };
    ServerConfig {
        limits,
        ..patient()
    }
}

#[rstest]
#[case::head_over_the_limit(
    b"GET / HTTP/1.1\r\nX-Pad: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n\r\n".as_slice(),
    "HTTP/1.1 431 Request Header Fields Too Large"
)]
#[case::body_over_the_limit(
    b"POST / HTTP/1.1\r\nContent-Length: 16\r\n\r\n0123456789abcdef".as_slice(),
    "HTTP/1.1 413 Content Too Large"
)]
#[tokio::test]
async fn refuses_a_request_over_the_configured_limits(
    #[case] request: &[u8],
    #[case] expected: &str,
) {
    let config = patient_with_small_limits();
    let limits = config.limits;
    let (mut client, _connection, _stop) = connection_on_a_pipe(config, hello_handler());
    let response = exchange_on_pipe(&mut client, request)
        .await
        .expect("the server answers a request over its limits before closing");
    assert_eq!(
        status_line(&response),
        expected,
        "a {}-byte request against {limits:?}: the server parses with config.limits, so a head \
         or body over them is refused (431, 413) instead of buffered; header_timeout bounds \
         time, not size, and a fast client fills memory well within it",
        request.len()
    );
}

/// After a 431 or 413 the server cannot know where the refused request ends (the rest of
/// its head, or its body, may hold what looks like a whole request): it closes. A complete
/// `GET /` sent after the error response must find the connection closed, not be answered.
#[rstest]
#[case::head_over_the_limit(
    b"GET / HTTP/1.1\r\nX-Pad: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n\r\n".as_slice(),
    "HTTP/1.1 431 Request Header Fields Too Large"
)]
#[case::body_over_the_limit(
    b"POST / HTTP/1.1\r\nContent-Length: 18\r\n\r\nGET / HTTP/1.1\r\n\r\n".as_slice(),
    "HTTP/1.1 413 Content Too Large"
)]
#[tokio::test]
async fn closes_the_connection_after_refusing_a_request_over_the_limits(
    #[case] request: &[u8],
    #[case] expected: &str,
) {
    let config = patient_with_small_limits();
    let limits = config.limits;
    let (mut client, _connection, _stop) = connection_on_a_pipe(config, hello_handler());
    let refused = exchange_on_pipe(&mut client, request).await;
    assert_eq!(
        refused.as_deref().map(status_line).as_deref(),
        Some(expected),
        "a {}-byte request against {limits:?} must be refused before the connection closes",
        request.len()
    );

    let next = exchange_on_pipe(&mut client, b"GET / HTTP/1.1\r\nHost: next.example\r\n\r\n").await;

    assert_eq!(
        next.as_deref().map(status_line),
        None,
        "after its {expected:?} the server answered a request sent on the same connection: \
         a request refused for its size was not read to its end (the rest of its head or its \
         body is still on the stream, and may hold a whole request, smuggled), so the server \
         cannot tell where the next request starts. Close after every error response, 413 \
         and 431 included, as after a 400"
    );
}

#[tokio::test(start_paused = true)]
async fn refuses_a_head_that_never_ends_as_soon_as_it_is_over_the_limit() {
    const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
    let limits = crate::request::Limits {
        max_head: 48,
        max_body: 8,
    };
    let config = ServerConfig {
        header_timeout: HEADER_TIMEOUT,
        limits,
    };
    let (mut client, _connection, _stop) = connection_on_a_pipe(config, hello_handler());
    // 4 KiB of head and no blank line: a head that never ends (tokio's paused clock).
    let mut head = b"GET / HTTP/1.1\r\n".to_vec();
    while head.len() < 4096 {
        head.extend_from_slice(b"X-Pad: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n");
    }
    let sent = tokio::time::Instant::now();

    let response = exchange_on_pipe(&mut client, &head).await;

    let waited = sent.elapsed();
    let status = response.as_deref().map(status_line);
    assert!(
        waited < HEADER_TIMEOUT
            && status.as_deref() == Some("HTTP/1.1 431 Request Header Fields Too Large"),
        "a client sent {} bytes of head with no blank line against {limits:?}; the server \
         answered {status:?} after {waited:?} (header_timeout: {HEADER_TIMEOUT:?}, None: it \
         closed without a word). A head over max_head gets 431 as soon as max_head bytes have \
         arrived, blank line or not: parse (parse_with) after every read, which reports an \
         unfinished head over the limit, instead of waiting for the blank line and buffering \
         whatever comes until header_timeout (a fast client fills memory well within it)",
        head.len()
    );
}

/// The peak heap (this thread: a current-thread runtime) of `serve_connection` on a pipe
/// whose client declares a body of `declared` bytes, sends 3 of them and hangs up.
fn peak_heap_for_a_declared_body(runtime: &tokio::runtime::Runtime, declared: &str) -> usize {
    let request = format!("POST / HTTP/1.1\r\nContent-Length: {declared}\r\n\r\nabc");
    peak_heap_for_a_client(runtime, &request, patient())
}

/// The peak heap (this thread: a current-thread runtime) of `serve_connection` with `config`
/// on a pipe whose client sends `request` and hangs up.
fn peak_heap_for_a_client(
    runtime: &tokio::runtime::Runtime,
    request: &str,
    config: ServerConfig,
) -> usize {
    let ((), peak) = peak_heap(|| {
        runtime.block_on(async {
            let (mut client, server_side) = tokio::io::duplex(PIPE);
            client
                .write_all(request.as_bytes())
                .await
                .expect("the request fits in the pipe");
            drop(client); // the server reads the 3 bytes, then the end
            let (_stop_tx, stop) = tokio::sync::watch::channel(false);
            let connection = serve_connection(server_side, config, hello_handler(), stop);
            guard("serve_connection after its client hung up", connection).await;
        });
    });
    peak
}

#[test]
fn a_declared_body_length_is_not_allocated_up_front() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    let _warm_up = peak_heap_for_a_declared_body(&runtime, "0000010");
    // 1,048,576 is the default max_body: the claim is within the limit, and only 3 bytes come.
    let huge = peak_heap_for_a_declared_body(&runtime, "1048576");
    let small = peak_heap_for_a_declared_body(&runtime, "0000010");
    let slack = 64;
    assert!(
        huge <= small + slack,
        "serve_connection held {huge} bytes of heap for a request of 3 body bytes that \
         declared Content-Length: 1048576, and {small} for the same bytes declaring 10 \
         (allowed: {slack} more): it reserved what a stranger's header claimed, so a thousand \
         connections that each claim a megabyte and send three bytes make the server hold a \
         gigabyte within one header_timeout. Grow the buffer with the bytes that actually \
         arrive; a declared size is a claim, never an allocation, not even capped at max_body"
    );
}

#[test]
fn a_body_still_to_come_holds_a_small_heap_whatever_the_limits_allow() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    let _warm_up = peak_heap_for_a_declared_body(&runtime, "10");
    let peak = peak_heap_for_a_declared_body(&runtime, "10");
    let ceiling = 64 * 1024;
    assert!(
        peak <= ceiling,
        "serve_connection held {peak} bytes of heap at its peak for a POST that declared \
         Content-Length: 10 and sent 3 body bytes (allowed: {ceiling}): once the head was in \
         it set memory aside for the largest body the limits allow ({} bytes), so a thousand \
         slow uploads hold a gigabyte within one header_timeout. Grow the buffer with the \
         bytes that actually arrive; max_body is a limit to check, never a size to reserve",
        crate::request::Limits::default().max_body
    );
}

#[test]
fn a_connection_holds_a_small_heap_however_large_the_head_limit() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    let request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    let config = ServerConfig {
        limits: crate::request::Limits {
            max_head: 1024 * 1024,
            ..crate::request::Limits::default()
        },
        ..patient()
    };
    let max_head = config.limits.max_head;
    let _warm_up = peak_heap_for_a_client(&runtime, request, config);
    let peak = peak_heap_for_a_client(&runtime, request, config);
    let ceiling = 64 * 1024;
    assert!(
        peak <= ceiling,
        "serve_connection held {peak} bytes of heap at its peak for a {}-byte GET with \
         max_head = {max_head} (allowed: {ceiling}): it set memory aside for the largest head \
         the limits allow, so every connection, even an idle keep-alive one, costs the worst \
         case and a generous limit becomes a memory bill. max_head is a limit to check, never \
         a size to reserve: grow the buffer with the bytes that actually arrive",
        request.len()
    );
}

#[cfg(unix)]
#[test]
fn keeps_serving_after_an_accept_that_fails_for_want_of_descriptors() {
    if !super::alone_with_64_descriptors(module_path!()) {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    runtime.block_on(async {
        let (listener, addr) = super::local_listener().await;
        // serve polls its shutdown future on every turn of its accept loop: a third poll
        // means an accept came back (with an error: no descriptor is free) and serve went on.
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = super::CountPolls {
            inner: Box::pin(async move {
                let _ = stopped.await;
            }),
            polls: Arc::clone(&polls),
        };
        let mut fillers = super::every_descriptor_left();
        fillers.pop(); // one descriptor for the client; the server's accept finds none
        let mut client = connect(addr).await;
        let server = tokio::spawn(serve(listener, patient(), hello_handler(), shutdown));
        let deadline = std::time::Instant::now() + GUARD;
        while polls.load(std::sync::atomic::Ordering::SeqCst) < 3 {
            if server.is_finished() {
                let result = server.await;
                panic!(
                    "serve returned {result:?} when accept failed for want of file descriptors \
                     (EMFILE): one failed accept (a connection flood, a client that reset in the \
                     queue) ended the server and every connection in flight. A failed accept \
                     is a value the accept loop skips (or logs), not an error that ends serve"
                );
            }
            assert!(
                std::time::Instant::now() < deadline,
                "serve neither went on accepting nor returned within {GUARD:?} of an accept \
                 that failed for want of file descriptors"
            );
            tokio::task::yield_now().await;
        }
        drop(fillers);
        client
            .write_all(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
            .await
            .expect("the server reads requests");
        let response = read_response(&mut client).await;
        assert_eq!(
            response.as_deref().map(status_line).as_deref(),
            Some("HTTP/1.1 200 OK"),
            "once descriptors are free again, the client whose accept failed is served"
        );
        let _ = stop.send(());
        let result = guard("serve after the stop signal", server).await;
        assert!(
            matches!(result, Ok(Ok(()))),
            "serve returns Ok(()); got {result:?}"
        );
    });
}

#[rstest]
#[case::in_the_future_it_returns(false)]
#[case::in_the_call_that_makes_its_future(true)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_keeps_its_thread_busy_does_not_stall_other_connections(
    #[case] busy_in_the_call: bool,
) {
    // `/busy` keeps its thread busy (a blocking wait stands in for a CPU-heavy computation)
    // until another connection's handler runs, either in the future it returns or in the
    // call that makes that future (code the connection runs itself: spawning only the
    // handler's future does not move it). On tokio's two worker threads, a connection that
    // is a task of its own is run by the other thread; connections polled together inside
    // one task (a Vec of futures, FuturesUnordered, join_all) all wait for `/busy`.
    let (entered_tx, mut entered) = mpsc::unbounded_channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Arc::new(std::sync::Mutex::new(release_rx));
    let handler: Handler = Arc::new(move |request| {
        let entered_tx = entered_tx.clone();
        let release_tx = release_tx.clone();
        let release_rx = Arc::clone(&release_rx);
        let answer = move || {
            if request.target == "/busy" {
                let _ = entered_tx.send(());
                let wait = release_rx
                    .lock()
                    .expect("one busy request at a time")
                    .recv_timeout(GUARD / 2);
                Response::new(200).body(if wait.is_ok() { "released" } else { "stalled" })
            } else {
                let _ = release_tx.send(());
                Response::new(200).body("release")
            }
        };
        if busy_in_the_call {
            let response = answer();
            Box::pin(async move { response })
        } else {
            Box::pin(async move { answer() })
        }
    });
    let server = start(patient(), handler).await;
    let mut busy = send_on_new_connection(server.addr, b"GET /busy HTTP/1.1\r\n\r\n").await;
    guard("the /busy handler to start", entered.recv()).await;
    let other = tokio::spawn(roundtrip(server.addr, b"GET /other HTTP/1.1\r\n\r\n"));
    let response = read_response(&mut busy)
        .await
        .expect("the /busy request is answered");
    assert_eq!(
        String::from_utf8_lossy(&body_of(&response)),
        "released",
        "while one handler kept its thread busy, no other connection was served for {:?}: \
         every connection must be a task of its own (tokio::spawn, a JoinSet), which tokio \
         runs on any free worker thread; connection futures polled together in one task \
         stand still whenever one of them does",
        GUARD / 2
    );
    let other = guard("the other client", other).await;
    assert!(other.is_ok(), "the other client is served: {other:?}");
}
