//! What the learner reads, as text: the overview, the list and the verdict of a check.
//!
//! Every function returns a `String` and writes nothing, so the screens can be tested as
//! values; colours and links follow the [`Style`] they are given (see [`crate::term`]).

use std::fmt::Write as _;
use std::path::Path;

use crate::domain::{Outcome, Row, Status, Verdict};
pub use crate::term::Style;

/// `[#####-----]`: `done` of `total` as a bar `width` characters wide (inside the brackets);
/// an empty total is an empty bar.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (width * done).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

/// Per suite: `n/m green` and a bar.
pub fn summary(rows: &[Row<'_>], style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.bold("Your progress"));
    let width = rows
        .iter()
        .map(|r| r.kata.suite.id.len())
        .max()
        .unwrap_or(0);
    let mut suites: Vec<&str> = Vec::new();
    for r in rows {
        if !suites.contains(&r.kata.suite.id.as_str()) {
            suites.push(&r.kata.suite.id);
        }
    }
    for id in &suites {
        let of: Vec<&Row<'_>> = rows.iter().filter(|r| r.kata.suite.id == *id).collect();
        let green = of.iter().filter(|r| r.status == Status::Green).count();
        let title = &of[0].kata.suite.title;
        let counts = format!("{green}/{} green", of.len());
        let counts = if green == of.len() {
            style.green(&counts)
        } else {
            counts
        };
        let _ = writeln!(
            out,
            "  {id:width$}  {} {counts}  {}",
            bar(green, of.len(), 20),
            style.dim(title)
        );
    }
    let green = rows.iter().filter(|r| r.status == Status::Green).count();
    let _ = writeln!(
        out,
        "  {:width$}  {} {green}/{} green",
        "all",
        bar(green, rows.len(), 20),
        rows.len()
    );
    out
}

/// `cargo kata list`: every kata with its status, then per-suite totals.
pub fn list(rows: &[Row<'_>], style: Style) -> String {
    let mut out = String::new();
    let mut current = "";
    let idw = rows.iter().map(|r| r.kata.id.len()).max().unwrap_or(0);
    for r in rows {
        if r.kata.suite.id != current {
            current = &r.kata.suite.id;
            let of: Vec<&Row<'_>> = rows.iter().filter(|x| x.kata.suite.id == current).collect();
            let green = of.iter().filter(|x| x.status == Status::Green).count();
            let _ = writeln!(
                out,
                "{}{}  {green}/{} green  {}",
                if out.is_empty() { "" } else { "\n" },
                style.bold(current),
                of.len(),
                style.dim(&r.kata.suite.title)
            );
        }
        let mark = match r.status {
            Status::Green => style.green("✓"),
            Status::Red => style.red("✗"),
            Status::DoesNotCompile => style.yellow("!"),
            Status::NotStarted => style.dim("·"),
            Status::NotCurrent => style.yellow("?"),
            Status::TestsModified => style.red("✗"),
        };
        let counts = if r.passed + r.failed > 0 && r.status != Status::NotStarted {
            format!(" ({}/{} tests)", r.passed, r.passed + r.failed)
        } else {
            String::new()
        };
        // A kata that does not compile names its file instead of its title: the place to fix.
        let title = if r.status == Status::DoesNotCompile {
            r.kata.file.clone()
        } else {
            style.dim(&r.kata.title)
        };
        let _ = writeln!(
            out,
            "  {mark} {:idw$}  {}{counts}  {title}",
            r.kata.id,
            style.status(r.status),
        );
    }
    let green = rows.iter().filter(|r| r.status == Status::Green).count();
    let _ = writeln!(out, "\n{green}/{} katas green", rows.len());
    out
}

/// `1 h 02 min`, `3 min 20 s`, `42 s`.
pub fn duration(secs: u64) -> String {
    match secs {
        s if s >= 3600 => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
        s if s >= 60 => format!("{} min {:02} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

/// The check of one kata: title, file:line, failing tests with their messages, the hint command.
pub fn verdict(v: &Verdict<'_>, root: &Path, style: Style) -> String {
    let mut out = String::new();
    let k = &v.kata;
    let _ = writeln!(
        out,
        "{}  {}",
        style.bold(&k.title),
        style.dim(&format!("({} · {})", k.suite.id, k.id))
    );
    match v.status {
        Status::Green => {
            let _ = writeln!(
                out,
                "  {} all {} tests pass",
                style.green("green:"),
                v.tests.len()
            );
            test_notes(&mut out, v, style);
            return out;
        }
        Status::NotCurrent | Status::TestsModified => {
            let _ = writeln!(
                out,
                "  {} {}",
                style.yellow(&format!("{}:", v.status.label())),
                v.note.as_deref().unwrap_or("")
            );
            return out;
        }
        Status::DoesNotCompile => does_not_compile(&mut out, v, root, style),
        Status::Red | Status::NotStarted => failing(&mut out, v, root, style),
    }
    let _ = writeln!(out, "\n  run `cargo kata hint {}` for a hint", k.id);
    out
}

/// What the runner noticed about single tests besides their outcome (a process that escaped
/// the test's group and was left running), one line each.
fn test_notes(out: &mut String, v: &Verdict<'_>, style: Style) {
    for t in v.tests.iter().filter(|t| t.note.is_some()) {
        let short = t
            .name
            .strip_prefix(v.kata.tests.as_str())
            .unwrap_or(&t.name);
        let _ = writeln!(
            out,
            "  {} {short}: {}",
            style.yellow("note:"),
            t.note.as_deref().unwrap_or("")
        );
    }
}

/// `file:line` to edit; line 1 says that nothing better is known.
fn edit_at(v: &Verdict<'_>, root: &Path, style: Style) -> String {
    match v.edit_line_known(root) {
        Some(line) => style.location(root, &v.kata.file, line),
        None => format!(
            "{} (no better line is known: read the brief at the top, then the failing test)",
            style.location(root, &v.kata.file, 1)
        ),
    }
}

/// Where to fix first (the kata's own line, or another file whose error stops the build),
/// then rustc's errors as it rendered them.
fn does_not_compile(out: &mut String, v: &Verdict<'_>, root: &Path, style: Style) {
    let k = &v.kata;
    let elsewhere = v
        .diagnostics
        .iter()
        .flat_map(|d| d.spans.iter())
        .all(|s| !crate::run::same_file(&s.file, &k.file))
        .then(|| v.diagnostics.iter().flat_map(|d| d.spans.first()).next())
        .flatten();
    match elsewhere {
        Some(at) => {
            let _ = writeln!(
                out,
                "  fix first {} (another file of this suite stops the build)",
                style.location(root, &at.file, at.line)
            );
        }
        None => {
            let _ = writeln!(out, "  edit {}", edit_at(v, root, style));
        }
    }
    match &v.note {
        Some(note) => {
            let _ = writeln!(out, "  {} {note}", style.yellow("does not compile:"));
        }
        None => {
            let _ = writeln!(
                out,
                "  {} rustc stopped the {} crate:\n",
                style.yellow("does not compile:"),
                crate::layout::kata_package(&k.suite.id)
            );
        }
    }
    for d in &v.diagnostics {
        let _ = writeln!(out, "{}", d.rendered.trim_end());
    }
}

/// Where to edit, then each test that did not pass: its short name, what happened, and the
/// test's own line.
fn failing(out: &mut String, v: &Verdict<'_>, root: &Path, style: Style) {
    let k = &v.kata;
    let _ = writeln!(out, "  edit {}", edit_at(v, root, style));
    if let Some(note) = &v.note {
        let _ = writeln!(out, "  {} {note}", style.red("no tests:"));
    }
    test_notes(out, v, style);
    let failing: Vec<_> = v.tests.iter().filter(|t| !t.outcome.is_pass()).collect();
    if !failing.is_empty() {
        let _ = writeln!(out, "  {} of {} tests fail:", failing.len(), v.tests.len());
    }
    for t in failing {
        let short = t.name.strip_prefix(k.tests.as_str()).unwrap_or(&t.name);
        let _ = writeln!(out, "\n  {} {}", style.red("✗"), style.bold(short));
        let text = outcome_text(&t.outcome, &k.file);
        for line in text.lines() {
            let _ = writeln!(out, "      {line}");
        }
        if let Some(test) = crate::locate::test_source(root, &k.suite.id, &t.name) {
            let _ = writeln!(
                out,
                "      {} {}",
                style.dim("the test:"),
                style.location(root, &test.file, test.line)
            );
        }
    }
}

/// What a test that did not pass says under its name; a failure's location only when it is
/// not the kata file (the `edit` line already points there) and not outside the repository.
fn outcome_text(outcome: &Outcome, kata_file: &str) -> String {
    match outcome {
        Outcome::Failed {
            message,
            location,
            output,
        } => {
            // The kata file's line is already on the `edit` line above.
            let at = location
                .as_ref()
                .filter(|l| !crate::run::same_file(&l.file, kata_file) && !l.file.starts_with('/'))
                .map(|l| format!("\n(at {}:{})", l.file, l.line))
                .unwrap_or_default();
            if output.is_empty() {
                format!("{message}{at}")
            } else {
                format!("{output}\n{message}{at}")
            }
        }
        Outcome::TimedOut { secs } => format!(
            "timed out after {secs} s: an endless loop? (`--timeout <secs>` gives it longer)"
        ),
        Outcome::Crashed { detail } => format!("crashed: {detail}"),
        Outcome::NotRun { after, secs } => Outcome::not_run(after, *secs),
        Outcome::Ignored => "ignored: an ignored test never counts as passing".to_string(),
        Outcome::Passed => String::new(),
    }
}

/// `cargo kata verify`'s report: per stage, its claim with `ok` or `FAILED` and the count,
/// each failed check with its detail; for the dodge stage, which test catches each dodge;
/// then where the stubs were built from. The closing `verify: N passed, N failed` line is the
/// command's.
pub fn verify(
    report: &crate::verify::Report,
    suites: &[&crate::domain::Suite],
    style: Style,
) -> String {
    use crate::verify::{self, Stage};
    let mut out = String::new();
    let s = style;
    let stages: &[Stage] = if report.static_only {
        &Stage::STATIC
    } else {
        &Stage::ALL
    };
    for &stage in stages {
        let of: Vec<&verify::Item> = report.checks.iter().filter(|c| c.stage == stage).collect();
        let bad: Vec<&&verify::Item> = of.iter().filter(|c| !c.ok).collect();
        let what = stage.claim();
        let mark = if bad.is_empty() {
            s.green("ok")
        } else {
            s.red("FAILED")
        };
        let took = report
            .seconds
            .iter()
            .find(|(st, _)| *st == stage)
            .map(|(_, secs)| format!(", {secs:.0} s"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{mark:>6}  {what} ({}/{} checks{took})",
            of.len() - bad.len(),
            of.len()
        );
        for c in bad {
            let _ = writeln!(out, "        {} {}", s.red("✗"), c.name);
            for line in c.detail.lines() {
                let _ = writeln!(out, "            {line}");
            }
        }
        if stage == Stage::Manifest {
            for line in &report.held_out {
                let _ = writeln!(out, "        {line}");
            }
        }
        if stage == Stage::Dodges {
            // Which test catches each dodge is the point of the stage: show it.
            for c in of.iter().filter(|c| c.ok) {
                let _ = writeln!(out, "        {} {}: {}", s.green("✓"), c.name, c.detail);
            }
            for line in verify::dodges::summaries(report, suites) {
                let _ = writeln!(out, "        {line}");
            }
        }
    }
    let built = if report.static_only {
        "nothing built: only the checks that need no build ran (--static)".to_string()
    } else {
        format!("stubs built from {}", report.stubs_from)
    };
    let _ = writeln!(out, "{}", s.dim(&built));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sample;

    const ROOT: &str = "/nonexistent-root";

    #[test]
    fn durations_read_as_a_person_says_them() {
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(200), "3 min 20 s");
        assert_eq!(duration(3720), "1 h 02 min");
    }

    fn rows<'m>(m: &'m crate::manifest::Manifest, statuses: [Status; 2]) -> Vec<Row<'m>> {
        ["add", "double"]
            .iter()
            .zip(statuses)
            .map(|(id, status)| Row {
                kata: sample::kata(m, id),
                status,
                passed: 1,
                failed: 2,
            })
            .collect()
    }

    #[test]
    fn the_bar_fills_in_proportion_and_an_empty_total_is_empty() {
        assert_eq!(bar(1, 2, 4), "[##--]");
        assert_eq!(bar(0, 0, 3), "[---]");
    }

    #[test]
    fn the_list_marks_each_status_and_counts_tests_only_once_started() {
        let m = sample::manifest();
        let text = list(&rows(&m, [Status::Red, Status::NotStarted]), Style::PLAIN);
        assert_eq!(
            text,
            "s1-demo  0/2 green  A demo suite\n  ✗ add     red (1/3 tests)  Adding numbers\n  · double  not started  Doubling\n\n0/2 katas green\n"
        );
    }

    #[test]
    fn the_list_names_the_file_of_a_kata_that_does_not_compile() {
        let m = sample::manifest();
        let text = list(
            &rows(&m, [Status::DoesNotCompile, Status::Green]),
            Style::PLAIN,
        );
        assert!(
            text.contains("! add     does not compile (1/3 tests)  katas/s1-demo/src/add.rs"),
            "{text}"
        );
        assert!(text.contains("1/2 katas green"), "{text}");
    }

    #[test]
    fn the_summary_has_a_line_per_suite_and_one_for_all() {
        let m = sample::manifest();
        let text = summary(&rows(&m, [Status::Green, Status::Red]), Style::PLAIN);
        assert_eq!(
            text,
            "Your progress\n  s1-demo  [##########----------] 1/2 green  A demo suite\n  all      [##########----------] 1/2 green\n"
        );
    }

    #[test]
    fn a_green_verdict_is_one_line_and_no_hint() {
        let v = sample::add_verdict(vec![("a", Outcome::Passed)]);
        assert_eq!(
            verdict(&v, Path::new(ROOT), Style::PLAIN),
            "Adding numbers  (s1-demo · add)\n  green: all 1 tests pass\n"
        );
    }

    #[test]
    fn a_red_verdict_shows_each_failure_and_where_to_edit() {
        let v = sample::add_verdict(vec![
            ("ok", Outcome::Passed),
            (
                "adds",
                sample::failed("1 + 2 must be 3", "katas/s1-demo/src/add.rs", 7),
            ),
            ("loops", Outcome::TimedOut { secs: 2 }),
        ]);
        let text = verdict(&v, Path::new(ROOT), Style::PLAIN);
        assert!(
            text.contains("  edit katas/s1-demo/src/add.rs:7\n"),
            "{text}"
        );
        assert!(text.contains("2 of 3 tests fail:"), "{text}");
        assert!(
            text.contains("\n  ✗ adds\n      1 + 2 must be 3\n"),
            "{text}"
        );
        assert!(
            !text.contains("(at katas/s1-demo/src/add.rs"),
            "the kata file's line is on the edit line only: {text}"
        );
        assert!(text.contains("timed out after 2 s"), "{text}");
        assert!(
            text.ends_with("run `cargo kata hint add` for a hint\n"),
            "{text}"
        );
    }

    #[test]
    fn a_failure_in_another_file_says_where() {
        let v = sample::add_verdict(vec![(
            "adds",
            sample::failed("boom", "tests/s1-demo/add.rs", 9),
        )]);
        let text = verdict(&v, Path::new(ROOT), Style::PLAIN);
        assert!(
            text.contains("boom\n      (at tests/s1-demo/add.rs:9)"),
            "{text}"
        );
    }

    #[test]
    fn a_verdict_that_does_not_compile_shows_rustc_and_where_to_fix_first() {
        let m = sample::manifest();
        let k = sample::kata(&m, "add");
        let mut v = sample::verdict(k, Vec::new());
        v.status = Status::DoesNotCompile;
        v.diagnostics = vec![crate::domain::Diagnostic {
            package: "kata-s1-demo".into(),
            level: "error".into(),
            rendered: "error[E0425]: cannot find value `x`\n".into(),
            spans: vec![crate::domain::SpanAt {
                file: "katas/s1-demo/src/double.rs".into(),
                line: 3,
            }],
        }];
        let text = verdict(&v, Path::new(ROOT), Style::PLAIN);
        assert!(
            text.contains(
                "  fix first katas/s1-demo/src/double.rs:3 (another file of this suite stops the build)"
            ),
            "{text}"
        );
        assert!(
            text.contains("rustc stopped the kata-s1-demo crate"),
            "{text}"
        );
        assert!(text.contains("error[E0425]"), "{text}");
    }

    #[test]
    fn the_verify_report_lists_each_stage_and_details_only_failures() {
        use crate::verify::{Item, Report, Stage};
        let item = |stage, name: &str, ok, detail: &str| Item {
            stage,
            name: name.into(),
            ok,
            detail: detail.into(),
        };
        let report = Report {
            passed: 1,
            failed: 1,
            checks: vec![
                item(Stage::Solution, "solution-s: t", true, ""),
                item(
                    Stage::Stub,
                    "kata-s: t",
                    false,
                    "passes on the pristine stub",
                ),
            ],
            stubs_from: "the working tree".into(),
            static_only: false,
            held_out: vec!["s: 2 held-out cases in 1 of 2 katas".into()],
            seconds: vec![(Stage::Stub, 4.2)],
        };
        let text = verify(&report, &[], Style::PLAIN);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("    ok  "), "{text}");
        assert!(lines[0].ends_with("(1/1 checks)"), "{text}");
        assert!(lines[1].starts_with("FAILED  "), "{text}");
        assert!(lines[1].ends_with("(0/1 checks, 4 s)"), "{text}");
        assert_eq!(lines[2], "        ✗ kata-s: t");
        assert_eq!(lines[3], "            passes on the pristine stub");
        assert!(
            lines.contains(&"        s: 2 held-out cases in 1 of 2 katas"),
            "{text}"
        );
        assert_eq!(lines.last(), Some(&"stubs built from the working tree"));
    }

    #[test]
    fn colours_wrap_the_status_words_only_when_asked() {
        let m = sample::manifest();
        let text = list(
            &rows(&m, [Status::Green, Status::Red]),
            Style::colored(true),
        );
        assert!(text.contains("\x1b[32mgreen\x1b[0m"), "{text:?}");
        assert!(text.contains("\x1b[31mred\x1b[0m"), "{text:?}");
    }
}
