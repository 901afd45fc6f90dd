//! What Linux says about this process's sockets (`/proc/net/tcp`, `/proc/self/net/udp`), for
//! the tests that must know where bytes are (sent but not acknowledged, received but not
//! read) without waiting on a timer. Every lookup is `None` where the table is missing; the
//! tests then fall back to a [`GUARD`]-bounded wait.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::GUARD;

/// Linux's table of IPv4 TCP sockets, `/proc/net/tcp`; `None` elsewhere.
pub(crate) fn tcp_table() -> Option<String> {
    std::fs::read_to_string("/proc/net/tcp").ok()
}

/// The two queues of the TCP socket from `local` to `peer` in `table` ([`tcp_table`]): the
/// bytes it has sent that its peer has not acknowledged yet, and the bytes it has received
/// that its owner has not read. `None` if the socket is not listed.
pub(crate) fn tcp_queues(table: &str, local: SocketAddr, peer: SocketAddr) -> Option<(u64, u64)> {
    let fields = tcp_row(table, local.port(), peer.port())?;
    let (sent, received) = fields.get(4)?.split_once(':')?;
    Some((
        u64::from_str_radix(sent, 16).ok()?,
        u64::from_str_radix(received, 16).ok()?,
    ))
}

/// The fields of the row in `table` ([`tcp_table`]) of the TCP socket from port `local` to
/// port `peer`, split at whitespace; `None` if the socket is not listed.
pub(crate) fn tcp_row(table: &str, local: u16, peer: u16) -> Option<Vec<&str>> {
    let port = |address: &str| address.rsplit(':').next().map(str::to_owned);
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let ours = port(fields.get(1)?)? == format!("{local:04X}")
            && port(fields.get(2)?)? == format!("{peer:04X}");
        ours.then_some(fields)
    })
}

/// The receive queue of this process's UDP socket bound to `port` (`/proc/self/net/udp`):
/// `Some(None)` if no socket has that port, `None` where the table is missing.
pub(crate) fn udp_receive_queue(port: u16) -> Option<Option<u64>> {
    let text = std::fs::read_to_string("/proc/self/net/udp").ok()?;
    let local_port = |line: &&str| {
        line.split_whitespace()
            .nth(1)
            .and_then(|local| local.rsplit(':').next())
            .and_then(|p| u16::from_str_radix(p, 16).ok())
            == Some(port)
    };
    Some(text.lines().skip(1).find(local_port).and_then(|row| {
        row.split_whitespace()
            .nth(4)
            .and_then(|queues| queues.rsplit(':').next())
            .and_then(|rx| u64::from_str_radix(rx, 16).ok())
    }))
}

/// A keep-alive server on a thread of its own: it reads the request, sends `response` in one
/// write and keeps the connection open until every byte of it is in the client's kernel
/// (Linux: all acknowledged, [`tcp_queues`]), then resets the connection (`SO_LINGER` of
/// zero), so a client that reads again after the whole response gets `ConnectionReset` at
/// once instead of waiting. Where `/proc/net/tcp` is missing it keeps the connection open
/// until the returned sender is used or dropped ([`GUARD`] at most).
pub(crate) fn reset_once_delivered(response: Vec<u8>) -> (SocketAddr, mpsc::Sender<()>) {
    let (listener, addr) = super::std_listener();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    thread::spawn(move || {
        let Ok((mut stream, peer)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(GUARD));
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && matches!(stream.read(&mut byte), Ok(1)) {
            head.push(byte[0]);
        }
        if stream.write_all(&response).is_err() {
            return;
        }
        // Waits for a stable state (nothing is lost on loopback); the deadline only reports
        // a hang, by falling back to holding the connection open.
        let deadline = Instant::now() + GUARD;
        loop {
            let queues = tcp_table().and_then(|table| tcp_queues(&table, addr, peer));
            match queues.map(|(unacknowledged, _)| unacknowledged == 0) {
                Some(true) => {
                    let _ = tokio::net::TcpSocket::from_std_stream(stream).set_zero_linger();
                    return;
                }
                Some(false) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(1));
                }
                _ => break,
            }
        }
        let _ = done_rx.recv_timeout(GUARD);
    });
    (addr, done_tx)
}
