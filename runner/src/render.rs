//! What the learner reads, as text: the overview, the list and the verdict of a check.
//!
//! Every function returns a `String` and writes nothing, so the screens can be tested as
//! values; colours and links follow the [`Style`] they are given (see [`crate::term`]).

use std::fmt::Write as _;
use std::path::Path;

use crate::domain::{Outcome, Row, Status, Verdict};
pub use crate::term::Style;

/// `[=====-----]` for `done` of `total`.
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

/// Why a test was not run: another test of its kata timed out first.
pub fn not_run(after: &str, secs: u64) -> String {
    let short = after.rsplit("::").next().unwrap_or(after);
    format!(
        "not run: `{short}` timed out after {secs} s first; `--timeout {}` gives every test longer",
        secs * 3
    )
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
            return out;
        }
        Status::DoesNotCompile => {
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
                    let _ = writeln!(
                        out,
                        "  edit {}",
                        style.location(root, &k.file, v.edit_line(root))
                    );
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
                        k.suite.kata_package()
                    );
                }
            }
            for d in &v.diagnostics {
                let _ = writeln!(out, "{}", d.rendered.trim_end());
            }
        }
        Status::Red | Status::NotStarted => {
            let _ = writeln!(
                out,
                "  edit {}",
                style.location(root, &k.file, v.edit_line(root))
            );
            if let Some(note) = &v.note {
                let _ = writeln!(out, "  {} {note}", style.red("no tests:"));
            }
            let failing: Vec<_> = v.tests.iter().filter(|t| !t.outcome.is_pass()).collect();
            if !failing.is_empty() {
                let _ = writeln!(out, "  {} of {} tests fail:", failing.len(), v.tests.len());
            }
            for t in failing {
                let short = t.name.strip_prefix(k.tests.as_str()).unwrap_or(&t.name);
                let _ = writeln!(out, "\n  {} {}", style.red("✗"), style.bold(short));
                let text = match &t.outcome {
                    Outcome::Failed {
                        message,
                        location,
                        output,
                    } => {
                        // The kata file's line is already on the `edit` line above.
                        let at = location
                            .as_ref()
                            .filter(|l| {
                                !crate::run::same_file(&l.file, &k.file) && !l.file.starts_with('/')
                            })
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
                    Outcome::NotRun { after, secs } => not_run(after, *secs),
                    Outcome::Ignored => {
                        "ignored: an ignored test never counts as passing".to_string()
                    }
                    Outcome::Passed => String::new(),
                };
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
    }
    let _ = writeln!(out, "\n  run `cargo kata hint {}` for a hint", k.id);
    out
}
