use rstest::rstest;

use crate::crud::*;

const NOW: &str = "2026-04-02 12:00:00";

fn roster(enlisted: &[(&str, &str)]) -> WarriorStore {
    let store = WarriorStore::open_in_memory().expect("an in-memory store should open");
    for (name, at) in enlisted {
        store
            .insert_enlisted(name, 100.0, at)
            .expect("inserting a warrior with a valid timestamp should succeed");
    }
    store
}

/// The `enlisted_at` texts as stored, in insertion order.
fn stored_times(store: &WarriorStore) -> Vec<String> {
    let mut stmt = store
        .connection()
        .prepare("SELECT enlisted_at FROM warriors ORDER BY id")
        .expect("prepare");
    stmt.query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("read rows")
}

#[test]
fn recent_enlistments_are_listed_oldest_first() {
    let store = roster(&[
        ("Yesterday", "2026-04-01 12:00:00"),
        ("LastMonth", "2026-03-01 09:00:00"),
        ("ThisMorning", "2026-04-02 08:30:00"),
        ("FiveDaysAgo", "2026-03-28 12:00:00"),
    ]);
    let (recent, sent) = super::traced(store.connection(), || store.enlisted_within(7, NOW));
    let recent = recent.expect("the query should run");
    assert_eq!(
        recent,
        ["FiveDaysAgo", "Yesterday", "ThisMorning"],
        "the last 7 days before {NOW} hold three warriors, oldest first"
    );
    let window = sent
        .iter()
        .find(|s| s.rows == recent.len())
        .expect("one statement should return the three warriors of the window");
    let from_sqlite: Vec<String> = super::rerun_column(store.connection(), window, "name");
    assert_eq!(
        recent, from_sqlite,
        "enlisted_within ran {:?}, which returns the window as {from_sqlite:?}, but it \
         returned {recent:?}: the order was made in Rust (a sort after the query). Let SQLite \
         sort: `ORDER BY enlisted_at, id` (the text format sorts oldest first)",
        window.sql
    );
}

#[rstest]
#[case::exactly_n_days_ago("2026-03-26 12:00:00", true)]
#[case::one_second_too_early("2026-03-26 11:59:59", false)]
#[case::exactly_now("2026-04-02 12:00:00", true)]
#[case::one_second_in_the_future("2026-04-02 12:00:01", false)]
fn the_window_includes_both_ends_and_nothing_beyond(
    #[case] at: &str,
    #[case] inside: bool,
    // NOW itself, and the same instant with a `T`, or with an offset that moves the date.
    #[values(NOW, "2026-04-02T12:00:00Z", "2026-04-03T02:00:00+14:00")] now: &str,
) {
    let store = roster(&[("Edge", at)]);
    let recent = store.enlisted_within(7, now).expect("the query should run");
    assert_eq!(
        recent == ["Edge"],
        inside,
        "enlisted at {at} (UTC), 7-day window up to {now} ({NOW} UTC): expected inside = \
         {inside}, got {recent:?} (the window is [now - 7 days, now], compared in UTC: \
         normalise `now` with datetime() and compare with that, both ends)"
    );
}

#[rstest]
#[case::one_day("1029-09-16 11:38:57", "1029-09-15 11:38:57", 1)]
#[case::seven_days("1029-09-21 12:24:56", "1029-09-14 12:24:56", 7)]
#[case::thirty_days("1029-09-26 19:33:47", "1029-08-27 19:33:47", 30)]
fn the_exact_start_is_in_even_where_julian_days_round(
    #[case] now: &str,
    #[case] at: &str,
    #[case] days: u32,
) {
    // These windows straddle Julian day 2^21 (1029-09-15 12:00:00), where a float Julian day
    // loses half its precision: `julianday(now) - days` and `julianday(at)` round apart.
    let store = roster(&[("Edge", at)]);
    let recent = store
        .enlisted_within(days, now)
        .expect("the query should run");
    assert_eq!(
        recent,
        ["Edge"],
        "enlisted at {at}, exactly {days} days before {now}, yet outside the window: the \
         window compared floating-point Julian days (julianday(..) - days), which round. \
         Compare the normalised `YYYY-MM-DD HH:MM:SS` text with datetime(now, '-N days')"
    );
}

#[test]
fn a_zero_day_window_holds_only_the_exact_instant() {
    let store = roster(&[("Now", NOW), ("Before", "2026-04-02 11:59:59")]);
    let recent = store.enlisted_within(0, NOW).expect("the query should run");
    assert_eq!(
        recent,
        ["Now"],
        "a 0-day window is the single instant {NOW}"
    );
}

/// Spellings SQLite's `datetime()` reads, with the UTC text it gives for each.
/// The last is already shaped `YYYY-MM-DD HH:MM:SS`, but 2026 has no 29 February.
const SPELLINGS: [(&str, &str, &str); 5] = [
    ("Zulu", "2026-04-01T10:00:00Z", "2026-04-01 10:00:00"),
    ("Offset", "2026-04-01T12:00:00+05:30", "2026-04-01 06:30:00"),
    (
        "Fraction",
        "2026-04-01T08:00:00.750Z",
        "2026-04-01 08:00:00",
    ),
    ("NoSeconds", "2026-04-01 09:15", "2026-04-01 09:15:00"),
    ("PastMonthEnd", "2026-02-29 07:00:00", "2026-03-01 07:00:00"),
];

#[test]
fn other_iso_8601_spellings_are_normalised() {
    let (store, watched) = super::watch_connections(|| {
        let store = roster(&[]);
        for (name, at, _) in SPELLINGS {
            let inserted = store.insert_enlisted(name, 100.0, at);
            assert!(
                inserted.is_ok(),
                "insert_enlisted({name:?}, 100.0, {at:?}) returned {inserted:?}, yet SQLite's \
                 datetime() reads {at:?}: normalise with SQLite's date functions \
                 (`datetime(?)`), not a parser of your own that knows fewer spellings"
            );
        }
        store
    });
    for (_, at, _) in SPELLINGS {
        let literal = format!("'{at}'");
        let normalised_by_sqlite = watched.sent.iter().any(|s| {
            let sql = s.sql.to_lowercase();
            [
                "datetime(",
                "strftime(",
                "julianday(",
                "unixepoch(",
                "date(",
            ]
            .iter()
            .any(|f| sql.contains(f))
                && s.bound_values().contains(&literal)
        });
        assert!(
            normalised_by_sqlite,
            "insert_enlisted never handed the text {at:?} to one of SQLite's date functions \
             (statements: {:?}): the timestamp was parsed, converted to UTC or passed through \
             as already shaped in Rust. SQLite reads, rolls over and rejects dates itself: \
             bind every text as given to `datetime(?)`, even one that looks normalised",
            watched.sent.iter().map(|s| &s.expanded).collect::<Vec<_>>()
        );
    }
    let stored = stored_times(&store);
    assert_eq!(
        stored,
        SPELLINGS.map(|(_, _, utc)| utc),
        "timestamps must be stored as UTC 'YYYY-MM-DD HH:MM:SS' (normalise with datetime())"
    );
    let recent = store
        .enlisted_within(1, "2026-04-02T06:00:00.999Z")
        .expect("the query should accept an ISO-8601 'now'");
    assert_eq!(
        recent,
        ["Offset", "Fraction", "NoSeconds", "Zulu"],
        "compare in UTC: 06:30 UTC is older than 08:00, 09:15 and 10:00 UTC"
    );
}

#[test]
fn a_timestamp_without_a_zone_is_utc_whatever_the_local_zone() {
    super::in_kolkata(
        module_path!(),
        "a_timestamp_without_a_zone_is_utc_whatever_the_local_zone",
        || {
            let store = roster(&[
                ("Plain", "2026-04-01 08:00:00"),
                ("Tee", "2026-04-01T09:00:00"),
                ("Zulu", "2026-04-01T10:00:00Z"),
                ("Offset", "2026-04-01T12:00:00+05:30"),
            ]);
            let stored = stored_times(&store);
            assert_eq!(
                stored,
                [
                    "2026-04-01 08:00:00",
                    "2026-04-01 09:00:00",
                    "2026-04-01 10:00:00",
                    "2026-04-01 06:30:00"
                ],
                "with the local time zone at UTC+05:30, the store shifted timestamps that carry \
                 no zone: a timestamp with no zone is already UTC. The 'utc' modifier (or \
                 'localtime') reads it as local time and shifts it; normalise with plain \
                 `datetime(?)`, which reads no zone as UTC and applies a given Z or offset"
            );
            let recent = store
                .enlisted_within(1, "2026-04-02 08:00:00")
                .expect("the query should run");
            assert_eq!(
                recent,
                ["Plain", "Tee", "Zulu"],
                "with the local time zone at UTC+05:30, the 1-day window up to \
                 2026-04-02 08:00:00 moved: a `now` with no zone is already UTC, and the \
                 'utc' modifier reads it as local time and shifts it. Normalise `now` with \
                 plain `datetime(?)`"
            );
        },
    );
}

/// Which timestamp of a test goes past its month's end.
#[derive(Debug, Clone, Copy)]
enum PastMonthEnd {
    EnlistedAt,
    Now,
}

#[rstest]
#[case::enlisted_at(PastMonthEnd::EnlistedAt)]
#[case::now(PastMonthEnd::Now)]
fn a_day_past_the_months_end_is_read_as_sqlite_reads_it(#[case] which: PastMonthEnd) {
    // Shaped like the stored format, every field in range, but February 2026 has 28 days:
    // SQLite's datetime() reads it as 2026-03-02 12:00:00.
    let (odd, read) = ("2026-02-30 12:00:00", "2026-03-02 12:00:00");
    let (at, now) = match which {
        PastMonthEnd::EnlistedAt => (odd, read),
        PastMonthEnd::Now => ("2026-03-01 12:00:00", odd),
    };
    let store = roster(&[("Rolled", at)]);
    let stored: String = super::select_one(
        store.connection(),
        "SELECT enlisted_at FROM warriors",
        "read the stored enlistment time",
    );
    let recent = store.enlisted_within(1, now).expect("the query should run");
    assert_eq!(
        (stored.as_str(), recent.as_slice()),
        (
            if at == odd { read } else { at },
            ["Rolled".to_owned()].as_slice()
        ),
        "enlisted at {at:?}, 1-day window up to {now:?}: SQLite's datetime() reads {odd:?} \
         as {read:?}, yet the store kept or compared it as given (stored {stored:?}, window \
         {recent:?}). A timestamp already shaped `YYYY-MM-DD HH:MM:SS` is not yet normalised: \
         pass every timestamp, as insert time and as `now`, through `datetime(?)`"
    );
}

#[test]
fn a_default_enlistment_is_found_relative_to_its_own_timestamp() {
    let store = WarriorStore::open_in_memory().expect("an in-memory store should open");
    let id = store.insert("Fresh", 1.0).expect("insert");
    let at = store
        .get(id)
        .expect("lookup")
        .expect("just inserted")
        .enlisted_at;
    let recent = store.enlisted_within(1, &at).expect("the query should run");
    assert_eq!(
        recent,
        ["Fresh"],
        "a warrior enlisted at {at} is within 1 day of {at}"
    );
}

#[rstest]
#[case::garbage("yesterday-ish")]
#[case::empty("")]
#[case::impossible_month("2026-13-01 00:00:00")]
fn an_unreadable_now_is_a_typed_error(#[case] now: &str) {
    let store = roster(&[("Anyone", NOW)]);
    let result = store.enlisted_within(7, now);
    assert!(
        matches!(&result, Err(StoreError::BadTimestamp(text)) if text == now),
        "enlisted_within(7, {now:?}) returned {result:?}: SQLite cannot read it, so it must be \
         BadTimestamp({now:?})"
    );
}

#[test]
fn an_unreadable_enlistment_time_is_rejected_and_nothing_is_written() {
    let store = roster(&[]);
    let result = store.insert_enlisted("Nobody", 1.0, "32/01/2026");
    assert!(
        matches!(&result, Err(StoreError::BadTimestamp(text)) if text == "32/01/2026"),
        "insert_enlisted with a non-ISO date returned {result:?}: it must be BadTimestamp"
    );
    assert!(
        store.ranking().expect("ranking").is_empty(),
        "a rejected insert wrote a row"
    );
}

/// Makes every statement `conn` runs from now on fail with `SQLITE_INTERRUPT`, as a query a
/// watchdog cancels does: SQLite's progress handler, asked after each step, says stop.
fn cancel_every_statement(conn: &rusqlite::Connection) {
    unsafe extern "C" fn stop(_: *mut std::ffi::c_void) -> std::ffi::c_int {
        1
    }
    // SAFETY: the handle is `conn`'s own, live while `conn` is; the handler keeps no state.
    unsafe {
        rusqlite::ffi::sqlite3_progress_handler(conn.handle(), 1, Some(stop), std::ptr::null_mut());
    }
}

/// Which of the calls that normalise a timestamp a test makes.
#[derive(Debug, Clone, Copy)]
enum Normalising {
    InsertEnlisted,
    EnlistedWithin,
}

#[rstest]
#[case::insert_enlisted(Normalising::InsertEnlisted)]
#[case::enlisted_within(Normalising::EnlistedWithin)]
fn a_failing_database_is_a_database_error_not_a_bad_timestamp(#[case] call: Normalising) {
    let store = roster(&[("Anyone", NOW)]);
    cancel_every_statement(store.connection());
    let result = match call {
        Normalising::InsertEnlisted => store.insert_enlisted("Nobody", 1.0, NOW).map(|_| ()),
        Normalising::EnlistedWithin => store.enlisted_within(7, NOW).map(|_| ()),
    };
    assert!(
        matches!(result, Err(StoreError::Sqlite(_))),
        "with every statement on the store's connection interrupted, {call:?} with the valid \
         timestamp {NOW:?} returned {result:?}: a failing database is not a bad timestamp. \
         Return StoreError::Sqlite so the caller doesn't act on a lie (BadTimestamp blames \
         the input, which SQLite never got to read). Only a datetime() that ran and answered \
         NULL is BadTimestamp: propagate the query's error with ?, never .ok()"
    );
}

/// A rule of the table that has nothing to do with the enlistment time.
#[derive(Debug, Clone, Copy)]
enum UnrelatedRule {
    /// A trigger that aborts every insert into `warriors`.
    TriggerAbortsEveryInsert,
    /// A unique index on `name`, broken by a second warrior of the same name.
    UniqueName,
    /// A trigger that logs every insert into a table whose `NOT NULL` column gets `NULL`.
    NotNullInAnotherTable,
}

#[rstest]
#[case::trigger_aborts_every_insert(UnrelatedRule::TriggerAbortsEveryInsert)]
#[case::unique_name(UnrelatedRule::UniqueName)]
#[case::not_null_in_another_table(UnrelatedRule::NotNullInAnotherTable)]
fn a_constraint_unrelated_to_the_time_is_a_database_error_not_a_bad_timestamp(
    #[case] rule: UnrelatedRule,
) {
    let store = roster(&[("Arjuna", NOW)]);
    let added = match rule {
        UnrelatedRule::TriggerAbortsEveryInsert => store.connection().execute_batch(
            "CREATE TRIGGER roster_closed BEFORE INSERT ON warriors \
             BEGIN SELECT RAISE(ABORT, 'the roster is closed'); END",
        ),
        UnrelatedRule::UniqueName => store
            .connection()
            .execute_batch("CREATE UNIQUE INDEX one_arjuna ON warriors (name)"),
        UnrelatedRule::NotNullInAnotherTable => store.connection().execute_batch(
            "CREATE TABLE enlistment_log (clerk TEXT NOT NULL); \
             CREATE TRIGGER log_enlistment BEFORE INSERT ON warriors \
             BEGIN INSERT INTO enlistment_log (clerk) VALUES (NULL); END",
        ),
    };
    added.expect("the test's rule should be added to the warriors table");
    let result = store.insert_enlisted("Arjuna", 1.0, NOW);
    assert!(
        matches!(result, Err(StoreError::Sqlite(_))),
        "with {rule:?} on the warriors table, insert_enlisted(\"Arjuna\", 1.0, {NOW:?}) \
         returned {result:?}: the timestamp is valid, so a refused insert is the database's \
         error, StoreError::Sqlite. Ask datetime() first, in a query of its own (SELECT \
         datetime(?1)), and call it BadTimestamp only when that answered NULL; never turn \
         whatever constraint the INSERT broke (the NOT NULL refusing datetime()'s NULL, or \
         any other, a NOT NULL of another table included) into BadTimestamp"
    );
}

#[test]
fn insert_enlisted_checks_name_and_power_too() {
    let store = roster(&[]);
    assert!(
        matches!(
            store.insert_enlisted(" ", 1.0, NOW),
            Err(StoreError::EmptyName)
        ),
        "a blank name must be EmptyName here as in insert"
    );
    assert!(
        matches!(
            store.insert_enlisted("Ok", f64::NAN, NOW),
            Err(StoreError::NonFinitePower(_))
        ),
        "a NaN power must be NonFinitePower here as in insert"
    );
}

#[test]
fn insert_enlisted_and_the_window_bind_every_value() {
    // A quote and digits no SQL text holds otherwise; the time already normalised.
    let (name, power, at) = ("Shi'khandi 7731", 8642.5, "2026-03-30 04:05:06");
    let (recent, watched) = super::watch_connections(|| {
        let store = roster(&[]);
        store
            .insert_enlisted(name, power, at)
            .expect("insert a warrior");
        store.enlisted_within(7, NOW)
    });
    assert_eq!(recent.ok(), Some(vec![name.to_owned()]), "the window");
    super::assert_values_bound(
        &watched.sent,
        &[name, "8642.5", at, NOW],
        "insert_enlisted and enlisted_within",
    );
}

#[test]
fn the_window_is_a_where_clause_sqlite_evaluates() {
    let store = roster(&[
        ("LongAgo", "2025-01-01 00:00:00"),
        ("LastMonth", "2026-03-01 09:00:00"),
        ("FiveDaysAgo", "2026-03-28 12:00:00"),
        ("ThisMorning", "2026-04-02 08:30:00"),
        ("Tomorrow", "2026-04-03 12:00:00"),
    ]);
    let (recent, sent) = super::traced(store.connection(), || store.enlisted_within(7, NOW));
    let recent = recent.expect("the query should run");
    assert_eq!(
        recent,
        ["FiveDaysAgo", "ThisMorning"],
        "two warriors in the window"
    );
    for s in &sent {
        assert!(
            s.rows <= recent.len(),
            "enlisted_within ran {:?}, which returned {} rows for a window that holds {}: the \
             roster was read whole and the dates compared in Rust. Let SQLite do the date \
             arithmetic and the filtering: `WHERE enlisted_at >= datetime(?1, '-' || ?2 || \
             ' days') AND enlisted_at <= ?1`",
            s.sql,
            s.rows,
            recent.len()
        );
        assert!(
            !s.sql.contains("2026-04-02"),
            "enlisted_within ran {:?}: `now` was pasted into the SQL text. Bind it (and the \
             day count) as parameters; the statement text stays the same for every call",
            s.sql
        );
    }
    let returned: usize = sent.iter().map(|s| s.rows).sum();
    assert!(
        returned <= recent.len() + 2,
        "enlisted_within's {} statements returned {returned} rows in all for a window of {}: \
         the roster was fetched (row by row or whole) and filtered in Rust. One SELECT with \
         the window in its WHERE clause returns just the window (plus, at most, a row to \
         normalise `now`)",
        sent.len(),
        recent.len()
    );
}

/// The statements `enlisted_within(days, now)` sends, as prepared (placeholders, no values).
fn window_statements(store: &WarriorStore, days: u32, now: &str) -> Vec<String> {
    let (recent, sent) = super::traced(store.connection(), || store.enlisted_within(days, now));
    recent.expect("the query should run");
    sent.into_iter().map(|s| s.sql).collect()
}

#[test]
fn the_day_count_is_bound_so_the_sql_text_never_changes() {
    let store = roster(&[("Anyone", NOW)]);
    let week = window_statements(&store, 7, NOW);
    let month = window_statements(&store, 30, "2026-05-17 08:00:00");
    assert_eq!(
        week, month,
        "enlisted_within sent different SQL text for a 7-day and a 30-day window (or another \
         `now`): the day count (or `now`) was pasted into the text with format!. Bind both as \
         parameters (`datetime(?1, '-' || ?2 || ' days')`), so the statement text stays the \
         same for every call"
    );
}

#[test]
fn the_window_start_is_worked_out_by_sqlite_not_handed_to_it() {
    let store = roster(&[("FiveDaysAgo", "2026-03-28 12:00:00")]);
    // `now` in another spelling, so its normalised form is a second allowed value.
    let now = "2026-04-02T12:00:00Z";
    let allowed = |value: &str| {
        let digits: String = value
            .trim_end_matches(".0")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        value == format!("'{now}'") || value == format!("'{NOW}'") || digits == "7"
    };
    let (recent, sent) = super::traced(store.connection(), || store.enlisted_within(7, now));
    assert_eq!(recent.expect("the query should run"), ["FiveDaysAgo"]);
    for s in &sent {
        let values = s.bound_values();
        assert!(
            values.iter().all(|value| allowed(value)),
            "enlisted_within ran {:?} with the values {values:?}: only `now` ({now:?} or \
             {NOW:?}) and the day count (7, or a modifier like '-7 days') may be handed to \
             SQLite. Any other value is the window's start (as a date, Unix seconds, a Julian \
             day...) worked out in Rust or by a separate query. SQLite's date functions know \
             the calendar: let the WHERE clause compute the start \
             (`enlisted_at >= datetime(?1, '-' || ?2 || ' days')`)",
            s.sql
        );
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): windows
/// across leap days, month and year ends and long spans, and the window law over random
/// instants and day counts.
#[cfg(feature = "held-out")]
mod held_out {
    use std::collections::BTreeSet;

    use proptest::prelude::*;
    use rstest::rstest;

    use super::roster;

    /// Unix seconds as UTC `YYYY-MM-DD HH:MM:SS`, computed without SQLite (days to civil
    /// date after Howard Hinnant's algorithm).
    fn utc(seconds: i64) -> String {
        let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        format!(
            "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
            in_day / 3600,
            in_day / 60 % 60,
            in_day % 60
        )
    }

    #[rstest]
    #[case::the_leap_day_is_one_day_before_march(
        1,
        "2024-03-01 00:00:00",
        "2024-02-29 00:00:00",
        "2024-02-28 23:59:59"
    )]
    #[case::thirty_days_back_across_february(
        30,
        "2026-03-01 12:00:00",
        "2026-01-30 12:00:00",
        "2026-01-30 11:59:59"
    )]
    #[case::a_year_back_across_a_leap_year(
        365,
        "2025-01-01 00:00:00",
        "2024-01-02 00:00:00",
        "2024-01-01 23:59:59"
    )]
    #[case::across_new_year(3, "2027-01-02 00:00:00", "2026-12-30 00:00:00", "2026-12-29 23:59:59")]
    #[case::a_century_back(
        36_525,
        "2026-04-02 12:00:00",
        "1926-04-02 12:00:00",
        "1926-04-02 11:59:59"
    )]
    fn the_window_starts_exactly_days_before_now_across_calendar_edges(
        #[case] days: u32,
        #[case] now: &str,
        #[case] start: &str,
        #[case] just_before: &str,
    ) {
        let store = roster(&[
            ("AtTheStart", start),
            ("JustBefore", just_before),
            ("Now", now),
        ]);
        let recent = store
            .enlisted_within(days, now)
            .expect("the query should run");
        assert_eq!(
            recent,
            ["AtTheStart", "Now"],
            "a {days}-day window up to {now} starts at {start}: that instant is in, \
             {just_before} is out (do the date arithmetic in SQLite, which knows the calendar)"
        );
    }

    /// Seconds from 2000-01-01 to 2100-01-01.
    const YEARS_2000_TO_2100: std::ops::Range<i64> = 946_684_800..4_102_444_800;

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        /// A warrior is listed exactly when `now - days <= enlisted_at <= now`, oldest first.
        #[test]
        fn a_warrior_is_listed_exactly_when_it_enlisted_inside_the_window(
            now in YEARS_2000_TO_2100,
            days in prop_oneof![0u32..3, 0u32..800],
            offsets in proptest::collection::btree_set(
                prop_oneof![
                    -200_000i64..200_000,
                    Just(0i64),
                    Just(-1i64),
                    Just(1i64),
                ],
                0..6,
            ),
            from_the_start in proptest::collection::btree_set(-3i64..3, 0..3),
        ) {
            let start = now - i64::from(days) * 86_400;
            // Instants around now and around the window's start, each once.
            let instants: BTreeSet<i64> = offsets
                .iter()
                .map(|o| now + o)
                .chain(from_the_start.iter().map(|o| start + o))
                .collect();
            let enlisted: Vec<(String, String)> = instants
                .iter()
                .enumerate()
                .map(|(i, at)| (format!("w{i}"), utc(*at)))
                .collect();
            let refs: Vec<(&str, &str)> =
                enlisted.iter().map(|(n, at)| (n.as_str(), at.as_str())).collect();
            let store = roster(&refs);
            let expected: Vec<String> = instants
                .iter()
                .zip(&enlisted)
                .filter(|(at, _)| (start..=now).contains(*at))
                .map(|(_, (name, _))| name.clone())
                .collect();
            let sqlite_now: String = store
                .connection()
                .query_row("SELECT datetime(?1, 'unixepoch')", [now], |row| row.get(0))
                .expect("SQLite formats a Unix time");
            prop_assert_eq!(utc(now), sqlite_now, "the test's own date formatter is wrong");
            let got = store.enlisted_within(days, &utc(now)).expect("the query should run");
            prop_assert_eq!(&got, &expected,
                "{}-day window up to {} over {:?}: exactly the instants from now - days to now, \
                 both ends included, oldest first", days, utc(now), &enlisted);
        }
    }
}
