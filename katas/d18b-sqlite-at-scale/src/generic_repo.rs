//! # Kata 5: one generic repository instead of one per table
//!
//! **Build** [`Repo<E>`](Repo): create-table, insert, get, all, update and delete written
//! **once**, for any type that implements [`Entity`]; then the two `Entity` impls the kata
//! needs ([`Warrior`] and [`Weapon`]: their table and columns are given, write `values` and
//! `from_row`).
//!
//! **Why.** A hand-written repository per table is fine for three tables. With fifty, the same
//! five methods are copied fifty times, and every copy is a place for a bug (a forgotten
//! column in one `UPDATE`, a missing `ORDER BY` in one `all`). The article's answer is a
//! generic base class or an ORM. The test of genericity is simple: adding a table must be one
//! trait impl and nothing else — the tests bring a table your code has never heard of.
//!
//! **Python → Rust.** Python's generic base class reads table and column names from class
//! attributes at run time, and a metaclass-based ORM builds the SQL for you. In Rust the
//! entity's description is a trait with associated constants (`TABLE`, `COLUMNS`) and two
//! conversions; the repository is generic over it (`impl<E: Entity> Repo<'_, E>`), and the
//! compiler makes one copy of the code per entity for you. [`rusqlite::types::Value`] carries
//! values of any SQLite type; `rusqlite::params_from_iter` binds a list of them.
//!
//! **The tests check.**
//! - Full CRUD on warriors and weapons, a `NULL` owner included (`update` replaces every
//!   column, the first one included); `insert` returns the id of the row it inserted, even when
//!   a trigger adds an identical row right after it (so not a `SELECT max(id)` nor a lookup by
//!   the values); `get` of a missing
//!   id is `Ok(None)`, `update` and `delete` of one are `Ok(false)`. Checked by
//!   `warriors_insert_get_update_delete`, `weapons_keep_a_null_owner`,
//!   `missing_ids_are_none_and_false`.
//! - `update` changes the row in place: an update SQLite refuses (the tests create the table
//!   with a `CHECK` before `create_table`) is [`RepoError::Sqlite`] and leaves the row exactly
//!   as it was (a `DELETE` and then an `INSERT` would lose it); to SQLite it is an update,
//!   not a delete and an insert (`REPLACE INTO` is both) nor an `INSERT … ON CONFLICT DO
//!   UPDATE`: the tests watch the table's `BEFORE` and `AFTER` `INSERT`, `UPDATE` and `DELETE`
//!   triggers (only the two `UPDATE` ones fire, once each) and a row that
//!   references it `ON DELETE CASCADE` (it stays). Checked by
//!   `an_update_sqlite_refuses_leaves_the_row_as_it_was`,
//!   `an_update_is_an_update_to_sqlite_not_a_delete_and_an_insert`.
//! - The CRUD is generic: a third and a fourth entity, defined only in the tests, work with one
//!   trait impl each, side by side on one connection; every statement comes from the entity's
//!   `TABLE` and `COLUMNS`, not from the table's name: an entity the tests define on the table
//!   names `warriors` and `weapons`, with the columns `title`, `name` and `power`, gets the
//!   whole CRUD (SQL written by hand per known table, chosen by a `match` on `E::TABLE`, does
//!   not fit it), right after [`Warrior`] or [`Weapon`] ran on that table name in the same
//!   thread (SQL cached under the table name alone, not the entity, does not fit it either).
//!   Checked by `a_third_table_is_only_a_trait_impl`,
//!   `two_entities_live_side_by_side_on_one_connection`,
//!   `the_sql_comes_from_the_entity_not_from_its_table_name`.
//! - Identifiers (table and column names) come from the entity and are formatted into the SQL,
//!   always quoted: wrap each in double quotes and double any `"` inside (`order` is an SQL
//!   keyword; a table may be named `camp "notes"`, written `"camp ""notes"""` in every
//!   statement that names it, as the trace hook reads; `[name]` and `` `name` `` quoting end
//!   at the first `]` or `` ` `` a name may hold, and `'name'` is a string). Plain names are
//!   quoted too, not only those that look like they need it: the tests bring columns named
//!   `limit`, `check`, `default` and `values` (a keyword list of your own misses some), and
//!   the trace hook finds no statement naming the plain table `tallies` or column `count_`
//!   outside double quotes. Checked by
//!   `identifiers_with_spaces_and_quotes_are_quoted`, `a_third_table_is_only_a_trait_impl`,
//!   `identifiers_with_brackets_and_backticks_are_quoted_in_double_quotes`,
//!   `every_identifier_is_quoted_even_a_plain_one`.
//! - Values and ids are never formatted in: they are bound parameters (the trace hook reads the
//!   SQL text of insert, get, update, delete and all; the same calls on other values and ids
//!   must run the same texts, so no spelling of a pasted value, hex or blob literals included,
//!   passes). Checked by
//!   `values_are_bound_not_pasted_into_the_sql`, `no_value_and_no_id_is_ever_pasted_into_the_sql`.
//! - Every table has the primary key `id INTEGER PRIMARY KEY`; `create_table` creates `id` plus
//!   one (untyped) column per entry of `COLUMNS`, only if the table is missing: calling it again
//!   keeps the table and its rows. Checked by `create_table_again_keeps_the_table_and_its_rows`.
//! - If `values()` does not give exactly one value per column, `insert` and `update` return
//!   [`RepoError::WrongArity`] before preparing or running any SQL (the test uses a table that
//!   does not exist, so a prepared statement would fail first). Checked by
//!   `values_that_do_not_match_the_columns_are_refused`.
//! - `all` returns `(id, entity)` pairs in id order, asked of SQLite with `ORDER BY` in the SQL
//!   it runs (as SQL: the words in a comment or a string do not count, and a `GROUP BY id`
//!   promises no order), not sorted in Rust (the tests turn on
//!   `PRAGMA reverse_unordered_selects`, which must still be on after the call, read
//!   the SQL text through the trace hook, and run that `SELECT` again themselves: its rows come
//!   in id order, some column holding the ids), and is what was inserted minus what was
//!   deleted. [`Entity::from_row`] reads columns by name, so the repository may select `*` or
//!   `id` plus the columns. Checked by
//!   `all_orders_by_id_even_when_sqlite_returns_unordered_rows_backwards`,
//!   `all_returns_what_was_inserted_minus_what_was_deleted`.
//! - `all` is one statement, whatever the number of rows (no `SELECT id` and then `get` per
//!   id: the N+1 query); SQLite produces one row per entity. Checked by
//!   `all_runs_one_statement_whatever_the_number_of_rows`.
//! - `get` finds its row in SQL (`WHERE id = ?1`): SQLite produces one row, not the whole
//!   table for a Rust loop to search, and seeks it by the primary key: no statement takes a
//!   step of a full table scan or as many VM steps as the table has rows (so neither one row
//!   packing the whole table nor a sort of it passes). Checked by
//!   `get_looks_up_one_row_in_sql_not_in_rust`.
//! - Working on a table that does not exist is [`RepoError::Sqlite`]. Checked by
//!   `a_missing_table_is_an_sqlite_error`.
//! - [`Warrior`]'s and [`Weapon`]'s `from_row` read each column by its name: handed a row
//!   whose columns come in another order (a decoy column first, the columns in reverse order,
//!   `id` last), they build the same entity. Checked by
//!   `from_row_reads_columns_by_name_in_any_order`.
//!
//! **Not checked.** SQL written by hand for exactly [`Warrior`]'s or [`Weapon`]'s description
//! (its table and the same columns in the same order), quoted as above, runs like the generic
//! SQL for that description: no test tells the two apart.

use std::marker::PhantomData;

use rusqlite::types::Value;
use rusqlite::{Connection, Row};

/// A type stored in a table of its own, with an `INTEGER PRIMARY KEY` column named `id`.
pub trait Entity: Sized {
    /// The table's name.
    const TABLE: &'static str;
    /// The stored columns except `id`, in the order [`Entity::values`] gives them.
    const COLUMNS: &'static [&'static str];
    /// The values to store, one per entry of [`Entity::COLUMNS`], in the same order.
    fn values(&self) -> Vec<Value>;
    /// Builds the entity from a row that has (at least) every column of [`Entity::COLUMNS`],
    /// reading the columns by name.
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self>;
}

/// Why a repository call failed.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// [`Entity::values`] gave a different number of values than [`Entity::COLUMNS`] names.
    #[error("{table}: {columns} columns but {values} values")]
    WrongArity {
        /// The entity's table.
        table: &'static str,
        /// How many columns the entity declares.
        columns: usize,
        /// How many values it gave.
        values: usize,
    },
    /// SQLite refused a statement.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// A warrior (table `warriors`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warrior {
    /// Display name.
    pub name: String,
    /// Power level.
    pub power: i64,
}

/// A weapon (table `weapons`), possibly carried by a warrior.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weapon {
    /// The weapon's name.
    pub name: String,
    /// Damage per strike.
    pub damage: i64,
    /// The id of the warrior carrying it, if any.
    pub warrior_id: Option<i64>,
}

impl Entity for Warrior {
    const TABLE: &'static str = "warriors";
    const COLUMNS: &'static [&'static str] = &["name", "power"];

    fn values(&self) -> Vec<Value> {
        todo!("the values of {self:?}, in column order")
    }

    fn from_row(_row: &Row<'_>) -> rusqlite::Result<Self> {
        todo!("read a warrior from a row, by column name")
    }
}

impl Entity for Weapon {
    const TABLE: &'static str = "weapons";
    const COLUMNS: &'static [&'static str] = &["name", "damage", "warrior_id"];

    fn values(&self) -> Vec<Value> {
        todo!("the values of {self:?}, in column order")
    }

    fn from_row(_row: &Row<'_>) -> rusqlite::Result<Self> {
        todo!("read a weapon from a row, by column name")
    }
}

/// CRUD for any [`Entity`], over a borrowed connection.
#[derive(Debug)]
pub struct Repo<'c, E> {
    conn: &'c Connection,
    entity: PhantomData<fn() -> E>,
}

impl<'c, E: Entity> Repo<'c, E> {
    /// A repository for `E` on `conn`.
    pub fn new(conn: &'c Connection) -> Self {
        Self {
            conn,
            entity: PhantomData,
        }
    }

    /// Creates `E`'s table if it is missing: `id INTEGER PRIMARY KEY` plus one column per entry of `COLUMNS`.
    pub fn create_table(&self) -> Result<(), RepoError> {
        todo!("create table {:?} on {:?}", E::TABLE, self.conn.path())
    }

    /// Stores `entity` and returns its new id.
    pub fn insert(&self, _entity: &E) -> Result<i64, RepoError> {
        todo!("insert into {:?}", E::TABLE)
    }

    /// The entity with this id, if any.
    pub fn get(&self, id: i64) -> Result<Option<E>, RepoError> {
        todo!("get {id} from {:?}", E::TABLE)
    }

    /// Every entity with its id, in id order.
    pub fn all(&self) -> Result<Vec<(i64, E)>, RepoError> {
        todo!("list every row of {:?}", E::TABLE)
    }

    /// Replaces the stored columns of the entity with this id; `false` if there is none.
    pub fn update(&self, id: i64, _entity: &E) -> Result<bool, RepoError> {
        todo!("update {id} in {:?}", E::TABLE)
    }

    /// Deletes the entity with this id; `false` if there is none.
    pub fn delete(&self, id: i64) -> Result<bool, RepoError> {
        todo!("delete {id} from {:?}", E::TABLE)
    }
}
