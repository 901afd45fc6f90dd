//! Pristine stubs recorded in katas.lock: a learner's commit is told from a test that
//! asserts nothing, and reset restores the authored stub even after that commit.

mod common;

use common::{ADD_SOLUTION, ADD_STUB, Fixture};

const ADD: &str = "katas/s1-demo/src/add.rs";

#[test]
fn a_committed_solved_stub_is_named_as_such_and_the_tests_are_not_blamed() {
    let fx = Fixture::new("trust-committed");
    fx.write(ADD, ADD_SOLUTION);
    fx.commit();
    let v = fx.kata(&["verify"]);
    assert_ne!(v.code, 0, "{v:?}");
    assert!(
        v.stdout
            .contains("the stub in HEAD is not pristine (a learner committed their work?)"),
        "{v:?}"
    );
    assert!(!v.stdout.contains("asserts nothing"), "{v:?}");

    let r = fx.kata(&["reset", "add"]);
    r.expect(0, &[]);
    assert_eq!(fx.read(ADD), ADD_STUB, "reset restores the authored stub");
}

#[test]
fn a_stub_without_a_recorded_hash_fails_verify_naming_the_kata_until_locked() {
    let fx = Fixture::new("trust-unlocked");
    fx.write("katas.lock", "[stubs]\n");
    fx.commit();
    let v = fx.kata(&["verify"]);
    assert_ne!(v.code, 0, "{v:?}");
    assert!(
        v.stdout.contains(
            "katas.lock records no pristine hash for katas/s1-demo/src/add.rs: commit it, then run `cargo kata lock --suite s1-demo`"
        ),
        "{v:?}"
    );
    let l = fx.kata(&["lock", "--suite", "s1-demo"]);
    l.expect(0, &["2 pristine stubs recorded"]);
    let v = fx.kata(&["verify"]);
    v.expect(0, &[]);
}

#[test]
fn a_recorded_hash_that_matches_no_commit_fails_verify() {
    let fx = Fixture::new("trust-badhash");
    let lock = fx.read("katas.lock");
    let id = lock
        .lines()
        .find(|l| l.contains("add.rs"))
        .and_then(|l| l.split('"').nth(3))
        .unwrap()
        .to_string();
    fx.write("katas.lock", &lock.replace(&id, &"0".repeat(40)));
    fx.commit();
    let v = fx.kata(&["verify"]);
    assert_ne!(v.code, 0, "{v:?}");
    assert!(v.stdout.contains("matches no commit"), "{v:?}");
}
