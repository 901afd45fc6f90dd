//! The interview-readiness page: what a person can read in a minute. Each concept of the
//! curriculum's vocabulary with its evidence (how many katas back it, how many were solved
//! unaided, in what time from the first edit), katas solved without help, exam results over
//! time. Markdown. Facts only: nothing here guesses whether work was copied.

use std::fmt::Write;

use super::{ConceptReport, KataReport, Report, unaided};
use crate::domain::Status;
use crate::render::duration;

/// How well a concept is held, 0 to 1: green katas count 1 without hints, ½ with; a kata
/// whose solution was shown before green counts nothing.
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
    if k.status != Status::Green || k.solution_peeked {
        0.0
    } else if k.hints_used == 0 {
        1.0
    } else {
        0.5
    }
}

/// A concept's evidence in words: katas behind it, solved unaided, the median time.
fn evidence(c: &ConceptReport) -> String {
    let time = c.unaided_median_secs.map_or(String::new(), |t| {
        format!(", median {} from first edit", duration(t))
    });
    let thin = if c.katas == 1 {
        " (backed by one kata only: thin evidence)"
    } else {
        ""
    };
    format!(
        "{} of {} katas solved unaided{time}; {} green in all, {} hints{thin}",
        c.unaided, c.katas, c.passed, c.hints
    )
}

/// The page.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let who = r.learner.as_deref().unwrap_or("you");
    let _ = writeln!(out, "# Interview readiness: {who}\n");
    let solo: Vec<&KataReport> = r.katas.iter().filter(|k| unaided(k)).collect();
    let _ = writeln!(
        out,
        "{}/{} katas green; {} solved unaided (no hint, no solution shown before green). \
         Times run from the first edit of the kata file to its first green.",
        r.green,
        r.total,
        solo.len()
    );
    if r.history.incomplete() {
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
        format!(
            "- **{}**: {} (strength {:.0} %)\n",
            c.concept,
            evidence(c),
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

    out.push_str("\n## Every concept, with its evidence\n\n");
    out.push_str("| concept | what it means | katas | solved unaided | median time unaided (from first edit) | green | hints |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for c in &r.concepts {
        let katas = if c.katas == 1 {
            "1 (one kata only)".to_string()
        } else {
            c.katas.to_string()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {katas} | {} | {} | {} | {} |",
            c.concept,
            c.description,
            c.unaided,
            c.unaided_median_secs.map_or("–".into(), duration),
            c.passed,
            c.hints
        );
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
            let visible_only = e.visible_only();
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

/// `YYYY-MM-DD HH:MM` of Unix seconds (UTC).
pub fn utc(secs: u64) -> String {
    crate::learn::timestamp::utc_minutes(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concept_s_evidence_counts_its_katas_and_says_when_one_kata_is_all_there_is() {
        let concept = |katas| ConceptReport {
            concept: "sums".into(),
            description: "Adding up".into(),
            katas,
            passed: 1,
            unaided: 1,
            unaided_median_secs: Some(300),
            median_time_to_green_secs: Some(300),
            hints: 0,
        };
        let two = evidence(&concept(2));
        assert!(two.starts_with("1 of 2 katas solved unaided"), "{two}");
        assert!(two.contains("from first edit"), "{two}");
        assert!(!two.contains("one kata"), "{two}");
        assert!(evidence(&concept(1)).contains("backed by one kata only"));
    }

    #[test]
    fn unix_seconds_read_as_a_utc_date() {
        assert_eq!(utc(0), "1970-01-01 00:00");
        assert_eq!(utc(1_795_578_903), "2026-11-25 03:55");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00");
    }
}
