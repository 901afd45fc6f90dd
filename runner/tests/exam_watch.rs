//! Watch mode under an exam and a plan: the time left and the time box under each verdict,
//! and the h key refused during the exam.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{Fixture, wait_for_line};

#[test]
fn watch_shows_the_exam_clock_and_the_time_box_and_refuses_hints() {
    let f = Fixture::new("exam-watch");
    f.write(
        "workshop.toml",
        "title = \"T\"\n[[step]]\nkata = \"s1-demo/add\"\nminutes = 5\n[[step]]\nkata = \"s1-demo/double\"\n",
    );
    let start = f.kata(&["--plan", "workshop.toml", "exam", "--minutes", "15"]);
    start.expect(0, &[]);
    let (mut child, rx) =
        f.spawn_kata(&["--plan", "workshop.toml", "watch", "add"], Stdio::piped());
    let first = wait_for_line(&rx, "time box: 5 min");
    assert!(first.contains("exam: 1"), "the exam's time left: {first}");
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "h").unwrap();
    wait_for_line(&rx, "no hints during an exam");
    writeln!(stdin, "q").unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn watch_says_a_check_after_the_exam_deadline_is_after_the_exam() {
    let f = Fixture::new("exam-watch-late");
    let start = f.kata(&["exam", "--count", "2", "--minutes", "15"]);
    start.expect(0, &[]);
    let mut exam: serde_json::Value = serde_json::from_str(&f.read(".kata/exam.json")).unwrap();
    exam["started_at"] = (exam["started_at"].as_u64().unwrap() - 20 * 60).into();
    f.write(".kata/exam.json", &exam.to_string());
    let (mut child, rx) = f.spawn_kata(&["watch", "add"], Stdio::piped());
    let seen = wait_for_line(&rx, "is after the exam");
    assert!(seen.contains("exam: ended at "), "{seen}");
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "q").unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
