//! The room's HTTP API against the real binary on 127.0.0.1:0: joining, snapshots, the room
//! document, tokens, limits, the dashboard and the event stream.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Server, get, get_bearer, post, snapshot};

const GEN: &str = "d16-iterators/generator_shortcut";

fn stuck_snapshot(name: &str) -> String {
    snapshot(
        name,
        Some(GEN),
        &[
            ("d16-iterators/iterator_struct", "green", 3, 4, 4, None),
            (GEN, "red", 9, 1, 5, Some("suite::generator::yields_lazily")),
        ],
    )
}

#[test]
fn serve_prints_one_json_line_first_with_the_url_and_both_tokens() {
    let (_dir, server) = Server::fresh();
    assert_eq!(server.first_line["schema_version"], 1);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert!(!server.url.ends_with(":0"), "the url shows the real port");
    for t in [&server.facilitator_token, &server.join_token] {
        assert_eq!(t.len(), 32);
        assert!(t.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_ne!(server.facilitator_token, server.join_token);
    assert_eq!(
        get(&server.url, "/api/health"),
        (200, "{\"ok\":true}".into())
    );
}

#[test]
fn a_joined_learners_snapshot_shows_in_the_room_with_its_current_kata() {
    let (_dir, server) = Server::fresh();
    let token = server.join("ada");
    let (status, body) = post(
        &server.url,
        "/api/snapshot",
        Some(&token),
        &stuck_snapshot("ada"),
    );
    assert_eq!(status, 200, "{body}");
    let ack: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ack["ok"], true);
    assert!(ack["seq"].as_i64().unwrap() >= 1);

    let room = server.room();
    assert_eq!(room["schema_version"], 1);
    let ada = &room["learners"][0];
    assert_eq!(ada["name"], "ada");
    assert_eq!(ada["current_kata"], GEN);
    assert_eq!(ada["green"], 1);
    assert_eq!(ada["katas"][GEN]["status"], "red");
    assert_eq!(ada["katas"][GEN]["hints_used"], 1);
    assert_eq!(
        ada["katas"][GEN]["failing_test"],
        "suite::generator::yields_lazily"
    );
    assert_eq!(room["stuck"][0]["name"], "ada");
    assert_eq!(room["stuck"][0]["kata"], GEN);
    assert_eq!(room["katas"][0]["green"], 1);
}

#[test]
fn the_room_without_the_facilitator_token_is_401() {
    let (_dir, server) = Server::fresh();
    assert_eq!(get(&server.url, "/api/room").0, 401);
    assert_eq!(
        get(
            &server.url,
            "/api/room?token=0123456789abcdef0123456789abcdef"
        )
        .0,
        401
    );
    assert_eq!(
        get_bearer(&server.url, "/api/room", &server.join_token).0,
        401
    );
    assert_eq!(get(&server.url, "/api/events").0, 401);
    assert_eq!(get(&server.url, "/api/export/cohort.json").0, 401);
    assert_eq!(
        get_bearer(&server.url, "/api/room", &server.facilitator_token).0,
        200
    );
}

#[test]
fn a_wrong_join_token_is_401_and_a_bad_name_400() {
    let (_dir, server) = Server::fresh();
    let join = |name: &str, token: &str| {
        post(
            &server.url,
            "/api/join",
            None,
            &serde_json::json!({"name": name, "join_token": token}).to_string(),
        )
        .0
    };
    assert_eq!(join("ada", &server.facilitator_token), 401);
    assert_eq!(join("", &server.join_token), 400);
    assert_eq!(join(&"x".repeat(65), &server.join_token), 400);
    assert_eq!(post(&server.url, "/api/join", None, "{").0, 400);
    assert_eq!(join(&"x".repeat(64), &server.join_token), 200);
}

#[test]
fn joining_again_keeps_one_row_and_both_tokens_work() {
    let (_dir, server) = Server::fresh();
    let first = server.join("ada");
    let second = server.join("ada");
    assert_ne!(first, second);
    for t in [&first, &second] {
        assert_eq!(server.send(t, &stuck_snapshot("ada")), 200);
    }
    assert_eq!(server.room()["learners"].as_array().unwrap().len(), 1);
}

#[test]
fn a_malformed_snapshot_is_400_and_the_server_keeps_serving() {
    let (_dir, server) = Server::fresh();
    let token = server.join("ada");
    for body in [
        "not json",
        "[]",
        "{\"schema_version\": 1, \"katas\": []}",
        "{\"schema_version\": 2}",
        "{\"schema_version\": 2, \"katas\": [{\"id\": \"<b>\"}]}",
        &"[".repeat(100_000),
    ] {
        let (status, text) = post(&server.url, "/api/snapshot", Some(&token), body);
        assert_eq!(status, 400, "{body:.40}: {text}");
        assert!(text.contains("\"error\""), "{text}");
    }
    assert_eq!(get(&server.url, "/api/health").0, 200);
    assert_eq!(server.send(&token, &stuck_snapshot("ada")), 200);
}

#[test]
fn a_snapshot_over_one_mebibyte_is_413() {
    let (_dir, server) = Server::fresh();
    let token = server.join("ada");
    let padding = "x".repeat(1 << 20);
    let body = format!("{{\"schema_version\": 2, \"katas\": [], \"pad\": \"{padding}\"}}");
    let (status, _) = post(&server.url, "/api/snapshot", Some(&token), &body);
    assert_eq!(status, 413);
    assert_eq!(server.send(&token, &stuck_snapshot("ada")), 200);
}

#[test]
fn a_token_writes_only_its_own_learners_row() {
    let (_dir, server) = Server::fresh();
    let ada = server.join("ada");
    let bo = server.join("bo");
    assert_eq!(server.send(&ada, &stuck_snapshot("ada")), 200);
    // Bo's token with a body that says it is Ada's.
    let forged = snapshot("ada", None, &[(GEN, "green", 1, 5, 5, None)]);
    assert_eq!(server.send(&bo, &forged), 200);
    let room = server.room();
    let by = |name: &str| {
        room["learners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by("ada")["katas"][GEN]["status"],
        "red",
        "Ada's row is untouched"
    );
    assert_eq!(
        by("bo")["katas"][GEN]["status"],
        "green",
        "the body landed in Bo's row"
    );
    assert_eq!(server.send("f00", &forged), 401);
    assert_eq!(post(&server.url, "/api/snapshot", None, &forged).0, 401);
}

#[test]
fn a_revoked_learners_tokens_are_401_and_the_row_is_marked_revoked() {
    let (_dir, server) = Server::fresh();
    let token = server.join("ada");
    let other = server.join("ada");
    assert_eq!(server.send(&token, &stuck_snapshot("ada")), 200);
    let revoke = |bearer: &str| {
        post(
            &server.url,
            "/api/revoke",
            Some(bearer),
            "{\"name\": \"ada\"}",
        )
        .0
    };
    assert_eq!(revoke(&token), 401, "a learner cannot revoke");
    assert_eq!(revoke(&server.facilitator_token), 200);
    for t in [&token, &other] {
        assert_eq!(server.send(t, &stuck_snapshot("ada")), 401);
    }
    assert_eq!(server.room()["learners"][0]["revoked"], true);
    let rejoin = post(
        &server.url,
        "/api/join",
        None,
        &serde_json::json!({"name": "ada", "join_token": server.join_token}).to_string(),
    );
    assert_eq!(
        rejoin.0, 403,
        "a revoked name cannot join again: {}",
        rejoin.1
    );
}

#[test]
fn posting_faster_than_the_rate_limit_is_429() {
    let (_dir, server) = Server::fresh();
    let token = server.join("ada");
    let body = stuck_snapshot("ada");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let statuses: Vec<u16> = (0..60)
        .map(|_| common::post_with(&agent, &server.url, "/api/snapshot", Some(&token), &body).0)
        .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    // Another learner has a bucket of their own.
    let other = server.join("bo");
    assert_eq!(server.send(&other, &body), 200);
}

#[test]
fn a_hostile_name_is_escaped_in_the_server_rendered_dashboard() {
    let (_dir, server) = Server::fresh();
    let hostile = "<script>alert(1)</script>";
    let token = server.join(hostile);
    assert_eq!(server.send(&token, &stuck_snapshot(hostile)), 200);
    let (status, page) = get(
        &server.url,
        &format!("/?token={}", server.facilitator_token),
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        !page.contains("<script>alert"),
        "injected markup in the page"
    );
    assert!(
        page.contains("suite::generator::yields_lazily"),
        "the stuck list names the failing test"
    );
    assert!(
        !page.contains(&server.facilitator_token),
        "no token in the page"
    );
    // Without a token the page is the shell, with no learner in it.
    let (status, shell) = get(&server.url, "/");
    assert_eq!(status, 200);
    assert!(!shell.contains("alert(1)"));
}

#[test]
fn the_cohort_exports_hold_every_learners_latest_snapshot() {
    let (_dir, server) = Server::fresh();
    let token = server.join("ada");
    assert_eq!(server.send(&token, &stuck_snapshot("ignored")), 200);
    let q = format!("?token={}", server.facilitator_token);
    let (status, json) = get(&server.url, &format!("/api/export/cohort.json{q}"));
    assert_eq!(status, 200, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["learners"][0]["name"], "ada");
    assert_eq!(v["learners"][0]["snapshot"]["learner"], "ada");
    assert_eq!(v["katas"][1], GEN);
    let (status, html) = get(&server.url, &format!("/api/export/cohort.html{q}"));
    assert_eq!(status, 200);
    assert!(
        html.contains("Kata cohort") && html.contains("ada"),
        "{html}"
    );
}

/// Reads from an event stream until `count` room events arrived (or 20 s passed).
fn read_events(stream: &mut TcpStream, seen: &mut String, count: usize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 16 * 1024];
    while seen.matches("event: room").count() < count {
        if Instant::now() >= deadline {
            return false;
        }
        match stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return false,
        }
    }
    true
}

#[test]
fn the_event_stream_sends_a_room_event_after_a_snapshot() {
    let (_dir, server) = Server::fresh();
    let token = server.join("ada");
    let host = server.url.trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    write!(
        stream,
        "GET /api/events?token={} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n",
        server.facilitator_token
    )
    .unwrap();
    let mut seen = String::new();
    assert!(
        read_events(&mut stream, &mut seen, 1),
        "no event on connect: {seen}"
    );
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    assert!(seen.contains("text/event-stream"), "{seen}");
    assert!(!seen.contains("yields_lazily"));
    assert_eq!(server.send(&token, &stuck_snapshot("ada")), 200);
    assert!(
        read_events(&mut stream, &mut seen, 2),
        "no event after the snapshot: {seen}"
    );
    let last = seen.rsplit("event: room").next().unwrap();
    assert!(
        last.contains("yields_lazily"),
        "the new event has the snapshot: {last}"
    );
}

#[test]
fn with_a_plan_the_room_has_the_plans_katas_and_time_boxes() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::repo_root();
    let server = Server::start_in(
        dir.path(),
        &["--plan", "plans/iterators-and-resource-guards.toml"],
        Some(&root),
    );
    let token = server.join("ada");
    assert_eq!(server.send(&token, &stuck_snapshot("ada")), 200);
    let room = server.room();
    let plan = &room["plan"];
    assert!(
        plan["title"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("iterators"),
        "{plan}"
    );
    let planned: Vec<&str> = plan["katas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    let katas: Vec<&str> = room["katas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    assert_eq!(katas, planned);
    assert!(plan["katas"][0]["time_box_secs"].as_u64().is_some());
}

#[test]
fn a_second_server_on_the_same_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _server = Server::start(dir.path(), &[]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kata-room"))
        .args(["serve", "--bind", "127.0.0.1:0", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another `kata-room serve` uses"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
