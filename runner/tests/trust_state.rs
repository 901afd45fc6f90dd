//! A record that is never lost and never stale: progress under concurrency, edits during a
//! check.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{ADD_STUB, Fixture};

const ADD: &str = "katas/s1-demo/src/add.rs";

fn progress(fx: &Fixture) -> serde_json::Value {
    serde_json::from_str(&fx.read(".kata/progress.json")).unwrap()
}

fn wait_for(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_edit_saved_during_a_check_is_checked_again_not_recorded_as_green() {
    let fx = Fixture::new("trust-stale");
    // Correct, but the running test puts the pristine stub back: the learner's save
    // landing while the check runs.
    let stub = common::rust_string_body(ADD_STUB);
    fx.write(
        ADD,
        &format!(
            "//! Add two numbers.\n\n/// Adds `a` and `b`.\npub fn add(a: u32, b: u32) -> u32 {{\n    let root = std::env::var(\"INSTA_WORKSPACE_ROOT\").unwrap();\n    let _ = std::fs::write(format!(\"{{root}}/{ADD}\"), \"{stub}\");\n    a + b\n}}\n"
        ),
    );
    let r = fx.kata(&["check", "add"]);
    assert_eq!(fx.read(ADD), ADD_STUB);
    assert_eq!(r.code, 1, "the verdict is the stub's: {r:?}");
    assert!(r.stdout.contains("3 of 3 tests fail"), "{r:?}");
    let k = &progress(&fx)["katas"]["s1-demo/add"];
    assert_eq!(k["last_verdict"]["status"], "red", "{k}");
    assert!(k["green_at"].is_null(), "{k}");
    let list = fx.kata(&["list"]);
    assert!(list.stdout.contains("add     red (0/3 tests)"), "{list:?}");
}

#[test]
fn hints_taken_during_a_check_and_concurrent_checks_are_all_kept() {
    let fx = Fixture::new("trust-concurrent");
    let go = fx.root.join("go");
    let started = fx.root.join("started");
    fx.write(
        ADD,
        &format!(
            "//! Add.\n\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {{\n    let _ = std::fs::write({started:?}, \"\");\n    while !std::path::Path::new({go:?}).exists() {{\n        std::thread::sleep(std::time::Duration::from_millis(10));\n    }}\n    a + b\n}}\n"
        ),
    );
    let spawn = || {
        fx.command(&["--timeout", "120", "check", "add"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut first = spawn();
    wait_for(&started);
    let mut second = spawn();
    for _ in 0..2 {
        let h = fx.kata(&["hint", "add"]);
        h.expect(0, &[]);
    }
    std::fs::write(&go, "").unwrap();
    assert!(first.wait().unwrap().success());
    assert!(second.wait().unwrap().success());
    let k = &progress(&fx)["katas"]["s1-demo/add"];
    assert_eq!(k["hints_used"], 2, "{k}");
    assert_eq!(k["checks"], 2, "{k}");
    assert_eq!(k["last_verdict"]["status"], "green", "{k}");
    // Each is one event of the record, numbered in the order written, none lost.
    let log = fx.read(".kata/history.jsonl");
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let count = |kind: &str| events.iter().filter(|e| e["event"] == kind).count();
    assert_eq!((count("check"), count("hint")), (2, 2), "{log}");
    let numbers: Vec<u64> = events.iter().map(|e| e["n"].as_u64().unwrap()).collect();
    assert_eq!(
        numbers,
        (1..=events.len() as u64).collect::<Vec<_>>(),
        "{log}"
    );
    let report = fx.kata(&["report", "--json"]);
    assert!(!report.stderr.contains("record edited"), "{report:?}");
}

/// Issue 32, item 2: A→B→A during a check (the end content equals the start) is still a change:
/// the verdict is not recorded, and after the retries it is shown as "not current".
#[test]
fn the_same_bytes_saved_back_during_a_check_are_not_recorded_as_its_verdict() {
    let f = Fixture::new("state-aba");
    f.write(
        "katas/s1-demo/src/add.rs",
        "//! Add two numbers.\n\n/// Adds `a` and `b`, saving this file's own bytes back meanwhile (A→B→A).\npub fn add(a: u32, b: u32) -> u32 {\n    if (a, b) != (1, 2) {\n        return a + b;\n    }\n    let me = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/src/add.rs\");\n    let text = std::fs::read(me).unwrap();\n    std::fs::write(me, b\"pub fn add(a: u32, b: u32) -> u32 { a - b }\").unwrap();\n    std::thread::sleep(std::time::Duration::from_millis(20));\n    std::fs::write(me, &text).unwrap();\n    a + b\n}\n",
    );
    let r = f.kata(&["check", "add"]);
    assert_eq!(r.code, 1, "never green for A: {r:?}");
    assert!(r.stdout.contains("not current:"), "{r:?}");
    let progress = f.read(".kata/progress.json");
    assert!(
        !progress.contains("\"green\""),
        "no verdict recorded: {progress}"
    );
}

/// Issue 32, item 4: a stored verdict is keyed by the environment the tests get, so `list`
/// does not reuse a green when a variable the kata reads changed.
#[test]
fn list_checks_again_when_the_environment_of_the_tests_changed() {
    let f = Fixture::new("state-env");
    f.write(
        "katas/s1-demo/src/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    if std::env::var_os(\"KATA_FIXTURE_OFF_BY_ONE\").is_some() {\n        return a + b + 1;\n    }\n    a + b\n}\n",
    );
    let c = f.kata(&["check", "add"]);
    c.expect(0, &[]);
    let cached = f.kata(&["list"]);
    assert!(cached.stdout.contains("✓"), "{cached:?}");
    let l = f.kata_with_env(&["list", "--json"], &[("KATA_FIXTURE_OFF_BY_ONE", "1")]);
    let json: serde_json::Value = serde_json::from_str(&l.stdout).unwrap();
    let add = &json["suites"][0]["katas"][0];
    assert_eq!(add["id"], "add");
    assert_eq!(add["status"], "red", "not the stored green: {l:?}");
}
