//! `cargo kata restore <kata> [--list | <backup>]`: a backup from `.kata/backups/` back in
//! place, after saving the current file there too.

use std::path::Path;
use std::time::SystemTime;

use crate::learn::reset::KataFile;
use crate::learn::restore;

use super::{Ctx, EXIT_OK};
use crate::error::{Error, Result};

/// Lists the backups of a kata, oldest first.
pub fn list(ctx: &Ctx, name: &str) -> Result<i32> {
    let kata = ctx.manifest.kata(name)?;
    let key = kata.key();
    let backups = restore::list(&ctx.root, &key);
    if backups.is_empty() {
        println!(
            "{key} has no backups (`cargo kata reset {}` makes one).",
            kata.id
        );
        return Ok(EXIT_OK);
    }
    let dir = restore::backup_dir(&ctx.root, &key);
    println!(
        "Backups of {key} in {}, oldest first:",
        dir.strip_prefix(&ctx.root).unwrap_or(&dir).display()
    );
    for b in &backups {
        let lines = std::fs::read_to_string(b).map_or(0, |t| t.lines().count());
        let name = b.file_name().map(|n| n.to_string_lossy().into_owned());
        println!("  {}  ({lines} lines)", name.unwrap_or_default());
    }
    println!(
        "`cargo kata restore {} <name>` brings one back (without a name: the newest).",
        kata.id
    );
    Ok(EXIT_OK)
}

/// Restores the named backup, or the newest.
pub fn run(ctx: &Ctx, name: &str, backup: Option<&str>) -> Result<i32> {
    let kata = ctx.manifest.kata(name)?;
    let key = kata.key();
    let file = KataFile {
        kata_id: &key,
        file: Path::new(&kata.file),
    };
    match restore::restore(&ctx.root, file, backup, SystemTime::now()) {
        Ok(outcome) => {
            println!("{}", outcome.message(&key, &ctx.root));
            if matches!(outcome, restore::RestoreOutcome::Restored { .. }) {
                let event = crate::history::Event::Restore;
                if let Err(e) = crate::state::record_event(&ctx.root, Some(&key), event) {
                    eprintln!("warning: progress not saved: {e}");
                }
            }
            Ok(EXIT_OK)
        }
        Err(source) => Err(Error::Restore { kata: key, source }),
    }
}
