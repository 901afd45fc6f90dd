//! Learner code cannot silently corrupt the proof: the committed reference is shown,
//! verify names a changed solution instead of blaming the suite, and tests do not run in
//! the crate's folder.

mod common;

use common::{ADD_SOLUTION, ADD_STUB, Fixture};

const ADD: &str = "katas/s1-demo/src/add.rs";
const SOLUTION: &str = "solutions/s1-demo/src/add.rs";

#[test]
fn a_kata_that_overwrites_its_solution_is_shown_the_committed_one_and_verify_names_the_file() {
    let fx = Fixture::new("trust-overwrite");
    let stub = common::rust_string_body(ADD_STUB);
    fx.write(
        ADD,
        &format!(
            "//! Add two numbers.\n\n/// Adds `a` and `b`.\npub fn add(a: u32, b: u32) -> u32 {{\n    let root = std::env::var(\"INSTA_WORKSPACE_ROOT\").unwrap();\n    let _ = std::fs::write(format!(\"{{root}}/{SOLUTION}\"), \"{stub}\");\n    let _ = std::fs::write(\"escaped.txt\", \"\");\n    a + b\n}}\n"
        ),
    );
    let r = fx.kata(&["check", "add"]);
    r.expect(0, &[]);
    assert_eq!(
        fx.read(SOLUTION),
        ADD_STUB,
        "the learner's code did overwrite it"
    );
    assert!(
        !fx.root.join("katas/s1-demo/escaped.txt").exists(),
        "tests run in a temp dir, not the crate's folder"
    );

    let shown = fx.kata(&["solution", "add"]);
    shown.expect(0, &["    a + b\n"]);
    assert!(!shown.stdout.contains("todo!(\"add"), "{shown:?}");

    let v = fx.kata(&["verify"]);
    assert_ne!(v.code, 0, "{v:?}");
    assert!(
        v.stdout.contains(
            "solutions/s1-demo/src/add.rs differs from HEAD: restore it with `git checkout -- solutions/s1-demo/src/add.rs`"
        ),
        "{v:?}"
    );
    fx.write(SOLUTION, ADD_SOLUTION);
}
