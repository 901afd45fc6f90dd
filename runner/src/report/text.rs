//! The snapshot as Markdown: readable in a terminal as it is, renderable anywhere else.

use std::fmt::Write;

use super::{Record, Report};
use crate::render::duration;

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let who = r.learner.as_deref().unwrap_or("this learner");
    let _ = writeln!(out, "# Kata report: {who}\n");
    if let Some(plan) = &r.plan {
        let _ = writeln!(out, "Plan: {plan}\n");
    }
    let _ = writeln!(out, "{}/{} katas green.\n", r.green, r.total);
    if r.history.rebuilt {
        let _ = writeln!(
            out,
            "**History rebuilt**: the progress file could not be read and was set aside ({}); \
             katas marked `*` count only the work since then, earlier checks, hints and times are unknown.\n",
            r.history.set_aside.join(", ")
        );
    }
    for e in &r.history.record_edited {
        let _ = writeln!(
            out,
            "**Record edited at event {}**: {}; the events before it are counted, from it on they are not \
             (katas marked `*` may miss checks, hints and times).\n",
            e.at_event, e.why
        );
    }
    if r.history.no_record {
        out.push_str(
            "**No record**: there is no `.kata/history.jsonl` nor `.kata/progress.json` here (a fresh clone, CI); \
             checks, hints and times are unknown, not zero.\n\n",
        );
    }
    out.push_str(
        "| kata | status | tests | checks | time to green (from first edit) | hints | notes |\n",
    );
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for k in &r.katas {
        let mut notes = Vec::new();
        if k.solution_peeked {
            notes.push("solution shown before green");
        }
        if k.stuck {
            notes.push("stuck");
        }
        if k.time_to_green_secs
            .zip(k.time_box_secs)
            .is_some_and(|(t, b)| t > b)
        {
            notes.push("over its time box");
        }
        let similar = k.similarity.map(|s| s.describe());
        if let Some(s) = &similar {
            notes.push(s);
        }
        let star = if k.record == Record::SinceRebuild {
            "*"
        } else {
            ""
        };
        let tests = if k.tests_total == 0 {
            "–".to_string()
        } else {
            format!("{}/{}", k.tests_passed, k.tests_total)
        };
        let time = match k.time_to_green_secs {
            Some(t) => duration(t),
            None if k.status == crate::domain::Status::Green => "unknown".to_string(),
            None => "–".to_string(),
        };
        let _ = writeln!(
            out,
            "| {}{star} | {} | {tests} | {} | {time} | {} | {} |",
            k.id,
            k.status.label(),
            k.checks,
            k.hints_used,
            notes.join(", ")
        );
    }
    if let Some(last) = r.exams.last() {
        let _ = writeln!(
            out,
            "\nExams: {} (the last: {}/{} katas green on the visible and the held-out tests; `cargo kata report --readiness` has them all).",
            r.exams.len(),
            last.score,
            last.total
        );
        let visible_only: Vec<&str> = last
            .katas
            .iter()
            .filter(|k| k.visible_only())
            .map(|k| k.id.as_str())
            .collect();
        if !visible_only.is_empty() {
            let _ = writeln!(
                out,
                "Passed only the visible tests in the last exam: {} (a held-out case found what they did not).",
                visible_only.join(", ")
            );
        }
    }
    if !r.concepts.is_empty() {
        out.push_str("\n## Concepts\n\n");
        out.push_str("| concept | katas | passed | solved unaided | median time to green (from first edit) | hints |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for c in &r.concepts {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                c.concept,
                c.katas,
                c.passed,
                c.unaided,
                c.median_time_to_green_secs.map_or("–".into(), duration),
                c.hints
            );
        }
    }
    out
}
