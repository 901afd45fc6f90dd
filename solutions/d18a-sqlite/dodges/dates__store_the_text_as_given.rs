//! Dodge: check that SQLite can read the timestamp, then store the caller's text as it came:
//! the window works for timestamps already in `YYYY-MM-DD HH:MM:SS` form, and text
//! comparison goes wrong for every other ISO-8601 spelling (`T`, offsets, fractions).
//! Caught by: other_iso_8601_spellings_are_normalised

use rusqlite::params;

use crate::crud::{StoreError, WarriorStore, checked_name, checked_power};

impl WarriorStore {
    /// Inserts a warrior who enlisted at `enlisted_at` (any ISO-8601 form SQLite reads).
    pub fn insert_enlisted(
        &self,
        name: &str,
        power: f64,
        enlisted_at: &str,
    ) -> Result<i64, StoreError> {
        let name = checked_name(name)?;
        let power = checked_power(power)?;
        // Checked, but stored as the caller wrote it.
        self.normalised(enlisted_at)?;
        let at = enlisted_at;
        self.connection().execute(
            "INSERT INTO warriors (name, power, enlisted_at) VALUES (?1, ?2, ?3)",
            params![name, power, at],
        )?;
        Ok(self.connection().last_insert_rowid())
    }

    /// Names of warriors enlisted in `[now - days, now]`, oldest first.
    pub fn enlisted_within(&self, days: u32, now: &str) -> Result<Vec<String>, StoreError> {
        let now = self.normalised(now)?;
        let mut stmt = self.connection().prepare(
            "SELECT name FROM warriors
             WHERE enlisted_at >= datetime(?1, '-' || ?2 || ' days')
               AND enlisted_at <= ?1
             ORDER BY enlisted_at, id",
        )?;
        let rows = stmt.query_map(params![now, days], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// `text` as `YYYY-MM-DD HH:MM:SS` UTC, or `BadTimestamp` if SQLite cannot read it.
    fn normalised(&self, text: &str) -> Result<String, StoreError> {
        self.connection()
            .query_row("SELECT datetime(?1)", [text], |row| {
                row.get::<_, Option<String>>(0)
            })?
            .ok_or_else(|| StoreError::BadTimestamp(text.to_owned()))
    }
}
