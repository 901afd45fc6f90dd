//! Dodge: composite indexes that contain the right columns but start with another one; SQLite can only search an index by its leading column, so the lookups still scan.
//! Caught by: the_email_lookup_searches_an_email_index_once_indexed, the_email_lookup_takes_no_full_scan_step_once_indexed, the_join_searches_weapons_through_an_index_on_warrior_id, the_join_needs_no_automatic_index_once_indexed, ensure_indexes_refuses_duplicate_emails

use rusqlite::{Connection, OptionalExtension};

/// The tables this kata reads: no index but the primary keys.
pub const SCHEMA: &str = "CREATE TABLE warriors (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT NOT NULL,
    power INTEGER NOT NULL
);
CREATE TABLE weapons (
    id         INTEGER PRIMARY KEY,
    warrior_id INTEGER REFERENCES warriors (id),
    name       TEXT NOT NULL
);";

/// The join that [`ensure_indexes`] must speed up.
pub const LOADOUT_SQL: &str = "SELECT warriors.name, weapons.name
FROM warriors
LEFT JOIN weapons ON weapons.warrior_id = warriors.id";

/// One row of `EXPLAIN QUERY PLAN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    /// This step's id.
    pub id: i64,
    /// The id of the step this one is nested in (0 at the top level).
    pub parent: i64,
    /// SQLite's description, such as `SCAN warriors` or `SEARCH warriors USING INDEX …`.
    pub detail: String,
}

/// A warrior as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warrior {
    /// Primary key.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Unique e-mail address.
    pub email: String,
    /// Power level.
    pub power: i64,
}

/// The query plan SQLite chooses for `sql`, one step per row, in the order SQLite gives.
pub fn explain(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<PlanStep>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let steps = stmt.query_map([], |row| {
        Ok(PlanStep {
            id: row.get("id")?,
            parent: row.get("parent")?,
            detail: row.get("detail")?,
        })
    })?;
    steps.collect()
}

/// Creates (if missing) the indexes for the e-mail lookup and for [`LOADOUT_SQL`].
pub fn ensure_indexes(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE UNIQUE INDEX IF NOT EXISTS warriors_by_name_email ON warriors (name, email);
         CREATE INDEX IF NOT EXISTS weapons_by_name_warrior ON weapons (name, warrior_id);",
    )
}

/// The warrior whose e-mail is exactly `email`, if any.
pub fn find_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<Warrior>> {
    conn.query_row(
        "SELECT id, name, email, power FROM warriors WHERE email = ?1",
        [email],
        |row| {
            Ok(Warrior {
                id: row.get(0)?,
                name: row.get(1)?,
                email: row.get(2)?,
                power: row.get(3)?,
            })
        },
    )
    .optional()
}

/// Draws `steps` as a tree the way the `sqlite3` shell does: a `QUERY PLAN` line, then one
/// line per step, children under their parent in the given order.
pub fn render_plan(steps: &[PlanStep]) -> String {
    let mut out = String::from("QUERY PLAN\n");
    let top: Vec<&PlanStep> = steps
        .iter()
        .filter(|step| !steps.iter().any(|other| other.id == step.parent))
        .collect();
    draw(steps, &top, "", &mut Vec::new(), &mut out);
    out
}

/// Draws one level; `drawn` keeps malformed input (a parent cycle) from recursing forever.
fn draw(
    steps: &[PlanStep],
    level: &[&PlanStep],
    prefix: &str,
    drawn: &mut Vec<i64>,
    out: &mut String,
) {
    for (i, step) in level.iter().enumerate() {
        if drawn.contains(&step.id) {
            continue;
        }
        drawn.push(step.id);
        let last = i + 1 == level.len();
        out.push_str(prefix);
        out.push_str(if last { "`--" } else { "|--" });
        out.push_str(&step.detail);
        out.push('\n');
        let children: Vec<&PlanStep> = steps.iter().filter(|s| s.parent == step.id).collect();
        let deeper = format!("{prefix}{}", if last { "   " } else { "|  " });
        draw(steps, &children, &deeper, drawn, out);
    }
}
