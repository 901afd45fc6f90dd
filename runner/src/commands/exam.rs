//! `cargo kata exam [--suite <id>]… [--count N] [--minutes M] | --finish`: starts an exam
//! (katas picked among those not yet green, hints and solutions refused until it ends), shows
//! the time left while one runs, and ends it with `--finish` (or the first `exam` after the
//! deadline): visible tests and held-out cases run, the score is recorded (`src/exam.rs`).
//! Exit code 0; 2 when there is nothing to examine.

use super::{Ctx, EXIT_OK};
use crate::domain::{KataRef, Status};
use crate::error::{Error, Result};
use crate::exam::{self, Exam, ExamResult};
use crate::render::duration;
use crate::state;

/// What the learner asked for.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// Suites to pick from (none: every suite).
    pub suites: &'a [String],
    /// Katas to pick.
    pub count: usize,
    /// Time allowed.
    pub minutes: u32,
    /// End the running exam now.
    pub finish: bool,
}

/// Runs the command.
pub fn run(ctx: &Ctx, req: &Request<'_>) -> Result<i32> {
    match exam::active(&ctx.root)? {
        Some(e) if req.finish || state::now() >= e.deadline() => finish(ctx, &e),
        Some(e) => {
            print!("{}", status(ctx, &e));
            Ok(EXIT_OK)
        }
        None if req.finish => {
            println!("no exam is running (`cargo kata exam` starts one)");
            Ok(EXIT_OK)
        }
        None => start(ctx, req),
    }
}

fn start(ctx: &Ctx, req: &Request<'_>) -> Result<i32> {
    for s in req.suites {
        if ctx.manifest.suite(s).is_none() {
            return Err(Error::UnknownKata {
                name: s.clone(),
                suggestion: "; `cargo kata list` shows every suite".into(),
            });
        }
    }
    if req.count == 0 || req.minutes == 0 {
        return Err(Error::Usage(
            "--count and --minutes must be at least 1".into(),
        ));
    }
    let progress = ctx.load_progress();
    let modified = crate::git::modified(&ctx.root, crate::layout::KATAS);
    let open: Vec<KataRef<'_>> = ctx
        .manifest
        .katas()
        .into_iter()
        .filter(|k| req.suites.is_empty() || req.suites.contains(&k.suite.id))
        .filter(|k| {
            progress.katas.get(&k.key()).is_none_or(|p| {
                !p.peeked
                    && p.green_at.is_none()
                    && p.last_verdict
                        .as_ref()
                        .is_none_or(|v| v.status != Status::Green)
            })
        })
        .collect();
    // Untouched stubs first: an exam kata should start from nothing.
    let untouched = |k: &KataRef<'_>| modified.as_ref().is_none_or(|m| !m.contains(&k.file));
    let fresh: Vec<String> = open
        .iter()
        .filter(|k| untouched(k))
        .map(|k| k.key())
        .collect();
    let begun: Vec<String> = open
        .iter()
        .filter(|k| !untouched(k))
        .map(|k| k.key())
        .collect();
    let seed = exam::fresh_seed();
    let mut katas = exam::pick(&fresh, req.count, seed);
    if katas.len() < req.count {
        katas.extend(exam::pick(&begun, req.count - katas.len(), seed));
    }
    if katas.is_empty() {
        return Err(Error::Usage(
            "no kata left to examine: every kata of those suites is green or its solution was seen (`cargo kata reset <kata>` gives one back)".into(),
        ));
    }
    let e = Exam {
        started_at: state::now(),
        minutes: req.minutes,
        seed,
        katas,
    };
    exam::start(&ctx.root, &e)?;
    println!(
        "Exam started: {} kata{}, {}. No hints and no solutions until it ends; check your work \
         as usual (`cargo kata check <kata>`, `cargo kata watch <kata>`). At the end held-out \
         cases you have not seen run too.",
        e.katas.len(),
        if e.katas.len() == 1 { "" } else { "s" },
        duration(u64::from(e.minutes) * 60)
    );
    print!("{}", status(ctx, &e));
    Ok(EXIT_OK)
}

fn status(ctx: &Ctx, e: &Exam) -> String {
    let left = e.deadline().saturating_sub(state::now());
    let mut out = format!(
        "exam: {} left of {}\n",
        duration(left),
        duration(u64::from(e.minutes) * 60)
    );
    for id in &e.katas {
        let file = ctx
            .manifest
            .kata(id)
            .map_or_else(|_| "?".into(), |k| k.file.clone());
        out.push_str(&format!("  {id}  ({file})\n"));
    }
    out.push_str("`cargo kata exam --finish` when you are done\n");
    out
}

fn finish(ctx: &Ctx, e: &Exam) -> Result<i32> {
    let katas: Vec<KataRef<'_>> = e
        .katas
        .iter()
        .filter_map(|id| ctx.manifest.kata(id).ok())
        .collect();
    println!(
        "Exam over: running the visible tests and the held-out cases (seed {})…",
        e.seed
    );
    let progress = ctx.load_progress();
    let result = exam::judge(&ctx.settings(), e, &katas, &progress)?;
    exam::finish(&ctx.root, &result)?;
    print!("{}", render(&result));
    Ok(EXIT_OK)
}

/// The result as the learner reads it.
pub fn render(r: &ExamResult) -> String {
    let mut out = String::from(
        "| kata | visible tests | held-out cases | counted |\n| --- | --- | --- | --- |\n",
    );
    for k in &r.katas {
        let visible = if k.tests_modified {
            "tests modified — not counted".to_string()
        } else if k.does_not_compile {
            "does not compile".to_string()
        } else {
            format!("{}/{}", k.visible_passed, k.visible_total)
        };
        let held = if k.held_out_total == 0 {
            "none for this kata".to_string()
        } else {
            format!("{}/{}", k.held_out_passed, k.held_out_total)
        };
        let counted = match (k.counted, k.peeked) {
            (true, _) => "yes",
            (false, true) => "no (solution seen)",
            (false, false) if k.copied => "no (the file is the reference solution)",
            (false, false) if k.visible_only() => "no: passed only the visible tests",
            _ => "no",
        };
        out.push_str(&format!("| {} | {visible} | {held} | {counted} |\n", k.id));
    }
    out.push_str(&format!(
        "\nscore: {}/{} katas green on the visible tests and the held-out cases, nothing peeked; {} used of {}{}\n",
        r.score,
        r.total,
        duration(r.secs_used),
        duration(u64::from(r.minutes) * 60),
        if r.over_time { " (over time)" } else { "" }
    ));
    if r.katas.iter().any(exam::KataResult::visible_only) {
        out.push_str("Passing only the visible tests means the held-out cases found a case your code does not handle: the tests you saw are not the whole specification.\n");
    }
    out
}

/// The lines watch shows under each verdict: the exam's time left, and the plan's time box
/// for the kata with the time spent on it so far. Empty when neither applies.
pub fn clock(ctx: &Ctx, kata: &KataRef<'_>) -> String {
    let now = state::now();
    let left = exam::active(&ctx.root)
        .ok()
        .flatten()
        .map(|e| e.deadline().saturating_sub(now));
    let time_box = ctx
        .plan
        .as_ref()
        .and_then(|p| p.time_box(&kata.key()))
        .map(|m| {
            let progress = state::load(&ctx.root).progress;
            let spent = progress
                .katas
                .get(&kata.key())
                .and_then(|p| p.first_started)
                .map(|s| now.saturating_sub(s));
            (m, spent)
        });
    clock_text(left, time_box)
}

/// [`clock`] from its figures.
pub fn clock_text(exam_left: Option<u64>, time_box: Option<(u32, Option<u64>)>) -> String {
    let mut out = String::new();
    match exam_left {
        Some(0) => out.push_str("exam: time is up: `cargo kata exam --finish` for the score\n"),
        Some(left) => out.push_str(&format!("exam: {} left\n", duration(left))),
        None => {}
    }
    if let Some((minutes, spent)) = time_box {
        let boxed = u64::from(minutes) * 60;
        match spent {
            Some(s) if s > boxed => out.push_str(&format!(
                "time box: {minutes} min, {} spent: past it (move on, or ask)\n",
                duration(s)
            )),
            Some(s) => out.push_str(&format!("time box: {minutes} min, {} spent\n", duration(s))),
            None => out.push_str(&format!("time box: {minutes} min\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clock_text;

    #[test]
    fn the_clock_shows_the_exam_and_the_time_box_only_when_they_apply() {
        assert_eq!(clock_text(None, None), "");
        assert_eq!(clock_text(Some(90), None), "exam: 1 min 30 s left\n");
        assert!(clock_text(Some(0), None).contains("time is up"));
        assert_eq!(clock_text(None, Some((8, None))), "time box: 8 min\n");
        assert_eq!(
            clock_text(None, Some((8, Some(200)))),
            "time box: 8 min, 3 min 20 s spent\n"
        );
        assert!(clock_text(None, Some((1, Some(61)))).contains("past it"));
    }
}
