//! The dodge stage: every known shortcut fails at least one of its kata's tests.
//!
//! A dodge is `solutions/<suite>/dodges/<kata>__<name>.patch`: a unified diff against the
//! kata's solution file that gets the outputs right while skipping the lesson. Its preamble
//! says what it skips (`Dodge: <sentence>`) and which tests should catch it (`Caught by: <test
//! names>`); `cargo kata dodge record` writes one. The stage copies the repository once, then
//! applies dodges to the copy's solution files (exact context, no fuzz: a patch made against
//! another version of the solution fails, naming the hunk) in batches: one dodge per kata, of
//! katas that do not use each other, across every suite, built together (each solution crate
//! with the `all-tests` feature alone, into the same target dir as the stub stage, so each
//! batch is an incremental build that never stands where `cargo test` looks), the reference
//! files put back, and the visible tests run in rounds: the first case each dodge's header
//! names, then, for a dodge that passed it, the other named cases, then the rest of its kata's
//! tests (one failing test is the proof; a failing property is not shrunk). A lone dodge is built alone
//! (`--features one-kata,all-tests,<kata>`, again apart from what anyone else builds); a
//! dodge whose crate does not compile in its batch is tried alone. A
//! dodge that passes every test of its kata, or does not compile, fails; so does a full copy of
//! the solution (`<kata>__<name>.rs`, the old form).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::ScopedJoinHandle;
use std::time::Instant;

use super::{Report, Stage, errors_of};
use crate::build::{self, BuildRequest};
use crate::check::{self, Settings, TestSet};
use crate::domain::{Kata, Suite};
use crate::error::{Error, Result};
use crate::layout::{self, Selection};
use crate::patch::{self, Patch};
use crate::run;

/// The ending of a dodge's file.
pub const EXTENSION: &str = "patch";

/// One dodge file, as named and headed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dodge {
    /// The kata it replaces (the part of the file name before `__`).
    pub kata: String,
    /// Its name (after `__`).
    pub name: String,
    /// The file, relative to the repository root.
    pub file: String,
    /// The `Dodge:` sentence, if present.
    pub claim: Option<String>,
    /// The tests the `Caught by:` line names.
    pub caught_by: Vec<String>,
    /// The parsed patch, or why the file is not one.
    pub patch: std::result::Result<Patch, String>,
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

/// The `Dodge:` sentence and the `Caught by:` test names of a dodge's preamble.
pub fn parse_header<S: AsRef<str>>(preamble: &[S]) -> (Option<String>, Vec<String>) {
    let mut claim = None;
    let mut caught = Vec::new();
    for line in preamble {
        let doc = line.as_ref().trim();
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

/// The dodge files of `suite` (patches, and full copies to refuse), sorted by name.
pub fn find(root: &Path, suite: &Suite) -> Vec<Dodge> {
    let rel = layout::dodges_dir(&suite.id);
    let Ok(entries) = std::fs::read_dir(root.join(&rel)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == EXTENSION || e == "rs"))
        .collect();
    files.sort();
    files.iter().map(|p| read(&rel, p)).collect()
}

/// The dodge in `path`, a file of the suite's dodges folder `rel` (relative to the root).
pub fn read(rel: &Path, path: &Path) -> Dodge {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let (kata, name) = split_name(&stem).unwrap_or(("", ""));
    let file = rel
        .join(path.file_name().unwrap_or_default())
        .display()
        .to_string();
    let patch = if path.extension().is_some_and(|e| e == "rs") {
        Err(format!(
            "a full copy of the solution: a dodge is a patch now; put it in place of the solution file and run `cargo kata dodge record <suite>/{kata} {name} --claim …`"
        ))
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read it: {e}"))
            .and_then(|text| patch::parse(&text).map_err(|e| format!("not a unified diff: {e}")))
    };
    let (claim, caught_by) = match &patch {
        Ok(p) => parse_header(&p.preamble),
        Err(_) => (None, Vec::new()),
    };
    Dodge {
        kata: kata.to_string(),
        name: name.to_string(),
        file,
        claim,
        caught_by,
        patch,
    }
}

/// The dodged text: `dodge`'s patch applied to `solution`, the text of the file it names.
pub fn dodged(dodge: &Dodge, solution: &str) -> std::result::Result<String, String> {
    let p = dodge.patch.as_ref().map_err(Clone::clone)?;
    patch::apply(p, solution).map_err(|e| {
        format!(
            "no longer applies to {}: {e}; make the dodge again against the current solution and record it with `cargo kata dodge record`",
            p.path
        )
    })
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
            let problem = match (&kata, &d.claim, &d.patch) {
                _ if d.name.is_empty() => Some(
                    "a dodge's file name is `<kata>__<name>.patch` (two underscores)".to_string(),
                ),
                (None, _, _) => Some(format!(
                    "names kata `{}`, which is not in the manifest's suite {}",
                    d.kata, suite.id
                )),
                (_, _, Err(why)) => Some(why.clone()),
                (_, _, Ok(p)) if !p.path.starts_with(&format!("solutions/{}/", suite.id)) => {
                    Some(format!(
                        "patches {}, which is not a file of solutions/{}/",
                        p.path, suite.id
                    ))
                }
                (_, None, _) => {
                    Some("its preamble needs `Dodge: <the shortcut, in one sentence>`".to_string())
                }
                (_, _, Ok(p)) => std::fs::read_to_string(settings.root.join(&p.path))
                    .map_err(|e| format!("cannot read {}: {e}", p.path))
                    .and_then(|solution| dodged(&d, &solution))
                    .err(),
            };
            match (problem, kata) {
                (Some(p), _) => report.push(Stage::Dodges, d.file.clone(), false, p),
                (None, Some(k)) if !broken.contains(&layout::solution_package(&suite.id)) => {
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

/// Tries every dodge in `work` on a copy of the repository in `temp`. Dodges of katas that
/// do not use each other are tried together: applied at once, one build of their suites'
/// solution crates (the same features every time, so each build recompiles only the files
/// that changed), then every dodge's kata's tests. A batch's tests run from copies of its
/// binaries while the next batch builds: most tests of a dodge wait (a timeout, a lock that
/// never comes), and the cores build meanwhile. A dodge whose crate does not compile in its
/// batch is tried again alone, so a broken dodge is named alone.
fn swap_each(
    settings: &Settings,
    temp: &Path,
    work: &[(&Suite, &Kata, Dodge)],
    report: &mut Report,
) -> Result<()> {
    let root = &settings.root;
    super::copy_tree(root, temp, true)?;
    super::copy_tree(&root.join(layout::KATAS), &temp.join(layout::KATAS), false)?;
    let target_dir = super::target_dir(root);
    // A failing property is not shrunk: any counterexample proves a dodge caught, and
    // shrinking one reruns the test body hundreds of times.
    let no_shrinking = vec![("PROPTEST_MAX_SHRINK_ITERS".to_string(), "0".to_string())];
    let mut opts = check::run_options(temp, settings.timeout, no_shrinking);
    // A dodge's tests mostly wait (a lock that never comes, a deadlock guard, a timeout): run
    // four per core. Load can only make a test fail, so it can never let a dodge pass.
    opts.jobs *= 4;
    let ctx = &Try {
        settings,
        temp,
        target_dir: &target_dir,
        opts: &opts,
        copies: AtomicUsize::new(0),
    };
    let mut verdicts: Vec<Option<(Verdict, f64)>> = (0..work.len()).map(|_| None).collect();
    std::thread::scope(|scope| -> Result<()> {
        let mut judging: Option<ScopedJoinHandle<'_, Vec<Judged>>> = None;
        let mut settle = |judging: ScopedJoinHandle<'_, Vec<Judged>>| -> Result<()> {
            let judged = judging
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, verdict) in ctx.settle(work, judged)? {
                verdicts[i] = Some(verdict);
            }
            Ok(())
        };
        for batch in batches(temp, work) {
            let built = ctx.build(work, &batch)?;
            if let Some(previous) = judging.take() {
                settle(previous)?;
            }
            judging = Some(scope.spawn(move || ctx.judge(work, built)));
        }
        judging.map_or(Ok(()), settle)
    })?;
    for ((_, kata, dodge), verdict) in work.iter().zip(verdicts) {
        let Some((verdict, secs)) = verdict else {
            continue;
        };
        push_verdict(report, kata, dodge, verdict, secs);
    }
    Ok(())
}

/// Groups `work` (indices) into batches: at most one dodge per kata, and no two katas of one
/// suite where one's feature pulls in the other (its tests would see that dodge). Katas of
/// different suites never see each other, so one batch spans every suite: one build of the
/// suites' crates side by side, then all their tests at once.
fn batches(root: &Path, work: &[(&Suite, &Kata, Dodge)]) -> Vec<Vec<usize>> {
    let mut closures = std::collections::HashMap::new();
    for (suite, _, _) in work {
        closures
            .entry(suite.id.as_str())
            .or_insert_with(|| crate::isolate::closures(root, suite));
    }
    let clash = |i: usize, j: usize| {
        let ((si, ki, _), (sj, kj, _)) = (&work[i], &work[j]);
        let uses = |a: &str, b: &str| {
            closures
                .get(si.id.as_str())
                .and_then(|c| c.get(a))
                .is_some_and(|c| c.contains(b))
        };
        si.id == sj.id && (ki.id == kj.id || uses(&ki.id, &kj.id) || uses(&kj.id, &ki.id))
    };
    let mut left: Vec<usize> = (0..work.len()).collect();
    let mut out = Vec::new();
    while !left.is_empty() {
        let mut batch: Vec<usize> = Vec::new();
        for &i in &left {
            if batch.iter().all(|&j| !clash(i, j)) {
                batch.push(i);
            }
        }
        left.retain(|i| !batch.contains(i));
        out.push(batch);
    }
    out
}

/// Where and how dodges are tried.
struct Try<'a> {
    settings: &'a Settings,
    temp: &'a Path,
    target_dir: &'a Path,
    opts: &'a run::RunOptions,
    /// Batches whose binaries were copied so far (names their folders).
    copies: AtomicUsize,
}

/// A batch built, its dodges put back already: what is left is to run its tests.
struct Built {
    started: Instant,
    /// Dodges that did not apply, with why.
    broken: Vec<(usize, Verdict)>,
    /// The applied dodges (indices into `work`).
    applied: Vec<usize>,
    /// Its test cases, or the verdict on all of it (it did not build or list).
    compiled: std::result::Result<Compiled, Verdict>,
}

/// A batch's build: what failed, and each kata's visible tests in copies of the binaries.
struct Compiled {
    out: build::BuildOutput,
    /// Per applied dodge: its kata's visible tests, in the order they are tried.
    visible: Vec<Picked>,
    /// The folder of the copies, removed once the tests have run.
    copies: PathBuf,
}

/// One dodge judged (index into `work`, seconds), or `None` for a dodge whose crate did not
/// compile among others.
type Judged = (usize, Option<Verdict>, f64);

impl Try<'_> {
    /// The verdicts on one batch, built and judged now (index into `work`, verdict, seconds).
    fn batch(
        &self,
        work: &[(&Suite, &Kata, Dodge)],
        batch: &[usize],
    ) -> Result<Vec<(usize, (Verdict, f64))>> {
        let built = self.build(work, batch)?;
        self.settle(work, self.judge(work, built))
    }

    /// Final verdicts: a dodge whose crate did not compile among others is tried alone, where
    /// it is either caught or named as the dodge that does not compile.
    fn settle(
        &self,
        work: &[(&Suite, &Kata, Dodge)],
        judged: Vec<Judged>,
    ) -> Result<Vec<(usize, (Verdict, f64))>> {
        let mut out = Vec::new();
        for (i, verdict, secs) in judged {
            match verdict {
                Some(v) => out.push((i, (v, secs))),
                None => out.extend(self.batch(work, &[i])?),
            }
        }
        Ok(out)
    }

    /// Applies the batch's dodges, builds, copies the test binaries and puts the reference
    /// files back, so the tree is the reference again while the tests run.
    fn build(&self, work: &[(&Suite, &Kata, Dodge)], batch: &[usize]) -> Result<Built> {
        let started = Instant::now();
        let mut applied: Vec<(usize, PathBuf, String)> = Vec::new();
        let mut broken = Vec::new();
        for &i in batch {
            let dodge = &work[i].2;
            let Ok(p) = &dodge.patch else { continue };
            let target = self.temp.join(&p.path);
            let original = std::fs::read_to_string(&target)
                .map_err(|e| Error::io(format!("reading {}", target.display()), e))?;
            match dodged(dodge, &original) {
                Ok(text) => {
                    std::fs::write(&target, text)
                        .map_err(|e| Error::io(format!("writing {}", target.display()), e))?;
                    applied.push((i, target, original));
                }
                Err(why) => broken.push((i, Verdict::Broken(why))),
            }
        }
        let tried: Vec<(&Suite, &Kata, &[String])> = applied
            .iter()
            .map(|(i, _, _)| (work[*i].0, work[*i].1, work[*i].2.caught_by.as_slice()))
            .collect();
        let compiled = self.compile(&tried);
        for (_, target, original) in &applied {
            std::fs::write(target, original)
                .map_err(|e| Error::io(format!("restoring {}", target.display()), e))?;
        }
        Ok(Built {
            started,
            broken,
            applied: applied.into_iter().map(|(i, _, _)| i).collect(),
            compiled,
        })
    }

    /// Builds the solution crates of `katas` (each with the tests its dodge's header names)
    /// as the files now are, copies their test binaries (the next batch's build overwrites
    /// them) and picks each kata's visible tests (held-out cases are the exam's, not what a
    /// learner sees), split into those its dodge names and the rest.
    fn compile(
        &self,
        katas: &[(&Suite, &Kata, &[String])],
    ) -> std::result::Result<Compiled, Verdict> {
        let mut packages: Vec<String> = katas
            .iter()
            .map(|(s, _, _)| layout::solution_package(&s.id))
            .collect();
        packages.sort();
        packages.dedup();
        // Never the features of a build someone else runs (`cargo test`, or one kata's
        // `one-kata,<kata>`): a build of dodged files must not be taken for fresh later. A
        // crate tried for one kata alone compiles only that kata.
        let features: Vec<String> = packages
            .iter()
            .flat_map(|pkg| {
                let mine: Vec<String> = katas
                    .iter()
                    .filter(|(s, _, _)| &layout::solution_package(&s.id) == pkg)
                    .map(|(_, k, _)| k.id.clone())
                    .collect();
                let selection = if katas.len() == 1 {
                    Selection::Several(&mine)
                } else {
                    Selection::Apart
                };
                layout::features(selection)
                    .into_iter()
                    .map(move |f| format!("{pkg}/{f}"))
                    .collect::<Vec<_>>()
            })
            .collect();
        let t0 = Instant::now();
        let mut out = build::build(&BuildRequest {
            root: self.temp,
            packages,
            color: self.settings.color,
            target_dir: Some(self.target_dir.to_path_buf()),
            progress: self.settings.progress_bar,
            expected_units: 0,
            features,
        })
        .map_err(|e| Verdict::Broken(format!("could not build it: {e}")))?;
        let copies = self.copy_binaries(&mut out.binaries)?;
        let tests = TestSet::list(&out.binaries)
            .map_err(|e| Verdict::Broken(format!("could not list its tests: {e}")))?;
        let visible = katas
            .iter()
            .map(|(suite, kata, named)| {
                let pkg = layout::solution_package(&suite.id);
                if out.failed_packages.contains(&pkg) {
                    return Picked::default();
                }
                let cases: Vec<run::TestCase> = tests
                    .select(&pkg, &kata.tests)
                    .into_iter()
                    .filter(|c| !c.name.contains(layout::HELD_OUT_MODULE))
                    .collect();
                Picked::new(cases, named)
            })
            .collect();
        if std::env::var_os("KATA_VERIFY_TRACE").is_some() {
            eprintln!(
                "batch of {}: build+list {:.1} s",
                katas.len(),
                t0.elapsed().as_secs_f64()
            );
        }
        Ok(Compiled {
            out,
            visible,
            copies,
        })
    }

    /// Copies `binaries` into a folder of their own under the copy of the repository and
    /// points them there.
    fn copy_binaries(
        &self,
        binaries: &mut [build::TestBinary],
    ) -> std::result::Result<PathBuf, Verdict> {
        let n = self.copies.fetch_add(1, Ordering::Relaxed);
        let dir = self.temp.join(".kata-dodge-binaries").join(n.to_string());
        let fail = |e: std::io::Error| {
            Verdict::Broken(format!(
                "could not copy its test binaries to {}: {e}",
                dir.display()
            ))
        };
        std::fs::create_dir_all(&dir).map_err(fail)?;
        for b in binaries {
            let copy = dir.join(b.path.file_name().unwrap_or_default());
            std::fs::copy(&b.path, &copy).map_err(fail)?;
            b.path = copy;
        }
        Ok(dir)
    }

    /// Runs the built batch's tests: first those each dodge's header names, then, for a
    /// dodge none of those catches, the rest of its kata's visible tests (one failing test is
    /// the proof; a dodge nothing catches is judged on every test).
    fn judge(&self, work: &[(&Suite, &Kata, Dodge)], built: Built) -> Vec<Judged> {
        let Built {
            started,
            broken,
            applied,
            compiled,
        } = built;
        let verdicts: Vec<Option<Verdict>> = match compiled {
            Err(v) => applied.iter().map(|_| Some(v.clone())).collect(),
            Ok(compiled) => {
                let verdicts = self.run_katas(work, &applied, &compiled);
                // Only disk space is at stake: the whole copy goes when the stage ends.
                let _ = std::fs::remove_dir_all(&compiled.copies);
                verdicts
            }
        };
        let secs = started.elapsed().as_secs_f64() / applied.len().max(1) as f64;
        broken
            .into_iter()
            .map(|(i, v)| (i, Some(v), 0.0))
            .chain(applied.into_iter().zip(verdicts).map(|(i, v)| (i, v, secs)))
            .collect()
    }

    /// A verdict per applied dodge, or `None` for one whose crate did not compile when the
    /// batch holds several. The tests run in rounds, each round for every dodge not caught
    /// yet: the first case its header names, then the other named cases, then the rest.
    fn run_katas(
        &self,
        work: &[(&Suite, &Kata, Dodge)],
        applied: &[usize],
        compiled: &Compiled,
    ) -> Vec<Option<Verdict>> {
        let Compiled { out, visible, .. } = compiled;
        let mut results: Vec<Vec<crate::domain::TestResult>> = vec![Vec::new(); visible.len()];
        for round in 0..Picked::ROUNDS {
            let t = Instant::now();
            let caught =
                |r: &Vec<crate::domain::TestResult>| r.iter().any(|r| !r.outcome.is_pass());
            let groups: Vec<&[run::TestCase]> = visible
                .iter()
                .zip(&results)
                .map(|(p, r)| if caught(r) { &[][..] } else { p.round(round) })
                .collect();
            let ran = self.run_each(groups.iter().copied());
            trace_round(applied.len(), round, t, &ran);
            for (all, new) in results.iter_mut().zip(ran) {
                all.extend(new);
            }
        }
        applied
            .iter()
            .zip(results)
            .map(|(&i, results)| {
                let (suite, kata, _) = &work[i];
                let pkg = layout::solution_package(&suite.id);
                if out.failed_packages.contains(&pkg) {
                    if applied.len() > 1 {
                        return None;
                    }
                    return Some(Verdict::Broken(format!(
                        "does not compile (a dodge must be a working shortcut; it was applied to src/{}.rs):\n{}",
                        kata.id,
                        errors_of(&out.diagnostics, &pkg)
                    )));
                }
                if results.is_empty() {
                    return Some(Verdict::Broken(format!("no test matches `{}`", kata.tests)));
                }
                let caught: Vec<String> = results
                    .iter()
                    .filter(|r| !r.outcome.is_pass())
                    .map(|r| r.name.clone())
                    .collect();
                Some(if caught.is_empty() {
                    Verdict::Passes(results.len())
                } else {
                    Verdict::Caught(caught)
                })
            })
            .collect()
    }

    /// Runs every group of cases in one run (the cores stay busy across katas) and gives
    /// each group its results back.
    fn run_each<'c>(
        &self,
        groups: impl Iterator<Item = &'c [run::TestCase]>,
    ) -> Vec<Vec<crate::domain::TestResult>> {
        let groups: Vec<&[run::TestCase]> = groups.collect();
        if groups.iter().all(|g| g.is_empty()) {
            return groups.iter().map(|_| Vec::new()).collect();
        }
        let all: Vec<run::TestCase> = groups.iter().flat_map(|g| g.iter().cloned()).collect();
        let mut results = run::run_tests(&all, self.opts).into_iter();
        groups
            .iter()
            .map(|g| results.by_ref().take(g.len()).collect())
            .collect()
    }
}

/// With `KATA_VERIFY_TRACE` set: a round's time, cases and slowest tests, on stderr.
fn trace_round(
    dodges: usize,
    round: usize,
    started: Instant,
    ran: &[Vec<crate::domain::TestResult>],
) {
    if std::env::var_os("KATA_VERIFY_TRACE").is_none() {
        return;
    }
    let mut slow: Vec<&crate::domain::TestResult> = ran.iter().flatten().collect();
    eprintln!(
        "batch of {dodges}: round {round} {:.1} s ({} cases)",
        started.elapsed().as_secs_f64(),
        slow.len()
    );
    slow.sort_by_key(|r| std::cmp::Reverse(r.duration));
    for r in slow.iter().take(4) {
        eprintln!("    {:.1} s {}", r.duration.as_secs_f64(), r.name);
    }
}

/// Reports one dodge's verdict.
fn push_verdict(report: &mut Report, kata: &Kata, dodge: &Dodge, verdict: Verdict, secs: f64) {
    let name = dodge.file.clone();
    match verdict {
        Verdict::Caught(tests) => {
            let detail = format!("caught by {} ({secs:.1} s)", tests.join(", "));
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

/// One dodge's visible tests in the order they are tried: one failing test is the proof, so
/// a dodge caught by the first case its header names costs that one case.
#[derive(Debug, Default)]
struct Picked {
    /// The first case of the first test the header names that exists.
    lead: Vec<run::TestCase>,
    /// The other cases the header names.
    named: Vec<run::TestCase>,
    /// The kata's other visible cases.
    rest: Vec<run::TestCase>,
}

impl Picked {
    /// How many rounds of tests a dodge may need.
    const ROUNDS: usize = 3;

    /// Sorts `cases` by what `named` (a header's `Caught by:`) says.
    fn new(cases: Vec<run::TestCase>, named: &[String]) -> Self {
        let (mut named_cases, rest): (Vec<_>, Vec<_>) = cases
            .into_iter()
            .partition(|c| named.iter().any(|n| names_test(&c.name, n)));
        let lead = named
            .iter()
            .find_map(|n| named_cases.iter().position(|c| names_test(&c.name, n)))
            .map(|i| vec![named_cases.remove(i)])
            .unwrap_or_default();
        Self {
            lead,
            named: named_cases,
            rest,
        }
    }

    /// The cases of round `n`.
    fn round(&self, n: usize) -> &[run::TestCase] {
        match n {
            0 => &self.lead,
            1 => &self.named,
            _ => &self.rest,
        }
    }
}

#[derive(Debug, Clone)]
enum Verdict {
    /// The tests that failed.
    Caught(Vec<String>),
    /// Every one of this many tests passed.
    Passes(usize),
    /// It could not be judged: why.
    Broken(String),
}

/// One line per suite: `<suite>: N dodges, all caught`, which were not, or that it has none.
pub fn summaries(report: &Report, suites: &[&Suite]) -> Vec<String> {
    suites
        .iter()
        .map(|s| {
            let dir = format!("{}/", layout::dodges_dir(&s.id).display());
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
    fn a_dodge_is_tried_on_the_first_case_its_header_names_before_any_other() {
        let binary = std::sync::Arc::new(build::TestBinary {
            package: "solution-s1".to_string(),
            path: PathBuf::from("/nowhere"),
            manifest_dir: PathBuf::from("/nowhere"),
        });
        let cases = ["a", "b::case_1_x", "b::case_2_y", "c"]
            .iter()
            .map(|n| run::TestCase {
                binary: binary.clone(),
                name: format!("suite::k::{n}"),
            })
            .collect();
        let picked = Picked::new(cases, &["b".to_string(), "a".to_string()]);
        let names =
            |n: usize| -> Vec<&str> { picked.round(n).iter().map(|c| c.name.as_str()).collect() };
        assert_eq!(names(0), ["suite::k::b::case_1_x"]);
        assert_eq!(names(1), ["suite::k::a", "suite::k::b::case_2_y"]);
        assert_eq!(names(2), ["suite::k::c"]);
    }

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
        let preamble = [
            "Dodge: a hand-written struct instead of closures.",
            "Caught by: `suite::g::tells_closures`, suite::g::other and x.",
            "",
        ];
        let (claim, caught) = parse_header(&preamble);
        assert_eq!(
            claim.as_deref(),
            Some("a hand-written struct instead of closures.")
        );
        assert_eq!(caught, ["suite::g::tells_closures", "suite::g::other", "x"]);
    }

    #[test]
    fn a_header_without_a_dodge_line_has_no_claim() {
        assert_eq!(parse_header(&["Caught by: t"]), (None, vec!["t".into()]));
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
        std::fs::write(dodges.join("b__two.patch"), patch_text("two")).expect("write");
        std::fs::write(dodges.join("a__one.patch"), patch_text("one")).expect("write");
        std::fs::write(dodges.join("notes.md"), "not a dodge").expect("write");
        let suite: Suite = toml::from_str("id = \"s\"\ntitle = \"S\"").expect("suite");
        let found = find(dir.path(), &suite);
        let names: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (d.kata.as_str(), d.name.as_str()))
            .collect();
        assert_eq!(names, [("a", "one"), ("b", "two")]);
        assert_eq!(found[0].file, "solutions/s/dodges/a__one.patch");
        assert_eq!(found[0].claim.as_deref(), Some("one"));
    }

    fn patch_text(claim: &str) -> String {
        format!(
            "Dodge: {claim}\nCaught by: t\n\n{}",
            patch::create("a\n", "b\n", "solutions/s/src/k.rs")
        )
    }

    fn one_kata_suite() -> Suite {
        toml::from_str(
            "id = \"s\"\ntitle = \"S\"\n[[kata]]\nid = \"k\"\ntitle = \"K\"\nfile = \"katas/s/src/k.rs\"\ntests = \"suite::k::\"\n",
        )
        .expect("suite")
    }

    /// The stage's report for the suite `s` with its kata `k`, in `root`.
    fn stage_of_one_kata_suite(root: &Path) -> Report {
        let mut report = Report::default();
        stage(&settings(root), &[&one_kata_suite()], &[], &mut report).expect("stage runs");
        report
    }

    fn settings(root: &Path) -> Settings {
        Settings {
            root: root.to_path_buf(),
            color: false,
            timeout: std::time::Duration::from_secs(1),
            progress_bar: false,
        }
    }

    #[test]
    fn a_full_copy_dodge_fails_and_says_how_to_make_a_patch() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dodges = dir.path().join("solutions/s/dodges");
        std::fs::create_dir_all(&dodges).expect("mkdir");
        std::fs::write(dodges.join("k__copy.rs"), "//! Dodge: x.\n").expect("write");
        let report = stage_of_one_kata_suite(dir.path());
        assert_eq!(report.failed, 1);
        assert!(report.checks[0].detail.contains("cargo kata dodge record"));
    }

    #[test]
    fn a_patch_that_no_longer_applies_fails_naming_the_file_and_the_hunk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = dir.path().join("solutions/s/src");
        let dodges = dir.path().join("solutions/s/dodges");
        std::fs::create_dir_all(&src).expect("mkdir");
        std::fs::create_dir_all(&dodges).expect("mkdir");
        // The patch turns "a" into "b", but the solution has moved on to "c".
        std::fs::write(src.join("k.rs"), "c\n").expect("write");
        std::fs::write(dodges.join("k__stale.patch"), patch_text("stale.")).expect("write");
        let report = stage_of_one_kata_suite(dir.path());
        assert_eq!(report.failed, 1, "{:?}", report.checks);
        let detail = &report.checks[0].detail;
        assert!(
            detail.contains("no longer applies to solutions/s/src/k.rs"),
            "{detail}"
        );
        assert!(detail.contains("hunk 1"), "{detail}");
    }

    #[test]
    fn a_dodge_of_an_unknown_kata_fails_naming_its_file_without_building() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dodges = dir.path().join("solutions/s/dodges");
        std::fs::create_dir_all(&dodges).expect("mkdir");
        std::fs::write(dodges.join("ghost__shortcut.patch"), patch_text("x.")).expect("write");
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
            "solutions/s/dodges/ghost__shortcut.patch"
        );
        assert!(report.checks[0].detail.contains("kata `ghost`"));
    }

    #[test]
    fn dodges_of_independent_katas_share_a_batch_and_a_katas_second_dodge_waits() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("katas/s")).expect("mkdir");
        // c's feature pulls in a: their dodges must not share a build.
        std::fs::write(
            dir.path().join("katas/s/Cargo.toml"),
            "[features]\none-kata = []\na = []\nb = []\nc = [\"a\"]\n",
        )
        .expect("write");
        let suite: Suite = toml::from_str(
            "id = \"s\"\ntitle = \"S\"\n[[kata]]\nid = \"a\"\ntitle = \"A\"\n[[kata]]\nid = \"b\"\ntitle = \"B\"\n[[kata]]\nid = \"c\"\ntitle = \"C\"\n",
        )
        .expect("suite");
        let dodge = |kata: &str, name: &str| Dodge {
            kata: kata.into(),
            name: name.into(),
            file: format!("solutions/s/dodges/{kata}__{name}.patch"),
            claim: Some("x".into()),
            caught_by: Vec::new(),
            patch: Err("unused".into()),
        };
        let work: Vec<(&Suite, &Kata, Dodge)> =
            [("a", "one"), ("a", "two"), ("b", "one"), ("c", "one")]
                .iter()
                .map(|(k, n)| {
                    let kata = suite.katas.iter().find(|x| x.id == *k).expect("kata");
                    (&suite, kata, dodge(k, n))
                })
                .collect();
        assert_eq!(batches(dir.path(), &work), [vec![0, 2], vec![1], vec![3]]);
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
