//! A closed output pipe (`cargo kata list | head -0`) ends the runner quietly (issue 14).

mod common;

use std::process::{Command, Stdio};

use common::Fixture;

#[test]
fn a_closed_stdout_ends_the_runner_without_a_panic() {
    let f = Fixture::new("pipe-closed");
    for args in [&["list"][..], &["list", "--json"], &["hint", "add"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kata"))
            .current_dir(&f.root)
            .args(args)
            .env("KATA_ROOT", &f.root)
            .env_remove("CARGO_TARGET_DIR")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the runner writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 141)),
            "{args:?}: exit {:?}, stderr: {stderr}",
            out.status
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
