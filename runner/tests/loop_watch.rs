//! Watch mode without a terminal keeps watching until it is interrupted, and its commands
//! come from stdin lines.

mod common;

use std::io::Write;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{Fixture, wait_for_line};

fn spawn_watch(f: &Fixture, args: &[&str], stdin: Stdio) -> (Child, mpsc::Receiver<String>) {
    let args: Vec<&str> = std::iter::once("watch")
        .chain(args.iter().copied())
        .collect();
    f.spawn_kata(&args, stdin)
}

#[test]
fn no_keys_keeps_watching_after_stdin_ends_and_says_so() {
    let f = Fixture::new("watch-no-keys");
    let (mut child, rx) = spawn_watch(&f, &["--no-keys", "add"], Stdio::null());
    let first = wait_for_line(&rx, "run `cargo kata hint add`");
    assert!(
        first.contains("watching katas/ for saves until interrupted (Ctrl-C)"),
        "{first}"
    );
    // stdin ended long ago; a save is still checked.
    f.write("katas/s1-demo/src/add.rs", common::ADD_SOLUTION);
    wait_for_line(&rx, "add is green");
    // SAFETY: kill has no memory effects; the child is ours and not yet reaped.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "a signal ends watch mode");
}

#[test]
fn lines_on_stdin_are_commands_and_the_hint_says_press_h_again() {
    let f = Fixture::new("watch-lines");
    let (mut child, rx) = spawn_watch(&f, &["add"], Stdio::piped());
    let first = wait_for_line(&rx, "run `cargo kata hint add`");
    assert!(
        first.contains("h hint, n next kata, l list, q quit"),
        "{first}"
    );
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "h").unwrap();
    let hint = wait_for_line(&rx, "for the next one");
    assert!(hint.contains("press h again for the next one"), "{hint}");
    writeln!(stdin, "q").unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "q stops watch mode");
}

/// The progress file's entry for `key`.
fn progress_of(f: &Fixture, key: &str) -> serde_json::Value {
    let text = f.read(".kata/progress.json");
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    all["katas"][key].clone()
}

#[test]
fn saving_another_katas_file_counts_no_check_of_the_current_one() {
    let f = Fixture::new("watch-honest-record");
    f.write(
        "katas/s1-demo/src/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    a * b\n}\n",
    );
    let (mut child, rx) = spawn_watch(&f, &["--no-keys", "add"], Stdio::null());
    wait_for_line(&rx, "run `cargo kata hint add`");
    // A save of another kata's file: add is checked again, but that is not the learner's check.
    f.write(
        "katas/s1-demo/src/double.rs",
        "pub fn double(x: u64) -> u64 {\n    x + x + 1\n}\n",
    );
    wait_for_line(&rx, "run `cargo kata hint add`");
    // SAFETY: kill has no memory effects; the child is ours and not yet reaped.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    child.wait().unwrap();
    let add = progress_of(&f, "s1-demo/add");
    assert_eq!(add["checks"], 1, "{add}");
    let double = progress_of(&f, "s1-demo/double");
    assert!(
        double["checks"].as_u64().is_some_and(|n| n >= 1),
        "double's own save is double's check (issue 32, item 5): {double}"
    );
}

/// Issue 32, item 5: a solved kata whose file is saved broken is re-checked and shown red at
/// once, with its failing tests, whichever kata is current.
#[test]
fn a_solved_kata_saved_broken_turns_red_at_once_whatever_kata_is_current() {
    let f = Fixture::new("watch-broken-again");
    f.write("katas/s1-demo/src/add.rs", common::ADD_SOLUTION);
    assert_eq!(f.kata(&["check", "add"]).code, 0);
    let (mut child, rx) = spawn_watch(&f, &["--no-keys"], Stdio::null());
    wait_for_line(&rx, "run `cargo kata hint double`");
    // The check set the mtimes of the inputs cargo had not seen (fresh): no save to watch.
    let mut quiet = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(1500)) {
        quiet.push(line);
    }
    assert!(
        quiet.iter().all(|l| l.trim().is_empty()),
        "nothing was saved yet: {quiet:?}"
    );
    f.write(
        "katas/s1-demo/src/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    a * b\n}\n",
    );
    wait_for_line(&rx, "also saved: s1-demo/add");
    let shown = wait_for_line(&rx, "s1-demo/add is not green");
    assert!(shown.contains("adds_zero"), "its failing tests: {shown}");
    // SAFETY: kill has no memory effects; the child is ours and not yet reaped.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    child.wait().unwrap();
}

/// Issue 32, item 5: `watch <kata>` stays on a green kata (a refactor under watch) until `n`.
#[test]
fn watching_a_named_green_kata_stays_on_it_until_n() {
    let f = Fixture::new("watch-pinned");
    f.write("katas/s1-demo/src/add.rs", common::ADD_SOLUTION);
    let (mut child, rx) = spawn_watch(&f, &["add"], Stdio::piped());
    let first = wait_for_line(&rx, "add is green. Watching it until you press n.");
    assert!(!first.contains("→ next kata"), "{first}");
    f.write(
        "katas/s1-demo/src/add.rs",
        &common::ADD_SOLUTION.replace("a + b", "b + a"),
    );
    let again = wait_for_line(&rx, "add is green. Watching it until you press n.");
    assert!(!again.contains("→ next kata"), "{again}");
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "n").unwrap();
    wait_for_line(&rx, "skipped to s1-demo/double");
    writeln!(stdin, "q").unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
