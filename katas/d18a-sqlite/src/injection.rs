//! # Kata 2 — SQL injection cannot happen
//!
//! **Build** [`WarriorStore::find_by_name`]: every warrior whose name is exactly the given
//! text, in id order.
//!
//! **Why:** a query glued together with `format!("... WHERE name = '{name}'")` lets a user
//! close the quote and write SQL of their own — `'; DROP TABLE warriors; --` or
//! `' OR '1'='1`. A bound parameter is never parsed as SQL: the statement text is fixed
//! when it is prepared and the value travels separately, as data.
//!
//! **Python → Rust:** the article's `cursor.execute("... = ?", (name,))` is
//! `conn.prepare("... = ?1")?.query_map([name], ...)` (or the `params!` macro). Rust adds
//! nothing magic here — `format!` builds SQL just as happily as an f-string — so the
//! discipline is the same: SQL text is a constant, values are parameters.
//!
//! **The tests check.**
//! - classic payloads match nothing and the table survives. Checked by
//!   `an_injection_payload_matches_nothing_and_the_table_survives`.
//! - names full of quotes and non-ASCII text match exactly their own warrior; matching is
//!   exact (no pattern: neither LIKE's `%` `_` nor GLOB's `*` `?` `[...]` match anything
//!   but themselves; no case folding, no trimming); equal names come back in id order,
//!   even when an index on the name would read them in another order.
//!   Checked by `a_name_with_quotes_or_unicode_finds_exactly_its_warrior`,
//!   `matching_is_exact_not_a_pattern`, `a_name_shared_by_two_warriors_returns_both_in_id_order`.
//! - through SQLite's statement trace: the SQL text never contains the user's input, it is
//!   the same text whatever the name (so no pasting, escaping or hex-encoding of the name),
//!   SQLite receives the name itself as a bound value (names with LIKE's and GLOB's
//!   wildcards included, so no hand-escaped pattern bound instead), and SQLite returns exactly the rows the
//!   search returns (so the match happens in SQL, not by filtering rows in Rust). Checked by `the_statement_text_never_contains_the_users_input`,
//!   `the_search_text_is_bound_as_a_value_and_the_sql_never_changes`,
//!   `any_search_text_stays_out_of_the_sql_and_matches_only_itself`.
//!
//! **Not a dodge.** Sorting the matches by id in Rust instead of `ORDER BY id` in the query:
//! this kata's lesson is the bound parameter, and the sort touches only the rows SQLite has
//! already matched, so the name is still bound and the output is the same. `ORDER BY id`
//! is the simpler way all the same (the crud, dates and joins katas check that their order
//! is the query's own).

use crate::crud::{StoreError, Warrior, WarriorStore};

impl WarriorStore {
    /// Every warrior whose name equals `name` exactly, in id order.
    pub fn find_by_name(&self, name: &str) -> Result<Vec<Warrior>, StoreError> {
        todo!("find the warriors named {name:?}")
    }
}
