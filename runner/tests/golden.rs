//! Golden tests of what users see: every command's screen and `--json` shape, on the fixture
//! suite of `common/mod.rs`, held as insta snapshots in `tests/snapshots/golden__*.snap`.
//!
//! What changes from run to run is redacted before the comparison: the fixture's path
//! (`[ROOT]`), durations (`[ms]`, `[secs]`) and temporary directory names (`[TEMP]`). A
//! change to a screen shows up as a snapshot diff: review it with `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test -p kata-runner --test golden` and `git diff`).

mod common;

use common::{ADD_SOLUTION, Fixture, Run};

/// A kata whose `add` is off by one: two of its three tests fail with an assertion.
const ADD_OFF_BY_ONE: &str = "//! Add two numbers.\n\n/// Adds `a` and `b`.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b + 1\n}\n";
/// A kata that does not compile: a name that does not exist (rustc's shortest message, with
/// no path into the standard library that changes with the toolchain).
const ADD_UNKNOWN_NAME: &str =
    "//! x\n\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b + plugh\n}\n";
/// A kata that loops forever for one input.
const ADD_ENDLESS: &str = "//! x\n\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {\n    if a == 1 {\n        loop {\n            std::hint::spin_loop();\n        }\n    }\n    a + b\n}\n";
/// A kata that overflows its stack.
const ADD_RECURSES: &str = "//! x\n\n/// Adds.\n#[allow(unconditional_recursion)]\npub fn add(a: u32, b: u32) -> u32 {\n    let x = [a; 64];\n    add(x[std::hint::black_box(3)], b) + 1\n}\n";

/// `text` with what differs between runs replaced by a placeholder.
fn redact(text: &str, f: &Fixture) -> String {
    let mut out = text.to_string();
    let root = f.root.display().to_string();
    if let Ok(canonical) = f.root.canonicalize() {
        out = out.replace(&canonical.display().to_string(), "[ROOT]");
    }
    out = out.replace(&root, "[ROOT]");
    out = out.replace(&std::env::temp_dir().display().to_string(), "[TMP]");
    out = replace_after(&out, "\"duration_ms\": ", |_| "\"[ms]\"".into());
    out = replace_after(&out, "time from first edit to green: ", |_| {
        "[secs] s".into()
    });
    // verify's stage times: `(7/7 checks, 1 s)`.
    out = replace_after(&out, " checks, ", |_| "[secs] s".into());
    for prefix in [
        "kata-verify-",
        "kata-test-cwd-",
        "kata-test-log-",
        "kata-dodge-",
    ] {
        out = replace_temp_name(&out, prefix);
    }
    out = replace_temp_name(&out, "/rustc/");
    replace_stamps(&out)
}

/// Replaces the number right after each `marker` (and a following ` s`, for seconds).
fn replace_after(text: &str, marker: &str, with: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let (before, after) = rest.split_at(i + marker.len());
        out.push_str(before);
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            rest = after;
            continue;
        }
        let mut end = digits;
        if after[digits..].starts_with(" s") {
            end += 2;
        }
        out.push_str(&with(&after[..end]));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Each backup name's time stamp (`20261201T135024.482634302Z`) becomes `[STAMP]`.
fn replace_stamps(text: &str) -> String {
    let shape = |b: &[u8]| {
        b.len() >= 26
            && b[..8].iter().all(u8::is_ascii_digit)
            && b[8] == b'T'
            && b[9..15].iter().all(u8::is_ascii_digit)
            && b[15] == b'.'
            && b[16..25].iter().all(u8::is_ascii_digit)
            && b[25] == b'Z'
    };
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if shape(&bytes[i..]) {
            out.push_str("[STAMP]");
            i += 26;
        } else {
            let ch = text[i..].chars().next().expect("i is on a char boundary");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// `<prefix><pid, random letters and digits>` becomes `<prefix>[TEMP]`.
fn replace_temp_name(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let (before, after) = rest.split_at(i + prefix.len());
        out.push_str(before);
        let n = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            .count();
        out.push_str("[TEMP]");
        rest = &after[n..];
    }
    out.push_str(rest);
    out
}

/// The screen as a learner sees it: exit code, stdout and (when not empty) stderr.
fn screen(run: &Run, f: &Fixture) -> String {
    let mut text = format!("exit {}\n{}", run.code, redact(&run.stdout, f));
    if !run.stderr.trim().is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&redact(&run.stderr, f));
    }
    text
}

#[test]
fn the_screens_of_a_fresh_suite() {
    let f = Fixture::new("golden-fresh");
    insta::assert_snapshot!("overview_fresh", screen(&f.kata(&[]), &f));
    insta::assert_snapshot!("list_fresh", screen(&f.kata(&["list"]), &f));
    insta::assert_snapshot!("list_fresh_json", screen(&f.kata(&["list", "--json"]), &f));
    insta::assert_snapshot!("hint_first", screen(&f.kata(&["hint", "add"]), &f));
    insta::assert_snapshot!("hint_second", screen(&f.kata(&["hint", "add"]), &f));
    insta::assert_snapshot!("hint_none_left", screen(&f.kata(&["hint", "add"]), &f));
    insta::assert_snapshot!(
        "solution_before_green",
        screen(&f.kata(&["solution", "add"]), &f)
    );
}

#[test]
fn the_screens_of_a_red_kata() {
    let f = Fixture::new("golden-red");
    f.write("katas/s1-demo/src/add.rs", ADD_OFF_BY_ONE);
    insta::assert_snapshot!("check_red", screen(&f.kata(&["check", "add"]), &f));
    insta::assert_snapshot!(
        "check_red_json",
        screen(&f.kata(&["check", "add", "--json"]), &f)
    );
    insta::assert_snapshot!("list_red", screen(&f.kata(&["list"]), &f));
}

#[test]
fn the_screens_of_a_green_kata() {
    let f = Fixture::new("golden-green");
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    insta::assert_snapshot!("check_green", screen(&f.kata(&["check", "add"]), &f));
    insta::assert_snapshot!(
        "check_green_json",
        screen(&f.kata(&["check", "add", "--json"]), &f)
    );
    insta::assert_snapshot!(
        "solution_after_green",
        screen(&f.kata(&["solution", "add"]), &f)
    );
    insta::assert_snapshot!("overview_one_green", screen(&f.kata(&[]), &f));
    insta::assert_snapshot!("check_suite", screen(&f.kata(&["check", "s1-demo"]), &f));
}

#[test]
fn the_screens_of_a_kata_that_does_not_compile() {
    let f = Fixture::new("golden-compile");
    f.write("katas/s1-demo/src/add.rs", ADD_UNKNOWN_NAME);
    insta::assert_snapshot!(
        "check_compile_error",
        screen(&f.kata(&["check", "add"]), &f)
    );
    insta::assert_snapshot!(
        "check_compile_error_json",
        screen(&f.kata(&["check", "add", "--json"]), &f)
    );
}

#[test]
fn the_screen_of_a_timeout() {
    let f = Fixture::new("golden-timeout");
    f.write("katas/s1-demo/src/add.rs", ADD_ENDLESS);
    insta::assert_snapshot!(
        "check_timeout",
        screen(&f.kata(&["--timeout", "2", "check", "add"]), &f)
    );
    insta::assert_snapshot!(
        "check_timeout_json",
        screen(&f.kata(&["--timeout", "2", "check", "add", "--json"]), &f)
    );
}

#[test]
fn the_screen_of_a_crash() {
    let f = Fixture::new("golden-crash");
    f.write("katas/s1-demo/src/add.rs", ADD_RECURSES);
    let run = f.kata(&["check", "add"]);
    // The crash detail ends with the test's own stderr, whose wording belongs to the Rust
    // runtime and changes between releases: the snapshot holds the runner's part.
    let kept: String = screen(&run, &f)
        .lines()
        .take_while(|l| !l.contains("overflowed its stack"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        run.stdout.contains("overflowed its stack"),
        "the runtime's words are shown: {run:?}"
    );
    insta::assert_snapshot!("check_crash", kept);

    let run = f.kata(&["check", "add", "--json"]);
    let mut json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    for test in json["katas"][0]["tests"].as_array_mut().expect("tests") {
        if let Some(message) = test["message"].as_str() {
            let first = message.lines().next().unwrap_or_default().to_string();
            test["message"] = serde_json::Value::String(format!("{first} [runtime's words]"));
        }
    }
    let text = serde_json::to_string_pretty(&json).expect("JSON");
    insta::assert_snapshot!(
        "check_crash_json",
        format!("exit {}\n{}", run.code, redact(&text, &f))
    );
}

#[test]
fn the_screens_of_verify_and_of_errors() {
    let f = Fixture::new("golden-verify");
    insta::assert_snapshot!("verify", screen(&f.kata(&["verify"]), &f));
    insta::assert_snapshot!("verify_json", screen(&f.kata(&["verify", "--json"]), &f));
    let tests = f.read("tests/s1-demo/add.rs");
    f.write(
        "tests/s1-demo/add.rs",
        &format!("{tests}\n#[test]\nfn asserts_nothing() {{}}\n"),
    );
    f.commit();
    insta::assert_snapshot!("verify_failed", screen(&f.kata(&["verify"]), &f));
    insta::assert_snapshot!(
        "verify_failed_json",
        screen(&f.kata(&["verify", "--json"]), &f)
    );
    insta::assert_snapshot!("error_unknown_kata", screen(&f.kata(&["check", "ad"]), &f));
    insta::assert_snapshot!(
        "error_suite_for_a_kata",
        screen(&f.kata(&["hint", "s1-demo"]), &f)
    );
}

#[test]
fn the_help_screens() {
    let f = Fixture::new("golden-help");
    insta::assert_snapshot!("help", screen(&f.kata(&["--help"]), &f));
    insta::assert_snapshot!("help_check", screen(&f.kata(&["check", "--help"]), &f));
    insta::assert_snapshot!(
        "error_bad_timeout",
        screen(&f.kata(&["--timeout", "0", "list"]), &f)
    );
}

#[test]
fn redaction_replaces_numbers_after_a_marker_and_temp_names() {
    assert_eq!(
        replace_after("\"duration_ms\": 12,", "\"duration_ms\": ", |_| "X".into()),
        "\"duration_ms\": X,"
    );
    assert_eq!(
        replace_temp_name("in /tmp/kata-verify-123-ab9 now", "kata-verify-"),
        "in /tmp/kata-verify-[TEMP] now"
    );
    assert_eq!(
        replace_stamps("add/20261201T135024.482634302Z.rs · ✓"),
        "add/[STAMP].rs · ✓"
    );
}

#[test]
fn the_screens_of_reset_restore_lock_and_new() {
    let f = Fixture::new("golden-files");
    f.write("katas/s1-demo/src/add.rs", ADD_OFF_BY_ONE);
    insta::assert_snapshot!("reset", screen(&f.kata(&["reset", "add"]), &f));
    insta::assert_snapshot!(
        "restore_list",
        screen(&f.kata(&["restore", "add", "--list"]), &f)
    );
    insta::assert_snapshot!("restore", screen(&f.kata(&["restore", "add"]), &f));
    insta::assert_snapshot!("lock", screen(&f.kata(&["lock"]), &f));
    insta::assert_snapshot!("new", screen(&f.kata(&["new", "s1-demo/third_kata"]), &f));
}
