//! `solution`: hidden before green, shown after, and a peek is always recorded.

use std::fs;
use std::path::{Path, PathBuf};

use kata_runner::error::{RecordError, SolutionError};
use kata_runner::learn::solution::{Shown, SolutionRequest, show};

const LEARNER: &str = "pub fn double(x: i32) -> i32 {\n    x + x\n}\n";
const REFERENCE: &str = "pub fn double(x: i32) -> i32 {\n    x * 2\n}\n";

struct Files {
    _tmp: tempfile::TempDir,
    kata: PathBuf,
    solution: PathBuf,
}

fn files() -> Files {
    let tmp = tempfile::tempdir().unwrap();
    let kata = tmp.path().join("kata.rs");
    let solution = tmp.path().join("solution.rs");
    fs::write(&kata, LEARNER).unwrap();
    fs::write(&solution, REFERENCE).unwrap();
    Files {
        _tmp: tmp,
        kata,
        solution,
    }
}

fn request<'a>(f: &'a Files, green: bool, peek: bool, color: bool) -> SolutionRequest<'a> {
    SolutionRequest {
        kata_id: "double",
        kata_file: &f.kata,
        solution_file: &f.solution,
        green,
        peek,
        color,
    }
}

/// Runs `show`, returning the result, the output and the kata ids recorded as peeked.
fn run(req: SolutionRequest<'_>) -> (Result<Shown, SolutionError>, String, Vec<String>) {
    let mut peeks = Vec::new();
    let mut record = |id: &str| -> Result<(), RecordError> {
        peeks.push(id.to_owned());
        Ok(())
    };
    let mut out = Vec::new();
    let result = show(req, &mut record, &mut out);
    (result, String::from_utf8(out).unwrap(), peeks)
}

#[test]
fn before_green_it_refuses_and_suggests_a_hint() {
    let f = files();
    let (result, out, peeks) = run(request(&f, false, false, false));
    let err = result.unwrap_err();
    assert!(matches!(err, SolutionError::NotGreen { .. }), "{err:?}");
    assert_ne!(err.exit_code(), 0, "a refusal exits non-zero");
    assert!(
        err.to_string().contains("cargo kata hint double"),
        "the refusal points to the next hint: {err}"
    );
    assert!(out.is_empty(), "nothing of the solution is shown: {out}");
    assert!(peeks.is_empty(), "a refusal is not a peek");
}

#[test]
fn after_green_it_shows_the_solution_and_the_diff_without_recording_a_peek() {
    let f = files();
    let (result, out, peeks) = run(request(&f, true, false, false));
    assert_eq!(result.unwrap(), Shown::AfterGreen);
    assert!(
        out.contains(REFERENCE),
        "the reference solution is printed: {out}"
    );
    assert!(
        out.contains("-    x + x\n+    x * 2\n"),
        "the diff learner → reference: {out}"
    );
    assert!(!out.contains('\x1b'), "no colour when not asked: {out:?}");
    assert!(peeks.is_empty(), "solving first is not peeking");
}

#[test]
fn peeking_before_green_shows_it_and_records_the_peek_once() {
    let f = files();
    let (result, out, peeks) = run(request(&f, false, true, false));
    assert_eq!(result.unwrap(), Shown::Peeked);
    assert_eq!(
        peeks,
        ["double"],
        "self-assessment must know about the peek"
    );
    assert!(out.contains(REFERENCE), "{out}");
}

#[test]
fn peek_after_green_is_not_recorded() {
    let f = files();
    let (result, _, peeks) = run(request(&f, true, true, false));
    assert_eq!(result.unwrap(), Shown::AfterGreen);
    assert!(peeks.is_empty());
}

#[test]
fn a_peek_that_cannot_be_recorded_shows_nothing() {
    let f = files();
    let mut failing =
        |_: &str| -> Result<(), RecordError> { Err("progress.json is read-only".into()) };
    let mut out = Vec::new();
    let err = show(request(&f, false, true, false), &mut failing, &mut out).unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    assert!(
        out.is_empty(),
        "an unrecorded peek must not reveal the solution"
    );
}

#[test]
fn a_missing_solution_file_is_a_clear_error_and_no_peek() {
    let f = files();
    let missing = Path::new("/nonexistent/solution.rs");
    let req = SolutionRequest {
        solution_file: missing,
        ..request(&f, false, true, false)
    };
    let (result, _, peeks) = run(req);
    let err = result.unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/solution.rs"),
        "{err}"
    );
    assert!(peeks.is_empty(), "nothing was seen, so nothing is recorded");
}

#[test]
fn colour_is_used_only_when_asked() {
    let f = files();
    let (_, out, _) = run(request(&f, true, false, true));
    assert!(
        out.contains("\x1b[31m-    x + x"),
        "removed lines red: {out:?}"
    );
    assert!(
        out.contains("\x1b[32m+    x * 2"),
        "added lines green: {out:?}"
    );
}

#[test]
fn an_identical_file_says_so_instead_of_an_empty_diff() {
    let f = files();
    fs::write(&f.kata, REFERENCE).unwrap();
    let (_, out, _) = run(request(&f, true, false, false));
    assert!(out.contains("identical"), "{out}");
    assert!(!out.contains("@@"), "{out}");
}
