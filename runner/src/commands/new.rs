//! `cargo kata new <suite>/<kata>`: scaffolds a kata, and its suite if new, then says what to write.

use super::{Ctx, EXIT_OK};
use crate::error::Result;
use crate::scaffold;

/// Plans every file, writes them only if all of them apply, and lists them.
pub fn run(ctx: &Ctx, target: &str) -> Result<i32> {
    let (suite, kata) = scaffold::parse_target(target)?;
    let plan = scaffold::plan(&ctx.root, &suite, &kata)?;
    scaffold::apply(&ctx.root, &plan)?;
    let s = ctx.style;
    println!("{} {suite}/{kata}", s.green("scaffolded"));
    for w in &plan {
        let verb = if w.edited { "edited " } else { "created" };
        println!("  {verb} {}", w.path.display());
    }
    println!(
        "\nNow write, in this order (each place marked {}):\n\
         \x20 1. tests/{suite}/{kata}.rs: at least three tests instead of the placeholder;\n\
         \x20 2. solutions/{suite}/src/{kata}.rs: the reference solution;\n\
         \x20 3. katas/{suite}/src/{kata}.rs: the brief and the stub's signatures (bodies todo!());\n\
         \x20 4. katas.toml: the title, concepts and 2-3 hints.\n\
         Then commit, record the committed stub as pristine with `cargo kata lock --suite {suite}`\n\
         (commit katas.lock too), and run `cargo kata verify --suite {suite}` (docs/authoring.md).",
        scaffold::MARKER
    );
    Ok(EXIT_OK)
}
