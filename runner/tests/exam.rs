//! `cargo kata exam`: katas under a clock, no hints or solutions, held-out cases at the end.

mod common;

use common::Fixture;

const CARGO: &str = "[package]\nname = \"PKG\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[features]\none-kata = []\nall-tests = []\nadd = []\ndouble = []\nheld-out = []\n\n[dependencies]\n";

// `add`'s held-out case is the fixture's own (tests/common): 1000 + 2000.

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

/// Green, and not the reference solution.
const ADD_MINE: &str = "pub fn add(a: u32, b: u32) -> u32 {\n    b + a\n}\n";

/// Does not compile.
const ADD_BROKEN: &str = "pub fn add(a: u32, b: u32) -> u32 {\n    a +\n}\n";

/// Moves the running exam's start `minutes` into the past: its deadline passes sooner.
fn move_exam_start_back(f: &Fixture, minutes: u64) {
    let mut exam: serde_json::Value = serde_json::from_str(&f.read(".kata/exam.json")).unwrap();
    let started = exam["started_at"].as_u64().unwrap();
    exam["started_at"] = (started - minutes * 60).into();
    f.write(".kata/exam.json", &exam.to_string());
}

fn exam_fixture(name: &str) -> Fixture {
    let f = Fixture::new(name);
    for (dir, pkg) in [("katas", "kata"), ("solutions", "solution")] {
        f.write(
            &format!("{dir}/s1-demo/Cargo.toml"),
            &CARGO.replace("PKG", &format!("{pkg}-s1-demo")),
        );
    }
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
    start.expect(0, &["Exam started: 2 katas, 20 min 00 s"]);
    assert!(
        start.stdout.contains("s1-demo/add") && start.stdout.contains("s1-demo/double"),
        "{start:?}"
    );

    let hint = f.kata(&["hint", "add"]);
    assert!(hint.stdout.contains("no hints during an exam"), "{hint:?}");
    let peek = f.kata(&["solution", "add", "--peek"]);
    peek.expect_stderr(1, &["no solutions during an exam"]);
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
    end.expect(
        0,
        &[
            "| s1-demo/add | 3/3 | 0/1 | no: passed only the visible tests |",
            "| s1-demo/double | 3/3 | 1/1 | yes |",
            "score: 1/2 katas",
        ],
    );

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
    start.expect(0, &["Exam started: 1 kata,"]);
    assert!(!start.stdout.contains("s1-demo/add"), "{start:?}");
    let unknown = f.kata(&["exam", "--finish"]);
    assert_eq!(unknown.code, 0);
    let none = f.kata(&["exam", "--suite", "nope"]);
    none.expect(2, &[]);
}

#[test]
fn a_kata_solved_as_the_reference_solves_it_counts_with_no_copying_verdict() {
    let f = exam_fixture("exam-like-the-reference");
    let start = f.kata(&["exam", "--suite", "s1-demo", "--count", "2"]);
    start.expect(0, &[]);
    let add = f
        .read("katas/s1-demo/src/add.rs")
        .replace("todo!(\"add {a} and {b}\")", "a + b");
    f.write("katas/s1-demo/src/add.rs", &add);
    let end = f.kata(&["exam", "--finish"]);
    assert!(
        end.stdout.contains("| s1-demo/add | 3/3 | 1/1 | yes |"),
        "written without looking, the natural answer is the reference: it counts; {end:?}"
    );
    assert!(!end.stdout.contains("reference solution"), "{end:?}");
    assert!(end.stdout.contains("score: 1/2"), "{end:?}");
}

#[test]
fn a_refused_hint_during_an_exam_exits_1() {
    let f = exam_fixture("exam-refuse-hint");
    assert_eq!(f.kata(&["exam", "--count", "2"]).code, 0);
    let hint = f.kata(&["hint", "add"]);
    hint.expect(1, &["no hints during an exam"]);
    let unnamed = f.kata(&["hint"]);
    unnamed.expect(1, &[]);
}

#[test]
fn a_refused_solution_during_an_exam_exits_1_even_with_peek() {
    let f = exam_fixture("exam-refuse-solution");
    assert_eq!(f.kata(&["exam", "--count", "2"]).code, 0);
    for args in [&["solution", "add"][..], &["solution", "add", "--peek"]] {
        let solution = f.kata(args);
        solution.expect_stderr(1, &["no solutions during an exam"]);
        assert!(!solution.stdout.contains("a + b"), "{solution:?}");
    }
}

#[test]
fn the_start_message_names_the_katas_with_and_without_held_out_cases() {
    // The fixture's `add` has a held-out case; its `double` has none.
    let f = Fixture::new("exam-held-out-named");
    let start = f.kata(&["exam", "--count", "2"]);
    start.expect(0, &["  s1-demo/add  (katas/s1-demo/src/add.rs)  visible tests and held-out cases\n", "  s1-demo/double  (katas/s1-demo/src/double.rs)  no held-out cases: judged on the visible tests only\n", "for the katas marked so below"]);
}

#[test]
fn a_check_of_an_exam_kata_after_the_deadline_says_it_is_after_the_exam() {
    let f = exam_fixture("exam-late-check");
    assert_eq!(f.kata(&["exam", "--count", "2", "--minutes", "20"]).code, 0);
    move_exam_start_back(&f, 30);
    f.write("katas/s1-demo/src/add.rs", ADD_MINE);
    let check = f.kata(&["check", "add"]);
    assert_eq!(check.code, 0, "still checked, as practice: {check:?}");
    assert!(
        check.stdout.contains("exam: ended at ")
            && check
                .stdout
                .contains("this check of s1-demo/add is after the exam"),
        "{check:?}"
    );
    let json = f.kata(&["check", "add", "--json"]);
    assert!(
        json.stderr.contains("is after the exam"),
        "said on stderr: {json:?}"
    );
    serde_json::from_str::<serde_json::Value>(&json.stdout).expect("stdout stays JSON");
}

#[test]
fn an_exam_kata_made_green_after_the_deadline_is_judged_on_its_stub() {
    let f = exam_fixture("exam-green-too-late");
    assert_eq!(f.kata(&["exam", "--count", "2", "--minutes", "20"]).code, 0);
    move_exam_start_back(&f, 30);
    f.write("katas/s1-demo/src/add.rs", ADD_MINE);
    assert_eq!(f.kata(&["check", "add"]).code, 0, "green, after the exam");
    let end = f.kata(&["exam", "--finish"]);
    end.expect(
        0,
        &[
            "| s1-demo/add | 0/3 | 0/1 | no |",
            "s1-demo/add (the pristine stub, so red: no check saw it before the deadline)",
            "edits after the deadline did not count",
            "score: 0/2",
        ],
    );
    assert!(
        end.stdout.contains("20 min 00 s used of 20 min 00 s"),
        "the exam ended at its deadline: {end:?}"
    );
    assert_eq!(
        f.read("katas/s1-demo/src/add.rs"),
        ADD_MINE,
        "the learner's file is put back"
    );
    let backups = std::fs::read_dir(f.root.join(".kata/backups/s1-demo/add"))
        .expect("the learner's file was saved first")
        .count();
    assert_eq!(backups, 1);
}

#[test]
fn an_exam_kata_green_before_the_deadline_and_broken_after_it_stays_green() {
    let f = exam_fixture("exam-broken-too-late");
    assert_eq!(f.kata(&["exam", "--count", "2", "--minutes", "20"]).code, 0);
    f.write("katas/s1-demo/src/add.rs", ADD_MINE);
    assert_eq!(f.kata(&["check", "add"]).code, 0);
    assert_eq!(
        f.read(".kata/exam/s1-demo/add.rs"),
        ADD_MINE,
        "the check kept it"
    );
    move_exam_start_back(&f, 30);
    f.write("katas/s1-demo/src/add.rs", ADD_BROKEN);
    assert_eq!(f.kata(&["check", "add"]).code, 1, "broken, after the exam");
    let end = f.kata(&["exam", "--finish"]);
    end.expect(
        0,
        &[
            "| s1-demo/add | 3/3 | 1/1 | yes |",
            "s1-demo/add (the last version checked before the deadline)",
        ],
    );
    assert!(
        !end.stdout.contains("s1-demo/double ("),
        "double did not change after the deadline: {end:?}"
    );
    assert!(end.stdout.contains("score: 1/2"), "{end:?}");
    assert_eq!(
        f.read("katas/s1-demo/src/add.rs"),
        ADD_BROKEN,
        "the learner's file is put back"
    );
    assert!(
        !f.root.join(".kata/exam").exists(),
        "the checked copies go with the exam"
    );
}
