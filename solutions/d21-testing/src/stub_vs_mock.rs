//! # Kata 2: stub vs mock
//!
//! **Build** `greeting` and `is_business_hours`, which read the time from a [`Clock`] they
//! are given instead of from the system.
//!
//! **Why it matters.** Code that calls the system clock directly has tests that pass in the
//! morning and fail at night. Code that reads a clock twice can straddle a boundary: at
//! 17:29:59.999 the first read says "open", the second says "17:30", and the answer mixes
//! two different moments.
//!
//! **Python → Rust.** The article separates a *stub* (it only answers: "it is 09:00";
//! the test then checks the returned *state*) from a *mock* (it answers and also records
//! how it was called; the test checks *behaviour*: "asked exactly once"). In Rust a stub is
//! a tiny hand-written struct implementing the trait; a mock comes from
//! `mockall::automock`. Prefer the stub: state checks survive refactoring. Reach for a mock
//! only when the interaction *is* the requirement, as "read the clock once" is here.
//!
//! **Rules.**
//! - `greeting`: before 12:00 `"Good morning"`, before 18:00 `"Good afternoon"`, otherwise
//!   `"Good evening"`.
//! - `is_business_hours`: Monday to Friday, from 09:00 inclusive to 17:30 exclusive.
//! - Both read the clock exactly once and refuse an impossible time (hour above 23 or
//!   minute above 59) with [`ClockError::InvalidTime`].
//!
//! **The tests check.**
//! - the answers with a fixed-time stub: rstest tables over the boundaries, and every minute
//!   of the week against the rules. Checked by `greets_by_the_time_on_the_stub_clock`,
//!   `knows_business_hours_on_the_stub_clock`,
//!   `agrees_with_the_rules_at_every_minute_of_the_week`.
//! - an impossible time (any hour over 23, any minute over 59) is `InvalidTime` from both
//!   functions, on every day of the week, after exactly one reading (a counting clock whose
//!   second reading would be a valid time). Checked by `refuses_a_time_no_clock_can_show`,
//!   `refuses_every_hour_and_minute_out_of_range`.
//! - with a mock, that each function asks the clock exactly once. Checked by
//!   `greeting_reads_the_clock_exactly_once`,
//!   `business_hours_reads_the_clock_exactly_once`.
//! - at every minute of the week, with a clock that has moved on a minute by any second
//!   reading, each function reads it once and answers from that reading. Checked by
//!   `reads_the_clock_once_at_every_minute_of_the_week`.

use thiserror::Error;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

/// A moment as a wall clock shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// The day of the week.
    pub weekday: Weekday,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
}

/// A clock answered something no clock can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ClockError {
    /// The hour or minute is out of range.
    #[error("invalid time {hour:02}:{minute:02}: hours run 0-23 and minutes 0-59")]
    InvalidTime {
        /// The hour the clock gave.
        hour: u8,
        /// The minute the clock gave.
        minute: u8,
    },
}

/// The seam: where the time comes from.
#[cfg_attr(test, mockall::automock)]
pub trait Clock {
    /// The current local time.
    fn now(&self) -> LocalTime;
}

/// Reads the clock once and checks the answer is a real time.
fn read(clock: &impl Clock) -> Result<LocalTime, ClockError> {
    let now = clock.now();
    if now.hour > 23 || now.minute > 59 {
        return Err(ClockError::InvalidTime {
            hour: now.hour,
            minute: now.minute,
        });
    }
    Ok(now)
}

/// The greeting for the time of day.
pub fn greeting(clock: &impl Clock) -> Result<&'static str, ClockError> {
    let now = read(clock)?;
    Ok(match now.hour {
        0..=11 => "Good morning",
        12..=17 => "Good afternoon",
        _ => "Good evening",
    })
}

/// Whether the office is open: weekdays, 09:00 up to (not including) 17:30.
pub fn is_business_hours(clock: &impl Clock) -> Result<bool, ClockError> {
    let now = read(clock)?;
    let weekday = !matches!(now.weekday, Weekday::Sat | Weekday::Sun);
    let minutes = u16::from(now.hour) * 60 + u16::from(now.minute);
    Ok(weekday && (9 * 60..17 * 60 + 30).contains(&minutes))
}
