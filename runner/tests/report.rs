//! `cargo kata report`: the learner's snapshot, as Markdown and as versioned JSON.

mod common;

use common::{ADD_SOLUTION, Fixture, kata_entry};
use serde_json::Value;

fn report(f: &Fixture) -> Value {
    let run = f.kata(&["report", "--json"]);
    run.expect(0, &[]);
    serde_json::from_str(&run.stdout).expect("report --json is JSON")
}

#[test]
fn the_json_snapshot_is_versioned_and_names_katas_by_suite_and_id() {
    let f = Fixture::new("report-fresh");
    let r = report(&f);
    assert_eq!(r["schema_version"], 2);
    assert_eq!(r["total"], 2);
    let add = kata_entry(&r, "s1-demo/add");
    assert_eq!(add["status"], "not_started");
    assert_eq!(add["checks"], 0);
    assert_eq!(add["time_to_green_secs"], Value::Null);
    assert_eq!(add["similarity"], Value::Null);
    assert_eq!(r["history"]["rebuilt"], false);
    assert_eq!(r["concepts"][0]["concept"], "addition");
    assert_eq!(r["concepts"][0]["katas"], 1);
}

#[test]
fn a_kata_solved_as_the_reference_solves_it_gets_no_copying_verdict_and_keeps_its_credit() {
    let f = Fixture::new("report-like-the-reference");
    // The natural answer to a small kata is the reference, byte for byte.
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    assert_eq!(f.kata(&["check", "add"]).code, 0);
    f.kata(&["hint", "double"]);
    let r = report(&f);
    let add = kata_entry(&r, "s1-demo/add");
    assert_eq!(add["status"], "green");
    assert_eq!(add["tests_passed"], 3);
    assert_eq!(add["tests_total"], 3);
    assert_eq!(add["checks"], 1);
    assert!(add["time_to_green_secs"].is_u64(), "{add}");
    assert_eq!(
        add["similarity"],
        Value::Null,
        "the reference writes too little for a similarity to mean anything: no number at all"
    );
    assert_eq!(
        add.get("matches_solution"),
        None,
        "no copying verdict in the snapshot"
    );
    assert_eq!(kata_entry(&r, "s1-demo/double")["hints_used"], 1);
    assert_eq!(r["concepts"][0]["passed"], 1);
    assert_eq!(
        r["concepts"][0]["unaided"], 1,
        "solved unaided: full credit"
    );

    let page = f.kata(&["report"]);
    page.expect(0, &["| s1-demo/add | green | 3/3 | 1 |"]);
    for guess in ["copied", "reformatted", "identical", "the solution,"] {
        assert!(!page.stdout.contains(guess), "{guess:?} in {page:?}");
    }
    assert!(page.stdout.contains("## Concepts"), "{page:?}");
    let readiness = f.kata(&["report", "--readiness"]);
    assert!(
        readiness.stdout.contains("1 solved unaided"),
        "{readiness:?}"
    );
}

#[test]
fn a_rebuilt_history_is_marked_and_never_shown_as_a_zero_time() {
    let f = Fixture::new("report-rebuilt");
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    let file = std::fs::File::options()
        .write(true)
        .open(f.root.join("katas/s1-demo/src/add.rs"))
        .unwrap();
    file.set_modified(minute_ago).unwrap();
    assert_eq!(f.kata(&["check", "add"]).code, 0);
    // A progress file from before the record of work (`.kata/history.jsonl`) existed: with
    // the record, a corrupt progress file is rebuilt from it and nothing is lost.
    std::fs::remove_file(f.root.join(".kata/history.jsonl")).unwrap();
    std::fs::remove_file(f.root.join(".kata/history.head")).unwrap();
    f.write(".kata/progress.json", "{ not json");
    let r = report(&f);
    assert_eq!(r["history"]["rebuilt"], true, "{r}");
    assert_eq!(r["history"]["set_aside"].as_array().unwrap().len(), 1);
    let add = kata_entry(&r, "s1-demo/add");
    assert_eq!(add["status"], "green");
    assert_eq!(add["record"], "since_rebuild");
    assert_eq!(add["time_to_green_secs"], Value::Null, "{add}");
    let page = f.kata(&["report"]);
    assert!(page.stdout.contains("History rebuilt"), "{page:?}");
    assert!(
        page.stdout
            .contains("| s1-demo/add* | green | 3/3 | 0 | unknown |"),
        "{page:?}"
    );
}

#[test]
fn a_fresh_report_checks_committed_work_and_says_the_record_is_missing() {
    let f = Fixture::new("report-ci");
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    f.commit();
    let run = f.kata(&["report", "--json", "--fresh"]);
    run.expect(0, &[]);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(r["history"]["no_record"], true, "{r}");
    assert_eq!(kata_entry(&r, "s1-demo/add")["status"], "green");
    assert_eq!(kata_entry(&r, "s1-demo/add")["tests_passed"], 3);
    assert_eq!(
        kata_entry(&r, "s1-demo/double")["status"],
        "not_started",
        "still the locked stub: nothing to check"
    );
    assert!(
        !f.root.join(".kata/progress.json").exists(),
        "a fresh report records nothing"
    );
    let page = f.kata(&["report", "--fresh"]);
    assert!(page.stdout.contains("**No record**"), "{page:?}");
}
