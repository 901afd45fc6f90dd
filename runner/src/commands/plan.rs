//! `cargo kata plan [<file> | --off]`: activates a workshop plan (checked against the
//! curriculum, copied to `.kata/plan.toml`), shows the active one, or turns it off. Exit
//! code 0; 2 for a bad plan (with its line and column).

use std::path::Path;

use super::{Ctx, EXIT_OK};
use crate::error::{Error, Result};
use crate::plan::{self, Plan};
use crate::render::duration;

/// Runs the command.
pub fn run(ctx: &Ctx, file: Option<&Path>, off: bool) -> Result<i32> {
    let active = plan::active_path(&ctx.root);
    if off {
        match std::fs::remove_file(&active) {
            Ok(()) => println!("plan off: every kata of the curriculum again"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => println!("no plan was active"),
            Err(e) => return Err(Error::io(format!("removing {}", active.display()), e)),
        }
        return Ok(EXIT_OK);
    }
    let Some(file) = file else {
        match plan::active(&ctx.root, None, &ctx.manifest)? {
            Some(p) => print!("{}", show(&p)),
            None => println!(
                "no plan is active: every kata of the curriculum (`cargo kata plan <file>` follows one; examples in plans/)"
            ),
        }
        return Ok(EXIT_OK);
    };
    let p = Plan::load(file, &ctx.manifest)?;
    let text = std::fs::read(file)
        .map_err(|e| Error::io(format!("reading the plan {}", file.display()), e))?;
    if let Some(dir) = active.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    }
    crate::fsx::replace_atomically(&active, &text)
        .map_err(|e| Error::io(format!("writing {}", active.display()), e))?;
    print!("{}", show(&p));
    println!(
        "\nfollowing this plan: `cargo kata`, list, watch, check, hint and report show only its katas (`cargo kata plan --off` ends it)"
    );
    Ok(EXIT_OK)
}

/// The plan as a numbered list with time boxes.
fn show(p: &Plan) -> String {
    let mut out = format!("plan: {}", p.title);
    if let Some(m) = p.minutes {
        out.push_str(&format!(" ({})", duration(u64::from(m) * 60)));
    }
    out.push('\n');
    for (i, (id, minutes)) in p.katas.iter().enumerate() {
        let boxed = minutes.map_or(String::new(), |m| format!("  [{m} min]"));
        out.push_str(&format!("{:>3}. {id}{boxed}\n", i + 1));
    }
    let boxed: u32 = p.katas.iter().filter_map(|(_, m)| *m).sum();
    if boxed > 0 {
        out.push_str(&format!("time boxes: {boxed} min in all\n"));
    }
    out
}
