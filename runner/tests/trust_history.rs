//! The record of work (`.kata/history.jsonl`): the progress file is only its cache, an
//! edited or cut record is reported at the event where it stops being trustworthy, and the
//! clock runs from the first edit.

mod common;

use std::time::{Duration, SystemTime};

use common::{ADD_SOLUTION, Fixture, kata_entry};
use serde_json::Value;

const LOG: &str = ".kata/history.jsonl";

fn report(f: &Fixture) -> (Value, String) {
    let run = f.kata(&["report", "--json"]);
    run.expect(0, &[]);
    let json = serde_json::from_str(&run.stdout).expect("report --json is JSON");
    (json, run.stderr)
}

fn events(f: &Fixture) -> Vec<Value> {
    f.read(LOG)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

fn ok(f: &Fixture, args: &[&str]) {
    let r = f.kata(args);
    assert_eq!(r.code, 0, "{args:?}: {r:?}");
}

fn peek_and_hint(f: &Fixture) {
    ok(f, &["solution", "add", "--peek"]);
    ok(f, &["hint", "add"]);
}

#[test]
fn truncating_the_progress_file_keeps_the_hints_and_the_peek() {
    let f = Fixture::new("history-truncated-progress");
    peek_and_hint(&f);
    let text = f.read(".kata/progress.json");
    f.write(".kata/progress.json", &text[..text.len().min(700) / 2]);
    let overview = f.kata(&[]);
    overview.expect_stderr(0, &["nothing is lost"]);
    let (r, _) = report(&f);
    let add = kata_entry(&r, "s1-demo/add");
    assert_eq!(add["hints_used"], 1, "{add}");
    assert_eq!(add["solution_peeked"], true, "{add}");
    assert_eq!(add["record"], "full", "{add}");
    assert_eq!(r["history"]["rebuilt"], false, "{r}");
    let page = f.kata(&["report"]);
    assert!(!page.stdout.contains("History rebuilt"), "{page:?}");
}

#[test]
fn a_peek_unset_by_hand_in_the_progress_file_is_still_reported() {
    let f = Fixture::new("history-unpeek");
    ok(&f, &["solution", "add", "--peek"]);
    let text = f.read(".kata/progress.json");
    assert!(text.contains("\"peeked\": true"), "{text}");
    f.write(
        ".kata/progress.json",
        &text.replace("\"peeked\": true", "\"peeked\": false"),
    );
    let (r, _) = report(&f);
    assert_eq!(
        kata_entry(&r, "s1-demo/add")["solution_peeked"],
        true,
        "{r}"
    );
    assert!(f.read(".kata/progress.json").contains("\"peeked\": true"));
}

#[test]
fn a_changed_line_of_the_record_is_reported_at_its_event_and_the_work_before_it_counts() {
    let f = Fixture::new("history-changed-line");
    peek_and_hint(&f);
    ok(&f, &["hint", "double"]);
    let kinds: Vec<Value> = events(&f).iter().map(|e| e["event"].clone()).collect();
    assert_eq!(kinds, ["solution", "hint", "hint"], "{}", f.read(LOG));
    // The learner turns their hint into a practice one (after green: not counted).
    let text = f.read(LOG);
    let lines: Vec<&str> = text.lines().collect();
    let changed = lines[1].replace("\"practice\":false", "\"practice\":true");
    assert_ne!(changed, lines[1]);
    f.write(LOG, &format!("{}\n{changed}\n{}\n", lines[0], lines[2]));

    let (r, stderr) = report(&f);
    assert!(stderr.contains("record edited at event 2"), "{stderr}");
    let edits = r["history"]["record_edited"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{r}");
    assert_eq!(edits[0]["at_event"], 2);
    assert_eq!(
        edits[0]["katas"],
        serde_json::json!(["s1-demo/add", "s1-demo/double"])
    );
    let add = kata_entry(&r, "s1-demo/add");
    assert_eq!(add["solution_peeked"], true, "kept, before the edit: {add}");
    assert_eq!(add["hints_used"], 0, "not counted, edited: {add}");
    assert_eq!(add["record"], "since_rebuild", "{add}");
    assert_eq!(kata_entry(&r, "s1-demo/double")["hints_used"], 0);

    let moved = edits[0]["moved_to"].as_str().unwrap();
    let aside = f.read(&format!(".kata/{moved}"));
    assert_eq!(aside, format!("{changed}\n{}\n", lines[2]), "never deleted");

    // Later runs still say so, in the JSON and on the page, without repeating the note.
    let (again, stderr) = report(&f);
    assert!(!stderr.contains("record edited"), "{stderr}");
    assert_eq!(again["history"]["record_edited"][0]["at_event"], 2);
    let page = f.kata(&["report"]);
    assert!(
        page.stdout.contains("**Record edited at event 2**"),
        "{page:?}"
    );
    assert!(page.stdout.contains("| s1-demo/add* |"), "{page:?}");
}

#[test]
fn a_record_cut_short_is_reported_at_the_first_missing_event() {
    let f = Fixture::new("history-cut");
    peek_and_hint(&f);
    ok(&f, &["hint", "double"]);
    let text = f.read(LOG);
    let two: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    f.write(LOG, &two);

    let (r, stderr) = report(&f);
    assert!(stderr.contains("record edited at event 3"), "{stderr}");
    let edit = &r["history"]["record_edited"][0];
    assert_eq!(edit["at_event"], 3, "{r}");
    assert_eq!(
        edit["katas"],
        Value::Null,
        "which katas lost work is unknown"
    );
    let add = kata_entry(&r, "s1-demo/add");
    assert_eq!(
        (&add["hints_used"], &add["solution_peeked"]),
        (&1.into(), &true.into())
    );
    let double = kata_entry(&r, "s1-demo/double");
    assert_eq!(double["hints_used"], 0);
    assert_eq!(
        double["record"], "since_rebuild",
        "unknown, not zero: {double}"
    );
    let page = f.kata(&["report", "--readiness"]);
    assert!(page.stdout.contains("The record is incomplete"), "{page:?}");
}

#[test]
fn a_kata_written_whole_and_checked_once_shows_the_time_from_its_first_edit() {
    let f = Fixture::new("history-first-edit");
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let ten_minutes_ago = SystemTime::now() - Duration::from_secs(600);
    std::fs::File::options()
        .write(true)
        .open(f.root.join("katas/s1-demo/src/add.rs"))
        .unwrap()
        .set_modified(ten_minutes_ago)
        .unwrap();
    let r = f.kata(&["check", "add"]);
    r.expect(0, &["time from first edit to green: 10 min"]);
    let (report, _) = report(&f);
    let secs = kata_entry(&report, "s1-demo/add")["time_to_green_secs"]
        .as_u64()
        .expect("a time");
    assert!((600..660).contains(&secs), "{secs}");
    let first_edit = events(&f)
        .into_iter()
        .find(|e| e["event"] == "first_edit")
        .expect("a first_edit event");
    let mtime = ten_minutes_ago
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(first_edit["at"], mtime, "the file's modification time");
}

#[test]
fn a_reset_and_a_restore_are_events_of_the_record() {
    let f = Fixture::new("history-reset");
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    ok(&f, &["reset", "add"]);
    ok(&f, &["restore", "add"]);
    let kinds: Vec<(Value, Value)> = events(&f)
        .iter()
        .map(|e| (e["event"].clone(), e["kata"].clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("reset".into(), "s1-demo/add".into()),
            ("restore".into(), "s1-demo/add".into())
        ]
    );
}
