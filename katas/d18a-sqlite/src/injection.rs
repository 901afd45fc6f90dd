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
//! **The tests check:** classic payloads match nothing and the table survives; names full
//! of quotes and non-ASCII text match exactly their own warrior; and, through SQLite's trace
//! hook, that the text of every statement the store sends never contains the user's input.

use crate::crud::{StoreError, Warrior, WarriorStore};

impl WarriorStore {
    /// Every warrior whose name equals `name` exactly, in id order.
    pub fn find_by_name(&self, name: &str) -> Result<Vec<Warrior>, StoreError> {
        todo!("find the warriors named {name:?}")
    }
}
