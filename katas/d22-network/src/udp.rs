//! # Kata 8: UDP
//!
//! **What.** [`serve_echo`] sends every datagram back to its sender, whole.
//! [`udp_request`] sends one datagram and waits for the reply, sending again up to
//! `retries` times when no reply comes within `timeout`.
//!
//! **Why.** UDP has no handshake, no acknowledgement and no retransmission: a lost datagram
//! is simply gone, and a client that waits for it forever hangs. Reliability, where it is
//! needed, is the application's job. A receive buffer smaller than the datagram silently
//! cuts it (the article's `recv(1024)` would).
//!
//! **Python → Rust.** `socket.SOCK_DGRAM` is [`UdpSocket`]; `settimeout` is
//! [`UdpSocket::set_read_timeout`], and a timeout surfaces as an `io::Error` of kind
//! `WouldBlock` or `TimedOut`. Unlike TCP, each `recv` returns exactly one datagram: message
//! boundaries are kept.
//!
//! **Operating systems differ.** The largest datagram an OS sends by default is not the
//! protocol's 65,507 bytes everywhere: Linux sends it, macOS stops at 9,216 bytes
//! (`net.inet.udp.maxdgram`). And when nothing listens on the port, Linux turns the ICMP
//! "port unreachable" reply into `ConnectionRefused` on a connected socket's next receive,
//! while other systems may report nothing and let the read time out. Treat
//! `ConnectionRefused` as final (no retry) where it comes; the tests that depend on these
//! Linux behaviours run on Linux only.
//!
//! **IPv4 and IPv6.** [`udp_request`] takes any address, so its socket is bound to the
//! wildcard of the server's family (`0.0.0.0:0` for an IPv4 server, `[::]:0` for an IPv6
//! one): an IPv4 socket cannot reach `[::1]`. [`MAX_DATAGRAM`] is IPv4's limit, and the
//! limit of what `udp_request` sends, but an IPv6 datagram carries up to 65,527 bytes, so
//! every receive buffer (the echo server's and the client's) holds at least that (65,536 is
//! the round size): one of `MAX_DATAGRAM` bytes silently cuts the largest IPv6 datagrams.
//!
//! **The tests check.**
//! - an echo, and the boundaries of datagrams sent back to back. Checked by
//!   `echoes_a_datagram_back`, `keeps_message_boundaries`.
//! - a 9,000-byte datagram arrives whole (on Linux, exactly [`MAX_DATAGRAM`] bytes too, both
//!   through the echo server and through the client), and an empty one too. Checked by
//!   `echoes_a_datagram_bigger_than_a_1024_byte_buffer_whole`,
//!   `echoes_a_full_size_datagram_whole`, `sends_a_payload_of_exactly_the_maximum_size`,
//!   `echoes_an_empty_datagram`.
//! - a reply is not an echo: a 60,000-byte reply (9,000 where the OS caps datagrams lower)
//!   to a 1-byte request comes back whole.
//!   Checked by `returns_a_reply_longer_than_the_request_whole`.
//! - a retry after the suite's server drops the first datagram on purpose, and giving up
//!   after `retries + 1` attempts, counted by the server; a request answered at once sends
//!   one datagram (a copy is sent only after a timeout). Checked by
//!   `retries_when_the_first_datagram_is_lost`, `gives_up_after_retries_plus_one_attempts`,
//!   `sends_one_datagram_when_nothing_is_lost`.
//! - a late reply to the first attempt, arriving after the retry went out, is accepted:
//!   every attempt is sent from one socket. Checked by
//!   `accepts_a_late_reply_to_the_first_attempt_after_retrying`.
//! - a reply belongs to its request, and each call has a socket of its own: when a call has
//!   given up (`NoReply`) and the server's late reply to it arrives before the next call from
//!   the same thread, the next call returns its own reply, not the stale one a socket kept
//!   between calls would still hold. Checked by
//!   `a_late_reply_to_a_request_that_gave_up_is_not_the_next_requests_reply`.
//! - the same when the late reply arrives while the next call is already waiting (the server
//!   answers the first call's address only once the second call's datagram has come, then
//!   the second): the second call returns its own reply, which no drain of a kept socket
//!   before sending can ensure. Checked by
//!   `a_late_reply_arriving_while_the_next_request_waits_is_not_its_reply`.
//! - (on Linux) the wait for a reply is one sleep in the kernel, not polling: a silent
//!   server's 300 ms timeout puts the thread to sleep at most 10 times
//!   (`voluntary_ctxt_switches`); while it waits, the thread is asleep in a receive (not in
//!   `thread::sleep`) on a socket whose read timeout is the whole `timeout` (at least 90 %
//!   of a 60 s one, with 3 retries to spare: each attempt waits the whole timeout, never
//!   half of it twice), read from `/proc/self/task/<tid>/syscall`. Checked by
//!   `sleeps_until_the_timeout_instead_of_polling`,
//!   `waits_for_the_reply_asleep_in_a_receive_with_the_whole_timeout`.
//! - a server on IPv6 loopback (`[::1]`) is reached, and (on Linux) a 65,527-byte datagram,
//!   IPv6's largest, arrives whole through the echo server and as the client's reply. Where
//!   `[::1]` cannot be bound (IPv6 disabled), these tests print a note and check nothing.
//!   Checked by `talks_to_a_server_on_ipv6_loopback`,
//!   `echoes_a_full_size_ipv6_datagram_whole`, `returns_a_full_size_ipv6_reply_whole`.
//! - an IPv4 server is reached from an IPv4 socket, not from a dual-stack `[::]:0` one
//!   speaking `::ffff:a.b.c.d` (on Linux: while the server holds the request, an IPv4 socket
//!   in `/proc/net/udp` is bound to the port it came from). Checked by
//!   `reaches_an_ipv4_server_from_an_ipv4_socket`.
//! - the socket is bound to the wildcard, not to loopback (`127.0.0.1:0`), which reaches
//!   only servers on this machine (on Linux: while the client waits, the test dissolves its
//!   socket's connection, which shows the address `bind` named, then connects it again).
//!   Checked by `binds_the_client_to_the_wildcard_not_to_loopback`.
//! - only the server's datagrams count as its reply: a forgery from another port is
//!   ignored. Checked by `ignores_a_datagram_from_another_address_than_the_server`.
//! - typed errors, with nothing sent, for a payload too large for one datagram and for a
//!   zero timeout. Checked by `refuses_a_payload_too_large_for_one_datagram`,
//!   `refuses_a_zero_timeout`.
//! - (on Linux) a refused port is reported at once instead of retried: with 200 retries
//!   allowed, the kernel's count of datagrams that reached a closed port (`Udp: NoPorts` in
//!   `/proc/net/snmp`) grows by fewer than 10 during the call. Checked by
//!   `reports_a_refused_port_as_an_io_error_instead_of_retrying`.
//!
//! **Not checked.** A version that sends again to a refused port a few times (up to 8)
//! before reporting it: the closed-port count is shared with every process of the machine's
//! network namespace, so the test leaves room for others' datagrams. That a read timeout of
//! either kind counts as a lost datagram: depending on the OS it surfaces as `WouldBlock`
//! (Linux, macOS) or `TimedOut` (Windows), and both must be retried; the tests run where it
//! is always `WouldBlock`, so a version that retries on `WouldBlock` alone passes them.
//! That every other receive error ends the request at once instead of being taken for a
//! lost datagram: on a connected socket Linux reports only the "hard" ICMP errors to a
//! receive (port or protocol unreachable, communication prohibited), and the one a test can
//! cause on loopback without privileges is "port unreachable" (`ConnectionRefused`, checked
//! above); the others need a firewall rule or a raw socket, so a version that retries on
//! every error but `ConnectionRefused` passes the tests.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// The largest payload of one IPv4 UDP datagram: 65,535 minus 8 (UDP) and 20 (IP) header bytes.
pub const MAX_DATAGRAM: usize = 65_507;

/// Why a UDP request failed.
#[derive(Debug, thiserror::Error)]
pub enum UdpError {
    /// The payload cannot fit in one datagram.
    #[error("payload of {len} bytes does not fit in one datagram (max {max})")]
    PayloadTooLarge {
        /// The payload length.
        len: usize,
        /// The largest allowed payload.
        max: usize,
    },
    /// A zero timeout would mean "wait forever" to the OS; it is refused.
    #[error("the timeout must be longer than zero")]
    ZeroTimeout,
    /// No reply after every attempt.
    #[error("no reply after {attempts} attempts")]
    NoReply {
        /// How many datagrams were sent.
        attempts: u32,
    },
    /// The socket failed.
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
}

/// Echoes every datagram received on `socket` back to its sender, forever.
pub fn serve_echo(socket: UdpSocket) -> io::Result<()> {
    todo!("echo datagrams on {socket:?}")
}

/// Sends `payload` to `addr` and returns the reply; after each `timeout` without one, sends
/// again, up to `retries` extra times (so `retries + 1` attempts in all).
pub fn udp_request(
    addr: SocketAddr,
    payload: &[u8],
    timeout: Duration,
    retries: u32,
) -> Result<Vec<u8>, UdpError> {
    todo!(
        "send {} bytes to {addr}, waiting {timeout:?} per attempt, up to {retries} retries",
        payload.len()
    )
}
