//! No litter: temporary state is removed on every exit path, and what an interrupted run
//! left behind is removed by the next one, which says so once.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Fixture;

/// A pid that is certainly not alive: a child that already ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn kata_with_tmpdir(fx: &Fixture, tmp: &Path, args: &[&str]) -> common::Run {
    fx.command(args).env("TMPDIR", tmp).output().unwrap().into()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn litter_of_an_interrupted_run_is_removed_and_reported_once() {
    let fx = Fixture::new("trust-litter");
    let tmp = tempfile::tempdir().unwrap();
    let pid = dead_pid();
    let verify_dir = tmp.path().join(format!("kata-verify-{pid}-abc"));
    std::fs::create_dir_all(verify_dir.join("katas")).unwrap();
    let refs = fx
        .root
        .join(format!(".kata/verify-snapshot-refs-{pid}.txt"));
    fx.write(&format!(".kata/verify-snapshot-refs-{pid}.txt"), "x");
    let sibling = format!("katas/s1-demo/src/.add.rs.kata-{pid}-0.tmp");
    fx.write(&sibling, "half a file");
    let test_dir = fx.root.join(format!(".kata/tmp/kata-test-cwd-{pid}-xyz"));
    std::fs::create_dir_all(&test_dir).unwrap();
    let mine = tmp
        .path()
        .join(format!("kata-verify-{}-live", std::process::id()));
    std::fs::create_dir_all(&mine).unwrap();

    let r = kata_with_tmpdir(&fx, tmp.path(), &["list"]);
    r.expect(0, &[]);
    assert_eq!(
        r.stderr
            .matches("removed what an interrupted run left behind")
            .count(),
        1,
        "{r:?}"
    );
    assert!(!verify_dir.exists() && !refs.exists(), "{r:?}");
    assert!(!test_dir.exists(), "{r:?}");
    assert!(!fx.root.join(&sibling).exists(), "{r:?}");
    assert!(mine.exists(), "a live run's directory is not litter");
    assert!(
        !r.stdout.contains("red"),
        "katas/ no longer counts as edited: {r:?}"
    );

    let again = kata_with_tmpdir(&fx, tmp.path(), &["list"]);
    assert!(!again.stderr.contains("removed"), "{again:?}");
}

#[test]
fn an_interrupted_verify_leaves_no_temp_copy_and_no_refs_file() {
    let fx = Fixture::new("trust-verify-sigint");
    // An edited stub makes verify build the pristine stubs from a temp copy of HEAD.
    fx.write("katas/s1-demo/src/add.rs", common::ADD_SOLUTION);
    let tmp = tempfile::tempdir().unwrap();
    let mut child = fx
        .command(&["verify"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = false;
    while Instant::now() < deadline {
        if entries(tmp.path())
            .iter()
            .any(|p| p.to_string_lossy().contains("kata-verify-"))
        {
            seen = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: SIGINT to the runner this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let _ = child.wait().unwrap();
    let left: Vec<PathBuf> = entries(tmp.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("kata-"))
        .collect();
    assert!(left.is_empty(), "left in the temp dir: {left:?}");
    let refs: Vec<PathBuf> = entries(&fx.root.join(".kata"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("verify-snapshot-refs"))
        .collect();
    assert!(refs.is_empty(), "{refs:?}");
    assert!(seen, "verify never made its temp copy before it ended");
}
