//! Many learners' snapshots merged: the union of their kata ids (curricula may differ: a
//! snapshot from an older or planned curriculum simply lacks some katas), one row per learner.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{KataReport, Report, SCHEMA_VERSION};
use crate::error::{Error, Result};

/// One learner's snapshot, as read.
#[derive(Debug, Clone)]
pub struct Learner {
    /// The learner's name (the snapshot's `learner`, else the file's stem), unique in the cohort.
    pub name: String,
    /// The file it came from.
    pub file: PathBuf,
    /// The snapshot.
    pub report: Report,
}

/// The merged cohort.
#[derive(Debug, Clone)]
pub struct Cohort {
    /// Learners in the order their files were given.
    pub learners: Vec<Learner>,
    /// Every kata id any snapshot has, in the order they first appear.
    pub katas: Vec<String>,
}

impl Cohort {
    /// Reads and merges snapshot files.
    pub fn load(files: &[PathBuf]) -> Result<Self> {
        let reports = files
            .iter()
            .map(|f| read(f).map(|r| (f.clone(), r)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::merge(reports))
    }

    /// Merges snapshots (each with the file it came from).
    pub fn merge(reports: Vec<(PathBuf, Report)>) -> Self {
        let mut katas = Vec::new();
        let mut seen = HashSet::new();
        let mut names = HashSet::new();
        let mut learners = Vec::new();
        for (file, report) in reports {
            for k in &report.katas {
                if seen.insert(k.id.clone()) {
                    katas.push(k.id.clone());
                }
            }
            let stem = file
                .file_stem()
                .map_or_else(|| "learner".into(), |s| s.to_string_lossy().into_owned());
            let mut name = report.learner.clone().unwrap_or_else(|| stem.clone());
            if !names.insert(name.clone()) {
                name = format!("{name} ({stem})");
                let base = name.clone();
                let mut n = 2;
                while !names.insert(name.clone()) {
                    name = format!("{base} {n}");
                    n += 1;
                }
            }
            learners.push(Learner { name, file, report });
        }
        Self { learners, katas }
    }

    /// A learner's entry for a kata; `None`: not in this learner's curriculum.
    pub fn cell<'a>(&self, learner: &'a Learner, kata: &str) -> Option<&'a KataReport> {
        learner.report.katas.iter().find(|k| k.id == kata)
    }
}

/// Reads one snapshot, refusing a schema this runner does not know.
fn read(path: &Path) -> Result<Report> {
    let bad = |message: String| Error::Usage(format!("{}: {message}", path.display()));
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "not a report snapshot (line {}, column {}: {e}); make one with `cargo kata report --json > me.json`",
            e.line(),
            e.column()
        ))
    })?;
    match value
        .get("schema_version")
        .and_then(serde_json::Value::as_u64)
    {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(bad(format!(
                "schema_version {v}, this runner reads {SCHEMA_VERSION}: update the runner (or the learner's)"
            )));
        }
        None => {
            return Err(bad(
                "no schema_version: not the output of `cargo kata report --json`".into(),
            ));
        }
    }
    serde_json::from_value(value).map_err(|e| bad(format!("not a report snapshot: {e}")))
}

/// The cohort as Markdown: a line per learner, then a line per kata.
pub fn render_text(c: &Cohort) -> String {
    use crate::domain::Status;
    use std::fmt::Write;

    let mut out = format!(
        "# Cohort: {} learners, {} katas\n\n",
        c.learners.len(),
        c.katas.len()
    );
    out.push_str(
        "| learner | green | checks | hints | stuck | solution shown before green | last exam | notes |\n",
    );
    out.push_str("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for l in &c.learners {
        let r = &l.report;
        let count = |f: &dyn Fn(&KataReport) -> bool| r.katas.iter().filter(|k| f(k)).count();
        let mut notes = Vec::new();
        if r.history.rebuilt {
            notes.push("history rebuilt".to_string());
        }
        if let Some(p) = &r.plan {
            notes.push(format!("plan: {p}"));
        }
        let modified = count(&|k| k.status == Status::TestsModified);
        if modified > 0 {
            notes.push(format!(
                "{modified} katas with tests modified — not counted"
            ));
        }
        if r.katas.len() < c.katas.len() {
            notes.push(format!(
                "{} katas not in this learner's curriculum",
                c.katas.len() - r.katas.len()
            ));
        }
        let exam = r.exams.last().map_or("–".to_string(), |e| {
            let visible_only = e.katas.iter().filter(|k| k.visible_only()).count();
            if visible_only > 0 {
                format!("{}/{} ({visible_only} visible only)", e.score, e.total)
            } else {
                format!("{}/{}", e.score, e.total)
            }
        });
        let _ = writeln!(
            out,
            "| {} | {}/{} | {} | {} | {} | {} | {exam} | {} |",
            l.name,
            r.green,
            r.total,
            r.katas.iter().map(|k| k.checks).sum::<u32>(),
            r.katas.iter().map(|k| k.hints_used).sum::<u32>(),
            count(&|k| k.stuck),
            count(&|k| k.solution_peeked),
            notes.join("; ")
        );
    }
    out.push_str("\n| kata | green | red | does not compile | not started | tests modified — not counted | not in curriculum | median time to green (from first edit; solution not shown) | stuck |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for id in &c.katas {
        let cells: Vec<(&Learner, Option<&KataReport>)> =
            c.learners.iter().map(|l| (l, c.cell(l, id))).collect();
        let n = |s: Status| {
            cells
                .iter()
                .filter(|(_, k)| k.is_some_and(|k| k.status == s))
                .count()
        };
        let mut times: Vec<u64> = cells
            .iter()
            .filter_map(|(_, k)| {
                // A time with the solution shown before green is not a time to solve it.
                k.filter(|k| !k.solution_peeked)
                    .and_then(|k| k.time_to_green_secs)
            })
            .collect();
        times.sort_unstable();
        let stuck: Vec<&str> = cells
            .iter()
            .filter(|(_, k)| k.is_some_and(|k| k.stuck))
            .map(|(l, _)| l.name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "| {id} | {} | {} | {} | {} | {} | {} | {} | {} |",
            n(Status::Green),
            n(Status::Red),
            n(Status::DoesNotCompile),
            n(Status::NotStarted),
            n(Status::TestsModified),
            cells.iter().filter(|(_, k)| k.is_none()).count(),
            super::median(&times).map_or("–".into(), crate::render::duration),
            stuck.join(", ")
        );
    }
    out
}
