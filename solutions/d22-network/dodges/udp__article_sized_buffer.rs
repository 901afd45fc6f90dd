//! Dodge: a 1,024-byte receive buffer, as in the article's `recv(1024)`: small datagrams
//! echo fine, a bigger one comes back silently cut.
//! Caught by: echoes_a_datagram_bigger_than_a_1024_byte_buffer_whole

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
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
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, from) = socket.recv_from(&mut buf)?;
        socket.send_to(&buf[..n], from)?;
    }
}

/// Sends `payload` to `addr` and returns the reply; after each `timeout` without one, sends
/// again, up to `retries` extra times (so `retries + 1` attempts in all).
pub fn udp_request(
    addr: SocketAddr,
    payload: &[u8],
    timeout: Duration,
    retries: u32,
) -> Result<Vec<u8>, UdpError> {
    if payload.len() > MAX_DATAGRAM {
        return Err(UdpError::PayloadTooLarge {
            len: payload.len(),
            max: MAX_DATAGRAM,
        });
    }
    if timeout.is_zero() {
        return Err(UdpError::ZeroTimeout);
    }
    let local: SocketAddr = if addr.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local)?;
    // Only datagrams from `addr` are delivered to a connected UDP socket.
    socket.connect(addr)?;
    socket.set_read_timeout(Some(timeout))?;
    let mut buf = vec![0u8; 1_024];
    for _ in 0..=retries {
        socket.send(payload)?;
        match socket.recv(&mut buf) {
            Ok(n) => return Ok(buf[..n].to_vec()),
            Err(err) if is_timeout(&err) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Err(UdpError::NoReply {
        attempts: retries.saturating_add(1),
    })
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
