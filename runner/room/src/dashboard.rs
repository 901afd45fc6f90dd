//! The dashboard at `/`: one self-contained page (inline CSS and script, nothing from the
//! network, so it works on a LAN without internet). The server draws the room into it when
//! `/?token=<facilitator token>` is given (a browser without JavaScript, or
//! `chromium --dump-dom`, sees the learners and the stuck list); the script then follows
//! `/api/events` and redraws the same markup from every room document. Every learner-supplied
//! string is escaped here and set as text by the script.

use std::fmt::Write;

use kata_runner::report::html::escape;

use crate::document::{CellDoc, Document, LearnerDoc};

const STYLE: &str = include_str!("dashboard.css");
const SCRIPT: &str = include_str!("dashboard.js");

/// The Content-Security-Policy of the page: its own inline style and script (by nonce), its
/// own server for the event stream, nothing else.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

const MARKS: [(&str, &str, &str); 6] = [
    ("green", "\u{2713}", "green"),
    ("red", "\u{2717}", "red"),
    ("does_not_compile", "\u{26a0}", "does not compile"),
    ("not_started", "\u{b7}", "not started"),
    ("not_current", "?", "not current"),
    ("tests_modified", "T", "tests modified \u{2014} not counted"),
];

/// Seconds as the page shows them.
pub fn duration(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

fn timed(out: &mut String, tag: &str, class: &str, kind: &str, secs: u64) {
    let text = if kind == "ago" {
        format!("{} ago", duration(secs))
    } else {
        duration(secs)
    };
    let _ = write!(
        out,
        "<{tag} class=\"{class}\" data-age=\"{secs}\" data-kind=\"{kind}\">{text}</{tag}>"
    );
}

fn suite_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(s, _)| s)
}

fn kata_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(_, k)| k)
}

fn status_class(status: &str) -> String {
    match MARKS.iter().find(|(s, _, _)| *s == status) {
        Some((s, _, _)) => format!("st-{s}"),
        None => "st-other".into(),
    }
}

fn cell_text(c: &CellDoc) -> String {
    let mut t = MARKS
        .iter()
        .find(|(s, _, _)| *s == c.status)
        .map_or("\u{2022}", |(_, m, _)| m)
        .to_string();
    if c.hints_used > 0 {
        let _ = write!(t, " h{}", c.hints_used);
    }
    if c.solution_peeked {
        t.push_str(" p");
    }
    t
}

fn cell_title(name: &str, id: &str, c: &CellDoc) -> String {
    let word = MARKS
        .iter()
        .find(|(s, _, _)| *s == c.status)
        .map_or(c.status.as_str(), |(_, _, w)| w);
    let mut parts = vec![format!("{name} \u{b7} {id}: {word}")];
    if c.tests_total > 0 {
        parts.push(format!("{}/{} tests", c.tests_passed, c.tests_total));
    }
    parts.push(format!("{} checks", c.checks));
    parts.push(format!("{} hints", c.hints_used));
    if c.solution_peeked {
        parts.push("solution shown before green".into());
    }
    if let Some(t) = c.time_to_green_secs {
        parts.push(format!("{} from first edit to green", duration(t)));
    }
    if let Some(t) = &c.failing_test {
        parts.push(format!("failing: {t}"));
    }
    parts.join(", ")
}

/// The page; `doc` drawn in when the facilitator token was given, `notice` shown on top.
pub fn page(doc: Option<&Document>, notice: &str, nonce: &str) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>Kata room</title>\n");
    let _ = write!(
        out,
        "<style nonce=\"{nonce}\">\n{STYLE}</style>\n</head>\n<body>\n"
    );
    let title = match doc.and_then(|d| d.plan.as_ref()) {
        Some(p) => format!("Kata room \u{b7} {}", escape(&p.title)),
        None => "Kata room".into(),
    };
    let _ = writeln!(out, "<header>\n<h1 id=\"title\">{title}</h1>");
    out.push_str("<p class=\"meta\"><span id=\"summary\">");
    if let Some(d) = doc {
        let active = d.learners.iter().filter(|l| !l.revoked).count();
        let _ = write!(
            out,
            "{active} learners \u{b7} {} katas \u{b7} {} stuck",
            d.katas.len(),
            d.stuck.len()
        );
    }
    out.push_str("</span> \u{b7} <span id=\"clock\">");
    if let Some(d) = doc {
        out.push_str("clock ");
        timed(
            &mut out,
            "span",
            "",
            "dur",
            d.generated_at.saturating_sub(d.started_at),
        );
    }
    out.push_str(
        "</span> \u{b7} <span id=\"conn\" class=\"conn\">drawn by the server</span></p>\n",
    );
    out.push_str("<p class=\"exports\">Export the cohort: <a id=\"export-html\" href=\"/api/export/cohort.html\">HTML heatmap</a> \u{b7} <a id=\"export-json\" href=\"/api/export/cohort.json\">JSON</a></p>\n");
    let _ = writeln!(
        out,
        "<p id=\"notice\" class=\"notice\">{}</p>\n</header>",
        escape(notice)
    );

    out.push_str("<section>\n<h2>Stuck</h2>\n<ol id=\"stuck\" class=\"stuck\">");
    if let Some(d) = doc {
        if d.stuck.is_empty() {
            out.push_str("<li class=\"none\">Nobody is stuck.</li>");
        }
        for s in &d.stuck {
            let _ = write!(
                out,
                "<li class=\"stuck-item\"><span class=\"who\">{}</span> on <span class=\"kata\">{}</span> for ",
                escape(&s.name),
                escape(&s.kata)
            );
            timed(&mut out, "span", "for", "dur", s.for_secs);
            let _ = write!(out, " \u{b7} {} checks", s.checks);
            if let Some(t) = &s.failing_test {
                let _ = write!(
                    out,
                    " \u{b7} failing <code class=\"failing\">{}</code>",
                    escape(t)
                );
            }
            let _ = write!(out, " <span class=\"why\">({})</span></li>", escape(s.why));
        }
    }
    out.push_str("</ol>\n</section>\n");

    out.push_str("<section>\n<h2>Learners \u{d7} katas</h2>\n<div class=\"scroll\"><table id=\"grid\" class=\"grid\">");
    if let Some(d) = doc {
        grid(&mut out, d);
    }
    out.push_str("</table></div>\n<p class=\"legend\">");
    for (status, mark, word) in MARKS.iter().filter(|(s, _, _)| *s != "not_current") {
        let _ = write!(out, "<span class=\"sw st-{status}\">{mark} {word}</span>");
    }
    out.push_str("<span class=\"sw st-missing\">\u{2013} not in the snapshot</span> <b>h2</b> hints taken, <b>p</b> solution shown before green, a black frame: stuck, a blue line: the kata the learner is on. Hover a cell for its details.</p>\n</section>\n");

    out.push_str("<section>\n<h2>Katas: how hard for the room</h2>\n<table id=\"difficulty\" class=\"list\">");
    if let Some(d) = doc {
        out.push_str("<thead><tr><th>kata</th><th>green</th><th></th><th>stuck</th><th>median time to green</th></tr></thead><tbody>");
        for k in &d.katas {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}/{}</td><td><meter min=\"0\" max=\"{}\" value=\"{}\"></meter></td><td>{}</td><td>{}</td></tr>",
                escape(&k.id),
                k.green,
                k.learners,
                k.learners.max(1),
                k.green,
                k.stuck,
                k.median_time_to_green_secs
                    .map_or("\u{2013}".into(), duration)
            );
        }
        out.push_str("</tbody>");
    }
    out.push_str("</table>\n</section>\n");

    let plan = doc.and_then(|d| d.plan.as_ref().map(|p| (d, p)));
    let _ = write!(
        out,
        "<section id=\"plan-section\"{}>\n<h2>The plan against the clock</h2>\n<p id=\"plan-clock\">",
        if plan.is_some() { "" } else { " hidden" }
    );
    if let Some((d, p)) = plan {
        let elapsed = d.generated_at.saturating_sub(d.started_at);
        let total: u64 = p.katas.iter().filter_map(|k| k.time_box_secs).sum();
        timed(&mut out, "span", "", "dur", elapsed);
        let _ = write!(
            out,
            " since the room started; the time boxes add up to {}{} <progress max=\"{}\" value=\"{}\"></progress>",
            duration(total),
            p.minutes.map_or(String::new(), |m| format!(
                " (session {})",
                duration(u64::from(m) * 60)
            )),
            total.max(1),
            elapsed.min(total)
        );
    }
    out.push_str("</p>\n<table id=\"timeline\" class=\"list\">");
    if let Some((d, p)) = plan {
        let elapsed = d.generated_at.saturating_sub(d.started_at);
        out.push_str("<thead><tr><th>kata</th><th>time box</th><th>by the clock</th><th>green</th><th></th></tr></thead><tbody>");
        let mut start = 0;
        for k in &p.katas {
            let b = k.time_box_secs.unwrap_or(0);
            let end = start + b;
            let state = match () {
                _ if b == 0 => "",
                _ if elapsed >= end => "done",
                _ if elapsed >= start => "now",
                _ => "next",
            };
            let (green, learners) = d
                .katas
                .iter()
                .find(|x| x.id == k.id)
                .map_or((0, 0), |x| (x.green, x.learners));
            let _ = write!(
                out,
                "<tr class=\"{state}\"><td>{}</td><td>{}</td><td>{}</td><td>{green}/{learners}</td><td>{}</td></tr>",
                escape(&k.id),
                if b > 0 {
                    duration(b)
                } else {
                    "\u{2013}".into()
                },
                if b > 0 {
                    let from = if start == 0 {
                        "0 min".into()
                    } else {
                        duration(start)
                    };
                    format!("+{from} \u{2013} +{}", duration(end))
                } else {
                    "\u{2013}".into()
                },
                if state == "now" {
                    "the room should be here"
                } else {
                    state
                }
            );
            start = end;
        }
        out.push_str("</tbody>");
    }
    out.push_str("</table>\n</section>\n");
    let _ = write!(
        out,
        "<script nonce=\"{nonce}\">\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}

/// The learners × katas table's head and body.
fn grid(out: &mut String, d: &Document) {
    let ids: Vec<&str> = d.katas.iter().map(|k| k.id.as_str()).collect();
    out.push_str("<thead><tr><th colspan=\"4\"></th>");
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for id in &ids {
        match groups.last_mut() {
            Some((s, n)) if *s == suite_of(id) => *n += 1,
            _ => groups.push((suite_of(id), 1)),
        }
    }
    for (suite, n) in groups {
        let _ = write!(
            out,
            "<th class=\"suite\" colspan=\"{n}\">{}</th>",
            escape(suite)
        );
    }
    out.push_str("</tr><tr><th class=\"col\">learner</th><th class=\"col\">last snapshot</th><th class=\"col\">on kata</th><th class=\"col\">green</th>");
    for id in &ids {
        let _ = write!(
            out,
            "<th class=\"kata\" title=\"{}\"><span>{}</span></th>",
            escape(id),
            escape(kata_of(id))
        );
    }
    out.push_str("</tr></thead><tbody>");
    for l in &d.learners {
        learner_row(out, d, &ids, l);
    }
    if d.learners.is_empty() {
        let _ = write!(
            out,
            "<tr><td class=\"info\" colspan=\"{}\">No learner has joined yet.</td></tr>",
            4 + ids.len()
        );
    }
    out.push_str("</tbody>");
}

fn learner_row(out: &mut String, d: &Document, ids: &[&str], l: &LearnerDoc) {
    let _ = write!(
        out,
        "<tr class=\"{}\"><th class=\"learner\">{}</th>",
        if l.revoked { "revoked" } else { "" },
        escape(&l.name)
    );
    match l.snapshot_age_secs {
        Some(age) => timed(out, "td", "info age", "ago", age),
        None => out.push_str("<td class=\"info age\">never</td>"),
    }
    let current = if l.revoked {
        "revoked".to_string()
    } else {
        l.current_kata.clone().unwrap_or_else(|| "\u{2013}".into())
    };
    let _ = write!(
        out,
        "<td class=\"info current\">{}</td><td class=\"info total\">{}/{}</td>",
        escape(&current),
        l.green,
        l.total
    );
    for id in ids {
        match l.katas.iter().find(|(k, _)| k == id) {
            None => {
                let _ = write!(
                    out,
                    "<td class=\"cell st-missing\" title=\"{}\">\u{2013}</td>",
                    escape(&format!("{} \u{b7} {id}: no snapshot of it", l.name))
                );
            }
            Some((_, c)) => {
                let mut class = format!("cell {}", status_class(&c.status));
                if d.stuck.iter().any(|s| s.name == l.name && s.kata == *id) {
                    class.push_str(" stuck");
                }
                if l.current_kata.as_deref() == Some(*id) {
                    class.push_str(" current");
                }
                let _ = write!(
                    out,
                    "<td class=\"{class}\" title=\"{}\">{}</td>",
                    escape(&cell_title(&l.name, id, c)),
                    escape(&cell_text(c))
                );
            }
        }
    }
    out.push_str("</tr>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_seconds_minutes_or_hours() {
        assert_eq!(duration(59), "59 s");
        assert_eq!(duration(61), "1 min");
        assert_eq!(duration(3 * 3600 + 5 * 60), "3 h 05 min");
    }

    #[test]
    fn without_a_document_the_page_is_the_shell_with_its_notice_escaped() {
        let p = page(None, "<b>open with #token=</b>", "n0nce");
        assert!(p.contains("&lt;b&gt;open with #token=&lt;/b&gt;"));
        assert!(p.contains("<script nonce=\"n0nce\">"));
        assert!(
            !p.contains("http://") && !p.contains("https://"),
            "nothing from the network"
        );
    }
}
