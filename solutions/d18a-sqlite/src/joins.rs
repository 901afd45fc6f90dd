//! # Kata 5 — Joins
//!
//! **Build** three views of warriors and their weapons: the inner join (only armed
//! warriors), the left join (every warrior, `None` where unarmed) and the full outer
//! "battlefield view" (every warrior and every weapon, matched where possible) — written
//! the portable way, without `FULL OUTER JOIN`. Then [`render`] a view as a text table.
//!
//! **Why:** choosing the wrong join silently drops rows: an inner join hides every unarmed
//! warrior, and reports built on it under-count without any error.
//!
//! **Python → Rust:** the SQL is the same; what Rust adds is that a `NULL` from the outer
//! side arrives as `Option<String>`, so "unarmed" is a type the compiler makes you handle
//! rather than a `None` that blows up later. SQLite only gained `RIGHT` and `FULL OUTER
//! JOIN` in 3.39 (2022). The `bundled` feature compiles a current SQLite into your binary,
//! so in Rust you *can* rely on them — but the portable form (a left join, `UNION ALL`,
//! and the unmatched right-hand rows found with an anti-join) still runs on every SQLite,
//! and the suite checks it against the native join. Use `UNION ALL` plus the anti-join,
//! not plain `UNION`: `UNION` also removes genuinely duplicate rows (two warriors with the
//! same name and weapon), which `FULL OUTER JOIN` keeps.
//!
//! **Schema:** [`SCHEMA`]. A weapon is owned by the warriors whose `weapon_id` points at it.
//!
//! **Order** (so results are comparable): by warrior name, with rows that have no warrior
//! last, then by weapon name, with no weapon first.
//!
//! **The tests check.**
//! - each view on a small battlefield (insta snapshots of the rendered tables). Checked by
//!   `the_inner_join_hides_unarmed_warriors_and_unclaimed_weapons`,
//!   `the_left_join_keeps_unarmed_warriors_with_none`,
//!   `the_battlefield_view_shows_every_warrior_and_every_weapon`.
//! - through SQLite's statement trace: each view is one query containing a `JOIN`, and the
//!   rows SQLite returns are exactly the rows the view returns (nothing joined, filtered or
//!   appended in Rust); no view reads `weapons` (or its alias) in a scalar or list subquery
//!   of its query plan (a weapon looked up per warrior is not a join; in the battlefield only
//!   the anti-join may use a subquery, over `warriors`); the battlefield query uses neither `FULL` nor `RIGHT`, and its query
//!   plan (`EXPLAIN QUERY PLAN` of the traced statement) is a `UNION ALL` whose only temp
//!   b-tree is the sort for the final `ORDER BY` (of the outer query, or of the `UNION ALL`'s
//!   arms; not inside a subquery): a pass that removes duplicates (`UNION`, `DISTINCT`,
//!   `GROUP BY`, `EXCEPT`, a window function's partition sort) made safe by selecting both
//!   ids still sorts every row away, where `UNION ALL` and an anti-join (`LEFT JOIN ... IS
//!   NULL`, `NOT EXISTS`, `NOT IN`) never produce the duplicates. Checked by
//!   `each_view_is_one_join_query_whose_rows_are_the_answer`,
//!   `the_battlefield_view_is_written_without_full_or_right_joins`.
//! - the order is the query's: each view returns its rows in exactly the order its own SQL
//!   returns them when run again (the `ORDER BY` is in SQL, not a sort in Rust). Checked by
//!   `each_view_returns_rows_in_the_order_its_query_sorted_them`.
//! - a warrior whose `weapon_id` matches no weapon (foreign keys off) is unarmed: the left
//!   join and the battlefield view keep it with `None`, as `FULL OUTER JOIN` does (the
//!   unmatched rows come from the failed match, not from `weapon_id IS NULL`). Checked by
//!   `a_warrior_whose_weapon_is_gone_still_appears`.
//! - duplicate pairs are kept (`UNION ALL`, not `UNION`), and the portable battlefield view
//!   agrees with SQLite's native `FULL OUTER JOIN` on random data. Checked by
//!   `duplicate_pairs_are_kept_as_the_native_full_join_keeps_them`,
//!   `the_native_full_outer_join_gives_the_same_battlefield`,
//!   `the_portable_view_agrees_with_sqlites_native_full_outer_join`.
//! - [`battlefield_native`] is one query with SQLite's own `FULL OUTER JOIN` (or `FULL
//!   JOIN`, the same join: `OUTER` is optional; any spacing or case). Checked by
//!   `the_native_view_really_uses_full_outer_join`.
//! - the edges: empty tables, weapons with no warriors, an error (not a panic) without the
//!   schema. Checked by `an_empty_battlefield_gives_empty_views`,
//!   `only_unclaimed_weapons_appear_with_no_warrior`,
//!   `a_database_without_the_schema_is_an_error_not_a_panic`.
//! - `render` pads the warrior column to the longest warrior name, counted in characters (not
//!   bytes). Checked by `render_pads_the_warrior_column_to_the_longest_name`,
//!   `render_pads_by_characters_not_bytes`.
//!
//! **Not checked.** How the inner join is spelled: `LEFT JOIN ... WHERE weapons.name IS NOT
//! NULL` returns the same rows, computed by SQLite (whose planner turns that left join into
//! an inner join), so it is the same query, not a shortcut.

use rusqlite::Connection;

/// The tables the joins read.
pub const SCHEMA: &str = "CREATE TABLE weapons (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE warriors (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    weapon_id INTEGER REFERENCES weapons (id)
);";

/// One row of a join: a warrior's name and a weapon's name, either possibly missing.
pub type Pairing = (Option<String>, Option<String>);

const ORDER: &str = "ORDER BY warrior IS NULL, warrior, weapon IS NOT NULL, weapon";

/// Armed warriors only, with their weapon.
pub fn inner_join(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let sql = format!(
        "SELECT warriors.name AS warrior, weapons.name AS weapon
         FROM warriors INNER JOIN weapons ON warriors.weapon_id = weapons.id {ORDER}"
    );
    collect(conn, &sql)
}

/// Every warrior, with `None` where unarmed.
pub fn left_join(conn: &Connection) -> rusqlite::Result<Vec<(String, Option<String>)>> {
    let sql = format!(
        "SELECT warriors.name AS warrior, weapons.name AS weapon
         FROM warriors LEFT JOIN weapons ON warriors.weapon_id = weapons.id {ORDER}"
    );
    collect(conn, &sql)
}

/// Every warrior and every weapon, written without `RIGHT` or `FULL OUTER JOIN`.
pub fn battlefield(conn: &Connection) -> rusqlite::Result<Vec<Pairing>> {
    let sql = format!(
        "SELECT warrior, weapon FROM (
             SELECT warriors.name AS warrior, weapons.name AS weapon
             FROM warriors LEFT JOIN weapons ON warriors.weapon_id = weapons.id
             UNION ALL
             SELECT NULL, weapons.name
             FROM weapons LEFT JOIN warriors ON warriors.weapon_id = weapons.id
             WHERE warriors.id IS NULL
         ) {ORDER}"
    );
    collect(conn, &sql)
}

/// The same view with SQLite's native `FULL OUTER JOIN` (3.39+), to check against.
pub fn battlefield_native(conn: &Connection) -> rusqlite::Result<Vec<Pairing>> {
    let sql = format!(
        "SELECT warriors.name AS warrior, weapons.name AS weapon
         FROM warriors FULL OUTER JOIN weapons ON warriors.weapon_id = weapons.id {ORDER}"
    );
    collect(conn, &sql)
}

/// Renders rows as a pipe table with the header `warrior | weapon`; `None` shows as `NULL`.
pub fn render(rows: &[Pairing]) -> String {
    let cell = |value: &Option<String>| value.as_deref().unwrap_or("NULL").to_owned();
    let cells: Vec<[String; 2]> = rows.iter().map(|(a, b)| [cell(a), cell(b)]).collect();
    let width = cells
        .iter()
        .map(|[warrior, _]| warrior.chars().count())
        .chain(["warrior".len()])
        .max()
        .unwrap_or_default();
    let mut out = format!("{:<width$} | weapon\n", "warrior");
    out.push_str(&format!("{}-+-{}\n", "-".repeat(width), "-".repeat(6)));
    for [warrior, weapon] in &cells {
        out.push_str(&format!("{warrior:<width$} | {weapon}\n"));
    }
    out
}

fn collect<A, B>(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<(A, B)>>
where
    A: rusqlite::types::FromSql,
    B: rusqlite::types::FromSql,
{
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}
