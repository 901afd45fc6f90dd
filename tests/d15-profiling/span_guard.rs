//! Kata 2: `time_it`, and a `Span` guard that records on every way out of its scope.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use crate::span_guard::{Clock, Record, Registry, Span, time_it, timed};

/// A clock that moves only when the test says so.
#[derive(Default)]
struct FakeClock {
    now: Cell<Duration>,
}

impl FakeClock {
    fn advance(&self, millis: u64) {
        self.now.set(self.now.get() + Duration::from_millis(millis));
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        self.now.get()
    }
}

/// A clock standing at 0 and an empty registry: what every span test starts from.
fn clock_and_registry() -> (FakeClock, Registry) {
    (FakeClock::default(), Registry::new())
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn record(name: &str, millis: u64, unwound: bool) -> Record {
    Record {
        name: name.to_owned(),
        elapsed: ms(millis),
        unwound,
    }
}

#[test]
fn time_it_returns_the_value_and_the_time_the_closure_took() {
    let clock = FakeClock::default();
    clock.advance(1_000);
    let got = time_it(&clock, || {
        clock.advance(250);
        "forged"
    });
    assert_eq!(
        got,
        ("forged", ms(250)),
        "time_it must hand back the closure's value and the clock's advance while it ran \
         (250 ms), not the time since the clock's origin"
    );
}

#[test]
fn time_it_of_a_closure_that_takes_no_time_is_zero() {
    let clock = FakeClock::default();
    clock.advance(40);
    let got = time_it(&clock, || 7);
    assert_eq!(
        got,
        (7, Duration::ZERO),
        "the clock did not move while the closure ran: the duration must be zero"
    );
}

#[test]
fn a_span_records_when_it_goes_out_of_scope() {
    let (clock, registry) = clock_and_registry();
    {
        let _span = Span::enter(&registry, &clock, "parse");
        clock.advance(30);
        assert_eq!(
            registry.records(),
            [],
            "a span still in scope must not have recorded yet: it records when dropped"
        );
        clock.advance(12);
    }
    assert_eq!(
        registry.records(),
        [record("parse", 42, false)],
        "the span lived 42 ms and was dropped at the end of its block: one record, not unwound"
    );
}

#[test]
fn nested_spans_record_the_inner_one_first() {
    let (clock, registry) = clock_and_registry();
    {
        let _outer = Span::enter(&registry, &clock, "request");
        clock.advance(5);
        {
            let _inner = Span::enter(&registry, &clock, "query");
            clock.advance(20);
        }
        clock.advance(3);
    }
    assert_eq!(
        registry.records(),
        [record("query", 20, false), record("request", 28, false)],
        "the inner span ends (is dropped) first and covers 20 ms; the outer one covers all 28 ms"
    );
}

#[test]
fn timed_records_the_span_of_a_closure_and_returns_its_value() {
    let (clock, registry) = clock_and_registry();
    let words = timed(&registry, &clock, "forge_weapon", || {
        clock.advance(9);
        vec!["0", "1", "2"]
    });
    assert_eq!(
        (words, registry.records()),
        (vec!["0", "1", "2"], vec![record("forge_weapon", 9, false)]),
        "timed must return the closure's value and leave one 9 ms record"
    );
}

#[test]
fn a_span_records_an_early_return_through_the_question_mark() {
    let (clock, registry) = clock_and_registry();
    let load = |text: &str| -> Result<u32, std::num::ParseIntError> {
        let _span = Span::enter(&registry, &clock, "load");
        clock.advance(15);
        let n: u32 = text.parse()?;
        clock.advance(100);
        Ok(n)
    };
    let got = load("not a number");
    assert!(got.is_err(), "the test input must fail to parse");
    assert_eq!(
        registry.records(),
        [record("load", 15, false)],
        "`?` returned early after 15 ms: the span must still record, because Drop runs on \
         every way out of the scope"
    );
}

#[test]
fn a_span_records_even_when_the_body_panics() {
    let (clock, registry) = clock_and_registry();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        timed(&registry, &clock, "risky", || {
            clock.advance(7);
            panic!("the body failed");
        })
    }));
    assert!(
        outcome.is_err(),
        "the panic must go on to the caller: timing a call must not swallow its failure"
    );
    assert_eq!(
        registry.records(),
        [record("risky", 7, true)],
        "the body panicked after 7 ms: the span must be recorded during unwinding (Drop runs), \
         marked unwound: true; a timer that records only on a normal return loses the one \
         call that failed"
    );
}

/// A clock that stands still and notes, at every read, whether a panic was unwinding.
#[derive(Default)]
struct UnwindWatchingClock {
    reads_while_panicking: std::cell::RefCell<Vec<bool>>,
}

impl Clock for UnwindWatchingClock {
    fn now(&self) -> Duration {
        self.reads_while_panicking
            .borrow_mut()
            .push(std::thread::panicking());
        Duration::ZERO
    }
}

#[test]
fn timed_closes_its_span_while_the_panic_unwinds() {
    let clock = UnwindWatchingClock::default();
    let registry = Registry::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        timed(&registry, &clock, "risky", || panic!("the body failed"))
    }));
    assert!(outcome.is_err(), "the panic must go on to the caller");
    let reads = clock.reads_while_panicking.borrow().clone();
    assert_eq!(
        reads,
        [false, true],
        "timed read the clock {} times, during a panic at the reads {reads:?}: the span must \
         end in its guard's Drop while the panic unwinds through timed (the second read \
         happens with std::thread::panicking() true). Catching the panic with catch_unwind, \
         recording by hand and re-raising it is the try/except the guard replaces: let the \
         Span's Drop do it",
        reads.len()
    );
    assert_eq!(registry.records(), [record("risky", 0, true)]);
}

#[test]
fn spans_unwound_by_a_panic_record_inner_first_and_marked_unwound() {
    let (clock, registry) = clock_and_registry();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let _request = Span::enter(&registry, &clock, "request");
        clock.advance(2);
        let _query = Span::enter(&registry, &clock, "query");
        clock.advance(6);
        panic!("the query failed");
    }));
    assert!(outcome.is_err(), "the panic must reach catch_unwind");
    let after = Span::enter(&registry, &clock, "after");
    drop(after);
    assert_eq!(
        registry.records(),
        [
            record("query", 6, true),
            record("request", 8, true),
            record("after", 0, false)
        ],
        "a panic unwound through two spans: Drop must record both, inner first, each marked \
         unwound: true (std::thread::panicking() inside drop); a span dropped normally after \
         the panic was caught is not unwound"
    );
}

#[test]
fn the_registry_totals_every_span_of_a_name() {
    let (clock, registry) = clock_and_registry();
    for millis in [3, 4, 5] {
        timed(&registry, &clock, "step", || clock.advance(millis));
    }
    timed(&registry, &clock, "other", || clock.advance(100));
    assert_eq!(
        (registry.total("step"), registry.total("never")),
        (ms(12), Duration::ZERO),
        "three `step` spans of 3, 4 and 5 ms total 12 ms; a name never recorded totals zero"
    );
}

#[test]
#[should_panic(expected = "a span needs a name")]
fn a_span_with_an_empty_name_is_refused() {
    let (clock, registry) = clock_and_registry();
    let _span = Span::enter(&registry, &clock, "");
}
