//! The async server from kata 6, serving the article's routes with keep-alive.
//!
//! `cargo run -p kata-d22-network --features async_server --example async_server -- 127.0.0.1:8080`,
//! then `curl -v http://127.0.0.1:8080/ http://127.0.0.1:8080/` (one connection, two requests).
//! Ctrl-C shuts it down gracefully: requests in flight finish first.

use std::process::ExitCode;
use std::sync::Arc;

use kata_d22_network::async_server::{Handler, ServerConfig, hello_handler, serve};

#[tokio::main]
async fn main() -> ExitCode {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {addr}: {err}");
            return ExitCode::from(2);
        }
    };
    match listener.local_addr() {
        Ok(local) => println!("async server listening on http://{local}/ (Ctrl-C stops it)"),
        Err(err) => eprintln!("listening, but the address is unknown: {err}"),
    }
    let inner = hello_handler();
    let logging: Handler = Arc::new(move |request| {
        println!("{}", request.request_line());
        inner(request)
    });
    let shutdown = async {
        if tokio::signal::ctrl_c().await.is_ok() {
            println!("shutting down: finishing requests in flight");
        }
    };
    match serve(listener, ServerConfig::default(), logging, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("server stopped: {err}");
            ExitCode::FAILURE
        }
    }
}
