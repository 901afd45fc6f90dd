//! The runner end to end on a generated fixture workspace.

mod common;

use common::{ADD_SOLUTION, Fixture};

#[test]
fn check_on_a_stub_is_red_with_the_todo_line_and_messages() {
    let fx = Fixture::new("red");
    let r = fx.kata(&["check", "add"]);
    r.expect(
        1,
        &[
            "Adding numbers",
            "edit katas/s1-demo/src/add.rs:7",
            "3 of 3 tests fail",
            "not yet implemented: add 1 and 2",
            "run `cargo kata hint add` for a hint",
        ],
    );
}

#[test]
fn check_turns_green_and_records_progress() {
    let fx = Fixture::new("green");
    fx.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let r = fx.kata(&["check", "add"]);
    r.expect(0, &["all 3 tests pass"]);
    let progress: serde_json::Value =
        serde_json::from_str(&fx.read(".kata/progress.json")).unwrap();
    let k = &progress["katas"]["s1-demo/add"];
    assert_eq!(k["checks"], 1);
    assert_eq!(k["last_verdict"]["status"], "green");
    assert!(k["time_to_green_secs"].is_u64());
}

#[test]
fn assertion_failure_in_the_kata_file_points_at_its_line() {
    let fx = Fixture::new("assert");
    fx.write(
        "katas/s1-demo/src/add.rs",
        "//! x\n\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {\n    assert!(a > 100, \"a is too small: {a}\");\n    a + b\n}\n",
    );
    let r = fx.kata(&["check", "add"]);
    r.expect(1, &["edit katas/s1-demo/src/add.rs:5", "a is too small: 1"]);
}

#[test]
fn endless_loop_times_out_and_the_rest_still_reports() {
    let fx = Fixture::new("timeout");
    fx.write(
        "katas/s1-demo/src/add.rs",
        "//! x\n\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {\n    if a == 1 {\n        loop {\n            std::hint::spin_loop();\n        }\n    }\n    a + b\n}\n",
    );
    let r = fx.kata(&["--timeout", "2", "check", "add"]);
    r.expect(1, &["timed out after 2 s", "1 of 3 tests fail"]);
}

#[test]
fn stack_overflow_is_a_crash_with_stderr() {
    let fx = Fixture::new("crash");
    fx.write(
        "katas/s1-demo/src/add.rs",
        "//! x\n\n/// Adds.\n#[allow(unconditional_recursion)]\npub fn add(a: u32, b: u32) -> u32 {\n    let x = [a; 64];\n    add(x[std::hint::black_box(3)], b) + 1\n}\n",
    );
    let r = fx.kata(&["check", "add"]);
    r.expect(1, &["crashed: killed by signal", "overflowed its stack"]);
}

#[test]
fn compile_error_shows_rustc_diagnostics_for_the_file() {
    let fx = Fixture::new("compile");
    fx.write(
        "katas/s1-demo/src/add.rs",
        "//! x\n\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b + \"one\"\n}\n",
    );
    let r = fx.kata(&["check", "add"]);
    r.expect(
        1,
        &[
            "does not compile",
            "edit katas/s1-demo/src/add.rs:5",
            "error[E0277]",
            "katas/s1-demo/src/add.rs:5",
        ],
    );
}

#[test]
fn unknown_kata_suggests_a_name() {
    let fx = Fixture::new("unknown");
    let r = fx.kata(&["check", "ad"]);
    r.expect_stderr(2, &["no kata or suite named `ad`; did you mean `add`?"]);
}

#[test]
fn malformed_manifest_names_file_and_line() {
    let fx = Fixture::new("badmanifest");
    let text = fx
        .read("katas.toml")
        .replace("title = \"Doubling\"", "title = Doubling");
    fx.write("katas.toml", &text);
    let r = fx.kata(&["list"]);
    r.expect_stderr(2, &["katas.toml:18:"]);
}

#[test]
fn hints_come_one_after_another_and_are_remembered() {
    let fx = Fixture::new("hint");
    let r1 = fx.kata(&["hint", "add"]);
    assert!(
        r1.stdout.contains("Hint 1/2") && r1.stdout.contains("Look at the + operator."),
        "{r1:?}"
    );
    let r2 = fx.kata(&["hint", "add"]);
    assert!(
        r2.stdout.contains("Hint 2/2") && r2.stdout.contains("that was the last hint"),
        "{r2:?}"
    );
    let r3 = fx.kata(&["hint", "add"]);
    assert!(r3.stdout.contains("No more hints"), "{r3:?}");
    let r4 = fx.kata(&["hint"]);
    assert!(
        r4.stdout.contains("No more hints for `add`"),
        "the first kata not green: {r4:?}"
    );
}

#[test]
fn overview_and_list_show_not_started_red_and_green() {
    let fx = Fixture::new("overview");
    let r = fx.kata(&["list"]);
    r.expect(0, &[]);
    assert!(
        r.stdout.contains("add") && r.stdout.contains("not started"),
        "{r:?}"
    );
    fx.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let r = fx.kata(&[]);
    r.expect(
        0,
        &[
            "1/2 green",
            "Doubling",
            "edit katas/s1-demo/src/double.rs:7",
        ],
    );
    let r = fx.kata(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect(&r.stdout);
    assert_eq!(v["green"], 1);
    assert_eq!(v["total"], 2);
    assert_eq!(v["suites"][0]["katas"][0]["status"], "green");
    assert_eq!(v["suites"][0]["katas"][1]["status"], "red");
}

#[test]
fn check_json_has_tests_with_outcomes() {
    let fx = Fixture::new("checkjson");
    let r = fx.kata(&["check", "s1-demo", "--json"]);
    r.expect(1, &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect(&r.stdout);
    assert_eq!(v["green"], false);
    assert_eq!(v["katas"].as_array().unwrap().len(), 2);
    let t = &v["katas"][0]["tests"][0];
    assert_eq!(t["outcome"], "failed");
    assert!(
        t["message"]
            .as_str()
            .unwrap()
            .contains("not yet implemented")
    );
    assert_eq!(t["location"]["file"], "katas/s1-demo/src/add.rs");
    assert_eq!(v["katas"][0]["line"], 7);
}

#[test]
fn corrupt_progress_is_set_aside_not_a_crash() {
    let fx = Fixture::new("corrupt");
    fx.write(".kata/progress.json", "{\"katas\": [oops");
    fx.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let r = fx.kata(&["check", "add"]);
    r.expect_stderr(0, &["progress.json.corrupt-"]);
    let v: serde_json::Value = serde_json::from_str(&fx.read(".kata/progress.json")).unwrap();
    assert_eq!(v["katas"]["s1-demo/add"]["last_verdict"]["status"], "green");
}

#[test]
fn verify_passes_on_a_sound_suite() {
    let fx = Fixture::new("verify-ok");
    let r = fx.kata(&["verify"]);
    r.expect(0, &[]);
    assert!(
        r.stdout.trim_end().ends_with("verify: 54 passed, 0 failed"),
        "{r:?}"
    );
}

#[test]
fn verify_names_a_test_that_passes_on_the_stub() {
    let fx = Fixture::new("verify-weak");
    let tests = fx.read("tests/s1-demo/double.rs")
        + "\n#[test]\nfn asserts_nothing() {\n    let _ = double;\n}\n";
    fx.write("tests/s1-demo/double.rs", &tests);
    fx.commit_as_author();
    let r = fx.kata(&["verify"]);
    r.expect(
        1,
        &[
            "suite::double::asserts_nothing",
            "asserts nothing the stub cannot satisfy",
        ],
    );
    assert!(
        r.stdout.trim_end().ends_with("verify: 55 passed, 1 failed"),
        "{r:?}"
    );
}

#[test]
fn verify_uses_the_committed_stubs_and_leaves_the_learners_file_alone() {
    let fx = Fixture::new("verify-edited");
    fx.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let r = fx.kata(&["verify", "--json"]);
    r.expect(0, &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect(&r.stdout);
    assert_eq!(v["failed"], 0);
    assert!(
        v["stubs_from"].as_str().unwrap().contains("copy of HEAD"),
        "{r:?}"
    );
    assert_eq!(fx.read("katas/s1-demo/src/add.rs"), ADD_SOLUTION);
}

#[test]
fn verify_catches_manifest_gaps() {
    let fx = Fixture::new("verify-manifest");
    let text = fx
        .read("katas.toml")
        .replace("tests = \"suite::double::\"", "tests = \"suite::dbl::\"");
    fx.write("katas.toml", &text);
    fx.commit();
    let r = fx.kata(&["verify"]);
    r.expect(
        1,
        &[
            "no kata's `tests` filter selects it",
            "at least 3 tests match `suite::dbl::`",
        ],
    );
}

#[test]
fn a_compile_error_in_one_suite_leaves_the_other_suites_verdicts() {
    let fx = Fixture::with_suites("two-suites", &["s1-demo", "s2-demo"]);
    fx.write(
        "katas/s1-demo/src/add.rs",
        "//! x\n\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b + \"one\"\n}\n",
    );
    fx.write("katas/s2-demo/src/add.rs", ADD_SOLUTION);
    let r = fx.kata(&["list", "--json"]);
    r.expect(0, &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect(&r.stdout);
    assert_eq!(
        v["suites"][0]["katas"][0]["status"], "does_not_compile",
        "{r:?}"
    );
    assert_eq!(v["suites"][1]["katas"][0]["status"], "green", "{r:?}");
}

#[test]
fn a_compile_error_in_another_kata_file_is_pointed_at() {
    let fx = Fixture::new("compile-elsewhere");
    fx.write(
        "katas/s1-demo/src/double.rs",
        "//! x\n\n/// Twice.\npub fn double(x: u64) -> u64 {\n    x * \"2\"\n}\n",
    );
    let r = fx.kata(&["check", "add"]);
    r.expect(
        1,
        &["fix first katas/s1-demo/src/double.rs:5 (another file of this suite stops the build)"],
    );
}

#[test]
fn a_suite_without_its_crate_is_reported_not_a_cargo_error() {
    let fx = Fixture::with_suites("missing-crate", &["s1-demo", "s2-demo"]);
    std::fs::remove_dir_all(fx.root.join("katas/s2-demo")).unwrap();
    let r = fx.kata(&["check", "s2-demo"]);
    r.expect(1, &[]);
    // The crate's manifest and lib.rs are part of the tests as shipped: their absence is a
    // change the learner can undo with one command.
    assert!(
        r.stdout.contains("katas/s2-demo/Cargo.toml")
            && r.stdout
                .contains("`cargo kata reset --tests s2-demo` puts them back"),
        "{r:?}"
    );
    fx.write("katas/s1-demo/src/add.rs", common::ADD_SOLUTION);
    let r = fx.kata(&["check", "s1-demo/add"]);
    r.expect(0, &[]);
}
