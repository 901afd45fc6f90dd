//! Dodge: the guard records only when the thread is not panicking, i.e. only on a normal return.
//! Caught by: a_span_records_even_when_the_body_panics

use std::cell::RefCell;
use std::time::Duration;

/// A source of timestamps: the time elapsed since some fixed origin.
pub trait Clock {
    /// The current time, measured from the clock's origin.
    fn now(&self) -> Duration;
}

/// One finished span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The span's name.
    pub name: String,
    /// From `Span::enter` to the span's drop.
    pub elapsed: Duration,
    /// Whether the span was dropped by a panic unwinding through it.
    pub unwound: bool,
}

/// Where finished spans go, in the order they finish.
#[derive(Debug, Default)]
pub struct Registry {
    records: RefCell<Vec<Record>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a finished span.
    pub fn record(&self, record: Record) {
        self.records.borrow_mut().push(record);
    }

    /// Every finished span so far, in the order they finished.
    pub fn records(&self) -> Vec<Record> {
        self.records.borrow().clone()
    }

    /// The summed duration of every finished span called `name`.
    pub fn total(&self, name: &str) -> Duration {
        self.records
            .borrow()
            .iter()
            .filter(|r| r.name == name)
            .map(|r| r.elapsed)
            .sum()
    }
}

/// Runs `f` and returns its value with the time it took on `clock`.
pub fn time_it<C: Clock, R>(clock: &C, f: impl FnOnce() -> R) -> (R, Duration) {
    let started = clock.now();
    let value = f();
    (value, clock.now().saturating_sub(started))
}

/// A running span: records its name and duration into the registry when dropped.
#[derive(Debug)]
pub struct Span<'a, C: Clock> {
    registry: &'a Registry,
    clock: &'a C,
    name: String,
    started: Duration,
}

impl<'a, C: Clock> Span<'a, C> {
    /// Starts a span called `name` now; panics with "a span needs a name" if it is empty.
    pub fn enter(registry: &'a Registry, clock: &'a C, name: &str) -> Self {
        assert!(!name.is_empty(), "a span needs a name");
        Self {
            registry,
            clock,
            name: name.to_owned(),
            started: clock.now(),
        }
    }
}

impl<C: Clock> Drop for Span<'_, C> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        self.registry.record(Record {
            name: std::mem::take(&mut self.name),
            elapsed: self.clock.now().saturating_sub(self.started),
            unwound: std::thread::panicking(),
        });
    }
}

/// Runs `f` inside a span called `name` and returns its value.
pub fn timed<C: Clock, R>(registry: &Registry, clock: &C, name: &str, f: impl FnOnce() -> R) -> R {
    let _span = Span::enter(registry, clock, name);
    f()
}
