//! The runner's vocabulary: katas, statuses, test outcomes, rustc's diagnostics, verdicts and
//! list rows. Plain data: nothing here reads or writes a file.
//!
//! Every other module speaks in these types: the manifest produces katas, `check` produces
//! verdicts, `status` produces rows, and `render`, `json` and `state` consume them. Keeping
//! them here (and not in one of their producers or consumers) lets each of those modules
//! import what it needs without reaching into another's internals.

use std::time::Duration;

use serde::{Deserialize, Serialize};

// --- The curriculum: suites and katas, as katas.toml lists them. ---

/// One suite: an article turned into katas.
#[derive(Debug, Clone, Deserialize)]
pub struct Suite {
    /// The folder name under katas/, solutions/, tests/.
    pub id: String,
    /// What the suite is about.
    pub title: String,
    /// The source article's title.
    #[serde(default)]
    pub article: String,
    /// The source article's URL.
    #[serde(default)]
    pub url: String,
    /// The katas in order.
    #[serde(default, rename = "kata")]
    pub katas: Vec<Kata>,
}

/// One kata: a file to edit and the tests that judge it.
#[derive(Debug, Clone, Deserialize)]
pub struct Kata {
    /// The module name, unique within its suite.
    pub id: String,
    /// What the learner builds.
    pub title: String,
    /// The learner's file, relative to the repository root: katas.toml's `file`, else (when
    /// it is absent or empty) `katas/<suite>/src/<id>.rs`, filled in by the manifest.
    #[serde(default)]
    pub file: String,
    /// The test filter selecting exactly this kata's tests: katas.toml's `tests`, else
    /// `suite::<id>::`, filled in by the manifest.
    #[serde(default)]
    pub tests: String,
    /// The concepts it teaches: ids of katas.toml's `[concepts]` vocabulary, what readiness
    /// is measured in.
    #[serde(default)]
    pub concepts: Vec<String>,
    /// Free words for what it touches (not measured).
    #[serde(default)]
    pub topics: Vec<String>,
    /// Progressive hints, from "where to look" to "which std item to use".
    #[serde(default)]
    pub hints: Vec<String>,
}

/// A kata together with the suite it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct KataRef<'m> {
    /// The suite.
    pub suite: &'m Suite,
    /// The kata.
    pub kata: &'m Kata,
}

impl std::ops::Deref for KataRef<'_> {
    type Target = Kata;

    /// A kata reference reads as its kata: `verdict.kata.file` is the kata's file, with no
    /// second `.kata` in between.
    fn deref(&self) -> &Kata {
        self.kata
    }
}

impl KataRef<'_> {
    /// `suite/kata`, unique across the curriculum.
    pub fn key(&self) -> String {
        format!("{}/{}", self.suite.id, self.kata.id)
    }
}

// --- What the learner sees about a kata. ---

/// A kata's status as last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every test passes.
    Green,
    /// Some test fails, times out or crashes.
    Red,
    /// The learner's crate does not compile.
    DoesNotCompile,
    /// Untouched stub, never checked.
    NotStarted,
    /// A file the verdict depends on changed while it was checked, again and again: the
    /// verdict describes no file on disk and is not recorded.
    NotCurrent,
    /// The suite's tests, snapshots or crate scaffolding differ from the ones `katas.lock`
    /// records: whatever they say is not counted.
    TestsModified,
}

impl Status {
    /// Words for the learner.
    pub fn label(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Red => "red",
            Status::DoesNotCompile => "does not compile",
            Status::NotStarted => "not started",
            Status::NotCurrent => "not current",
            Status::TestsModified => "tests modified — not counted",
        }
    }
}

// --- How one test ended. ---

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It passed.
    Passed,
    /// It failed (a panic or an unmet `should_panic`).
    Failed {
        /// The assertion message.
        message: String,
        /// Where it panicked.
        location: Option<Location>,
        /// What it printed before (e.g. a snapshot diff).
        output: String,
    },
    /// Killed after the timeout.
    TimedOut {
        /// The timeout in seconds.
        secs: u64,
    },
    /// Killed by a signal or an abnormal exit (stack overflow, abort).
    Crashed {
        /// What happened and the end of its stderr.
        detail: String,
    },
    /// libtest skipped it (`#[ignore]`).
    Ignored,
    /// Not run: another test of the same kata timed out first, so the rest of the kata is
    /// not given the full timeout each (an endless loop would cost minutes).
    NotRun {
        /// The test that timed out.
        after: String,
        /// Its timeout in seconds.
        secs: u64,
    },
}

impl Outcome {
    /// Stable name used in JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed { .. } => "failed",
            Outcome::TimedOut { .. } => "timed_out",
            Outcome::Crashed { .. } => "crashed",
            Outcome::Ignored => "ignored",
            Outcome::NotRun { .. } => "not_run",
        }
    }

    /// Whether the test counts as passing: libtest said `ok`. An ignored test never does.
    pub fn is_pass(&self) -> bool {
        matches!(self, Outcome::Passed)
    }

    /// Why a test was not run ([`Outcome::NotRun`]): `after`, another test of its kata,
    /// timed out first after `secs` seconds.
    pub fn not_run(after: &str, secs: u64) -> String {
        let short = after.rsplit("::").next().unwrap_or(after);
        format!(
            "not run: `{short}` timed out after {secs} s first; `--timeout {}` gives every test longer",
            secs * 3
        )
    }
}

/// Where a test panicked, as rustc recorded it (a path relative to the workspace root).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The source file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// The result of one test.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time.
    pub duration: Duration,
    /// What the learner should know besides the outcome (a process that escaped the test's
    /// process group and was left running).
    pub note: Option<String>,
}

// --- The verdict on one kata. ---

/// The verdict on one kata.
#[derive(Debug, Clone)]
pub struct Verdict<'m> {
    /// The kata.
    pub kata: KataRef<'m>,
    /// Its status.
    pub status: Status,
    /// Its tests' results, in list order.
    pub tests: Vec<TestResult>,
    /// rustc's errors that block it (its own file's first).
    pub diagnostics: Vec<Diagnostic>,
    /// Something else the learner should know (no tests matched, …).
    pub note: Option<String>,
    /// What the verdict was computed from, taken before the build started.
    pub inputs: Inputs,
}

impl Verdict<'_> {
    /// Tests that passed (an ignored test never does).
    pub fn passed(&self) -> usize {
        self.tests.iter().filter(|t| t.outcome.is_pass()).count()
    }

    /// Tests that did not pass: failed, timed out, crashed, ignored or not run.
    pub fn failed(&self) -> usize {
        self.tests.len() - self.passed()
    }
}

/// One rustc diagnostic.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostic {
    /// The package it belongs to.
    pub package: String,
    /// `error`, `warning`, …
    pub level: String,
    /// rustc's rendered text (ANSI-coloured if requested).
    pub rendered: String,
    /// Primary spans: file (relative to the workspace root) and line.
    pub spans: Vec<SpanAt>,
}

/// Where a diagnostic points.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SpanAt {
    /// The file, relative to the workspace root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

/// The state of a kata's inputs: its file's hash, its suite's fingerprint, and the stamp of
/// every input file (so a change undone before the check ends still shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// Hash of the kata file.
    pub file_hash: String,
    /// Hash of everything the suite's verdicts depend on.
    pub fingerprint: String,
    /// Hash of the inputs' names, sizes, mtimes and (on Unix) change times and inodes: any
    /// write, even one that puts the same bytes back (A→B→A), changes it. Never stored.
    pub stamp: String,
}

// --- One line of `cargo kata list`. ---

/// One kata's status as the summary and `list` know it.
#[derive(Debug, Clone)]
pub struct Row<'m> {
    /// The kata.
    pub kata: KataRef<'m>,
    /// Its status.
    pub status: Status,
    /// Passing tests (when known).
    pub passed: usize,
    /// Failing tests (when known).
    pub failed: usize,
}

/// A one-suite curriculum and verdicts on it, for the unit tests of the modules that consume
/// these types (`render`, `json`, `check`, `status`).
#[cfg(test)]
pub(crate) mod sample {
    use std::path::Path;
    use std::time::Duration;

    use super::{Inputs, KataRef, Outcome, Status, TestResult, Verdict};
    use crate::manifest::Manifest;

    /// Two katas in one suite: `add` (with hints) and `double`.
    pub fn manifest() -> Manifest {
        Manifest::parse(
            r#"
[[suite]]
id = "s1-demo"
title = "A demo suite"

[[suite.kata]]
id = "add"
title = "Adding numbers"
file = "katas/s1-demo/src/add.rs"
tests = "suite::add::"
concepts = ["addition"]
hints = ["Look at the + operator."]

[[suite.kata]]
id = "double"
title = "Doubling"
file = "katas/s1-demo/src/double.rs"
tests = "suite::double::"
"#,
            Path::new("katas.toml"),
        )
        .expect("the sample manifest is valid")
    }

    /// The kata `id` of the sample manifest.
    pub fn kata<'m>(m: &'m Manifest, id: &str) -> KataRef<'m> {
        m.kata(id).expect("a kata of the sample manifest")
    }

    /// One test of `kata` with `outcome`.
    pub fn test(kata: &KataRef<'_>, name: &str, outcome: Outcome) -> TestResult {
        TestResult {
            name: format!("{}{name}", kata.tests),
            outcome,
            duration: Duration::from_millis(3),
            note: None,
        }
    }

    /// A verdict on the sample kata `add` with one test per `(name, outcome)`.
    pub fn add_verdict(tests: Vec<(&str, Outcome)>) -> Verdict<'static> {
        static MANIFEST: std::sync::OnceLock<Manifest> = std::sync::OnceLock::new();
        verdict_of(kata(MANIFEST.get_or_init(manifest), "add"), tests)
    }

    /// A verdict on `kata` with one test per `(name, outcome)`.
    pub fn verdict_of<'m>(kata: KataRef<'m>, tests: Vec<(&str, Outcome)>) -> Verdict<'m> {
        let tests = tests
            .into_iter()
            .map(|(name, outcome)| test(&kata, name, outcome))
            .collect();
        verdict(kata, tests)
    }

    /// A verdict on `kata` with `tests`, its status judged as `check` does.
    pub fn verdict<'m>(kata: KataRef<'m>, tests: Vec<TestResult>) -> Verdict<'m> {
        let status = if tests.iter().all(|t| t.outcome.is_pass()) && !tests.is_empty() {
            Status::Green
        } else {
            Status::Red
        };
        Verdict {
            kata,
            status,
            tests,
            diagnostics: Vec::new(),
            note: None,
            inputs: Inputs {
                file_hash: "h".into(),
                fingerprint: "f".into(),
                stamp: "s".into(),
            },
        }
    }

    /// A failed assertion at `file:line`.
    pub fn failed(message: &str, file: &str, line: u32) -> Outcome {
        Outcome::Failed {
            message: message.into(),
            location: Some(super::Location {
                file: file.into(),
                line,
                column: 5,
            }),
            output: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sample;
    use super::*;

    #[test]
    fn a_kata_ref_reads_as_its_kata_and_knows_its_key() {
        let m = sample::manifest();
        let k = sample::kata(&m, "add");
        assert_eq!(k.id, "add");
        assert_eq!(k.key(), "s1-demo/add");
    }

    #[test]
    fn only_a_pass_counts_as_passing_and_each_outcome_has_a_json_name() {
        let outcomes = [
            (Outcome::Passed, "passed", true),
            (sample::failed("x", "f.rs", 1), "failed", false),
            (Outcome::TimedOut { secs: 1 }, "timed_out", false),
            (Outcome::Crashed { detail: "d".into() }, "crashed", false),
            (Outcome::Ignored, "ignored", false),
            (
                Outcome::NotRun {
                    after: "t".into(),
                    secs: 1,
                },
                "not_run",
                false,
            ),
        ];
        for (outcome, kind, pass) in outcomes {
            assert_eq!(outcome.kind(), kind);
            assert_eq!(outcome.is_pass(), pass, "{kind}");
        }
    }

    #[test]
    fn a_test_not_run_after_a_timeout_says_how_to_give_it_longer() {
        assert_eq!(
            Outcome::not_run("suite::add::loops", 2),
            "not run: `loops` timed out after 2 s first; `--timeout 6` gives every test longer"
        );
    }

    #[test]
    fn a_verdict_counts_its_passed_and_failed_tests() {
        let v = sample::add_verdict(vec![
            ("a", Outcome::Passed),
            ("b", Outcome::Ignored),
            ("c", Outcome::TimedOut { secs: 2 }),
        ]);
        assert_eq!((v.passed(), v.failed()), (1, 2));
    }

    #[test]
    fn statuses_have_words_for_the_learner() {
        assert_eq!(Status::DoesNotCompile.label(), "does not compile");
        assert_eq!(Status::NotStarted.label(), "not started");
    }
}
