//! Where a failure points once the `todo!()` is gone (issue 32, item 6): the learner's
//! function under test, never given code such as a `new` constructor.

mod common;

use common::Fixture;

const STUB: &str = "//! Add to a base.\n\n/// A base to add to.\npub struct Adder {\n    base: u32,\n}\n\nimpl Adder {\n    /// Given: a new adder.\n    pub fn new(base: u32) -> Self {\n        Self { base }\n    }\n\n    /// `base + x`.\n    pub fn add(&self, x: u32) -> u32 {\n        todo!(\"add {x} to {}\", self.base)\n    }\n}\n\n/// Kept for the fixture's other tests.\npub fn add(a: u32, b: u32) -> u32 {\n    Adder::new(a).add(b)\n}\n";

const TESTS: &str = "use crate::add::Adder;\n\n#[test]\nfn adds_to_the_base() {\n    let a = Adder::new(1);\n    assert_eq!(a.add(2), 3, \"1 + 2\");\n}\n\n#[test]\nfn adds_zero() {\n    assert_eq!(Adder::new(7).add(0), 7);\n}\n\n#[test]\nfn adds_to_zero() {\n    assert_eq!(Adder::new(0).add(7), 7);\n}\n";

#[test]
fn a_wrong_answer_points_at_the_function_under_test_not_the_given_constructor() {
    let f = Fixture::new("pointer-given-code");
    f.write("katas/s1-demo/src/add.rs", STUB);
    f.write("tests/s1-demo/add.rs", TESTS);
    f.commit();
    assert_eq!(f.kata(&["lock", "--suite", "s1-demo"]).code, 0);
    f.commit();
    f.write(
        "katas/s1-demo/src/add.rs",
        &STUB.replace("todo!(\"add {x} to {}\", self.base)", "self.base * x"),
    );
    let r = f.kata(&["check", "add"]);
    r.expect(1, &[]);
    // Line 15 is `pub fn add(&self, x: u32)`; line 10 is the given `new`.
    assert!(
        r.stdout.contains("edit katas/s1-demo/src/add.rs:15"),
        "{r:?}"
    );
}
