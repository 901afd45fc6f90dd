//! `cargo kata check <kata|suite>`: build and run just that; exit 0 iff green.

use super::{Ctx, EXIT_OK, EXIT_RED, print_json};
use crate::check;
use crate::domain::KataRef;
use crate::domain::Status;
use crate::domain::Verdict;
use crate::error::Result;
use crate::state::Progress;
use crate::{json, render, status};

/// Checks a kata or a whole suite and records each verdict; one kata on a terminal goes
/// through the same path as `watch` (rendered, with time to green). Exit 0 iff all green.
pub fn run(ctx: &Ctx, target: &str) -> Result<i32> {
    let katas = ctx.manifest.select(target)?;
    super::exam::note_late_check(ctx, &katas);
    if let ([kata], false) = (&katas[..], ctx.json) {
        let r = check_rendered(ctx, *kata)?;
        print!("{}", r.text);
        if let (true, Some(secs)) = (r.green, r.time_to_green_secs) {
            println!(
                "  {}",
                ctx.style
                    .dim(&format!("time from first edit to green: {}", human(secs)))
            );
        }
        return Ok(if r.green { EXIT_OK } else { EXIT_RED });
    }
    let mut progress = ctx.load_progress();
    let verdicts = check_and_record(ctx, &katas, &mut progress)?;
    ctx.save_progress(&mut progress);
    let green = verdicts.iter().all(|v| v.status == Status::Green);
    if ctx.json {
        print_json(&json::Check::new(target, &verdicts, &ctx.root))?;
    } else {
        for (i, v) in verdicts.iter().enumerate() {
            if i > 0 {
                println!();
            }
            print!("{}", render::verdict(v, &ctx.root, ctx.style));
            print_time_to_green(ctx, &progress, v);
        }
        if verdicts.len() > 1 {
            let n = verdicts
                .iter()
                .filter(|v| v.status == Status::Green)
                .count();
            println!("\n{n}/{} katas green", verdicts.len());
        }
    }
    Ok(if green { EXIT_OK } else { EXIT_RED })
}

fn print_time_to_green(ctx: &Ctx, progress: &Progress, v: &Verdict<'_>) {
    if v.status != Status::Green {
        return;
    }
    if let Some(secs) = progress
        .katas
        .get(&v.kata.key())
        .and_then(|k| k.time_to_green_secs)
    {
        println!(
            "  {}",
            ctx.style
                .dim(&format!("time from first edit to green: {}", human(secs)))
        );
    }
}

fn human(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
    }
}

/// Checks katas and records each as a learner's check (counts, first edit, time to green).
/// A kata whose files changed while it was checked is checked again: its verdict would
/// describe a file that no longer exists.
pub fn check_and_record<'m>(
    ctx: &Ctx,
    katas: &[KataRef<'m>],
    progress: &mut Progress,
) -> Result<Vec<Verdict<'m>>> {
    check_and_record_as(ctx, katas, progress, true)
}

/// [`check_and_record`], counting the checks as the learner's only when `counted` (watch
/// re-checking a kata whose file did not change is not the learner's check).
pub fn check_and_record_as<'m>(
    ctx: &Ctx,
    katas: &[KataRef<'m>],
    progress: &mut Progress,
    counted: bool,
) -> Result<Vec<Verdict<'m>>> {
    // First edits are noticed before the build, which may touch the files it must compile.
    if let Some(modified) = crate::git::modified(&ctx.root, crate::layout::KATAS) {
        status::notice_edits(&ctx.root, &ctx.manifest, &modified, progress);
    }
    let key = status::units_key(katas);
    let expected = progress.build_units.get(&key).copied().unwrap_or(0);
    let (verdicts, stats) = check::check_current(&ctx.settings(), katas, expected)?;
    progress.build_units.insert(key, stats.units);
    for v in &verdicts {
        record(ctx, v, progress, counted);
    }
    Ok(verdicts.into_iter().map(|v| v.settled(&ctx.root)).collect())
}

/// Whether the kata file differs from what HEAD has (without git: taken as edited).
pub fn edited(ctx: &Ctx, kata: &KataRef<'_>) -> bool {
    crate::git::modified(&ctx.root, &kata.file).is_none_or(|m| m.contains(&kata.file))
}

/// When the kata file was last modified (Unix seconds), if it is [`edited`]: the time its
/// first edit is recorded at when the runner notices it now (not the time of the check).
pub fn edited_at(ctx: &Ctx, kata: &KataRef<'_>) -> Option<u64> {
    edited(ctx, kata).then(|| {
        crate::state::modified_secs(&ctx.root.join(&kata.file)).unwrap_or_else(crate::state::now)
    })
}

/// Records one verdict, as a learner's check when `counted`, unless its files changed since
/// it was computed (then only the check, and the first edit it noticed, are counted).
pub fn record(ctx: &Ctx, v: &Verdict<'_>, progress: &mut Progress, counted: bool) {
    if v.status == Status::TestsModified {
        // Not counted: neither a verdict nor a check.
        return;
    }
    let edited = edited_at(ctx, &v.kata);
    let key = v.kata.key();
    if v.is_current(&ctx.root) {
        progress.record_work(&key, status::last_verdict(v), counted, edited);
    } else if counted {
        if let Some(mtime) = edited {
            progress.first_edit(&key, mtime);
        }
        progress.count_check(&key);
    }
}

/// What `watch` needs from one check: the verdict as the learner sees it, already recorded.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Whether it is green.
    pub green: bool,
    /// The verdict text (as `cargo kata check` prints it).
    pub text: String,
    /// Seconds from the first edit to green, once green.
    pub time_to_green_secs: Option<u64>,
}

/// Checks one kata, records it in `.kata/progress.json` and renders the verdict (a seam for
/// `watch`: no printing here).
pub fn check_rendered(ctx: &Ctx, kata: KataRef<'_>) -> Result<Rendered> {
    check_rendered_as(ctx, kata, true)
}

/// [`check_rendered`], counted as the learner's check only when `counted`.
pub fn check_rendered_as(ctx: &Ctx, kata: KataRef<'_>, counted: bool) -> Result<Rendered> {
    let mut progress = ctx.load_progress();
    let v = check_and_record_as(ctx, &[kata], &mut progress, counted)?.remove(0);
    ctx.save_progress(&mut progress);
    Ok(Rendered {
        green: v.status == Status::Green,
        text: render::verdict(&v, &ctx.root, ctx.style),
        time_to_green_secs: progress
            .katas
            .get(&kata.key())
            .and_then(|k| k.time_to_green_secs),
    })
}
