//! Dodge: a "generic" repository that really holds hand-written SQL for warriors and weapons and dispatches on the table name; a third table needs another copy.
//! Caught by: a_third_table_is_only_a_trait_impl, identifiers_with_spaces_and_quotes_are_quoted, two_entities_live_side_by_side_on_one_connection, all_returns_what_was_inserted_minus_what_was_deleted

use std::marker::PhantomData;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter};

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
        vec![Value::from(self.name.clone()), Value::from(self.power)]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            name: row.get("name")?,
            power: row.get("power")?,
        })
    }
}

impl Entity for Weapon {
    const TABLE: &'static str = "weapons";
    const COLUMNS: &'static [&'static str] = &["name", "damage", "warrior_id"];

    fn values(&self) -> Vec<Value> {
        vec![
            Value::from(self.name.clone()),
            Value::from(self.damage),
            Value::from(self.warrior_id),
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            name: row.get("name")?,
            damage: row.get("damage")?,
            warrior_id: row.get("warrior_id")?,
        })
    }
}

/// CRUD for any [`Entity`], over a borrowed connection.
#[derive(Debug)]
pub struct Repo<'c, E> {
    conn: &'c Connection,
    entity: PhantomData<fn() -> E>,
}

/// The SQL of one table, written out by hand: one copy per table.
struct TableSql {
    create: &'static str,
    insert: &'static str,
    get: &'static str,
    all: &'static str,
    update: &'static str,
    delete: &'static str,
}

const WARRIORS: TableSql = TableSql {
    create: "CREATE TABLE IF NOT EXISTS warriors (id INTEGER PRIMARY KEY, name, power)",
    insert: "INSERT INTO warriors (name, power) VALUES (?1, ?2)",
    get: "SELECT * FROM warriors WHERE id = ?1",
    all: "SELECT * FROM warriors ORDER BY id",
    update: "UPDATE warriors SET name = ?1, power = ?2 WHERE id = ?3",
    delete: "DELETE FROM warriors WHERE id = ?1",
};

const WEAPONS: TableSql = TableSql {
    create: "CREATE TABLE IF NOT EXISTS weapons (id INTEGER PRIMARY KEY, name, damage, warrior_id)",
    insert: "INSERT INTO weapons (name, damage, warrior_id) VALUES (?1, ?2, ?3)",
    get: "SELECT * FROM weapons WHERE id = ?1",
    all: "SELECT * FROM weapons ORDER BY id",
    update: "UPDATE weapons SET name = ?1, damage = ?2, warrior_id = ?3 WHERE id = ?4",
    delete: "DELETE FROM weapons WHERE id = ?1",
};

fn table_sql<E: Entity>() -> Result<&'static TableSql, RepoError> {
    match E::TABLE {
        "warriors" => Ok(&WARRIORS),
        "weapons" => Ok(&WEAPONS),
        _ => Err(RepoError::Sqlite(rusqlite::Error::InvalidQuery)),
    }
}

impl<'c, E: Entity> Repo<'c, E> {
    /// A repository for `E` on `conn`.
    pub fn new(conn: &'c Connection) -> Self {
        Self {
            conn,
            entity: PhantomData,
        }
    }

    /// Creates `E`'s table if it is missing.
    pub fn create_table(&self) -> Result<(), RepoError> {
        self.conn.execute(table_sql::<E>()?.create, [])?;
        Ok(())
    }

    /// Stores `entity` and returns its new id.
    pub fn insert(&self, entity: &E) -> Result<i64, RepoError> {
        let values = checked_values(entity)?;
        self.conn
            .execute(table_sql::<E>()?.insert, params_from_iter(values))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The entity with this id, if any.
    pub fn get(&self, id: i64) -> Result<Option<E>, RepoError> {
        Ok(self
            .conn
            .query_row(table_sql::<E>()?.get, [id], E::from_row)
            .optional()?)
    }

    /// Every entity with its id, in id order.
    pub fn all(&self) -> Result<Vec<(i64, E)>, RepoError> {
        let mut stmt = self.conn.prepare(table_sql::<E>()?.all)?;
        let rows = stmt.query_map([], |row| Ok((row.get("id")?, E::from_row(row)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces the stored columns of the entity with this id; `false` if there is none.
    pub fn update(&self, id: i64, entity: &E) -> Result<bool, RepoError> {
        let mut values = checked_values(entity)?;
        values.push(Value::from(id));
        Ok(self
            .conn
            .execute(table_sql::<E>()?.update, params_from_iter(values))?
            == 1)
    }

    /// Deletes the entity with this id; `false` if there is none.
    pub fn delete(&self, id: i64) -> Result<bool, RepoError> {
        Ok(self.conn.execute(table_sql::<E>()?.delete, [id])? == 1)
    }
}

fn checked_values<E: Entity>(entity: &E) -> Result<Vec<Value>, RepoError> {
    let values = entity.values();
    if values.len() == E::COLUMNS.len() {
        Ok(values)
    } else {
        Err(RepoError::WrongArity {
            table: E::TABLE,
            columns: E::COLUMNS.len(),
            values: values.len(),
        })
    }
}
