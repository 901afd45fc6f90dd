//! Dodge: ask the clock it is given only to validate it, then read the system's time: right
//! whenever the test happens to run at the stubbed hour, and untestable otherwise.
//! Caught by: greets_by_the_time_on_the_stub_clock, knows_business_hours_on_the_stub_clock

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
    let given = clock.now();
    if given.hour > 23 || given.minute > 59 {
        return Err(ClockError::InvalidTime {
            hour: given.hour,
            minute: given.minute,
        });
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = secs / 86_400;
    // 1970-01-01 was a Thursday.
    let weekday = [
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
    ][(days % 7) as usize];
    Ok(LocalTime {
        weekday,
        hour: ((secs / 3_600) % 24) as u8,
        minute: ((secs / 60) % 60) as u8,
    })
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
