//! `verify`'s proof: solutions pass every test, pristine stubs fail every test, the manifest,
//! files and tests agree, and no snapshot is orphaned or pending; then the stages in their own
//! modules: `sync` (nothing out of step or unaccounted for), `texts` (what a test requires is
//! stated), `ledger` (every claim of a brief names its tests) and `dodges` (every known
//! shortcut is caught).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::build::{self, BuildRequest};
use crate::check::{self, Settings, TestSet};
use crate::domain::Outcome;
use crate::domain::{KataRef, Suite};
use crate::error::{Error, Result};
use crate::layout::{self, Crate};
use crate::run;

pub mod contract;
pub mod dodges;
pub mod ledger;
pub mod sync;
pub mod texts;

/// verify's stages, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Reference solutions pass every test.
    Solution,
    /// Pristine stubs fail every test.
    Stub,
    /// The manifest's katas have their files, features and at least three tests.
    Manifest,
    /// No snapshot is orphaned or pending.
    Snapshot,
    /// Manifest, crates, features, test modules and folders name the same katas.
    Sync,
    /// Every message a test requires is stated in the kata's stub; hints agree with tests.
    Texts,
    /// Every claim of a kata's brief names the tests that enforce it.
    Ledger,
    /// Every known shortcut (`solutions/<suite>/dodges/`) fails at least one test.
    Dodges,
}

impl Stage {
    /// The stages `verify --static` runs: those that build nothing.
    pub const STATIC: [Stage; 3] = [Stage::Sync, Stage::Texts, Stage::Ledger];

    /// Every stage, in report order.
    pub const ALL: [Stage; 8] = [
        Stage::Solution,
        Stage::Stub,
        Stage::Manifest,
        Stage::Snapshot,
        Stage::Sync,
        Stage::Texts,
        Stage::Ledger,
        Stage::Dodges,
    ];

    /// The one-line claim the stage proves, as printed by `cargo kata verify`.
    pub fn claim(self) -> &'static str {
        match self {
            Stage::Solution => "solutions pass every test",
            Stage::Stub => "pristine stubs fail every test",
            Stage::Manifest => "manifest, files and tests agree",
            Stage::Snapshot => "snapshots: none orphaned, none pending",
            Stage::Sync => "manifest, lib.rs, features, test modules and folders in sync",
            Stage::Texts => "messages the tests require are stated in the stubs",
            Stage::Ledger => "every claim of a brief names the tests that enforce it",
            Stage::Dodges => "every known dodge fails a test",
        }
    }
}

#[cfg(test)]
mod stage_tests {
    use super::{Report, Stage, concept_checks};

    #[test]
    fn a_concept_taught_by_one_kata_fails_the_sync_stage_naming_that_kata() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("katas.toml"),
            "[concepts]\nsums = \"Adding up\"\nloops = \"Repeating\"\n\n\
             [[suite]]\nid = \"s1\"\ntitle = \"S\"\n\n\
             [[suite.kata]]\nid = \"add\"\ntitle = \"A\"\nconcepts = [\"sums\", \"loops\"]\n\n\
             [[suite.kata]]\nid = \"sum\"\ntitle = \"B\"\nconcepts = [\"sums\"]\n",
        )
        .expect("write");
        let mut report = Report::default();
        concept_checks(dir.path(), Some(&["s1"]), &mut report);
        let failed: Vec<(&str, &str)> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| (c.name.as_str(), c.detail.as_str()))
            .collect();
        assert_eq!(report.passed, 3, "{:?}", report.checks);
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(
            failed[0].0,
            "concept `loops` is taught by at least two katas"
        );
        assert!(
            failed[0].1.starts_with("only s1/add lists it"),
            "{failed:?}"
        );
    }

    #[test]
    fn stages_have_distinct_claims_and_lowercase_json_names() {
        let names: Vec<String> = Stage::ALL
            .iter()
            .map(|s| serde_json::to_string(s).expect("serializes"))
            .collect();
        assert_eq!(
            names,
            [
                "\"solution\"",
                "\"stub\"",
                "\"manifest\"",
                "\"snapshot\"",
                "\"sync\"",
                "\"texts\"",
                "\"ledger\"",
                "\"dodges\""
            ]
        );
        let mut claims: Vec<&str> = Stage::ALL.iter().map(|s| s.claim()).collect();
        claims.sort_unstable();
        claims.dedup();
        assert_eq!(claims.len(), Stage::ALL.len());
    }
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Which stage found it.
    pub stage: Stage,
    /// What was checked.
    pub name: String,
    /// Whether it holds.
    pub ok: bool,
    /// Why not (or a note).
    pub detail: String,
}

/// Everything verify found.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Checks that held.
    pub passed: usize,
    /// Checks that did not.
    pub failed: usize,
    /// Every check, in order.
    pub checks: Vec<Item>,
    /// How the stubs were built (in place or from a copy of HEAD).
    pub stubs_from: String,
    /// Only the checks that build nothing ran (`--static`).
    #[serde(skip)]
    pub static_only: bool,
    /// Per suite, how many held-out cases it has, in how many katas.
    pub held_out: Vec<String>,
    /// Seconds each stage that builds or runs something took, in order (for the screen; not
    /// in the JSON, whose shape stays the same from run to run).
    #[serde(skip)]
    pub seconds: Vec<(Stage, f64)>,
}

impl Report {
    /// Records that `stage` ran from `started` until now.
    fn timed(&mut self, stage: Stage, started: std::time::Instant) {
        self.seconds.push((stage, started.elapsed().as_secs_f64()));
    }

    fn push(&mut self, stage: Stage, name: impl Into<String>, ok: bool, detail: impl Into<String>) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.checks.push(Item {
            stage,
            name: name.into(),
            ok,
            detail: detail.into(),
        });
    }
}

/// Where cargo builds: `CARGO_TARGET_DIR`, or the repository's `target/`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Verify builds the stubs and every dodged copy into the shared target dir, then runs the
/// binaries: a second verify building there at the same time can replace a binary between
/// the build and the run, and a dodge would seem to pass. So one verify at a time per target
/// dir; a second one waits, and says so. The lock is released when the file is dropped.
fn lock_target_dir(root: &Path) -> Result<std::fs::File> {
    let dir = target_dir(root);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let path = dir.join("kata-verify.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another `cargo kata verify` that builds into {}",
                dir.display()
            );
            file.lock()
                .map_err(|e| Error::io(format!("locking {}", path.display()), e))?;
            Ok(file)
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(Error::io(format!("locking {}", path.display()), e))
        }
    }
}

/// Runs every check for `suites`; `whole` lists every suite id of the manifest when the
/// whole curriculum is verified (then folders no suite accounts for are found too).
pub fn verify(settings: &Settings, suites: &[&Suite], whole: Option<&[&str]>) -> Result<Report> {
    let mut report = Report::default();
    let root = &settings.root;
    let state_dir = root.join(crate::state::STATE_DIR);
    std::fs::create_dir_all(&state_dir)
        .map_err(|e| Error::io(format!("creating {}", state_dir.display()), e))?;
    let refs_guard = crate::interrupt::TempPath::register(
        state_dir.join(format!("verify-snapshot-refs-{}.txt", std::process::id())),
    );
    let refs_file = refs_guard.path().to_path_buf();
    let _ = std::fs::remove_file(&refs_file);
    let _one_verify_at_a_time = lock_target_dir(root)?;

    // (1) solutions pass.
    let started = std::time::Instant::now();
    let sol_packages: Vec<String> = suites
        .iter()
        .map(|s| layout::solution_package(&s.id))
        .collect();
    let sol = build::build(&BuildRequest {
        root,
        packages: sol_packages,
        color: settings.color,
        target_dir: None,
        progress: settings.progress_bar,
        expected_units: 0,
        features: layout::features(layout::Selection::Whole),
    })?;
    let sol_tests = TestSet::list(&sol.binaries)?;
    let opts = check::run_options(
        root,
        settings.timeout,
        vec![(
            "INSTA_SNAPSHOT_REFERENCES_FILE".to_string(),
            refs_file.display().to_string(),
        )],
    );
    let mut all_solution_ran = true;
    // Every suite's tests in one run, so the cores stay busy across suites.
    let mut cases = Vec::new();
    for suite in suites {
        let pkg = layout::solution_package(&suite.id);
        if sol.failed_packages.contains(&pkg) {
            all_solution_ran = false;
            report.push(
                Stage::Solution,
                format!("{pkg} compiles"),
                false,
                errors_of(&sol.diagnostics, &pkg),
            );
            continue;
        }
        cases.extend(
            sol_tests
                .select(&pkg, "")
                .into_iter()
                .map(|c| (pkg.clone(), c)),
        );
    }
    let (packages, cases): (Vec<String>, Vec<run::TestCase>) = cases.into_iter().unzip();
    for (pkg, r) in packages.iter().zip(run::run_tests(&cases, &opts)) {
        let ok = r.outcome == Outcome::Passed;
        report.push(
            Stage::Solution,
            format!("{pkg}: {}", r.name),
            ok,
            describe(&r.outcome),
        );
    }
    report.timed(Stage::Solution, started);

    for suite in suites {
        let pkg = layout::solution_package(&suite.id);
        let failed = report
            .checks
            .iter()
            .any(|c| c.stage == Stage::Solution && !c.ok && c.name.starts_with(&pkg));
        if failed {
            head_drift(root, suite, &mut report);
        }
    }

    // (2) pristine stubs fail: the stubs katas.lock records, which HEAD's should be.
    let overrides = pristine_checks(root, suites, &mut report)?;
    let (stub_root, temp) = pristine_root(root, &overrides)?;
    report.stubs_from = match &temp {
        Some(t) => format!(
            "a copy of HEAD's katas/ (stubs as katas.lock records them) in {}",
            t.path().display()
        ),
        None => "the working tree (katas/ is unchanged since HEAD)".to_string(),
    };
    let started = std::time::Instant::now();
    let result = stubs(settings, &stub_root, suites, &mut report);
    drop(temp);
    let stub_tests = result?;
    report.timed(Stage::Stub, started);

    // (3) manifest, files and tests agree.
    for suite in suites {
        let names = {
            let n = sol_tests.names(&layout::solution_package(&suite.id));
            if n.is_empty() {
                stub_tests.names(&layout::kata_package(&suite.id))
            } else {
                n
            }
        };
        manifest_checks(root, suite, &names, &mut report);
    }

    // (4) snapshots: none orphaned, none pending.
    let used = read_refs(root, &refs_file);
    let _ = std::fs::remove_file(&refs_file);
    for suite in suites {
        let dir = root.join(layout::snapshots_dir(&suite.id));
        let mut files = Vec::new();
        walk(&dir, &mut files);
        for f in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "snap"))
        {
            let canon = f.canonicalize().unwrap_or_else(|_| f.clone());
            let ok = used.contains(&canon);
            let shown = f.strip_prefix(root).unwrap_or(f).display().to_string();
            let detail = if ok {
                String::new()
            } else if all_solution_ran {
                "no test of the solution uses this snapshot: delete it or fix the test's snapshot name".to_string()
            } else {
                "not used by the solution's tests (some did not run: fix those first)".to_string()
            };
            report.push(Stage::Snapshot, format!("{shown} is used"), ok, detail);
        }
    }
    let mut pending = Vec::new();
    walk(root, &mut pending);
    let pending: Vec<String> = pending
        .iter()
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".snap.new") || n.ends_with(".pending-snap")
        })
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    report.push(
        Stage::Snapshot,
        "no pending .snap.new or .pending-snap",
        pending.is_empty(),
        if pending.is_empty() {
            String::new()
        } else {
            format!("review and remove: {}", pending.join(", "))
        },
    );

    // (5) manifest, crates, test modules and folders in sync.
    sync::stage(root, suites, whole, &mut report);
    concept_checks(root, whole, &mut report);

    // (6) what the tests require is stated.
    texts::stage(root, suites, &mut report);

    // (7) every claim of a brief names the tests that enforce it.
    ledger::stage(root, suites, &mut report);

    // (8) every known dodge fails a test.
    let started = std::time::Instant::now();
    dodges::stage(settings, suites, &sol.failed_packages, &mut report)?;
    report.timed(Stage::Dodges, started);
    Ok(report)
}

/// The checks that build and run nothing (sync, texts, ledger): seconds instead of minutes,
/// for an author's edit-and-check loop (`cargo kata verify --static`).
pub fn static_checks(root: &Path, suites: &[&Suite], whole: Option<&[&str]>) -> Report {
    let mut report = Report {
        static_only: true,
        ..Report::default()
    };
    sync::stage(root, suites, whole, &mut report);
    concept_checks(root, whole, &mut report);
    texts::stage(root, suites, &mut report);
    ledger::stage(root, suites, &mut report);
    report
}

/// The concept vocabulary holds readiness up: when the whole curriculum is verified and
/// katas.toml has one, every concept is taught by at least two katas and every kata lists one
/// to three (a concept on one kata would let "ready" rest on a single kata).
fn concept_checks(root: &Path, whole: Option<&[&str]>, report: &mut Report) {
    let Some(manifest) = whole.and_then(|_| crate::manifest::Manifest::load(root).ok()) else {
        return;
    };
    if manifest.concepts.is_empty() {
        return;
    }
    let katas = manifest.katas();
    for id in manifest.concepts.keys() {
        let by: Vec<String> = katas
            .iter()
            .filter(|k| k.concepts.contains(id))
            .map(|k| k.key())
            .collect();
        report.push(
            Stage::Sync,
            format!("concept `{id}` is taught by at least two katas"),
            by.len() >= 2,
            match by.len() {
                0 => "no kata lists it: remove it from [concepts] or tag the katas that teach it"
                    .to_string(),
                1 => format!(
                    "only {} lists it: tag a second kata that teaches it, or merge it into a broader concept",
                    by[0]
                ),
                _ => String::new(),
            },
        );
    }
    for k in &katas {
        let n = k.concepts.len();
        report.push(
            Stage::Sync,
            format!("{}: lists 1 to 3 concepts", k.key()),
            (1..=3).contains(&n),
            if (1..=3).contains(&n) {
                String::new()
            } else {
                format!("it lists {n}: name its main lessons from [concepts] in katas.toml")
            },
        );
    }
}

fn stubs(
    settings: &Settings,
    stub_root: &Path,
    suites: &[&Suite],
    report: &mut Report,
) -> Result<TestSet> {
    let mut present: Vec<&Suite> = Vec::new();
    for suite in suites {
        let manifest = Crate::Katas.cargo_toml(&suite.id);
        if stub_root.join(&manifest).is_file() {
            present.push(suite);
        } else {
            report.push(
                Stage::Stub,
                format!("{} is committed", manifest.display()),
                false,
                "the pristine stubs are the committed ones: commit the suite's katas/ first",
            );
        }
    }
    let suites = &present[..];
    if suites.is_empty() {
        return Ok(TestSet::default());
    }
    let packages: Vec<String> = suites.iter().map(|s| layout::kata_package(&s.id)).collect();
    let target_dir = target_dir(&settings.root);
    let out = build::build(&BuildRequest {
        root: stub_root,
        packages,
        color: settings.color,
        target_dir: Some(target_dir),
        progress: settings.progress_bar,
        expected_units: 0,
        // The held-out cases too: they must fail on the stubs like every other test.
        features: suites
            .iter()
            .filter(|s| {
                layout::Features::read(stub_root, Crate::Katas, &s.id)
                    .is_some_and(|f| f.declares(layout::HELD_OUT))
            })
            .map(|s| format!("{}/{}", layout::kata_package(&s.id), layout::HELD_OUT))
            .collect(),
    })?;
    let tests = TestSet::list(&out.binaries)?;
    let mut opts = check::run_options(stub_root, settings.timeout, vec![]);
    // A stub's test mostly fails at once or waits for a worker that panicked: run four per
    // core, as the dodge stage does.
    opts.jobs *= 4;
    let mut cases = Vec::new();
    for suite in suites {
        let pkg = layout::kata_package(&suite.id);
        if out.failed_packages.contains(&pkg) {
            report.push(
                Stage::Stub,
                format!("{pkg} compiles"),
                false,
                format!(
                    "the pristine stubs must compile:\n{}",
                    errors_of(&out.diagnostics, &pkg)
                ),
            );
            continue;
        }
        cases.extend(tests.select(&pkg, "").into_iter().map(|c| (pkg.clone(), c)));
    }
    let (packages, cases): (Vec<String>, Vec<run::TestCase>) = cases.into_iter().unzip();
    for (pkg, r) in packages.iter().zip(run::run_tests(&cases, &opts)) {
        let ok = !matches!(r.outcome, Outcome::Passed | Outcome::Ignored);
        let detail = if ok {
            String::new()
        } else {
            "passes on the pristine stub: it asserts nothing the stub cannot satisfy".to_string()
        };
        report.push(Stage::Stub, format!("{pkg}: {}", r.name), ok, detail);
    }
    Ok(tests)
}

/// Checks every kata's stub against `katas.lock` (see `crate::pristine`): a hash is
/// recorded, the repository has that blob, and HEAD's stub is it. Returns the stubs whose
/// pristine text differs from HEAD's (file, locked text), to be tested instead.
fn pristine_checks(
    root: &Path,
    suites: &[&Suite],
    report: &mut Report,
) -> Result<Vec<(String, Vec<u8>)>> {
    use crate::pristine::{self, LOCK_FILE, Lock};
    let lock = Lock::load(root)?;
    let mut overrides = Vec::new();
    for suite in suites {
        for kata in &suite.katas {
            let key = format!("{}/{}", suite.id, kata.id);
            let name = format!("{key}: the stub in HEAD is the pristine one in {LOCK_FILE}");
            let refresh = format!("`cargo kata lock --suite {}`", suite.id);
            let Some(id) = lock.get(&kata.file) else {
                report.push(
                    Stage::Stub,
                    name,
                    false,
                    format!("{LOCK_FILE} records no pristine hash for {}: commit it, then run {refresh}", kata.file),
                );
                continue;
            };
            let Some(text) = pristine::blob(root, id) else {
                report.push(
                    Stage::Stub,
                    name,
                    false,
                    format!(
                        "the hash {LOCK_FILE} records for {} ({id}) matches no commit: run {refresh} on the authored stub",
                        kata.file
                    ),
                );
                continue;
            };
            let head = pristine::head_blob(root, &kata.file);
            let same = head.as_deref() == Some(id);
            report.push(
                Stage::Stub,
                name,
                same,
                if same {
                    String::new()
                } else {
                    format!(
                        "the stub in HEAD is not pristine (a learner committed their work?): \
                         `cargo kata reset {}` restores it, then commit; the pristine stub is tested instead",
                        kata.id
                    )
                },
            );
            if !same {
                overrides.push((kata.file.clone(), text));
            }
        }
    }
    Ok(overrides)
}

/// Where the pristine stubs are: the root itself if katas/ is clean and HEAD's stubs are
/// the locked ones, else a temp copy of the repository with HEAD's katas/ and the locked
/// `overrides` (returned second: removed when dropped, or on interrupt).
fn pristine_root(
    root: &Path,
    overrides: &[(String, Vec<u8>)],
) -> Result<(PathBuf, Option<crate::interrupt::TempPath>)> {
    match crate::git::is_clean(root, layout::KATAS) {
        Ok(true) if overrides.is_empty() => return Ok((root.to_path_buf(), None)),
        Ok(_) => {}
        Err(e) => {
            return Err(Error::GitNeeded {
                what: "verify",
                source: Box::new(e),
            });
        }
    }
    let guard = crate::interrupt::owned_temp_dir_in(None, "kata-verify-")
        .map_err(|e| Error::io("creating a temp dir for the pristine stubs", e))?;
    let temp = guard.path().to_path_buf();
    copy_tree(root, &temp, true)?;
    crate::git::export_head(root, layout::KATAS, &temp)?;
    for (file, text) in overrides {
        let path = temp.join(file);
        std::fs::write(&path, text)
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    }
    Ok((temp, Some(guard)))
}

/// Copies the repository (without target/, .git/, .kata/ and, at the top, katas/).
/// `to` itself must exist at the top; below it each directory is created without its
/// parents, so a copy interrupted (its root removed) cannot bring the root back.
fn copy_tree(from: &Path, to: &Path, top: bool) -> Result<()> {
    if !top {
        std::fs::create_dir(to).map_err(|e| Error::io(format!("creating {}", to.display()), e))?;
    }
    let entries =
        std::fs::read_dir(from).map_err(|e| Error::io(format!("reading {}", from.display()), e))?;
    for e in entries.flatten() {
        let name = e.file_name();
        let n = name.to_string_lossy();
        if n == "target" || n == ".git" || (top && (n == ".kata" || n == layout::KATAS)) {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            copy_tree(&src, &dst, false)?;
        } else if ft.is_file() {
            std::fs::copy(&src, &dst)
                .map_err(|e| Error::io(format!("copying {}", src.display()), e))?;
        }
    }
    Ok(())
}

/// Held-out cases (the exam's, `mod held_out` behind the `held-out` feature) in at least half
/// of `suite`'s katas; `names` are the solution's tests, which include them. Adds a count to
/// the report's held-out summary.
fn held_out_checks(suite: &Suite, names: &[String], report: &mut Report) {
    let held: Vec<&String> = names
        .iter()
        .filter(|t| t.contains(layout::HELD_OUT_MODULE))
        .collect();
    let with = suite
        .katas
        .iter()
        .filter(|k| held.iter().any(|t| t.starts_with(&k.tests)))
        .count();
    let all = suite.katas.len();
    let ok = 2 * with >= all;
    report.push(
        Stage::Manifest,
        format!("{}: held-out cases in at least half its katas", suite.id),
        ok,
        if ok {
            String::new()
        } else {
            format!(
                "{with} of {all} katas have them: add a `#[cfg(feature = \"held-out\")] mod held_out` to more katas' tests (docs/authoring.md)"
            )
        },
    );
    let cases = match held.len() {
        1 => "1 held-out case".to_string(),
        n => format!("{n} held-out cases"),
    };
    report.held_out.push(format!(
        "{}: {cases} in {with} of {all} katas (run above on the solutions and the stubs)",
        suite.id
    ));
}

fn manifest_checks(root: &Path, suite: &Suite, names: &[String], report: &mut Report) {
    for kata in &suite.katas {
        let k = KataRef { suite, kata };
        let key = k.key();
        let file_ok = root.join(&kata.file).is_file();
        report.push(
            Stage::Manifest,
            format!("{key}: kata file {}", kata.file),
            file_ok,
            if file_ok { "" } else { "missing" },
        );
        let sol = layout::solution_file(&k.file);
        let sol_ok = root.join(&sol).is_file();
        report.push(
            Stage::Manifest,
            format!("{key}: solution file {sol}"),
            sol_ok,
            if sol_ok { "" } else { "missing" },
        );
        let gated = [Crate::Katas, Crate::Solutions]
            .into_iter()
            .all(|c| layout::offers_one_kata(root, c, &k.suite.id, &k.id));
        report.push(
            Stage::Manifest,
            format!(
                "{key}: both crates declare the features {} and {}",
                layout::ONE_KATA, kata.id
            ),
            gated,
            if gated {
                ""
            } else {
                "missing: `cargo kata check` compiles one kata's tests with them (docs/authoring.md)"
            },
        );
        let n = names.iter().filter(|t| t.starts_with(&kata.tests)).count();
        report.push(
            Stage::Manifest,
            format!("{key}: at least 3 tests match `{}`", kata.tests),
            n >= 3,
            if n >= 3 {
                String::new()
            } else {
                format!("{n} match")
            },
        );
    }
    held_out_checks(suite, names, report);
    for t in names {
        let owners: Vec<&str> = suite
            .katas
            .iter()
            .filter(|k| t.starts_with(&k.tests))
            .map(|k| k.id.as_str())
            .collect();
        if owners.len() != 1 {
            let detail = if owners.is_empty() {
                "no kata's `tests` filter selects it".to_string()
            } else {
                format!("selected by several katas: {}", owners.join(", "))
            };
            report.push(
                Stage::Manifest,
                format!("{}: test {t} belongs to one kata", suite.id),
                false,
                detail,
            );
        }
    }
    if !names.is_empty() {
        report.push(
            Stage::Manifest,
            format!("{}: every test belongs to exactly one kata", suite.id),
            true,
            "",
        );
    }
}

/// When a suite's solutions fail, files of its proof that differ from HEAD are named first:
/// a test run (learner code runs with the learner's rights) may have overwritten them.
fn head_drift(root: &Path, suite: &Suite, report: &mut Report) {
    let paths = [
        format!("solutions/{}", suite.id),
        format!("tests/{}", suite.id),
        format!("tests/{}.rs", suite.id),
        format!("snapshots/{}", suite.id),
    ];
    for (path, new) in crate::git::changed_since_head(root, &paths) {
        let detail = if new {
            format!(
                "{path} is not in HEAD: remove it (a test run may have written it), or commit it"
            )
        } else {
            format!(
                "{path} differs from HEAD: restore it with `git checkout -- {path}` (a test run \
                 may have written it), or commit it if you changed it on purpose"
            )
        };
        report.push(
            Stage::Solution,
            format!("{path} is as committed"),
            false,
            detail,
        );
    }
}

fn errors_of(diags: &[crate::domain::Diagnostic], pkg: &str) -> String {
    diags
        .iter()
        .filter(|d| d.package == pkg && d.level == "error")
        .map(|d| d.rendered.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn describe(o: &Outcome) -> String {
    match o {
        Outcome::Passed => String::new(),
        Outcome::Ignored => "ignored: verify needs every test to run".into(),
        Outcome::Failed {
            message, location, ..
        } => match location {
            Some(l) => format!("{message}\n(at {}:{})", l.file, l.line),
            None => message.clone(),
        },
        Outcome::TimedOut { secs } => format!("timed out after {secs} s"),
        Outcome::Crashed { detail } => format!("crashed: {detail}"),
        Outcome::NotRun { after, secs } => Outcome::not_run(after, *secs),
    }
}

/// The snapshot files insta recorded (absolute in insta 1.x; a relative one is taken from the root).
fn read_refs(root: &Path, path: &Path) -> HashSet<PathBuf> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let p = root.join(l);
            p.canonicalize().unwrap_or(p)
        })
        .collect()
}

/// Every file under `dir` but build output, appended to `out`.
pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    out.extend(crate::walk::files(dir, crate::walk::SKIPPED));
}

#[cfg(test)]
mod report_tests {
    use super::*;

    #[test]
    fn the_report_counts_what_held_and_what_did_not() {
        let mut r = Report::default();
        r.push(Stage::Solution, "a", true, "");
        r.push(Stage::Stub, "b", false, "passes on the stub");
        r.push(Stage::Sync, "c", true, "");
        assert_eq!((r.passed, r.failed, r.checks.len()), (2, 1, 3));
        assert_eq!(r.checks[1].stage, Stage::Stub);
        assert_eq!(r.checks[1].detail, "passes on the stub");
    }

    #[test]
    fn an_outcome_is_described_with_where_it_failed() {
        let failed = Outcome::Failed {
            message: "boom".into(),
            location: Some(crate::domain::Location {
                file: "tests/s/a.rs".into(),
                line: 3,
                column: 1,
            }),
            output: String::new(),
        };
        assert_eq!(describe(&failed), "boom\n(at tests/s/a.rs:3)");
        assert_eq!(describe(&Outcome::Passed), "");
        assert!(describe(&Outcome::Ignored).contains("every test to run"));
        assert_eq!(
            describe(&Outcome::TimedOut { secs: 4 }),
            "timed out after 4 s"
        );
    }

    #[test]
    fn only_a_packages_errors_explain_why_it_does_not_build() {
        let d = |pkg: &str, level: &str, text: &str| crate::domain::Diagnostic {
            package: pkg.into(),
            level: level.into(),
            rendered: format!("{text}\n"),
            spans: Vec::new(),
        };
        let diags = [
            d("solution-s", "error", "E1"),
            d("solution-s", "warning", "W"),
            d("kata-s", "error", "E2"),
            d("solution-s", "error", "E3"),
        ];
        assert_eq!(errors_of(&diags, "solution-s"), "E1\nE3");
    }

    #[test]
    fn the_copy_of_the_repository_leaves_out_build_output_git_and_the_katas() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        for (rel, text) in [
            ("Cargo.toml", "w"),
            ("katas/s/src/a.rs", "stub"),
            ("tests/s/a.rs", "t"),
            ("target/x", "built"),
            (".git/HEAD", "ref"),
            (".kata/progress.json", "{}"),
            ("solutions/s/target/y", "built"),
        ] {
            let p = from.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        copy_tree(from.path(), to.path(), true).unwrap();
        let mut copied = Vec::new();
        walk(to.path(), &mut copied);
        let rel: Vec<String> = copied
            .iter()
            .map(|p| p.strip_prefix(to.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(rel, ["Cargo.toml", "tests/s/a.rs"]);
    }
}
