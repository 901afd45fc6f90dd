//! `cargo kata exam [--suite <id>]… [--count N] [--minutes M] | --finish`: starts an exam
//! (katas picked among those not yet green, hints and solutions refused until it ends; the
//! start says which katas have held-out cases), shows the time left while one runs, and ends
//! it with `--finish` (or the first `exam` after the deadline): visible tests and held-out
//! cases run on the files as they were at the deadline, the score is recorded (`src/exam.rs`).
//! Exit code 0; 2 when there is nothing to examine.
//!
//! Also what other commands say about a running exam: [`refusal`] (hint and solution refuse,
//! and exit [`EXIT_RED`](super::EXIT_RED)), [`note_late_check`] (a check after the deadline is
//! practice) and [`clock`] (watch's lines under a verdict).

use super::{Ctx, EXIT_OK};
use crate::domain::{KataRef, Status};
use crate::error::{Error, Result};
use crate::exam::{self, Exam, ExamResult, Judged};
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
    state::record_event(&ctx.root, None, crate::history::Event::ExamStart)?;
    let held_out = match e.katas.iter().filter(|id| has_held_out(ctx, id)).count() {
        0 => "None of these katas has held-out cases: each is judged on the visible tests only.",
        n if n == e.katas.len() => "At the end held-out cases you have not seen run too.",
        _ => "At the end held-out cases you have not seen run too, for the katas marked so below.",
    };
    println!(
        "Exam started: {} kata{}, {}. No hints and no solutions until it ends; check your work \
         as usual (`cargo kata check <kata>`, `cargo kata watch <kata>`). At the deadline the \
         exam ends: it is judged on your files as they are then, edits after it do not count. \
         {held_out}",
        e.katas.len(),
        if e.katas.len() == 1 { "" } else { "s" },
        duration(u64::from(e.minutes) * 60),
    );
    print!("{}", status(ctx, &e));
    Ok(EXIT_OK)
}

/// Whether the exam kata `id` (`suite/kata`) has held-out cases.
fn has_held_out(ctx: &Ctx, id: &str) -> bool {
    ctx.manifest
        .kata(id)
        .is_ok_and(|k| crate::layout::has_held_out(&ctx.root, &k.suite.id, &k.id))
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
        let judged = if has_held_out(ctx, id) {
            "visible tests and held-out cases"
        } else {
            "no held-out cases: judged on the visible tests only"
        };
        out.push_str(&format!("  {id}  ({file})  {judged}\n"));
    }
    out.push_str("`cargo kata exam --finish` when you are done\n");
    out
}

/// What to say instead of a hint or a solution while an exam runs (`what`: "hints"); the
/// command then exits [`EXIT_RED`](super::EXIT_RED).
pub fn refusal(ctx: &Ctx, what: &str) -> Option<String> {
    let exam = exam::active(&ctx.root).ok().flatten()?;
    let left = exam.deadline().saturating_sub(state::now());
    Some(format!(
        "no {what} during an exam ({} left); `cargo kata exam --finish` ends it\n",
        duration(left)
    ))
}

/// The line that says a check of an exam kata after the exam's deadline (the exam not yet
/// finished) is after the exam: practice, not counted. Empty otherwise.
pub fn late_check(ctx: &Ctx, kata: &KataRef<'_>) -> String {
    exam::ended_for(&ctx.root, &kata.key()).map_or_else(String::new, |e| {
        format!(
            "exam: ended at {}: this check of {} is after the exam (practice: the exam is \
             judged on your file as it was at the deadline); `cargo kata exam --finish` for \
             the score\n",
            clock_time(e.deadline()),
            kata.key()
        )
    })
}

/// Prints [`late_check`] for each of `katas` (on stderr with `--json`, so stdout stays JSON).
pub fn note_late_check(ctx: &Ctx, katas: &[KataRef<'_>]) {
    for k in katas {
        let line = late_check(ctx, k);
        if ctx.json {
            eprint!("{line}");
        } else {
            print!("{line}");
        }
    }
}

/// `HH:MM` of Unix seconds in local time (UTC, said so, when the local time is unknown).
pub fn clock_time(secs: u64) -> String {
    let t = libc::time_t::try_from(secs).unwrap_or(0);
    // SAFETY: a zeroed `tm` is valid (integers and, on some systems, a null zone pointer).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: localtime_r reads `t` and writes only into `tm`, both alive for the call.
    let local = !unsafe { libc::localtime_r(&t, &mut tm) }.is_null();
    if local {
        format!("{:02}:{:02}", tm.tm_hour, tm.tm_min)
    } else {
        format!("{:02}:{:02} UTC", secs % 86_400 / 3600, secs % 3600 / 60)
    }
}

fn finish(ctx: &Ctx, e: &Exam) -> Result<i32> {
    let katas: Vec<KataRef<'_>> = e
        .katas
        .iter()
        .filter_map(|id| ctx.manifest.kata(id).ok())
        .collect();
    if exam::is_over(e) {
        println!(
            "Exam over: it ended at {}; running the visible tests and the held-out cases on \
             your files as they were then (seed {})…",
            clock_time(e.deadline()),
            e.seed
        );
    } else {
        println!(
            "Exam over: running the visible tests and the held-out cases (seed {})…",
            e.seed
        );
    }
    let progress = ctx.load_progress();
    let result = exam::judge(&ctx.settings(), e, &katas, &progress)?;
    exam::finish(&ctx.root, &result)?;
    state::record_event(&ctx.root, None, crate::history::Event::ExamEnd)?;
    print!("{}", render(&result));
    Ok(EXIT_OK)
}

/// The result as the learner reads it: per kata the visible tests and held-out cases passed
/// and whether it counts; the score; which katas were judged on their version at the deadline.
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
        if r.over_time {
            " (finished after the deadline: judged as of the deadline)"
        } else {
            ""
        }
    ));
    let at_deadline: Vec<String> = r
        .katas
        .iter()
        .filter_map(|k| match k.judged {
            Judged::Current => None,
            Judged::LastChecked => Some(format!(
                "{} (the last version checked before the deadline)",
                k.id
            )),
            Judged::Stub => Some(format!(
                "{} (the pristine stub, so red: no check saw it before the deadline)",
                k.id
            )),
        })
        .collect();
    if !at_deadline.is_empty() {
        out.push_str(&format!(
            "Judged on their version at the deadline, because their files changed after it \
             (edits after the deadline did not count; your files are as you left them): {}.\n",
            at_deadline.join(", ")
        ));
    }
    if r.katas.iter().any(exam::KataResult::visible_only) {
        out.push_str("Passing only the visible tests means the held-out cases found a case your code does not handle: the tests you saw are not the whole specification.\n");
    }
    out
}

/// The lines watch shows under each verdict: the exam's time left (after the deadline, for an
/// exam kata, that this check is after the exam), and the plan's time box for the kata with
/// the time spent on it so far. Empty when none applies.
pub fn clock(ctx: &Ctx, kata: &KataRef<'_>) -> String {
    let late = late_check(ctx, kata);
    if !late.is_empty() {
        return late + &clock_text(None, time_box(ctx, kata));
    }
    let left = exam::active(&ctx.root)
        .ok()
        .flatten()
        .map(|e| e.deadline().saturating_sub(state::now()));
    clock_text(left, time_box(ctx, kata))
}

/// The plan's time box for `kata`, with the time spent on it so far, if the plan gives one.
fn time_box(ctx: &Ctx, kata: &KataRef<'_>) -> Option<(u32, Option<u64>)> {
    let minutes = ctx.plan.as_ref()?.time_box(&kata.key())?;
    let progress = state::load(&ctx.root).progress;
    let spent = progress
        .katas
        .get(&kata.key())
        .and_then(|p| p.first_started)
        .map(|s| state::now().saturating_sub(s));
    Some((minutes, spent))
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
    use super::{clock_text, render};
    use crate::exam::{ExamResult, Judged, KataResult};

    fn result(id: &str, judged: Judged) -> KataResult {
        KataResult {
            id: id.into(),
            visible_passed: 0,
            visible_total: 3,
            held_out_passed: 0,
            held_out_total: 0,
            does_not_compile: false,
            tests_modified: false,
            peeked: false,
            similarity: None,
            counted: false,
            judged,
        }
    }

    #[test]
    fn the_result_names_the_katas_judged_on_their_version_at_the_deadline() {
        let r = ExamResult {
            started_at: 0,
            finished_at: 1300,
            minutes: 20,
            secs_used: 1200,
            over_time: true,
            seed: 1,
            score: 0,
            total: 3,
            katas: vec![
                result("s/a", Judged::LastChecked),
                result("s/b", Judged::Stub),
                result("s/c", Judged::Current),
            ],
        };
        let text = render(&r);
        assert!(
            text.contains("edits after the deadline did not count"),
            "{text}"
        );
        assert!(
            text.contains(
                "s/a (the last version checked before the deadline), s/b (the pristine stub, so red"
            ),
            "{text}"
        );
        assert!(!text.contains("s/c ("), "{text}");
        let on_time = ExamResult {
            over_time: false,
            katas: vec![result("s/c", Judged::Current)],
            ..r
        };
        assert!(
            !render(&on_time).contains("deadline"),
            "{}",
            render(&on_time)
        );
    }

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
