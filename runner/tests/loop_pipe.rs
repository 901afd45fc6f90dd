//! A closed output pipe (`cargo kata list | head -0`) ends the runner quietly (issue 14).

mod common;

use std::process::Stdio;

use common::Fixture;

#[test]
fn a_closed_stdout_ends_the_runner_without_a_panic() {
    let f = Fixture::new("pipe-closed");
    for args in [&["list"][..], &["list", "--json"], &["hint", "add"]] {
        let mut child = f
            .command(args)
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
