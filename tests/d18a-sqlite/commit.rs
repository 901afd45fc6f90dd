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

#[test]
fn a_batch_with_an_empty_entry_is_rejected_as_a_whole() {
    let (_dir, path) = journal();
    let result = save_batch(&path, &["fine", "also fine", "  ", "never reached"], true);
    assert!(
        matches!(result, Err(BatchError::EmptyEntry(2))),
        "save_batch returned {result:?}: entry 2 is blank, so it must fail with EmptyEntry(2)"
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
