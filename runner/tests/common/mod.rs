//! A tiny kata workspace generated in a temp dir: crates without dependencies, so it builds in
//! seconds. Each fixture has its own target dir: cargo hashes a path package by its path relative
//! to the workspace root, so fixtures sharing a target dir would overwrite each other's binaries.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A generated workspace.
pub struct Fixture {
    pub root: PathBuf,
}

pub const ADD_STUB: &str = "//! Add two numbers.\n//! **The tests check.**\n//! - the sum. Checked by `adds_small_numbers`, `adds_zero`, `commutes`.\n\n/// Adds `a` and `b`.\npub fn add(a: u32, b: u32) -> u32 {\n    todo!(\"add {a} and {b}\")\n}\n";
pub const ADD_SOLUTION: &str = "//! Add two numbers.\n//! **The tests check.**\n//! - the sum. Checked by `adds_small_numbers`, `adds_zero`, `commutes`.\n\n/// Adds `a` and `b`.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";
const DOUBLE_STUB: &str = "//! Double a number.\n//! **The tests check.**\n//! - twice the number. Checked by `doubles_one`, `doubles_zero`, `doubles_large`.\n\n/// Twice `x`.\npub fn double(x: u64) -> u64 {\n    todo!(\"double {x}\")\n}\n";
pub const DOUBLE_SOLUTION: &str = "//! Double a number.\n//! **The tests check.**\n//! - twice the number. Checked by `doubles_one`, `doubles_zero`, `doubles_large`.\n\n/// Twice `x`.\npub fn double(x: u64) -> u64 {\n    x * 2\n}\n";

const MANIFEST: &str = r#"
[[suite]]
id = "SUITE"
title = "A demo suite"
article = "Demo"
url = "https://example.invalid/demo"

[[suite.kata]]
id = "add"
title = "Adding numbers"
file = "katas/SUITE/src/add.rs"
tests = "suite::add::"
concepts = ["addition"]
hints = ["Look at the + operator.", "a + b"]

[[suite.kata]]
id = "double"
title = "Doubling"
file = "katas/SUITE/src/double.rs"
tests = "suite::double::"
hints = ["Multiply."]
"#;

const ADD_TESTS: &str = r#"use crate::add::add;

#[test]
fn adds_small_numbers() {
    assert_eq!(add(1, 2), 3, "1 + 2 must be 3");
}

#[test]
fn adds_zero() {
    assert_eq!(add(0, 7), 7, "0 is the identity");
}

#[test]
fn commutes() {
    assert_eq!(add(4, 5), add(5, 4), "order must not matter");
}

#[cfg(feature = "held-out")]
mod held_out {
    use crate::add::add;

    #[test]
    fn adds_larger_numbers() {
        assert_eq!(add(1000, 2000), 3000, "1000 + 2000 must be 3000");
    }
}
"#;

const DOUBLE_TESTS: &str = r#"use crate::double::double;

#[test]
fn doubles_one() {
    assert_eq!(double(1), 2, "twice 1 is 2");
}

#[test]
fn doubles_zero() {
    assert_eq!(double(0), 0, "twice 0 is 0");
}

#[test]
fn doubles_large() {
    assert_eq!(double(1 << 40), 1 << 41, "twice 2^40 is 2^41");
}
"#;

fn lib(kind: &str, suite: &str) -> String {
    format!(
        "//! The demo suite ({kind}).\n\npub mod add;\npub mod double;\n\n#[cfg(test)]\n#[path = \"../../../tests/{suite}/mod.rs\"]\nmod suite;\n"
    )
}

fn cargo_toml(name: &str) -> String {
    // The reference solutions compile the held-out cases by default, as the real suites do.
    let default = if name.starts_with("solution-") {
        "default = [\"held-out\"]\n"
    } else {
        ""
    };
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[features]\n{default}one-kata = []\nall-tests = []\nadd = []\ndouble = []\nheld-out = []\n\n[dependencies]\n"
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn git(root: &Path, args: &[&str]) {
    let st = Command::new("git")
        .current_dir(root)
        .args([
            "-c",
            "user.name=fixture",
            "-c",
            "user.email=fixture@example.invalid",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}

fn git_out(root: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Fixture {
    /// A fresh, committed fixture workspace named `name` with the suite `s1-demo`.
    pub fn new(name: &str) -> Self {
        Self::with_suites(name, &["s1-demo"])
    }

    /// A fresh, committed fixture workspace with the same two katas in each suite.
    pub fn with_suites(name: &str, suites: &[&str]) -> Self {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("fixture-{name}"));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        write(
            &root,
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"katas/*\", \"solutions/*\"]\n",
        );
        write(&root, ".gitignore", "/target\n/.kata\n");
        let manifest: String = suites
            .iter()
            .map(|id| MANIFEST.replace("SUITE", id))
            .collect();
        write(&root, "katas.toml", &manifest);
        for suite in suites {
            for (dir, pkg, add, double) in [
                ("katas", "kata", ADD_STUB, DOUBLE_STUB),
                ("solutions", "solution", ADD_SOLUTION, DOUBLE_SOLUTION),
            ] {
                let base = format!("{dir}/{suite}");
                write(
                    &root,
                    &format!("{base}/Cargo.toml"),
                    &cargo_toml(&format!("{pkg}-{suite}")),
                );
                write(&root, &format!("{base}/src/lib.rs"), &lib(dir, suite));
                write(&root, &format!("{base}/src/add.rs"), add);
                write(&root, &format!("{base}/src/double.rs"), double);
            }
            write(
                &root,
                &format!("tests/{suite}/mod.rs"),
                "//! The demo suite.\n\n#[cfg(any(not(feature = \"one-kata\"), feature = \"add\"))]\nmod add;\n#[cfg(any(not(feature = \"one-kata\"), feature = \"double\"))]\nmod double;\n",
            );
            write(&root, &format!("tests/{suite}/add.rs"), ADD_TESTS);
            write(&root, &format!("tests/{suite}/double.rs"), DOUBLE_TESTS);
        }
        git(&root, &["init", "-q"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-qm", "fixture"]);
        // The pristine stubs and the shipped tests, recorded as authors do.
        let fixture = Self { root };
        fixture.lock();
        git(&fixture.root, &["add", "-A"]);
        git(&fixture.root, &["commit", "-qm", "lock the pristine stubs"]);
        fixture
    }

    /// Commits everything as an author does: then records HEAD's stubs and shipped tests in
    /// katas.lock and commits that too.
    pub fn commit_as_author(&self) {
        self.commit();
        self.lock();
        self.commit();
    }

    /// Records HEAD's stubs and shipped tests in katas.lock (`cargo kata lock`), uncommitted.
    pub fn lock(&self) {
        let r = self.kata(&["lock"]);
        assert_eq!(r.code, 0, "kata lock: {r:?}");
    }

    /// Overwrites a file (relative to the root).
    pub fn write(&self, rel: &str, text: &str) {
        write(&self.root, rel, text);
    }

    /// Reads a file (relative to the root).
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Commits everything.
    pub fn commit(&self) {
        git(&self.root, &["add", "-A"]);
        git(&self.root, &["commit", "-qm", "change"]);
    }

    /// Starts `kata <args>` in the fixture with `stdin`; its stdout comes line by line on the
    /// returned channel (stderr is dropped).
    pub fn spawn_kata(&self, args: &[&str], stdin: Stdio) -> (Child, mpsc::Receiver<String>) {
        let mut child = self
            .command(args)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        (child, rx)
    }

    /// `kata <args>` in the fixture, not yet started: plain output, the fixture's own target dir.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kata"));
        cmd.current_dir(&self.root)
            .args(args)
            .env("KATA_ROOT", &self.root)
            .env_remove("CARGO_TARGET_DIR")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Runs `kata <args>` in the fixture.
    pub fn kata(&self, args: &[&str]) -> Run {
        self.kata_with_env(args, &[])
    }

    /// Runs `kata <args>` in the fixture with extra environment variables.
    pub fn kata_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = self
            .command(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        Run::from(out)
    }
}

/// `kata <args>` in `dir`, outside any kata repository.
pub fn kata_in(dir: &Path, args: &[&str]) -> Run {
    Command::new(env!("CARGO_BIN_EXE_kata"))
        .current_dir(dir)
        .args(args)
        .env_remove("KATA_ROOT")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
        .into()
}

/// The kata `id` in a report or history document's `katas` array.
pub fn kata_entry<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["katas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("no kata {id} in {r}"))
}

/// `text` as the inside of a Rust string literal (for kata files a test writes that embed
/// another file's text).
pub fn rust_string_body(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Reads lines from a [`Fixture::spawn_kata`] channel until one contains `what`; returns
/// everything read. Fails, with what was read, after two minutes without such a line.
pub fn wait_for_line(rx: &mpsc::Receiver<String>, what: &str) -> String {
    let mut seen = String::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(what) {
                    return seen;
                }
            }
            Err(e) => panic!("no line with {what:?} ({e}); got:\n{seen}"),
        }
    }
}

/// What a run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Fails, showing the whole run, unless it exited with `code` and printed every one of
    /// `needles` to stdout.
    #[track_caller]
    pub fn expect(&self, code: i32, needles: &[&str]) {
        self.expect_in(code, &self.stdout, "stdout", needles);
    }

    /// As [`Run::expect`], for what it printed to stderr.
    #[track_caller]
    pub fn expect_stderr(&self, code: i32, needles: &[&str]) {
        self.expect_in(code, &self.stderr, "stderr", needles);
    }

    #[track_caller]
    fn expect_in(&self, code: i32, printed: &str, stream: &str, needles: &[&str]) {
        assert_eq!(self.code, code, "{self:?}");
        for needle in needles {
            assert!(
                printed.contains(needle),
                "no {needle:?} on {stream}: {self:?}"
            );
        }
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}
