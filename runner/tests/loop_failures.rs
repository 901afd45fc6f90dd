//! Failures point where the learner can act (issue 14).

mod common;

use common::Fixture;

#[test]
fn a_failed_assertion_points_at_the_function_under_test_and_at_the_test() {
    let f = Fixture::new("failures-point");
    f.write(
        "katas/s1-demo/src/add.rs",
        "//! Add two numbers.\n\n/// Adds `a` and `b`.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b + 1\n}\n",
    );
    let run = f.kata(&["check", "add"]);
    run.expect(1, &[]);
    assert!(
        run.stdout.contains("edit katas/s1-demo/src/add.rs:4"),
        "the line of `pub fn add`, not line 1: {run:?}"
    );
    assert!(
        run.stdout.contains("the test: tests/s1-demo/add.rs:4"),
        "the failing test's own line: {run:?}"
    );
}

#[test]
fn the_screen_of_a_failed_assertion() {
    let f = Fixture::new("failures-screen");
    f.write(
        "katas/s1-demo/src/add.rs",
        "//! Add two numbers.\n\n/// Adds `a` and `b`.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b + 1\n}\n",
    );
    let run = f.kata(&["check", "add"]);
    insta::assert_snapshot!(run.stdout);
}
