//! The learner's snapshot: `cargo kata report` (a page for the terminal) and
//! `cargo kata report --json` (a versioned document a facilitator collects).
//!
//! Built from three sources only: the statuses `status::refresh` computes, the honest
//! record, and HEAD's reference solutions (how much of what the learner wrote equals what the
//! reference wrote: a number with its meaning, never a verdict; see `crate::similarity`). Kata ids are `suite/kata`, never positions, so a snapshot taken on one
//! version of the curriculum still merges with one taken on another (`cohort`).

pub mod cohort;
pub mod html;
pub mod readiness;
pub mod text;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::{Row, Status};
use crate::similarity::{self, Similarity};
use crate::state::{self, KataProgress, Progress};

/// The JSON shape's version: bumped on any change a reader could trip over.
pub const SCHEMA_VERSION: u32 = 2;

/// Checks without a green after which a kata counts as stuck, when its last verdict passes at
/// most half of its tests (many failing checks, little progress).
pub const STUCK_CHECKS: u32 = 8;

/// The whole snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// Who: `KATA_LEARNER`, else git's `user.name`, else null.
    pub learner: Option<String>,
    /// Unix seconds when the snapshot was taken.
    pub generated_at: u64,
    /// The active plan's title, if a plan restricted the curriculum.
    #[serde(default)]
    pub plan: Option<String>,
    /// Whether the record is whole or was rebuilt after a corrupt progress file.
    pub history: History,
    /// One entry per kata, in curriculum order.
    pub katas: Vec<KataReport>,
    /// One entry per concept, sorted by name.
    pub concepts: Vec<ConceptReport>,
    /// The kata of the newest verdict: where the learner is working now.
    #[serde(default)]
    pub current_kata: Option<String>,
    /// Finished exams, oldest first (`cargo kata exam`).
    #[serde(default)]
    pub exams: Vec<crate::exam::ExamResult>,
    /// Green katas.
    pub green: usize,
    /// All katas of the curriculum.
    pub total: usize,
}

/// Whether the record of work is whole.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct History {
    /// A corrupt progress file was set aside when there was no record of work
    /// (`.kata/history.jsonl`) to rebuild it from: it was rebuilt from test results.
    pub rebuilt: bool,
    /// Unix seconds of the earliest set-aside file (the record starts there).
    pub rebuilt_at: Option<u64>,
    /// The files set aside (`.kata/progress.json.corrupt-…`).
    pub set_aside: Vec<String>,
    /// There is no record at all (a fresh clone, CI): checks, hints and times are unknown,
    /// not zero.
    #[serde(default)]
    pub no_record: bool,
    /// Each time the record of work was found edited or cut: the first event not counted
    /// (`at_event`; the events before it are), when it was found, why, where the lines from
    /// there on were moved, and the katas they name (null: unknown, then any kata not first
    /// edited after the edit was found).
    #[serde(default)]
    pub record_edited: Vec<crate::history::Edit>,
}

impl History {
    /// Whether some counts are unknown: rebuilt, edited, or no record at all.
    pub fn incomplete(&self) -> bool {
        self.rebuilt || self.no_record || !self.record_edited.is_empty()
    }
}

/// Whether a kata's counts cover all of the learner's work on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    /// Every check and hint since the kata was started.
    Full,
    /// Only what happened since the record was rebuilt, or (`history.record_edited`) only
    /// what the record kept where it was found edited: the rest of the work is unknown.
    SinceRebuild,
}

/// One kata's line in the snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KataReport {
    /// `suite/kata`.
    pub id: String,
    /// The kata's title.
    pub title: String,
    /// Concepts from katas.toml's vocabulary.
    pub concepts: Vec<String>,
    /// Last known status.
    pub status: Status,
    /// Tests that passed at the last check.
    pub tests_passed: usize,
    /// Tests of the kata at the last check (0 when never checked).
    pub tests_total: usize,
    /// Checks up to the first green.
    pub checks: u32,
    /// Checks after green.
    pub practice_checks: u32,
    /// Seconds from the first edit to the first green; null when not green or unknown.
    pub time_to_green_secs: Option<u64>,
    /// Hints taken before green.
    pub hints_used: u32,
    /// The solution was shown before green.
    pub solution_peeked: bool,
    /// Many failing checks with little progress.
    pub stuck: bool,
    /// The first test that did not pass at the last check.
    #[serde(default)]
    pub failing_test: Option<String>,
    /// For a green kata, how much of the written code equals the reference's (a fact, never
    /// a verdict; null where the reference writes too little for the number to mean anything).
    #[serde(default)]
    pub similarity: Option<Similarity>,
    /// Whether the counts are whole.
    pub record: Record,
    /// The active plan's time box for this kata, in seconds.
    #[serde(default)]
    pub time_box_secs: Option<u64>,
}

/// One concept's line: katas that teach it and how they went.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConceptReport {
    /// The concept's id in katas.toml's vocabulary.
    pub concept: String,
    /// What it means, from the vocabulary.
    #[serde(default)]
    pub description: String,
    /// Katas tagged with it (its evidence: one kata is thin evidence).
    pub katas: usize,
    /// Of those, green.
    pub passed: usize,
    /// Of those, green with no hint and no solution shown before green.
    #[serde(default)]
    pub unaided: usize,
    /// Median time from first edit to green over the unaided ones with a known time.
    #[serde(default)]
    pub unaided_median_secs: Option<u64>,
    /// Median time to green over the green ones with a known time.
    pub median_time_to_green_secs: Option<u64>,
    /// Hints taken on them.
    pub hints: u32,
}

/// Builds the snapshot from the statuses and the record.
pub fn build(
    root: &Path,
    rows: &[Row<'_>],
    progress: &Progress,
    plan: Option<&crate::plan::Plan>,
    vocabulary: &BTreeMap<String, String>,
) -> Report {
    let history = history(root);
    let none = KataProgress::default();
    let katas: Vec<KataReport> = rows
        .iter()
        .map(|row| {
            let key = row.kata.key();
            let p = progress.katas.get(&key).unwrap_or(&none);
            let record = if history.rebuilt_at.is_some()
                || history
                    .record_edited
                    .iter()
                    .any(|e| e.affects(&key, p.first_started))
            {
                Record::SinceRebuild
            } else {
                Record::Full
            };
            let green = row.status == Status::Green;
            let time_to_green_secs = p
                .time_to_green_secs
                .filter(|_| green && clock_known(&history, &key, p));
            let tests_total = row.passed + row.failed;
            KataReport {
                id: key,
                title: row.kata.title.clone(),
                concepts: row.kata.concepts.clone(),
                status: row.status,
                tests_passed: row.passed,
                tests_total,
                checks: p.checks,
                practice_checks: p.practice_checks,
                time_to_green_secs,
                hints_used: p.hints_used,
                solution_peeked: p.peeked,
                stuck: is_stuck(row.status, p.checks, row.passed, tests_total),
                failing_test: p
                    .last_verdict
                    .as_ref()
                    .filter(|_| row.status != Status::Green)
                    .and_then(|v| v.failing_test.clone()),
                // Only a solved kata's code is compared (two `git show`s a kata).
                similarity: green
                    .then(|| {
                        similarity::of_files(
                            root,
                            &row.kata.file,
                            &crate::layout::solution_file(&row.kata.file),
                        )
                    })
                    .flatten(),
                record,
                time_box_secs: plan
                    .and_then(|p| p.time_box(&row.kata.key()))
                    .map(|m| u64::from(m) * 60),
            }
        })
        .collect();
    let concepts = concepts(&katas, vocabulary);
    let green = katas.iter().filter(|k| k.status == Status::Green).count();
    let current_kata = rows
        .iter()
        .filter_map(|row| {
            let key = row.kata.key();
            let at = progress.katas.get(&key)?.last_verdict.as_ref()?.at;
            Some((at, key))
        })
        .max()
        .map(|(_, key)| key);
    Report {
        current_kata,
        schema_version: SCHEMA_VERSION,
        learner: learner(root),
        generated_at: state::now(),
        plan: plan.map(|p| p.title.clone()),
        history,
        total: katas.len(),
        green,
        katas,
        concepts,
        exams: crate::exam::history(root),
    }
}

/// Whether a kata's time to green is the learner's: not a clock that starts before a rebuilt
/// progress file, or in the same second (its green was seen again after it), nor one whose first edit or green was
/// seen again after its events were found edited.
fn clock_known(history: &History, key: &str, p: &KataProgress) -> bool {
    let after = |t: Option<u64>, at: u64| t.is_none_or(|t| t >= at);
    if history
        .rebuilt_at
        .is_some_and(|at| p.first_started.is_none_or(|s| s <= at))
    {
        return false;
    }
    !history.record_edited.iter().any(|e| {
        e.affects(key, p.first_started)
            && (after(p.first_started, e.found_at) || after(p.green_at, e.found_at))
    })
}

/// Many failing checks and at most half the tests passing.
pub fn is_stuck(status: Status, checks: u32, passed: usize, total: usize) -> bool {
    status != Status::Green && checks >= STUCK_CHECKS && passed * 2 <= total
}

/// Files a corrupt progress file was set aside as (the record starts at the first), and the
/// edits found in the record of work.
fn history(root: &Path) -> History {
    let dir = root.join(state::STATE_DIR);
    let prefix = state::CORRUPT_PREFIX;
    let mut set_aside: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default();
    set_aside.sort();
    let rebuilt_at = set_aside.first().and_then(|n| {
        n[prefix.len()..]
            .split('-')
            .next()
            .and_then(|s| s.parse().ok())
    });
    let log = crate::history::read(&dir);
    History {
        rebuilt: !set_aside.is_empty(),
        rebuilt_at,
        set_aside,
        no_record: !state::progress_path(root).is_file() && !log.exists,
        record_edited: log.edits(),
    }
}

/// `KATA_LEARNER`, else git's `user.name`.
fn learner(root: &Path) -> Option<String> {
    if let Some(name) = std::env::var("KATA_LEARNER").ok().filter(|n| !n.is_empty()) {
        return Some(name);
    }
    let out = crate::git::output(root, &["config", "user.name"]).ok()?;
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !name.is_empty()).then_some(name)
}

/// Solved unaided: green, no hint and no solution shown before green.
pub fn unaided(k: &KataReport) -> bool {
    k.status == Status::Green && k.hints_used == 0 && !k.solution_peeked
}

/// The per-concept table: every concept the katas list, with its description from
/// `vocabulary` and the evidence behind it.
pub fn concepts(katas: &[KataReport], vocabulary: &BTreeMap<String, String>) -> Vec<ConceptReport> {
    let mut by: BTreeMap<&str, Vec<&KataReport>> = BTreeMap::new();
    for k in katas {
        for c in &k.concepts {
            by.entry(c.as_str()).or_default().push(k);
        }
    }
    by.into_iter()
        .map(|(concept, ks)| {
            let sorted = |only_unaided: bool| {
                let mut times: Vec<u64> = ks
                    .iter()
                    .filter(|k| !only_unaided || unaided(k))
                    .filter_map(|k| k.time_to_green_secs)
                    .collect();
                times.sort_unstable();
                times
            };
            ConceptReport {
                concept: concept.to_string(),
                description: vocabulary.get(concept).cloned().unwrap_or_default(),
                katas: ks.len(),
                passed: ks.iter().filter(|k| k.status == Status::Green).count(),
                unaided: ks.iter().filter(|k| unaided(k)).count(),
                unaided_median_secs: median(&sorted(true)),
                median_time_to_green_secs: median(&sorted(false)),
                hints: ks.iter().map(|k| k.hints_used).sum(),
            }
        })
        .collect()
}

/// The median of sorted values (the lower middle one for an even count).
fn median(sorted: &[u64]) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[(sorted.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stuck_needs_many_checks_and_little_progress() {
        assert!(is_stuck(Status::Red, STUCK_CHECKS, 1, 4));
        assert!(!is_stuck(Status::Red, STUCK_CHECKS, 3, 4));
        assert!(!is_stuck(Status::Red, STUCK_CHECKS - 1, 0, 4));
        assert!(!is_stuck(Status::Green, 50, 4, 4));
    }

    #[test]
    fn the_median_of_an_even_count_is_the_lower_middle() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[1, 2, 9, 10]), Some(2));
    }
}
