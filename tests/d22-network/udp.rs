use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::GUARD;
use super::proc_net::udp_receive_queue;
use crate::udp::*;

/// How long the client waits for each reply in these tests (never an assertion).
const WAIT: Duration = Duration::from_millis(200);
/// The wait of the test where the first datagram is lost: the client pays it once in full
/// before its retry, and a loopback reply takes microseconds, so 50 ms is ample (with three
/// retries to spare) and keeps the test from costing a green check 200 ms.
const RETRY_WAIT: Duration = Duration::from_millis(50);
const SENTINEL: &[u8] = b"--sentinel--";

fn bind() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("binding 127.0.0.1:0 always works");
    socket
        .set_read_timeout(Some(GUARD))
        .expect("read timeouts can be set");
    socket
}

fn start_echo() -> SocketAddr {
    start_echo_watched().0
}

/// An echo server and its thread, so a test can tell a server that stopped from a slow one.
fn start_echo_watched() -> (SocketAddr, thread::JoinHandle<std::io::Result<()>>) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("binding 127.0.0.1:0 always works");
    let addr = socket.local_addr().expect("a bound socket has an address");
    (addr, thread::spawn(move || serve_echo(socket)))
}

/// The next datagram `client` receives from the echo server. Fails at once if the server's
/// thread has ended (an echo server serves forever), and after [`GUARD`] without a reply.
fn recv_echo(
    client: &UdpSocket,
    server: &thread::JoinHandle<std::io::Result<()>>,
    buf: &mut [u8],
) -> usize {
    client
        .set_read_timeout(Some(Duration::from_millis(20)))
        .expect("read timeouts can be set");
    let deadline = std::time::Instant::now() + GUARD;
    loop {
        match client.recv_from(buf) {
            Ok((n, _)) => return n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                assert!(
                    !server.is_finished(),
                    "serve_echo returned (or panicked) before echoing every datagram: an echo \
                     server loops forever, one recv_from and one send_to per datagram"
                );
                assert!(
                    std::time::Instant::now() < deadline,
                    "no reply from serve_echo in {GUARD:?}: it must send each datagram back to \
                     the address recv_from gave"
                );
            }
            Err(e) => panic!("receiving the echo failed: {e}"),
        }
    }
}

/// A server that records every datagram until the sentinel and echoes all but the first
/// `drop_first` of them.
fn lossy_server(drop_first: usize) -> (SocketAddr, mpsc::Receiver<Vec<Vec<u8>>>) {
    let socket = bind();
    let addr = socket.local_addr().expect("a bound socket has an address");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = vec![0u8; 65_536];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if &buf[..n] == SENTINEL {
                break;
            }
            if seen.len() >= drop_first {
                let _ = socket.send_to(&buf[..n], from);
            }
            seen.push(buf[..n].to_vec());
        }
        let _ = tx.send(seen);
    });
    (addr, rx)
}

/// Every datagram the lossy server received before this call.
fn received(addr: SocketAddr, log: &mpsc::Receiver<Vec<Vec<u8>>>) -> Vec<Vec<u8>> {
    bind()
        .send_to(SENTINEL, addr)
        .expect("sending to loopback works");
    log.recv_timeout(GUARD)
        .expect("the lossy server reports what it saw")
}

/// `udp_request` to a [`lossy_server`]: what it returned, and every datagram the server got.
fn request_to_a_lossy_server(
    drop_first: usize,
    payload: &[u8],
    timeout: Duration,
    retries: u32,
) -> (Result<Vec<u8>, UdpError>, Vec<Vec<u8>>) {
    let (addr, log) = lossy_server(drop_first);
    let result = udp_request(addr, payload, timeout, retries);
    (result, received(addr, &log))
}

#[test]
fn echoes_a_datagram_back() {
    let addr = start_echo();
    let reply = udp_request(addr, b"ping", WAIT, 3).expect("the echo server answers");
    assert_eq!(
        reply, b"ping",
        "an echo server returns the datagram unchanged"
    );
}

#[test]
fn keeps_message_boundaries() {
    let (addr, server) = start_echo_watched();
    let client = bind();
    for message in [b"one".as_slice(), b"two!", b"three"] {
        client
            .send_to(message, addr)
            .expect("sending to loopback works");
    }
    let mut buf = [0u8; 64];
    let mut replies = Vec::new();
    for _ in 0..3 {
        let n = recv_echo(&client, &server, &mut buf);
        replies.push(buf[..n].to_vec());
    }
    assert_eq!(
        replies,
        [b"one".to_vec(), b"two!".to_vec(), b"three".to_vec()],
        "UDP keeps each datagram whole and separate: three sends, three replies, never merged or split"
    );
}

#[test]
fn echoes_a_datagram_bigger_than_a_1024_byte_buffer_whole() {
    // 9,000 bytes: above the article's recv(1024), within every OS's default datagram size
    // (macOS sends at most 9,216 bytes per datagram unless net.inet.udp.maxdgram is raised).
    let addr = start_echo();
    let payload: Vec<u8> = (0..9_000u32).map(|i| (i % 251) as u8).collect();
    let reply = udp_request(addr, &payload, WAIT, 3)
        .expect("a 9,000-byte datagram fits in one UDP packet on every OS");
    assert_eq!(
        reply.len(),
        payload.len(),
        "the reply to a 9,000-byte datagram had {} bytes: a receive buffer smaller than the \
         datagram silently truncates it (size the buffer for the largest
         datagram: 65,536 bytes hold IPv4's and IPv6's)",
        reply.len()
    );
    assert!(
        reply == payload,
        "the echoed datagram must be byte for byte the one sent"
    );
}

/// The local ports of the UDP sockets a `/proc/net` table lists (`udp` for IPv4, `udp6` for
/// IPv6 and dual-stack sockets).
#[cfg(target_os = "linux")]
fn udp_ports(table: &str) -> Vec<u16> {
    let text = std::fs::read_to_string(format!("/proc/self/net/{table}"))
        .expect("Linux lists its UDP sockets in /proc/self/net");
    text.lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().nth(1))
        .filter_map(|local| local.rsplit(':').next())
        .filter_map(|port| u16::from_str_radix(port, 16).ok())
        .collect()
}

/// Linux only: the socket's family is read from `/proc/self/net/udp`, which macOS lacks.
#[cfg(target_os = "linux")]
#[test]
fn reaches_an_ipv4_server_from_an_ipv4_socket() {
    let server = bind();
    let addr = server.local_addr().expect("a bound socket has an address");
    // The server looks the client's port up while the client still waits for its reply.
    let seen = thread::spawn(move || {
        let mut buf = [0u8; 64];
        let (n, from) = server.recv_from(&mut buf).ok()?;
        // A dual-stack [::]:P socket keeps every IPv4 socket off port P, so an IPv4 entry
        // for P can only be the client's own socket.
        let ipv4 = udp_ports("udp").contains(&from.port());
        let _ = server.send_to(&buf[..n], from);
        Some((from, ipv4))
    });
    let reply = udp_request(addr, b"ping", GUARD, 0);
    assert_eq!(
        reply.as_ref().ok().map(Vec::as_slice),
        Some(b"ping".as_slice()),
        "udp_request to the echo server on {addr}: got {reply:?}"
    );
    let (from, ipv4) = seen
        .join()
        .expect("the server thread does not panic")
        .expect("the server received the request");
    assert!(
        ipv4,
        "udp_request reached the IPv4 server {addr} from port {}, and no IPv4 socket (in \
         /proc/net/udp) is bound to that port: it sent from an IPv6 socket. A dual-stack [::]:0 socket that \
         speaks IPv4 as ::ffff:a.b.c.d fails wherever IPv6 is disabled or sockets are v6-only. \
         Bind the wildcard of the server's family: 0.0.0.0:0 for an IPv4 server",
        from.port()
    );
}

/// Dissolves the association of the UDP socket `fd` (a `connect` to `AF_UNSPEC`), which
/// another thread of this process is blocked reading. Linux then forgets the local address
/// that `connect` chose, unless `bind` named one. The descriptor is borrowed, never closed.
#[cfg(target_os = "linux")]
fn disconnect(fd: i32) -> std::io::Result<()> {
    /// `struct sockaddr` with `sa_family` `AF_UNSPEC` (0).
    #[repr(C)]
    struct Unspecified {
        family: u16,
        data: [u8; 14],
    }
    unsafe extern "C" {
        fn connect(fd: i32, addr: *const Unspecified, len: u32) -> i32;
    }
    let addr = Unspecified {
        family: 0,
        data: [0; 14],
    };
    // SAFETY: `addr` is a valid `struct sockaddr` of the length given, alive for the call;
    // `connect` only changes the socket's association, never closes the descriptor.
    let done = unsafe { connect(fd, &addr, 16) };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// A client asking `server` on a thread of its own, once its datagram has arrived: the
/// thread's id, the datagram (`buf[..n]`, from `from`) and where the client's result comes.
#[cfg(target_os = "linux")]
struct WaitingClient {
    tid: u32,
    buf: [u8; 64],
    n: usize,
    from: SocketAddr,
    done_rx: mpsc::Receiver<Result<Vec<u8>, UdpError>>,
}

/// Starts `udp_request(server's address, payload, timeout, retries)` on a thread of its own
/// and receives its datagram.
#[cfg(target_os = "linux")]
fn client_waiting_on(
    server: &UdpSocket,
    payload: &'static [u8],
    timeout: Duration,
    retries: u32,
) -> WaitingClient {
    let addr = server.local_addr().expect("a bound socket has an address");
    let (tid_tx, tid_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tid_tx.send(super::thread_id());
        let _ = done_tx.send(udp_request(addr, payload, timeout, retries));
    });
    let tid = tid_rx
        .recv_timeout(GUARD)
        .expect("the client thread starts");
    let mut buf = [0u8; 64];
    let (n, from) = server
        .recv_from(&mut buf)
        .expect("udp_request sends its datagram");
    WaitingClient {
        tid,
        buf,
        n,
        from,
        done_rx,
    }
}

/// Linux only: the address the socket was bound to is read by dissolving its association
/// (see [`disconnect`]); connecting fixes a wildcard socket's local address to loopback when
/// the server is on loopback, so before that both look the same.
#[cfg(target_os = "linux")]
#[test]
fn binds_the_client_to_the_wildcard_not_to_loopback() {
    use std::os::fd::FromRawFd;
    let server = bind();
    let addr = server.local_addr().expect("a bound socket has an address");
    let WaitingClient {
        tid,
        buf,
        n,
        from,
        done_rx,
    } = client_waiting_on(&server, b"ping", Duration::from_secs(60), 0);
    let Some(fd) = super::blocked_call(tid).and_then(|call| call.receive_fd()) else {
        let _ = server.send_to(&buf[..n], from);
        println!("note: the client is not blocked in a receive on its socket; nothing checked");
        return;
    };
    // SAFETY: the descriptor belongs to the socket the client's thread is blocked reading;
    // the ManuallyDrop never closes it.
    let socket = std::mem::ManuallyDrop::new(unsafe { UdpSocket::from_raw_fd(fd) });
    disconnect(fd).expect("a UDP socket's association can be dissolved");
    let bound = socket.local_addr().expect("a socket has a local address");
    // Associate it again (Linux gives it a new port) and answer there, so the client ends.
    socket
        .connect(addr)
        .expect("a UDP socket connects to loopback");
    let now = socket.local_addr().expect("a socket has a local address");
    server
        .send_to(&buf[..n], now)
        .expect("sending to loopback works");
    let reply = done_rx
        .recv_timeout(GUARD)
        .expect("udp_request returns once the reply arrives");
    assert_eq!(
        reply.ok().as_deref(),
        Some(b"ping".as_slice()),
        "the reply sent to the client's socket"
    );
    assert!(
        bound.ip().is_unspecified(),
        "udp_request's socket was bound to {} (seen once its connection to {addr} was \
         dissolved), not to the wildcard: a socket bound to loopback reaches only servers on \
         this machine, so the client passes every loopback test and fails against any real \
         server. Bind the wildcard of the server's family (0.0.0.0:0 for an IPv4 server) and \
         let connect pick the source address for the destination",
        bound.ip()
    );
}

/// Linux only: macOS refuses to send datagrams over 9,216 bytes by default (see the brief).
#[cfg(target_os = "linux")]
#[test]
fn echoes_a_full_size_datagram_whole() {
    // MAX_DATAGRAM bytes: any receive buffer smaller than the largest datagram ("about
    // 64 KB") cuts this one, and the echo server too must size its buffer for it.
    let addr = start_echo();
    let payload: Vec<u8> = (0..MAX_DATAGRAM as u32).map(|i| (i % 251) as u8).collect();
    let reply = udp_request(addr, &payload, WAIT, 3)
        .expect("a MAX_DATAGRAM-byte datagram fits in one UDP packet on Linux");
    assert_eq!(
        reply.len(),
        payload.len(),
        "serve_echo sent back {} of {MAX_DATAGRAM} bytes: a receive buffer smaller than the \
         largest datagram silently truncates it (65,536 bytes hold the largest
         IPv4 and IPv6 datagrams)",
        reply.len()
    );
    assert!(
        reply == payload,
        "the echoed datagram must be byte for byte the one sent"
    );
}

#[test]
fn echoes_an_empty_datagram() {
    let addr = start_echo();
    let reply = udp_request(addr, b"", WAIT, 3).expect("an empty datagram is still a datagram");
    assert!(
        reply.is_empty(),
        "the reply to an empty datagram is empty, got {} bytes",
        reply.len()
    );
}

#[test]
fn retries_when_the_first_datagram_is_lost() {
    let (addr, log) = lossy_server(1);
    let reply = udp_request(addr, b"are you there?", RETRY_WAIT, 3)
        .expect("the server drops only the first datagram: one retry gets through");
    assert_eq!(
        reply, b"are you there?",
        "the reply to the retried datagram"
    );
    let seen = received(addr, &log);
    assert!(
        seen.len() >= 2,
        "UDP never resends by itself: the client must send again after {RETRY_WAIT:?} without a reply; the server saw {} datagram(s)",
        seen.len()
    );
}

#[test]
fn sends_one_datagram_when_nothing_is_lost() {
    let (addr, log) = lossy_server(0);
    let reply = udp_request(addr, b"just once", WAIT, 3).expect("the server answers at once");
    assert_eq!(reply, b"just once", "the echo of the one datagram");
    let seen = received(addr, &log);
    assert_eq!(
        seen.len(),
        1,
        "the server answered the first datagram, yet it received {} copies: resend only after \
         a timeout without a reply (send, wait, and only then send again); sending every \
         attempt up front multiplies the traffic on a path that loses nothing",
        seen.len()
    );
}

#[test]
fn accepts_a_late_reply_to_the_first_attempt_after_retrying() {
    // The server answers the first datagram late, once the retry has come, and answers
    // nothing else: only a client still listening where it sent the first attempt hears it.
    let socket = bind();
    let addr = socket.local_addr().expect("a bound socket has an address");
    thread::spawn(move || {
        let mut buf = [0u8; 64];
        let (_, first) = socket.recv_from(&mut buf)?;
        socket.recv_from(&mut buf)?;
        socket.send_to(b"late but here", first)
    });
    let reply = udp_request(addr, b"slow server?", RETRY_WAIT, 3);
    assert!(
        reply.as_deref().is_ok_and(|r| r == b"late but here"),
        "the reply to the first attempt arrived after the retry was sent, at the address the \
         first attempt came from, and udp_request returned {reply:?}: send every attempt from \
         one socket and keep receiving on it, so a late reply still counts (a fresh socket per \
         attempt throws it away and looks like a new client each time)"
    );
}

/// Linux: waits until the datagram just sent to `port` of 127.0.0.1 is queued on the socket
/// bound to it, or until no socket has that port (the datagram then went nowhere):
/// [`queued_or_unbound`]. Loopback delivers at once; this only makes the order of two
/// datagrams to one socket certain. Gives up after [`GUARD`].
#[cfg(target_os = "linux")]
fn queued_on_or_nobody_at(port: u16) {
    let deadline = std::time::Instant::now() + GUARD;
    while !queued_or_unbound(port) && std::time::Instant::now() < deadline {
        thread::yield_now();
    }
}

/// Lets the client thread of [`a_first_request_that_gave_up`] (its `go`) send the second
/// request, and returns the address that request came from once `server` has received it.
fn the_second_request(server: &UdpSocket, go: &mpsc::Sender<()>) -> SocketAddr {
    go.send(()).expect("the client thread waits for the go");
    let mut buf = [0u8; 64];
    let (n, second_from) = server
        .recv_from(&mut buf)
        .expect("udp_request sends the second request");
    assert_eq!(&buf[..n], b"second", "the second request's datagram");
    second_from
}

/// Where the results of [`a_first_request_that_gave_up`]'s two requests arrive.
type Results = mpsc::Receiver<Result<Vec<u8>, UdpError>>;

/// Two requests from one thread, the first with one attempt of 20 ms, the second (with
/// [`GUARD`] to wait) only once the test sends on the returned `go`. Returns once the
/// first has given up unanswered (checked) and `server` has received its datagram: the
/// address it came from, `go`, and where the two results arrive.
fn a_first_request_that_gave_up(server: &UdpSocket) -> (SocketAddr, mpsc::Sender<()>, Results) {
    let addr = server.local_addr().expect("a bound socket has an address");
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (result_tx, result_rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = result_tx.send(udp_request(addr, b"first", Duration::from_millis(20), 0));
        if go_rx.recv_timeout(GUARD).is_ok() {
            let _ = result_tx.send(udp_request(addr, b"second", GUARD, 0));
        }
    });
    let first = result_rx
        .recv_timeout(GUARD)
        .expect("the first udp_request returns once its one attempt has timed out");
    assert!(
        matches!(first, Err(UdpError::NoReply { attempts: 1 })),
        "the server answers nothing before the first request gives up: with no retries, \
         udp_request returns NoReply after one attempt; got {first:?}"
    );
    let mut buf = [0u8; 64];
    let (n, first_from) = server
        .recv_from(&mut buf)
        .expect("udp_request sent the first request");
    assert_eq!(&buf[..n], b"first", "the first request's datagram");
    (first_from, go_tx, result_rx)
}

#[test]
fn a_late_reply_to_a_request_that_gave_up_is_not_the_next_requests_reply() {
    // Two requests from one thread, one after the other. The server answers the first only
    // once udp_request has given up on it, at the address it came from, then the second at once.
    let server = bind();
    let (first_from, go_tx, result_rx) = a_first_request_that_gave_up(&server);
    server
        .send_to(b"late reply to first", first_from)
        .expect("sending to loopback works");
    #[cfg(target_os = "linux")]
    queued_on_or_nobody_at(first_from.port());
    let second_from = the_second_request(&server, &go_tx);
    server
        .send_to(b"reply to second", second_from)
        .expect("sending to loopback works");
    let second = result_rx
        .recv_timeout(GUARD)
        .expect("the second udp_request returns once its reply arrives");
    assert_eq!(
        second.as_ref().ok().map(Vec::as_slice),
        Some(b"reply to second".as_slice()),
        "the second request got {second:?}: a late reply to the first request, which had \
         already given up, was waiting on the socket it was sent from ({first_from}), and the \
         second request was sent from that same socket. A reply belongs to its request: give \
         each udp_request a socket of its own (bound for that call and closed when it \
         returns), never one kept for the next call, where stale replies wait in its queue"
    );
}

/// Linux: whether a datagram just sent to `port` of 127.0.0.1 is queued on the socket bound to
/// it (its receive queue, in `/proc/net/udp`, is not empty) or no socket has that port. True
/// elsewhere (nothing to wait on).
fn queued_or_unbound(port: u16) -> bool {
    udp_receive_queue(port).is_none_or(|queue| queue.is_none_or(|rx| rx > 0))
}

#[test]
fn a_late_reply_arriving_while_the_next_request_waits_is_not_its_reply() {
    // Two requests from one thread. The first gives up; the server's late reply to it comes
    // only once the second request has been sent (so no drain before sending can throw it
    // away), at the address the first came from; then the server answers the second.
    let server = bind();
    let (first_from, go_tx, result_rx) = a_first_request_that_gave_up(&server);
    // The first call's socket is closed once it returns: the test holds its port, so the
    // second call cannot be given it by chance (a kept socket still holds it: no hold then).
    let _held = UdpSocket::bind((std::net::Ipv4Addr::UNSPECIFIED, first_from.port())).ok();
    let second_from = the_second_request(&server, &go_tx);
    server
        .send_to(b"late reply to first", first_from)
        .expect("sending to loopback works");
    // The late reply is queued where it went (or already taken as the second call's reply)
    // before the second's own reply is sent, so the order of the two is certain.
    let deadline = std::time::Instant::now() + GUARD;
    let early = loop {
        if let Ok(result) = result_rx.try_recv() {
            break Some(result);
        }
        if queued_or_unbound(first_from.port()) || std::time::Instant::now() >= deadline {
            break None;
        }
        thread::yield_now();
    };
    let second = match early {
        Some(result) => result,
        None => {
            server
                .send_to(b"reply to second", second_from)
                .expect("sending to loopback works");
            result_rx
                .recv_timeout(GUARD)
                .expect("the second udp_request returns once its reply arrives")
        }
    };
    assert_eq!(
        second.as_ref().ok().map(Vec::as_slice),
        Some(b"reply to second".as_slice()),
        "the second request got {second:?}: while it waited, a late reply to the first \
         request (which had already given up) arrived at the address the first was sent from \
         ({first_from}), and the second request was sent from {second_from}. A reply belongs \
         to its request: give each udp_request a socket of its own (bound for that call and \
         closed when it returns); a socket kept for the next call receives the earlier \
         call's late replies, and draining it before sending cannot catch those still on \
         their way"
    );
}

#[test]
fn gives_up_after_retries_plus_one_attempts() {
    let (result, seen) =
        request_to_a_lossy_server(usize::MAX, b"hello?", Duration::from_millis(20), 2);
    assert!(
        matches!(result, Err(UdpError::NoReply { attempts: 3 })),
        "two retries mean three attempts, then a NoReply error instead of waiting forever; got {result:?}"
    );
    assert_eq!(seen.len(), 3, "exactly 1 + retries datagrams are sent");
}

/// How many times this thread has given up the CPU of its own accord (Linux: each time it
/// went to sleep: a blocking call, a `thread::sleep`).
fn voluntary_switches() -> u64 {
    std::fs::read_to_string("/proc/thread-self/status")
        .expect("/proc/thread-self/status describes this thread")
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|count| count.trim().parse().ok())
        .expect("the status lists voluntary_ctxt_switches")
}

#[test]
fn sleeps_until_the_timeout_instead_of_polling() {
    let (addr, log) = lossy_server(usize::MAX);
    let timeout = Duration::from_millis(300);

    let before = voluntary_switches();
    let result = udp_request(addr, b"anyone?", timeout, 0);
    let woke = voluntary_switches() - before;

    assert!(
        matches!(result, Err(UdpError::NoReply { attempts: 1 })),
        "a server that never answers gives NoReply after one attempt; got {result:?}"
    );
    assert!(
        woke <= 10,
        "waiting {timeout:?} for a reply that never came, the thread went to sleep {woke} \
         times (allowed: 10): it polled (a non-blocking socket and sleeps, or a short timeout \
         in a loop). Let the kernel wake it: set_read_timeout(Some(timeout)) and one blocking \
         recv, which sleeps until a datagram or the timeout"
    );
    let _ = received(addr, &log);
}

/// Linux: the client, while it waits for a reply, is asleep in the kernel's receive on a
/// socket whose read timeout is the whole `timeout` (read from `/proc/self/task/<tid>/syscall`
/// and the socket itself), not in `thread::sleep` between polls, nor in a short timeout
/// repeated.
#[cfg(target_os = "linux")]
#[test]
fn waits_for_the_reply_asleep_in_a_receive_with_the_whole_timeout() {
    let server = bind();
    let timeout = Duration::from_secs(60);
    // Retries to spare: each attempt still waits the whole timeout, never a share of it.
    let WaitingClient {
        tid,
        buf,
        n,
        from,
        done_rx,
    } = client_waiting_on(&server, b"wait for me", timeout, 3);

    let blocked = super::blocked_call(tid);
    let timeout_set = blocked
        .and_then(|call| call.receive_fd())
        .map(|fd| super::read_timeout_of(fd).expect("a socket's read timeout can be read"));
    // Answer whatever the verdict, so the client's thread ends.
    server
        .send_to(&buf[..n], from)
        .expect("sending to loopback works");

    let blocked = blocked.unwrap_or_else(|| {
        panic!(
            "while waiting for a reply the client's thread never went to sleep: it spins \
             (a non-blocking socket tried in a loop). Let the kernel wake it: \
             set_read_timeout(Some(timeout)) and one blocking recv"
        )
    });
    assert!(
        blocked.waits_for_data(),
        "while waiting for a reply the client's thread slept in system call {} instead of a \
         receive: it polls (thread::sleep between tries of a non-blocking socket). A reply \
         arriving mid-sleep waits for the sleep to end. Let the kernel wake it: \
         set_read_timeout(Some(timeout)) and one blocking recv",
        blocked.call
    );
    if let Some(set) = timeout_set {
        assert!(
            set.is_some_and(|set| set >= timeout * 9 / 10),
            "the client waits on a socket whose read timeout is {set:?} while the timeout asked \
             for is {timeout:?} (3 retries to spare): a shorter timeout repeated until the \
             deadline (half of it twice, a fifth five times) is polling, and a timeout split over \
             the attempts resends before the agreed wait. Each attempt waits the whole timeout: \
             one recv sleeps until a datagram or the timeout"
        );
    }
    let reply = done_rx
        .recv_timeout(GUARD)
        .expect("udp_request returns once the reply arrives");
    assert_eq!(
        reply.ok().as_deref(),
        Some(b"wait for me".as_slice()),
        "the reply sent while the client slept"
    );
}

#[test]
fn returns_a_reply_longer_than_the_request_whole() {
    // Not an echo: a one-byte question gets a 60,000-byte answer (a DNS query is small, its
    // answer often large), or 9,000 bytes where the OS caps datagrams lower (macOS: 9,216).
    let server = bind();
    let addr = server.local_addr().expect("a bound socket has an address");
    let (sent_tx, sent_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = vec![0u8; 65_536];
        if let Ok((_, from)) = server.recv_from(&mut buf) {
            for len in [60_000u32, 9_000] {
                let answer: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
                if server.send_to(&answer, from).is_ok() {
                    let _ = sent_tx.send(answer);
                    break;
                }
            }
        }
    });
    let reply = udp_request(addr, b"?", GUARD, 0).expect("the server answers at once");
    let answer = sent_rx
        .recv_timeout(GUARD)
        .expect("the server sent an answer");
    assert_eq!(
        reply.len(),
        answer.len(),
        "a 1-byte request got a {}-byte reply back as {} bytes: the receive buffer was sized \
         for the request, and a datagram longer than the buffer is silently cut. A reply is \
         not an echo: size the buffer for the largest datagram (65,536 bytes hold IPv4's and IPv6's)",
        answer.len(),
        reply.len()
    );
    assert!(
        reply == answer,
        "the reply must be byte for byte the one sent"
    );
}

#[test]
fn refuses_a_payload_too_large_for_one_datagram() {
    let (result, seen) = request_to_a_lossy_server(0, &vec![0u8; MAX_DATAGRAM + 1], WAIT, 0);
    assert!(
        matches!(result, Err(UdpError::PayloadTooLarge { len, max }) if len == MAX_DATAGRAM + 1 && max == MAX_DATAGRAM),
        "{} bytes do not fit in one IPv4 datagram (max {MAX_DATAGRAM}): a typed error, got {result:?}",
        MAX_DATAGRAM + 1
    );
    assert!(
        seen.is_empty(),
        "an oversized payload is refused before anything is sent"
    );
}

/// Linux only: macOS refuses to send datagrams over 9,216 bytes by default (see the brief).
#[cfg(target_os = "linux")]
#[test]
fn sends_a_payload_of_exactly_the_maximum_size() {
    let (addr, log) = lossy_server(0);
    let payload = vec![7u8; MAX_DATAGRAM];
    let reply =
        udp_request(addr, &payload, WAIT, 3).expect("MAX_DATAGRAM bytes still fit in one datagram");
    assert_eq!(
        reply.len(),
        MAX_DATAGRAM,
        "the full-size datagram comes back whole"
    );
    assert_eq!(
        received(addr, &log)[0].len(),
        MAX_DATAGRAM,
        "and went out whole"
    );
}

#[test]
fn refuses_a_zero_timeout() {
    let (result, seen) = request_to_a_lossy_server(0, b"x", Duration::ZERO, 3);
    assert!(
        matches!(result, Err(UdpError::ZeroTimeout)),
        "a zero read timeout is rejected by the OS and would mean 'wait forever' to a retry loop; got {result:?}"
    );
    assert!(seen.is_empty(), "nothing is sent with an invalid timeout");
}

/// Linux: how many datagrams have reached a port nobody listens on (`Udp: NoPorts` in
/// `/proc/net/snmp`). The count is the whole network namespace's, other processes included.
#[cfg(target_os = "linux")]
fn datagrams_to_closed_ports() -> u64 {
    let snmp = std::fs::read_to_string("/proc/net/snmp").expect("/proc/net/snmp is readable");
    let mut udp = snmp.lines().filter(|line| line.starts_with("Udp:"));
    let (names, values) = (udp.next(), udp.next());
    names
        .zip(values)
        .and_then(|(names, values)| {
            let at = names
                .split_whitespace()
                .position(|name| name == "NoPorts")?;
            values.split_whitespace().nth(at)?.parse().ok()
        })
        .expect("/proc/net/snmp has a Udp: NoPorts count")
}

/// Linux only: a connected UDP socket learns of a closed port from the ICMP "port
/// unreachable" reply, which Linux reports as `ConnectionRefused` on the next receive; other
/// systems may just time out (see the brief). With 200 retries allowed, the kernel's count
/// of datagrams to closed ports must grow by fewer than 10 during the call (one is the
/// client's; the count is shared with the rest of the machine): a refusal ends the call.
#[cfg(target_os = "linux")]
#[test]
fn reports_a_refused_port_as_an_io_error_instead_of_retrying() {
    const RETRIES: u32 = 200;
    let addr = bind().local_addr().expect("a bound socket has an address");
    // The socket is dropped: nothing listens on `addr`, and the OS answers with "port unreachable".
    let before = datagrams_to_closed_ports();
    // A short wait: the refusal comes back in microseconds, and a client that never sees it
    // (an unconnected socket) gives up after 200 waits of 2 ms, not 200 of WAIT.
    let result = udp_request(addr, b"anyone?", Duration::from_millis(2), RETRIES);
    let refused = datagrams_to_closed_ports() - before;
    assert!(
        matches!(result, Err(UdpError::Io(ref err)) if err.kind() == std::io::ErrorKind::ConnectionRefused),
        "only a timeout means 'try again'; a refused port is an error to report at once; got {result:?}"
    );
    assert!(
        refused < 10,
        "{refused} datagrams reached the closed port during the call (retries allowed: \
         {RETRIES}): udp_request sent again after the port was refused, and reported \
         ConnectionRefused only when the attempts ran out. A refusal is final: only a timeout \
         means 'try again', so return the first ConnectionRefused at once"
    );
}

#[test]
fn ignores_a_datagram_from_another_address_than_the_server() {
    // The server answers each datagram twice: first a forgery from another socket (another
    // port, as a spoofer on the network would), then the real echo from its own.
    let server = bind();
    let addr = server.local_addr().expect("a bound socket has an address");
    let stranger = bind();
    thread::spawn(move || {
        let mut buf = vec![0u8; 65_536];
        if let Ok((n, from)) = server.recv_from(&mut buf) {
            let _ = stranger.send_to(b"forged reply", from);
            let _ = server.send_to(&buf[..n], from);
        }
    });

    // A patient wait: the real echo follows the forgery at once, on a loaded machine too.
    let reply = udp_request(addr, b"the real question", GUARD, 0);

    assert_eq!(
        reply.ok().as_deref(),
        Some(b"the real question".as_slice()),
        "a datagram from another address is not the server's reply: anyone can send to the \
         client's port, so connect the socket to the server (only its datagrams are then \
         delivered) or check the sender recv_from reports"
    );
}

/// IPv6's largest UDP payload: 65,535 minus the 8-byte UDP header (the IPv6 header is not
/// counted in its payload length), 20 bytes more than IPv4's [`MAX_DATAGRAM`].
const MAX_IPV6_DATAGRAM: usize = 65_527;

/// A socket on IPv6 loopback, or `None` (with a note) where `[::1]` cannot be bound: IPv6 is
/// sometimes disabled, and the calling test then has nothing to check.
fn bind_ipv6_loopback(test: &str) -> Option<UdpSocket> {
    match UdpSocket::bind("[::1]:0") {
        Ok(socket) => {
            socket
                .set_read_timeout(Some(GUARD))
                .expect("read timeouts can be set");
            Some(socket)
        }
        Err(err) => {
            eprintln!("note: {test} checks nothing here: [::1]:0 cannot be bound ({err})");
            None
        }
    }
}

/// A server on `socket` that answers its first datagram with `answer`.
fn answer_once(socket: UdpSocket, answer: Vec<u8>) {
    thread::spawn(move || {
        let mut buf = vec![0u8; 65_536];
        if let Ok((_, from)) = socket.recv_from(&mut buf) {
            let _ = socket.send_to(&answer, from);
        }
    });
}

#[test]
fn talks_to_a_server_on_ipv6_loopback() {
    let Some(server) = bind_ipv6_loopback("talks_to_a_server_on_ipv6_loopback") else {
        return;
    };
    let addr = server.local_addr().expect("a bound socket has an address");
    answer_once(server, b"pong".to_vec());
    let reply = udp_request(addr, b"ping", GUARD, 0);
    assert_eq!(
        reply.as_ref().ok().map(Vec::as_slice),
        Some(b"pong".as_slice()),
        "udp_request to a server on {addr}: got {reply:?}. It takes any address: bind the \
         wildcard of the server's family ([::]:0 for an IPv6 server), since a socket bound to \
         0.0.0.0 cannot reach [::1]"
    );
}

/// Linux only: macOS refuses to send datagrams over 9,216 bytes by default (see the brief).
#[cfg(target_os = "linux")]
#[test]
fn echoes_a_full_size_ipv6_datagram_whole() {
    let test = "echoes_a_full_size_ipv6_datagram_whole";
    let (Some(server), Some(client)) = (bind_ipv6_loopback(test), bind_ipv6_loopback(test)) else {
        return;
    };
    let addr = server.local_addr().expect("a bound socket has an address");
    let handle = thread::spawn(move || serve_echo(server));
    let payload: Vec<u8> = (0..MAX_IPV6_DATAGRAM as u32)
        .map(|i| (i % 251) as u8)
        .collect();
    client
        .send_to(&payload, addr)
        .expect("Linux sends a 65,527-byte datagram over [::1]");
    let mut buf = vec![0u8; 65_536];
    let n = recv_echo(&client, &handle, &mut buf);
    assert_eq!(
        n, MAX_IPV6_DATAGRAM,
        "serve_echo sent back {n} of the {MAX_IPV6_DATAGRAM} bytes of an IPv6 datagram: \
         MAX_DATAGRAM is IPv4's limit, an IPv6 datagram can be 20 bytes longer, and a receive \
         buffer smaller than the datagram silently cuts it (65,536 bytes hold either)"
    );
    assert!(
        buf[..n] == payload[..],
        "the echoed datagram must be byte for byte the one sent"
    );
}

/// Linux only: macOS refuses to send datagrams over 9,216 bytes by default (see the brief).
#[cfg(target_os = "linux")]
#[test]
fn returns_a_full_size_ipv6_reply_whole() {
    let Some(server) = bind_ipv6_loopback("returns_a_full_size_ipv6_reply_whole") else {
        return;
    };
    let addr = server.local_addr().expect("a bound socket has an address");
    let answer: Vec<u8> = (0..MAX_IPV6_DATAGRAM as u32)
        .map(|i| (i % 251) as u8)
        .collect();
    answer_once(server, answer.clone());
    let reply = udp_request(addr, b"?", GUARD, 0).expect("the server on [::1] answers at once");
    assert_eq!(
        reply.len(),
        MAX_IPV6_DATAGRAM,
        "a {MAX_IPV6_DATAGRAM}-byte reply from {addr} came back as {} bytes: MAX_DATAGRAM is \
         IPv4's limit, an IPv6 datagram can be 20 bytes longer, and a receive buffer smaller \
         than the datagram silently cuts it (65,536 bytes hold either)",
        reply.len()
    );
    assert!(
        reply == answer,
        "the reply must be byte for byte the one sent"
    );
}
