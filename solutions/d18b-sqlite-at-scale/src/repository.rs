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
//! **Rules the tests hold you to.**
//! - [`rank_heroes`] refuses a negative threshold with [`RankError::NegativeThreshold`] and
//!   returns an empty list for `top == 0`, both without calling the repository. Otherwise it
//!   calls `high_power(threshold)` exactly once, with the threshold it was given: the database
//!   does the filtering, not a Rust loop over everyone. A repository error comes back as
//!   [`RankError::Repository`].
//! - Heroes are ordered by power (strongest first), then by name. Rank 1 is the strongest;
//!   warriors with equal power share a rank and the next rank is skipped (1, 2, 2, 4). Keep the
//!   first `top` heroes of that order.
//! - `add` refuses a name that is empty or only whitespace with [`RepoError::BlankName`] (and
//!   stores nothing). `by_id` of a missing id is `Ok(None)`.
//! - `high_power` filters in SQL: SQLite must produce only the matching rows (the tests count
//!   the rows SQLite produces with its trace hook).
//! - Every value travels as a bound parameter (`?1`, `?2`), never pasted into the SQL text with
//!   `format!`: the SQL text SQLite runs (its trace hook sees it) never contains a name, a power,
//!   an id or a threshold, and names with quotes (`O'Brien`, `'); DROP TABLE warriors; --`) are
//!   stored and read back as they are.
//!
//! **The tests check** the ranking against a mock (ordering, ties, `top`, bad input, errors, the
//! exact call), and the SQLite repository against a file in a temporary directory (round trips,
//! missing ids, the strict threshold, reopening, blank names), and the two together.

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
