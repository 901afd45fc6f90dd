//! `cargo kata report [--json]`: the learner's snapshot (statuses refreshed like `list`, the
//! honest record, per-concept table). Exit code 0.

use super::{Ctx, EXIT_OK, print_json};
use crate::error::Result;
use crate::{report, status};

/// Runs the command.
pub fn run(ctx: &Ctx) -> Result<i32> {
    let mut progress = ctx.load_progress();
    let statuses = status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
    ctx.save_progress(&mut progress);
    let snapshot = report::build(
        &ctx.root,
        &statuses.rows,
        &progress,
        ctx.plan.as_ref().map(|p| p.title.clone()),
    );
    if ctx.json {
        print_json(&snapshot)?;
    } else {
        print!("{}", report::text::render(&snapshot));
    }
    Ok(EXIT_OK)
}
