//! `cargo kata cohort --from-artifacts <dir>`: GitHub Actions artifacts downloaded with
//! `gh run download` (folders or .zip files) as one row per learner.

mod common;

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use common::kata_in;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A snapshot as `cargo kata report --json` writes it: `learner` (or none), taken
/// `age_secs` ago, `green` of its two katas green.
fn snapshot(learner: Option<&str>, age_secs: u64, green: usize) -> String {
    let kata = |id: &str, is_green: bool| {
        serde_json::json!({
            "id": id, "title": id, "concepts": [], "status": if is_green { "green" } else { "red" },
            "tests_passed": if is_green { 3 } else { 1 }, "tests_total": 3, "checks": 2,
            "practice_checks": 0, "time_to_green_secs": null, "hints_used": 0,
            "solution_peeked": false, "stuck": false, "similarity": null, "record": "full"
        })
    };
    serde_json::json!({
        "schema_version": 2, "learner": learner, "generated_at": now() - age_secs, "plan": null,
        "history": {"rebuilt": false, "rebuilt_at": null, "set_aside": []},
        "katas": [kata("s1-demo/add", green >= 1), kata("s1-demo/double", green >= 2)],
        "concepts": [], "green": green, "total": 2
    })
    .to_string()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A zip as GitHub serves an artifact: the uploaded files, deflated.
fn write_zip(path: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// The table's row of `learner`.
fn rows_of<'a>(table: &'a str, learner: &str) -> Vec<&'a str> {
    let start = format!("| {learner} |");
    table.lines().filter(|l| l.starts_with(&start)).collect()
}

#[test]
fn two_snapshots_of_one_learner_are_one_row_the_newest_with_its_age() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Two runs downloaded side by side; the artifact also holds the workflow's points file.
    write(
        d,
        "run-1/kata-report-ada/kata-report.json",
        &snapshot(Some("ada"), 7200, 0),
    );
    write(
        d,
        "run-2/kata-report-ada/kata-report.json",
        &snapshot(Some("ada"), 180, 2),
    );
    write(
        d,
        "run-2/kata-report-ada/kata-points.json",
        r#"{"version":1,"tests":[]}"#,
    );
    write(
        d,
        "run-2/kata-report-bo/kata-report.json",
        &snapshot(None, 60, 1),
    );
    let r = kata_in(d, &["cohort", "--from-artifacts", "."]);
    r.expect(
        0,
        &["# Cohort: 2 learners", "| learner | snapshot age | green |"],
    );
    let ada = rows_of(&r.stdout, "ada");
    assert_eq!(ada.len(), 1, "one row per learner: {r:?}");
    assert!(
        ada[0].starts_with("| ada | 3 min"),
        "the newest, 3 min old: {ada:?}"
    );
    assert!(
        ada[0].contains("| 2/2 |"),
        "the newest snapshot's figures: {ada:?}"
    );
    let bo = rows_of(&r.stdout, "bo");
    assert_eq!(
        bo.len(),
        1,
        "a snapshot without a learner is its artifact's login: {r:?}"
    );
    assert!(bo[0].contains("| 1/2 |"), "{bo:?}");
    assert!(r.stderr.contains("read 3 snapshots"), "{r:?}");
    assert!(
        r.stderr
            .contains("1 older snapshot replaced by a newer one"),
        "{r:?}"
    );
    assert!(
        !r.stderr.contains("kata-points"),
        "the points file is no surprise: {r:?}"
    );
}

#[test]
fn zipped_and_unzipped_artifacts_are_both_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_zip(
        &d.join("kata-report-ada.zip"),
        &[
            ("kata-report.json", &snapshot(Some("ada"), 30, 2)),
            ("kata-points.json", "{}"),
        ],
    );
    write(
        d,
        "kata-report-bo/kata-report.json",
        &snapshot(Some("bo"), 90, 1),
    );
    let html = d.join("cohort.html");
    let r = kata_in(
        d,
        &[
            "cohort",
            "--from-artifacts",
            ".",
            "--html",
            html.to_str().unwrap(),
        ],
    );
    r.expect(0, &[]);
    assert!(rows_of(&r.stdout, "ada")[0].contains("| 2/2 |"), "{r:?}");
    assert!(rows_of(&r.stdout, "bo")[0].contains("| 1/2 |"), "{r:?}");
    let page = std::fs::read_to_string(html).unwrap();
    assert!(page.contains("ada") && page.contains("bo"), "{page}");
}

#[test]
fn a_zipped_snapshot_without_a_learner_takes_the_login_of_its_zip() {
    let dir = tempfile::tempdir().unwrap();
    write_zip(
        &dir.path().join("kata-report-cy.zip"),
        &[("kata-report.json", &snapshot(None, 10, 0))],
    );
    let r = kata_in(dir.path(), &["cohort", "--from-artifacts", "."]);
    r.expect(0, &[]);
    assert_eq!(rows_of(&r.stdout, "cy").len(), 1, "{r:?}");
}

#[test]
fn a_file_that_is_not_a_snapshot_is_skipped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "kata-report-ada/kata-report.json",
        &snapshot(Some("ada"), 10, 1),
    );
    write(d, "kata-report-bo/kata-report.json", "{ not json");
    write(d, "kata-report-cy.zip", "not a zip");
    let r = kata_in(d, &["cohort", "--from-artifacts", "."]);
    r.expect(0, &[]);
    assert_eq!(rows_of(&r.stdout, "ada").len(), 1, "{r:?}");
    assert!(
        r.stderr
            .contains("kata-report-bo/kata-report.json: not a report snapshot"),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("kata-report-cy.zip: not a readable zip"),
        "{r:?}"
    );
}

#[test]
fn a_folder_without_snapshots_is_an_error_that_names_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    let r = kata_in(dir.path(), &["cohort", "--from-artifacts", "."]);
    r.expect_stderr(2, &["kata-report-<login>/kata-report.json"]);
}
