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
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    parse(&text, path)
}

/// Parses one snapshot read from `path` (named in the errors).
fn parse(text: &str, path: &Path) -> Result<Report> {
    let bad = |message: String| Error::Usage(format!("{}: {message}", path.display()));
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
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
    render_table(c, None)
}

/// [`render_text`] with each snapshot's age at `now` (Unix seconds) after the learner's name:
/// snapshots collected over time (CI artifacts) are not all of the same moment.
pub fn render_text_aged(c: &Cohort, now: u64) -> String {
    render_table(c, Some(now))
}

fn render_table(c: &Cohort, now: Option<u64>) -> String {
    use crate::domain::Status;
    use std::fmt::Write;

    let mut out = format!(
        "# Cohort: {} learners, {} katas\n\n",
        c.learners.len(),
        c.katas.len()
    );
    let (age_head, age_rule) = if now.is_some() {
        (" snapshot age |", " --- |")
    } else {
        ("", "")
    };
    let _ = writeln!(
        out,
        "| learner |{age_head} green | checks | hints | stuck | solution shown before green | last exam | notes |"
    );
    let _ = writeln!(
        out,
        "| --- |{age_rule} --- | --- | --- | --- | --- | --- | --- |"
    );
    for l in &c.learners {
        let r = &l.report;
        let count = |f: &dyn Fn(&KataReport) -> bool| r.katas.iter().filter(|k| f(k)).count();
        let mut notes = Vec::new();
        if r.history.rebuilt {
            notes.push("history rebuilt".to_string());
        }
        if let Some(e) = r.history.record_edited.first() {
            notes.push(format!("record edited at event {}", e.at_event));
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
        let age = now.map_or(String::new(), |now| {
            let secs = now.saturating_sub(r.generated_at);
            format!(" {} |", crate::render::duration(secs))
        });
        let _ = writeln!(
            out,
            "| {} |{age} {}/{} | {} | {} | {} | {} | {exam} | {} |",
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

/// The artifact name prefix `.github/workflows/kata-report.yml` uploads as
/// `kata-report-<login>`.
pub const ARTIFACT_PREFIX: &str = "kata-report-";

/// The largest file read from a zip (a snapshot is a few hundred kB): a broken or hostile
/// archive cannot fill the memory.
const MAX_ZIPPED_FILE: u64 = 64 << 20;

/// A folder of downloaded GitHub Actions artifacts read as a cohort.
#[derive(Debug, Clone)]
pub struct Artifacts {
    /// One learner per name: their newest snapshot (`generated_at`), learners sorted by name.
    pub cohort: Cohort,
    /// Snapshots read, older ones included.
    pub read: usize,
    /// Files skipped, each with why (said, never silently dropped).
    pub skipped: Vec<String>,
}

/// Reads every snapshot under `dir` as `gh run download` lays artifacts out (one folder per
/// artifact, `kata-report-<login>/kata-report.json`, or the artifacts' `.zip` files, at any
/// depth: several runs downloaded side by side merge). A learner is the snapshot's `learner`,
/// else the login of the `kata-report-<login>` folder or zip it came in; of several snapshots of
/// one learner the newest (`generated_at`) wins.
pub fn load_artifacts(dir: &Path) -> Result<Artifacts> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder of downloaded artifacts (`gh run download -D {}` makes one)",
            dir.display(),
            dir.display()
        )));
    }
    let mut found: Vec<(PathBuf, Option<String>, Report)> = Vec::new();
    let mut skipped = Vec::new();
    for file in crate::walk::files(dir, &[]) {
        let relative = file.strip_prefix(dir).unwrap_or(&file).to_path_buf();
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.eq_ignore_ascii_case("json") {
            let report = std::fs::read_to_string(&file)
                .map_err(|e| Error::io(format!("reading {}", file.display()), e))
                .and_then(|text| parse(&text, &file));
            match report {
                Ok(r) => found.push((file.clone(), login_of(&relative), r)),
                Err(e) if !is_companion(&file) => skipped.push(e.to_string()),
                Err(_) => {}
            }
        } else if ext.eq_ignore_ascii_case("zip") {
            match read_zip(&file) {
                Ok((reports, problems)) => {
                    for (inner, r) in reports {
                        let login = login_of(&relative.join(&inner));
                        found.push((file.join(inner), login, r));
                    }
                    skipped.extend(problems);
                }
                Err(e) => skipped.push(e),
            }
        }
    }
    if found.is_empty() {
        return Err(Error::Usage(format!(
            "no snapshots in {}: expected {ARTIFACT_PREFIX}<login>/kata-report.json folders or {ARTIFACT_PREFIX}<login>.zip files, as `gh run download` writes them{}",
            dir.display(),
            if skipped.is_empty() {
                String::new()
            } else {
                format!(" (skipped: {})", skipped.join("; "))
            }
        )));
    }
    let read = found.len();
    let mut newest: std::collections::BTreeMap<String, (PathBuf, Report)> =
        std::collections::BTreeMap::new();
    for (origin, login, mut report) in found {
        let name = report
            .learner
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .or(login)
            .unwrap_or_else(|| {
                origin
                    .parent()
                    .and_then(Path::file_name)
                    .map_or_else(|| "learner".into(), |n| n.to_string_lossy().into_owned())
            });
        report.learner = Some(name.clone());
        match newest.get(&name) {
            // Equal times: the one found later (sorted paths: a later run's folder) wins.
            Some((_, kept)) if kept.generated_at > report.generated_at => {}
            _ => {
                newest.insert(name, (origin, report));
            }
        }
    }
    Ok(Artifacts {
        cohort: Cohort::merge(newest.into_values().collect()),
        read,
        skipped,
    })
}

/// The login in the nearest `kata-report-<login>` folder or zip on `relative`'s path.
fn login_of(relative: &Path) -> Option<String> {
    relative
        .ancestors()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy())
        .find_map(|n| {
            let n = n.strip_suffix(".zip").unwrap_or(&n);
            n.strip_prefix(ARTIFACT_PREFIX)
                .filter(|login| !login.is_empty())
                .map(str::to_string)
        })
}

/// A JSON file the workflow uploads next to the snapshot (`kata-points.json`): not a snapshot,
/// and no surprise.
fn is_companion(file: &Path) -> bool {
    file.file_name().is_some_and(|n| n == "kata-points.json")
}

/// The snapshots in a zip (inner path, report), and why other JSON files in it were skipped;
/// `Err` when the file is not a readable zip.
#[allow(clippy::type_complexity)]
fn read_zip(file: &Path) -> std::result::Result<(Vec<(PathBuf, Report)>, Vec<String>), String> {
    use std::io::Read;
    let not_zip =
        |e: &dyn std::fmt::Display| format!("{}: not a readable zip ({e})", file.display());
    let f = std::fs::File::open(file).map_err(|e| not_zip(&e))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(|e| not_zip(&e))?;
    let mut reports = Vec::new();
    let mut problems = Vec::new();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("{} (entry {i}): {e}", file.display()));
                continue;
            }
        };
        // Only names that stay inside the archive (no `..`, no absolute paths).
        let Some(inner) = entry.enclosed_name() else {
            continue;
        };
        let is_json = inner
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if !entry.is_file() || !is_json {
            continue;
        }
        let origin = file.join(&inner);
        let mut bytes = Vec::new();
        let read = (&mut entry)
            .take(MAX_ZIPPED_FILE + 1)
            .read_to_end(&mut bytes);
        match read {
            Err(e) => problems.push(format!("{}: {e}", origin.display())),
            Ok(_) if bytes.len() as u64 > MAX_ZIPPED_FILE => {
                problems.push(format!("{}: larger than 64 MiB", origin.display()));
            }
            Ok(_) => match String::from_utf8(bytes)
                .map_err(|_| Error::Usage(format!("{}: not UTF-8 text", origin.display())))
                .and_then(|text| parse(&text, &origin))
            {
                Ok(r) => reports.push((inner, r)),
                Err(e) if !is_companion(&origin) => problems.push(e.to_string()),
                Err(_) => {}
            },
        }
    }
    Ok((reports, problems))
}
