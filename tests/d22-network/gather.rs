// The solution names tokio and the stub does not: loaded here, before any path names it, so
// that the learner's first use does not recompile the whole test binary (docs/authoring.md,
// "Crates only the solution names").
extern crate tokio as _;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use rstest::rstest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::proc_net::{reset_once_delivered, tcp_queues, tcp_table};
use super::{GUARD, local_listener, response_of_exactly};
use crate::client::{CLIENT_READ_TIMEOUT, ClientResponse, MAX_RESPONSE_HEAD};
use crate::gather::*;
use crate::request::HttpError;

/// The `n` paths `/item/0` to `/item/{n-1}`.
fn item_paths(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("/item/{i}")).collect()
}

/// A server that waits until `expected` requests are all open at the same time, then
/// answers them in reverse order of arrival, each with its own target as the body, except
/// that `/bytes/<n>` gets a body of `n` bytes. Its sockets have small send buffers, so a
/// body bigger than the client's receive buffer is written only as fast as the client reads.
async fn all_at_once_server(expected: usize) -> SocketAddr {
    all_at_once_server_reporting(expected, || {}).await
}

/// [`all_at_once_server_counting`] with a counter of its own.
async fn all_at_once_server_reporting(
    expected: usize,
    all_open: impl FnOnce() + Send + 'static,
) -> SocketAddr {
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    all_at_once_server_counting(expected, all_open, read).await
}

/// [`all_at_once_server`] that calls `all_open` once every request is open, before answering,
/// and counts in `read` the requests it has read so far.
async fn all_at_once_server_counting(
    expected: usize,
    all_open: impl FnOnce() + Send + 'static,
    read: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> SocketAddr {
    let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket can be created");
    socket
        .set_send_buffer_size(256 * 1024)
        .expect("a send buffer size can be set");
    let (listener, addr) = super::listen_locally(socket);
    tokio::spawn(async move {
        let mut waiting: Vec<(TcpStream, String)> = Vec::new();
        while waiting.len() < expected {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && matches!(stream.read(&mut byte).await, Ok(1)) {
                head.push(byte[0]);
            }
            let text = String::from_utf8_lossy(&head).into_owned();
            let target = text.split(' ').nth(1).unwrap_or_default().to_owned();
            waiting.push((stream, target));
            read.store(waiting.len(), std::sync::atomic::Ordering::SeqCst);
        }
        all_open();
        for (mut stream, target) in waiting.into_iter().rev() {
            let body = match target.strip_prefix("/bytes/").and_then(|n| n.parse().ok()) {
                Some(n) => vec![b'x'; n],
                None => target.into_bytes(),
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
        }
    });
    addr
}

async fn fetch_all_guarded<'a>(
    addr: SocketAddr,
    paths: &'a [&'a str],
) -> Vec<Result<crate::client::ClientResponse, HttpError>> {
    tokio::time::timeout(GUARD, fetch_all(addr, paths)).await.unwrap_or_else(|_| {
        panic!(
            "fetch_all did not finish within {GUARD:?}. The suite's server answers only when all {} requests are \
             in flight at the same time; a loop that awaits each request (or each batch) before sending the next \
             waits forever for its first answer. Start every request first (tokio::spawn or a JoinSet), then \
             collect.",
            paths.len()
        )
    })
}

/// What `get(target)` gives from a one-request [`all_at_once_server`], guarded (`what`).
async fn get_from_a_one_request_server(
    target: &str,
    what: &str,
) -> Result<crate::client::ClientResponse, HttpError> {
    let addr = all_at_once_server(1).await;
    tokio::time::timeout(GUARD, get(addr, target))
        .await
        .expect(what)
}

/// Linux: how many TCP sockets of this machine are connected (or connecting) to port `port`
/// of 127.0.0.1, in any state: the rows of `/proc/net/tcp` whose remote port is `port`, so
/// never the server's own sockets. `None` elsewhere.
fn clients_of(port: u16) -> Option<usize> {
    let table = tcp_table()?;
    let port = format!("{port:04X}");
    let to_the_port = |line: &&str| {
        let remote = line.split_whitespace().nth(2).unwrap_or_default();
        remote.rsplit(':').next() == Some(port.as_str())
    };
    Some(table.lines().skip(1).filter(to_the_port).count())
}

/// Watches the current one-thread runtime from a thread of its own while its
/// [`all_at_once_server_counting`] on `port` waits for `expected` requests, and sends to
/// `stuck` how many it has read if the client is stuck: the runtime is parked (tokio's
/// `worker_park_unpark_count` is odd, and the same before and after the look, so no task ran
/// in between), every client socket of the server has sent its request, and there are fewer
/// than `expected`. A parked runtime has polled every task it has, so a `fetch_all` that
/// started every request has a socket for each by then; one that awaits each request (or
/// each batch) before starting the next waits for an answer that never comes. Stops when
/// `done` is set, or after [`GUARD`] (which then reports the hang).
fn watch_for_a_stuck_client(
    port: u16,
    expected: usize,
    read: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stuck: tokio::sync::oneshot::Sender<usize>,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let metrics = tokio::runtime::Handle::current().metrics();
    if metrics.num_workers() != 1 {
        return; // only a one-thread runtime publishes that it parks at once
    }
    std::thread::spawn(move || {
        let parked = || {
            let count = metrics.worker_park_unpark_count(0);
            (count % 2 == 1).then_some(count)
        };
        let deadline = std::time::Instant::now() + GUARD;
        while !done.load(std::sync::atomic::Ordering::SeqCst)
            && std::time::Instant::now() < deadline
        {
            if let Some(before) = parked() {
                let read = read.load(std::sync::atomic::Ordering::SeqCst);
                if read < expected && clients_of(port) == Some(read) && parked() == Some(before) {
                    let _ = stuck.send(read);
                    return;
                }
            }
            // Waits for a stable state; the sleep decides nothing but when to look again.
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// `fetch_all(paths)` from an [`all_at_once_server`] on the current one-thread runtime: fails
/// at once if the client is stuck with fewer than every request open
/// ([`watch_for_a_stuck_client`]), or after [`GUARD`].
async fn fetch_all_at_once<'a>(paths: &'a [&'a str]) -> Vec<Result<ClientResponse, HttpError>> {
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let addr = all_at_once_server_counting(paths.len(), || {}, std::sync::Arc::clone(&read)).await;
    let (stuck, stuck_with) = tokio::sync::oneshot::channel();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    watch_for_a_stuck_client(
        addr.port(),
        paths.len(),
        read,
        stuck,
        std::sync::Arc::clone(&done),
    );
    let results = tokio::select! {
        results = fetch_all_guarded(addr, paths) => results,
        Ok(open) = stuck_with => panic!(
            "fetch_all has {open} of its {} requests open, each sent, and waits for an answer: \
             it awaits each request (or each batch) before starting the next. The suite's \
             server answers only when all {} requests are in flight at the same time. Start \
             every request first (tokio::spawn or a JoinSet), then collect.",
            paths.len(),
            paths.len()
        ),
    };
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    results
}

fn bodies(results: &[Result<crate::client::ClientResponse, HttpError>]) -> Vec<String> {
    results
        .iter()
        .map(|r| match r {
            Ok(response) => String::from_utf8_lossy(&response.body).into_owned(),
            Err(err) => format!("error: {err}"),
        })
        .collect()
}

#[tokio::test]
async fn returns_results_in_input_order_although_the_server_answers_in_reverse() {
    let paths = ["/users", "/repos", "/events", "/emojis", "/gists"];
    let results = fetch_all_at_once(&paths).await;
    assert_eq!(
        bodies(&results),
        paths.to_vec(),
        "result i belongs to paths[i], whatever order the answers arrive in"
    );
}

/// Bigger than any loopback socket's buffers while its reader reads nothing (a receive
/// buffer grows only as the application reads).
const BIGGER_THAN_THE_SOCKET_BUFFERS: usize = 4 * 1024 * 1024;

/// How long the test of reading every response at once waits: the solution needs a few
/// milliseconds for its 4 MiB.
const READ_WATCHDOG: Duration = Duration::from_secs(3);

#[tokio::test]
async fn reads_every_response_at_once_not_in_turn_after_sending_all() {
    let big = format!("/bytes/{BIGGER_THAN_THE_SOCKET_BUFFERS}");
    let paths = ["/small", big.as_str()];
    let addr = all_at_once_server(paths.len()).await;
    let results = tokio::time::timeout(READ_WATCHDOG, fetch_all(addr, &paths))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "deadlock: fetch_all did not finish within {READ_WATCHDOG:?}. The server answers in reverse order of arrival, {big} (sent last) first, \
                 and /small only once that 4 MiB response is written, which it can be only as fast as the \
                 client reads it: a fetch_all that sends every request and then reads the responses one by \
                 one, in order, waits for /small while nobody reads {big}. Each request's whole exchange \
                 (connect, write, read) is its own concurrent task (tokio::spawn or a JoinSet)."
            )
        });
    let lengths: Vec<usize> = results
        .iter()
        .map(|r| r.as_ref().map_or(0, |response| response.body.len()))
        .collect();
    assert_eq!(
        lengths,
        [b"/small".len(), BIGGER_THAN_THE_SOCKET_BUFFERS],
        "both responses arrive whole, in the order of the paths"
    );
}

/// How many requests the largest test has in flight at once: more than any batch size a
/// "polite" gather would pick (8, 64, 100, 128, 256, 500, 512).
const MANY: usize = 1_000;

#[test]
fn has_a_thousand_requests_in_flight_at_once() {
    // Two descriptors per request (both ends are in this process): the test runs alone in a
    // child process whose descriptor limit has room for them.
    if !super::alone_in_a_child_process_with(
        &format!(
            "{}::has_a_thousand_requests_in_flight_at_once",
            module_path!()
        ),
        Some(4_096),
    ) {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    let ok = runtime.block_on(async {
        let owned = item_paths(MANY);
        let paths: Vec<&str> = owned.iter().map(String::as_str).collect();
        let results = fetch_all_at_once(&paths).await;
        results
            .iter()
            .filter(|r| r.as_ref().is_ok_and(|resp| resp.status == 200))
            .count()
    });
    assert_eq!(
        ok, MANY,
        "every one of the {MANY} concurrent requests succeeds"
    );
}

/// Linux: how many TCP sockets of this machine are connecting to port `port` of 127.0.0.1,
/// their handshake not done: the rows of `/proc/net/tcp` in state `SYN_SENT` (`02`) whose
/// remote port is `port`.
#[cfg(target_os = "linux")]
fn connecting_to(port: u16) -> Option<usize> {
    let table = tcp_table()?;
    let port = format!("{port:04X}");
    let connecting = |line: &&str| {
        let mut fields = line.split_whitespace().skip(2);
        let remote = fields.next().unwrap_or_default();
        fields.next() == Some("02") && remote.rsplit(':').next() == Some(port.as_str())
    };
    Some(table.lines().skip(1).filter(connecting).count())
}

/// Linux: how many connections wait, not yet accepted, in the queue of the listener on port
/// `port` (the receive queue of its `LISTEN` row, state `0A`, in `/proc/net/tcp`).
#[cfg(target_os = "linux")]
fn accept_queue_of(port: u16) -> Option<u64> {
    let table = tcp_table()?;
    let port = format!("{port:04X}");
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let listening = fields.get(3) == Some(&"0A");
        let local_port = fields.get(1)?.rsplit(':').next()?;
        if !listening || local_port != port {
            return None;
        }
        u64::from_str_radix(fields.get(4)?.rsplit(':').next()?, 16).ok()
    })
}

/// What the watcher of a connect phase saw.
#[derive(Debug)]
#[cfg(target_os = "linux")]
enum ConnectPhase {
    /// Every connection attempt was under way at once.
    AllUnderWay,
    /// The runtime's thread stopped (idle, or asleep in the system call `asleep_in`) with
    /// only `under_way` attempts under way.
    Stuck {
        under_way: usize,
        asleep_in: Option<i64>,
    },
    /// Neither within [`GUARD`].
    NoVerdict,
}

/// Linux only: the handshake state of each connection is read from `/proc/net/tcp`.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn connects_every_request_at_once_not_one_handshake_after_another() {
    const PATHS: [&str; 5] = ["/a", "/b", "/c", "/d", "/e"];
    let runtime_thread = super::thread_id();
    // A backlog of 1 holds two connections nobody accepts; two of the test's own fill it,
    // so the kernel drops every SYN of the client (sending one again takes a second): no
    // handshake of fetch_all's can complete, and each of its connects stays under way.
    let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket can be created");
    socket
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("binding 127.0.0.1:0 always works");
    let listener = socket.listen(1).expect("a bound socket can listen");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let listener = listener
        .into_std()
        .expect("a tokio listener becomes a std one");
    let mut fillers = Vec::new();
    for queued in 1..=2 {
        fillers.push(std::net::TcpStream::connect(addr).expect("the queue has room"));
        let deadline = std::time::Instant::now() + GUARD;
        while accept_queue_of(addr.port()) != Some(queued) && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
    }
    assert_eq!(
        accept_queue_of(addr.port()),
        Some(2),
        "the test fills the listener's accept queue first"
    );
    let metrics = tokio::runtime::Handle::current().metrics();
    let (report, reported) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        // Closed when the watcher is done: the client's next SYN is then refused.
        let _full = (listener, fillers);
        let parked = || {
            let count = metrics.worker_park_unpark_count(0);
            (count % 2 == 1).then_some(count)
        };
        let deadline = std::time::Instant::now() + GUARD;
        let mut last_asleep = None;
        let phase = loop {
            if report.is_closed() {
                return;
            }
            if std::time::Instant::now() >= deadline {
                break ConnectPhase::NoVerdict;
            }
            let before = parked();
            let asleep = super::asleep_in(runtime_thread).filter(|call| !call.waits_for_data());
            let under_way = connecting_to(addr.port()).unwrap_or_default();
            if under_way >= PATHS.len() {
                break ConnectPhase::AllUnderWay;
            }
            if before.is_some() && parked() == before {
                break ConnectPhase::Stuck {
                    under_way,
                    asleep_in: None,
                };
            }
            if asleep.is_some() && asleep == last_asleep {
                break ConnectPhase::Stuck {
                    under_way,
                    asleep_in: asleep.map(|call| call.call),
                };
            }
            last_asleep = asleep;
            // Waits for a stable state; the sleep decides nothing but when to look again.
            std::thread::sleep(Duration::from_millis(1));
        };
        let _ = report.send(phase);
    });
    let phase = tokio::select! {
        biased;
        Ok(phase) = reported => phase,
        results = fetch_all(addr, &PATHS) => panic!(
            "fetch_all returned {:?} while no connection to {addr} could complete its handshake",
            bodies(&results)
        ),
    };
    match phase {
        ConnectPhase::AllUnderWay => {}
        ConnectPhase::Stuck {
            under_way,
            asleep_in: Some(call),
        } => panic!(
            "with {under_way} of the {} connects under way, the runtime's only thread was asleep \
             in system call {call}, not waiting for events: get connects with a blocking call \
             (std::net::TcpStream::connect), so one handshake that stalls freezes every task \
             on the event loop. Connect with tokio::net::TcpStream::connect(..).await",
            PATHS.len()
        ),
        ConnectPhase::Stuck {
            under_way,
            asleep_in: None,
        } => panic!(
            "the server's accept queue is full, so no handshake completes; when the runtime \
             went idle, fetch_all had {under_way} of its {} connects under way: it connects \
             (and sends) one request after another, awaiting each connect before starting the \
             next, so the handshakes take one round trip each instead of one in all. Start \
             every request's whole exchange (connect, write, read) as its own task (tokio::spawn \
             or a JoinSet) before awaiting any",
            PATHS.len()
        ),
        ConnectPhase::NoVerdict => panic!(
            "within {GUARD:?}, fetch_all neither had its {} connects under way at once nor \
             left the runtime idle",
            PATHS.len()
        ),
    }
}

#[tokio::test]
async fn an_empty_list_gives_an_empty_result() {
    let addr = all_at_once_server(0).await;
    let results = fetch_all_guarded(addr, &[]).await;
    assert!(
        results.is_empty(),
        "no paths, no requests, no results; got {} results",
        results.len()
    );
}

#[tokio::test]
async fn a_failing_path_keeps_its_slot_and_spoils_nothing_else() {
    let paths = ["/a", "no slash", "/c"];
    let addr = all_at_once_server(2).await;
    let results = fetch_all_guarded(addr, &paths).await;
    assert_eq!(results.len(), 3, "one result per path, failures included");
    assert_eq!(
        results[1],
        Err(HttpError::InvalidTarget("no slash".into())),
        "the bad path fails in its own slot"
    );
    assert_eq!(
        bodies(&[results[0].clone(), results[2].clone()]),
        ["/a", "/c"],
        "one failure must not cancel or reorder the others (unlike a gather that raises)"
    );
}

#[tokio::test]
async fn get_fetches_one_response_on_tokio() {
    let response = get_from_a_one_request_server(
        "/one",
        "get must finish: the server answers the single request at once",
    )
    .await
    .expect("a valid response");
    assert_eq!(
        (response.status, response.body.as_slice()),
        (200, b"/one".as_slice()),
        "the async get reads status and body like the blocking client"
    );
}

#[tokio::test]
async fn get_refuses_an_invalid_target() {
    let result = get_from_a_one_request_server("/a b", "get must not hang").await;
    assert_eq!(
        result,
        Err(HttpError::InvalidTarget("/a b".into())),
        "a space would split the request line"
    );
}

/// A server for one client: it sends `response`, reads the request, then closes.
async fn one_response_server(response: Vec<u8>) -> SocketAddr {
    let (listener, addr) = local_listener().await;
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.write_all(&response).await;
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request).await;
        }
    });
    addr
}

#[tokio::test]
async fn get_reads_a_body_that_takes_many_reads() {
    let body: Vec<u8> = (0..100_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let mut response =
        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    response.extend_from_slice(&body);
    let addr = one_response_server(response).await;
    let got = tokio::time::timeout(GUARD, get(addr, "/big"))
        .await
        .expect("get must finish once the body is complete")
        .expect("a 100 KB response");
    assert!(
        got.body == body,
        "every byte of a body spread over many reads arrives (got {})",
        got.body.len()
    );
}

#[rstest]
#[case::chunked(b"Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n3\r\n!!!\r\n0\r\n\r\n".as_slice(), Ok(b"hi!!!".as_slice()))]
#[case::until_close(b"\r\nall of it".as_slice(), Ok(b"all of it".as_slice()))]
#[case::a_huge_length_that_never_arrives(b"Content-Length: 100000000\r\n\r\nabc".as_slice(), Err(HttpError::UnexpectedEof))]
#[tokio::test]
async fn get_frames_a_response_like_the_blocking_client(
    #[case] fields_and_body: &[u8],
    #[case] expected: Result<&[u8], HttpError>,
) {
    let mut response = b"HTTP/1.1 200 OK\r\n".to_vec();
    response.extend_from_slice(fields_and_body);
    let addr = one_response_server(response.clone()).await;
    let got = tokio::time::timeout(GUARD, get(addr, "/framed"))
        .await
        .expect("get must finish once the server has closed");
    assert_eq!(
        got.map(|r| r.body),
        expected.map(<[u8]>::to_vec),
        "{:?} then close: get frames a response exactly as http_get does (chunked, \
         Content-Length, or until close; a declared length that never arrives is \
         UnexpectedEof). Feed what you read to parse_response after every read: framing of \
         your own (read_exact into a buffer of the declared length) misses chunked and \
         close-framed bodies and allocates whatever a stranger declares",
        String::from_utf8_lossy(&response)
    );
}

#[tokio::test]
async fn get_reports_a_reset_connection_as_an_io_error_not_as_the_end_of_the_body() {
    // The server reads the request, sends a head with no framing and 7 bytes of body, then
    // resets the connection: a zero SO_LINGER makes the close send a RST, not a FIN.
    let (listener, addr) = local_listener().await;
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && matches!(stream.read(&mut byte).await, Ok(1)) {
                head.push(byte[0]);
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n\r\npartial").await;
            let _ = stream.set_zero_linger();
        }
    });
    let result = tokio::time::timeout(GUARD, get(addr, "/"))
        .await
        .expect("get must finish once the server has reset the connection");
    assert!(
        matches!(result, Err(HttpError::Io(_))),
        "the server sent a head with neither Content-Length nor chunked, then 7 bytes of body, \
         and reset the connection (a RST, not the FIN of a close); get returned {result:?}. \
         Only a clean close (read returns Ok(0)) ends a body framed by the close: a reset \
         (ConnectionReset, ConnectionAborted) says the connection broke, so the body may be \
         cut anywhere. Return the read's I/O error, never take it for the end"
    );
}

/// How long the server of [`get_waits_through_a_pause_in_a_body_framed_by_the_close`] pauses
/// mid-body, on tokio's paused clock: longer than any silence a client could take for the end
/// of a body, shorter than [`CLIENT_READ_TIMEOUT`], the longest a client may wait before it
/// gives up.
const PAUSE_MID_BODY: Duration = Duration::from_secs(29);

/// How long the server of
/// [`get_never_takes_a_long_silence_for_the_end_of_a_body_framed_by_the_close`] pauses
/// mid-body, on tokio's paused clock: far longer than any idle timer a client could have.
const LONG_PAUSE_MID_BODY: Duration = Duration::from_secs(60 * 60);

/// What `get` gives (its body) from a server on the same one-thread runtime, its clock paused,
/// that sends a head with neither Content-Length nor chunked and the first part of the body;
/// once every byte of it has reached the client (the server's kernel has them acknowledged,
/// `/proc/net/tcp` on Linux), it sleeps `pause` of tokio's clock (instant: the idle runtime
/// advances it to the next timer), then sends the rest and closes. A `get` that takes a pause
/// for the end of the body has its own, shorter timer fire first. `None` if `get` did not
/// return within `pause` plus [`CLIENT_READ_TIMEOUT`] plus [`GUARD`] of tokio's clock.
async fn get_across_a_pause(pause: Duration) -> Option<Result<Vec<u8>, HttpError>> {
    let (listener, addr) = local_listener().await;
    tokio::spawn(async move {
        let Ok((mut stream, peer)) = listener.accept().await else {
            return;
        };
        // The request is read first: a close with unread bytes would be a reset, not a close.
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && matches!(stream.read(&mut byte).await, Ok(1)) {
            head.push(byte[0]);
        }
        if stream
            .write_all(b"HTTP/1.1 200 OK\r\nServer: slow\r\n\r\nthe first half, ")
            .await
            .is_err()
        {
            return;
        }
        // Yields (no timer, so the paused clock stays still) until the bytes are delivered.
        let mut turns = 0;
        while tcp_table()
            .and_then(|table| tcp_queues(&table, addr, peer))
            .is_some_and(|(unacknowledged, _)| unacknowledged > 0)
            && turns < 100_000
        {
            turns += 1;
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(pause).await;
        let _ = stream.write_all(b"the second half").await;
    });
    tokio::time::timeout(pause + CLIENT_READ_TIMEOUT + GUARD, get(addr, "/slow"))
        .await
        .ok()
        .map(|r| r.map(|r| r.body))
}

#[tokio::test(start_paused = true)]
async fn get_waits_through_a_pause_in_a_body_framed_by_the_close() {
    assert!(PAUSE_MID_BODY < CLIENT_READ_TIMEOUT);
    let got = get_across_a_pause(PAUSE_MID_BODY).await;
    assert_eq!(
        got,
        Some(Ok(b"the first half, the second half".to_vec())),
        "the server sent a head with neither Content-Length nor chunked and part of the body, \
         paused {PAUSE_MID_BODY:?} (of tokio's paused clock) with the connection open, then \
         sent the rest and closed: a body framed by the close is everything until the close, \
         however long the server pauses before it. A timer that takes silence for the end \
         returns it cut short: only read's Ok(0) ends it"
    );
}

#[tokio::test(start_paused = true)]
async fn get_never_takes_a_long_silence_for_the_end_of_a_body_framed_by_the_close() {
    let got = get_across_a_pause(LONG_PAUSE_MID_BODY).await;
    let whole = b"the first half, the second half".to_vec();
    match got {
        Some(Ok(body)) if body == whole => {}
        Some(Err(HttpError::Io(_))) => {} // gave up on the silence, as it may
        other => panic!(
            "the server sent a head with neither Content-Length nor chunked and part of the \
             body, paused {LONG_PAUSE_MID_BODY:?} (of tokio's paused clock) with the connection \
             open, then sent the rest and closed, and get returned {:?}: only the whole body, \
             or an Io error (get may give up on a silent server after CLIENT_READ_TIMEOUT), is \
             right. A timer of any length whose expiry is taken for the end of the body returns \
             it cut short as if whole: only read's Ok(0) ends it; a timer that fires is a \
             failure",
            other.map(|r| r.map(|body| String::from_utf8_lossy(&body).into_owned()))
        ),
    }
}

/// Whether the client has read more than twice [`MAX_RESPONSE_HEAD`] of the `sent` bytes,
/// from the server's socket `server` to the client's `client` (both in this process): `sent`
/// minus what the server's kernel still holds and what the client's kernel holds unread
/// (bytes on their way are counted in both, so this never counts more than was read).
/// Where `/proc/net/tcp` is missing: whether 64 MiB have been sent.
fn read_past_twice_the_limit(sent: usize, server: SocketAddr, client: SocketAddr) -> bool {
    if sent <= 2 * MAX_RESPONSE_HEAD {
        return false; // nothing to look up: the client cannot have read more than was sent
    }
    let table = tcp_table();
    let queues = |local, peer| tcp_queues(table.as_deref()?, local, peer);
    let held = queues(server, client).zip(queues(client, server)).and_then(
        |((unacknowledged, _), (_, unread))| usize::try_from(unacknowledged + unread).ok(),
    );
    match held {
        Some(held) => sent.saturating_sub(held) > 2 * MAX_RESPONSE_HEAD,
        None => sent > 64 << 20,
    }
}

#[tokio::test]
async fn get_refuses_an_endless_head_without_waiting_for_the_server_to_close() {
    // The server sends a status line and one header line of `x`s that never ends, until the
    // client hangs up or has read more than twice MAX_RESPONSE_HEAD; it reports which, and
    // keeps the connection open until the client leaves.
    // Small send buffers: the server's kernel holds little the client has not asked for.
    let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket can be created");
    socket
        .set_send_buffer_size(64 * 1024)
        .expect("a send buffer size can be set");
    let (listener, addr) = super::listen_locally(socket);
    let (report, reported) = tokio::sync::oneshot::channel::<(usize, bool)>();
    tokio::spawn(async move {
        if let Ok((mut stream, peer)) = listener.accept().await {
            let mut sent = 0;
            let mut hung_up = stream
                .write_all(b"HTTP/1.1 200 OK\r\nX-Endless: ")
                .await
                .is_err();
            let xs = vec![b'x'; 64 * 1024];
            while !hung_up {
                match stream.try_write(&xs) {
                    Ok(n) if n > 0 => sent += n,
                    // Full: the client has had its turn since the last look; look again.
                    Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                        if read_past_twice_the_limit(sent, addr, peer) {
                            break;
                        }
                        hung_up = stream.writable().await.is_err();
                    }
                    _ => hung_up = true,
                }
            }
            let _ = report.send((sent, hung_up));
            let mut rest = [0u8; 1024];
            while matches!(stream.read(&mut rest).await, Ok(n) if n > 0) {}
        }
    });
    let got = get(addr, "/");
    tokio::pin!(got);
    let result = tokio::time::timeout(GUARD, async {
        tokio::select! {
            result = &mut got => result,
            reported = reported => match reported {
                Ok((sent, false)) => panic!(
                    "get read more than {} bytes (of {sent} sent) of a head with no blank line \
                     from a server that keeps the connection open, and was still reading: it \
                     buffers the head until a blank line (or the close) arrives, without a \
                     limit. Hand every read to parse_response: once more than \
                     MAX_RESPONSE_HEAD bytes hold no end of the head, that is HeadTooLarge",
                    2 * MAX_RESPONSE_HEAD
                ),
                // The client hung up: its result comes next.
                _ => got.await,
            },
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "get did not return within {GUARD:?} from a server that streams a head with no \
             blank line and keeps the connection open: it waits for a blank line"
        )
    });
    assert_eq!(
        result,
        Err(HttpError::HeadTooLarge {
            limit: MAX_RESPONSE_HEAD
        }),
        "a head over MAX_RESPONSE_HEAD bytes is refused while the server is still sending it"
    );
}

/// A keep-alive server sends one response of `total` bytes in one write and resets the
/// connection once every byte has reached the client ([`reset_once_delivered`]): a `get`
/// that reads again after the whole response gets `ConnectionReset` at once. The sizes are
/// every power-of-two read buffer from 16 to 64 KiB (each a multiple of the smaller ones) and
/// the sizes of plausible buffers that are not (1000·k, 1460, 1500·k, the jumbo 9000, a few
/// primes), so for each such buffer some response arrives in reads that fill it to the last
/// byte. Tokio's clock is paused and held still (a running `spawn_blocking` task stops a
/// paused clock from advancing) until `get` returns: a `get` that waits for a pause (a timer)
/// to end the response never sees one before the reset.
#[rstest]
#[case::a_short_response(46)]
#[case::one_thousand(1000)]
#[case::a_prime_1009(1009)]
#[case::one_tcp_segment_1460(1460)]
#[case::one_ethernet_frame_1500(1500)]
#[case::three_thousand(3000)]
#[case::a_prime_4099(4099)]
#[case::four_thousand_five_hundred(4500)]
#[case::a_prime_7919(7919)]
#[case::jumbo_frame_9000(9000)]
#[case::twelve_thousand(12_000)]
#[case::sixteen_kib_exactly(16 * 1024)]
#[case::thirty_two_kib_exactly(32 * 1024)]
#[case::sixty_four_kib_exactly(64 * 1024)]
fn get_returns_a_complete_response_without_waiting_for_close(#[case] total: usize) {
    const KEPT_OPEN_WAIT: Duration = Duration::from_secs(3);
    let (response, body) = response_of_exactly(total);
    let (addr, done) = reset_once_delivered(response);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a one-thread runtime");
    let (got, released) = runtime.block_on(async {
        // Holds the clock still until `get` returns, or for KEPT_OPEN_WAIT of real time.
        let (returned, wait) = std::sync::mpsc::channel::<()>();
        let mut still =
            tokio::task::spawn_blocking(move || wait.recv_timeout(KEPT_OPEN_WAIT).is_ok());
        let got = tokio::select! {
            got = get(addr, "/kept") => Some(got),
            _ = &mut still => None,
        };
        let _ = returned.send(());
        // Whether the clock was still held when get returned (the wait ended by `returned`).
        let released = match got {
            Some(_) => still.await.unwrap_or(false),
            None => false,
        };
        (got, released)
    });
    let _ = done.send(());
    let explain = "it waits for the server to close, for a pause (a timeout after the last \
                   bytes) to say the response is over, or takes a read that fills its buffer as \
                   'more is coming' (TCP is a byte stream: read sizes are not message \
                   boundaries, and silence is not an end). Feed the bytes read so far to \
                   parse_response after every read and return as soon as it has a whole response";
    let response = match got.filter(|_| released) {
        None => panic!(
            "get did not return within {KEPT_OPEN_WAIT:?} (tokio's clock held still) although \
             the whole {total}-byte response had arrived on a connection the server keeps \
             open: {explain}"
        ),
        Some(Err(err)) => panic!(
            "get returned {err:?} for a keep-alive server's whole {total}-byte response, sent \
             in one write: the server resets the connection only once every byte has reached \
             the client, so get read again after the response was whole: {explain}"
        ),
        Some(Ok(response)) => response,
    };
    assert!(
        response.body == body,
        "the {} bytes Content-Length promised (got {})",
        body.len(),
        response.body.len()
    );
}

/// `get`'s peak heap on this thread (a one-thread runtime, the server task on it too) for a
/// response whose head declares `declared` body bytes, of which 3 arrive before the close.
fn get_peak_heap_for_a_declared_length(
    declared: &str,
) -> (Result<ClientResponse, HttpError>, usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    let response = format!("HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\nabc");
    let addr = runtime.block_on(one_response_server(response.into_bytes()));
    let (got, peak) = super::heap::peak_heap(|| {
        runtime.block_on(async { tokio::time::timeout(GUARD, get(addr, "/claim")).await })
    });
    (
        got.expect("get must finish once the server has closed"),
        peak,
    )
}

#[test]
fn get_does_not_allocate_a_declared_length_up_front() {
    let _warm_up = get_peak_heap_for_a_declared_length("000000010");
    let (got, huge) = get_peak_heap_for_a_declared_length("100000000");
    let (_, small) = get_peak_heap_for_a_declared_length("000000010");
    assert_eq!(
        got,
        Err(HttpError::UnexpectedEof),
        "the server promised 100 MB and closed after 3 bytes"
    );
    let slack = 64;
    assert!(
        huge <= small + slack,
        "get held {huge} bytes of heap for a response of 3 body bytes that declared \
         Content-Length: 100000000, and {small} for the same bytes declaring 10 (allowed: \
         {slack} more): it reserved what a stranger's header claimed. Grow the buffer with the \
         bytes that actually arrive; a declared size is a claim, never an allocation, not even \
         capped"
    );
}

/// Runs `body` on a one-thread runtime that counts the threads its blocking pool starts
/// (`on_thread_start`), and fails with `what` if it started any: an answer that needs
/// `spawn_blocking` (the blocking client on a pool thread) starts one before it can come.
/// [`GUARD`] only reports a hang.
fn without_a_blocking_thread<T>(what: &str, body: impl Future<Output = T>) -> T {
    let started = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&started);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_start(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        })
        .build()
        .expect("a one-thread runtime");
    let result = runtime.block_on(async { tokio::time::timeout(GUARD, body).await });
    let started = started.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        started, 0,
        "{what} started {started} thread(s) of tokio's blocking pool: it must do its I/O on \
         tokio's event loop (tokio::net::TcpStream, .await), not run the blocking client on \
         spawn_blocking, one OS thread per request. Many requests in flight on one thread is \
         what async is for"
    );
    result.unwrap_or_else(|_| panic!("{what} did not finish within {GUARD:?}"))
}

#[test]
fn get_does_its_io_on_the_event_loop_not_on_a_blocking_thread() {
    let response = without_a_blocking_thread("get", async {
        let addr = all_at_once_server(1).await;
        get(addr, "/one").await
    })
    .expect("a valid response");
    assert_eq!(response.body, b"/one", "the answer to the one request");
}

#[test]
fn fetch_all_does_its_io_on_the_event_loop_not_on_blocking_threads() {
    let paths = ["/a", "/b", "/c"];
    let results = without_a_blocking_thread("fetch_all", async {
        let addr = all_at_once_server(paths.len()).await;
        fetch_all(addr, &paths).await
    });
    assert_eq!(
        bodies(&results),
        paths.to_vec(),
        "result i belongs to paths[i]"
    );
}

#[test]
fn get_sleeps_while_the_server_is_silent_instead_of_spinning() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    runtime.block_on(async {
        let (listener, addr) = local_listener().await;
        let (seen_tx, seen_rx) = tokio::sync::oneshot::channel::<()>();
        let (answer_tx, answer_rx) = tokio::sync::oneshot::channel::<()>();
        // Reads the request, then says nothing until the test lets it answer.
        tokio::spawn(async move {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && matches!(stream.read(&mut byte).await, Ok(1)) {
                head.push(byte[0]);
            }
            let _ = seen_tx.send(());
            let _ = answer_rx.await;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .await;
        });
        let polls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let client = tokio::spawn(super::CountPolls {
            inner: Box::pin(get(addr, "/")),
            polls: std::sync::Arc::clone(&polls),
        });
        tokio::time::timeout(GUARD, seen_rx)
            .await
            .expect("get sends its request within the guard")
            .expect("the server saw the request");

        // The server is silent: give the runtime 100 turns, and on tokio's paused clock
        // 100 steps of a second (100 s) in which every timer that falls due fires: a nap of
        // up to 30 s on WouldBlock wakes the task at least three times.
        let before = polls.load(std::sync::atomic::Ordering::SeqCst);
        tokio::time::pause();
        for _ in 0..100 {
            tokio::task::yield_now().await;
            tokio::time::advance(Duration::from_secs(1)).await;
        }
        tokio::time::resume();
        let while_silent = polls.load(std::sync::atomic::Ordering::SeqCst) - before;
        let _ = answer_tx.send(());

        assert!(
            while_silent <= 2,
            "while the server said nothing, get's task was polled {while_silent} times in 100 \
             turns of the runtime and 100 seconds of (paused) time: it polls instead of waiting \
             (a socket tried again and again, after yield_now or a timer nap on WouldBlock, \
             however long the nap), \
             burning a core and adding a nap's latency to every read. Use \
             tokio::net::TcpStream: its read registers with tokio's reactor, and the task \
             sleeps until the socket has data"
        );
        let got = tokio::time::timeout(GUARD, client)
            .await
            .expect("get returns once the server answers")
            .expect("the get task did not panic");
        // get may give up on a server silent for CLIENT_READ_TIMEOUT (an Io error), as
        // http_get does; what this test is about is how it waits, checked above.
        if !matches!(got, Err(HttpError::Io(_))) {
            let response = got.unwrap_or_else(|err| {
                panic!(
                    "get returned {err:?} for a server that stayed silent 100 s, then answered: \
                     only the answer, or an Io error once CLIENT_READ_TIMEOUT has passed, is right"
                )
            });
            assert_eq!(response.body, b"ok", "the answer sent after the silence");
        }
    });
}

/// A request bigger than the client's socket can hold (`tcp_wmem`'s largest send buffer
/// plus 1 MiB) to a server whose receive buffer is 4 KiB and which reads nothing until it has
/// seen what the runtime's one thread is doing: while the request waits for room, that thread
/// must be waiting for events in tokio's reactor (free for every other task), not asleep in a
/// blocking send. Linux only (`/proc/self/task/<tid>/syscall`).
#[cfg(target_os = "linux")]
#[test]
fn get_writes_a_request_bigger_than_the_socket_buffers_without_blocking_the_runtime() {
    use std::io::{Read, Write};
    let send_buffer = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|text| text.split_whitespace().nth(2)?.parse::<usize>().ok())
        .unwrap_or(4 << 20);
    let path = format!("/{}", "a".repeat(send_buffer + (1 << 20)));
    let runtime_thread = super::thread_id();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a one-thread runtime");
    let listener = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket can be created");
        socket
            .set_recv_buffer_size(4096)
            .expect("a receive buffer size can be set");
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("binding 127.0.0.1:0 always works");
        let listener = socket.listen(1).expect("a bound socket can listen");
        listener
            .into_std()
            .expect("a tokio listener becomes a std one")
    });
    listener
        .set_nonblocking(false)
        .expect("a listener can block");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().ok()?;
        // What the runtime's thread is asleep in while the request waits for room.
        let seen = super::blocked_call(runtime_thread);
        stream.set_read_timeout(Some(GUARD)).ok()?;
        let mut tail = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        while !tail.ends_with(b"\r\n\r\n") {
            let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
            tail.extend_from_slice(&buf[..n]);
            tail.drain(..tail.len().saturating_sub(4));
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .ok()?;
        Some(seen)
    });
    let got = runtime.block_on(async { tokio::time::timeout(GUARD, get(addr, &path)).await });
    if !server.is_finished() {
        // get gave up without connecting: a connection of our own ends the server's accept.
        drop(std::net::TcpStream::connect(addr));
    }
    let seen = server.join().expect("the server thread did not panic");
    let response = got
        .expect("get returns once the server has read the request and answered")
        .expect("a valid response");
    let seen = seen.expect("the server read the whole request and answered");
    assert!(
        seen.is_some_and(super::Blocked::waits_for_data),
        "while a {} MB request waited for the server to make room, the runtime's only thread \
         was {}, not waiting for events: get writes with a blocking std call (or connects \
         with one and writes through it), so one slow server freezes every other task on the \
         event loop. Connect and write with tokio::net::TcpStream (write_all(..).await), \
         which parks the task until the socket has room",
        path.len() >> 20,
        seen.map_or("never asleep".to_owned(), |call| format!(
            "asleep in system call {}",
            call.call
        ))
    );
    assert_eq!(response.body, b"ok", "the answer to the big request");
}

/// How many threads this process has (Linux: /proc/self/task).
fn threads_of_this_process() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task lists this process's threads")
        .count()
}

#[test]
fn fifty_requests_in_flight_use_no_thread_besides_the_runtimes_own() {
    // Every thread of the process is counted, whatever its name, so the test runs alone in
    // a child process where no other test starts threads.
    if !super::alone_in_a_child_process(&format!(
        "{}::fifty_requests_in_flight_use_no_thread_besides_the_runtimes_own",
        module_path!()
    )) {
        return;
    }
    let (answered, before, during) = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let before = threads_of_this_process();
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a one-thread runtime");
                runtime.block_on(async {
                    let owned = item_paths(50);
                    let paths: Vec<&str> = owned.iter().map(String::as_str).collect();
                    let (report, counted) = tokio::sync::oneshot::channel();
                    let addr = all_at_once_server_reporting(paths.len(), move || {
                        let _ = report.send(threads_of_this_process());
                    })
                    .await;
                    let results = fetch_all_guarded(addr, &paths).await;
                    let during = counted.await.expect("the server saw all 50 requests open");
                    (bodies(&results).len(), before, during)
                })
            })
            .join()
            .expect("the runtime's thread finished")
    });

    assert_eq!(answered, 50, "one result per path");
    assert_eq!(
        during - before,
        0,
        "with 50 requests in flight the process had {during} threads, {} more than before the \
         runtime started: each request ran on an OS thread of its own (std::thread::spawn or \
         thread::Builder with the blocking client), named or not. Async I/O is many requests \
         on one thread: tokio::net::TcpStream and .await, no thread per request",
        during.saturating_sub(before)
    );
}
