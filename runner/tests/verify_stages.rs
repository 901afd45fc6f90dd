//! verify's dodge and sync stages end to end on a generated fixture workspace.

mod common;

use common::Fixture;

#[test]
fn verify_proves_a_dodge_caught_and_names_one_that_passes_every_test() {
    let fx = Fixture::new("verify-dodges");
    fx.write(
        "solutions/s1-demo/dodges/add__max.rs",
        "//! Dodge: the larger number is right whenever the other is zero.\n\
         //! Caught by: adds_small_numbers\n\n\
         pub fn add(a: u32, b: u32) -> u32 {\n    a.max(b)\n}\n",
    );
    fx.write(
        "solutions/s1-demo/dodges/double__shift.rs",
        "//! Dodge: a shift instead of a multiplication (no test can tell).\n\
         //! Caught by: nothing\n\n\
         pub fn double(x: u64) -> u64 {\n    x << 1\n}\n",
    );
    let r = fx.kata(&["verify"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains(
            "✓ solutions/s1-demo/dodges/add__max.rs: caught by suite::add::adds_small_numbers"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout.contains(
            "dodge shift passes every test of kata double (3 tests): add a test that catches it"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("s1-demo: 2 dodges, not caught: double__shift.rs"),
        "{r:?}"
    );
    assert_eq!(
        fx.read("solutions/s1-demo/src/add.rs"),
        common::ADD_SOLUTION,
        "the dodge is swapped into a copy, never into the repository"
    );
}

#[test]
fn verify_names_a_dodge_that_does_not_compile() {
    let fx = Fixture::new("verify-dodge-broken");
    fx.write(
        "solutions/s1-demo/dodges/add__broken.rs",
        "//! Dodge: none, it does not compile.\npub fn add(a: u32) -> u32 {\n    a\n}\n",
    );
    let r = fx.kata(&["verify"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("does not compile"), "{r:?}");
    assert!(
        r.stdout
            .contains("s1-demo: 1 dodge, not caught: add__broken.rs"),
        "{r:?}"
    );
}

#[test]
fn verify_names_a_stray_kata_file_and_an_unlisted_suite_folder() {
    let fx = Fixture::new("verify-strays");
    fx.write("katas/s1-demo/src/stray.rs", "pub fn stray() {}\n");
    fx.write("tests/x-unlisted/mod.rs", "\n");
    fx.commit();
    let r = fx.kata(&["verify"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("✗ katas/s1-demo/src/stray.rs"), "{r:?}");
    assert!(r.stdout.contains("✗ tests/x-unlisted/"), "{r:?}");
}
