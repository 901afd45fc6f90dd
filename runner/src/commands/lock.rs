//! `cargo kata lock [--suite <id>]…`: record HEAD's kata files as the pristine stubs, and
//! HEAD's tests, snapshots and kata crate scaffolding as the tests as shipped, in
//! `katas.lock` (for authors, after committing a new or changed stub or test).

use crate::pristine::{self, LOCK_FILE, Lock};

use super::{Ctx, EXIT_OK};
use crate::domain::Suite;
use crate::error::{Error, Result};

/// Records HEAD's blob id of every kata file of the chosen suites (all by default) in
/// `katas.lock`; refuses, naming them, if any is not committed, since an uncommitted stub has no
/// blob to lock.
pub fn run(ctx: &Ctx, suite_ids: &[String]) -> Result<i32> {
    let suites: Vec<&Suite> = if suite_ids.is_empty() {
        ctx.manifest.suites.iter().collect()
    } else {
        suite_ids
            .iter()
            .map(|id| {
                ctx.manifest.suite(id).ok_or_else(|| Error::UnknownSuite {
                    name: id.clone(),
                    suggestion: String::new(),
                })
            })
            .collect::<Result<_>>()?
    };
    let mut lock = Lock::load(&ctx.root)?;
    let mut missing = Vec::new();
    let mut changed = 0;
    for suite in &suites {
        for kata in &suite.katas {
            match pristine::head_blob(&ctx.root, &kata.file) {
                Some(id) => {
                    if lock.get(&kata.file) != Some(id.as_str()) {
                        changed += 1;
                    }
                    lock.set(&kata.file, id);
                }
                None => missing.push(kata.file.clone()),
            }
        }
    }
    if !missing.is_empty() {
        return Err(Error::NotCommitted { files: missing });
    }
    let mut tests = 0;
    let mut tests_changed = 0;
    for suite in &suites {
        let shipped = pristine::head_tests(&ctx.root, &suite.id).unwrap_or_default();
        let before = lock.tests_of(&suite.id);
        tests += shipped.len();
        tests_changed += shipped
            .iter()
            .filter(|(f, id)| before.get(*f) != Some(*id))
            .count()
            + before.keys().filter(|f| !shipped.contains_key(*f)).count();
        lock.set_tests(&suite.id, shipped);
    }
    lock.save(&ctx.root)?;
    let n: usize = suites.iter().map(|s| s.katas.len()).sum();
    println!(
        "{LOCK_FILE}: {n} pristine stubs recorded from HEAD ({changed} new or changed); \
         {tests} shipped test files ({tests_changed} new, changed or gone)"
    );
    Ok(EXIT_OK)
}
