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
mod proc_net; // what Linux's /proc says about this process's sockets

/// `insta::assert_snapshot!` into `snapshots/d22-network/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// Deadlock guard for every blocking wait in the suite. It only ever turns a hang into a
/// failure; no test passes because of it.
pub(crate) const GUARD: Duration = Duration::from_secs(10);

/// A std listener on 127.0.0.1, port 0, and the address it got.
pub(crate) fn std_listener() -> (std::net::TcpListener, SocketAddr) {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0 always works");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    (listener, addr)
}

/// A tokio listener on 127.0.0.1, port 0, and the address it got. Its backlog of 1,024 holds
/// a thousand clients connecting at once (`TcpListener::bind` asks for 128, and a SYN that
/// finds the accept queue full is sent again only a second later).
pub(crate) async fn local_listener() -> (tokio::net::TcpListener, SocketAddr) {
    let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket can be created");
    listen_locally(socket)
}

/// [`local_listener`] on a socket the caller has set up (its buffer sizes, say).
pub(crate) fn listen_locally(
    socket: tokio::net::TcpSocket,
) -> (tokio::net::TcpListener, SocketAddr) {
    socket
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("binding 127.0.0.1:0 always works");
    let listener = socket.listen(1024).expect("a bound socket can listen");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    (listener, addr)
}

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

/// A keep-alive server's whole response, `total` bytes long (a `Content-Length` body of
/// `x`s), and its body.
pub(crate) fn response_of_exactly(total: usize) -> (Vec<u8>, Vec<u8>) {
    let head = |len: usize| format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n");
    let mut len = total.saturating_sub(head(0).len());
    while head(len).len() + len > total {
        len -= 1;
    }
    let body = vec![b'x'; len];
    let mut response = head(len).into_bytes();
    response.extend_from_slice(&body);
    assert_eq!(
        response.len(),
        total,
        "the test builds a response of exactly {total} bytes"
    );
    (response, body)
}

/// A GET of exactly `len` bytes: request line, `Host`, and an `X-Padding` field that fills
/// the rest up to the blank line.
pub(crate) fn get_of_exactly(len: usize) -> Vec<u8> {
    let mut raw = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Padding: ".to_vec();
    let padding = len - raw.len() - 4;
    raw.extend(std::iter::repeat_n(b'p', padding));
    raw.extend_from_slice(b"\r\n\r\n");
    assert_eq!(
        raw.len(),
        len,
        "the test builds a request of exactly {len} bytes"
    );
    raw
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

/// Set in the child process [`alone_in_a_child_process`] starts.
const ALONE: &str = "D22_NETWORK_ALONE_IN_A_CHILD_PROCESS";

/// Runs the test `path` (its `module_path!()` and name) again, alone in a child process of
/// this test binary, so that a census of the process's threads sees no other test's threads.
/// `true` in the child, where the test does its work; in the parent, waits for the child,
/// fails with its output if it failed, and returns `false`.
pub(crate) fn alone_in_a_child_process(path: &str) -> bool {
    alone_in_a_child_process_with(path, None)
}

/// [`alone_in_a_child_process`] with the child's `RLIMIT_NOFILE` set to `fd_limit` (by the
/// shell's `ulimit -n`, Unix only): a low one makes `accept` fail for want of descriptors, a
/// high one gives room for a thousand sockets, and no other test shares the process.
pub(crate) fn alone_in_a_child_process_with(path: &str, fd_limit: Option<u32>) -> bool {
    if std::env::var_os(ALONE).is_some() {
        return true;
    }
    // libtest names a test by its path without the crate's name.
    let name = path.split_once("::").map_or(path, |(_, rest)| rest);
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    let mut command = match fd_limit {
        None => std::process::Command::new(exe),
        Some(limit) => {
            let mut sh = std::process::Command::new("/bin/sh");
            sh.arg("-c")
                .arg(format!("ulimit -n {limit} || exit 97; exec \"$0\" \"$@\""))
                .arg(exe);
            sh
        }
    };
    let output = command
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(ALONE, "1")
        .output()
        .expect("the test binary can run itself");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.code() != Some(97),
        "{name} needs a child process with RLIMIT_NOFILE set to {fd_limit:?} (ulimit -n), \
         which this system refused:\n{text}"
    );
    assert!(
        output.status.success() && text.contains("1 passed"),
        "{name}, run alone in a child process, failed:\n{text}"
    );
    false
}

/// For both servers' `keeps_serving_after_an_accept_that_fails_for_want_of_descriptors` in
/// `module` (its `module_path!()`): [`alone_in_a_child_process_with`] a `RLIMIT_NOFILE` of 64.
#[cfg(unix)]
pub(crate) fn alone_with_64_descriptors(module: &str) -> bool {
    alone_in_a_child_process_with(
        &format!("{module}::keeps_serving_after_an_accept_that_fails_for_want_of_descriptors"),
        Some(64),
    )
}

/// Opens `/dev/null` until the process has no descriptor left (the test runs in a child
/// process with a low `RLIMIT_NOFILE`); dropping them gives the descriptors back.
#[cfg(unix)]
pub(crate) fn every_descriptor_left() -> Vec<std::fs::File> {
    let mut files = Vec::new();
    loop {
        match std::fs::File::open("/dev/null") {
            Ok(file) => files.push(file),
            Err(err) if err.raw_os_error() == Some(24) => return files, // EMFILE
            Err(err) => panic!("opening /dev/null failed: {err}"),
        }
    }
}

/// Linux: the id of the calling thread (the `TID` of `/proc/thread-self -> PID/task/TID`).
#[cfg(target_os = "linux")]
pub(crate) fn thread_id() -> u32 {
    let link =
        std::fs::read_link("/proc/thread-self").expect("/proc/thread-self names this thread");
    link.file_name()
        .and_then(|tid| tid.to_str())
        .and_then(|tid| tid.parse().ok())
        .expect("/proc/thread-self ends with the thread id")
}

/// What a thread is blocked in, read from Linux's `/proc/self/task/<tid>/syscall`.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Blocked {
    /// The system call's number (this architecture's numbering).
    pub(crate) call: i64,
    /// Its first argument: the file descriptor, for `read`, `recvfrom` and `recvmsg`.
    pub(crate) first_arg: u64,
}

#[cfg(target_os = "linux")]
impl Blocked {
    /// A call that waits for data on a descriptor (a receive, or a poll/select/epoll wait),
    /// as opposed to a timed sleep or a lock.
    pub(crate) fn waits_for_data(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        const CALLS: &[i64] = &[0, 7, 23, 45, 47, 232, 270, 271, 281, 299, 441];
        #[cfg(target_arch = "aarch64")]
        const CALLS: &[i64] = &[22, 63, 72, 73, 207, 212, 243, 441];
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        const CALLS: &[i64] = &[];
        CALLS.contains(&self.call)
    }

    /// A receive whose first argument is the socket (`read`, `recvfrom`, `recvmsg`).
    pub(crate) fn receive_fd(self) -> Option<i32> {
        #[cfg(target_arch = "x86_64")]
        const CALLS: &[i64] = &[0, 45, 47];
        #[cfg(target_arch = "aarch64")]
        const CALLS: &[i64] = &[63, 207, 212];
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        const CALLS: &[i64] = &[];
        CALLS
            .contains(&self.call)
            .then(|| i32::try_from(self.first_arg).ok())
            .flatten()
    }
}

/// The system call thread `tid` is asleep in right now; `None` if it is running or gone.
#[cfg(target_os = "linux")]
pub(crate) fn asleep_in(tid: u32) -> Option<Blocked> {
    let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/syscall")).ok()?;
    let mut fields = text.split_whitespace();
    let call: i64 = fields.next()?.parse().ok()?;
    let first_arg = fields.next()?.strip_prefix("0x")?;
    let first_arg = u64::from_str_radix(first_arg, 16).ok()?;
    (call >= 0).then_some(Blocked { call, first_arg })
}

/// Waits (up to [`GUARD`]) until thread `tid` is asleep in a system call, seen twice in a
/// row a millisecond apart (a brief wait on a lock does not count), and says which call.
/// `None` if it never slept that long: it spun, or kept running.
#[cfg(target_os = "linux")]
pub(crate) fn blocked_call(tid: u32) -> Option<Blocked> {
    let deadline = std::time::Instant::now() + GUARD;
    let mut last = None;
    while std::time::Instant::now() < deadline {
        let now = asleep_in(tid);
        if now.is_some() && now == last {
            return now;
        }
        last = now;
        std::thread::sleep(Duration::from_millis(1));
    }
    None
}

/// The read timeout (`SO_RCVTIMEO`) of socket `fd`, which another thread of this process
/// is blocked on, so the descriptor stays open while it is read. It is borrowed, never closed.
#[cfg(target_os = "linux")]
pub(crate) fn read_timeout_of(fd: i32) -> std::io::Result<Option<Duration>> {
    use std::os::fd::FromRawFd;
    // SAFETY: the descriptor belongs to a socket another thread is blocked reading; the
    // ManuallyDrop never closes it, and getsockopt only reads an option.
    let socket = std::mem::ManuallyDrop::new(unsafe { std::net::UdpSocket::from_raw_fd(fd) });
    socket.read_timeout()
}

/// A future that counts how often it is polled.
pub(crate) struct CountPolls<F> {
    pub(crate) inner: std::pin::Pin<Box<F>>,
    pub(crate) polls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl<F: Future> Future for CountPolls<F> {
    type Output = F::Output;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        self.polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.as_mut().poll(cx)
    }
}
