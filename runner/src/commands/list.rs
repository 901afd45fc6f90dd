//! `cargo kata list`: every kata with its status, per-suite totals.

use super::{Ctx, print_json};
use crate::error::Result;
use crate::{json, render, status};

/// Refreshes every kata's status (reusing remembered verdicts whose inputs did not change,
/// building only the rest) and prints the list or its JSON; exit 0, since a red kata is the
/// list's content, not a failure, unless a suite's tests are not the ones shipped (1).
pub fn run(ctx: &Ctx) -> Result<i32> {
    let mut progress = ctx.load_progress();
    let statuses = status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
    ctx.save_progress(&mut progress);
    if ctx.json {
        print_json(&json::List::new(&statuses.rows))?;
    } else {
        print!("{}", render::list(&statuses.rows, ctx.style));
    }
    Ok(super::exit_unless_shipped(&statuses.rows))
}
