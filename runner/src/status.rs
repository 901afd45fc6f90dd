//! Every kata's status for the summary and `list`, reusing verdicts whose inputs did not change.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::check::{self, Settings};
use crate::domain::{KataRef, Row, Status, Suite, Verdict};
use crate::error::Result;
use crate::layout;
use crate::manifest::Manifest;
use crate::state::{self, LastVerdict, Progress};

/// Statuses of all katas, plus the verdicts that had to be computed now.
#[derive(Debug)]
pub struct Statuses<'m> {
    /// One row per kata in curriculum order.
    pub rows: Vec<Row<'m>>,
    /// Verdicts computed in this run (keyed `suite/kata`).
    pub fresh: HashMap<String, Verdict<'m>>,
}

/// Hash of everything a suite's verdicts depend on besides the kata file itself: the suite's
/// kata crate and tests (a file or a folder), its snapshots, `Cargo.lock`, and the
/// environment its tests get ([`check::env_key`]). A remembered verdict is reused only while
/// this and its kata file's hash are unchanged.
pub fn fingerprint(root: &Path, suite: &Suite) -> String {
    let mut paths = layout::crate_inputs(&suite.id);
    paths.push(PathBuf::from("Cargo.lock"));
    let files = state::tree_hash(root, &paths);
    let mut h = state::Fnv::default();
    h.write(files.as_bytes());
    h.write(check::env_key(root).as_bytes());
    h.hex()
}

/// The remembered verdict for a freshly computed one, under the inputs it was computed
/// from (taken before the build, so an edit saved during the check is never covered).
pub fn last_verdict(v: &Verdict<'_>) -> LastVerdict {
    LastVerdict {
        status: v.status,
        passed: v.passed(),
        failed: v.failed(),
        at: state::now(),
        file_hash: v.inputs.file_hash.clone(),
        fingerprint: v.inputs.fingerprint.clone(),
        failing_test: v
            .tests
            .iter()
            .find(|t| !t.outcome.is_pass())
            .map(|t| t.name.clone()),
    }
}

/// Statuses of every kata: untouched never-checked stubs are "not started" without a build;
/// remembered verdicts are reused while their suite's fingerprint holds; the rest are checked.
pub fn refresh<'m>(
    settings: &Settings,
    manifest: &'m Manifest,
    progress: &mut Progress,
) -> Result<Statuses<'m>> {
    let root = &settings.root;
    let modified = crate::git::modified(root, layout::KATAS);
    let fingerprints: HashMap<&str, String> = manifest
        .suites
        .iter()
        .map(|s| (s.id.as_str(), fingerprint(root, s)))
        .collect();
    if let Some(modified) = &modified {
        notice_edits(root, manifest, modified, progress);
    }
    let mut cached: HashMap<String, LastVerdict> = HashMap::new();
    let mut not_started: HashSet<String> = HashSet::new();
    let mut to_check: Vec<KataRef<'m>> = Vec::new();
    for k in manifest.katas() {
        let key = k.key();
        let entry = progress.katas.get(&key);
        // Without git, an edit cannot be told from a stub: only a check marks a kata started.
        let edited = modified.as_ref().is_some_and(|m| m.contains(&k.file));
        let checked = entry.is_some_and(|e| e.checks > 0);
        if !checked && !edited {
            not_started.insert(key);
            continue;
        }
        match entry.and_then(|e| e.last_verdict.as_ref()) {
            Some(v) if v.fingerprint == fingerprints[k.suite.id.as_str()] => {
                cached.insert(key, v.clone());
            }
            _ => to_check.push(k),
        }
    }
    let units_key = units_key(&to_check);
    let expected = progress.build_units.get(&units_key).copied().unwrap_or(0);
    let (verdicts, stats) = check::check_current(settings, &to_check, expected)?;
    if !to_check.is_empty() {
        progress.build_units.insert(units_key, stats.units);
    }
    let mut fresh = HashMap::new();
    for v in verdicts {
        let key = v.kata.key();
        if v.is_current(root) && v.status != Status::TestsModified {
            let edited = modified
                .as_ref()
                .is_none_or(|m| m.contains(&v.kata.file))
                .then(|| state::modified_secs(&root.join(&v.kata.file)).unwrap_or_else(state::now));
            progress.record_work(&key, last_verdict(&v), false, edited);
        }
        let v = v.settled(root);
        let last = last_verdict(&v);
        cached.insert(key.clone(), last);
        fresh.insert(key, v);
    }
    let rows = manifest
        .katas()
        .into_iter()
        .map(|k| {
            let key = k.key();
            match cached.get(&key) {
                Some(v) if !not_started.contains(&key) => Row {
                    kata: k,
                    status: v.status,
                    passed: v.passed,
                    failed: v.failed,
                },
                _ => Row {
                    kata: k,
                    status: Status::NotStarted,
                    passed: 0,
                    failed: 0,
                },
            }
        })
        .collect();
    Ok(Statuses { rows, fresh })
}

/// Starts the clock of every kata whose file differs from HEAD (`modified`, as
/// [`crate::git::modified`] lists them) and that has none yet, at the file's modification
/// time: the first edit as the runner first notices it. Called before a build, which may set
/// the modification time of a file it must compile again to now ([`crate::fresh`]).
pub fn notice_edits(
    root: &Path,
    manifest: &Manifest,
    modified: &HashSet<String>,
    progress: &mut Progress,
) {
    for k in manifest.katas() {
        let key = k.key();
        let started = progress
            .katas
            .get(&key)
            .is_some_and(|p| p.first_started.is_some());
        if !started
            && modified.contains(&k.file)
            && let Some(mtime) = state::modified_secs(&root.join(&k.file))
        {
            progress.first_edit(&key, mtime);
        }
    }
}

/// The key under which `.kata/progress.json` remembers how many units a build of these
/// katas' suites reported: the suite ids, in order, comma-separated.
pub fn units_key(katas: &[KataRef<'_>]) -> String {
    let mut ids: Vec<&str> = katas.iter().map(|k| k.suite.id.as_str()).collect();
    ids.dedup();
    ids.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Outcome, sample};

    #[test]
    fn the_fingerprint_changes_with_a_test_file_but_not_with_build_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let m = sample::manifest();
        let suite = &m.suites[0];
        std::fs::create_dir_all(root.join("tests/s1-demo")).unwrap();
        std::fs::create_dir_all(root.join("katas/s1-demo/target")).unwrap();
        std::fs::write(root.join("tests/s1-demo/add.rs"), "#[test] fn a() {}").unwrap();
        let before = fingerprint(root, suite);
        std::fs::write(root.join("katas/s1-demo/target/junk"), "x").unwrap();
        assert_eq!(fingerprint(root, suite), before, "target/ is not an input");
        std::fs::write(root.join("tests/s1-demo/add.rs"), "#[test] fn b() {}").unwrap();
        assert_ne!(fingerprint(root, suite), before);
    }

    #[test]
    fn the_remembered_verdict_keeps_the_counts_and_the_inputs_it_was_computed_from() {
        let v = sample::add_verdict(vec![("a", Outcome::Passed), ("b", Outcome::Ignored)]);
        let last = last_verdict(&v);
        assert_eq!((last.status, last.passed, last.failed), (Status::Red, 1, 1));
        assert_eq!(
            (last.file_hash.as_str(), last.fingerprint.as_str()),
            ("h", "f")
        );
    }

    #[test]
    fn the_units_key_names_each_suite_once() {
        let m = sample::manifest();
        let katas = [sample::kata(&m, "add"), sample::kata(&m, "double")];
        assert_eq!(units_key(&katas), "s1-demo");
    }
}
