//! `reset` against a temporary git repository: the learner's file is always backed up
//! before the stub comes back, and nothing is written when there is nothing to reset.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kata_runner::error::ResetError;
use kata_runner::learn::reset::{
    Confirmation, KataFile, ResetOutcome, pristine_stub, reset_all, reset_kata,
};

const STUB: &str = "pub fn fsum(xs: &[f64]) -> f64 {\n    todo!(\"fsum of {xs:?}\")\n}\n";
const WORK: &str = "pub fn fsum(xs: &[f64]) -> f64 {\n    xs.iter().sum() // my attempt\n}\n";
const FSUM: &str = "katas/d19a/src/fsum.rs";
const MSUM: &str = "katas/d19a/src/msum.rs";

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=Kata",
            "-c",
            "user.email=kata@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(root)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

/// A repository with two committed stubs.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("katas/d19a/src")).unwrap();
    fs::write(root.join(FSUM), STUB).unwrap();
    fs::write(root.join(MSUM), "// msum stub\n").unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "stubs"]);
    tmp
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn fsum() -> KataFile<'static> {
    KataFile {
        kata_id: "fsum",
        file: Path::new(FSUM),
    }
}

fn backups(root: &Path, kata: &str) -> Vec<PathBuf> {
    let dir = root.join(".kata/backups").join(kata);
    let mut files: Vec<_> = match fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

#[test]
fn the_learners_file_is_backed_up_before_the_stub_is_restored() {
    let tmp = repo();
    let root = tmp.path();
    fs::write(root.join(FSUM), WORK).unwrap();

    let outcome = reset_kata(root, fsum(), at(1_764_042_027)).unwrap();

    let ResetOutcome::Restored {
        backup: Some(backup),
    } = &outcome
    else {
        panic!("expected a restore with a backup, got {outcome:?}");
    };
    assert_eq!(
        backup,
        &root.join(".kata/backups/fsum/20251125T034027.000000000Z.rs"),
        "backups live under .kata/backups/<kata>/<timestamp>.rs"
    );
    assert_eq!(
        fs::read_to_string(backup).unwrap(),
        WORK,
        "the backup holds every byte"
    );
    assert_eq!(
        fs::read_to_string(root.join(FSUM)).unwrap(),
        STUB,
        "the stub is back"
    );
    let message = outcome.message("fsum", root);
    assert!(
        message.contains(".kata/backups/fsum/20251125T034027.000000000Z.rs"),
        "the learner is told where the file went: {message}"
    );
}

#[test]
fn a_pristine_file_is_left_alone() {
    let tmp = repo();
    let root = tmp.path();
    let outcome = reset_kata(root, fsum(), at(1)).unwrap();
    assert_eq!(outcome, ResetOutcome::AlreadyPristine);
    assert!(
        !root.join(".kata").exists(),
        "nothing is written for a pristine file"
    );
    assert!(outcome.message("fsum", root).contains("already"));
}

#[test]
fn two_resets_in_the_same_instant_keep_both_backups_in_order() {
    let tmp = repo();
    let root = tmp.path();
    fs::write(root.join(FSUM), "first attempt\n").unwrap();
    reset_kata(root, fsum(), at(1_000)).unwrap();
    fs::write(root.join(FSUM), "second attempt\n").unwrap();
    reset_kata(root, fsum(), at(1_000)).unwrap();

    let files = backups(root, "fsum");
    let contents: Vec<_> = files
        .iter()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect();
    assert_eq!(
        contents,
        ["first attempt\n", "second attempt\n"],
        "both attempts survive, sorted by name in the order they were made: {files:?}"
    );
}

#[test]
fn a_deleted_kata_file_is_restored_without_a_backup() {
    let tmp = repo();
    let root = tmp.path();
    fs::remove_file(root.join(FSUM)).unwrap();
    let outcome = reset_kata(root, fsum(), at(1)).unwrap();
    assert_eq!(outcome, ResetOutcome::Restored { backup: None });
    assert_eq!(fs::read_to_string(root.join(FSUM)).unwrap(), STUB);
}

#[test]
fn outside_a_git_checkout_it_refuses_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("katas/d19a/src")).unwrap();
    fs::write(root.join(FSUM), WORK).unwrap();
    let err = reset_kata(root, fsum(), at(1)).unwrap_err();
    assert!(matches!(err, ResetError::NotAGitCheckout { .. }), "{err:?}");
    assert!(err.to_string().contains("not a git checkout"), "{err}");
    assert_eq!(fs::read_to_string(root.join(FSUM)).unwrap(), WORK);
    assert!(!root.join(".kata").exists());
}

#[test]
fn an_uncommitted_file_has_no_stub_and_is_not_touched() {
    let tmp = repo();
    let root = tmp.path();
    let new = "katas/d19a/src/new.rs";
    fs::write(root.join(new), WORK).unwrap();
    let kata = KataFile {
        kata_id: "new",
        file: Path::new(new),
    };
    let err = reset_kata(root, kata, at(1)).unwrap_err();
    assert!(matches!(err, ResetError::NotCommitted { .. }), "{err:?}");
    assert!(err.to_string().contains("not committed"), "{err}");
    assert_eq!(fs::read_to_string(root.join(new)).unwrap(), WORK);
    assert!(backups(root, "new").is_empty());
}

#[test]
fn the_stub_is_the_committed_file_not_the_working_copy() {
    let tmp = repo();
    let root = tmp.path();
    fs::write(root.join(FSUM), WORK).unwrap();
    assert_eq!(
        pristine_stub(root, Path::new(FSUM)).unwrap(),
        STUB.as_bytes()
    );
}

fn suite() -> [KataFile<'static>; 2] {
    [
        fsum(),
        KataFile {
            kata_id: "msum",
            file: Path::new(MSUM),
        },
    ]
}

#[test]
fn reset_all_with_yes_resets_every_kata_and_backs_up_each() {
    let tmp = repo();
    let root = tmp.path();
    fs::write(root.join(FSUM), WORK).unwrap();
    let mut never = |_: &str| -> io::Result<bool> { panic!("--yes must not ask") };
    let confirmation = Confirmation {
        yes: true,
        tty: false,
    };
    let results = reset_all(root, "d19a", &suite(), confirmation, &mut never, at(5)).unwrap();
    let outcomes: Vec<_> = results
        .iter()
        .map(|r| (r.kata_id.as_str(), r.outcome.as_ref().unwrap().clone()))
        .collect();
    assert_eq!(outcomes[1], ("msum", ResetOutcome::AlreadyPristine));
    assert!(matches!(
        outcomes[0],
        ("fsum", ResetOutcome::Restored { backup: Some(_) })
    ));
    assert_eq!(fs::read_to_string(root.join(FSUM)).unwrap(), STUB);
    assert_eq!(backups(root, "fsum").len(), 1);
}

#[test]
fn reset_all_without_a_terminal_or_yes_changes_nothing() {
    let tmp = repo();
    let root = tmp.path();
    fs::write(root.join(FSUM), WORK).unwrap();
    let mut never = |_: &str| -> io::Result<bool> { panic!("no terminal: must not ask") };
    let confirmation = Confirmation {
        yes: false,
        tty: false,
    };
    let err = reset_all(root, "d19a", &suite(), confirmation, &mut never, at(5)).unwrap_err();
    assert!(err.to_string().contains("pass --yes"), "{err}");
    assert_eq!(fs::read_to_string(root.join(FSUM)).unwrap(), WORK);
}

#[test]
fn reset_all_declined_on_a_terminal_changes_nothing() {
    let tmp = repo();
    let root = tmp.path();
    fs::write(root.join(FSUM), WORK).unwrap();
    let mut no = |_: &str| Ok(false);
    let confirmation = Confirmation {
        yes: false,
        tty: true,
    };
    let err = reset_all(root, "d19a", &suite(), confirmation, &mut no, at(5)).unwrap_err();
    assert!(matches!(err, ResetError::Declined), "{err:?}");
    assert_eq!(fs::read_to_string(root.join(FSUM)).unwrap(), WORK);
}
