//! Kata 2: the same clock-reading code, checked once with a stub (state) and once with a
//! mock (behaviour).

use rstest::rstest;

use crate::stub_vs_mock::*;

/// A hand-written stub: it always answers the same time and checks nothing.
struct FixedClock(LocalTime);

impl Clock for FixedClock {
    fn now(&self) -> LocalTime {
        self.0
    }
}

fn at(weekday: Weekday, hour: u8, minute: u8) -> FixedClock {
    FixedClock(LocalTime {
        weekday,
        hour,
        minute,
    })
}

// --- state verification with the stub ---

#[rstest]
#[case::midnight(0, 0, "Good morning")]
#[case::last_morning_minute(11, 59, "Good morning")]
#[case::noon(12, 0, "Good afternoon")]
#[case::last_afternoon_minute(17, 59, "Good afternoon")]
#[case::six_pm(18, 0, "Good evening")]
#[case::last_minute_of_the_day(23, 59, "Good evening")]
fn greets_by_the_time_on_the_stub_clock(
    #[case] hour: u8,
    #[case] minute: u8,
    #[case] expected: &str,
) {
    let got = greeting(&at(Weekday::Tue, hour, minute));

    assert_eq!(
        got,
        Ok(expected),
        "at {hour:02}:{minute:02} the greeting must be {expected:?}: morning until 12:00, afternoon until 18:00"
    );
}

#[rstest]
#[case::one_minute_before_opening(Weekday::Mon, 8, 59, false)]
#[case::opening_minute(Weekday::Mon, 9, 0, true)]
#[case::midweek_noon(Weekday::Wed, 12, 0, true)]
#[case::last_open_minute(Weekday::Fri, 17, 29, true)]
#[case::closing_minute(Weekday::Fri, 17, 30, false)]
#[case::late_afternoon_hour(Weekday::Thu, 17, 0, true)]
#[case::saturday_morning(Weekday::Sat, 10, 0, false)]
#[case::sunday_noon(Weekday::Sun, 12, 0, false)]
fn knows_business_hours_on_the_stub_clock(
    #[case] weekday: Weekday,
    #[case] hour: u8,
    #[case] minute: u8,
    #[case] open: bool,
) {
    let got = is_business_hours(&at(weekday, hour, minute));

    assert_eq!(
        got,
        Ok(open),
        "{weekday:?} {hour:02}:{minute:02}: open must be {open} (weekdays, 09:00 inclusive to 17:30 exclusive)"
    );
}

/// One of the two functions, as the refusal it gives on a clock (if any).
type Refusal = fn(&MovingClock) -> Option<ClockError>;

/// Asserts that both functions refuse the impossible `hour`:`minute` on `weekday` with
/// InvalidTime, after one reading of a clock whose second reading would be a valid time.
fn assert_refused_after_one_reading(weekday: Weekday, hour: u8, minute: u8) {
    let expected = ClockError::InvalidTime { hour, minute };
    let answers: [(&str, Refusal); 2] = [
        ("greeting", |clock| greeting(clock).err()),
        ("is_business_hours", |clock| is_business_hours(clock).err()),
    ];
    for (name, refusal) in answers {
        // A second reading would be a minute on, a valid time: the refusal is the first's.
        let clock = MovingClock::from(at(weekday, hour, minute).0);
        let got = refusal(&clock);
        let reads = clock.reads.get();
        assert!(
            got == Some(expected) && reads == 1,
            "{name} on {weekday:?} at {hour:02}:{minute:02} gave {got:?} after {reads} \
             reading(s): an impossible time (hour 0..=23 and minute 0..=59 are the valid ones: \
             check the range, not single values, before any rule answers, weekends included) \
             is refused with InvalidTime after exactly one reading, the error path too (no \
             second reading \"in case it was a glitch\")"
        );
    }
}

#[rstest]
#[case::hour_24(24, 0)]
#[case::minute_60(9, 60)]
fn refuses_a_time_no_clock_can_show(#[case] hour: u8, #[case] minute: u8) {
    assert_refused_after_one_reading(Weekday::Mon, hour, minute);
}

#[test]
fn refuses_every_hour_and_minute_out_of_range() {
    // Every reading past 23 hours or 59 minutes, not just the first impossible one, on every
    // day of the week (a weekend is no excuse to skip the check).
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    for weekday in days {
        for (hour, minute) in (24..=u8::MAX)
            .map(|hour| (hour, 0))
            .chain((60..=u8::MAX).map(|minute| (9, minute)))
        {
            assert_refused_after_one_reading(weekday, hour, minute);
        }
    }
}

// --- behaviour verification with the mock ---

fn mock_clock_read_once(now: LocalTime) -> MockClock {
    let mut clock = MockClock::new();
    // Fails the test if `now` is called a second time, and on drop if it was never called.
    clock.expect_now().times(1).return_const(now);
    clock
}

#[test]
fn greeting_reads_the_clock_exactly_once() {
    let clock = mock_clock_read_once(LocalTime {
        weekday: Weekday::Mon,
        hour: 7,
        minute: 30,
    });

    let got = greeting(&clock);

    assert_eq!(
        got,
        Ok("Good morning"),
        "greeting must read the (mock) clock once and answer from that reading"
    );
}

#[test]
fn business_hours_reads_the_clock_exactly_once() {
    let clock = mock_clock_read_once(LocalTime {
        weekday: Weekday::Fri,
        hour: 17,
        minute: 29,
    });

    let got = is_business_hours(&clock);

    assert_eq!(
        got,
        Ok(true),
        "is_business_hours must decide from a single reading: two reads can straddle 17:30"
    );
}

/// A clock that moves on: the first reading is `first`, every later one a minute on (the
/// boundary a second reading can cross). It counts the readings.
struct MovingClock {
    first: LocalTime,
    reads: std::cell::Cell<u32>,
}

impl From<LocalTime> for MovingClock {
    fn from(first: LocalTime) -> Self {
        Self {
            first,
            reads: std::cell::Cell::new(0),
        }
    }
}

impl Clock for MovingClock {
    fn now(&self) -> LocalTime {
        let reads = self.reads.get();
        self.reads.set(reads + 1);
        if reads == 0 {
            return self.first;
        }
        let minutes = u32::from(self.first.hour) * 60 + u32::from(self.first.minute) + 1;
        LocalTime {
            hour: u8::try_from(minutes / 60 % 24).expect("an hour fits u8"),
            minute: u8::try_from(minutes % 60).expect("a minute fits u8"),
            ..self.first
        }
    }
}

#[test]
fn reads_the_clock_once_at_every_minute_of_the_week() {
    use Weekday::*;
    for weekday in [Mon, Tue, Wed, Thu, Fri, Sat, Sun] {
        for hour in 0..24 {
            for minute in 0..60 {
                let first = LocalTime {
                    weekday,
                    hour,
                    minute,
                };
                let at_first = at(weekday, hour, minute);
                for (name, answer, expected) in [
                    (
                        "greeting",
                        Box::new(|clock: &MovingClock| format!("{:?}", greeting(clock)))
                            as Box<dyn Fn(&MovingClock) -> String>,
                        format!("{:?}", greeting(&at_first)),
                    ),
                    (
                        "is_business_hours",
                        Box::new(|clock: &MovingClock| format!("{:?}", is_business_hours(clock))),
                        format!("{:?}", is_business_hours(&at_first)),
                    ),
                ] {
                    let clock = MovingClock::from(first);
                    let got = answer(&clock);
                    assert!(
                        clock.reads.get() == 1 && got == expected,
                        "{name} at {weekday:?} {hour:02}:{minute:02} read the clock {} times and \
                         answered {got} (from the first reading: {expected}): read the clock \
                         exactly once, at every time of day (a second reading \"to be sure\" near \
                         a boundary is the straddle the kata is about), and answer from that \
                         one reading",
                        clock.reads.get()
                    );
                }
            }
        }
    }
}

/// The rules, written here independently: minutes since midnight against the opening hours.
fn open_by_the_rules(weekday: Weekday, hour: u8, minute: u8) -> bool {
    let weekend = matches!(weekday, Weekday::Sat | Weekday::Sun);
    let minutes = u32::from(hour) * 60 + u32::from(minute);
    !weekend && (540..1050).contains(&minutes)
}

#[test]
fn agrees_with_the_rules_at_every_minute_of_the_week() {
    use Weekday::*;
    for weekday in [Mon, Tue, Wed, Thu, Fri, Sat, Sun] {
        for hour in 0..24 {
            for minute in 0..60 {
                let clock = at(weekday, hour, minute);
                let open = open_by_the_rules(weekday, hour, minute);
                assert_eq!(
                    is_business_hours(&clock),
                    Ok(open),
                    "{weekday:?} {hour:02}:{minute:02}: open must be {open}; compare the whole \
                     time (hour and minute together) with 09:00 and 17:30, not each part alone"
                );
                let greeting_now = match hour {
                    0..=11 => "Good morning",
                    12..=17 => "Good afternoon",
                    _ => "Good evening",
                };
                assert_eq!(
                    greeting(&clock),
                    Ok(greeting_now),
                    "{weekday:?} {hour:02}:{minute:02}: the greeting must be {greeting_now:?}"
                );
            }
        }
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): impossible
/// times on every day of the week (the weekend included) and with both parts out of range,
/// each refused after exactly one reading.
#[cfg(feature = "held-out")]
mod held_out {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn an_impossible_time_is_refused_on_any_day_after_one_reading(
            weekday in prop::sample::select(vec![
                Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri,
                Weekday::Sat, Weekday::Sun,
            ]),
            (hour, minute) in prop_oneof![(24u8..=u8::MAX, any::<u8>()), (any::<u8>(), 60u8..=u8::MAX)],
        ) {
            let now = LocalTime { weekday, hour, minute };
            let refused = ClockError::InvalidTime { hour, minute };
            let got = greeting(&mock_clock_read_once(now));
            prop_assert_eq!(got, Err(refused),
                "greeting at {:?} {}:{} gave {:?}: an impossible time is InvalidTime with the hour \
                 and minute read, after one reading", weekday, hour, minute, got);
            let got = is_business_hours(&mock_clock_read_once(now));
            prop_assert_eq!(got, Err(refused),
                "is_business_hours at {:?} {}:{} gave {:?}: an impossible time is InvalidTime on \
                 every day, the weekend included (check the time before deciding the office is \
                 closed), after one reading", weekday, hour, minute, got);
        }
    }
}
