//! A verdict no code can fake and no process that outlives a check: hostile katas.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{ADD_SOLUTION, Fixture};

const ADD: &str = "katas/s1-demo/src/add.rs";

fn hostile(body: &str) -> String {
    format!("//! Hostile.\n\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {{\n{body}\n}}\n")
}

fn progress(fx: &Fixture) -> serde_json::Value {
    serde_json::from_str(&fx.read(".kata/progress.json")).unwrap()
}

/// Pids of live processes whose command line contains `needle` (zombies are not alive).
fn processes_with(needle: &str) -> Vec<i32> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let zombie = std::fs::read_to_string(e.path().join("stat")).is_ok_and(|s| {
            s.rsplit(')')
                .next()
                .is_some_and(|r| r.trim_start().starts_with('Z'))
        });
        if !zombie
            && String::from_utf8_lossy(&cmd)
                .replace('\0', " ")
                .contains(needle)
        {
            found.push(pid);
        }
    }
    found
}

fn kill_all(pids: &[i32]) {
    for p in pids {
        // SAFETY: a plain kill of a pid this test saw as its own stray.
        unsafe {
            libc::kill(*p, libc::SIGKILL);
        }
    }
}

#[test]
fn exiting_zero_from_the_code_under_test_is_a_crash_not_a_pass() {
    let fx = Fixture::new("trust-exit0");
    fx.write(ADD, &hostile("    std::process::exit(0)"));
    let r = fx.kata(&["check", "add"]);
    r.expect(
        1,
        &["the test process exited before the test finished (std::process::exit?)"],
    );
    let k = &progress(&fx)["katas"]["s1-demo/add"];
    assert_eq!(k["last_verdict"]["status"], "red");
    assert!(k["green_at"].is_null(), "{k}");
}

#[test]
fn fake_libtest_lines_on_stdout_do_not_pass() {
    let fx = Fixture::new("trust-fake");
    fx.write(
        ADD,
        &hostile(
            "    println!(\"test suite::add::adds_zero ... ok\\ntest suite::add::commutes ... ok\\ntest suite::add::adds_small_numbers ... ok\\n\\ntest result: ok. 1 passed; 0 failed\");\n    std::process::exit(0)",
        ),
    );
    let r = fx.kata(&["check", "add"]);
    r.expect(1, &["3 of 3 tests fail"]);
}

#[test]
fn a_printed_ignored_line_does_not_pass() {
    let fx = Fixture::new("trust-fake-ignored");
    fx.write(
        ADD,
        &hostile(
            "    println!(\"test suite::add::adds_zero ... ignored\");\n    std::process::exit(0)",
        ),
    );
    let r = fx.kata(&["check", "add"]);
    r.expect(1, &["3 of 3 tests fail"]);
}

#[test]
fn an_ignored_test_never_counts_as_passing() {
    let fx = Fixture::new("trust-ignored");
    let tests = fx.read("tests/s1-demo/add.rs");
    fx.write(
        "tests/s1-demo/add.rs",
        &tests.replacen(
            "#[test]\nfn adds_zero",
            "#[test]\n#[ignore]\nfn adds_zero",
            1,
        ),
    );
    // Shipped so by the author: a learner's own #[ignore] is "tests modified" instead.
    fx.commit_as_author();
    fx.write(ADD, ADD_SOLUTION);
    let r = fx.kata(&["check", "add"]);
    r.expect(1, &["ignored: an ignored test never counts as passing"]);
}

#[test]
fn children_a_test_spawns_die_with_it_and_failures_keep_their_message() {
    let fx = Fixture::new("trust-children");
    fx.write(
        ADD,
        &hostile(
            "    let _ = std::process::Command::new(\"sleep\").arg(\"3171\").spawn();\n    todo!(\"add {a} and {b}\")",
        ),
    );
    let r = fx.kata(&["check", "add"]);
    let strays = processes_with("sleep 3171");
    kill_all(&strays);
    r.expect(1, &[]);
    assert!(strays.is_empty(), "stray children: {strays:?}");
    assert!(
        r.stdout.contains("not yet implemented: add 1 and 2"),
        "{r:?}"
    );
    assert!(!r.stdout.contains("crashed"), "{r:?}");
}

#[test]
fn a_timed_out_test_leaves_no_process() {
    let fx = Fixture::new("trust-timeout");
    fx.write(
        ADD,
        &hostile(
            "    let _ = std::process::Command::new(\"sleep\").arg(\"3172\").spawn();\n    loop { std::hint::spin_loop() }",
        ),
    );
    let r = fx.kata(&["--timeout", "1", "check", "add"]);
    let strays = processes_with("sleep 3172");
    let spinners = processes_with(&format!("{}", fx.root.join("target").display()));
    kill_all(&strays);
    kill_all(&spinners);
    r.expect(1, &["timed out after 1 s"]);
    assert!(
        strays.is_empty() && spinners.is_empty(),
        "{strays:?} {spinners:?}"
    );
}

#[test]
fn an_interrupted_check_leaves_no_process_and_no_temp_dir() {
    let fx = Fixture::new("trust-sigint");
    fx.write(ADD, &hostile("    loop { std::hint::spin_loop() }"));
    // Build first so the interrupt lands while tests run.
    let _ = fx.kata(&["--timeout", "1", "check", "add"]);
    let tmp = tempfile::tempdir().unwrap();
    let mut child = fx
        .command(&["--timeout", "120", "check", "add"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let needle = format!("{}", fx.root.join("target").display());
    let deadline = Instant::now() + Duration::from_secs(120);
    while processes_with(&needle)
        .iter()
        .all(|p| !cmdline(*p).contains("suite::add::"))
    {
        assert!(Instant::now() < deadline, "the tests never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: SIGINT to the runner this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    let spinners: Vec<i32> = processes_with(&needle)
        .into_iter()
        .filter(|p| cmdline(*p).contains("suite::add::"))
        .collect();
    kill_all(&spinners);
    assert!(!status.success());
    assert!(spinners.is_empty(), "test processes left: {spinners:?}");
    let mut left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    if let Ok(scratch) = std::fs::read_dir(fx.root.join(".kata/tmp")) {
        left.extend(scratch.flatten().map(|e| e.path()));
    }
    assert!(left.is_empty(), "temp litter: {left:?}");
}

fn cmdline(pid: i32) -> String {
    std::fs::read(Path::new("/proc").join(pid.to_string()).join("cmdline"))
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .unwrap_or_default()
}

#[test]
fn an_output_flood_is_cut_and_the_runner_stays_small() {
    let fx = Fixture::new("trust-flood");
    fx.write(
        ADD,
        &hostile(
            "    use std::io::Write;\n    let line = \"x\".repeat(1000) + \"\\n\";\n    let mut out = std::io::stdout();\n    loop { let _ = out.write_all(line.as_bytes()); }",
        ),
    );
    let out = fx
        .command(&["--timeout", "3", "check", "add"])
        .env("KATA_TIMINGS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak_kb: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|v| v.trim_end_matches(" kB").parse().ok())
        .unwrap_or_else(|| panic!("no peak memory line: {stderr}"));
    assert!(peak_kb < 150 * 1024, "peak RSS {peak_kb} kB");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("timed out"),
        "{stderr}"
    );
}

#[test]
fn a_test_above_the_memory_ceiling_is_reported_as_such() {
    let fx = Fixture::new("trust-memory");
    fx.write(
        ADD,
        &hostile("    let v: Vec<u8> = Vec::with_capacity(3 << 30);\n    std::hint::black_box(&v);\n    a + b"),
    );
    let out = fx
        .command(&["check", "add"])
        .env("KATA_TEST_MEMORY_GB", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("used more than 1 GB"), "{stdout}");
    assert!(
        !stdout.contains("--logfile"),
        "libtest's own warning is not shown: {stdout}"
    );
}

/// Issue 32, item 7: a child that left the test's process group and holds its pipes costs no
/// long wait, the test's own output is kept, and the screen names the process left running.
#[test]
fn a_child_that_escaped_the_group_is_named_and_the_tests_output_is_kept() {
    let f = Fixture::new("trust-escaped-child");
    f.write(
        "katas/s1-demo/src/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    use std::os::unix::process::CommandExt;\n    if (a, b) == (1, 2) {\n        let _ = std::process::Command::new(\"sleep\").arg(\"30\").process_group(0).spawn();\n    }\n    a * b\n}\n",
    );
    let r = f.kata(&["check", "add"]);
    let pids: Vec<i32> = r
        .stdout
        .split("process ")
        .skip(1)
        .filter_map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .collect();
    for pid in &pids {
        // SAFETY: kill has no memory effects; the pid is the escaped `sleep` named above.
        unsafe {
            libc::kill(*pid, libc::SIGKILL);
        }
    }
    r.expect(1, &[]);
    assert!(
        r.stdout.contains("1 + 2 must be 3"),
        "the test's output is kept: {r:?}"
    );
    assert!(
        r.stdout.contains("left its process group") && r.stdout.contains("left running"),
        "{r:?}"
    );
    assert!(!pids.is_empty(), "the escaped process is named: {r:?}");
}
