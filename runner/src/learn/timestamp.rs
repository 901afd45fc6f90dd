//! Sortable UTC timestamps for file names, without a date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// `now` as `YYYYMMDDTHHMMSS.nnnnnnnnnZ` (UTC, nanoseconds): names sort in time order
/// and contain no character that a file system rejects. Instants before 1970 are
/// written as the epoch.
pub fn file_stamp(now: SystemTime) -> String {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}.{:09}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_nanos()
    )
}

/// Unix seconds as `YYYY-MM-DD HH:MM` (UTC), for people to read.
pub fn utc_minutes(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); Howard Hinnant's
/// `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction: day 1..=31, month 1..=12.
    (year, day_or_month(month), day_or_month(day))
}

fn day_or_month(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    #[test]
    fn known_instants_are_formatted_in_utc() {
        assert_eq!(file_stamp(at(0, 0)), "19700101T000000.000000000Z");
        assert_eq!(
            file_stamp(at(951_782_400 + 3_723, 5)),
            "20000229T010203.000000005Z",
            "leap day 2000"
        );
        assert_eq!(
            file_stamp(at(1_798_761_599, 999_999_999)),
            "20261231T235959.999999999Z"
        );
    }

    #[test]
    fn later_instants_sort_later() {
        let a = file_stamp(at(1_700_000_000, 900_000_000));
        let b = file_stamp(at(1_700_000_001, 100_000_000));
        assert!(a < b, "{a} must sort before {b}");
    }
}
