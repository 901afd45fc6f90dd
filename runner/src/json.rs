//! The `--json` shapes of `list`, `check` and `verify` (documented in runner/README.md).
//!
//! Each top-level object starts with `schema_version`: scripts can refuse a shape they do
//! not know instead of misreading it. Adding a field keeps the version; renaming, removing
//! or changing the meaning of one bumps it (and the README's table).

use std::path::Path;

use serde::Serialize;

use crate::domain::{Diagnostic, Location, Outcome, Row, Status, Verdict};

/// The version of the `list --json` shape.
pub const LIST_SCHEMA: u32 = 1;
/// The version of the `check --json` shape.
pub const CHECK_SCHEMA: u32 = 1;
/// The version of the `verify --json` shape.
pub const VERIFY_SCHEMA: u32 = 1;

/// `cargo kata list --json`.
#[derive(Debug, Serialize)]
pub struct List {
    /// [`LIST_SCHEMA`].
    pub schema_version: u32,
    /// Suites in curriculum order.
    pub suites: Vec<SuiteRows>,
    /// Green katas overall.
    pub green: usize,
    /// Katas overall.
    pub total: usize,
}

/// One suite in `list --json`.
#[derive(Debug, Serialize)]
pub struct SuiteRows {
    /// Suite id.
    pub id: String,
    /// Suite title.
    pub title: String,
    /// The source article's title.
    pub article: String,
    /// The source article's URL.
    pub url: String,
    /// Green katas.
    pub green: usize,
    /// All katas.
    pub total: usize,
    /// The katas.
    pub katas: Vec<KataRow>,
}

/// One kata in `list --json`.
#[derive(Debug, Serialize)]
pub struct KataRow {
    /// Kata id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The learner's file.
    pub file: String,
    /// Concepts the kata teaches.
    pub concepts: Vec<String>,
    /// `green`, `red`, `does_not_compile`, `not_started`, `tests_modified`, `not_current`.
    pub status: Status,
    /// Passing tests at the last check.
    pub passed: usize,
    /// Failing tests at the last check.
    pub failed: usize,
}

impl List {
    /// From the rows `list` prints.
    pub fn new(rows: &[Row<'_>]) -> Self {
        let mut suites: Vec<SuiteRows> = Vec::new();
        for r in rows {
            if suites.last().is_none_or(|s| s.id != r.kata.suite.id) {
                suites.push(SuiteRows {
                    id: r.kata.suite.id.clone(),
                    title: r.kata.suite.title.clone(),
                    article: r.kata.suite.article.clone(),
                    url: r.kata.suite.url.clone(),
                    green: 0,
                    total: 0,
                    katas: Vec::new(),
                });
            }
            let s = suites.last_mut().expect("pushed above");
            s.total += 1;
            s.green += usize::from(r.status == Status::Green);
            s.katas.push(KataRow {
                id: r.kata.id.clone(),
                title: r.kata.title.clone(),
                file: r.kata.file.clone(),
                concepts: r.kata.concepts.clone(),
                status: r.status,
                passed: r.passed,
                failed: r.failed,
            });
        }
        let green = suites.iter().map(|s| s.green).sum();
        let total = suites.iter().map(|s| s.total).sum();
        Self {
            schema_version: LIST_SCHEMA,
            suites,
            green,
            total,
        }
    }
}

/// `cargo kata check --json`.
#[derive(Debug, Serialize)]
pub struct Check {
    /// [`CHECK_SCHEMA`].
    pub schema_version: u32,
    /// What was asked for.
    pub target: String,
    /// Whether every kata checked is green.
    pub green: bool,
    /// One entry per kata.
    pub katas: Vec<KataCheck>,
}

/// One kata in `check --json`.
#[derive(Debug, Serialize)]
pub struct KataCheck {
    /// Suite id.
    pub suite: String,
    /// Kata id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The learner's file.
    pub file: String,
    /// The line to edit.
    pub line: u32,
    /// The verdict.
    pub status: Status,
    /// Passing tests.
    pub passed: usize,
    /// Failing tests.
    pub failed: usize,
    /// Every test.
    pub tests: Vec<TestJson>,
    /// rustc's rendered errors when it does not compile.
    pub diagnostics: Vec<Diagnostic>,
    /// Anything else (e.g. no test matched the filter).
    pub note: Option<String>,
}

/// One test in `check --json`.
#[derive(Debug, Serialize)]
pub struct TestJson {
    /// Full libtest name.
    pub name: String,
    /// `passed`, `failed`, `timed_out`, `crashed`, `ignored`, `not_run`.
    pub outcome: &'static str,
    /// The assertion message, timeout or crash detail.
    pub message: Option<String>,
    /// Where it panicked.
    pub location: Option<Location>,
    /// What the test printed before it failed (a snapshot diff, for example).
    pub output: Option<String>,
    /// Wall time in milliseconds.
    pub duration_ms: u128,
}

impl KataCheck {
    /// From a verdict.
    pub fn new(v: &Verdict<'_>, root: &Path) -> Self {
        Self {
            suite: v.kata.suite.id.clone(),
            id: v.kata.id.clone(),
            title: v.kata.title.clone(),
            file: v.kata.file.clone(),
            line: v.edit_line(root),
            status: v.status,
            passed: v.passed(),
            failed: v.failed(),
            tests: v
                .tests
                .iter()
                .map(|t| {
                    let mut output_text = None;
                    let (message, location) = match &t.outcome {
                        Outcome::Failed {
                            message,
                            location,
                            output,
                        } => {
                            output_text = (!output.is_empty()).then(|| output.clone());
                            (Some(message.clone()), location.clone())
                        }
                        Outcome::TimedOut { secs } => {
                            (Some(format!("timed out after {secs} s")), None)
                        }
                        Outcome::Crashed { detail } => (Some(format!("crashed: {detail}")), None),
                        Outcome::NotRun { after, secs } => {
                            (Some(Outcome::not_run(after, *secs)), None)
                        }
                        Outcome::Passed | Outcome::Ignored => (None, None),
                    };
                    TestJson {
                        name: t.name.clone(),
                        outcome: t.outcome.kind(),
                        message,
                        location,
                        output: output_text,
                        duration_ms: t.duration.as_millis(),
                    }
                })
                .collect(),
            diagnostics: v.diagnostics.clone(),
            note: v.note.clone(),
        }
    }
}

impl Check {
    /// The verdicts on the katas `target` named.
    pub fn new(target: &str, verdicts: &[Verdict<'_>], root: &Path) -> Self {
        Self {
            schema_version: CHECK_SCHEMA,
            target: target.to_string(),
            green: verdicts.iter().all(|v| v.status == Status::Green),
            katas: verdicts.iter().map(|v| KataCheck::new(v, root)).collect(),
        }
    }
}

/// `cargo kata verify --json`: the report with its schema version first.
#[derive(Debug, Serialize)]
pub struct Verify<'r> {
    /// [`VERIFY_SCHEMA`].
    pub schema_version: u32,
    /// Every check and the totals.
    #[serde(flatten)]
    pub report: &'r crate::verify::Report,
}

impl<'r> Verify<'r> {
    /// The report as printed.
    pub fn new(report: &'r crate::verify::Report) -> Self {
        Self {
            schema_version: VERIFY_SCHEMA,
            report,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sample;

    #[test]
    fn the_list_counts_green_katas_per_suite_and_overall() {
        let m = sample::manifest();
        let rows: Vec<Row<'_>> = [("add", Status::Green), ("double", Status::Red)]
            .into_iter()
            .map(|(id, status)| Row {
                kata: sample::kata(&m, id),
                status,
                passed: 1,
                failed: 0,
            })
            .collect();
        let list = List::new(&rows);
        assert_eq!(list.schema_version, LIST_SCHEMA);
        assert_eq!((list.green, list.total), (1, 2));
        assert_eq!(list.suites.len(), 1);
        assert_eq!(list.suites[0].katas[0].concepts, ["addition"]);
    }

    #[test]
    fn each_outcome_gives_its_message_and_only_a_failure_its_location() {
        let v = sample::add_verdict(vec![
            ("a", Outcome::Passed),
            ("b", sample::failed("no", "tests/s1-demo/add.rs", 4)),
            ("c", Outcome::TimedOut { secs: 2 }),
            (
                "d",
                Outcome::Crashed {
                    detail: "abort".into(),
                },
            ),
        ]);
        let check = Check::new("add", &[v], Path::new("/nonexistent"));
        assert!(!check.green);
        let tests = &check.katas[0].tests;
        let messages: Vec<Option<&str>> = tests.iter().map(|t| t.message.as_deref()).collect();
        assert_eq!(
            messages,
            [
                None,
                Some("no"),
                Some("timed out after 2 s"),
                Some("crashed: abort")
            ]
        );
        assert!(tests[1].location.is_some());
        assert!(tests[2].location.is_none());
        assert_eq!(tests[1].duration_ms, 3);
    }

    #[test]
    fn every_shape_starts_with_its_schema_version() {
        let v = sample::add_verdict(vec![("a", Outcome::Passed)]);
        let check = serde_json::to_string(&Check::new("add", &[v], Path::new("/x"))).unwrap();
        assert!(check.starts_with("{\"schema_version\":1,"), "{check}");
        let list = serde_json::to_string(&List::new(&[])).unwrap();
        assert!(list.starts_with("{\"schema_version\":1,"), "{list}");
        let report = crate::verify::Report::default();
        let verify = serde_json::to_string(&Verify::new(&report)).unwrap();
        assert!(
            verify.starts_with("{\"schema_version\":1,\"passed\":0,\"failed\":0,"),
            "{verify}"
        );
    }
}
