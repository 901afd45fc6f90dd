//! One kata's compile error never blocks another kata of the same suite (issue 14).

mod common;

use common::Fixture;

/// The demo suite's lib.rs with each kata module gated by its feature, as the real suites are.
const GATED_LIB: &str = "//! The demo suite.\n\n\
    #[cfg(any(not(feature = \"one-kata\"), feature = \"add\"))]\npub mod add;\n\
    #[cfg(any(not(feature = \"one-kata\"), feature = \"double\"))]\npub mod double;\n\n\
    #[cfg(test)]\n#[path = \"../../../tests/s1-demo/mod.rs\"]\nmod suite;\n";

const DOUBLE_SOLVED: &str = "pub fn double(x: u64) -> u64 {\n    x * 2\n}\n";

fn broken_add_fixture(name: &str) -> Fixture {
    let f = Fixture::new(name);
    f.write("katas/s1-demo/src/lib.rs", GATED_LIB);
    f.write("solutions/s1-demo/src/lib.rs", GATED_LIB);
    f.commit_as_author();
    f.write(
        "katas/s1-demo/src/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    a +\n}\n",
    );
    f.write("katas/s1-demo/src/double.rs", DOUBLE_SOLVED);
    f
}

#[test]
fn a_syntax_error_in_one_kata_leaves_another_checkable() {
    let f = broken_add_fixture("isolation-check");
    let run = f.kata(&["check", "double"]);
    run.expect(0, &["green"]);
}

#[test]
fn list_names_only_the_kata_that_does_not_compile() {
    let f = broken_add_fixture("isolation-list");
    let run = f.kata(&["list"]);
    run.expect(0, &[]);
    let line = |kata: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(kata))
            .unwrap_or_else(|| panic!("no line for {kata}: {run:?}"))
            .to_string()
    };
    assert!(
        line("add").contains("does not compile  katas/s1-demo/src/add.rs"),
        "{run:?}"
    );
    assert!(line("double").contains("green"), "{run:?}");
    let check = f.kata(&["check", "add"]);
    check.expect(1, &[]);
    assert!(
        check.stdout.contains("katas/s1-demo/src/add.rs"),
        "the broken kata's verdict names its file: {check:?}"
    );
}

#[test]
fn the_list_screen_with_one_kata_that_does_not_compile() {
    let f = broken_add_fixture("isolation-list-screen");
    let run = f.kata(&["list"]);
    insta::assert_snapshot!(run.stdout);
}
