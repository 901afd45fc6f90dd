//! # Kata 2: read the query plan
//!
//! **Build**
//! - [`explain`]: the rows of `EXPLAIN QUERY PLAN <sql>` as [`PlanStep`]s, in SQLite's order
//!   (the statement has columns `id`, `parent`, `notused` and `detail`);
//! - [`render_plan`]: those steps drawn as a tree, the way the `sqlite3` shell prints them;
//! - [`ensure_indexes`]: the two one-column indexes that make the e-mail lookup and
//!   [`LOADOUT_SQL`] use an index, and no others (every index is paid for on each write: see the
//!   write_tax kata); calling it again must change nothing;
//! - [`find_by_email`]: the warrior whose e-mail is exactly the given text (case and all), with
//!   the address as a bound parameter.
//!
//! **Why.** Without an index, `WHERE email = ?1` makes SQLite read every row of the table (a
//! `SCAN`): fine with 100 rows, a disaster with 10 million, and no test that only checks
//! results will notice. With an index whose *first* column is `email` the same query becomes
//! a `SEARCH` of a b-tree: a handful of page reads. An index on the wrong column, or a
//! composite index that starts with another column, leaves the scan in place. The query plan
//! is how you find out, before production does.
//!
//! **Python → Rust.** The article's `CREATE INDEX idx_user_email ON Users(email)` is the same
//! SQL here; what it does not show is how to *check* that an index is used. SQLite answers with
//! `EXPLAIN QUERY PLAN`: each row's `detail` reads like `SCAN warriors` or
//! `SEARCH warriors USING INDEX warriors_by_email (email=?)` (older SQLite versions say
//! `SCAN TABLE warriors`). For a join SQLite may also build an `AUTOMATIC` index: a temporary
//! one, rebuilt on every run of the query, which is SQLite telling you an index is missing.
//!
//! **Drawing a plan.** [`render_plan`] writes the line `QUERY PLAN`, then one line per step:
//! the prefix of its level, then `` `-- `` for the last step of a level or `|--` for the others,
//! then the detail. A child's prefix is its parent's prefix plus `|  ` (parent not last) or
//! three spaces (parent last), at every depth. Children follow their parent in the order given,
//! even when the list does not come depth-first (a child listed after steps of another branch
//! is still drawn right under its parent).
//! A step whose parent is not in the list is drawn at the top level. Every line ends with `\n`.
//! For example:
//!
//! ```text
//! QUERY PLAN
//! |--SCAN warriors
//! |--CORRELATED SCALAR SUBQUERY 1
//! |  `--SEARCH weapons USING INDEX weapons_by_warrior (warrior_id=?)
//! `--USE TEMP B-TREE FOR ORDER BY
//! ```
//!
//! **The tests check.**
//! - [`explain`] returns SQLite's own rows (id, parent, detail) in SQLite's order, for a join
//!   and for a nested plan (a correlated subquery), and an error for invalid SQL. Checked by `explain_reports_a_scan_for_an_unindexed_lookup`,
//!   `explain_returns_sqlites_own_steps_with_their_parent_links`,
//!   `explain_of_invalid_sql_is_an_error`.
//! - After [`ensure_indexes`], the statement [`find_by_email`] runs (caught with the trace hook,
//!   planned without your code) is a `SEARCH` of `warriors` through an index whose first column
//!   is `email`, and takes no full-scan step (`SQLITE_STMTSTATUS_FULLSCAN_STEP`); the same
//!   holds when the tables already carried other indexes (a `UNIQUE` one on `name`, composites
//!   whose first column is another): [`ensure_indexes`] looks for the index each lookup needs,
//!   not for "any index on the table". Checked by
//!   `the_email_lookup_searches_an_email_index_once_indexed`,
//!   `the_email_lookup_takes_no_full_scan_step_once_indexed`.
//! - [`LOADOUT_SQL`] plans a `SEARCH` of `weapons` through a real index whose first column is
//!   `warrior_id` (also when `weapons` already had an index on another column), and builds no
//!   `AUTOMATIC` index (`SQLITE_STMTSTATUS_AUTOINDEX`). Checked by
//!   `the_join_searches_weapons_through_an_index_on_warrior_id`,
//!   `the_join_needs_no_automatic_index_once_indexed`.
//! - [`ensure_indexes`] adds exactly two indexes, each on the one column its lookup compares
//!   (`PRAGMA index_info` lists `email` alone, and `warrior_id` alone): a column no `WHERE` or
//!   `JOIN` uses makes every write pay for a wider index. Checked by
//!   `ensure_indexes_adds_only_the_two_indexes_the_lookups_need`.
//! - Calling [`ensure_indexes`] again changes nothing, and on a database that lost one of the
//!   two indexes it adds that one back; e-mails are unique, so the e-mail index is
//!   `UNIQUE`: creating it over a duplicate fails with SQLite's constraint error, and once it
//!   exists SQLite refuses every later duplicate, inserted or updated (not a one-off check in
//!   Rust nor a trigger; `pragma_index_list` shows a `UNIQUE` index on `email` alone), also when
//!   the table already carried an index that starts with `email` but does not make it unique (a
//!   plain one on `email`, a `UNIQUE` one on `(email, name)`); a warrior may carry several
//!   weapons, so the `warrior_id` index is not. Checked by
//!   `ensure_indexes_is_idempotent`, `ensure_indexes_refuses_duplicate_emails`,
//!   `ensure_indexes_makes_emails_unique_whatever_indexes_were_there`,
//!   `ensure_indexes_lets_a_warrior_carry_several_weapons`.
//! - With both indexes there, [`ensure_indexes`] writes nothing (a second connection's
//!   `PRAGMA data_version` does not move): no dropping and rebuilding. Checked by
//!   `ensure_indexes_writes_nothing_when_the_indexes_exist`.
//! - [`find_by_email`] matches the exact address (case and all; absent, empty and hostile
//!   addresses find nobody), reads every column, runs exactly one statement, and binds the
//!   address: the SQL text it runs never contains it, and two addresses run the same SQL text
//!   (so no spelling of a pasted address, hex or blob literals included, passes). Checked by
//!   `find_by_email_matches_the_exact_address`, `find_by_email_returns_the_whole_warrior`,
//!   `find_by_email_binds_the_address_and_never_pastes_it`.
//! - [`render_plan`] draws as described above: a flat plan, nested steps, three levels, no
//!   steps, an unknown parent, a list that is not depth-first. Checked by
//!   `render_plan_draws_each_step_under_its_parent_wherever_it_is_listed`,
//!   `render_plan_draws_a_flat_join`,
//!   `render_plan_draws_nested_steps_under_their_parent`,
//!   `render_plan_draws_three_levels_with_the_prefixes_of_their_ancestors`,
//!   `render_plan_of_no_steps_is_the_header_alone`,
//!   `render_plan_shows_a_step_with_an_unknown_parent_at_the_top`.
//!
//! **Not checked.** Speed on large tables: the bench measures it. Plans are read on the
//! bundled SQLite version only.

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
        "CREATE UNIQUE INDEX IF NOT EXISTS warriors_by_email ON warriors (email);
         CREATE INDEX IF NOT EXISTS weapons_by_warrior ON weapons (warrior_id);",
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

/// Draws `steps` as a tree the way the `sqlite3` shell does (see "Drawing a plan" above).
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
