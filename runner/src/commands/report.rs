//! `cargo kata report [--json] [--fresh]`: the learner's snapshot (statuses refreshed like
//! `list`, or every kata checked now with `--fresh`; the honest record; per-concept table).
//! Exit code 0.

use super::{Ctx, EXIT_OK, print_json};
use crate::domain::Row;
use crate::error::Result;
use crate::{check, report, status};

/// Runs the command.
pub fn run(ctx: &Ctx, fresh: bool, readiness: bool) -> Result<i32> {
    let mut progress = ctx.load_progress();
    let rows = if fresh {
        // CI: a fresh clone has no record and every edit is committed, so nothing would
        // look started. Every kata is checked; the learner's record is left alone.
        let katas = ctx.manifest.katas();
        let (verdicts, _) = check::check(&ctx.settings(), &katas, 0)?;
        verdicts
            .iter()
            .map(|v| Row {
                kata: v.kata,
                status: v.status,
                passed: v.passed(),
                failed: v.failed(),
            })
            .collect()
    } else {
        let statuses = status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
        ctx.save_progress(&mut progress);
        statuses.rows
    };
    let snapshot = report::build(&ctx.root, &rows, &progress, ctx.plan.as_ref());
    if ctx.json {
        print_json(&snapshot)?;
    } else if readiness {
        print!("{}", report::readiness::render(&snapshot));
    } else {
        print!("{}", report::text::render(&snapshot));
    }
    Ok(EXIT_OK)
}
