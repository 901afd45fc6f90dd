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
//! The exam ends at its deadline: the result is the exam katas' files as they were then.
//! While the exam runs, every check of an exam kata keeps a copy of the file it checks in
//! `.kata/exam/<suite>/<kata>.rs` ([`keep_checked`], called where every check goes through,
//! [`crate::check::check`]; it lives in [`running`] with the running exam's state, so checks
//! need nothing else of this module). An exam judged after its deadline judges each kata file
//! whose modification time is after the deadline on that copy (the last version a check saw
//! before the deadline), else on the pristine stub (red): the learner's file is saved under
//! `.kata/backups/<suite>/<kata>/` as reset does, the deadline version is put in its place for
//! the judgment, and the learner's file is put back (bytes and modification time), even when
//! the judgment fails or is interrupted.
//!
//! State: `.kata/exam.json` while an exam runs, `.kata/exam/` its katas' checked copies; each
//! result is appended to `.kata/exams.json` (the readiness page reads them).

pub mod running;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::build;
use crate::check::{self, Settings, TestSet};
use crate::domain::KataRef;
use crate::error::{Error, Result};
use crate::layout::{self, Crate, Features, Selection};
use crate::state::{self, Progress, STATE_DIR};

/// Finished exams, oldest first.
pub const HISTORY_FILE: &str = "exams.json";
/// The module a kata's held-out cases live in.
pub use crate::layout::HELD_OUT_MODULE;
pub use running::{CHECKED_DIR, EXAM_FILE, Exam, active, ended_for, is_over, keep_checked};

/// Which content of a kata file an exam judged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judged {
    /// The file on disk: finished before the deadline, or not changed after it.
    #[default]
    Current,
    /// The file changed after the deadline: the last version a check saw before it.
    LastChecked,
    /// The file changed after the deadline and no check saw it before: the pristine stub.
    Stub,
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
    /// How much of the written code equals the reference's: a fact shown next to the
    /// result, never a reason not to count it (`crate::similarity`).
    #[serde(default)]
    pub similarity: Option<crate::similarity::Similarity>,
    /// Green on the visible tests and the held-out cases, nothing peeked.
    pub counted: bool,
    /// The content judged: the file on disk, or its version at the deadline.
    #[serde(default)]
    pub judged: Judged,
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
    /// Seconds used (finish − start, at most the time allowed: the exam ends at its deadline).
    pub secs_used: u64,
    /// Finished after the deadline (judged on the files as they were at the deadline).
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

impl ExamResult {
    /// The katas green on the visible tests only.
    pub fn visible_only(&self) -> Vec<&str> {
        self.katas
            .iter()
            .filter(|k| k.visible_only())
            .map(|k| k.id.as_str())
            .collect()
    }
}

fn path(root: &Path, file: &str) -> PathBuf {
    root.join(STATE_DIR).join(file)
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

/// Starts an exam (the checked copies of an earlier one are removed first).
pub fn start(root: &Path, exam: &Exam) -> Result<()> {
    running::remove_checked(root)?;
    write_json(root, EXAM_FILE, exam)
}

/// The content `k` is judged on when the exam is judged after its deadline: `None` for the
/// file on disk (its modification time is not after the deadline, or its bytes are those of
/// the deadline version), else the last version a check saw before the deadline, else the
/// pristine stub.
fn deadline_version(
    root: &Path,
    exam: &Exam,
    k: &KataRef<'_>,
) -> Result<Option<(Judged, Vec<u8>)>> {
    let file = root.join(&k.file);
    let deadline = UNIX_EPOCH + Duration::from_secs(exam.deadline());
    let modified = std::fs::metadata(&file).and_then(|m| m.modified());
    if modified.is_ok_and(|m| m <= deadline) {
        return Ok(None);
    }
    let version = match std::fs::read(running::checked_path(root, &k.key())) {
        Ok(bytes) => (Judged::LastChecked, bytes),
        Err(_) => {
            let stub =
                crate::learn::reset::pristine_stub(root, Path::new(&k.file)).map_err(|e| {
                    Error::io(
                        format!(
                            "finding the pristine stub of {} (its deadline version)",
                            k.file
                        ),
                        std::io::Error::other(e.to_string()),
                    )
                })?;
            (Judged::Stub, stub)
        }
    };
    let unchanged = std::fs::read(&file).is_ok_and(|now| now == version.1);
    Ok((!unchanged).then_some(version))
}

/// Runs `judge` with `version` in place of the file of `k`, then puts the learner's file back
/// (its bytes and modification time), whatever `judge` returned. The learner's file is first
/// saved under `.kata/backups/<suite>/<kata>/` as reset does: a runner killed meanwhile loses
/// nothing (`cargo kata restore <kata>`). A termination signal meanwhile stops the judgment;
/// the file is put back, then the runner ends as the signal means to.
fn judged_on<T>(
    root: &Path,
    k: &KataRef<'_>,
    version: &[u8],
    judge: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let file = root.join(&k.file);
    let theirs = match std::fs::read(&file) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(format!("reading {}", file.display()), e)),
    };
    if theirs.as_deref() == Some(version) {
        return judge();
    }
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
    let backup = match &theirs {
        Some(bytes) => Some(
            crate::learn::reset::write_backup(root, &k.key(), bytes, SystemTime::now()).map_err(
                |e| {
                    Error::io(
                        format!("saving {} before judging its deadline version", k.file),
                        std::io::Error::other(e.to_string()),
                    )
                },
            )?,
        ),
        None => None,
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    let taken = Arc::clone(&interrupted);
    crate::interrupt::set_route(Some(Box::new(move || {
        taken.store(true, Ordering::SeqCst);
        true
    })));
    let result = crate::fsx::replace_atomically(&file, version)
        .map_err(|e| Error::io(format!("writing the deadline version of {}", k.file), e))
        .and_then(|()| judge());
    let back = match &theirs {
        Some(bytes) => crate::fsx::replace_atomically(&file, bytes).map(|()| {
            if let Some(m) = modified {
                // The mtime only tells editors the file did not change: best effort.
                let _ = std::fs::File::options()
                    .write(true)
                    .open(&file)
                    .and_then(|f| f.set_modified(m));
            }
        }),
        None => std::fs::remove_file(&file),
    };
    crate::interrupt::set_route(None);
    if let Err(e) = back {
        let saved = backup.map_or_else(String::new, |b| {
            format!(" (your file is saved in {})", b.display())
        });
        return Err(Error::io(
            format!(
                "putting your {} back after judging its deadline version{saved}",
                k.file
            ),
            e,
        ));
    }
    if interrupted.load(Ordering::SeqCst) {
        crate::interrupt::shut_down();
        std::process::exit(crate::exit::EXIT_INTERRUPTED);
    }
    result
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

/// Judges every exam kata on its visible tests and its held-out cases. Judged after the
/// deadline, a kata file changed after it is judged on its version at the deadline (see the
/// module's documentation); the learner's file is put back afterwards.
pub fn judge(
    settings: &Settings,
    exam: &Exam,
    katas: &[KataRef<'_>],
    progress: &Progress,
) -> Result<ExamResult> {
    let root = &settings.root;
    let finished_at = state::now();
    let over_time = finished_at > exam.deadline();
    let mut results = Vec::new();
    for k in katas {
        if !crate::pristine::modified_tests(root, &k.suite.id).is_empty() {
            results.push(KataResult {
                tests_modified: true,
                ..not_run(k, false, None)
            });
            continue;
        }
        let version = if over_time {
            deadline_version(root, exam, k)?
        } else {
            None
        };
        let result = match version {
            None => judge_kata(settings, exam, k, progress)?,
            Some((judged, bytes)) => {
                let mut r = judged_on(root, k, &bytes, || judge_kata(settings, exam, k, progress))?;
                r.judged = judged;
                r
            }
        };
        results.push(result);
    }
    Ok(ExamResult {
        started_at: exam.started_at,
        finished_at,
        minutes: exam.minutes,
        secs_used: finished_at
            .min(exam.deadline())
            .saturating_sub(exam.started_at),
        over_time,
        seed: exam.seed,
        score: results.iter().filter(|r| r.counted).count(),
        total: results.len(),
        katas: results,
    })
}

/// The result of a kata whose tests did not run.
fn not_run(
    k: &KataRef<'_>,
    peeked: bool,
    similarity: Option<crate::similarity::Similarity>,
) -> KataResult {
    KataResult {
        id: k.key(),
        visible_passed: 0,
        visible_total: 0,
        held_out_passed: 0,
        held_out_total: 0,
        does_not_compile: false,
        tests_modified: false,
        peeked,
        similarity,
        counted: false,
        judged: Judged::Current,
    }
}

/// Builds `k` with its held-out cases and runs all its tests, on the file as it is on disk.
fn judge_kata(
    settings: &Settings,
    exam: &Exam,
    k: &KataRef<'_>,
    progress: &Progress,
) -> Result<KataResult> {
    let root = &settings.root;
    let declared = Features::read(root, Crate::Katas, &k.suite.id).unwrap_or_default();
    let features = layout::build_features(&declared, Selection::One(&k.id), true);
    let package = layout::kata_package(&k.suite.id);
    let request = settings.build_request(vec![package.clone()], features);
    let fresh = crate::check::prepare_fresh(&request, &[k.suite]);
    let out = build::build(&request)?;
    fresh.commit();
    let peeked = progress.katas.get(&k.key()).is_some_and(|p| p.peeked);
    let similarity = crate::similarity::of_files(root, &k.file, &layout::solution_file(&k.file));
    if out.failed_packages.contains(&package) || out.binaries.is_empty() {
        return Ok(KataResult {
            does_not_compile: true,
            ..not_run(k, peeked, similarity)
        });
    }
    let seed_env = vec![("PROPTEST_RNG_SEED".to_string(), exam.seed.to_string())];
    let cases = TestSet::list(&out.binaries)?.select(&package, &k.tests);
    let opts = check::run_options(root, settings.timeout, seed_env);
    let ran = crate::run::run_tests(&cases, &opts);
    let held = |name: &str| name.contains(HELD_OUT_MODULE);
    let count = |held_out: bool, passed: bool| {
        ran.iter()
            .filter(|r| held(&r.name) == held_out && (!passed || r.outcome.is_pass()))
            .count()
    };
    let (visible_total, visible_passed) = (count(false, false), count(false, true));
    let (held_out_total, held_out_passed) = (count(true, false), count(true, true));
    Ok(KataResult {
        visible_passed,
        visible_total,
        held_out_passed,
        held_out_total,
        counted: visible_total > 0
            && visible_passed == visible_total
            && held_out_passed == held_out_total
            && !peeked,
        ..not_run(k, peeked, similarity)
    })
}

/// Ends the exam: appends its result to the history and removes the running exam's file
/// and its checked copies.
pub fn finish(root: &Path, result: &ExamResult) -> Result<()> {
    let mut all = history(root);
    all.push(result.clone());
    write_json(root, HISTORY_FILE, &all)?;
    let p = path(root, EXAM_FILE);
    std::fs::remove_file(&p).map_err(|e| Error::io(format!("removing {}", p.display()), e))?;
    running::remove_checked(root)
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
            similarity: None,
            counted: false,
            judged: Judged::Current,
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
