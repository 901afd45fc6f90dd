//! `cargo kata hint <kata>`: the next hint, remembered in `.kata/`.

use super::{Ctx, EXIT_OK};
use crate::error::Result;

/// Runs the command.
pub fn run(ctx: &Ctx, name: Option<&str>) -> Result<i32> {
    let kata = match name {
        Some(name) => ctx.manifest.kata(name)?,
        None => {
            let mut progress = ctx.load_progress();
            let statuses = crate::status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
            ctx.save_progress(&progress);
            match statuses
                .rows
                .iter()
                .find(|r| r.status != crate::state::Status::Green)
            {
                Some(r) => r.kata,
                None => {
                    println!("Every kata is green: no hint needed.");
                    return Ok(EXIT_OK);
                }
            }
        }
    };
    let hints = &kata.kata.hints;
    if hints.is_empty() {
        println!(
            "`{}` has no hints; its file's brief is the place to start.",
            kata.kata.id
        );
        return Ok(EXIT_OK);
    }
    let mut progress = ctx.load_progress();
    let entry = progress.kata(&kata.key());
    let used = entry.hints_used as usize;
    if used >= hints.len() {
        println!(
            "No more hints for `{}`: you have seen all {}. The last one again:\n",
            kata.kata.id,
            hints.len()
        );
        println!("  {}", hints[hints.len() - 1]);
        return Ok(EXIT_OK);
    }
    entry.hints_used += 1;
    entry.first_started.get_or_insert_with(crate::state::now);
    ctx.save_progress(&progress);
    println!(
        "{} {}/{} for {}:\n",
        ctx.style.bold("Hint"),
        used + 1,
        hints.len(),
        kata.kata.id
    );
    println!("  {}", hints[used]);
    if used + 1 < hints.len() {
        println!(
            "\n  {}",
            ctx.style.dim(&format!(
                "run `cargo kata hint {}` again for the next one",
                kata.kata.id
            ))
        );
    } else {
        println!("\n  {}", ctx.style.dim("that was the last hint"));
    }
    Ok(EXIT_OK)
}
