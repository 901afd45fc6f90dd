//! The article's first exercise, in Rust: run the blocking server and open it in a browser.
//!
//! `cargo run -p kata-d22-network --features raw_server --example raw_server -- 127.0.0.1:8080`,
//! then visit <http://127.0.0.1:8080/> or `curl -v http://127.0.0.1:8080/missing`. Ctrl-C stops it.

use std::net::TcpListener;
use std::process::ExitCode;

use kata_d22_network::raw_server::serve;

fn main() -> ExitCode {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener = match TcpListener::bind(&addr) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {addr}: {err}");
            return ExitCode::from(2);
        }
    };
    match listener.local_addr() {
        Ok(local) => println!("raw server listening on http://{local}/ (Ctrl-C stops it)"),
        Err(err) => eprintln!("listening, but the address is unknown: {err}"),
    }
    match serve(listener, |line| println!("{line}")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("server stopped: {err}");
            ExitCode::FAILURE
        }
    }
}
