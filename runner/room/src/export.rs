//! The room as the runner's cohort outputs (`kata_runner::report::cohort` and `html`): the
//! latest snapshot of every learner who is not revoked, under the name they joined with.
//!
//! A snapshot only has to be a JSON object with `schema_version` 2 and a `katas` array to be
//! stored; fields the runner's report always writes but a snapshot lacks get the runner's
//! empty values here (no title, no concepts, a full record), so every stored snapshot is in
//! the export. One that still does not read as a report is left out and named.

use std::path::PathBuf;

use kata_runner::report::cohort::Cohort;
use kata_runner::report::{Report, html};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::state::Room;

/// The cohort and the learners left out (name, why).
pub fn cohort(room: &Room) -> (Cohort, Vec<(String, String)>) {
    let mut reports = Vec::new();
    let mut left_out = Vec::new();
    for l in room.learners.iter().filter(|l| !l.revoked) {
        let Some(latest) = &l.latest else { continue };
        match report(&latest.body, &l.name, latest.received_at) {
            Ok(r) => reports.push((PathBuf::from(format!("{}.json", l.name)), r)),
            Err(e) => left_out.push((l.name.clone(), e)),
        }
    }
    (Cohort::merge(reports), left_out)
}

/// One stored body as the runner's report, named `name`.
pub fn report(body: &str, name: &str, received_at: u64) -> Result<Report, String> {
    let mut value: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let Some(top) = value.as_object_mut() else {
        return Err("not a JSON object".into());
    };
    top.insert("learner".into(), Value::String(name.to_string()));
    let mut green = 0;
    let mut total = 0;
    if let Some(Value::Array(katas)) = top.get_mut("katas") {
        for k in katas.iter_mut() {
            let Some(k) = k.as_object_mut() else { continue };
            let id = k
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let title = id
                .split_once('/')
                .map_or(id.as_str(), |(_, t)| t)
                .to_string();
            fill(
                k,
                &[
                    ("title", json!(title)),
                    ("concepts", json!([])),
                    ("status", json!("not_started")),
                    ("tests_passed", json!(0)),
                    ("tests_total", json!(0)),
                    ("checks", json!(0)),
                    ("practice_checks", json!(0)),
                    ("time_to_green_secs", Value::Null),
                    ("hints_used", json!(0)),
                    ("solution_peeked", json!(false)),
                    ("stuck", json!(false)),
                    ("record", json!("full")),
                ],
            );
            total += 1;
            if k.get("status").and_then(Value::as_str) == Some("green") {
                green += 1;
            }
        }
    }
    fill(
        top,
        &[
            ("generated_at", json!(received_at)),
            ("plan", Value::Null),
            (
                "history",
                json!({"rebuilt": false, "rebuilt_at": null, "set_aside": []}),
            ),
            ("concepts", json!([])),
            ("green", json!(green)),
            ("total", json!(total)),
        ],
    );
    serde_json::from_value(value).map_err(|e| e.to_string())
}

fn fill(object: &mut Map<String, Value>, defaults: &[(&str, Value)]) {
    for (key, value) in defaults {
        if !object.contains_key(*key) {
            object.insert((*key).to_string(), value.clone());
        }
    }
}

/// `GET /api/export/cohort.html`: the runner's heatmap page, with a line naming any learner
/// left out.
pub fn html(room: &Room) -> String {
    let (c, left_out) = cohort(room);
    let mut page = html::render(&c);
    if !left_out.is_empty() {
        let note = left_out
            .iter()
            .map(|(name, why)| format!("{}: {}", html::escape(name), html::escape(why)))
            .collect::<Vec<_>>()
            .join("; ");
        page = page.replacen(
            "<body>\n",
            &format!("<body>\n<p class=\"meta\">Left out (their snapshot is not a report this server reads): {note}</p>\n"),
            1,
        );
    }
    page
}

#[derive(Serialize)]
struct JsonCohort<'a> {
    schema_version: u32,
    katas: &'a [String],
    learners: Vec<JsonLearner<'a>>,
    left_out: Vec<JsonLeftOut<'a>>,
}

#[derive(Serialize)]
struct JsonLearner<'a> {
    name: &'a str,
    snapshot: &'a Report,
}

#[derive(Serialize)]
struct JsonLeftOut<'a> {
    name: &'a str,
    why: &'a str,
}

/// `GET /api/export/cohort.json`: every kata id in first-seen order and every learner's
/// snapshot (the runner's report, `learner` set to their room name; save one as a file and
/// `cargo kata cohort` reads it).
pub fn json(room: &Room) -> String {
    let (c, left_out) = cohort(room);
    let doc = JsonCohort {
        schema_version: 1,
        katas: &c.katas,
        learners: c
            .learners
            .iter()
            .map(|l| JsonLearner {
                name: &l.name,
                snapshot: &l.report,
            })
            .collect(),
        left_out: left_out
            .iter()
            .map(|(name, why)| JsonLeftOut { name, why })
            .collect(),
    };
    serde_json::to_string(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_snapshot_becomes_a_report_under_the_room_name() {
        let r = report(
            r#"{"schema_version":2,"learner":"someone else","katas":[{"id":"s/a","status":"green"},{"id":"s/b"}]}"#,
            "ada",
            77,
        )
        .unwrap();
        assert_eq!(r.learner.as_deref(), Some("ada"));
        assert_eq!(r.green, 1);
        assert_eq!(r.total, 2);
        assert_eq!(r.generated_at, 77);
        assert_eq!(r.katas[1].title, "b");
    }

    #[test]
    fn an_unknown_status_is_left_out_with_the_reason() {
        let e = report(
            r#"{"schema_version":2,"katas":[{"id":"s/a","status":"purple"}]}"#,
            "ada",
            0,
        )
        .unwrap_err();
        assert!(e.contains("purple"), "{e}");
    }
}
