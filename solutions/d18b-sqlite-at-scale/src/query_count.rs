//! # Kata 1: count your queries (N+1 against one JOIN)
//!
//! Every warrior with their weapons, fetched in one statement and grouped in Rust.

use rusqlite::Connection;

/// The tables this kata reads. A weapon belongs to at most one warrior.
pub const SCHEMA: &str = "CREATE TABLE warriors (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE weapons (
    id         INTEGER PRIMARY KEY,
    warrior_id INTEGER REFERENCES warriors (id),
    name       TEXT NOT NULL
);
CREATE INDEX weapons_by_warrior ON weapons (warrior_id);";

/// One warrior and the names of the weapons they carry (empty when unarmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loadout {
    /// The warrior's id.
    pub id: i64,
    /// The warrior's name.
    pub name: String,
    /// The weapons' names, in weapon id order.
    pub weapons: Vec<String>,
}

/// Every warrior in id order with their weapons in weapon id order, in exactly one statement.
pub fn warriors_with_weapons(conn: &Connection) -> rusqlite::Result<Vec<Loadout>> {
    let mut stmt = conn.prepare(
        "SELECT w.id, w.name, a.name
         FROM warriors AS w
         LEFT JOIN weapons AS a ON a.warrior_id = w.id
         ORDER BY w.id, a.id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut loadouts: Vec<Loadout> = Vec::new();
    for row in rows {
        let (id, name, weapon) = row?;
        match loadouts.last_mut() {
            Some(last) if last.id == id => last.weapons.extend(weapon),
            _ => loadouts.push(Loadout {
                id,
                name,
                weapons: weapon.into_iter().collect(),
            }),
        }
    }
    Ok(loadouts)
}
