//! verify's dodge and sync stages end to end on a generated fixture workspace.

mod common;

use common::Fixture;

/// Records the solution file `kata` of s1-demo, edited to `body`, as the dodge `name`.
fn record(fx: &Fixture, kata: &str, name: &str, body: &str, claim: &str) -> common::Run {
    fx.write(&format!("solutions/s1-demo/src/{kata}.rs"), body);
    fx.kata(&[
        "dodge",
        "record",
        &format!("s1-demo/{kata}"),
        name,
        "--claim",
        claim,
        "--caught-by",
        "adds_small_numbers",
    ])
}

#[test]
fn dodge_record_writes_a_patch_and_restores_the_solution() {
    let fx = Fixture::new("dodge-record");
    let dodged = common::ADD_SOLUTION.replace("a + b", "a.max(b)");
    let r = record(&fx, "add", "max", &dodged, "the larger number.");
    r.expect(0, &[]);
    assert_eq!(
        fx.read("solutions/s1-demo/src/add.rs"),
        common::ADD_SOLUTION,
        "record puts HEAD's solution back"
    );
    let patch = fx.read("solutions/s1-demo/dodges/add__max.patch");
    assert!(
        patch.starts_with("Dodge: the larger number.\nCaught by: adds_small_numbers\n\n--- a/solutions/s1-demo/src/add.rs\n"),
        "{patch}"
    );
    let shown = fx.kata(&["dodge", "show", "s1-demo/add", "max"]);
    shown.expect(0, &[]);
    assert_eq!(shown.stdout, dodged, "show prints the dodged file");
    let again = record(&fx, "add", "max", &dodged, "again.");
    assert_eq!(
        again.code, 2,
        "an existing dodge is not replaced without --force: {again:?}"
    );
    assert_eq!(
        fx.read("solutions/s1-demo/src/add.rs"),
        dodged,
        "a refused record leaves the edit in place"
    );
    fx.write("solutions/s1-demo/src/add.rs", common::ADD_SOLUTION);
    let unchanged = fx.kata(&["dodge", "record", "s1-demo/add", "none", "--claim", "x"]);
    assert_eq!(unchanged.code, 2, "nothing to record: {unchanged:?}");
}

#[test]
fn verify_proves_a_dodge_caught_and_names_one_that_passes_every_test() {
    let fx = Fixture::new("verify-dodges");
    let max = common::ADD_SOLUTION.replace("a + b", "a.max(b)");
    assert_eq!(
        record(
            &fx,
            "add",
            "max",
            &max,
            "the larger number is right whenever the other is zero."
        )
        .code,
        0
    );
    let shift = common::DOUBLE_SOLUTION.replace("x * 2", "x << 1");
    assert_eq!(
        record(
            &fx,
            "double",
            "shift",
            &shift,
            "a shift instead of a multiplication (no test can tell)."
        )
        .code,
        0
    );
    let r = fx.kata(&["verify"]);
    r.expect(
        1,
        &[
            "✓ solutions/s1-demo/dodges/add__max.patch: caught by suite::add::adds_small_numbers",
            "dodge shift passes every test of kata double (3 tests): add a test that catches it",
            "s1-demo: 2 dodges, not caught: double__shift.patch",
        ],
    );
    assert_eq!(
        fx.read("solutions/s1-demo/src/add.rs"),
        common::ADD_SOLUTION,
        "the dodge is applied to a copy, never to the repository"
    );
    // The dodges were built together into the fixture's target dir: a plain `cargo test` of
    // the solution afterwards must build the reference again, not run the dodged binary.
    let out = std::process::Command::new("cargo")
        .args(["test", "-q", "-p", "solution-s1-demo"])
        .current_dir(&fx.root)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo test after verify: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn verify_names_a_dodge_that_does_not_compile() {
    let fx = Fixture::new("verify-dodge-broken");
    let broken = "//! Add two numbers.\n\npub fn add(a: u32) -> u32 {\n    a\n}\n";
    assert_eq!(
        record(&fx, "add", "broken", broken, "none, it does not compile.").code,
        0
    );
    let r = fx.kata(&["verify"]);
    r.expect(
        1,
        &[
            "does not compile",
            "s1-demo: 1 dodge, not caught: add__broken.patch",
        ],
    );
}

#[test]
fn verify_fails_a_dodge_whose_patch_no_longer_applies_naming_file_and_hunk() {
    let fx = Fixture::new("verify-dodge-stale");
    let max = common::ADD_SOLUTION.replace("a + b", "a.max(b)");
    assert_eq!(
        record(&fx, "add", "max", &max, "the larger number.").code,
        0
    );
    // The reference solution changes under the dodge.
    fx.write(
        "solutions/s1-demo/src/add.rs",
        &common::ADD_SOLUTION.replace("a + b", "b + a"),
    );
    fx.commit();
    let r = fx.kata(&["verify"]);
    r.expect(
        1,
        &["no longer applies to solutions/s1-demo/src/add.rs: hunk 1"],
    );
}

#[test]
fn verify_refuses_a_full_copy_dodge() {
    let fx = Fixture::new("verify-dodge-full-copy");
    fx.write(
        "solutions/s1-demo/dodges/add__copy.rs",
        "//! Dodge: a full copy.\npub fn add(a: u32, b: u32) -> u32 {\n    a.max(b)\n}\n",
    );
    let r = fx.kata(&["verify"]);
    r.expect(1, &["a dodge is a patch now"]);
}

#[test]
fn verify_names_a_stray_kata_file_and_an_unlisted_suite_folder() {
    let fx = Fixture::new("verify-strays");
    fx.write("katas/s1-demo/src/stray.rs", "pub fn stray() {}\n");
    fx.write("tests/x-unlisted/mod.rs", "\n");
    fx.commit();
    let r = fx.kata(&["verify"]);
    r.expect(1, &["✗ katas/s1-demo/src/stray.rs", "✗ tests/x-unlisted/"]);
}

#[test]
fn verify_fails_a_claim_that_names_no_existing_test_and_a_kata_without_a_ledger() {
    let fx = Fixture::new("verify-ledger");
    let stub = common::ADD_STUB.replace("`commutes`", "`commutes`, `is_associative`");
    fx.write("katas/s1-demo/src/add.rs", &stub);
    fx.write(
        "solutions/s1-demo/src/add.rs",
        &common::ADD_SOLUTION.replace("`commutes`", "`commutes`, `is_associative`"),
    );
    let double = fx
        .read("katas/s1-demo/src/double.rs")
        .replace("//! **The tests check.**\n", "//! **Rules.**\n");
    fx.write("katas/s1-demo/src/double.rs", &double);
    let r = fx.kata(&["verify", "--static"]);
    r.expect(
        1,
        &[
            "names `is_associative`, which is no test in tests/s1-demo/add.rs",
            "katas/s1-demo/src/double.rs has no `//! **The tests check.**` section",
        ],
    );
}

#[test]
fn verify_fails_a_solution_whose_brief_or_signature_drifted_from_its_stub() {
    let fx = Fixture::new("verify-contract");
    fx.write(
        "solutions/s1-demo/src/add.rs",
        &common::ADD_SOLUTION
            .replace("//! Add two numbers.\n", "//! Adds.\n")
            .replace("b: u32) -> u32", "b: u64) -> u32"),
    );
    let r = fx.kata(&["verify", "--static"]);
    r.expect(
        1,
        &[
            "the brief differs from line 1",
            "`pub fn add(a: u32, b: u32) -> u32` is missing or different",
        ],
    );
}

#[test]
fn verify_fails_tests_committed_without_refreshing_their_lock() {
    let fx = Fixture::new("verify-tests-lock");
    let tests = fx.read("tests/s1-demo/add.rs") + "\n// a comment is a change too\n";
    fx.write("tests/s1-demo/add.rs", &tests);
    fx.commit();
    let r = fx.kata(&["verify", "--static"]);
    r.expect(1, &[]);
    assert!(
        r.stdout
            .contains("tests/s1-demo/add.rs differs from its record")
            && r.stdout.contains("`cargo kata lock --suite s1-demo`"),
        "{r:?}"
    );
    fx.lock();
    fx.commit();
    let r = fx.kata(&["verify", "--static"]);
    assert_eq!(r.code, 0, "relocked: {r:?}");
}
