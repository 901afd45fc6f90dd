//! Helpers for the room's tests: the `kata-room` binary as a child process on 127.0.0.1:0,
//! and a small HTTP client (real sockets, no mocks).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long to wait for the server's first line.
const START: Duration = Duration::from_secs(30);

/// A `kata-room serve` child process.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub facilitator_token: String,
    pub join_token: String,
    pub first_line: Value,
}

impl Server {
    /// Starts `kata-room serve --bind 127.0.0.1:0 --dir <dir>` (and `extra` arguments) and
    /// reads its first stdout line; the rest of stdout is drained by a thread.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        Self::start_in(dir, extra, None)
    }

    /// A server with no extra arguments in a fresh temp dir (kept alive by the first value).
    pub fn fresh() -> (tempfile::TempDir, Server) {
        let dir = tempfile::tempdir().unwrap();
        let server = Self::start(dir.path(), &[]);
        (dir, server)
    }

    /// The same, with the child's working directory set.
    pub fn start_in(dir: &Path, extra: &[&str], cwd: Option<&Path>) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kata-room"));
        cmd.args(["serve", "--bind", "127.0.0.1:0", "--dir"])
            .arg(dir)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(cwd) = cwd {
            cmd.current_dir(cwd);
        }
        let mut child = cmd.spawn().expect("spawning kata-room");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep reading so the server's log never fills the pipe.
            let mut sink = Vec::new();
            let _ = reader.read_to_end(&mut sink);
        });
        let line = rx
            .recv_timeout(START)
            .expect("kata-room printed no first line in time");
        let first_line: Value = serde_json::from_str(line.trim())
            .unwrap_or_else(|e| panic!("first line {line:?} is not JSON: {e}"));
        let s = |k: &str| first_line[k].as_str().unwrap().to_string();
        Server {
            url: s("url"),
            facilitator_token: s("facilitator_token"),
            join_token: s("join_token"),
            first_line,
            child,
        }
    }

    /// `kill -9`, and waits for the process to be gone.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Joins a learner: their token.
    pub fn join(&self, name: &str) -> String {
        let (status, body) = post(
            &self.url,
            "/api/join",
            None,
            &serde_json::json!({"name": name, "join_token": self.join_token}).to_string(),
        );
        assert_eq!(status, 200, "join {name}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        v["learner_token"].as_str().unwrap().to_string()
    }

    /// Posts a snapshot with `token`: the status.
    pub fn send(&self, token: &str, body: &str) -> u16 {
        post(&self.url, "/api/snapshot", Some(token), body).0
    }

    /// `/api/room` with the facilitator token.
    pub fn room(&self) -> Value {
        let (status, body) = get(
            &self.url,
            &format!("/api/room?token={}", self.facilitator_token),
        );
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// POST; (status, body). A connection error is status 0.
pub fn post(url: &str, path: &str, bearer: Option<&str>, body: &str) -> (u16, String) {
    post_with(&agent(), url, path, bearer, body)
}

/// POST with a given agent (keeps its connection).
pub fn post_with(
    agent: &ureq::Agent,
    url: &str,
    path: &str,
    bearer: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut request = agent
        .post(format!("{url}{path}"))
        .header("content-type", "application/json");
    if let Some(t) = bearer {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    match request.send(body) {
        Ok(mut r) => (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        ),
        Err(e) => (0, e.to_string()),
    }
}

/// GET; (status, body).
pub fn get(url: &str, path: &str) -> (u16, String) {
    match agent().get(format!("{url}{path}")).call() {
        Ok(mut r) => (
            r.status().as_u16(),
            r.body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .unwrap_or_default(),
        ),
        Err(e) => (0, e.to_string()),
    }
}

/// GET with a bearer token.
pub fn get_bearer(url: &str, path: &str, bearer: &str) -> (u16, String) {
    match agent()
        .get(format!("{url}{path}"))
        .header("authorization", format!("Bearer {bearer}"))
        .call()
    {
        Ok(mut r) => (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        ),
        Err(e) => (0, e.to_string()),
    }
}

/// One kata of a test snapshot: (id, status, checks, tests passed, tests total, failing test).
pub type Kata<'a> = (&'a str, &'a str, u32, u32, u32, Option<&'a str>);

/// A snapshot as `cargo kata report --json` writes it (schema 2).
pub fn snapshot(learner: &str, current: Option<&str>, katas: &[Kata<'_>]) -> String {
    let rows: Vec<Value> = katas
        .iter()
        .map(|&(id, status, checks, passed, total, failing)| {
            serde_json::json!({
                "id": id, "title": id, "concepts": [], "status": status,
                "tests_passed": passed, "tests_total": total, "checks": checks,
                "practice_checks": 0,
                "time_to_green_secs": if status == "green" { Some(120) } else { None },
                "hints_used": 1, "solution_peeked": false,
                "stuck": false, "similarity": null, "record": "full", "time_box_secs": null,
                "failing_test": failing,
            })
        })
        .collect();
    let green = katas.iter().filter(|k| k.1 == "green").count();
    serde_json::json!({
        "schema_version": 2, "learner": learner, "generated_at": 1_700_000_000u64, "plan": null,
        "history": {"rebuilt": false, "rebuilt_at": null, "set_aside": [], "no_record": false},
        "current_kata": current,
        "katas": rows, "concepts": [], "exams": [], "green": green, "total": katas.len(),
    })
    .to_string()
}

/// Polls `f` until it returns `Some` or `deadline` passes.
pub fn poll<T>(deadline: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + deadline;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The repository root (for its plans and katas.toml).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
