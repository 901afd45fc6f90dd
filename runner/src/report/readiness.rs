//! The interview-readiness page: what a person can read in a minute. Strongest and weakest
//! concepts, katas solved without help, exam results over time. Markdown.

use std::fmt::Write;

use super::{ConceptReport, KataReport, Report};
use crate::domain::Status;
use crate::render::duration;

/// How well a concept is held, 0 to 1: green katas count 1 without hints, ½ with; a kata
/// whose file is the reference solution or whose solution was peeked counts nothing.
pub fn strength(concept: &ConceptReport, katas: &[KataReport]) -> f64 {
    let mine: Vec<&KataReport> = katas
        .iter()
        .filter(|k| k.concepts.contains(&concept.concept))
        .collect();
    if mine.is_empty() {
        return 0.0;
    }
    let points: f64 = mine.iter().map(|k| kata_points(k)).sum();
    points / mine.len() as f64
}

fn kata_points(k: &KataReport) -> f64 {
    if k.status != Status::Green || k.solution_peeked || k.matches_solution.is_some() {
        0.0
    } else if k.hints_used == 0 {
        1.0
    } else {
        0.5
    }
}

/// Solved unaided: green, no hint, no peek, not a copy of the reference solution.
fn unaided(k: &KataReport) -> bool {
    kata_points(k) == 1.0
}

/// The page.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let who = r.learner.as_deref().unwrap_or("you");
    let _ = writeln!(out, "# Interview readiness: {who}\n");
    let solo: Vec<&KataReport> = r.katas.iter().filter(|k| unaided(k)).collect();
    let _ = writeln!(
        out,
        "{}/{} katas green; {} solved without hints, peeks or copies.",
        r.green,
        r.total,
        solo.len()
    );
    if r.history.rebuilt || r.history.no_record {
        out.push_str("(The record is incomplete: hints and times before it are unknown.)\n");
    }

    let tried: Vec<(&ConceptReport, f64)> = r
        .concepts
        .iter()
        .filter(|c| {
            r.katas
                .iter()
                .any(|k| k.concepts.contains(&c.concept) && k.status != Status::NotStarted)
        })
        .map(|c| (c, strength(c, &r.katas)))
        .collect();
    let mut strong: Vec<&(&ConceptReport, f64)> = tried.iter().filter(|(_, s)| *s > 0.0).collect();
    strong.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.0.katas.cmp(&a.0.katas))
            .then(a.0.concept.cmp(&b.0.concept))
    });
    let mut weak: Vec<&(&ConceptReport, f64)> = tried.iter().filter(|(_, s)| *s < 1.0).collect();
    weak.sort_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then(b.0.katas.cmp(&a.0.katas))
            .then(a.0.concept.cmp(&b.0.concept))
    });
    let line = |c: &ConceptReport, s: f64| {
        let time = c
            .median_time_to_green_secs
            .map_or(String::new(), |t| format!(", median {}", duration(t)));
        format!(
            "- **{}**: {}/{} green, {} hints{time} (strength {:.0} %)\n",
            c.concept,
            c.passed,
            c.katas,
            c.hints,
            s * 100.0
        )
    };
    out.push_str("\n## Strongest concepts\n\n");
    if strong.is_empty() {
        out.push_str("None yet: no kata is green without help.\n");
    }
    for (c, s) in strong.iter().take(5) {
        out.push_str(&line(c, *s));
    }
    out.push_str("\n## Weakest concepts (tried)\n\n");
    if tried.is_empty() {
        out.push_str("Nothing tried yet.\n");
    } else if weak.is_empty() {
        out.push_str("None: every concept you tried is solid.\n");
    }
    for (c, s) in weak.iter().take(5) {
        out.push_str(&line(c, *s));
    }
    let untried = r.concepts.len() - tried.len();
    if untried > 0 {
        let _ = writeln!(out, "\n{untried} concepts not tried yet.");
    }

    out.push_str("\n## Solved without help\n\n");
    if solo.is_empty() {
        out.push_str("None yet.\n");
    }
    for k in &solo {
        let time = k
            .time_to_green_secs
            .map_or(String::new(), |t| format!(" in {}", duration(t)));
        let _ = writeln!(out, "- {} ({}){time}", k.id, k.title);
    }

    out.push_str("\n## Exams\n\n");
    if r.exams.is_empty() {
        out.push_str("None yet: `cargo kata exam` picks katas, hides hints and solutions, and runs held-out cases at the end.\n");
    } else {
        out.push_str("| finished (UTC) | score | time used | passed only the visible tests |\n| --- | --- | --- | --- |\n");
        for e in &r.exams {
            let visible_only: Vec<&str> = e
                .katas
                .iter()
                .filter(|k| k.visible_only())
                .map(|k| k.id.as_str())
                .collect();
            let _ = writeln!(
                out,
                "| {} | {}/{} | {} of {}{} | {} |",
                utc(e.finished_at),
                e.score,
                e.total,
                duration(e.secs_used),
                duration(u64::from(e.minutes) * 60),
                if e.over_time { " (over)" } else { "" },
                if visible_only.is_empty() {
                    "–".to_string()
                } else {
                    visible_only.join(", ")
                }
            );
        }
    }
    out
}

/// `YYYY-MM-DD HH:MM` of Unix seconds (UTC; civil-from-days, Howard Hinnant's algorithm).
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_read_as_a_utc_date() {
        assert_eq!(utc(0), "1970-01-01 00:00");
        assert_eq!(utc(1_795_578_903), "2026-11-25 03:55");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00");
    }
}
