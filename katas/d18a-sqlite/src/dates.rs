//! # Kata 6 — Dates
//!
//! **Build** [`WarriorStore::insert_enlisted`] (a warrior with a given enlistment time) and
//! [`WarriorStore::enlisted_within`]: the names of warriors who enlisted in the `days` days
//! up to and including `now`, oldest first.
//!
//! **Why:** SQLite has no date type. Dates stored in a mix of formats compare as strings
//! and give wrong answers without any error; "now" read from the clock inside a query makes
//! the answer untestable.
//!
//! **Python → Rust:** SQLite stores a timestamp as TEXT (ISO-8601), REAL (Julian day) or
//! INTEGER (Unix seconds). This suite stores **ISO-8601 text in UTC,
//! `YYYY-MM-DD HH:MM:SS`**: it is what `CURRENT_TIMESTAMP` produces (kata 1's default), it
//! is readable in any SQLite shell, it sorts correctly as plain text, and `datetime()` and
//! friends read it directly. The price is that every value must be in exactly that shape,
//! so input is normalised through `datetime(?)` on the way in — which also rejects what
//! SQLite cannot read (`datetime` returns `NULL`). Unix seconds would be smaller and
//! format-proof, but unreadable by eye. Either way, `now` is a parameter, never the clock,
//! so the answer is a pure function of the data and the tests can pin it.
//!
//! **The tests check.**
//! - the window is `[now - days, now]`, oldest first: exactly N days ago is in, a second
//!   earlier is out, the future is out, a zero-day window is the instant itself; `now` is the
//!   parameter (the tests' `now` is far from the real clock). Checked by
//!   `recent_enlistments_are_listed_oldest_first`,
//!   `the_window_includes_both_ends_and_nothing_beyond`,
//!   `a_zero_day_window_holds_only_the_exact_instant`,
//!   `a_default_enlistment_is_found_relative_to_its_own_timestamp`.
//! - other ISO-8601 spellings (`T`, `Z`, offsets, fractional seconds, no seconds) are
//!   stored normalised to UTC `YYYY-MM-DD HH:MM:SS` and compared in UTC, `now` too (at both
//!   ends of the window); SQLite does the normalising: through the trace of every connection
//!   the store opens, each spelling reaches SQLite as given, bound to a statement that applies
//!   a date function (`datetime(?)`), not parsed into UTC by hand in Rust.
//!   Checked by `other_iso_8601_spellings_are_normalised`,
//!   `the_window_includes_both_ends_and_nothing_beyond`.
//! - a timestamp with no zone is already UTC, whatever the machine's local time zone: run
//!   with the local zone at UTC+05:30 (a child process with `TZ` set), spellings with and
//!   without a zone are stored unshifted and a zone-less `now` keeps the window in place. The
//!   `'utc'` modifier reads a zone-less timestamp as local time and shifts it (invisible on a
//!   UTC machine). Checked by `a_timestamp_without_a_zone_is_utc_whatever_the_local_zone`.
//! - a timestamp already shaped `YYYY-MM-DD HH:MM:SS` goes through `datetime(?)` too: a day
//!   past its month's end (`2026-02-30 12:00:00`, every field in range) is stored and
//!   compared as SQLite reads it (`2026-03-02 12:00:00`), as enlistment time and as `now`,
//!   and reaches SQLite bound to a date function like any other spelling. Checked by
//!   `a_day_past_the_months_end_is_read_as_sqlite_reads_it`,
//!   `other_iso_8601_spellings_are_normalised`.
//! - the window is SQL's job: through SQLite's statement trace, no statement returns more
//!   rows than the window holds, all statements together return at most two rows more
//!   (the date arithmetic and the filter are in the `WHERE` clause, not in Rust over the
//!   roster fetched whole or row by row), and `now` is bound, never pasted into the SQL
//!   text; the order is the query's own (`ORDER BY`): run again, the window's statement
//!   gives the names in the order returned (no sort in Rust). Checked by
//!   `the_window_is_a_where_clause_sqlite_evaluates`,
//!   `recent_enlistments_are_listed_oldest_first`.
//! - `now` and the day count are bound: a 7-day and a 30-day window (at another `now`) send
//!   the same SQL text. Checked by `the_day_count_is_bound_so_the_sql_text_never_changes`.
//! - SQLite works out the window's start from `now` and the day count inside the query:
//!   through the statement trace, the only values bound are `now` (as given or normalised)
//!   and the day count (as a number, or in a modifier like `'-7 days'`), so the start (as a
//!   date, Unix seconds, a Julian day...) is not computed in Rust (nor fetched by one query
//!   and bound into another). Checked by `the_window_start_is_worked_out_by_sqlite_not_handed_to_it`.
//! - `insert_enlisted` binds too: through the statement trace of every connection the store
//!   opens (SQLite's auto-extension hook traces every connection the code opens), a name
//!   with a quote, the power, the enlistment time and `now` are among the bound values and
//!   in no statement's SQL text (pasted with `format!`, quotes doubled by hand, is
//!   string-built SQL). Checked by `insert_enlisted_and_the_window_bind_every_value`.
//! - the window compares exact values (the normalised text, or integers), not floating-point
//!   arithmetic on Julian days: the instant exactly N days before `now` is in even where the
//!   window straddles Julian day 2^21 (1029-09-15 12:00:00), at which `julianday(now) - days`
//!   and `julianday(at)` round apart. Checked by `the_exact_start_is_in_even_where_julian_days_round`.
//! - an unreadable timestamp (as `now` or as the enlistment time) is
//!   [`StoreError::BadTimestamp`] and writes nothing; name and power are checked as in
//!   `insert`. Checked by `an_unreadable_now_is_a_typed_error`,
//!   `an_unreadable_enlistment_time_is_rejected_and_nothing_is_written`,
//!   `insert_enlisted_checks_name_and_power_too`.
//! - a database that fails is a `Sqlite` error, never `BadTimestamp`: with every statement on
//!   the store's connection cancelled (the tests install SQLite's progress handler through
//!   `connection()`, so each statement ends in `SQLITE_INTERRUPT`), `insert_enlisted` and
//!   `enlisted_within` given a valid timestamp return `Sqlite`; only a `datetime()` that ran
//!   and answered `NULL` is `BadTimestamp`. Checked by
//!   `a_failing_database_is_a_database_error_not_a_bad_timestamp`.
//! - a constraint that has nothing to do with the time is the database's error too: with a
//!   trigger that aborts every insert into `warriors`, a unique index on `name` and a
//!   second warrior of that name, or a trigger that writes `NULL` into a `NOT NULL` column of
//!   another table on every insert (all added through `connection()`), `insert_enlisted`
//!   with a valid timestamp returns `Sqlite`. Ask `datetime()` in a query of its own; turning the
//!   failed `INSERT`'s constraint error (the `NOT NULL` refusing `datetime()`'s `NULL`) into
//!   `BadTimestamp` blames the time for every other rule the table has. Checked by
//!   `a_constraint_unrelated_to_the_time_is_a_database_error_not_a_bad_timestamp`.
//!
//! **Not checked.** A window that still compares floating-point Julian days but widens each
//! end by less than a second (e.g. `julianday(at) >= julianday(now) - days - 0.5 / 86400.0`):
//! every stored instant and the normalised `now` are whole seconds (`datetime()` drops
//! fractions), and a Julian day's rounding is tens of microseconds, so such a window gives
//! the exact window's answer on every input the store accepts; no test can tell them apart.
//! Compare the normalised text (or integer seconds) all the same: the tolerance is a patch
//! over the rounding, not a fix.
//!
//! **Not a dodge.** Working out the start as a Julian day and turning it straight back into
//! text (`enlisted_at >= datetime(julianday(?1) - ?2)`): the comparison is still text against
//! text, and the start's text is exactly the modifier's. SQLite keeps an instant as whole
//! milliseconds; `julianday()` hands it out as a float a few tens of microseconds off at
//! most (even in the year 9999), taking a whole number of days away adds no error, and
//! `datetime()` rounds back to the nearest millisecond, which undoes that error before it
//! prints whole seconds. Tried on 30 million pairs of `now` and day count (years -4713 to
//! 9999, with and without fractional seconds, day counts up to `u32::MAX`, starts a few
//! seconds either side of the earliest date SQLite reads): the start's text was the same as
//! `datetime(now, '-N days')` every time, and `NULL` in the same cases, so every window holds
//! the same warriors, its edges included. What rounds wrong is comparing the floats
//! themselves (`julianday(enlisted_at) >= julianday(now) - days`), as above.
//!
//! **Not a dodge.** Comparing Julian days that SQLite works out on both sides, with the
//! start shifted by a modifier, not by float arithmetic (`julianday(enlisted_at) >=
//! julianday(?1, '-' || ?2 || ' days') AND julianday(enlisted_at) <= julianday(?1)`): the
//! modifier moves the instant in SQLite's whole milliseconds, and `julianday()` turns equal
//! millisecond counts into equal floats and instants a second or more apart into floats in
//! the same order, so each comparison gives the text comparison's answer, edges included. The float *arithmetic* (`julianday(now) - days`)
//! is what rounds apart, not comparing two Julian days computed from exact millisecond values.

use crate::crud::{StoreError, WarriorStore};

impl WarriorStore {
    /// Inserts a warrior who enlisted at `enlisted_at` (any ISO-8601 form SQLite reads).
    pub fn insert_enlisted(
        &self,
        name: &str,
        power: f64,
        enlisted_at: &str,
    ) -> Result<i64, StoreError> {
        todo!("insert {name:?} (power {power}) enlisted at {enlisted_at:?}")
    }

    /// Names of warriors enlisted in `[now - days, now]`, oldest first.
    pub fn enlisted_within(&self, days: u32, now: &str) -> Result<Vec<String>, StoreError> {
        todo!("list warriors enlisted in the {days} days up to {now:?}")
    }
}
