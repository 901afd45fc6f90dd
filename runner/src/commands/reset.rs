//! `cargo kata reset <kata>` and `cargo kata reset --all <suite>`: back to the pristine stub,
//! after saving the learner's file under `.kata/backups/`; `cargo kata reset --tests
//! <kata|suite>`: the suite's tests back as shipped (`katas.lock`), after the same backup.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::time::SystemTime;

use crate::learn::reset::{self, Confirmation, KataFile};

use super::{Ctx, EXIT_ERROR, EXIT_OK};
use crate::error::{Error, Result};

/// Resets one kata.
pub fn run(ctx: &Ctx, name: &str) -> Result<i32> {
    let kata = ctx.manifest.kata(name)?;
    let key = kata.key();
    let file = KataFile {
        kata_id: &key,
        file: Path::new(&kata.file),
    };
    match reset::reset_kata(&ctx.root, file, SystemTime::now()) {
        Ok(outcome) => {
            println!("{}", outcome.message(&key, &ctx.root));
            record(ctx, &key, &outcome);
            Ok(EXIT_OK)
        }
        Err(source) => Err(Error::Reset { kata: key, source }),
    }
}

/// A `reset` event in the record of work (`.kata/history.jsonl`) when the stub was put
/// back; a failure to record it is a warning.
fn record(ctx: &Ctx, key: &str, outcome: &reset::ResetOutcome) {
    if !matches!(outcome, reset::ResetOutcome::Restored { .. }) {
        return;
    }
    if let Err(e) = crate::state::record_event(&ctx.root, Some(key), crate::history::Event::Reset) {
        eprintln!("warning: progress not saved: {e}");
    }
}

/// Resets every kata of a suite, after a confirmation (or `--yes`).
pub fn run_all(ctx: &Ctx, suite_id: &str, yes: bool) -> Result<i32> {
    let suite = ctx.manifest.suite(suite_id).ok_or_else(|| {
        let ids: Vec<&str> = ctx.manifest.suites.iter().map(|s| s.id.as_str()).collect();
        Error::UnknownSuite {
            name: suite_id.to_string(),
            suggestion: format!("; the suites are: {}", ids.join(", ")),
        }
    })?;
    let keys: Vec<String> = suite
        .katas
        .iter()
        .map(|k| format!("{}/{}", suite.id, k.id))
        .collect();
    let files: Vec<KataFile<'_>> = suite
        .katas
        .iter()
        .zip(&keys)
        .map(|(k, key)| KataFile {
            kata_id: key,
            file: Path::new(&k.file),
        })
        .collect();
    let confirmation = Confirmation {
        yes,
        tty: io::stdin().is_terminal(),
    };
    let mut ask =
        |question: &str| reset::ask_yes_no(question, &mut io::stdin().lock(), &mut io::stderr());
    let results = reset::reset_all(
        &ctx.root,
        &suite.id,
        &files,
        confirmation,
        &mut ask,
        SystemTime::now(),
    )
    .map_err(Error::ResetAll)?;
    let mut code = EXIT_OK;
    for r in results {
        match r.outcome {
            Ok(outcome) => {
                println!("{}", outcome.message(&r.kata_id, &ctx.root));
                record(ctx, &r.kata_id, &outcome);
            }
            Err(e) => {
                eprintln!("error: cannot reset {}: {e}", r.kata_id);
                code = EXIT_ERROR;
            }
        }
    }
    Ok(code)
}

/// Puts the tests of a suite (or of the suite of a kata) back as shipped: the files that
/// differ from `katas.lock`'s `[tests]` are saved under `.kata/backups/<suite>/tests/` first.
pub fn run_tests(ctx: &Ctx, target: &str) -> Result<i32> {
    let suite = match ctx.manifest.suite(target) {
        Some(s) => s,
        None => ctx.manifest.kata(target)?.suite,
    };
    let changes = crate::pristine::modified_tests(&ctx.root, &suite.id);
    if changes.is_empty() {
        println!(
            "The tests of {} are as shipped (or {} records none yet): nothing to reset.",
            suite.id,
            crate::pristine::LOCK_FILE
        );
        return Ok(EXIT_OK);
    }
    let mut files = Vec::new();
    for c in &changes {
        let bytes = match &c.shipped {
            Some(id) => Some(
                crate::pristine::blob(&ctx.root, id).ok_or_else(|| Error::Reset {
                    kata: suite.id.clone(),
                    source: crate::error::ResetError::NotCommitted {
                        file: c.file.clone().into(),
                        detail: format!(
                            "the repository has no blob {id}, which {} records",
                            crate::pristine::LOCK_FILE
                        ),
                    },
                })?,
            ),
            None => None,
        };
        files.push((c.file.clone(), bytes));
    }
    let backup = reset::restore_shipped(&ctx.root, &suite.id, &files, SystemTime::now()).map_err(
        |source| Error::Reset {
            kata: suite.id.clone(),
            source,
        },
    )?;
    for c in &changes {
        let what = if c.shipped.is_some() {
            "restored"
        } else {
            "removed (not shipped)"
        };
        println!("{}: {what}", c.file);
    }
    println!(
        "The tests of {} are as shipped again. Your versions were saved under {}",
        suite.id,
        backup.strip_prefix(&ctx.root).unwrap_or(&backup).display()
    );
    Ok(EXIT_OK)
}
