//! `cargo kata cohort`: learners' snapshots merged into a table and an HTML heatmap.

mod common;

use std::path::Path;

use common::{ADD_SOLUTION, Fixture, kata_in};

/// A snapshot of another learner on another version of the curriculum: it has a kata the
/// fixture lacks (`s2-more/extra`) and lacks the fixture's `double`.
const OTHER: &str = r#"{
  "schema_version": 2, "learner": "Bo <b>", "generated_at": 1795578999, "plan": null,
  "history": { "rebuilt": true, "rebuilt_at": 1795578000, "set_aside": ["progress.json.corrupt-1795578000-1"] },
  "katas": [
    { "id": "s1-demo/add", "title": "Adding numbers", "concepts": ["addition"], "status": "red",
      "tests_passed": 1, "tests_total": 3, "checks": 9, "practice_checks": 0,
      "time_to_green_secs": null, "hints_used": 2, "solution_peeked": false, "stuck": true,
      "similarity": null, "record": "full" },
    { "id": "s2-more/extra", "title": "Extra", "concepts": [], "status": "green",
      "tests_passed": 4, "tests_total": 4, "checks": 2, "practice_checks": 0,
      "time_to_green_secs": 95, "hints_used": 0, "solution_peeked": true, "stuck": false,
      "similarity": null, "record": "full" }
  ],
  "concepts": [ { "concept": "addition", "katas": 1, "passed": 0, "median_time_to_green_secs": null, "hints": 2 } ],
  "green": 1, "total": 2
}"#;

/// A minimal HTML reader: checks that every non-void element is closed in order and returns
/// the tags with their attributes, in document order.
fn parse_tags(html: &str) -> Vec<(String, String)> {
    const VOID: [&str; 4] = ["meta", "br", "link", "img"];
    let mut tags = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("every tag is closed by >");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced </{name}>");
            continue;
        }
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if name == "style" {
            let close = rest.find("</style>").unwrap();
            rest = &rest[close + "</style>".len()..];
            tags.push((name.to_string(), attrs.to_string()));
            continue;
        }
        if !VOID.contains(&name) {
            stack.push(name.to_string());
        }
        tags.push((name.to_string(), attrs.to_string()));
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    tags
}

#[test]
fn snapshots_of_different_curricula_merge_into_a_heatmap_of_every_kata() {
    let f = Fixture::new("cohort");
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    assert_eq!(f.kata(&["check", "add"]).code, 0);
    let mine = f.kata(&["report", "--json"]);
    mine.expect(0, &[]);
    let dir = f.root.join("snapshots-in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ada.json"),
        mine.stdout
            .replace("\"learner\": \"fixture\"", "\"learner\": \"Ada\""),
    )
    .unwrap();
    std::fs::write(dir.join("bo.json"), OTHER).unwrap();

    let run = kata_in(
        &dir,
        &["cohort", "ada.json", "bo.json", "--html", "cohort.html"],
    );
    run.expect(0, &["# Cohort: 2 learners, 3 katas"]);
    // Bo's only green on `extra` came with the solution shown before green: that is not a
    // time to solve it, so the kata has no median.
    assert!(
        run.stdout
            .contains("| s2-more/extra | 1 | 0 | 0 | 0 | 0 | 1 | – |"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("| s1-demo/add | 1 | 1 | 0 | 0 | 0 | 0 |"),
        "{run:?}"
    );

    let html = std::fs::read_to_string(dir.join("cohort.html")).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("<script"),
        "self-contained, no script"
    );
    assert!(html.contains("Bo &lt;b&gt;"), "names are escaped");
    let tags = parse_tags(&html);
    let heat_start = tags
        .iter()
        .position(|(n, a)| n == "table" && a.contains("heat"))
        .unwrap();
    let body_start = heat_start
        + tags[heat_start..]
            .iter()
            .position(|(n, _)| n == "tbody")
            .unwrap();
    let body_end = body_start
        + tags[body_start..]
            .iter()
            .position(|(n, _)| n == "table")
            .unwrap_or(tags.len() - body_start);
    let body = &tags[body_start..body_end];
    let rows: Vec<usize> = body
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n == "tr")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(rows.len(), 2, "one row per learner");
    for (r, &start) in rows.iter().enumerate() {
        let end = rows.get(r + 1).copied().unwrap_or(body.len());
        let cells = body[start..end].iter().filter(|(n, _)| n == "td").count();
        assert_eq!(
            cells,
            3 + 2,
            "a cell per kata, the green count and the last exam"
        );
    }
    let cell = |class: &str| {
        body.iter()
            .filter(|(n, a)| n == "td" && a.contains(&format!("class=\"{class}\"")))
            .collect::<Vec<_>>()
    };
    assert_eq!(cell("green").len(), 2, "Ada's add and Bo's extra");
    assert_eq!(cell("missing").len(), 2, "Ada lacks extra, Bo lacks double");
    assert!(
        cell("missing")
            .iter()
            .all(|(_, a)| a.contains("not in this learner&#39;s curriculum")),
        "{:?}",
        cell("missing")
    );
    assert!(
        cell("red")[0].1.contains("stuck"),
        "the hover says what the colour cannot"
    );
}

#[test]
fn a_file_that_is_not_a_snapshot_is_refused_by_name() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cohort-bad");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("list.json"), "{\"suites\": []}").unwrap();
    std::fs::write(dir.join("future.json"), "{\"schema_version\": 99}").unwrap();
    let run = kata_in(&dir, &["cohort", "list.json"]);
    run.expect_stderr(2, &["list.json: no schema_version"]);
    let run = kata_in(&dir, &["cohort", "future.json"]);
    assert!(
        run.stderr
            .contains("future.json: schema_version 99, this runner reads 2"),
        "{run:?}"
    );
}

/// Issue 32, item 3: a snapshot whose kata had its tests modified shows it in the cohort, in
/// the kata's row and in the learner's notes, never as green.
#[test]
fn a_kata_with_modified_tests_shows_as_not_counted_in_the_cohort() {
    let dir = std::env::temp_dir().join(format!("kata-cohort-modified-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bo.json"),
        OTHER.replace("\"status\": \"green\"", "\"status\": \"tests_modified\""),
    )
    .unwrap();
    let run = kata_in(&dir, &["cohort", "bo.json"]);
    let _ = std::fs::remove_dir_all(&dir);
    run.expect(
        0,
        &[
            "| s2-more/extra | 0 | 0 | 0 | 0 | 1 |",
            "1 katas with tests modified — not counted",
        ],
    );
}
