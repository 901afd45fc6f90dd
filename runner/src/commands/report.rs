//! `cargo kata report [--json] [--fresh]`: the learner's snapshot (statuses refreshed like
//! `list`, or every kata checked now with `--fresh`; the honest record; per-concept table).
//! Exit code 0.

use super::{Ctx, print_json};
use crate::domain::{KataRef, Row, Status};
use crate::error::Result;
use crate::{check, report, status};

/// Runs the command.
pub fn run(ctx: &Ctx, fresh: bool, readiness: bool) -> Result<i32> {
    let mut progress = ctx.load_progress();
    let rows = if fresh {
        // CI: a fresh clone has no record and every edit is committed, so nothing would
        // look started. A kata whose file is still its pristine stub (katas.lock) is not
        // started; every other kata is checked; the learner's record is left alone.
        let katas = ctx.manifest.katas();
        let untouched = |k: &KataRef<'_>| {
            crate::pristine::locked_stub(&ctx.root, &k.file)
                .is_some_and(|stub| std::fs::read(ctx.root.join(&k.file)).is_ok_and(|f| f == stub))
        };
        let to_check: Vec<KataRef<'_>> = katas.iter().filter(|k| !untouched(k)).copied().collect();
        let (verdicts, _) = check::check_current(&ctx.settings(), &to_check, 0)?;
        katas
            .iter()
            .map(
                |k| match verdicts.iter().find(|v| v.kata.key() == k.key()) {
                    Some(v) => Row {
                        kata: v.kata,
                        status: v.status,
                        passed: v.passed(),
                        failed: v.failed(),
                    },
                    None => Row {
                        kata: *k,
                        status: Status::NotStarted,
                        passed: 0,
                        failed: 0,
                    },
                },
            )
            .collect()
    } else {
        let statuses = status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
        ctx.save_progress(&mut progress);
        statuses.rows
    };
    let snapshot = report::build(
        &ctx.root,
        &rows,
        &progress,
        ctx.plan.as_ref(),
        &ctx.manifest.concepts,
    );
    if ctx.json {
        print_json(&snapshot)?;
    } else if readiness {
        print!("{}", report::readiness::render(&snapshot));
    } else {
        print!("{}", report::text::render(&snapshot));
    }
    Ok(super::exit_unless_shipped(&rows))
}
