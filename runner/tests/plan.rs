//! `cargo kata plan` and `--plan`: a workshop plan restricts and orders the curriculum.

mod common;

use common::Fixture;

const ONLY_DOUBLE: &str =
    "title = \"Doubling only\"\n\n[[step]]\nkata = \"s1-demo/double\"\nminutes = 5\n";

#[test]
fn a_plan_flag_shows_only_the_planned_katas_in_list_and_the_overview() {
    let f = Fixture::new("plan-flag");
    f.write("workshop.toml", ONLY_DOUBLE);
    let list = f.kata(&["--plan", "workshop.toml", "list", "--json"]);
    list.expect(0, &[]);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["suites"][0]["katas"][0]["id"], "double");
    let overview = f.kata(&["--plan", "workshop.toml"]);
    assert!(overview.stdout.contains("double"), "{overview:?}");
    assert!(!overview.stdout.contains("add.rs"), "{overview:?}");
    let whole = f.kata(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&whole.stdout).unwrap();
    assert_eq!(v["total"], 2, "without the flag nothing is restricted");
}

#[test]
fn an_activated_plan_holds_until_it_is_turned_off_and_names_itself_in_the_report() {
    let f = Fixture::new("plan-active");
    f.write("workshop.toml", ONLY_DOUBLE);
    let on = f.kata(&["plan", "workshop.toml"]);
    on.expect(0, &["1. s1-demo/double  [5 min]"]);
    std::fs::remove_file(f.root.join("workshop.toml")).unwrap();
    let check = f.kata(&["check", "add"]);
    assert_eq!(
        check.code, 2,
        "a kata outside the plan is unknown: {check:?}"
    );
    let report = f.kata(&["report", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    assert_eq!(v["plan"], "Doubling only");
    assert_eq!(v["total"], 1);
    assert_eq!(v["katas"][0]["time_box_secs"], 300, "{v}");
    let shown = f.kata(&["plan"]);
    assert!(shown.stdout.contains("plan: Doubling only"), "{shown:?}");
    assert_eq!(f.kata(&["plan", "--off"]).code, 0);
    let v: serde_json::Value = serde_json::from_str(&f.kata(&["list", "--json"]).stdout).unwrap();
    assert_eq!(v["total"], 2);
}

#[test]
fn a_plan_naming_an_unknown_kata_is_refused_with_its_line_and_column() {
    let f = Fixture::new("plan-bad");
    f.write(
        "bad.toml",
        "title = \"Typo\"\n\n[[step]]\nkata = \"s1-demo/dubble\"\n",
    );
    let run = f.kata(&["plan", "bad.toml"]);
    run.expect_stderr(
        2,
        &["bad.toml:4:8: no kata or suite named `s1-demo/dubble`"],
    );
    assert!(
        !f.root.join(".kata/plan.toml").exists(),
        "a bad plan is never activated"
    );
}

#[test]
fn an_active_plan_the_curriculum_no_longer_has_says_how_to_turn_it_off() {
    let f = Fixture::new("plan-stale");
    f.write("workshop.toml", ONLY_DOUBLE);
    assert_eq!(f.kata(&["plan", "workshop.toml"]).code, 0);
    let manifest = f
        .read("katas.toml")
        .replace("id = \"double\"", "id = \"twice\"");
    f.write("katas.toml", &manifest);
    let list = f.kata(&["list"]);
    list.expect_stderr(
        2,
        &[
            "plan.toml:4:8: no kata or suite named `s1-demo/double`",
            "`cargo kata plan --off` stops following it",
        ],
    );
    assert_eq!(f.kata(&["plan", "--off"]).code, 0);
}
