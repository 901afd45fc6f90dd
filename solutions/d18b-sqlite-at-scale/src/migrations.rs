//! # Kata 6: versioned migrations, up and down
//!
//! **Build** a migrator: [`migrate`] moves a database's schema to a target version through a
//! numbered list of [`Migration`]s (running `up` scripts forward, `down` scripts backward);
//! [`current_version`] says where a database stands; [`checksum`] fingerprints a script.
//!
//! **Why.** `CREATE TABLE IF NOT EXISTS` at start-up cannot add a phone column to a table
//! that already holds 10,000 rows, and dropping the table loses them. Migrations are the
//! schema's history, applied in order and recorded in the database, so every copy of the
//! database (yours, CI's, production's) can say which version it is at and be moved forward —
//! or back, when a deployment is rolled back. A migration that dies half-way must leave no
//! half: a table created but its index missing is worse than either state.
//!
//! **Python → Rust.** Alembic keeps a revision id in an `alembic_version` table and runs each
//! revision's `upgrade()`/`downgrade()`. Here migrations are data: a version number and two SQL
//! scripts. SQLite's schema changes (`CREATE`, `ALTER TABLE … ADD COLUMN`, `DROP`) are
//! *transactional* — unlike MySQL's, which commit on their own — so a migration run inside a
//! [`rusqlite::Transaction`] rolls back whole when any of its statements fails.
//! `Transaction::execute_batch` runs a script of several statements; dropping a transaction
//! without `commit()` rolls it back.
//!
//! **The tests check.**
//! - The list must be numbered 1, 2, 3, … in order; the first position `i` (from 1) whose
//!   migration has another version is [`MigrationError::Gap`] `{ expected: i, found }`, checked
//!   before anything runs. Checked by `a_gap_in_the_numbering_is_refused`.
//! - A target beyond the last migration is [`MigrationError::UnknownTarget`]
//!   `{ target, latest }`, also before anything runs. Checked by
//!   `a_target_past_the_last_migration_is_refused`.
//! - Applied migrations are recorded in the table `schema_migrations` ([`LEDGER`]): one row per
//!   applied migration with its version, name and the [`checksum`] of its `up` script. The
//!   current version, for [`current_version`] and for where [`migrate`] starts, is the highest
//!   version the ledger records (a ledger holding 1 and 3 is at 3, not at its row count 2; with
//!   its row 3 deleted by hand it is at 2 and migrating to 3 runs migration 3 again), whatever
//!   another counter says (`PRAGMA user_version` set by hand to 7 or 1 changes nothing); 0 when
//!   the table is missing or empty. Checked by `a_fresh_database_is_at_version_zero`,
//!   `migrates_a_fresh_database_to_the_latest_version`,
//!   `stepping_up_one_version_at_a_time_applies_each_once`,
//!   `the_current_version_is_the_highest_version_the_ledger_records`.
//! - Each script runs whole, as SQL (`execute_batch`), not split on `;`: the tests' migration
//!   3 creates a trigger whose body, and a string in it, hold `;`s of their own. Checked by
//!   `migrates_a_fresh_database_to_the_latest_version`.
//! - Before migrating (up, down or nowhere), every recorded migration is compared with the
//!   list: a recorded version the list does not have is [`MigrationError::AheadOfCode`]
//!   `{ applied, latest }`; a recorded checksum that differs from the list's `up` script, for
//!   the newest migration or an older one, is [`MigrationError::Changed`] `{ version }`, and
//!   nothing is reverted. Checked by
//!   `a_database_newer_than_the_code_is_refused`, `an_edited_migration_is_refused`,
//!   `an_edited_older_migration_is_refused_too`.
//! - Each migration runs in its own transaction, together with its ledger row (inserted going
//!   up, deleted going down): if its script fails (an `up` or a `down` script, half-way), or
//!   its ledger row cannot be written or deleted, that transaction rolls back and `migrate`
//!   returns an error (a failing script is [`MigrationError::Failed`] `{ version, source }`);
//!   migrations completed before it in the same call stay applied, and a migration rolled back
//!   keeps its data (a column its `down` script would drop keeps its values). Checked by
//!   `a_failing_migration_is_rolled_back_whole`, `a_failing_down_script_is_rolled_back_whole`,
//!   `a_ledger_row_that_cannot_be_written_takes_the_migration_with_it`,
//!   `a_ledger_row_that_cannot_be_deleted_keeps_the_downgrade_from_happening`.
//! - No moment of a migration leaves a ledger that lies: as each statement starts (on
//!   whatever thread it runs: the hook sees every statement of the connection), and once
//!   `migrate` returns, a second connection reads what is committed in the file (what a crash
//!   right then would leave), and the ledger's version is always the version the schema has
//!   (while an `up` or `down` script runs, both still say the version before it), so the
//!   ledger row is not written (or deleted) in a transaction of its own, before or after the
//!   script's commit, and undone by hand on an error. Checked
//!   by `a_crash_mid_migration_leaves_a_ledger_that_matches_the_schema`.
//! - The ledger row is written and deleted with bound parameters: no SQL text that runs
//!   contains the migration's name or checksum, and two migrations that differ in version, name
//!   and checksum write and delete their ledger rows with the same SQL texts (so no spelling of
//!   a pasted value, hex or blob literals included, passes). Checked by
//!   `the_ledger_row_is_written_with_bound_parameters`.
//! - A migration whose `COMMIT` fails (the tests add a deferred foreign key, which SQLite checks
//!   only at `COMMIT`, and SQLite keeps the transaction open after such a failure) is an error,
//!   is rolled back whole and leaves no transaction open (`Connection::is_autocommit`): a
//!   `BEGIN`/`COMMIT` written by hand that sends `ROLLBACK` only when a statement fails, not
//!   when `COMMIT` does, leaves it open; the guard's drop rolls back either way. Checked by
//!   `a_migration_whose_commit_fails_is_rolled_back_and_leaves_no_transaction_open`.
//! - A column is added to a populated file without losing a row. Checked by
//!   `adding_a_column_keeps_every_row`.
//! - Going down runs the `down` scripts from the current version to `target + 1`, newest first,
//!   down to 1 and to 0. Checked by `migrating_down_runs_the_down_scripts_in_reverse`.
//! - Migrating to the current version does nothing (no script runs: the trace hook watches) and
//!   returns `Outcome { from: v, to: v }`; it runs as many statements (on any thread) with 3
//!   migrations applied
//!   as with 1: the ledger is read with one query, not one query per migration or per recorded
//!   row (the N+1 in the migrator). Runs with work to do read it once too: migrating 0→3, 0→1
//!   and 3→0 each run exactly one statement that names `schema_migrations` (outside string
//!   literals) other than the [`LEDGER`]'s `CREATE` and the ledger rows' `INSERT`s and
//!   `DELETE`s, so no migration applied or reverted asks the ledger again.
//!   Checked by `running_it_again_changes_nothing`.
//! - [`checksum`] is the 64-bit FNV-1a hash of the script's UTF-8 bytes (start with
//!   `0xcbf29ce484222325`; for each byte, xor it in, then multiply by `0x100000001b3`, wrapping),
//!   bit-cast to `i64` because SQLite integers are signed; a non-ASCII script hashes its UTF-8
//!   bytes, not its chars. Checked by `checksum_is_fnv_1a_64`.
//!
//! **Not checked.** Whether the transaction is the `Transaction` guard: a hand-written
//! `BEGIN`/`COMMIT`/`ROLLBACK` that rolls back on every error (a failing script, a refused
//! ledger row, a failed `COMMIT`) behaves like the guard on every path a test can force; only a
//! panic in the middle of a migration would leave its transaction open, and no test can make
//! one (rusqlite catches panics in SQL functions, collations and hooks).

use rusqlite::{Connection, OptionalExtension, params};

/// One step of the schema's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// 1 for the first migration, 2 for the next, and so on without gaps.
    pub version: u32,
    /// A short description.
    pub name: &'static str,
    /// The SQL that moves the schema from `version - 1` to `version`.
    pub up: &'static str,
    /// The SQL that moves it back from `version` to `version - 1`.
    pub down: &'static str,
}

/// The ledger of applied migrations.
pub const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version  INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    checksum INTEGER NOT NULL
);";

/// What a call to [`migrate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The version before the call.
    pub from: u32,
    /// The version after the call.
    pub to: u32,
}

/// Why migrating failed. Nothing of a failed migration stays applied.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The list is not numbered 1, 2, 3, … in order.
    #[error("migration number {expected} is missing: found {found} in its place")]
    Gap {
        /// The version that should come next.
        expected: u32,
        /// The version found there.
        found: u32,
    },
    /// The target is beyond the last migration of the list.
    #[error("no migration {target}: the last one is {latest}")]
    UnknownTarget {
        /// The version asked for.
        target: u32,
        /// The last version of the list.
        latest: u32,
    },
    /// The database has migrations applied that the list does not have.
    #[error("the database is at version {applied}, newer than the last migration {latest}")]
    AheadOfCode {
        /// The database's version.
        applied: u32,
        /// The last version of the list.
        latest: u32,
    },
    /// An applied migration's `up` SQL has changed since it was applied.
    #[error("migration {version} was edited after it was applied")]
    Changed {
        /// The edited migration.
        version: u32,
    },
    /// A migration's SQL failed; its transaction was rolled back.
    #[error("migration {version} failed: {source}")]
    Failed {
        /// The migration that failed.
        version: u32,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// SQLite refused a statement of the migrator itself.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The 64-bit FNV-1a hash of `sql`'s UTF-8 bytes, bit-cast to `i64` (SQLite integers are signed).
pub fn checksum(sql: &str) -> i64 {
    let hash = sql.bytes().fold(FNV_OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
    });
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// The highest applied version, or 0 when nothing was ever applied.
pub fn current_version(conn: &Connection) -> Result<u32, MigrationError> {
    let has_ledger: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |row| row.get(0),
    )?;
    if !has_ledger {
        return Ok(0);
    }
    let version: Option<u32> = conn
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })
        .optional()?
        .flatten();
    Ok(version.unwrap_or(0))
}

fn check_numbering(migrations: &[Migration]) -> Result<(), MigrationError> {
    for (expected, migration) in (1..).zip(migrations) {
        if migration.version != expected {
            return Err(MigrationError::Gap {
                expected,
                found: migration.version,
            });
        }
    }
    Ok(())
}

fn check_applied(conn: &Connection, migrations: &[Migration]) -> Result<u32, MigrationError> {
    let mut stmt =
        conn.prepare("SELECT version, checksum FROM schema_migrations ORDER BY version")?;
    let applied = stmt
        .query_map([], |row| Ok((row.get::<_, u32>(0)?, row.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let latest = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    let mut current = 0;
    for (version, sum) in applied {
        let index = version.checked_sub(1).map(|i| i as usize);
        let Some(migration) = index.and_then(|i| migrations.get(i)) else {
            return Err(MigrationError::AheadOfCode {
                applied: version,
                latest,
            });
        };
        if checksum(migration.up) != sum {
            return Err(MigrationError::Changed { version });
        }
        current = version;
    }
    Ok(current)
}

fn apply(conn: &mut Connection, migration: &Migration) -> Result<(), MigrationError> {
    let failed = |source| MigrationError::Failed {
        version: migration.version,
        source,
    };
    let tx = conn.transaction()?;
    tx.execute_batch(migration.up).map_err(failed)?;
    tx.execute(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES (?1, ?2, ?3)",
        params![migration.version, migration.name, checksum(migration.up)],
    )?;
    tx.commit()?;
    Ok(())
}

fn revert(conn: &mut Connection, migration: &Migration) -> Result<(), MigrationError> {
    let failed = |source| MigrationError::Failed {
        version: migration.version,
        source,
    };
    let tx = conn.transaction()?;
    tx.execute_batch(migration.down).map_err(failed)?;
    tx.execute(
        "DELETE FROM schema_migrations WHERE version = ?1",
        [migration.version],
    )?;
    tx.commit()?;
    Ok(())
}

/// Moves the schema to version `target` (up or down), one transaction per migration.
pub fn migrate(
    conn: &mut Connection,
    migrations: &[Migration],
    target: u32,
) -> Result<Outcome, MigrationError> {
    check_numbering(migrations)?;
    let latest = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    if target > latest {
        return Err(MigrationError::UnknownTarget { target, latest });
    }
    conn.execute_batch(LEDGER)?;
    let from = check_applied(conn, migrations)?;
    if target > from {
        for migration in &migrations[from as usize..target as usize] {
            apply(conn, migration)?;
        }
    } else {
        for migration in migrations[target as usize..from as usize].iter().rev() {
            revert(conn, migration)?;
        }
    }
    Ok(Outcome { from, to: target })
}
