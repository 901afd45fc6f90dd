//! `cargo kata exam`: katas under a clock, no hints or solutions, held-out cases at the end.

mod common;

use common::Fixture;

const CARGO: &str = "[package]\nname = \"PKG\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[features]\none-kata = []\nall-tests = []\nadd = []\ndouble = []\nheld-out = []\n\n[dependencies]\n";

const ADD_HELD_OUT: &str = r#"
#[cfg(feature = "held-out")]
mod held_out {
    use crate::add::add;

    #[test]
    fn adds_numbers_the_visible_tests_never_use() {
        assert_eq!(add(1000, 234), 1234, "1000 + 234 must be 1234");
    }
}
"#;

const DOUBLE_HELD_OUT: &str = r#"
#[cfg(feature = "held-out")]
mod held_out {
    #[test]
    fn the_exam_seed_reaches_the_tests() {
        let seed = std::env::var("PROPTEST_RNG_SEED").expect("the exam sets a seed");
        assert!(seed.parse::<u64>().is_ok(), "{seed}");
    }
}
"#;

/// Passes the three visible tests of `add`, and nothing else.
const ADD_FOR_THE_VISIBLE_TESTS: &str = "pub fn add(a: u32, b: u32) -> u32 {\n    match (a, b) {\n        (1, 2) => 3,\n        (0, 7) => 7,\n        (4, 5) | (5, 4) => 9,\n        _ => 0,\n    }\n}\n";

fn exam_fixture(name: &str) -> Fixture {
    let f = Fixture::new(name);
    for (dir, pkg) in [("katas", "kata"), ("solutions", "solution")] {
        f.write(
            &format!("{dir}/s1-demo/Cargo.toml"),
            &CARGO.replace("PKG", &format!("{pkg}-s1-demo")),
        );
    }
    let add = f.read("tests/s1-demo/add.rs");
    f.write("tests/s1-demo/add.rs", &(add + ADD_HELD_OUT));
    let double = f.read("tests/s1-demo/double.rs");
    f.write("tests/s1-demo/double.rs", &(double + DOUBLE_HELD_OUT));
    f.commit_as_author();
    f
}

#[test]
fn an_exam_refuses_hints_and_solutions_and_its_held_out_cases_catch_a_visible_only_answer() {
    let f = exam_fixture("exam-flow");
    let start = f.kata(&[
        "exam",
        "--suites",
        "s1-demo",
        "--count",
        "2",
        "--minutes",
        "20",
    ]);
    assert_eq!(start.code, 0, "{start:?}");
    assert!(
        start.stdout.contains("Exam started: 2 katas, 20 min 00 s"),
        "{start:?}"
    );
    assert!(
        start.stdout.contains("s1-demo/add") && start.stdout.contains("s1-demo/double"),
        "{start:?}"
    );

    let hint = f.kata(&["hint", "add"]);
    assert!(hint.stdout.contains("no hints during an exam"), "{hint:?}");
    let peek = f.kata(&["solution", "add", "--peek"]);
    assert_eq!(peek.code, 1, "{peek:?}");
    assert!(
        peek.stderr.contains("no solutions during an exam"),
        "{peek:?}"
    );
    assert!(!peek.stdout.contains("a + b"), "{peek:?}");

    f.write("katas/s1-demo/src/add.rs", ADD_FOR_THE_VISIBLE_TESTS);
    f.write(
        "katas/s1-demo/src/double.rs",
        "pub fn double(x: u64) -> u64 {\n    x + x\n}\n",
    );
    let check = f.kata(&["check", "add", "--json"]);
    assert_eq!(check.code, 0, "green on the visible tests: {check:?}");
    assert!(
        !check.stdout.contains("held_out"),
        "a check never runs held-out cases: {check:?}"
    );

    let again = f.kata(&["exam"]);
    assert!(again.stdout.contains("left of 20 min 00 s"), "{again:?}");

    let end = f.kata(&["exam", "--finish"]);
    assert_eq!(end.code, 0, "{end:?}");
    assert!(
        end.stdout
            .contains("| s1-demo/add | 3/3 | 0/1 | no: passed only the visible tests |"),
        "{end:?}"
    );
    assert!(
        end.stdout.contains("| s1-demo/double | 3/3 | 1/1 | yes |"),
        "{end:?}"
    );
    assert!(end.stdout.contains("score: 1/2 katas"), "{end:?}");

    let history: serde_json::Value = serde_json::from_str(&f.read(".kata/exams.json")).unwrap();
    assert_eq!(history[0]["score"], 1);
    assert!(history[0]["seed"].is_u64());
    assert!(!f.root.join(".kata/exam.json").exists(), "the exam is over");
    let hint = f.kata(&["hint", "add"]);
    assert!(
        hint.stdout.contains("Look at the + operator."),
        "hints are back: {hint:?}"
    );
}

#[test]
fn an_exam_picks_no_kata_that_is_already_green() {
    let f = exam_fixture("exam-pick");
    f.write("katas/s1-demo/src/add.rs", common::ADD_SOLUTION);
    assert_eq!(f.kata(&["check", "add"]).code, 0);
    let start = f.kata(&["exam", "--count", "2"]);
    assert_eq!(start.code, 0, "{start:?}");
    assert!(start.stdout.contains("Exam started: 1 kata,"), "{start:?}");
    assert!(!start.stdout.contains("s1-demo/add"), "{start:?}");
    let unknown = f.kata(&["exam", "--finish"]);
    assert_eq!(unknown.code, 0);
    let none = f.kata(&["exam", "--suite", "nope"]);
    assert_eq!(none.code, 2, "{none:?}");
}

#[test]
fn a_kata_file_that_is_the_reference_solution_does_not_count() {
    let f = exam_fixture("exam-copied");
    let start = f.kata(&["exam", "--suite", "s1-demo", "--count", "2"]);
    assert_eq!(start.code, 0, "{start:?}");
    let add = f
        .read("katas/s1-demo/src/add.rs")
        .replace("todo!(\"add {a} and {b}\")", "a + b");
    f.write("katas/s1-demo/src/add.rs", &add);
    let end = f.kata(&["exam", "--finish"]);
    assert!(
        end.stdout
            .contains("| s1-demo/add | 3/3 | 1/1 | no (the file is the reference solution) |"),
        "{end:?}"
    );
    assert!(end.stdout.contains("score: 0/2"), "{end:?}");
}
