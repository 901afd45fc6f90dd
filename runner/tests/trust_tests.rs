//! Tests as shipped (issue 32, item 3): a suite whose tests, snapshots or crate scaffolding
//! differ from `katas.lock`'s `[tests]` is "tests modified — not counted" everywhere, with a
//! non-zero exit; `cargo kata reset --tests` puts them back after a backup.

mod common;

use common::{ADD_SOLUTION, Fixture};

const TESTS: &str = "tests/s1-demo/add.rs";

/// A fixture whose katas.lock records the tests as shipped (every fixture is locked as an
/// author locks: `cargo kata lock`).
fn locked(name: &str) -> Fixture {
    let f = Fixture::new(name);
    assert!(f.read("katas.lock").contains("\"tests/s1-demo/add.rs\""));
    f
}

#[test]
fn edited_tests_are_not_counted_anywhere_until_reset() {
    let f = locked("tests-edited");
    let shipped = f.read(TESTS);
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let green = f.kata(&["check", "add"]);
    assert_eq!(
        green.code, 0,
        "as shipped, the solution is green: {green:?}"
    );

    f.write(TESTS, "#[test]\nfn anything_goes() {}\n");
    let c = f.kata(&["check", "add"]);
    c.expect(1, &["tests modified — not counted"]);
    assert!(c.stdout.contains(TESTS), "names the file: {c:?}");
    assert!(!c.stdout.contains("green"), "{c:?}");

    let l = f.kata(&["list"]);
    l.expect(1, &["tests modified — not counted"]);

    let r = f.kata(&["report", "--json", "--fresh"]);
    r.expect(1, &["\"tests_modified\""]);

    let reset = f.kata(&["reset", "--tests", "add"]);
    reset.expect(0, &[]);
    assert_eq!(f.read(TESTS), shipped, "the shipped tests are back");
    assert!(
        reset.stdout.contains(".kata/backups/s1-demo/tests/"),
        "{reset:?}"
    );
    let again = f.kata(&["check", "add"]);
    again.expect(0, &[]);
}

#[test]
fn an_added_test_file_or_an_edited_lib_rs_is_a_modification_and_a_lock_without_tests_is_not() {
    let f = locked("tests-added");
    f.write("tests/s1-demo/extra.rs", "#[test]\nfn extra() {}\n");
    let c = f.kata(&["check", "add"]);
    assert!(c.stdout.contains("tests/s1-demo/extra.rs (added)"), "{c:?}");
    let reset = f.kata(&["reset", "--tests", "s1-demo"]);
    reset.expect(0, &[]);
    assert!(!f.root.join("tests/s1-demo/extra.rs").exists());

    let lib = f.read("katas/s1-demo/src/lib.rs");
    f.write(
        "katas/s1-demo/src/lib.rs",
        &lib.replace("mod suite;", "mod suite {}"),
    );
    let c = f.kata(&["check", "double"]);
    assert!(c.stdout.contains("katas/s1-demo/src/lib.rs"), "{c:?}");

    // A lock written before tests were recorded: its stubs only.
    let old = Fixture::new("tests-unrecorded");
    let lock = old.read("katas.lock");
    let stubs_only = lock.split("[tests]").next().unwrap_or(&lock).to_string();
    old.write("katas.lock", &stubs_only);
    old.commit();
    old.write(TESTS, "#[test]\nfn anything_goes() {}\n");
    let c = old.kata(&["check", "add"]);
    assert!(
        !c.stdout.contains("tests modified"),
        "not recorded yet: {c:?}"
    );
}

#[test]
fn an_exam_on_modified_tests_counts_nothing() {
    let f = locked("tests-exam");
    f.write(TESTS, "#[test]\nfn anything_goes() {}\n");
    let start = f.kata(&["exam", "--count", "2"]);
    start.expect(0, &[]);
    let done = f.kata(&["exam", "--finish"]);
    assert!(
        done.stdout.contains("tests modified — not counted"),
        "{done:?}"
    );
    assert!(!done.stdout.contains("| yes |"), "{done:?}");
}
