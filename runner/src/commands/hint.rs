//! `cargo kata hint <kata>`: the next hint, remembered in `.kata/`.

use super::{Ctx, EXIT_OK, EXIT_RED};
use crate::domain::KataRef;
use crate::error::Result;

/// Shows the next hint of the named kata, or of the first kata that is not green; the hints
/// taken are remembered, so each call moves one hint on until the last, which repeats.
/// Exit 0; 1 ([`EXIT_RED`]) when refused because an exam is running; 2 for an unknown kata.
pub fn run(ctx: &Ctx, name: Option<&str>) -> Result<i32> {
    let named = name.map(|n| ctx.manifest.kata(n)).transpose()?;
    if let Some(refused) = super::exam::refusal(ctx, "hints") {
        print!("{refused}");
        return Ok(EXIT_RED);
    }
    let kata = match named {
        Some(kata) => kata,
        None => {
            let mut progress = ctx.load_progress();
            let statuses = crate::status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
            ctx.save_progress(&mut progress);
            match statuses
                .rows
                .iter()
                .find(|r| r.status != crate::domain::Status::Green)
            {
                Some(r) => r.kata,
                None => {
                    println!("Every kata is green: no hint needed.");
                    return Ok(EXIT_OK);
                }
            }
        }
    };
    let text = next_hint(ctx, kata)?;
    print!("{text}");
    Ok(EXIT_OK)
}

/// Takes the next hint of `kata` (recording it in `.kata/progress.json`) and renders it,
/// saying to run `cargo kata hint <kata>` again for the next one.
pub fn next_hint(ctx: &Ctx, kata: KataRef<'_>) -> Result<String> {
    let again = format!("run `cargo kata hint {}` again", kata.id);
    next_hint_with(ctx, kata, &again)
}

/// [`next_hint`] with the words that say how to get the next one (`press h again` in
/// watch mode); during an exam, the refusal instead (nothing is recorded).
pub fn next_hint_with(ctx: &Ctx, kata: KataRef<'_>, again: &str) -> Result<String> {
    if let Some(refused) = super::exam::refusal(ctx, "hints") {
        return Ok(refused);
    }
    let mut out = String::new();
    let hints = &kata.hints;
    if hints.is_empty() {
        out.push_str(&format!(
            "`{}` has no hints; its file's brief is the place to start.\n",
            kata.id
        ));
        return Ok(out);
    }
    let mut progress = ctx.load_progress();
    let entry = progress.kata(&kata.key());
    // Hints after green are practice: counted apart, but they still move to the next hint.
    let used = (entry.hints_used + entry.practice_hints) as usize;
    if used >= hints.len() {
        out.push_str(&format!(
            "No more hints for `{}`: you have seen all {}. The last one again:\n\n  {}\n",
            kata.id,
            hints.len(),
            hints[hints.len() - 1]
        ));
        return Ok(out);
    }
    // Recorded as a `hint` event of `.kata/history.jsonl` (practice after green).
    progress.take_hint(&kata.key());
    ctx.save_progress(&mut progress);
    out.push_str(&format!(
        "{} {}/{} for {}:\n\n  {}\n",
        ctx.style.bold("Hint"),
        used + 1,
        hints.len(),
        kata.id,
        hints[used]
    ));
    let footer = if used + 1 < hints.len() {
        format!("{again} for the next one")
    } else {
        "that was the last hint".to_string()
    };
    out.push_str(&format!("\n  {}\n", ctx.style.dim(&footer)));
    Ok(out)
}
