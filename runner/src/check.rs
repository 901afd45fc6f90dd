//! Turning katas into verdicts: build their suites' crates, run their tests, judge.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::{self, BuildRequest, TestBinary};
use crate::domain::{Diagnostic, Inputs, KataRef, Outcome, Status, Suite, Verdict};
use crate::error::Result;
use crate::layout::{self, Crate, Features, Selection};
use crate::run::{self, RunOptions, TestCase};

/// How checks run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The repository root.
    pub root: PathBuf,
    /// Coloured rustc diagnostics.
    pub color: bool,
    /// Per-test timeout.
    pub timeout: Duration,
    /// Draw a build progress bar on stderr.
    pub progress_bar: bool,
}

impl Settings {
    /// A build of the kata crates `packages` with `features`, in the repository, as these
    /// settings draw it.
    pub fn build_request(&self, packages: Vec<String>, features: Vec<String>) -> BuildRequest<'_> {
        BuildRequest {
            root: &self.root,
            packages,
            color: self.color,
            target_dir: None,
            progress: self.progress_bar,
            expected_units: 0,
            features,
        }
    }
}

impl Inputs {
    /// The inputs of `kata` as they are now.
    pub fn now(root: &Path, kata: &KataRef<'_>) -> Self {
        let mut paths = layout::crate_inputs(&kata.suite.id);
        paths.push(PathBuf::from("Cargo.lock"));
        // The stamp first: a write between it and the hashes shows as a change.
        let stamp = crate::state::tree_stamp(root, &paths);
        Self {
            file_hash: crate::state::file_hash(&root.join(&kata.file)),
            fingerprint: crate::status::fingerprint(root, kata.suite),
            stamp,
        }
    }
}

/// What needs the files: whether a verdict is still current, and where to send the learner.
impl Verdict<'_> {
    /// Whether the verdict still describes the files: nothing it depends on changed since
    /// the build started. A stale verdict must not be recorded; check again instead.
    pub fn is_current(&self, root: &Path) -> bool {
        Inputs::now(root, &self.kata) == self.inputs
    }

    /// The verdict as it may be shown: itself while current; else "not current", saying
    /// why, with the tests it ran dropped (they judged bytes no longer on disk).
    pub fn settled(mut self, root: &Path) -> Self {
        if !self.is_current(root) {
            self.status = Status::NotCurrent;
            self.note = Some(
                "a file of this kata or its suite was written while it was checked, each time \
                 it was checked; nothing is recorded. Check it again once your editor is done \
                 saving."
                    .to_string(),
            );
            self.tests.clear();
            self.diagnostics.clear();
        }
        self
    }

    /// The line to send the learner to, the first that applies: where the first failing test
    /// panicked inside the kata file; where rustc's first error in the kata file points; the
    /// line of the kata function the first failing test calls; the first `todo!(`; else 1.
    pub fn edit_line(&self, root: &Path) -> u32 {
        self.edit_line_known(root).unwrap_or(1)
    }

    /// [`Verdict::edit_line`], `None` when nothing better than line 1 is known (the screen
    /// then says so).
    pub fn edit_line_known(&self, root: &Path) -> Option<u32> {
        let file = &self.kata.file;
        let panicked = self.tests.iter().find_map(|t| match &t.outcome {
            Outcome::Failed {
                location: Some(loc),
                ..
            } if run::same_file(&loc.file, file) => Some(loc.line),
            _ => None,
        });
        if let Some(line) = panicked {
            return Some(line);
        }
        let diag_line = self
            .diagnostics
            .iter()
            .flat_map(|d| d.spans.iter())
            .find(|s| run::same_file(&s.file, file))
            .map(|s| s.line);
        diag_line
            .or_else(|| self.exercised_line(root))
            .or_else(|| first_todo(&root.join(file)))
    }

    /// The line of the kata file's function that the first failing test calls: one the
    /// learner writes (its pristine stub body is `todo!`), never given code.
    fn exercised_line(&self, root: &Path) -> Option<u32> {
        let failing = self.tests.iter().find(|t| !t.outcome.is_pass())?;
        let test = crate::locate::test_source(root, &self.kata.suite.id, &failing.name)?;
        let kata_text = std::fs::read_to_string(root.join(&self.kata.file)).ok()?;
        let stub = crate::pristine::locked_stub(root, &self.kata.file)
            .or_else(|| crate::git::show_head(root, &self.kata.file).ok());
        let learner = stub
            .map(|s| crate::locate::todo_fns(&String::from_utf8_lossy(&s)))
            .unwrap_or_default();
        crate::locate::exercised_line(&kata_text, &test.body, &learner)
    }
}

/// The 1-based line of the first `todo!(` in `path`: where an untouched stub wants work.
fn first_todo(path: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .position(|l| l.contains("todo!("))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// What a check learned besides the verdicts.
#[derive(Debug, Clone, Default)]
pub struct BuildStats {
    /// Units cargo reported for this build: the next build of the same package set sizes its
    /// progress bar with it (the caller keys it with [`crate::status::units_key`]).
    pub units: usize,
}

/// The `--features` of the build: `one-kata,<kata>` when exactly one kata is checked and its
/// crate offers the feature (see docs/authoring.md), so only that kata (and the katas its
/// feature lists) and its tests are compiled; none otherwise, so every test is.
fn one_kata_features(root: &Path, katas: &[KataRef<'_>]) -> Vec<String> {
    match katas {
        [kata] => {
            let declared = Features::read(root, Crate::Katas, &kata.suite.id).unwrap_or_default();
            layout::build_features(&declared, Selection::One(&kata.id), false)
        }
        _ => layout::features(Selection::Whole),
    }
}

/// The verdicts on `katas`, in their order: builds their suites' learner crates once
/// (`expected_units` sizes the progress bar), builds a suite that failed again without its
/// broken katas (see [`crate::isolate`]), then runs each buildable kata's tests, one process per
/// test. A kata whose crate does not build (or is missing) is "does not compile" with rustc's
/// errors, its own file's first; a kata with no test matching its filter is red, with a note.
/// Each verdict carries the [`Inputs`] taken before the build, so a file saved meanwhile is
/// never mistaken for the one judged.
///
/// A kata of a suite whose tests differ from the ones shipped (see
/// [`crate::pristine::modified_tests`]) is neither built nor run: its verdict is "tests
/// modified — not counted", naming the files.
pub fn check<'m>(
    settings: &Settings,
    katas: &[KataRef<'m>],
    expected_units: usize,
) -> Result<(Vec<Verdict<'m>>, BuildStats)> {
    // During an exam, what a check sees is what the exam is judged on after its deadline.
    crate::exam::running::keep_checked(&settings.root, katas);
    let mut seen: Vec<&str> = Vec::new();
    let mut tampered: Vec<(&str, String)> = Vec::new();
    for k in katas {
        if seen.contains(&k.suite.id.as_str()) {
            continue;
        }
        seen.push(&k.suite.id);
        let changes = crate::pristine::modified_tests(&settings.root, &k.suite.id);
        if !changes.is_empty() {
            tampered.push((&k.suite.id, tests_modified_note(&changes, k)));
        }
    }
    if tampered.is_empty() {
        return check_shipped(settings, katas, expected_units);
    }
    let note_of = |k: &KataRef<'_>| {
        tampered
            .iter()
            .find(|(id, _)| *id == k.suite.id)
            .map(|(_, n)| n.clone())
    };
    let rest: Vec<KataRef<'m>> = katas
        .iter()
        .filter(|k| note_of(k).is_none())
        .copied()
        .collect();
    let (done, stats) = check_shipped(settings, &rest, expected_units)?;
    let mut done = done.into_iter();
    let verdicts = katas
        .iter()
        .filter_map(|k| match note_of(k) {
            Some(note) => Some(Verdict {
                kata: *k,
                status: Status::TestsModified,
                tests: Vec::new(),
                diagnostics: Vec::new(),
                inputs: Inputs::now(&settings.root, k),
                note: Some(note),
            }),
            None => done.next(),
        })
        .collect();
    Ok((verdicts, stats))
}

/// What the learner reads when the tests of `k`'s suite are not the ones shipped.
fn tests_modified_note(changes: &[crate::pristine::TestChange], k: &KataRef<'_>) -> String {
    let mut files: Vec<String> = changes
        .iter()
        .take(3)
        .map(|c| match c.shipped {
            Some(_) => c.file.clone(),
            None => format!("{} (added)", c.file),
        })
        .collect();
    if changes.len() > 3 {
        files.push(format!("{} more", changes.len() - 3));
    }
    format!(
        "{} differ from the tests as shipped ({}), so no verdict of suite {} counts. \
         `cargo kata reset --tests {}` puts them back (your versions are saved under \
         .kata/backups/ first).",
        files.join(", "),
        crate::pristine::LOCK_FILE,
        k.suite.id,
        k.suite.id
    )
}

/// [`check`] of katas whose suites' tests are as shipped.
fn check_shipped<'m>(
    settings: &Settings,
    katas: &[KataRef<'m>],
    expected_units: usize,
) -> Result<(Vec<Verdict<'m>>, BuildStats)> {
    let mut suites: Vec<&Suite> = Vec::new();
    for k in katas {
        if !suites.iter().any(|s| s.id == k.suite.id) {
            suites.push(k.suite);
        }
    }
    if suites.is_empty() {
        return Ok((Vec::new(), BuildStats::default()));
    }
    let crate_of = |s: &Suite| settings.root.join(Crate::Katas.cargo_toml(&s.id));
    let missing: Vec<String> = suites
        .iter()
        .filter(|s| !crate_of(s).is_file())
        .map(|s| layout::kata_package(&s.id))
        .collect();
    let packages: Vec<String> = suites
        .iter()
        .map(|s| layout::kata_package(&s.id))
        .filter(|p| !missing.contains(p))
        .collect();
    let request = BuildRequest {
        expected_units,
        ..settings.build_request(packages.clone(), one_kata_features(&settings.root, katas))
    };
    // Before the inputs are taken: the mtimes set here are not a change during the check.
    let fresh = (!packages.is_empty()).then(|| prepare_fresh(&request, &suites));
    let inputs: Vec<Inputs> = katas
        .iter()
        .map(|k| Inputs::now(&settings.root, k))
        .collect();
    let t0 = Instant::now();
    let out = match fresh {
        None => build::BuildOutput::default(),
        Some(fresh) => {
            let out = build::build(&request)?;
            fresh.commit();
            out
        }
    };
    let stats = BuildStats { units: out.units };
    let isolated = isolate_failed(settings, katas, &out)?;
    let mut binaries = out.binaries.clone();
    binaries.extend(isolated.binaries.iter().cloned());
    let t1 = Instant::now();
    let tests = TestSet::list(&binaries)?;
    let t2 = Instant::now();
    let mut cases: Vec<TestCase> = Vec::new();
    let mut ranges = Vec::new();
    for k in katas {
        let package = layout::kata_package(&k.suite.id);
        let built_alone = isolated.built.contains(&k.key());
        if (out.failed_packages.contains(&package) && !built_alone) || missing.contains(&package) {
            ranges.push(None);
            continue;
        }
        let start = cases.len();
        cases.extend(tests.select(&package, &k.tests));
        ranges.push(Some(start..cases.len()));
    }
    let mut opts = run_options(&settings.root, settings.timeout, vec![]);
    opts.live = settings.progress_bar;
    let results = run::run_tests(&cases, &opts);
    if std::env::var_os("KATA_TIMINGS").is_some() {
        eprintln!(
            "timings: build {:.0?}{}, list {:.0?}, run {} tests {:.0?}",
            t1 - t0,
            if out.replayed {
                " (rustc replayed)"
            } else {
                ""
            },
            t2 - t1,
            cases.len(),
            t2.elapsed()
        );
    }
    let verdicts = katas
        .iter()
        .zip(ranges)
        .zip(inputs)
        .map(|((k, range), inputs)| match range {
            None => {
                let missing_crate = missing
                    .contains(&layout::kata_package(&k.suite.id))
                    .then(|| crate_of(k.suite));
                let diagnostics = isolated.diagnostics_of(k).unwrap_or(&out.diagnostics);
                not_built(*k, inputs, diagnostics, missing_crate, &settings.root)
            }
            Some(r) => judged(*k, inputs, results[r].to_vec()),
        })
        .collect();
    Ok((verdicts, stats))
}

/// Checks of a kata whose files keep changing during its check, before its last verdict is
/// shown as "not current".
const STALE_RETRIES: usize = 3;

/// [`check`], then each kata whose files changed while it was checked is checked again (up
/// to [`STALE_RETRIES`] times): its verdict would describe bytes that are no longer on disk.
/// A verdict still stale after that is returned as it is (see [`Verdict::settled`]).
pub fn check_current<'m>(
    settings: &Settings,
    katas: &[KataRef<'m>],
    expected_units: usize,
) -> Result<(Vec<Verdict<'m>>, BuildStats)> {
    let (mut verdicts, stats) = check(settings, katas, expected_units)?;
    for _ in 0..STALE_RETRIES {
        let stale: Vec<usize> = (0..verdicts.len())
            .filter(|&i| !verdicts[i].is_current(&settings.root))
            .collect();
        if stale.is_empty() {
            break;
        }
        let again: Vec<KataRef<'m>> = stale.iter().map(|&i| verdicts[i].kata).collect();
        let (fresh, _) = check(settings, &again, expected_units)?;
        for (i, v) in stale.into_iter().zip(fresh) {
            verdicts[i] = v;
        }
    }
    Ok((verdicts, stats))
}

/// The verdict on a kata whose crate did not build: rustc's errors that block it (its own
/// file's first), or a note that the suite's crate (`missing_crate`) does not exist.
fn not_built<'m>(
    k: KataRef<'m>,
    inputs: Inputs,
    diagnostics: &[Diagnostic],
    missing_crate: Option<PathBuf>,
    root: &Path,
) -> Verdict<'m> {
    Verdict {
        kata: k,
        status: Status::DoesNotCompile,
        tests: Vec::new(),
        inputs,
        diagnostics: blocking_errors(diagnostics, &layout::kata_package(&k.suite.id), &k.file),
        note: missing_crate.map(|path| {
            format!(
                "the suite's crate is missing: no {}",
                path.strip_prefix(root).unwrap_or(&path).display()
            )
        }),
    }
}

/// The verdict on a kata from its tests' results: green only if there is at least one test
/// and every test passed; no test at all is red, with a note naming the filter.
fn judged(k: KataRef<'_>, inputs: Inputs, tests: Vec<crate::domain::TestResult>) -> Verdict<'_> {
    let green = !tests.is_empty() && tests.iter().all(|t| t.outcome.is_pass());
    Verdict {
        kata: k,
        status: if green { Status::Green } else { Status::Red },
        note: tests.is_empty().then(|| {
            format!(
                "no test of {} matches the filter `{}`",
                package_of(&k),
                k.tests
            )
        }),
        tests,
        diagnostics: Vec::new(),
        inputs,
    }
}

/// What rebuilding a failed suite without its broken katas gave.
#[derive(Debug, Default)]
struct Isolated {
    /// Test executables built without the broken katas.
    binaries: Vec<TestBinary>,
    /// Keys (`suite/kata`) of the katas those executables hold.
    built: Vec<String>,
    /// Per kata key, the diagnostics of the last failed rebuild that included it.
    diagnostics: Vec<(String, Arc<Vec<Diagnostic>>)>,
}

impl Isolated {
    /// The diagnostics that explain why `k` still does not compile, if a rebuild failed.
    fn diagnostics_of(&self, k: &KataRef<'_>) -> Option<&[Diagnostic]> {
        self.diagnostics
            .iter()
            .find(|(key, _)| *key == k.key())
            .map(|(_, d)| d.as_slice())
    }
}

/// For each suite whose crate did not build while several of its katas were checked: builds
/// it again without the katas rustc's errors point at (and those that use them), so only the
/// broken katas show as "does not compile" (see [`crate::isolate`]).
fn isolate_failed(
    settings: &Settings,
    katas: &[KataRef<'_>],
    out: &build::BuildOutput,
) -> Result<Isolated> {
    let mut isolated = Isolated::default();
    let mut suites: Vec<&Suite> = Vec::new();
    for k in katas {
        if out
            .failed_packages
            .contains(&layout::kata_package(&k.suite.id))
            && !suites.iter().any(|s| s.id == k.suite.id)
            && layout::offers_one_kata(&settings.root, layout::Crate::Katas, &k.suite.id, &k.id)
        {
            suites.push(k.suite);
        }
    }
    if katas.len() < 2 {
        return Ok(isolated);
    }
    for suite in suites {
        let package = layout::kata_package(&suite.id);
        let wanted: Vec<String> = katas
            .iter()
            .filter(|k| k.suite.id == suite.id)
            .map(|k| k.id.clone())
            .collect();
        let closures = crate::isolate::closures(&settings.root, suite);
        let mut excluded = crate::isolate::broken(suite, &package, &out.diagnostics);
        for _ in 0..crate::isolate::MAX_ROUNDS {
            let rest = crate::isolate::buildable(&wanted, &excluded, &closures);
            if excluded.is_empty() || rest.is_empty() {
                break;
            }
            // Several katas at once: each keeps its tests even when another uses it.
            let features = layout::features(Selection::Several(&rest));
            let request = settings.build_request(vec![package.clone()], features);
            let fresh = prepare_fresh(&request, &[suite]);
            let again = build::build(&request)?;
            fresh.commit();
            if !again.failed_packages.contains(&package) {
                isolated.binaries.extend(again.binaries);
                isolated
                    .built
                    .extend(rest.iter().map(|k| format!("{}/{k}", suite.id)));
                break;
            }
            let newly = crate::isolate::broken(suite, &package, &again.diagnostics);
            let diagnostics = Arc::new(again.diagnostics);
            for k in &rest {
                let key = format!("{}/{k}", suite.id);
                isolated.diagnostics.retain(|(other, _)| *other != key);
                isolated.diagnostics.push((key, Arc::clone(&diagnostics)));
            }
            if newly.is_subset(&excluded) {
                break;
            }
            excluded.extend(newly);
        }
    }
    Ok(isolated)
}

/// Makes cargo see every input of `suites`' kata crates whose bytes differ from what the
/// last build of this request read (see [`crate::fresh`]): the build judged is always made
/// from the bytes on disk, whatever their mtimes say.
pub fn prepare_fresh(request: &BuildRequest<'_>, suites: &[&Suite]) -> crate::fresh::Pending {
    let key = format!(
        "{} --features {}",
        request.packages.join(" "),
        request.features.join(",")
    );
    let inputs: Vec<PathBuf> = suites
        .iter()
        .flat_map(|s| layout::crate_inputs(&s.id))
        .collect();
    crate::fresh::prepare(request.root, &key, &inputs)
}

fn package_of(k: &KataRef<'_>) -> String {
    layout::kata_package(&k.suite.id)
}

/// Errors of `package`, those in `file` first; warnings are left out.
fn blocking_errors(all: &[Diagnostic], package: &str, file: &str) -> Vec<Diagnostic> {
    let errors: Vec<&Diagnostic> = all
        .iter()
        .filter(|d| d.package == package && d.level == "error")
        .collect();
    let (mine, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) = errors
        .into_iter()
        .partition(|d| d.spans.iter().any(|s| run::same_file(&s.file, file)));
    mine.into_iter().chain(others).cloned().collect()
}

/// The environment every test process gets: hermetic insta, short panics.
pub fn test_env(root: &Path, extra: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut env = vec![
        ("INSTA_UPDATE".to_string(), "no".to_string()),
        ("INSTA_FORCE_PASS".to_string(), "0".to_string()),
        (
            "INSTA_WORKSPACE_ROOT".to_string(),
            root.display().to_string(),
        ),
        ("RUST_BACKTRACE".to_string(), "0".to_string()),
    ];
    env.extend(extra);
    env
}

/// Variables of the runner's environment that no test can be expected to read: the shell's
/// and the terminal's bookkeeping, and the runner's own display switches.
const ENV_NOT_KEYED: &[&str] = &[
    "_",
    "PWD",
    "OLDPWD",
    "SHLVL",
    "COLUMNS",
    "LINES",
    "TERM",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "COLORTERM",
    "WINDOWID",
    "TMUX",
    "TMUX_PANE",
    "STY",
    "SSH_TTY",
    "SSH_CLIENT",
    "SSH_CONNECTION",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "KATA_TIMINGS",
    "KATA_WATCH_TIMING",
    "KATA_ROOT",
];

/// A hash of the environment the tests of a check get (the runner's own, which test processes
/// inherit, and [`test_env`]'s): a stored verdict is reused only under the same one, so a kata
/// that reads a variable is checked again when it changes (see `status::fingerprint`).
pub fn env_key(root: &Path) -> String {
    let mut vars: Vec<(String, String)> = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .filter(|(k, _)| !ENV_NOT_KEYED.contains(&k.as_str()))
        .collect();
    vars.extend(test_env(root, Vec::new()));
    vars.sort();
    let mut h = crate::state::Fnv::default();
    for (k, v) in vars {
        h.write(k.as_bytes());
        h.write(b"=");
        h.write(v.as_bytes());
        h.write(b"\0");
    }
    h.hex()
}

/// Run options with the hermetic environment and one job per core.
pub fn run_options(root: &Path, timeout: Duration, extra: Vec<(String, String)>) -> RunOptions {
    RunOptions {
        timeout,
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
        env: test_env(root, extra),
        memory_limit: memory_limit(),
        scratch: Some(crate::interrupt::scratch_dir(root)),
        live: false,
    }
}

/// Default address-space ceiling of a test process, in GB.
const DEFAULT_MEMORY_GB: u64 = 4;

/// The memory ceiling of each test process: `KATA_TEST_MEMORY_GB` (0 for none), else
/// [`DEFAULT_MEMORY_GB`]; none, with a note on stderr (once), where the system refuses it.
fn memory_limit() -> Option<u64> {
    static NOTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let gb = std::env::var("KATA_TEST_MEMORY_GB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_MEMORY_GB);
    let wanted = (gb > 0).then_some(gb << 30);
    let refused = wanted.and_then(run::memory_ceiling_refused);
    let (limit, note) = ceiling(wanted, refused);
    if let Some(note) = note
        && !NOTED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        eprintln!("{note}");
    }
    limit
}

/// The ceiling to apply and the note to show: `wanted` unless the system refused it (why).
fn ceiling(wanted: Option<u64>, refused: Option<String>) -> (Option<u64>, Option<String>) {
    match (wanted, refused) {
        (Some(bytes), Some(why)) => (
            None,
            Some(format!(
                "note: tests run without their memory ceiling ({} GB): this system refuses \
                 setrlimit(RLIMIT_AS) ({why}). A test that allocates without bound is stopped \
                 by its timeout instead; KATA_TEST_MEMORY_GB=0 silences this note.",
                bytes >> 30
            )),
        ),
        (wanted, _) => (wanted, None),
    }
}

/// Listed tests of a set of binaries.
#[derive(Debug, Default)]
pub struct TestSet {
    entries: Vec<(Arc<TestBinary>, Vec<String>)>,
}

impl TestSet {
    /// Lists every binary's tests.
    pub fn list(binaries: &[TestBinary]) -> Result<Self> {
        let mut entries = Vec::new();
        for b in binaries {
            let names = run::list_tests(b)?;
            entries.push((Arc::new(b.clone()), names));
        }
        Ok(Self { entries })
    }

    /// Cases of `package` whose names start with `filter`.
    pub fn select(&self, package: &str, filter: &str) -> Vec<TestCase> {
        self.entries
            .iter()
            .filter(|(b, _)| b.package == package)
            .flat_map(|(b, names)| run::select(b, names, filter))
            .collect()
    }

    /// Every test name of `package`.
    pub fn names(&self, package: &str) -> Vec<String> {
        self.entries
            .iter()
            .filter(|(b, _)| b.package == package)
            .flat_map(|(_, names)| names.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SpanAt;
    use crate::domain::sample;

    fn diagnostic(package: &str, level: &str, file: &str) -> Diagnostic {
        Diagnostic {
            package: package.into(),
            level: level.into(),
            rendered: format!("{level} in {file}"),
            spans: vec![SpanAt {
                file: file.into(),
                line: 2,
            }],
        }
    }

    #[test]
    fn blocking_errors_are_the_packages_errors_with_the_katas_file_first() {
        let all = [
            diagnostic("kata-s1-demo", "error", "katas/s1-demo/src/double.rs"),
            diagnostic("kata-s1-demo", "warning", "katas/s1-demo/src/add.rs"),
            diagnostic("kata-other", "error", "katas/other/src/add.rs"),
            diagnostic("kata-s1-demo", "error", "katas/s1-demo/src/add.rs"),
        ];
        let found = blocking_errors(&all, "kata-s1-demo", "katas/s1-demo/src/add.rs");
        let files: Vec<&str> = found.iter().map(|d| d.spans[0].file.as_str()).collect();
        assert_eq!(
            files,
            ["katas/s1-demo/src/add.rs", "katas/s1-demo/src/double.rs"]
        );
    }

    #[test]
    fn the_line_to_edit_is_where_a_test_panicked_in_the_kata_file() {
        let v = sample::add_verdict(vec![(
            "a",
            sample::failed("todo", "katas/s1-demo/src/add.rs", 12),
        )]);
        assert_eq!(v.edit_line(Path::new("/nonexistent")), 12);
    }

    #[test]
    fn without_a_panic_in_the_kata_the_line_is_rustcs_then_the_first_todo() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("katas/s1-demo/src/add.rs");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "//! x\n\npub fn add() {\n    todo!(\"add\")\n}\n").unwrap();
        let m = sample::manifest();
        let k = sample::kata(&m, "add");
        let mut v = sample::verdict(k, Vec::new());
        assert_eq!(v.edit_line(dir.path()), 4, "the first todo!");
        v.diagnostics = vec![diagnostic(
            "kata-s1-demo",
            "error",
            "katas/s1-demo/src/add.rs",
        )];
        assert_eq!(v.edit_line(dir.path()), 2, "rustc's line in the kata file");
    }

    fn inputs() -> Inputs {
        Inputs {
            file_hash: "h".into(),
            fingerprint: "f".into(),
            stamp: "s".into(),
        }
    }

    #[test]
    fn a_kata_is_green_only_with_at_least_one_test_and_every_test_passing() {
        let m = sample::manifest();
        let k = sample::kata(&m, "add");
        let pass = sample::test(&k, "a", Outcome::Passed);
        let ignored = sample::test(&k, "b", Outcome::Ignored);
        assert_eq!(
            judged(k, inputs(), vec![pass.clone()]).status,
            Status::Green
        );
        assert_eq!(judged(k, inputs(), vec![pass, ignored]).status, Status::Red);
        let none = judged(k, inputs(), Vec::new());
        assert_eq!(none.status, Status::Red);
        assert_eq!(
            none.note.as_deref(),
            Some("no test of kata-s1-demo matches the filter `suite::add::`")
        );
    }

    #[test]
    fn a_missing_crate_is_named_relative_to_the_root() {
        let m = sample::manifest();
        let k = sample::kata(&m, "add");
        let v = not_built(
            k,
            inputs(),
            &[],
            Some(PathBuf::from("/r/katas/s1-demo/Cargo.toml")),
            Path::new("/r"),
        );
        assert_eq!(v.status, Status::DoesNotCompile);
        assert_eq!(
            v.note.as_deref(),
            Some("the suite's crate is missing: no katas/s1-demo/Cargo.toml")
        );
    }

    #[test]
    fn a_kata_file_without_todo_is_edited_from_line_one() {
        let m = sample::manifest();
        let v = sample::verdict(sample::kata(&m, "add"), Vec::new());
        assert_eq!(v.edit_line(Path::new("/nonexistent")), 1);
    }

    #[test]
    fn only_one_kata_with_the_feature_is_compiled_alone() {
        let dir = tempfile::tempdir().unwrap();
        let m = sample::manifest();
        let add = sample::kata(&m, "add");
        let double = sample::kata(&m, "double");
        assert!(
            one_kata_features(dir.path(), &[add]).is_empty(),
            "no Cargo.toml"
        );
        let toml = dir.path().join("katas/s1-demo/Cargo.toml");
        std::fs::create_dir_all(toml.parent().unwrap()).unwrap();
        std::fs::write(&toml, "[features]\none-kata = []\nadd = []\n").unwrap();
        assert_eq!(one_kata_features(dir.path(), &[add]), ["one-kata", "add"]);
        assert!(one_kata_features(dir.path(), &[add, double]).is_empty());
        assert!(
            one_kata_features(dir.path(), &[double]).is_empty(),
            "no `double` feature"
        );
    }

    #[test]
    fn tests_run_with_insta_hermetic_and_short_panics() {
        let env = test_env(Path::new("/r"), vec![("X".into(), "1".into())]);
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("INSTA_UPDATE"), Some("no"));
        assert_eq!(get("INSTA_WORKSPACE_ROOT"), Some("/r"));
        assert_eq!(get("RUST_BACKTRACE"), Some("0"));
        assert_eq!(get("X"), Some("1"));
    }

    #[test]
    fn a_refused_memory_ceiling_is_skipped_with_a_note() {
        assert_eq!(ceiling(Some(4 << 30), None), (Some(4 << 30), None));
        assert_eq!(ceiling(None, None), (None, None));
        let (limit, note) = ceiling(Some(4 << 30), Some("Invalid argument".into()));
        assert_eq!(limit, None);
        let note = note.unwrap();
        assert!(
            note.contains("without their memory ceiling (4 GB)"),
            "{note}"
        );
        assert!(note.contains("Invalid argument"), "{note}");
        #[cfg(target_os = "linux")]
        assert_eq!(
            crate::run::memory_ceiling_refused(4 << 30),
            None,
            "Linux accepts it"
        );
    }

    #[test]
    fn a_verdict_is_current_while_its_inputs_hold() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("katas/s1-demo/src/add.rs");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "one").unwrap();
        let m = sample::manifest();
        let k = sample::kata(&m, "add");
        let mut v = sample::verdict(k, Vec::new());
        v.inputs = Inputs::now(dir.path(), &k);
        assert!(v.is_current(dir.path()));
        std::fs::write(&file, "two").unwrap();
        assert!(!v.is_current(dir.path()), "an edit makes it stale");
    }

    #[test]
    fn the_same_bytes_saved_again_during_a_check_make_it_stale() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("katas/s1-demo/src/add.rs");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "A").unwrap();
        let m = sample::manifest();
        let k = sample::kata(&m, "add");
        let mut v = sample::verdict(k, Vec::new());
        v.inputs = Inputs::now(dir.path(), &k);
        std::fs::write(&file, "B").unwrap();
        std::fs::write(&file, "A").unwrap();
        assert!(!v.is_current(dir.path()), "A→B→A is a change");
        let shown = v.settled(dir.path());
        assert_eq!(shown.status, Status::NotCurrent);
        assert!(shown.note.unwrap().contains("nothing is recorded"));
    }
}
