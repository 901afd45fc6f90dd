//! The live room end to end: the real `kata-room` server, a learner's clone that joins it,
//! and a `cargo kata check` that shows up on the facilitator's `/api/room` by itself.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{ADD_SOLUTION, Fixture};

/// How long a learner's check may take to reach the room (the bound).
const WITHIN: Duration = Duration::from_secs(10);

/// The `kata-room` binary next to the `kata` binary under test, built first when missing
/// (`cargo test` at the root builds it; `cargo test -p kata-runner` alone does not).
fn room_binary() -> PathBuf {
    let kata = PathBuf::from(env!("CARGO_BIN_EXE_kata"));
    let room = kata.with_file_name(format!("kata-room{}", std::env::consts::EXE_SUFFIX));
    if !room.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "kata-room", "--bin", "kata-room"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building kata-room failed");
    }
    room
}

/// A running room server, killed when dropped.
struct Room {
    child: Child,
    url: String,
    facilitator: String,
    join: String,
}

impl Drop for Room {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kata-room serve` on a free loopback port and reads its first line.
fn serve(dir: &std::path::Path) -> Room {
    let mut child = Command::new(room_binary())
        .args(["serve", "--bind", "127.0.0.1:0", "--dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kata-room starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("the first line");
    let line: serde_json::Value = serde_json::from_str(&first).expect("a JSON first line");
    let text = |k: &str| line[k].as_str().expect(k).to_string();
    Room {
        url: text("url"),
        facilitator: text("facilitator_token"),
        join: text("join_token"),
        child,
    }
}

/// `GET <path>` with a bearer token: the status and the body.
fn get(url: &str, path: &str, token: &str) -> (u16, String) {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).expect("the room answers");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .expect("request sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn a_learner_who_joins_and_checks_appears_in_the_room_with_that_kata() {
    let f = Fixture::new("room-live");
    let dir = tempfile::tempdir().expect("temp dir");
    let room = serve(dir.path());

    let (status, _) = get(&room.url, "/api/room", "not-the-token");
    assert_eq!(status, 401, "the room is the facilitator's only");

    let joined = f.kata(&[
        "room", "join", &room.url, "--name", "ada", "--token", &room.join,
    ]);
    joined.expect(0, &[]);
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let checked = f.kata(&["check", "add"]);
    checked.expect(0, &[]);

    // The check's snapshot goes in the background: poll the room until it is there.
    let started = Instant::now();
    let ada = loop {
        let (status, body) = get(&room.url, "/api/room", &room.facilitator);
        assert_eq!(status, 200, "{body}");
        let doc: serde_json::Value = serde_json::from_str(&body).expect("the room is JSON");
        let ada = doc["learners"]
            .as_array()
            .and_then(|ls| ls.iter().find(|l| l["name"] == "ada").cloned());
        if let Some(ada) = ada.filter(|a| a["current_kata"] == "s1-demo/add") {
            break ada;
        }
        assert!(
            started.elapsed() < WITHIN,
            "after {WITHIN:?} the room still does not show ada on s1-demo/add: {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(ada["katas"]["s1-demo/add"]["status"], "green", "{ada}");
}
