//! Watch mode under an exam and a plan: the time left and the time box under each verdict,
//! and the h key refused during the exam.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::Fixture;

/// Deadlock guard for each wait on the runner's output.
const GUARD: Duration = Duration::from_secs(120);

/// Reads lines until one contains `what`; returns everything read.
fn wait_for(rx: &mpsc::Receiver<String>, what: &str) -> String {
    let mut seen = String::new();
    loop {
        match rx.recv_timeout(GUARD) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(what) {
                    return seen;
                }
            }
            Err(e) => panic!("no line with {what:?} ({e}); got:\n{seen}"),
        }
    }
}

#[test]
fn watch_shows_the_exam_clock_and_the_time_box_and_refuses_hints() {
    let f = Fixture::new("exam-watch");
    f.write(
        "workshop.toml",
        "title = \"T\"\n[[step]]\nkata = \"s1-demo/add\"\nminutes = 5\n[[step]]\nkata = \"s1-demo/double\"\n",
    );
    let start = f.kata(&["--plan", "workshop.toml", "exam", "--minutes", "15"]);
    assert_eq!(start.code, 0, "{start:?}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kata"))
        .current_dir(&f.root)
        .args(["--plan", "workshop.toml", "watch", "add"])
        .env("KATA_ROOT", &f.root)
        .env_remove("CARGO_TARGET_DIR")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let first = wait_for(&rx, "time box: 5 min");
    assert!(first.contains("exam: 1"), "the exam's time left: {first}");
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "h").unwrap();
    wait_for(&rx, "no hints during an exam");
    writeln!(stdin, "q").unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
