//! Dodge: N+1 with the inner query prepared once and re-run per warrior; preparing once saves the compile, not the N extra statement runs.
//! Caught by: fifty_warriors_take_exactly_one_statement, the_statement_count_does_not_grow_with_the_roster::case_1_one_warrior, the_statement_count_does_not_grow_with_the_roster::case_2_ten_warriors, the_statement_count_does_not_grow_with_the_roster::case_3_two_hundred_warriors, agrees_with_the_n_plus_one_loop_in_one_statement

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
    let mut stmt = conn.prepare("SELECT id, name FROM warriors ORDER BY id")?;
    let warriors = stmt
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut weapons_of =
        conn.prepare("SELECT name FROM weapons WHERE warrior_id = ?1 ORDER BY id")?;
    let mut loadouts = Vec::new();
    for (id, name) in warriors {
        let weapons = weapons_of
            .query_map([id], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        loadouts.push(Loadout { id, name, weapons });
    }
    Ok(loadouts)
}
