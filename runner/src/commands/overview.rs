//! `cargo kata`: the progress summary, then the check of the first kata that is not green.

use super::{Ctx, EXIT_OK};
use crate::error::Result;
use crate::state::Status;
use crate::{render, status};

/// Runs the command.
pub fn run(ctx: &Ctx) -> Result<i32> {
    let mut progress = ctx.load_progress();
    prebuild_once(ctx, &mut progress)?;
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
            .dim(&format!("kata {} of suite {}", kata.kata.id, kata.suite.id))
    );
    print!("{}", render::verdict(&verdict, &ctx.root, ctx.style));
    Ok(EXIT_OK)
}

/// On the first `cargo kata` (and after Cargo.lock or the suite list changes), builds every
/// suite once so no later check waits for a dependency build.
fn prebuild_once(ctx: &Ctx, progress: &mut crate::state::Progress) -> Result<()> {
    let mut h = crate::state::Fnv::default();
    h.write(crate::state::file_hash(&ctx.root.join("Cargo.lock")).as_bytes());
    for s in &ctx.manifest.suites {
        h.write(s.id.as_bytes());
        h.write(b"\n");
    }
    let key = h.hex();
    if progress.prebuilt.as_deref() == Some(key.as_str()) {
        return Ok(());
    }
    let units_key = "*".to_string();
    let expected = progress.build_units.get(&units_key).copied().unwrap_or(0);
    let settings = ctx.settings();
    if settings.progress_bar {
        eprintln!("Building every suite once, so each check after this is quick…");
    }
    let units = crate::check::prebuild(&settings, &ctx.manifest.suites, expected)?;
    progress.build_units.insert(units_key, units);
    progress.prebuilt = Some(key);
    Ok(())
}
