//! Dodge: paste the name into the SQL with its quotes doubled: every lookup is right and the
//! classic payloads are harmless, but the user's text is still part of the statement.
//! Caught by: the_statement_text_never_contains_the_users_input, any_search_text_stays_out_of_the_sql_and_matches_only_itself

use rusqlite::params;

use crate::crud::{StoreError, Warrior, WarriorStore, columns, warrior_from_row};

impl WarriorStore {
    /// Every warrior whose name equals `name` exactly, in id order.
    pub fn find_by_name(&self, name: &str) -> Result<Vec<Warrior>, StoreError> {
        let sql = format!(
            "SELECT {} FROM warriors WHERE name = '{}' ORDER BY id",
            columns(),
            name.replace('\'', "''")
        );
        let mut stmt = self.connection().prepare(&sql)?;
        let rows = stmt.query_map([], warrior_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
