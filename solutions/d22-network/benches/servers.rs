//! One tokio thread vs one OS thread per connection, serving keep-alive requests.
//!
//! The article credits aiohttp's event loop with "10,000 concurrent network connections on a
//! single thread". This bench puts the same design (kata 6's `serve` on a current-thread
//! tokio runtime) next to the classic alternative (a blocking server that spawns one OS
//! thread per connection), under the same load: `CLIENTS` connections, each sending
//! `REQUESTS` keep-alive requests one after another. Criterion reports requests per second.
//! Before the timing runs, the bench opens `IDLE` idle keep-alive connections to each server
//! and prints the resident memory each connection costs.
//!
//! `cargo bench -p solution-d22-network --bench servers`

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use solution_d22_network::async_server::{ServerConfig, hello_handler, serve};
use solution_d22_network::client::parse_response;
use solution_d22_network::raw_server::route;
use solution_d22_network::request::{HttpError, Limits, parse_with};

const CLIENTS: usize = 50;
const REQUESTS: usize = 20;
const IDLE: usize = 2_000;
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n";

/// Kata 6's server on a runtime with exactly one thread.
fn start_tokio_single_thread() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("bound address");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let config = ServerConfig {
                header_timeout: Duration::from_secs(600),
                ..ServerConfig::default()
            };
            let _ = serve(listener, config, hello_handler(), std::future::pending()).await;
        });
    });
    addr
}

/// A blocking keep-alive server with one OS thread per connection.
fn start_thread_per_connection() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("bound address");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve_blocking_keep_alive(stream));
        }
    });
    addr
}

fn serve_blocking_keep_alive(mut stream: TcpStream) {
    let limits = Limits::default();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match parse_with(&buf, &limits) {
            Ok(parsed) => {
                buf.drain(..parsed.consumed);
                if stream
                    .write_all(&route(&parsed.request).to_bytes())
                    .is_err()
                {
                    return;
                }
                continue;
            }
            Err(HttpError::Incomplete) => {}
            Err(_) => return,
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Sends one request on a kept-alive connection and reads its response.
fn request(stream: &mut TcpStream) {
    stream.write_all(REQUEST).expect("send a request");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).expect("read a response");
        buf.extend_from_slice(&chunk[..n]);
        match parse_response(&buf, n == 0) {
            Ok(Some(response)) => {
                assert_eq!(response.status, 200, "the bench server must answer 200");
                return;
            }
            Ok(None) => {}
            Err(err) => panic!("bad response from the bench server: {err}"),
        }
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the bench server");
    stream.set_nodelay(true).expect("nodelay");
    stream
}

/// `CLIENTS` concurrent connections, each sending `REQUESTS` requests in turn.
fn load(addr: SocketAddr) {
    thread::scope(|scope| {
        for _ in 0..CLIENTS {
            scope.spawn(|| {
                let mut stream = connect(addr);
                for _ in 0..REQUESTS {
                    request(&mut stream);
                }
            });
        }
    });
}

/// Resident set size of this process in KiB, from /proc (Linux only).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Opens `IDLE` connections, each after one answered request, and reports RSS per connection.
fn memory_per_connection(name: &str, addr: SocketAddr) {
    let before = rss_kib();
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        let mut stream = connect(addr);
        request(&mut stream);
        idle.push(stream);
    }
    let after = rss_kib();
    match (before, after) {
        (Some(before), Some(after)) => println!(
            "{name}: {IDLE} idle keep-alive connections, RSS {before} KiB -> {after} KiB, {:.1} KiB per connection",
            after.saturating_sub(before) as f64 / IDLE as f64
        ),
        _ => println!("{name}: RSS not available on this platform"),
    }
}

fn main() {
    let tokio_addr = start_tokio_single_thread();
    let threads_addr = start_thread_per_connection();
    memory_per_connection("tokio, 1 thread", tokio_addr);
    memory_per_connection("1 OS thread per connection", threads_addr);

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let mut group = criterion.benchmark_group("keep_alive_requests");
    group.throughput(Throughput::Elements((CLIENTS * REQUESTS) as u64));
    group.bench_function("tokio_single_thread", |b| b.iter(|| load(tokio_addr)));
    group.bench_function("os_thread_per_connection", |b| {
        b.iter(|| load(threads_addr))
    });
    group.finish();
    criterion.final_summary();
}
