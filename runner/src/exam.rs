//! Exam mode: a few katas under a clock, no hints and no solutions, judged at the end on the
//! visible tests *and* on held-out cases the learner never saw.
//!
//! Held-out cases are tests a suite gates behind its crate's `held-out` feature, in a module
//! named `held_out` inside the kata's test module (`suite::<kata>::held_out::…`): a normal
//! check never enables the feature, so they are never compiled, listed or shown before the
//! exam ends. At the end every exam kata is built with `--features held-out` (plus
//! `one-kata,<kata>` when the crate offers them) and all its tests run with
//! `PROPTEST_RNG_SEED` set to a seed drawn when the exam started (proptest's default config,
//! which the suites' `proptest_config()` extends, reads it): property tests meet inputs the
//! learner's checks did not, and the seed is recorded so a result can be reproduced.
//!
//! State: `.kata/exam.json` while an exam runs; each result is appended to
//! `.kata/exams.json` (the readiness page reads them).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::{self, BuildRequest};
use crate::check::{self, Settings, TestSet};
use crate::domain::KataRef;
use crate::error::{Error, Result};
use crate::layout::{self, Crate, Features, Selection};
use crate::state::{self, Progress, STATE_DIR};

/// The running exam's file.
pub const EXAM_FILE: &str = "exam.json";
/// Finished exams, oldest first.
pub const HISTORY_FILE: &str = "exams.json";
/// The module a kata's held-out cases live in.
pub use crate::layout::HELD_OUT_MODULE;

/// An exam in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exam {
    /// Unix seconds.
    pub started_at: u64,
    /// The time allowed.
    pub minutes: u32,
    /// `PROPTEST_RNG_SEED` of the held-out run.
    pub seed: u64,
    /// `suite/kata`, in the order given to the learner.
    pub katas: Vec<String>,
}

impl Exam {
    /// Unix seconds when time is up.
    pub fn deadline(&self) -> u64 {
        self.started_at + u64::from(self.minutes) * 60
    }
}

/// How one kata did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KataResult {
    /// `suite/kata`.
    pub id: String,
    /// Visible tests passed / run.
    pub visible_passed: usize,
    /// Visible tests of the kata.
    pub visible_total: usize,
    /// Held-out cases passed.
    pub held_out_passed: usize,
    /// Held-out cases of the kata (0: the suite has none for it).
    pub held_out_total: usize,
    /// The kata did not build.
    pub does_not_compile: bool,
    /// The suite's tests were not the ones shipped (`katas.lock`): nothing ran, not counted.
    #[serde(default)]
    pub tests_modified: bool,
    /// The solution was shown before green (ever).
    pub peeked: bool,
    /// The kata file is the reference solution (even reformatted).
    #[serde(default)]
    pub copied: bool,
    /// Green on the visible tests and the held-out cases, nothing peeked.
    pub counted: bool,
}

impl KataResult {
    /// Green on the visible tests only: the held-out cases caught something.
    pub fn visible_only(&self) -> bool {
        self.visible_total > 0
            && self.visible_passed == self.visible_total
            && self.held_out_passed < self.held_out_total
    }
}

/// A finished exam.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExamResult {
    /// Unix seconds.
    pub started_at: u64,
    /// Unix seconds.
    pub finished_at: u64,
    /// The time allowed.
    pub minutes: u32,
    /// Seconds used (finish − start).
    pub secs_used: u64,
    /// Finished after the deadline.
    pub over_time: bool,
    /// The held-out run's seed.
    pub seed: u64,
    /// Katas counted.
    pub score: usize,
    /// Katas in the exam.
    pub total: usize,
    /// Per kata.
    pub katas: Vec<KataResult>,
}

fn path(root: &Path, file: &str) -> PathBuf {
    root.join(STATE_DIR).join(file)
}

/// The running exam, if any (an unreadable file is an error: the learner must know).
pub fn active(root: &Path) -> Result<Option<Exam>> {
    let p = path(root, EXAM_FILE);
    match std::fs::read_to_string(&p) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            Error::Usage(format!(
                "{} could not be read ({e}); remove it to end the exam",
                p.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(format!("reading {}", p.display()), e)),
    }
}

/// What to say instead of a hint or a solution while an exam runs (`what`: "hints").
pub fn refusal(root: &Path, what: &str) -> Option<String> {
    let exam = active(root).ok().flatten()?;
    let left = exam.deadline().saturating_sub(state::now());
    Some(format!(
        "no {what} during an exam ({} left); `cargo kata exam --finish` ends it\n",
        crate::render::duration(left)
    ))
}

fn write_json<T: Serialize>(root: &Path, file: &str, value: &T) -> Result<()> {
    let p = path(root, file);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    }
    let text = serde_json::to_string_pretty(value).map_err(Error::Json)?;
    crate::fsx::replace_atomically(&p, (text + "\n").as_bytes())
        .map_err(|e| Error::io(format!("writing {}", p.display()), e))
}

/// Starts an exam.
pub fn start(root: &Path, exam: &Exam) -> Result<()> {
    write_json(root, EXAM_FILE, exam)
}

/// Finished exams, oldest first (an unreadable file reads as none).
pub fn history(root: &Path) -> Vec<ExamResult> {
    std::fs::read_to_string(path(root, HISTORY_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// A seed nobody chose: the clock's nanoseconds and the process id, hashed.
pub fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = state::Fnv::default();
    h.write(&nanos.to_le_bytes());
    h.write(&std::process::id().to_le_bytes());
    u64::from_str_radix(&h.hex(), 16).unwrap_or(nanos as u64)
}

/// Picks `count` katas among `candidates` (already ordered: untouched first), shuffled by
/// `seed` within that preference, so two exams rarely ask the same.
pub fn pick(candidates: &[String], count: usize, seed: u64) -> Vec<String> {
    let mut pool: Vec<String> = candidates.to_vec();
    let mut x = seed | 1;
    for i in (1..pool.len()).rev() {
        // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let j = (x % (i as u64 + 1)) as usize;
        pool.swap(i, j);
    }
    pool.truncate(count);
    pool
}

/// Judges every exam kata on its visible tests and its held-out cases.
pub fn judge(
    settings: &Settings,
    exam: &Exam,
    katas: &[KataRef<'_>],
    progress: &Progress,
) -> Result<ExamResult> {
    let root = &settings.root;
    let seed_env = vec![("PROPTEST_RNG_SEED".to_string(), exam.seed.to_string())];
    let mut results = Vec::new();
    for k in katas {
        let declared = Features::read(root, Crate::Katas, &k.suite.id).unwrap_or_default();
        let features = layout::build_features(&declared, Selection::One(&k.id), true);
        let package = layout::kata_package(&k.suite.id);
        if !crate::pristine::modified_tests(root, &k.suite.id).is_empty() {
            results.push(KataResult {
                id: k.key(),
                visible_passed: 0,
                visible_total: 0,
                held_out_passed: 0,
                held_out_total: 0,
                does_not_compile: false,
                tests_modified: true,
                peeked: false,
                copied: false,
                counted: false,
            });
            continue;
        }
        let request = BuildRequest {
            root,
            packages: vec![package.clone()],
            color: settings.color,
            target_dir: None,
            progress: settings.progress_bar,
            expected_units: 0,
            features,
        };
        let fresh = crate::check::prepare_fresh(&request, &[k.suite]);
        let out = build::build(&request)?;
        fresh.commit();
        let peeked = progress.katas.get(&k.key()).is_some_and(|p| p.peeked);
        let copied = crate::learn::solution::matches_solution(
            root,
            &k.file,
            &layout::solution_file(&k.file),
        )
        .is_some();
        if out.failed_packages.contains(&package) || out.binaries.is_empty() {
            results.push(KataResult {
                id: k.key(),
                visible_passed: 0,
                visible_total: 0,
                held_out_passed: 0,
                held_out_total: 0,
                does_not_compile: true,
                tests_modified: false,
                peeked,
                copied,
                counted: false,
            });
            continue;
        }
        let cases = TestSet::list(&out.binaries)?.select(&package, &k.tests);
        let opts = check::run_options(root, settings.timeout, seed_env.clone());
        let ran = crate::run::run_tests(&cases, &opts);
        let held = |name: &str| name.contains(HELD_OUT_MODULE);
        let count = |held_out: bool, passed: bool| {
            ran.iter()
                .filter(|r| held(&r.name) == held_out && (!passed || r.outcome.is_pass()))
                .count()
        };
        let (visible_total, visible_passed) = (count(false, false), count(false, true));
        let (held_out_total, held_out_passed) = (count(true, false), count(true, true));
        results.push(KataResult {
            id: k.key(),
            visible_passed,
            visible_total,
            held_out_passed,
            held_out_total,
            does_not_compile: false,
            tests_modified: false,
            peeked,
            copied,
            counted: visible_total > 0
                && visible_passed == visible_total
                && held_out_passed == held_out_total
                && !peeked
                && !copied,
        });
    }
    let finished_at = state::now();
    Ok(ExamResult {
        started_at: exam.started_at,
        finished_at,
        minutes: exam.minutes,
        secs_used: finished_at.saturating_sub(exam.started_at),
        over_time: finished_at > exam.deadline(),
        seed: exam.seed,
        score: results.iter().filter(|r| r.counted).count(),
        total: results.len(),
        katas: results,
    })
}

/// Ends the exam: appends its result to the history and removes the running exam's file.
pub fn finish(root: &Path, result: &ExamResult) -> Result<()> {
    let mut all = history(root);
    all.push(result.clone());
    write_json(root, HISTORY_FILE, &all)?;
    let p = path(root, EXAM_FILE);
    std::fs::remove_file(&p).map_err(|e| Error::io(format!("removing {}", p.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picking_is_a_seeded_shuffle_of_the_candidates() {
        let c: Vec<String> = (0..10).map(|i| format!("s/k{i}")).collect();
        let a = pick(&c, 3, 42);
        assert_eq!(a.len(), 3);
        assert_eq!(a, pick(&c, 3, 42), "the same seed picks the same");
        assert!(a.iter().all(|k| c.contains(k)));
        assert_eq!(pick(&c[..2], 5, 1).len(), 2, "never more than there are");
    }

    #[test]
    fn green_on_the_visible_tests_alone_is_told_apart() {
        let r = KataResult {
            id: "s/k".into(),
            visible_passed: 3,
            visible_total: 3,
            held_out_passed: 1,
            held_out_total: 2,
            does_not_compile: false,
            tests_modified: false,
            peeked: false,
            copied: false,
            counted: false,
        };
        assert!(r.visible_only());
        assert!(
            !KataResult {
                held_out_passed: 2,
                ..r
            }
            .visible_only()
        );
    }
}
