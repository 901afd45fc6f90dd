use crate::commit::*;

fn journal() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = super::temp_dir();
    let path = dir.path().join("journal.db");
    (dir, path)
}

#[test]
fn a_committed_batch_survives_reopening_the_file() {
    let (_dir, path) = journal();
    let seen = save_batch(&path, &["Arjuna enlists", "Karna enlists"], true);
    assert!(
        matches!(seen, Ok(2)),
        "save_batch returned {seen:?}, expected Ok(2)"
    );
    let after = count_entries(&path);
    assert!(
        matches!(after, Ok(2)),
        "a fresh connection counted {after:?}: a committed batch must be on disk"
    );
}

#[test]
fn an_uncommitted_batch_is_visible_inside_its_transaction() {
    let (_dir, path) = journal();
    let seen = save_batch(&path, &["one", "two", "three"], false);
    assert!(
        matches!(seen, Ok(3)),
        "inside the transaction the batch counted {seen:?}: a transaction sees its own writes"
    );
}

#[test]
fn an_uncommitted_batch_is_gone_after_reopening_the_file() {
    let (_dir, path) = journal();
    save_batch(&path, &["kept"], true).expect("the committed batch should save");
    save_batch(&path, &["lost", "also lost"], false).expect("the batch itself should run");
    let after = count_entries(&path);
    assert!(
        matches!(after, Ok(1)),
        "after an uncommitted batch a fresh connection counted {after:?}: dropping a \
         Transaction without commit() must roll it back, leaving only the 1 committed entry"
    );
}

#[test]
fn batches_accumulate_across_commits() {
    let (_dir, path) = journal();
    save_batch(&path, &["a", "b"], true).expect("first batch");
    let seen = save_batch(&path, &["c"], true);
    assert!(
        matches!(seen, Ok(3)),
        "the second batch saw {seen:?} rows: it must see the 2 earlier rows plus its own"
    );
    assert!(
        matches!(count_entries(&path), Ok(3)),
        "3 committed entries must be on disk"
    );
}

#[test]
fn an_empty_batch_commits_nothing_and_counts_what_is_there() {
    let (_dir, path) = journal();
    save_batch(&path, &["only"], true).expect("first batch");
    let seen = save_batch(&path, &[], true);
    assert!(
        matches!(seen, Ok(1)),
        "an empty batch saw {seen:?}, expected the 1 existing row"
    );
}

#[test]
fn counting_a_brand_new_file_finds_nothing() {
    let (_dir, path) = journal();
    let count = count_entries(&path);
    assert!(
        matches!(count, Ok(0)),
        "a new journal counted {count:?}: create the table if missing and report 0"
    );
}

#[rstest::rstest]
#[case::spaces("  ")]
#[case::tabs_and_newlines("\t\n\t")]
fn a_batch_with_an_empty_entry_is_rejected_as_a_whole(#[case] blank: &str) {
    let (_dir, path) = journal();
    let result = save_batch(&path, &["fine", "also fine", blank, "never reached"], true);
    assert!(
        matches!(result, Err(BatchError::EmptyEntry(2))),
        "save_batch returned {result:?}: entry 2 is {blank:?}, blank (only whitespace: \
         spaces, tabs, newlines, as Rust's trim sees it; SQL's trim() strips only spaces), \
         so it must fail with EmptyEntry(2)"
    );
    let after = count_entries(&path);
    assert!(
        matches!(after, Ok(0)),
        "after the rejected batch the file holds {after:?} entries: the two good entries \
         written before the error must roll back with the rest"
    );
}

#[test]
fn a_path_in_a_missing_directory_is_an_error() {
    let (dir, _path) = journal();
    let result = save_batch(&dir.path().join("missing/journal.db"), &["x"], true);
    assert!(
        matches!(result, Err(BatchError::Sqlite(_))),
        "save_batch on an impossible path returned {result:?}: it must be a Sqlite error"
    );
}

#[rstest::rstest]
#[case::committed(true, 1)]
#[case::not_committed(false, 0)]
fn a_batch_is_one_commit_or_none(#[case] commit: bool, #[case] commits: u32) {
    let (_dir, path) = journal();
    count_entries(&path).expect("create the journal");
    let before = super::commits_recorded(&path);
    // Entries with quotes and digits no SQL text holds otherwise: they must reach SQLite bound.
    let entries = ["Dhrishta'dyumna 40917", "O'Brien 31337", "Kunti's 58213"];
    let (seen, watched) = super::watch_connections(|| save_batch(&path, &entries, commit));
    assert!(matches!(seen, Ok(3)), "save_batch returned {seen:?}");
    super::assert_values_bound(
        &watched.sent,
        &entries,
        &format!("save_batch(.., commit = {commit})"),
    );
    let expected = before.wrapping_add(commits);
    assert!(
        !watched.counters_at_close.is_empty()
            && watched
                .counters_at_close
                .iter()
                .all(|counter| *counter == Some(expected)),
        "save_batch(.., commit = {commit}): as its connections closed the file's change \
         counter read {:?}, expected {expected} ({before} before the call): {}",
        watched.counters_at_close,
        if commit {
            "a committed batch is in the file by the time its connection closes"
        } else {
            "the uncommitted batch was committed to the file (and undone some other way \
             afterwards: a crash in between keeps it). Never commit it: let the transaction \
             roll back, and close the connection before save_batch returns"
        }
    );
    let made = super::commits_recorded(&path).wrapping_sub(before);
    assert_eq!(
        made, commits,
        "save_batch(.., commit = {commit}) committed {made} write transactions to the file, \
         expected {commits}: the whole batch is one transaction, committed once or rolled \
         back (inserting in autocommit and deleting afterwards is not a rollback)"
    );
}

#[test]
fn an_uncommitted_batch_bigger_than_the_cache_leaves_the_file_untouched() {
    let (_dir, path) = journal();
    save_batch(&path, &["kept"], true).expect("commit one entry");
    let before = std::fs::read(&path).expect("read the file");
    // Set the file's modification time far back: the spilled pages written in the
    // transaction, and the rollback that writes them back, move it to now.
    let long_ago = std::time::UNIX_EPOCH + std::time::Duration::from_secs(946_684_800);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_modified(long_ago))
        .expect("set the file's modification time");
    // About 4 MB of entries: more than SQLite's page cache (2 MB by default) holds, so pages
    // of the open transaction spill into the file before it ends.
    let entries: Vec<String> = (0..30_000).map(|i| format!("{i:0>128}")).collect();
    let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
    let seen = save_batch(&path, &entries, false);
    assert!(matches!(seen, Ok(30_001)), "save_batch returned {seen:?}");
    let modified = std::fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .expect("the file's modification time");
    assert!(
        modified != long_ago,
        "save_batch(.., commit = false) with 30,000 entries never wrote to the database file: \
         the batch ran somewhere else (a copy, another database, memory) and was thrown \
         away. A batch too big for the page cache, inserted in a transaction on the file, \
         spills pages into it, and the rollback writes them back. Run the batch in a \
         transaction on the real file and let dropping it roll back"
    );
    let after = std::fs::read(&path).expect("read the file");
    assert!(
        after == before,
        "an uncommitted batch of 30,000 entries changed the database file ({} bytes before, \
         {} after): pages it spilled were never undone. Without SQLite's rollback journal \
         (journal_mode = OFF) nothing records what those pages held, so uncommitted \
         data reaches the file. Keep the default journal; only a commit makes data real",
        before.len(),
        after.len()
    );
    let count = count_entries(&path);
    assert!(
        matches!(count, Ok(1)),
        "a fresh connection counted {count:?}"
    );
}

/// A journal whose table refuses the entry "poison" with a trigger: a database error in
/// the middle of a batch.
fn poisoned_journal() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, path) = journal();
    let conn = rusqlite::Connection::open(&path).expect("the test's connection should open");
    conn.execute_batch(
        "CREATE TABLE journal (id INTEGER PRIMARY KEY, entry TEXT NOT NULL);
         CREATE TRIGGER no_poison BEFORE INSERT ON journal WHEN NEW.entry = 'poison'
         BEGIN SELECT RAISE(ABORT, 'poison refused'); END;",
    )
    .expect("set up the poisoned journal");
    (dir, path)
}

#[rstest::rstest]
#[case::committed(true)]
#[case::not_committed(false)]
fn a_database_error_mid_batch_is_an_error_and_writes_nothing(#[case] commit: bool) {
    let (_dir, path) = poisoned_journal();
    let before = super::commits_recorded(&path);
    let result = save_batch(&path, &["fine", "poison", "never reached"], commit);
    assert!(
        matches!(result, Err(BatchError::Sqlite(_))),
        "the database refused the second entry, but save_batch(.., commit = {commit}) \
         returned {result:?}: every entry must really be inserted in the transaction, and the \
         insert's error must come back as BatchError::Sqlite"
    );
    assert_eq!(
        super::commits_recorded(&path),
        before,
        "the failed batch committed something: the entry written before the error must roll \
         back with the transaction"
    );
    assert!(
        matches!(count_entries(&path), Ok(0)),
        "after the failed batch the journal must be empty"
    );
}

#[rstest::rstest]
#[case::committed(true)]
#[case::not_committed(false)]
fn the_count_is_asked_of_the_open_transaction(#[case] commit: bool) {
    let (_dir, path) = journal();
    let conn = rusqlite::Connection::open(&path).expect("the test's connection should open");
    conn.execute_batch(
        "CREATE TABLE journal (id INTEGER PRIMARY KEY, entry TEXT NOT NULL);
         INSERT INTO journal (entry) VALUES ('already there');
         CREATE TRIGGER sweep AFTER INSERT ON journal WHEN NEW.entry = 'sweep'
         BEGIN DELETE FROM journal WHERE entry = 'already there'; END;",
    )
    .expect("set up a journal whose trigger deletes a row");
    drop(conn);
    let seen = save_batch(&path, &["one", "sweep"], commit);
    assert!(
        matches!(seen, Ok(2)),
        "save_batch(.., commit = {commit}) returned {seen:?}, but inside its transaction the \
         journal held 2 rows (the 2 entries; a trigger deleted the 1 row from before): the \
         count was worked out (rows before + entries, or + the changes counted by \
         changes()/total_changes(), which count the trigger's delete as one more) instead \
         of asked of the transaction. Run SELECT count(*) on the open transaction: it sees \
         its own uncommitted writes"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): batches
/// committed, left uncommitted and refused in one sequence on one file, each count checked
/// against what came before.
#[cfg(feature = "held-out")]
mod held_out {
    use super::journal;
    use crate::commit::{BatchError, count_entries, save_batch};

    #[test]
    fn only_committed_batches_count_in_a_mixed_sequence() {
        let (_dir, path) = journal();
        // (entries, commit, what the transaction sees, what a fresh connection counts after)
        let plan: [(&[&str], bool, usize, usize); 5] = [
            (&["a", "b"], true, 2, 2),
            (&["c", "d", "e"], false, 5, 2),
            (&["f"], true, 3, 3),
            (&[], false, 3, 3),
            (&["g", "h", "i", "j"], true, 7, 7),
        ];
        for (step, (entries, commit, sees, after)) in plan.iter().enumerate() {
            let seen = save_batch(&path, entries, *commit);
            assert!(
                matches!(seen, Ok(n) if n == *sees),
                "step {step}: save_batch({entries:?}, commit = {commit}) returned {seen:?}, \
                 expected Ok({sees}): the committed rows before it plus its own entries"
            );
            let counted = count_entries(&path);
            assert!(
                matches!(counted, Ok(n) if n == *after),
                "step {step}: after save_batch({entries:?}, commit = {commit}) a fresh \
                 connection counted {counted:?}, expected {after}: only committed batches \
                 reach the file"
            );
        }
    }

    #[test]
    fn a_refused_batch_after_commits_keeps_the_earlier_ones_and_adds_nothing() {
        let (_dir, path) = journal();
        save_batch(&path, &["kept"], true).expect("the first batch should save");
        let result = save_batch(&path, &["", "never"], true);
        assert!(
            matches!(result, Err(BatchError::EmptyEntry(0))),
            "save_batch returned {result:?}: entry 0 is empty, so it must fail with \
             EmptyEntry(0)"
        );
        let result = save_batch(&path, &["fine", "fine too", " "], true);
        assert!(
            matches!(result, Err(BatchError::EmptyEntry(2))),
            "save_batch returned {result:?}: the last entry is blank, so EmptyEntry(2)"
        );
        let after = count_entries(&path);
        assert!(
            matches!(after, Ok(1)),
            "after two refused batches the file holds {after:?} entries: the one committed \
             before them stays, nothing of the refused ones is written"
        );
    }
}
