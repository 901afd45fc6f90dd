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

#[test]
fn recent_enlistments_are_listed_oldest_first() {
    let store = roster(&[
        ("Yesterday", "2026-04-01 12:00:00"),
        ("LastMonth", "2026-03-01 09:00:00"),
        ("ThisMorning", "2026-04-02 08:30:00"),
        ("FiveDaysAgo", "2026-03-28 12:00:00"),
    ]);
    let recent = store.enlisted_within(7, NOW).expect("the query should run");
    assert_eq!(
        recent,
        ["FiveDaysAgo", "Yesterday", "ThisMorning"],
        "the last 7 days before {NOW} hold three warriors, oldest first"
    );
}

#[rstest]
#[case::exactly_n_days_ago("2026-03-26 12:00:00", true)]
#[case::one_second_too_early("2026-03-26 11:59:59", false)]
#[case::exactly_now("2026-04-02 12:00:00", true)]
#[case::one_second_in_the_future("2026-04-02 12:00:01", false)]
fn the_window_includes_both_ends_and_nothing_beyond(#[case] at: &str, #[case] inside: bool) {
    let store = roster(&[("Edge", at)]);
    let recent = store.enlisted_within(7, NOW).expect("the query should run");
    assert_eq!(
        recent == ["Edge"],
        inside,
        "enlisted at {at}, 7-day window up to {NOW}: expected inside = {inside}, got {recent:?} \
         (the window is [now - 7 days, now])"
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

#[test]
fn other_iso_8601_spellings_are_normalised() {
    let store = roster(&[
        ("Zulu", "2026-04-01T10:00:00Z"),
        ("Offset", "2026-04-01T12:00:00+05:30"),
    ]);
    let stored: Vec<String> = {
        let mut stmt = store
            .connection()
            .prepare("SELECT enlisted_at FROM warriors ORDER BY id")
            .expect("prepare");
        stmt.query_map([], |row| row.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("read rows")
    };
    assert_eq!(
        stored,
        ["2026-04-01 10:00:00", "2026-04-01 06:30:00"],
        "timestamps must be stored as UTC 'YYYY-MM-DD HH:MM:SS' (normalise with datetime())"
    );
    let recent = store
        .enlisted_within(1, "2026-04-02T06:00:00Z")
        .expect("the query should accept an ISO-8601 'now'");
    assert_eq!(
        recent,
        ["Offset", "Zulu"],
        "compare in UTC: 06:30 UTC is older than 10:00 UTC"
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
         normalise `now` and one for the window's start)",
        sent.len(),
        recent.len()
    );
}
