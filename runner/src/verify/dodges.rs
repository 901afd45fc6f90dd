//! The dodge stage: every known shortcut fails at least one of its kata's tests.
//!
//! A dodge is `solutions/<suite>/dodges/<kata>__<name>.rs`, a complete replacement of
//! `solutions/<suite>/src/<kata>.rs` that gets the outputs right while skipping the lesson. Its
//! header says what it skips (`//! Dodge: <sentence>`) and which tests should catch it
//! (`//! Caught by: <test names>`). The stage copies the repository once, then for each dodge
//! in turn swaps it into the copy's solution crate, builds only that kata's tests
//! (`--features one-kata,<kata>`, into the same target dir as the stub stage, so dependencies
//! are never rebuilt and each swap is an incremental build of one crate), runs them, and puts
//! the reference file back. A dodge that passes every test, or does not compile, fails.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{Report, Stage, errors_of};
use crate::build::{self, BuildRequest};
use crate::check::{self, Settings, TestSet};
use crate::domain::{Kata, Suite};
use crate::error::{Error, Result};
use crate::run;

/// The folder, inside a suite's solution crate, that holds its dodges.
pub const DIR: &str = "dodges";

/// One dodge file, as named and headed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dodge {
    /// The kata it replaces (the part of the file name before `__`).
    pub kata: String,
    /// Its name (after `__`).
    pub name: String,
    /// The file, relative to the repository root.
    pub file: String,
    /// The `//! Dodge:` sentence, if present.
    pub claim: Option<String>,
    /// The tests the `//! Caught by:` line names.
    pub caught_by: Vec<String>,
}

/// `<kata>__<name>` from a dodge's file stem.
pub fn split_name(stem: &str) -> Option<(&str, &str)> {
    let (kata, name) = stem.split_once("__")?;
    (!kata.is_empty() && !name.is_empty()).then_some((kata, name))
}

/// Whether the header name `named` stands for the failing test `test`: its full path's end,
/// or an rstest function whose cases (`…::named::case_1_x`) are the tests that ran.
fn names_test(test: &str, named: &str) -> bool {
    test.ends_with(named) || test.contains(&format!("::{named}::"))
}

/// The `//! Dodge:` sentence and the `//! Caught by:` test names of a dodge's text.
pub fn parse_header(text: &str) -> (Option<String>, Vec<String>) {
    let mut claim = None;
    let mut caught = Vec::new();
    for line in text.lines() {
        let Some(doc) = line.trim_start().strip_prefix("//!") else {
            continue;
        };
        let doc = doc.trim();
        if let Some(c) = doc.strip_prefix("Dodge:") {
            claim = Some(c.trim().to_string()).filter(|c| !c.is_empty());
        } else if let Some(c) = doc.strip_prefix("Caught by:") {
            caught.extend(
                c.split([',', ' '])
                    .map(|t| t.trim().trim_matches('`').trim_end_matches('.'))
                    .filter(|t| !t.is_empty() && *t != "and")
                    .map(str::to_string),
            );
        }
    }
    (claim, caught)
}

/// The dodge files of `suite`, sorted by name.
pub fn find(root: &Path, suite: &Suite) -> Vec<Dodge> {
    let rel = Path::new("solutions").join(&suite.id).join(DIR);
    let Ok(entries) = std::fs::read_dir(root.join(&rel)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let stem = p.file_stem().unwrap_or_default().to_string_lossy();
            let (kata, name) = split_name(&stem).unwrap_or(("", ""));
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let (claim, caught_by) = parse_header(&text);
            Dodge {
                kata: kata.to_string(),
                name: name.to_string(),
                file: rel
                    .join(p.file_name().unwrap_or_default())
                    .display()
                    .to_string(),
                claim,
                caught_by,
            }
        })
        .collect()
}

/// Runs the stage for `suites`; `broken` lists solution packages that did not compile (their
/// dodges prove nothing and are skipped).
pub fn stage(
    settings: &Settings,
    suites: &[&Suite],
    broken: &[String],
    report: &mut Report,
) -> Result<()> {
    let mut work: Vec<(&Suite, &Kata, Dodge)> = Vec::new();
    for suite in suites {
        for d in find(&settings.root, suite) {
            let kata = suite.katas.iter().find(|k| k.id == d.kata);
            let problem = match (&kata, &d.claim) {
                _ if d.name.is_empty() => {
                    Some("a dodge's file name is `<kata>__<name>.rs` (two underscores)".to_string())
                }
                (None, _) => Some(format!(
                    "names kata `{}`, which is not in the manifest's suite {}",
                    d.kata, suite.id
                )),
                (_, None) => Some(
                    "its header needs `//! Dodge: <the shortcut, in one sentence>`".to_string(),
                ),
                _ => None,
            };
            match (problem, kata) {
                (Some(p), _) => report.push(Stage::Dodges, d.file.clone(), false, p),
                (None, Some(k)) if !broken.contains(&suite.solution_package()) => {
                    work.push((suite, k, d));
                }
                (None, _) => report.push(
                    Stage::Dodges,
                    d.file.clone(),
                    false,
                    "not tried: the reference solution does not compile",
                ),
            }
        }
    }
    if work.is_empty() {
        return Ok(());
    }
    // Removed when the guard drops, and by the interrupt handler on Ctrl-C.
    let guard = crate::interrupt::owned_temp_dir_in(None, "kata-verify-")
        .map_err(|e| crate::error::Error::io("creating a temp dir for the dodges", e))?;
    swap_each(settings, guard.path(), &work, report)
}

fn swap_each(
    settings: &Settings,
    temp: &Path,
    work: &[(&Suite, &Kata, Dodge)],
    report: &mut Report,
) -> Result<()> {
    let root = &settings.root;
    super::copy_tree(root, temp, true)?;
    super::copy_tree(&root.join("katas"), &temp.join("katas"), false)?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let opts = check::run_options(temp, settings.timeout, vec![]);
    for (suite, kata, dodge) in work {
        let started = Instant::now();
        let target = temp
            .join("solutions")
            .join(&suite.id)
            .join("src")
            .join(format!("{}.rs", kata.id));
        let original = std::fs::read(&target)
            .map_err(|e| Error::io(format!("reading {}", target.display()), e))?;
        let replacement = std::fs::read(root.join(&dodge.file))
            .map_err(|e| Error::io(format!("reading {}", dodge.file), e))?;
        std::fs::write(&target, replacement)
            .map_err(|e| Error::io(format!("writing {}", target.display()), e))?;
        let verdict = try_dodge(settings, temp, &target_dir, suite, kata, &opts);
        std::fs::write(&target, original)
            .map_err(|e| Error::io(format!("restoring {}", target.display()), e))?;
        let secs = started.elapsed().as_secs_f64();
        let name = dodge.file.clone();
        match verdict {
            Verdict::Caught(tests) => {
                let mut detail = format!("caught by {} ({secs:.1} s)", tests.join(", "));
                let missed: Vec<&String> = dodge
                    .caught_by
                    .iter()
                    .filter(|t| !tests.iter().any(|c| names_test(c, t)))
                    .collect();
                if !missed.is_empty() {
                    detail.push_str(&format!(
                        "; its header also names {}, which did not fail",
                        missed
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                report.push(Stage::Dodges, name, true, detail);
            }
            Verdict::Passes(n) => report.push(
                Stage::Dodges,
                name,
                false,
                format!(
                    "dodge {} passes every test of kata {} ({n} tests): add a test that catches it ({secs:.1} s)",
                    dodge.name, kata.id
                ),
            ),
            Verdict::Broken(why) => report.push(Stage::Dodges, name, false, why),
        }
    }
    Ok(())
}

enum Verdict {
    /// The tests that failed.
    Caught(Vec<String>),
    /// Every one of this many tests passed.
    Passes(usize),
    /// It could not be judged: why.
    Broken(String),
}

fn try_dodge(
    settings: &Settings,
    temp: &Path,
    target_dir: &Path,
    suite: &Suite,
    kata: &Kata,
    opts: &run::RunOptions,
) -> Verdict {
    let pkg = suite.solution_package();
    let out = match build::build(&BuildRequest {
        root: temp,
        packages: vec![pkg.clone()],
        color: settings.color,
        target_dir: Some(target_dir.to_path_buf()),
        progress: settings.progress_bar,
        expected_units: 0,
        features: vec!["one-kata".to_string(), kata.id.clone()],
    }) {
        Ok(out) => out,
        Err(e) => return Verdict::Broken(format!("could not build it: {e}")),
    };
    if out.failed_packages.contains(&pkg) {
        return Verdict::Broken(format!(
            "does not compile (a dodge must be a working shortcut; it was swapped in as src/{}.rs):\n{}",
            kata.id,
            errors_of(&out.diagnostics, &pkg)
        ));
    }
    let tests = match TestSet::list(&out.binaries) {
        Ok(t) => t,
        Err(e) => return Verdict::Broken(format!("could not list its tests: {e}")),
    };
    let cases = tests.select(&pkg, &kata.tests);
    if cases.is_empty() {
        return Verdict::Broken(format!("no test matches `{}`", kata.tests));
    }
    let results = run::run_tests(&cases, opts);
    let caught: Vec<String> = results
        .iter()
        .filter(|r| !r.outcome.is_pass())
        .map(|r| r.name.clone())
        .collect();
    if caught.is_empty() {
        Verdict::Passes(results.len())
    } else {
        Verdict::Caught(caught)
    }
}

/// One line per suite: `<suite>: N dodges, all caught`, which were not, or that it has none.
pub fn summaries(report: &Report, suites: &[&Suite]) -> Vec<String> {
    suites
        .iter()
        .map(|s| {
            let dir = format!("solutions/{}/{DIR}/", s.id);
            let mine: Vec<_> = report
                .checks
                .iter()
                .filter(|c| c.stage == Stage::Dodges)
                .filter(|c| c.name.starts_with(&dir))
                .collect();
            if mine.is_empty() {
                return format!("{}: no dodges yet ({dir})", s.id);
            }
            let bad: Vec<&str> = mine
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.name.rsplit('/').next().unwrap_or(&c.name))
                .collect();
            let n = mine.len();
            let noun = if n == 1 { "dodge" } else { "dodges" };
            if bad.is_empty() {
                format!("{}: {n} {noun}, all caught", s.id)
            } else {
                format!("{}: {n} {noun}, not caught: {}", s.id, bad.join(", "))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dodge_file_name_splits_at_the_double_underscore() {
        assert_eq!(
            split_name("generator_shortcut__hand_written_struct"),
            Some(("generator_shortcut", "hand_written_struct"))
        );
        assert_eq!(split_name("generator_shortcut"), None);
        assert_eq!(split_name("__x"), None);
        assert_eq!(split_name("kata__"), None);
    }

    #[test]
    fn the_header_gives_the_claim_and_the_catching_tests() {
        let text = "//! Dodge: a hand-written struct instead of closures.\n\
                    //! Caught by: `suite::g::tells_closures`, suite::g::other and x.\n\
                    pub fn f() {}\n";
        let (claim, caught) = parse_header(text);
        assert_eq!(
            claim.as_deref(),
            Some("a hand-written struct instead of closures.")
        );
        assert_eq!(caught, ["suite::g::tells_closures", "suite::g::other", "x"]);
    }

    #[test]
    fn a_header_without_a_dodge_line_has_no_claim() {
        assert_eq!(parse_header("//! Caught by: t\n"), (None, vec!["t".into()]));
    }

    #[test]
    fn a_header_may_name_an_rstest_function_for_its_cases() {
        assert!(names_test(
            "suite::k::follows_rules::case_1_zero",
            "follows_rules"
        ));
        assert!(names_test("suite::k::plain_test", "plain_test"));
        assert!(!names_test("suite::k::follows_rules_too", "follows_rules"));
    }

    #[test]
    fn find_lists_a_suites_dodges_in_name_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dodges = dir.path().join("solutions/s/dodges");
        std::fs::create_dir_all(&dodges).expect("mkdir");
        std::fs::write(dodges.join("b__two.rs"), "//! Dodge: two.\n").expect("write");
        std::fs::write(dodges.join("a__one.rs"), "//! Dodge: one.\n").expect("write");
        std::fs::write(dodges.join("notes.md"), "not a dodge").expect("write");
        let suite: Suite = toml::from_str("id = \"s\"\ntitle = \"S\"").expect("suite");
        let found = find(dir.path(), &suite);
        let names: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (d.kata.as_str(), d.name.as_str()))
            .collect();
        assert_eq!(names, [("a", "one"), ("b", "two")]);
        assert_eq!(found[0].file, "solutions/s/dodges/a__one.rs");
    }

    #[test]
    fn a_dodge_of_an_unknown_kata_fails_naming_its_file_without_building() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dodges = dir.path().join("solutions/s/dodges");
        std::fs::create_dir_all(&dodges).expect("mkdir");
        std::fs::write(dodges.join("ghost__shortcut.rs"), "//! Dodge: x.\n").expect("write");
        let suite: Suite = toml::from_str("id = \"s\"\ntitle = \"S\"").expect("suite");
        let settings = Settings {
            root: dir.path().to_path_buf(),
            color: false,
            timeout: std::time::Duration::from_secs(1),
            progress_bar: false,
        };
        let mut report = Report::default();
        stage(&settings, &[&suite], &[], &mut report).expect("stage runs");
        assert_eq!(report.failed, 1);
        assert_eq!(
            report.checks[0].name,
            "solutions/s/dodges/ghost__shortcut.rs"
        );
        assert!(report.checks[0].detail.contains("kata `ghost`"));
    }

    #[test]
    fn the_summary_counts_caught_and_names_the_rest() {
        let suite: Suite = toml::from_str("id = \"s\"\ntitle = \"S\"").expect("suite");
        let mut report = Report::default();
        report.push(
            Stage::Dodges,
            "solutions/s/dodges/a__one.rs",
            true,
            "caught",
        );
        assert_eq!(summaries(&report, &[&suite]), ["s: 1 dodge, all caught"]);
        report.push(
            Stage::Dodges,
            "solutions/s/dodges/b__two.rs",
            false,
            "passes",
        );
        assert_eq!(
            summaries(&report, &[&suite]),
            ["s: 2 dodges, not caught: b__two.rs"]
        );
    }
}
