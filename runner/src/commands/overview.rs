//! `cargo kata`: the progress summary, then the check of the first kata that is not green.

use super::{Ctx, EXIT_OK};
use crate::domain::Status;
use crate::error::Result;
use crate::{render, status};

/// The progress summary, then the verdict on the first kata that is not green (reusing a
/// verdict the summary just computed instead of checking twice).
pub fn run(ctx: &Ctx) -> Result<i32> {
    let mut progress = ctx.load_progress();
    let mut statuses = status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
    print!("{}", render::summary(&statuses.rows, ctx.style));
    let Some(next) = statuses.rows.iter().find(|r| r.status != Status::Green) else {
        ctx.save_progress(&mut progress);
        if statuses.rows.is_empty() {
            println!("\nThe manifest lists no katas yet.");
        } else {
            println!(
                "\n{} Every kata is green. Well done!",
                ctx.style.green("All green:")
            );
        }
        return Ok(EXIT_OK);
    };
    let kata = next.kata;
    println!();
    let verdict = match statuses.fresh.remove(&kata.key()) {
        Some(v) => {
            super::check::record(ctx, &v, &mut progress, true);
            v
        }
        None => super::check::check_and_record(ctx, &[kata], &mut progress)?.remove(0),
    };
    ctx.save_progress(&mut progress);
    println!(
        "{} {}",
        ctx.style.bold("Next:"),
        ctx.style
            .dim(&format!("kata {} of suite {}", kata.id, kata.suite.id))
    );
    print!("{}", render::verdict(&verdict, &ctx.root, ctx.style));
    Ok(EXIT_OK)
}
