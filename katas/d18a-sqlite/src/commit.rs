//! # Kata 3 — Nothing is saved until commit
//!
//! **Build** [`save_batch`], which writes a batch of journal entries inside one transaction
//! and commits it only when asked, and [`count_entries`], which counts what a *fresh*
//! connection sees in the file.
//!
//! **Why:** a write is not durable until its transaction commits. Code that forgets to
//! commit appears to work — it can read its own writes — and then loses everything when
//! the connection closes.
//!
//! **Python → Rust:** in Python, `with conn:` *commits* on a clean exit and the usual bug is
//! forgetting `commit()` outside such a block. In Rust, [`rusqlite::Transaction`] is a guard
//! whose `Drop` *rolls back* unless you called [`rusqlite::Transaction::commit`] (which
//! consumes it). Every early return — including `?` on an error — therefore undoes the
//! batch: the safe outcome is the default one.
//!
//! **Schema:** table `journal` with `id INTEGER PRIMARY KEY, entry TEXT NOT NULL`, created
//! if missing by both functions.
//!
//! **The tests check.**
//! - an uncommitted batch is visible inside its transaction and gone after reopening the
//!   file; the count `save_batch` returns is asked of the database, not worked out (with a
//!   trigger that deletes a row, rows before plus the entries, or plus the changes
//!   `changes()`/`total_changes()` counted, come out wrong), and for an uncommitted batch
//!   that means asking the open transaction.
//!   Checked by `an_uncommitted_batch_is_visible_inside_its_transaction`,
//!   `an_uncommitted_batch_is_gone_after_reopening_the_file`,
//!   `the_count_is_asked_of_the_open_transaction`.
//! - a committed batch survives and later batches see it. Checked by
//!   `a_committed_batch_survives_reopening_the_file`, `batches_accumulate_across_commits`,
//!   `an_empty_batch_commits_nothing_and_counts_what_is_there`,
//!   `counting_a_brand_new_file_finds_nothing`.
//! - a batch is one transaction: the file's change counter (header bytes 24..28, which
//!   SQLite's default rollback journal raises once per committed write transaction) rises by
//!   exactly one for a committed batch and not at all for an uncommitted one (inserting in
//!   autocommit and deleting afterwards is not a rollback); it already reads so as each
//!   connection `save_batch` opens closes (read through SQLite's auto-extension hook, which
//!   traces every connection the code opens; each is closed before `save_batch` returns), so
//!   an uncommitted batch is never committed, not even to be undone afterwards by writing a
//!   copy of the file back (a crash in between would keep it). Checked by
//!   `a_batch_is_one_commit_or_none`.
//! - every entry reaches SQLite bound, never as text in the SQL: through the statement trace
//!   of every connection `save_batch` opens, entries with a quote and digits no SQL text
//!   holds are among the bound values and in no statement's SQL text (a multi-row `INSERT`
//!   built with `format!`, quotes doubled by hand, is string-built SQL). Checked by
//!   `a_batch_is_one_commit_or_none`.
//! - a batch with an empty entry (only whitespace, tabs and newlines too, as Rust's `trim`
//!   sees it; SQL's `trim()` strips only spaces) is rejected as a whole with
//!   `EmptyEntry(index)`; a database
//!   error in the middle of a batch (a trigger refusing one entry) is `BatchError::Sqlite`
//!   and nothing of the batch is committed, even when `commit` is false (so the entries must
//!   really be inserted). Checked by `a_batch_with_an_empty_entry_is_rejected_as_a_whole`,
//!   `a_database_error_mid_batch_is_an_error_and_writes_nothing`.
//! - an impossible path is a typed `Sqlite` error. Checked by
//!   `a_path_in_a_missing_directory_is_an_error`.
//! - uncommitted data never stays in the file: an uncommitted batch too big for SQLite's page
//!   cache (30,000 entries, about 4 MB) leaves the database file byte for byte as it was
//!   (the pages it spilled are undone from the rollback journal; with `journal_mode = OFF`
//!   they stay), yet it did write to the file (its modification time moves: a batch played
//!   on a copy or in another database and thrown away never touches it). So keep SQLite's
//!   default page cache on the connection (leave `PRAGMA cache_size` alone, about 2 MB):
//!   this test needs the batch to spill, and a bigger cache (`cache_size = -65536`) holds
//!   the whole batch in memory, never writes the file, and is refused as a batch that ran
//!   elsewhere. Checked by
//!   `an_uncommitted_batch_bigger_than_the_cache_leaves_the_file_untouched`.
//!
//! **Not checked.** Whether the transaction is a [`rusqlite::Transaction`] guard or a raw
//! `BEGIN` with no `ROLLBACK`: each call opens its own connection, and closing it throws an
//! unfinished transaction away either way, so no test can tell them apart (kata 4, whose
//! connection lives on, checks the guard). How hard a commit pushes the data to the disk
//! (`PRAGMA synchronous`, whose default makes SQLite wait for the disk): turning the fsyncs
//! off changes nothing any test can see short of a power cut, and this kata teaches the
//! commit, not the fsync; likewise a rollback journal kept in memory (`journal_mode =
//! MEMORY`) undoes an uncommitted batch just as well, and differs only after a crash.
//! Whether a committed batch's count is asked just before its commit or just after it:
//! with no other writer the two agree. Whether a committed batch is an explicit
//! transaction or one multi-row `INSERT` in autocommit: SQLite runs a single statement as
//! a transaction of its own, all or nothing, committed once (the change counter rises by
//! one either way).

use std::path::Path;

/// What can go wrong while saving a batch.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The entry at this (zero-based) index of the batch was empty.
    #[error("entry {0} of the batch is empty")]
    EmptyEntry(usize),
    /// The database failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Inserts `entries` in one transaction, commits only if `commit` is true, and returns
/// how many rows the transaction could see just before it ended.
pub fn save_batch(path: &Path, entries: &[&str], commit: bool) -> Result<usize, BatchError> {
    todo!("save {entries:?} to {} (commit: {commit})", path.display())
}

/// Counts the journal entries a new connection to `path` can see.
pub fn count_entries(path: &Path) -> Result<usize, BatchError> {
    todo!("count the journal entries in {}", path.display())
}
