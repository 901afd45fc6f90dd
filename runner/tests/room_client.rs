//! `cargo kata room`: the learner's side of the live room, against a fake room (a
//! `TcpListener` on 127.0.0.1 that records every request and answers as ROOM-API says).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{Fixture, Run};

/// The learner token the fake room issues.
const LEARNER_TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// The join token it accepts.
const JOIN_TOKEN: &str = "feedfacefeedfacefeedfacefeedface";

/// One request the fake room received.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    authorization: Option<String>,
    body: String,
}

impl Request {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }

    fn is_snapshot(&self) -> bool {
        self.method == "POST" && self.path == "/api/snapshot"
    }
}

/// How the fake room answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// As a healthy room does.
    Normal,
    /// Every snapshot gets 401: the facilitator revoked the learner.
    Revoked,
}

/// A fake room on 127.0.0.1.
struct FakeRoom {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    mode: Arc<Mutex<Mode>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeRoom {
    fn start() -> Self {
        Self::on(0)
    }

    /// A fake room on `port` (0: any free port).
    fn on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let mode = Arc::new(Mutex::new(Mode::Normal));
        let stop = Arc::new(AtomicBool::new(false));
        let seq = Arc::new(AtomicU64::new(0));
        let thread = {
            let (requests, mode, stop) = (requests.clone(), mode.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let mode = *mode.lock().unwrap();
                    serve_one(stream, &requests, mode, &seq);
                }
            })
        };
        Self {
            port,
            requests,
            mode,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    fn snapshots(&self) -> Vec<serde_json::Value> {
        self.requests()
            .iter()
            .filter(|r| r.is_snapshot())
            .map(Request::json)
            .collect()
    }

    /// Stops listening: the port refuses connections until a new room binds it.
    fn stop(mut self) -> u16 {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        self.thread.take().unwrap().join().unwrap();
        self.port
    }
}

/// Reads one request, records it, answers it.
fn serve_one(mut stream: TcpStream, log: &Mutex<Vec<Request>>, mode: Mode, seq: &AtomicU64) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let mut length = 0;
    let mut authorization = None;
    for line in lines {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().unwrap_or(0);
        } else if name.eq_ignore_ascii_case("authorization") {
            authorization = Some(value.trim().to_string());
        }
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let request = Request {
        method,
        path,
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let (status, answer) = answer(&request, mode, seq);
    log.lock().unwrap().push(request);
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        _ => "Not Found",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    );
}

/// What ROOM-API.md says the room answers.
fn answer(r: &Request, mode: Mode, seq: &AtomicU64) -> (u16, String) {
    let body = r.json();
    match (r.method.as_str(), r.path.as_str()) {
        ("POST", "/api/join") => {
            let name = body["name"].as_str().unwrap_or_default();
            if body["join_token"] != JOIN_TOKEN {
                (401, r#"{"error":"wrong join token"}"#.into())
            } else if name == "refused" {
                (400, r#"{"error":"that name is not accepted"}"#.into())
            } else {
                let answer = serde_json::json!({"learner_token": LEARNER_TOKEN, "name": name});
                (200, answer.to_string())
            }
        }
        ("POST", "/api/snapshot") => {
            let bearer = format!("Bearer {LEARNER_TOKEN}");
            if mode == Mode::Revoked || r.authorization.as_deref() != Some(bearer.as_str()) {
                (401, r#"{"error":"unknown or revoked token"}"#.into())
            } else if body["schema_version"] != 2 || !body["katas"].is_array() {
                (400, r#"{"error":"not a snapshot"}"#.into())
            } else {
                let n = seq.fetch_add(1, Ordering::SeqCst) + 1;
                (200, format!(r#"{{"ok":true,"seq":{n}}}"#))
            }
        }
        ("GET", "/api/health") => (200, r#"{"ok":true}"#.into()),
        _ => (404, r#"{"error":"no such page"}"#.into()),
    }
}

/// A report document with `marker` as its `generated_at`, to tell snapshots apart.
fn snapshot(marker: u64) -> serde_json::Value {
    serde_json::json!({
        "schema_version": 2, "learner": "ada", "generated_at": marker, "plan": null,
        "history": {"rebuilt": false, "rebuilt_at": null, "set_aside": []},
        "katas": [], "concepts": [], "green": 0, "total": 0
    })
}

fn outbox(f: &Fixture) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(f.root.join(".kata/room-outbox")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Polls `done` every 20 ms until it holds; fails with `what` after a minute.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn join(f: &Fixture, room: &FakeRoom) {
    join_as(f, room, "ada", JOIN_TOKEN).expect(0, &[]);
}

/// `kata room join <room> --name <name> --token <token>` in the fixture.
fn join_as(f: &Fixture, room: &FakeRoom, name: &str, token: &str) -> Run {
    f.kata(&[
        "room",
        "join",
        &room.url(),
        "--name",
        name,
        "--token",
        token,
    ])
}

fn room_file(root: &Path) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(root.join(".kata/room.toml")).unwrap()).unwrap()
}

#[test]
fn joining_stores_the_room_privately_and_sends_a_first_snapshot() {
    let f = Fixture::new("room-join");
    let room = FakeRoom::start();
    let r = join_as(&f, &room, "ada", JOIN_TOKEN);
    r.expect(0, &["first snapshot sent (seq 1)"]);

    let stored = room_file(&f.root);
    assert_eq!(stored["url"].as_str(), Some(room.url().as_str()));
    assert_eq!(stored["name"].as_str(), Some("ada"));
    assert_eq!(stored["token"].as_str(), Some(LEARNER_TOKEN));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(f.root.join(".kata/room.toml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o600,
        "the token is readable by its owner only"
    );

    let requests = room.requests();
    assert_eq!(requests[0].path, "/api/join");
    assert_eq!(requests[0].json()["name"], "ada");
    assert_eq!(requests[0].json()["join_token"], JOIN_TOKEN);
    let sent = &requests[1];
    assert!(sent.is_snapshot(), "{requests:?}");
    assert_eq!(
        sent.authorization.as_deref(),
        Some(format!("Bearer {LEARNER_TOKEN}").as_str())
    );
    let doc = sent.json();
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(
        doc["katas"].as_array().unwrap().len(),
        2,
        "the fixture's katas"
    );
    assert!(
        !sent.body.contains("todo!("),
        "never source code: only the report document"
    );
    assert!(outbox(&f).is_empty(), "nothing left queued");
}

#[test]
fn a_wrong_join_token_is_refused_with_a_clear_error_and_nothing_is_stored() {
    let f = Fixture::new("room-join-401");
    let room = FakeRoom::start();
    let r = join_as(&f, &room, "ada", "wrong");
    r.expect_stderr(2, &["refused the join token (401)"]);
    assert!(!f.root.join(".kata/room.toml").exists());
}

#[test]
fn a_request_the_room_refuses_is_reported_with_its_reason() {
    let f = Fixture::new("room-join-400");
    let room = FakeRoom::start();
    let r = join_as(&f, &room, "refused", JOIN_TOKEN);
    r.expect_stderr(2, &["(400): that name is not accepted"]);
    assert!(!f.root.join(".kata/room.toml").exists());
}

#[test]
fn an_unreachable_room_is_a_clear_error() {
    let f = Fixture::new("room-join-down");
    let port = FakeRoom::start().stop();
    let url = format!("http://127.0.0.1:{port}");
    let r = f.kata(&["room", "join", &url, "--name", "ada", "--token", JOIN_TOKEN]);
    r.expect_stderr(
        2,
        &[
            "cannot reach the room at",
            "is the facilitator's server running",
        ],
    );
    assert!(!f.root.join(".kata/room.toml").exists());
}

#[test]
fn a_snapshot_queued_while_the_room_is_down_is_sent_by_a_later_flush() {
    let f = Fixture::new("room-down-then-up");
    let room = FakeRoom::start();
    join(&f, &room);
    let port = room.stop();

    // In a test binary notify only queues (it starts no sender but the runner's own).
    kata_runner::room::notify(&f.root, &snapshot(4242)).unwrap();
    assert_eq!(outbox(&f).len(), 1, "queued before anything is sent");
    let r = f.kata(&["room", "flush"]);
    r.expect(1, &[]);
    assert_eq!(outbox(&f).len(), 1, "kept while the room is down");
    let status = f.kata(&["room", "status"]);
    status.expect(1, &["queued: 1 snapshot", "cannot reach the room"]);

    let room = FakeRoom::on(port);
    let r = f.kata(&["room", "flush"]);
    r.expect(0, &[]);
    let sent = room.snapshots();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["generated_at"], 4242);
    assert!(outbox(&f).is_empty());
    let status = f.kata(&["room", "status"]);
    status.expect(0, &["snapshots are getting through"]);
}

#[test]
fn notify_starts_a_background_sender_that_delivers_the_snapshot() {
    let f = Fixture::new("room-background");
    let room = FakeRoom::start();
    join(&f, &room);
    let sender = Path::new(env!("CARGO_BIN_EXE_kata"));
    kata_runner::room::notify_using(&f.root, &snapshot(777), Some(sender)).unwrap();
    wait_until("the background sender's post", || {
        room.snapshots().iter().any(|s| s["generated_at"] == 777)
    });
    wait_until("the outbox to empty", || outbox(&f).is_empty());
}

#[test]
fn of_several_queued_snapshots_only_the_newest_is_sent() {
    let f = Fixture::new("room-newest");
    let room = FakeRoom::start();
    join(&f, &room);
    for marker in [1, 2, 3] {
        kata_runner::room::notify(&f.root, &snapshot(marker)).unwrap();
    }
    assert_eq!(outbox(&f).len(), 3);
    let r = f.kata(&["room", "flush"]);
    r.expect(0, &[]);
    let markers: Vec<_> = room.snapshots()[1..]
        .iter()
        .map(|s| s["generated_at"].clone())
        .collect();
    assert_eq!(
        markers,
        vec![serde_json::json!(3)],
        "the first one was join's"
    );
    assert!(outbox(&f).is_empty(), "the older ones are superseded");
}

#[test]
fn a_revoked_token_is_reported_by_status_and_the_snapshot_kept() {
    let f = Fixture::new("room-revoked");
    let room = FakeRoom::start();
    join(&f, &room);
    room.set_mode(Mode::Revoked);
    kata_runner::room::notify(&f.root, &snapshot(9)).unwrap();
    let status = f.kata(&["room", "status"]);
    status.expect(1, &["revoked or unknown token"]);
    assert_eq!(outbox(&f).len(), 1, "kept: nothing is lost");
}

#[test]
fn status_says_snapshots_get_through_when_they_do() {
    let f = Fixture::new("room-status-ok");
    let room = FakeRoom::start();
    join(&f, &room);
    let status = f.kata(&["room", "status"]);
    status.expect(0, &[]);
    assert!(
        status
            .stdout
            .contains(&format!("room: {} as ada", room.url())),
        "{status:?}"
    );
    assert!(status.stdout.contains("queued: 0 snapshots"), "{status:?}");
    assert!(status.stdout.contains("last sent: "), "{status:?}");
    assert!(status.stdout.contains("seq 1"), "{status:?}");
    assert!(status.stdout.contains("last error: none"), "{status:?}");
    assert!(status.stdout.contains("server: answers now"), "{status:?}");
}

#[test]
fn leaving_forgets_the_room_and_its_unsent_snapshots() {
    let f = Fixture::new("room-leave");
    let room = FakeRoom::start();
    join(&f, &room);
    room.set_mode(Mode::Revoked);
    kata_runner::room::notify(&f.root, &snapshot(5)).unwrap();
    let r = f.kata(&["room", "leave"]);
    r.expect(0, &["left the room", "1 unsent snapshot discarded"]);
    assert!(!f.root.join(".kata/room.toml").exists());
    assert!(!kata_runner::room::joined(&f.root));

    let status = f.kata(&["room", "status"]);
    status.expect(1, &["not in a room"]);
    kata_runner::room::notify(&f.root, &snapshot(6)).unwrap();
    assert!(
        outbox(&f).is_empty(),
        "after leaving, notify queues nothing"
    );
}

#[test]
fn without_a_room_notify_does_nothing() {
    let f = Fixture::new("room-none");
    assert!(!kata_runner::room::joined(&f.root));
    kata_runner::room::notify(&f.root, &snapshot(1)).unwrap();
    assert!(!f.root.join(".kata/room-outbox").exists());
}
