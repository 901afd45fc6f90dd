//! `cargo kata solution <kata> [--peek]`: the reference solution and a diff, once green.

use std::io;
use std::path::PathBuf;

use crate::learn::solution::{self, SolutionRequest};

use super::Ctx;
use crate::domain::Status;
use crate::error::Result;

/// Checks the kata first (the solution is shown only once it is green, or with `--peek`,
/// which is recorded), then prints HEAD's reference solution and a diff from the learner's
/// file; exit 1 ([`EXIT_RED`](super::EXIT_RED)) while it stays hidden, and when refused
/// (even with `--peek`) because an exam is running.
pub fn run(ctx: &Ctx, name: &str, peek: bool) -> Result<i32> {
    let kata = ctx.manifest.kata(name)?;
    if let Some(refused) = super::exam::refusal(ctx, "solutions") {
        eprint!("{refused}");
        return Ok(super::EXIT_RED);
    }
    let key = kata.key();
    let (verdicts, _) = crate::check::check(&ctx.settings(), &[kata], 0)?;
    let green = verdicts.first().is_some_and(|v| v.status == Status::Green);
    let kata_file: PathBuf = ctx.root.join(&kata.file);
    let solution_file: PathBuf = ctx.root.join(crate::layout::solution_file(&kata.file));
    let request = SolutionRequest {
        kata_id: &key,
        kata_file: &kata_file,
        solution_file: &solution_file,
        green,
        peek,
        color: crate::term::Style::detect().color,
    };
    // Each showing is a `solution` event of the record, before green (a peek) or after.
    let record = |before_green: bool| {
        let mut progress = ctx.load_progress();
        progress.solution_shown(&key, before_green);
        crate::state::save(&ctx.root, &mut progress)
    };
    let mut record_peek = |_: &str| -> std::result::Result<(), crate::error::RecordError> {
        record(true).map_err(|e| e.to_string().into())
    };
    // The committed reference: a test run may have overwritten the working tree's copy.
    let committed = crate::git::show_head(&ctx.root, &crate::layout::solution_file(&kata.file))
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let out = &mut io::stdout().lock();
    match solution::show_reference(request, committed, &mut record_peek, out) {
        Ok(solution::Shown::AfterGreen) => {
            if let Err(e) = record(false) {
                eprintln!("warning: progress not saved: {e}");
            }
            Ok(super::EXIT_OK)
        }
        Ok(solution::Shown::Peeked) => Ok(super::EXIT_OK),
        Err(crate::error::SolutionError::Output(e)) if crate::pipe::is_broken_pipe(&e) => {
            crate::pipe::quit()
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(e.exit_code())
        }
    }
}
