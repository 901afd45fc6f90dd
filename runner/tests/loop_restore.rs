//! `cargo kata restore` brings back what `reset` saved, after saving the current file
//! (issue 14).

mod common;

use common::Fixture;

const MINE: &str = "pub fn add(a: u32, b: u32) -> u32 {\n    a + b // mine\n}\n";

#[test]
fn restore_brings_back_the_file_reset_saved_and_backs_up_the_stub_first() {
    let f = Fixture::new("restore-after-reset");
    f.write("katas/s1-demo/src/add.rs", MINE);
    let reset = f.kata(&["reset", "add"]);
    reset.expect(0, &[]);
    assert_eq!(f.read("katas/s1-demo/src/add.rs"), common::ADD_STUB);

    let list = f.kata(&["restore", "add", "--list"]);
    list.expect(0, &["(3 lines)"]);

    let restore = f.kata(&["restore", "add"]);
    restore.expect(0, &[]);
    assert_eq!(f.read("katas/s1-demo/src/add.rs"), MINE, "{restore:?}");
    assert!(
        restore
            .stdout
            .contains("The file it replaced was saved to .kata/backups/s1-demo/add/"),
        "{restore:?}"
    );
    let after = f.kata(&["restore", "add", "--list"]);
    assert_eq!(after.stdout.matches(".rs  (").count(), 2, "{after:?}");
}

#[test]
fn restore_without_backups_or_with_an_unknown_name_says_so_and_changes_nothing() {
    let f = Fixture::new("restore-errors");
    let none = f.kata(&["restore", "add"]);
    none.expect_stderr(2, &["has no backups"]);
    f.write("katas/s1-demo/src/add.rs", MINE);
    assert_eq!(f.kata(&["reset", "add"]).code, 0);
    let unknown = f.kata(&["restore", "add", "1999-01-01"]);
    unknown.expect_stderr(2, &["no backup named `1999-01-01`"]);
    assert_eq!(f.read("katas/s1-demo/src/add.rs"), common::ADD_STUB);
}
