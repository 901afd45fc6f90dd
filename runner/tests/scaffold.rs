//! `cargo kata new` on a fresh clone of this repository, through verify (issue 12's done-when).
//!
//! It clones HEAD and builds the new suite into the workspace's own target dir, so the suites'
//! test dependencies (insta, proptest) are reused: about 6 s once any `cargo kata` command has
//! built them, a minute or so on a cold target dir.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, program: &str, args: &[&str], target: &Path) -> Output {
    Command::new(program)
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("KATA_ROOT")
        .env("NO_COLOR", "1")
        .output()
        .expect("the program starts")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn commit(dir: &Path, target: &Path) {
    for args in [
        &["add", "-A"][..],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "commit",
            "-qm",
            "step",
        ],
    ] {
        let o = run(dir, "git", args, target);
        assert!(o.status.success(), "git {args:?}: {}", text(&o));
    }
}

#[test]
fn a_scaffolded_suite_builds_fails_verify_naming_what_is_missing_then_passes_once_written() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the runner is inside the repository")
        .to_path_buf();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp
        .parent()
        .expect("target/tmp is inside target")
        .to_path_buf();
    let clone = tmp.join("scaffold-fresh-clone");
    let _ = std::fs::remove_dir_all(&clone);
    let o = run(
        &repo,
        "git",
        &["clone", "-q", ".", &clone.display().to_string()],
        &target,
    );
    assert!(o.status.success(), "git clone: {}", text(&o));
    let kata = env!("CARGO_BIN_EXE_kata");

    let o = run(&clone, kata, &["new", "d99-scratch/first_kata"], &target);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &clone,
        "cargo",
        &[
            "build",
            "--tests",
            "-p",
            "kata-d99-scratch",
            "-p",
            "solution-d99-scratch",
        ],
        &target,
    );
    assert!(o.status.success(), "both crates build: {}", text(&o));
    commit(&clone, &target);
    // The committed stub is the pristine one: record it, as verify's message asks.
    let o = run(&clone, kata, &["lock", "--suite", "d99-scratch"], &target);
    assert!(o.status.success(), "kata lock: {}", text(&o));
    commit(&clone, &target);

    let o = run(&clone, kata, &["verify", "--suite", "d99-scratch"], &target);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    for missing in [
        "✗ solution-d99-scratch: suite::first_kata::placeholder_write_the_tests",
        "✗ d99-scratch/first_kata: at least 3 tests match `suite::first_kata::`",
        "✗ solutions/d99-scratch/src/first_kata.rs: the reference solution is written",
        "✗ d99-scratch: held-out cases in at least half its katas",
    ] {
        assert!(out.contains(missing), "verify names {missing:?}:\n{out}");
    }
    assert!(
        out.trim_end().ends_with("passed, 4 failed"),
        "exactly those four: {out}"
    );

    std::fs::write(
        clone.join("tests/d99-scratch/first_kata.rs"),
        "use crate::first_kata::first_kata;\n\n\
         #[test]\nfn returns_the_answer() {\n    assert_eq!(first_kata(), 42, \"the answer\");\n}\n\n\
         #[test]\nfn is_even() {\n    assert_eq!(first_kata() % 2, 0, \"42 is even\");\n}\n\n\
         #[test]\nfn is_positive() {\n    assert!(first_kata() > 0, \"42 is positive\");\n}\n\n\
         #[cfg(feature = \"held-out\")]\nmod held_out {\n    use crate::first_kata::first_kata;\n\n    \
         #[test]\n    fn is_below_a_hundred() {\n        assert!(first_kata() < 100, \"42 is below 100\");\n    }\n}\n",
    )
    .expect("write the tests");
    let brief = "//! The answer.\n//!\n//! **The tests check.**\n//! - 42. Checked by `returns_the_answer`, `is_even`, `is_positive`.\n\n\
                 /// The answer.\npub fn first_kata() -> u32 {\n";
    std::fs::write(
        clone.join("katas/d99-scratch/src/first_kata.rs"),
        format!("{brief}    todo!(\"the answer\")\n}}\n"),
    )
    .expect("write the stub");
    std::fs::write(
        clone.join("solutions/d99-scratch/src/first_kata.rs"),
        format!("{brief}    42\n}}\n"),
    )
    .expect("write the solution");
    commit(&clone, &target);
    let o = run(&clone, kata, &["lock", "--suite", "d99-scratch"], &target);
    assert!(o.status.success(), "kata lock: {}", text(&o));
    commit(&clone, &target);
    let o = run(&clone, kata, &["verify", "--suite", "d99-scratch"], &target);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.trim_end().ends_with("passed, 0 failed"), "{out}");
    let _ = std::fs::remove_dir_all(&clone);
}
