//! `cargo kata lock [--suite <id>]…`: record HEAD's kata files as the pristine stubs in
//! `katas.lock` (for authors, after committing a new or changed stub).

use kata_runner::pristine::{self, LOCK_FILE, Lock};

use super::{Ctx, EXIT_OK};
use crate::error::{Error, Result};
use crate::manifest::Suite;

/// Runs the command.
pub fn run(ctx: &Ctx, suite_ids: &[String]) -> Result<i32> {
    let suites: Vec<&Suite> = if suite_ids.is_empty() {
        ctx.manifest.suites.iter().collect()
    } else {
        suite_ids
            .iter()
            .map(|id| {
                ctx.manifest
                    .suite(id)
                    .ok_or_else(|| Error::Usage(format!("no suite named `{id}`")))
            })
            .collect::<Result<_>>()?
    };
    let mut lock = Lock::load(&ctx.root).map_err(Error::Usage)?;
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
        return Err(Error::Usage(format!(
            "not committed, so not locked (commit them first): {}",
            missing.join(", ")
        )));
    }
    lock.save(&ctx.root).map_err(Error::Usage)?;
    let n: usize = suites.iter().map(|s| s.katas.len()).sum();
    println!("{LOCK_FILE}: {n} pristine stubs recorded from HEAD ({changed} new or changed)");
    Ok(EXIT_OK)
}
