//! `cargo kata dodge record|show`: dodges as patches, for authors.
//!
//! `record` turns the working-tree change of a kata's solution file into
//! `solutions/<suite>/dodges/<kata>__<name>.patch` (a diff against HEAD's file, with the
//! `Dodge:` and `Caught by:` lines before it) and puts HEAD's file back; `show` prints the
//! solution file as the dodge makes it.

use std::path::{Path, PathBuf};

use super::{Ctx, EXIT_OK};
use crate::domain::KataRef;
use crate::error::{Error, Result};
use crate::layout;
use crate::patch;
use crate::verify::dodges::{self, EXTENSION};

/// What `dodge record` was asked to write.
#[derive(Debug)]
pub struct Record<'a> {
    /// `suite/kata` or a kata id.
    pub kata: &'a str,
    /// The dodge's name (`[a-z0-9_]+`).
    pub name: &'a str,
    /// The shortcut and the lesson it skips, in one sentence.
    pub claim: &'a str,
    /// The tests expected to fail it.
    pub caught_by: &'a [String],
    /// Another folder than the suite's `dodges/` (a red team's scratch folder).
    pub to: Option<&'a Path>,
    /// Replace a dodge of that name.
    pub force: bool,
}

/// Writes the patch, then restores the solution file from HEAD.
pub fn record(ctx: &Ctx, req: &Record<'_>) -> Result<i32> {
    let kata = ctx.manifest.kata(req.kata)?;
    check_name(req.name)?;
    if req.claim.trim().is_empty() {
        return Err(Error::Usage(
            "--claim must say the shortcut and the lesson it skips, in one sentence".into(),
        ));
    }
    let rel = layout::solution_file(&kata.file);
    let head = String::from_utf8(crate::git::show_head(&ctx.root, &rel)?)
        .map_err(|_| Error::Usage(format!("HEAD's {rel} is not UTF-8 text")))?;
    let path = ctx.root.join(&rel);
    let work = std::fs::read_to_string(&path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let diff = patch::create(&head, &work, &rel);
    if diff.is_empty() {
        return Err(Error::Usage(format!(
            "{rel} is as committed: edit it into the dodge first, then record it"
        )));
    }
    let dir = req
        .to
        .map(Path::to_path_buf)
        .unwrap_or_else(|| suite_dodges(&ctx.root, &kata));
    let file = dir.join(format!("{}__{}.{EXTENSION}", kata.id, req.name));
    if file.exists() && !req.force {
        return Err(Error::Usage(format!(
            "{} exists: choose another name, or --force to replace it",
            file.display()
        )));
    }
    let caught = req.caught_by.join(", ");
    let text = format!("Dodge: {}\nCaught by: {caught}\n\n{diff}", req.claim.trim());
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    std::fs::write(&file, text).map_err(|e| Error::io(format!("writing {}", file.display()), e))?;
    std::fs::write(&path, head)
        .map_err(|e| Error::io(format!("restoring {}", path.display()), e))?;
    println!(
        "recorded {} ({} changed lines); {rel} is as committed again",
        shown(&ctx.root, &file),
        diff.lines()
            .filter(|l| (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---"))
            .count()
    );
    Ok(EXIT_OK)
}

/// Prints the solution file as the dodge `name` of `kata` makes it.
pub fn show(ctx: &Ctx, kata: &str, name: &str) -> Result<i32> {
    let kata = ctx.manifest.kata(kata)?;
    check_name(name)?;
    let file = suite_dodges(&ctx.root, &kata).join(format!("{}__{name}.{EXTENSION}", kata.id));
    if !file.exists() {
        return Err(Error::Usage(format!(
            "no dodge {} (`ls {}` lists the suite's dodges)",
            shown(&ctx.root, &file),
            shown(&ctx.root, file.parent().unwrap_or(&ctx.root)),
        )));
    }
    let rel = layout::dodges_dir(&kata.suite.id);
    let dodge = dodges::read(&rel, &file);
    let target = match &dodge.patch {
        Ok(p) => ctx.root.join(&p.path),
        Err(why) => return Err(Error::Usage(format!("{}: {why}", dodge.file))),
    };
    let solution = std::fs::read_to_string(&target)
        .map_err(|e| Error::io(format!("reading {}", target.display()), e))?;
    let text = dodges::dodged(&dodge, &solution)
        .map_err(|why| Error::Usage(format!("{}: {why}", dodge.file)))?;
    print!("{text}");
    Ok(EXIT_OK)
}

fn suite_dodges(root: &Path, kata: &KataRef<'_>) -> PathBuf {
    root.join(layout::dodges_dir(&kata.suite.id))
}

fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.contains("__");
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "a dodge's name is lowercase letters, digits and single underscores (got `{name}`)"
        )))
    }
}
