//! # Kata 1: count your queries (N+1 against one JOIN)
//!
//! **Build** [`warriors_with_weapons`]: every warrior, in id order, with the names of the
//! weapons they carry (in weapon id order; an empty list for an unarmed warrior), fetched
//! with **exactly one SQL statement**, whatever the number of warriors.
//!
//! **Why.** The obvious code asks for the warriors, then loops and asks for each warrior's
//! weapons:
//!
//! ```text
//! SELECT id, name FROM warriors ORDER BY id            -- 1 statement
//! for each warrior:
//!     SELECT name FROM weapons WHERE warrior_id = ?1   -- N more statements
//! ```
//!
//! It returns the right rows, and it passes every test that only looks at rows. With 1,000
//! warriors it is 1,001 statements; against a database server each is a network round trip,
//! and a page that took 5 ms with ten rows takes seconds in production. Preparing the inner
//! statement once does not fix it: it still runs N times. A `LEFT JOIN` sends the loop down
//! into the database engine: one statement, one pass.
//!
//! **Python → Rust.** The SQL is the same as in the article. What the Python version leaves
//! to `for warrior_name, weapon_name in rows` is here a small fold: the join gives one row
//! per (warrior, weapon) pair, plus one row with a `NULL` weapon (an `Option<String>`) for
//! an unarmed warrior, and you group consecutive rows of the same warrior id into one
//! [`Loadout`]. Order the rows so that grouping is a single pass. Group by id, not by name:
//! two warriors may share a name.
//!
//! **The tests check.**
//! - Every warrior comes back once, in id order, with their weapons' names in weapon id order.
//!   Checked by `returns_every_warrior_with_their_weapons_in_id_order`,
//!   `a_warrior_with_three_weapons_appears_once_with_all_three_in_weapon_id_order`.
//! - An unarmed warrior has an empty list; an empty roster is an empty list. Checked by
//!   `an_unarmed_warrior_is_listed_with_no_weapons`, `an_empty_roster_gives_an_empty_list`.
//! - Rows are grouped by warrior id, not by name. Checked by
//!   `two_warriors_with_the_same_name_stay_apart`.
//! - Text comes back exactly: quotes, non-ASCII, and weapon names that contain commas or other
//!   separators, even a NUL byte (so no `group_concat` and split). Checked by
//!   `names_with_quotes_and_unicode_come_back_unchanged`,
//!   `weapon_names_with_commas_and_separators_stay_whole`,
//!   `a_weapon_name_holding_a_nul_byte_stays_whole`.
//! - The order is asked of SQLite with `ORDER BY`, not assumed: the tests turn on
//!   `PRAGMA reverse_unordered_selects`, and replace `weapons_by_warrior` with an index on
//!   `(warrior_id, name DESC)` so that walking it gives each warrior's weapons in another order.
//!   The pragma must still be on after the call. Nor is it sorted in Rust: the statement that
//!   runs says `ORDER BY` as SQL (the words in a comment or a string do not count, and a
//!   `GROUP BY` promises no order), and run again by the
//!   tests its rows come grouped by warrior in warrior id order (some column holds the warrior
//!   ids in order), with weapons forged out of warrior order, and each warrior's weapons in
//!   weapon id order under the index above (some column holds the weapon names in that order).
//!   Checked by `the_order_is_asked_of_sqlite_not_assumed`,
//!   `weapon_order_is_asked_for_even_when_the_index_walks_another_way`,
//!   `the_one_statement_orders_its_rows_itself`,
//!   `the_rows_arrive_grouped_by_warrior_in_id_order`.
//! - SQLite does the matching: it returns exactly one row per (warrior, weapon) pair and one per
//!   unarmed warrior (the trace hook counts result rows), not every warrior paired with every
//!   weapon for Rust to filter. Checked by
//!   `sqlite_returns_one_row_per_weapon_and_one_per_unarmed_warrior`.
//! - The one statement is a join, not a subquery run once per warrior (the N+1 loop moved into
//!   SQLite): its `EXPLAIN QUERY PLAN` has no `CORRELATED` step. Nor does it stack both tables
//!   with `UNION` for Rust to pair up: the plan has no `COMPOUND` or `UNION` step. Checked by
//!   `the_one_statement_runs_no_subquery_per_warrior`,
//!   `the_one_statement_joins_the_tables_instead_of_stacking_them`.
//! - The join reads the warriors and finds each warrior's weapons through the
//!   `weapons_by_warrior` index, not by scanning the weapons table once per warrior (a join
//!   condition the index cannot serve, such as `a.warrior_id + 0 = w.id`) nor once whole
//!   (`weapons RIGHT JOIN warriors`, with the weapons driving the join): for 300 warriors with
//!   600 weapons SQLite's statement counters show at most 300 full-scan steps and no automatic
//!   index, and the statement's `EXPLAIN QUERY PLAN` has a `SEARCH` step using
//!   `weapons_by_warrior`. Checked by `the_join_finds_each_warriors_weapons_through_the_index`.
//! - Exactly one statement runs (SQLite's trace hook sees every statement, whatever comment it
//!   starts with), for 1, 10, 50, 200 or 10,000 warriors and for random rosters, whose result
//!   agrees with the N+1 loop. No paging through the roster, whatever its size: the one
//!   statement says no `LIMIT`, `OFFSET` or `OVER` (a page bound by count), and the rosters of
//!   1 to 10,000 warriors also hold warriors at ids `i64::MIN` and `i64::MAX` (a page of ids,
//!   however wide, misses one or takes another statement). Checked by
//!   `fifty_warriors_take_exactly_one_statement`,
//!   `the_statement_count_does_not_grow_with_the_roster`,
//!   `agrees_with_the_n_plus_one_loop_in_one_statement`.
//! - Missing tables are an error, not a panic. Checked by
//!   `a_database_without_the_tables_is_an_error_not_a_panic`.
//!
//! **Not checked.** Time: the bench measures it (see the README). How the ordered rows are
//! folded in Rust: buffering them in a map and sorting the warriors again gives the same result
//! from the same one ordered statement (redundant work, not a second query or an unasked order),
//! and the result is a whole `Vec` either way.

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
