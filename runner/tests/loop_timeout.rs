//! An endless loop is reported after one timeout, not one per test (issue 14).

mod common;

use common::Fixture;

#[test]
fn after_one_test_times_out_the_rest_of_the_kata_is_not_run_and_says_why() {
    let f = Fixture::new("timeout-stops-kata");
    f.write(
        "katas/s1-demo/src/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    loop {\n        std::hint::black_box(a + b);\n    }\n}\n",
    );
    let run = f.kata(&["--timeout", "1", "check", "add"]);
    run.expect(1, &["timed out after 1 s"]);
    let not_run = run.stdout.matches("not run: `").count();
    let timed_out = run
        .stdout
        .matches("timed out after 1 s: an endless loop?")
        .count();
    assert_eq!(
        not_run + timed_out,
        3,
        "every test is accounted for: {run:?}"
    );
    assert!(
        not_run >= 1,
        "a test that had not started is not run: {run:?}"
    );
    assert!(
        run.stdout.contains("`--timeout 3` gives every test longer"),
        "{run:?}"
    );
}
