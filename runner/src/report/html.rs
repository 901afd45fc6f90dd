//! The cohort as one self-contained HTML page: a heatmap of learners × katas coloured by
//! status, each cell's details in its `title` (shown on hover), a per-concept table. No
//! script, no external asset: it opens from a file with no server.

use std::fmt::Write;

use super::cohort::{Cohort, Learner};
use super::{KataReport, Record};
use crate::domain::Status;
use crate::render::duration;

/// Text safe inside an element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.1em; margin: 1.5em 0 .5em; }
p.meta { color: #555; margin: 0 0 1em; }
table { border-collapse: collapse; }
table.heat th, table.heat td { border: 1px solid #fff; }
table.heat th.suite { background: #eef; font-weight: 600; text-align: left; padding: 2px 6px; white-space: nowrap; }
table.heat th.kata { vertical-align: bottom; padding: 4px 0; height: 11em; }
table.heat th.kata span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: 400; }
table.heat th.learner { text-align: right; padding: 0 8px; white-space: nowrap; }
div.scroll { overflow-x: auto; max-width: 100%; }
table.heat th.learner { position: sticky; left: 0; background: #fff; z-index: 1; }
table.heat td { width: 18px; min-width: 18px; height: 22px; text-align: center; font-size: 11px; font-weight: 700; color: #fff; }
table.heat td.total { color: #222; font-weight: 400; padding: 0 8px; width: auto; white-space: nowrap; text-align: right; }
details { margin-top: .8em; }
summary { cursor: pointer; color: #444; }
td.green { background: #2e9e44; }
td.red { background: #d64541; }
td.does_not_compile { background: #e08e0b; }
td.not_started { background: #e4e4e4; color: #888; }
td.missing { background: repeating-linear-gradient(45deg, #fff, #fff 3px, #ccc 3px, #ccc 5px); }
table.concepts th, table.concepts td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; color: #fff; font-size: 12px; }
.legend span.not_started { color: #555; }
.legend span.missing { color: #333; }
";

fn status_class(k: Option<&KataReport>) -> &'static str {
    match k.map(|k| k.status) {
        Some(Status::Green) => "green",
        Some(Status::Red) => "red",
        Some(Status::DoesNotCompile) => "does_not_compile",
        Some(Status::NotStarted) => "not_started",
        Some(Status::NotCurrent) => "not_started",
        Some(Status::TestsModified) => "red",
        None => "missing",
    }
}

/// The cell's mark: what a colour alone cannot say.
fn mark(k: Option<&KataReport>) -> &'static str {
    match k {
        Some(k) if k.solution_peeked => "p",
        Some(k) if k.stuck => "!",
        Some(k) if k.status == Status::Green && k.hints_used == 0 => "",
        Some(k) if k.hints_used > 0 => "h",
        _ => "",
    }
}

/// The hover text of a cell.
fn details(l: &Learner, id: &str, k: Option<&KataReport>) -> String {
    let Some(k) = k else {
        return format!("{} · {id}: not in this learner's curriculum", l.name);
    };
    let mut parts = vec![format!("{} · {id}: {}", l.name, k.status.label())];
    if k.tests_total > 0 {
        parts.push(format!("{}/{} tests", k.tests_passed, k.tests_total));
    }
    parts.push(format!("{} checks", k.checks));
    if let Some(t) = k.time_to_green_secs {
        parts.push(format!("{} from first edit to green", duration(t)));
    }
    parts.push(format!("{} hints", k.hints_used));
    if k.solution_peeked {
        parts.push("solution shown before green".into());
    }
    if k.stuck {
        parts.push("stuck".into());
    }
    if let Some(s) = k.similarity {
        parts.push(s.describe());
    }
    if k.record == Record::SinceRebuild {
        parts.push("counts since the history was rebuilt".into());
    }
    parts.join(", ")
}

/// The whole page.
pub fn render(c: &Cohort) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<title>Kata cohort</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    let _ = writeln!(
        out,
        "<h1>Kata cohort</h1>\n<p class=\"meta\">{} learners, {} katas. Hover a cell for its details.</p>",
        c.learners.len(),
        c.katas.len()
    );
    out.push_str("<p class=\"legend\"><span class=\"green\" style=\"background:#2e9e44\">green</span><span class=\"red\" style=\"background:#d64541\">red</span><span class=\"does_not_compile\" style=\"background:#e08e0b\">does not compile</span><span class=\"not_started\" style=\"background:#e4e4e4\">not started</span><span class=\"missing\" style=\"background:repeating-linear-gradient(45deg,#fff,#fff 3px,#ccc 3px,#ccc 5px)\">not in the curriculum</span> marks: <b>h</b> hints, <b>!</b> stuck, <b>p</b> solution shown before green, <b>*</b> history rebuilt or no record (counts unknown); last exam <b>2/3!</b>: a kata passed only the visible tests</p>\n");

    // Suite header row: consecutive katas of one suite share a cell.
    out.push_str(
        "<div class=\"scroll\">\n<table class=\"heat\">\n<thead>\n<tr><th></th><th></th><th></th>",
    );
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for id in &c.katas {
        let suite = id.split_once('/').map_or(id.as_str(), |(s, _)| s);
        match groups.last_mut() {
            Some((s, n)) if *s == suite => *n += 1,
            _ => groups.push((suite, 1)),
        }
    }
    for (suite, n) in &groups {
        let _ = write!(
            out,
            "<th class=\"suite\" colspan=\"{n}\">{}</th>",
            escape(suite)
        );
    }
    out.push_str("</tr>\n<tr><th></th><th class=\"kata\"><span>green</span></th><th class=\"kata\"><span>last exam</span></th>");
    for id in &c.katas {
        let kata = id.split_once('/').map_or(id.as_str(), |(_, k)| k);
        let _ = write!(
            out,
            "<th class=\"kata\" title=\"{}\"><span>{}</span></th>",
            escape(id),
            escape(kata)
        );
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for l in &c.learners {
        let _ = write!(
            out,
            "<tr><th class=\"learner\" title=\"{}\">{}</th>",
            escape(&l.file.display().to_string()),
            escape(&l.name)
        );
        let _ = write!(
            out,
            "<td class=\"total\"{}>{}/{}{}</td>",
            if l.report.history.no_record {
                " title=\"no progress record (a fresh clone or CI): checks, hints and times unknown\""
            } else if !l.report.history.record_edited.is_empty() {
                " title=\"record edited: counts from the edited event on are unknown\""
            } else if l.report.history.rebuilt {
                " title=\"history rebuilt after a corrupt progress file: counts before then are unknown\""
            } else {
                ""
            },
            l.report.green,
            l.report.total,
            if l.report.history.incomplete() {
                "*"
            } else {
                ""
            }
        );
        let _ = write!(out, "{}", exam_cell(l));
        for id in &c.katas {
            let k = c.cell(l, id);
            let _ = write!(
                out,
                "<td class=\"{}\" title=\"{}\">{}</td>",
                status_class(k),
                escape(&details(l, id, k)),
                mark(k)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");

    // Concepts × learners: green / katas. Concepts several katas teach come first; those
    // of a single kata (most of them) are folded away.
    let mut concepts: Vec<(String, usize)> = Vec::new();
    for l in &c.learners {
        for x in &l.report.concepts {
            match concepts.iter_mut().find(|(name, _)| *name == x.concept) {
                Some((_, n)) => *n = (*n).max(x.katas),
                None => concepts.push((x.concept.clone(), x.katas)),
            }
        }
    }
    concepts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let (shared, single): (Vec<_>, Vec<_>) = concepts.into_iter().partition(|(_, n)| *n > 1);
    if !shared.is_empty() || !single.is_empty() {
        out.push_str(
            "<h2>Concepts (katas green / katas, median time from first edit to green)</h2>\n",
        );
        concept_table(&mut out, c, &shared);
        if !single.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>{} concepts taught by a single kata</summary>",
                single.len()
            );
            concept_table(&mut out, c, &single);
            out.push_str("</details>\n");
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A table of concepts (rows) × learners (columns).
fn concept_table(out: &mut String, c: &Cohort, concepts: &[(String, usize)]) {
    if concepts.is_empty() {
        return;
    }
    out.push_str("<table class=\"concepts\">\n<thead><tr><th>concept</th>");
    for l in &c.learners {
        let _ = write!(out, "<th>{}</th>", escape(&l.name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (concept, _) in concepts {
        let _ = write!(out, "<tr><td>{}</td>", escape(concept));
        for l in &c.learners {
            let cell = l
                .report
                .concepts
                .iter()
                .find(|x| &x.concept == concept)
                .map_or("–".to_string(), |x| {
                    let t = x
                        .median_time_to_green_secs
                        .map_or(String::new(), |t| format!(", {}", duration(t)));
                    format!("{}/{}{t}", x.passed, x.katas)
                });
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The learner's last exam: score, and in the hover which katas passed only the visible tests.
fn exam_cell(l: &Learner) -> String {
    let Some(e) = l.report.exams.last() else {
        return "<td class=\"total\" title=\"no exam yet\">–</td>".to_string();
    };
    let visible_only = e.visible_only();
    let mut title = format!(
        "{} exams; the last: {}/{} katas green on the visible and held-out tests, nothing peeked, {} used of {}",
        l.report.exams.len(),
        e.score,
        e.total,
        duration(e.secs_used),
        duration(u64::from(e.minutes) * 60)
    );
    if !visible_only.is_empty() {
        title.push_str(&format!(
            "; passed only the visible tests: {}",
            visible_only.join(", ")
        ));
    }
    format!(
        "<td class=\"total\" title=\"{}\">{}/{}{}</td>",
        escape(&title),
        e.score,
        e.total,
        if visible_only.is_empty() { "" } else { "!" }
    )
}
