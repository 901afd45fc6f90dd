//! # Kata 4: a repository and humble business logic
//!
//! **Build**
//! - [`SqliteWarriors`], the SQLite implementation of [`WarriorRepository`]: `open` creates the
//!   table if it is missing (reopening a file keeps its rows), `add` stores a warrior and
//!   returns its id, `by_id` finds one, `high_power` returns every warrior whose power is
//!   **strictly greater** than the threshold, in id order;
//! - [`rank_heroes`], the business logic: the `top` strongest warriors above a threshold,
//!   ranked. It knows only the trait.
//!
//! **Why.** When SQL strings are spread through the business code, every rule is tested
//! through a database, renaming a column means searching the whole program, and a slow or
//! broken query is found by accident. A repository gathers the SQL in one place behind a small
//! interface. The logic that uses it becomes a *humble object*'s client: it can be tested with
//! a test double in microseconds, and the SQLite implementation is tested once, against a real
//! file.
//!
//! **Python → Rust.** The article's `WarriorRepository` class becomes a trait; the business
//! function takes `&impl WarriorRepository`, so it works with [`SqliteWarriors`] and with a
//! mock. The tests use `mockall`: a mock answers only the calls the test expects (with the
//! arguments it expects, as many times as it expects) and fails the test on any other. There
//! is no pool here: a `Connection` lives inside the repository (a pool is a crate such as
//! `r2d2`; for an in-process SQLite file, one connection per thread is the usual design).
//!
//! **The tests check.**
//! - [`rank_heroes`] orders by power (strongest first), then by name, whatever order the
//!   repository returns ties in; rank 1 is the strongest;
//!   equal power shares a rank and the next rank is skipped (1, 2, 2, 4); it keeps the first
//!   `top`. Checked by `ranks_the_strongest_first`, `equal_power_shares_a_rank_and_skips_the_next`,
//!   `keeps_only_the_top_n`, `nobody_above_the_threshold_gives_an_empty_ranking`.
//! - It calls `high_power(threshold)` exactly once, with the threshold it was given (a mock
//!   refuses any other call): the database filters, not a Rust loop over everyone. Checked by
//!   `asks_the_repository_for_exactly_the_threshold_once`.
//! - A negative threshold is [`RankError::NegativeThreshold`] and `top == 0` is an empty list,
//!   both without calling the repository; a repository error comes back as
//!   [`RankError::Repository`]. Checked by
//!   `a_negative_threshold_is_refused_before_the_repository_is_asked`,
//!   `top_zero_is_empty_without_asking_the_repository`,
//!   `a_repository_failure_comes_back_as_a_rank_error`.
//! - Against a real file: `add` then `by_id` round-trips (`add` returns the id of the row it
//!   inserted, even when a trigger inserts an identical row right after it, so neither
//!   `SELECT max(id)` nor a lookup by the values finds it), a missing id is
//!   `Ok(None)`, reopening the file keeps its rows, and the business logic runs on it too.
//!   Checked by
//!   `add_then_by_id_round_trips`, `by_id_of_a_missing_warrior_is_none`,
//!   `the_file_keeps_its_warriors_after_reopening`,
//!   `the_business_logic_runs_on_the_real_repository_too`.
//! - `add` refuses a blank name with [`RepoError::BlankName`] and stores nothing. Checked by
//!   `a_blank_name_is_refused`.
//! - `high_power` is strictly above the threshold, filters in SQL (SQLite produces only the
//!   matching rows, counted by its trace hook), and asks for id order with `ORDER BY` in the
//!   SQL it runs (as SQL: the words in a comment or a string do not count), not a sort in
//!   Rust (the tests turn on `PRAGMA reverse_unordered_selects`, which must still be on after
//!   the call,
//!   read the SQL text through the trace hook, and run that `SELECT` again themselves: its rows
//!   come in id order, some column holding the ids). Checked by
//!   `high_power_is_strictly_above_the_threshold_in_id_order`,
//!   `high_power_filters_in_sql_not_in_rust`, `high_power_asks_sqlite_for_id_order`.
//! - `by_id` finds its row in SQL (`WHERE id = ?1`): SQLite produces one row, not the whole
//!   table for a Rust loop to search, and seeks it by the primary key: no statement takes a
//!   step of a full table scan or as many VM steps as the table has rows (so neither one row
//!   packing the whole table nor a sort of it passes). Checked by
//!   `by_id_looks_up_one_row_in_sql_not_in_rust`.
//! - Every value travels as a bound parameter (`?1`), never pasted into the SQL text with
//!   `format!`: the SQL text SQLite runs never contains a name, a power, an id or a threshold,
//!   the same calls on other values run the same SQL texts (so no spelling of a pasted value,
//!   hex or blob literals included, passes), and names with quotes (`O'Brien`, `'); DROP TABLE warriors; --`) are stored and read back as
//!   they are. Checked by `values_are_bound_and_never_pasted_into_the_sql_text`,
//!   `names_with_quotes_are_stored_as_they_are`.
//! - `add`, `by_id` and `high_power` each run their SQL on the one connection the repository
//!   owns (the tests trace it, on whatever thread it runs; a connection opened per call runs
//!   nothing there). Checked by `values_are_bound_and_never_pasted_into_the_sql_text`.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Row, params};

/// The table [`SqliteWarriors::open`] creates when it is missing.
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS warriors (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    power INTEGER NOT NULL
);";

/// A stored warrior.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warrior {
    /// Primary key.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Power level.
    pub power: i64,
}

/// A warrior to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWarrior {
    /// Display name: must contain something other than whitespace.
    pub name: String,
    /// Power level.
    pub power: i64,
}

/// Why the repository failed.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The name is empty or only whitespace.
    #[error("a warrior needs a name")]
    BlankName,
    /// SQLite refused a statement.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Where warriors are stored. Business logic depends on this trait, never on SQL.
pub trait WarriorRepository {
    /// Every warrior whose power is strictly greater than `threshold`, in id order.
    fn high_power(&self, threshold: i64) -> Result<Vec<Warrior>, RepoError>;
    /// Stores a new warrior and returns its id.
    fn add(&self, warrior: &NewWarrior) -> Result<i64, RepoError>;
    /// The warrior with this id, if any.
    fn by_id(&self, id: i64) -> Result<Option<Warrior>, RepoError>;
}

/// The SQLite implementation of [`WarriorRepository`].
#[derive(Debug)]
pub struct SqliteWarriors {
    conn: Connection,
}

impl SqliteWarriors {
    /// Opens (creating if needed) the database file at `path` and its table.
    pub fn open(path: &Path) -> Result<Self, RepoError> {
        let conn = Connection::open(path)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// The underlying connection (the tests use it to watch the SQL).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn warrior(row: &Row<'_>) -> rusqlite::Result<Warrior> {
    Ok(Warrior {
        id: row.get(0)?,
        name: row.get(1)?,
        power: row.get(2)?,
    })
}

impl WarriorRepository for SqliteWarriors {
    fn high_power(&self, threshold: i64) -> Result<Vec<Warrior>, RepoError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, power FROM warriors WHERE power > ?1 ORDER BY id")?;
        let rows = stmt.query_map([threshold], warrior)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn add(&self, warrior: &NewWarrior) -> Result<i64, RepoError> {
        if warrior.name.trim().is_empty() {
            return Err(RepoError::BlankName);
        }
        self.conn.execute(
            "INSERT INTO warriors (name, power) VALUES (?1, ?2)",
            params![warrior.name, warrior.power],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn by_id(&self, id: i64) -> Result<Option<Warrior>, RepoError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, power FROM warriors WHERE id = ?1",
                [id],
                warrior,
            )
            .optional()?)
    }
}

/// A ranked hero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hero {
    /// 1 for the strongest; equal power shares a rank and the next rank is skipped (1, 2, 2, 4).
    pub rank: usize,
    /// The warrior's name.
    pub name: String,
    /// The warrior's power.
    pub power: i64,
}

/// Why the ranking failed.
#[derive(Debug, thiserror::Error)]
pub enum RankError {
    /// The threshold is below zero.
    #[error("the threshold {0} is negative")]
    NegativeThreshold(i64),
    /// The repository failed.
    #[error("the repository failed: {0}")]
    Repository(#[from] RepoError),
}

/// The `top` strongest warriors above `threshold`, ranked.
pub fn rank_heroes(
    repo: &impl WarriorRepository,
    threshold: i64,
    top: usize,
) -> Result<Vec<Hero>, RankError> {
    if threshold < 0 {
        return Err(RankError::NegativeThreshold(threshold));
    }
    if top == 0 {
        return Ok(Vec::new());
    }
    let mut warriors = repo.high_power(threshold)?;
    warriors.sort_by(|a, b| {
        b.power
            .cmp(&a.power)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut heroes: Vec<Hero> = Vec::with_capacity(top.min(warriors.len()));
    for (position, w) in warriors.into_iter().take(top).enumerate() {
        let rank = match heroes.last() {
            Some(previous) if previous.power == w.power => previous.rank,
            _ => position + 1,
        };
        heroes.push(Hero {
            rank,
            name: w.name,
            power: w.power,
        });
    }
    Ok(heroes)
}
