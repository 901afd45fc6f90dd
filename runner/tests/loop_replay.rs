//! The fast path of a rebuild (issue 14): once cargo has compiled a kata crate's tests, a save
//! that changed only the crate's sources is compiled by replaying cargo's rustc call; any
//! other change goes back to cargo.

mod common;

use std::path::Path;
use std::process::Command;

use common::{ADD_SOLUTION, Fixture};
use kata_runner::build::{self, BuildOutput, BuildRequest};

fn build_add(root: &Path) -> BuildOutput {
    build::build(&BuildRequest {
        root,
        packages: vec!["kata-s1-demo".to_string()],
        color: false,
        target_dir: None,
        progress: false,
        expected_units: 0,
        features: vec!["one-kata".to_string(), "add".to_string()],
    })
    .expect("the build runs")
}

/// Whether `test` passes in the executable the build produced.
fn passes(out: &BuildOutput, test: &str) -> bool {
    let [binary] = out.binaries.as_slice() else {
        panic!("one test executable expected: {:?}", out.binaries);
    };
    Command::new(&binary.path)
        .args([test, "--exact"])
        .output()
        .expect("the test executable starts")
        .status
        .success()
}

#[test]
fn an_edit_of_a_kata_after_a_cargo_build_is_compiled_by_replaying_rustc() {
    let f = Fixture::new("replay-edit");
    let first = build_add(&f.root);
    assert!(first.success && !first.replayed, "cargo builds first");
    assert!(!passes(&first, "suite::add::adds_small_numbers"));

    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let second = build_add(&f.root);
    assert!(
        second.replayed,
        "an edit of the kata alone must not need cargo"
    );
    assert!(second.success, "{:?}", second.diagnostics);
    assert!(
        passes(&second, "suite::add::adds_small_numbers"),
        "the replayed build must hold the edit"
    );
}

#[test]
fn a_compile_error_in_a_replayed_build_is_reported_as_cargo_reports_it() {
    let f = Fixture::new("replay-error");
    assert!(build_add(&f.root).success);

    f.write(
        "katas/s1-demo/src/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    a +\n}\n",
    );
    let out = build_add(&f.root);
    assert!(out.replayed && !out.success);
    assert_eq!(out.failed_packages, ["kata-s1-demo"]);
    let error = out
        .diagnostics
        .iter()
        .find(|d| d.level == "error")
        .expect("rustc's error is kept");
    assert_eq!(error.package, "kata-s1-demo");
    assert_eq!(error.spans[0].file, "katas/s1-demo/src/add.rs");
    assert!(error.rendered.contains("expected expression"), "{error:?}");
    assert!(
        !error.rendered.contains('\u{1b}'),
        "no colour was asked for: {error:?}"
    );
    assert!(
        !out.diagnostics
            .iter()
            .any(|d| d.rendered.contains("aborting due to")),
        "cargo does not pass rustc's closing count on, nor does the replay"
    );
}

#[test]
fn a_changed_manifest_sends_the_next_build_back_to_cargo() {
    let f = Fixture::new("replay-manifest");
    assert!(build_add(&f.root).success);

    let manifest = f.read("katas/s1-demo/Cargo.toml");
    f.write(
        "katas/s1-demo/Cargo.toml",
        &manifest.replace("[features]\n", "[features]\nnew-kata = []\n"),
    );
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let out = build_add(&f.root);
    assert!(
        !out.replayed,
        "features may have changed: cargo must decide"
    );
    assert!(out.success && passes(&out, "suite::add::adds_small_numbers"));

    f.write("katas/s1-demo/src/add.rs", common::ADD_STUB);
    assert!(
        build_add(&f.root).replayed,
        "cargo's build is recorded again"
    );
}

#[test]
fn a_build_that_failed_to_compile_the_kata_is_replayed_once_it_is_fixed() {
    let f = Fixture::new("replay-after-error");
    f.write(
        "katas/s1-demo/src/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    a +\n}\n",
    );
    let broken = build_add(&f.root);
    assert!(
        !broken.success && !broken.replayed,
        "cargo reports the error first"
    );

    // What the replay had to go on, named if this ever fails again (it was seen to, rarely,
    // under load; the cause was not found): the record on disk after cargo's failed build.
    let records: Vec<String> = std::fs::read_dir(f.root.join(".kata/replay"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let fixed = build_add(&f.root);
    assert!(
        fixed.replayed && fixed.success,
        "the fix must not wait for cargo: replayed {}, success {}, records after the failed \
         build {records:?}, diagnostics {:?}, cargo's stderr {}",
        fixed.replayed,
        fixed.success,
        fixed.diagnostics,
        fixed.stderr
    );
    assert!(passes(&fixed, "suite::add::adds_small_numbers"));
}

/// `kata check add` in a new process, with its timings on stderr.
fn check_add_in_a_new_process(f: &Fixture) -> String {
    let out = f
        .command(&["check", "add"])
        .env("KATA_TIMINGS", "1")
        .output()
        .expect("the runner starts");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_record_in_dot_kata_lets_the_next_check_replay_in_a_new_process() {
    let f = Fixture::new("replay-on-disk");
    let first = check_add_in_a_new_process(&f);
    assert!(first.contains("timings: build"), "{first}");
    assert!(
        f.root
            .join(".kata/replay")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some()),
        "the record is kept in .kata/replay"
    );

    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let second = check_add_in_a_new_process(&f);
    assert!(second.contains("(rustc replayed)"), "{second}");
}
