//! # Kata 4: wall time against CPU time
//!
//! **Build** a [`DualProfiler`] that reads two clocks around every profiled call: the
//! *wall* clock (time passing in the world) and the *CPU* clock (time the processor spent
//! running this thread). [`DualProfiler::profile`] runs a closure under a name and adds its
//! inclusive wall and CPU time to that name; [`DualProfiler::report`] lists every name with
//! its calls and both times (see [`FnTimes`]), sorted by the clock you choose.
//!
//! Rules:
//!
//! - `profile` returns the closure's value; a call nested in another counts in both.
//! - `report(by)` sorts by the chosen clock, most first; ties by name.
//! - [`FnTimes::waiting`] is the wall time spent off the CPU: wall minus CPU (zero if CPU
//!   is larger, which happens when several threads add to one CPU clock).
//! - A clock that reads less at the end of a call than at its start is broken: `report`
//!   then fails with [`ClockError::WentBackwards`], naming the clock and the first call (of
//!   the whole profiler) that saw it (the wall clock if both went back in that call); no
//!   later call, good or broken, of that name or another, on either clock, changes that.
//!
//! **Why.** A wall-clock profile of code that waits (network, disk, locks, `await`) blames
//! the waiting function for time the CPU spent idle. Optimising its code changes nothing;
//! the fix is to overlap the waits. The CPU clock shows where the processor really works.
//! Read both: the difference is the waiting.
//!
//! **Python → Rust.** yappi switches one profiler between a wall and a CPU clock. In Rust
//! the wall clock is `std::time::Instant`; std has no CPU clock, but the platforms do:
//! `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` (Linux and macOS, through the `libc` crate) or
//! `GetThreadTimes` (Windows). Here both clocks are injected through the [`Clocks`] trait, so
//! a test can simulate a network wait (the wall clock moves, the CPU clock does not).
//!
//! **The tests check.**
//! - Each call's wall and CPU time, read on their own clocks, on a simulated "network call
//!   plus heavy math" program; `waiting` is wall minus CPU, zero when CPU exceeds wall.
//!   Checked by `reports_wall_and_cpu_time_for_each_call`,
//!   `waiting_is_the_wall_time_spent_off_the_cpu`,
//!   `waiting_is_zero_when_cpu_time_exceeds_wall_time`.
//! - `report(by)` sorts by the chosen clock (the wall clock blames the wait, the CPU clock the
//!   work), ties by name; an unused profiler reports nothing. Checked by
//!   `the_chosen_clock_decides_what_looks_slowest`, `breaks_ties_by_name`,
//!   `an_unused_profiler_reports_nothing`.
//! - `profile` returns the closure's value; repeated calls add up and a nested call counts in
//!   both. Checked by `returns_the_value_of_the_profiled_call`,
//!   `adds_up_repeated_calls_and_counts_nested_ones_in_both`.
//! - Either clock going backwards makes `report` fail with `WentBackwards` naming that clock
//!   and the first call that saw it, even after later good calls (of the same name too) and
//!   later broken ones, of a name seen earlier too, on either clock (a wall clock that went
//!   back first is not hidden by a later CPU glitch; both back in one call names the wall
//!   clock). Checked by `a_clock_that_goes_backwards_is_reported`,
//!   `a_wall_clock_that_goes_backwards_is_reported_too`,
//!   `a_backwards_clock_is_still_reported_after_good_calls`,
//!   `the_first_broken_call_is_reported_whichever_clock_broke`.
//! - Only the call runs between the start reads and the end reads: the profiler's own work
//!   (storing the name, updating its table) happens before the first read or after the last,
//!   never inside the window it measures (the test's clocks note the heap calls made by
//!   every read: allocations, resizes and frees; the call notes its start and end), for a
//!   name seen before and for 16,384 new names, at any depth of nesting (64 nested calls);
//!   and the report, read at every clock read, does not change inside a window (no call
//!   counted, no line touched there). Checked by
//!   `the_clocks_are_read_right_next_to_the_call`,
//!   `the_window_stays_empty_at_any_depth_of_nesting`,
//!   `the_table_changes_only_outside_the_measured_window`.
//!
//! **Not checked.** Private work inside the window that touches neither the heap nor the
//! report: a stack of open calls reserved deeper than the tests nest (more than 64), a table
//! reserved for more names than the tests profile (more than 16,384) whose lines are added
//! there, or a counter bumped there. Only timing could see it; keep the start readings in
//! locals. Nor how the totals are kept between calls: this kata makes no claim about the
//! profiler's memory, so a log of every call's readings replayed by `report` gives the same
//! reports (running totals are the lesson of the call ledger, kata 1, and checked there).

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

/// A pair of clocks, each measured from its own origin.
pub trait Clocks {
    /// Time passing in the world.
    fn wall(&self) -> Duration;
    /// Time the processor spent running this thread.
    fn cpu(&self) -> Duration;
}

impl<C: Clocks + ?Sized> Clocks for &C {
    fn wall(&self) -> Duration {
        (**self).wall()
    }
    fn cpu(&self) -> Duration {
        (**self).cpu()
    }
}

/// Which of the two clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    /// The wall clock.
    Wall,
    /// The CPU clock.
    Cpu,
}

/// One name's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnTimes {
    /// The name given to `profile`.
    pub name: String,
    /// How many calls were profiled under it.
    pub calls: u32,
    /// Their summed wall time.
    pub wall: Duration,
    /// Their summed CPU time.
    pub cpu: Duration,
}

impl FnTimes {
    /// Wall time spent off the CPU: `wall - cpu`, or zero if CPU time is larger.
    pub fn waiting(&self) -> Duration {
        self.wall.saturating_sub(self.cpu)
    }
}

/// A clock went backwards during a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The clock read less at the end of the call than at its start.
    #[error("the {clock:?} clock went backwards during {name:?}")]
    WentBackwards {
        /// Which clock.
        clock: ClockKind,
        /// The call's name.
        name: String,
    },
}

/// A profiler that measures every call on a wall clock and a CPU clock.
#[derive(Debug)]
pub struct DualProfiler<C> {
    clocks: C,
    times: RefCell<HashMap<String, FnTimes>>,
    broken: RefCell<Option<ClockError>>,
}

/// `end - start`, or the error naming `clock` if the clock went backwards.
fn elapsed(
    start: Duration,
    end: Duration,
    clock: ClockKind,
    name: &str,
) -> Result<Duration, ClockError> {
    end.checked_sub(start)
        .ok_or_else(|| ClockError::WentBackwards {
            clock,
            name: name.to_owned(),
        })
}

impl<C: Clocks> DualProfiler<C> {
    /// A profiler with nothing recorded, reading `clocks`.
    pub fn new(clocks: C) -> Self {
        Self {
            clocks,
            times: RefCell::new(HashMap::new()),
            broken: RefCell::new(None),
        }
    }

    /// Runs `f`, adding its wall and CPU time to `name`, and returns its value.
    pub fn profile<R>(&self, name: &str, f: impl FnOnce() -> R) -> R {
        let (wall_start, cpu_start) = (self.clocks.wall(), self.clocks.cpu());
        let value = f();
        let (wall_end, cpu_end) = (self.clocks.wall(), self.clocks.cpu());
        let measured = elapsed(wall_start, wall_end, ClockKind::Wall, name)
            .and_then(|wall| Ok((wall, elapsed(cpu_start, cpu_end, ClockKind::Cpu, name)?)));
        match measured {
            Ok((wall, cpu)) => {
                let mut times = self.times.borrow_mut();
                let entry = times.entry(name.to_owned()).or_insert_with(|| FnTimes {
                    name: name.to_owned(),
                    calls: 0,
                    wall: Duration::ZERO,
                    cpu: Duration::ZERO,
                });
                entry.calls += 1;
                entry.wall += wall;
                entry.cpu += cpu;
            }
            Err(error) => {
                self.broken.borrow_mut().get_or_insert(error);
            }
        }
        value
    }

    /// Every name's totals, most time on the `by` clock first (ties: by name).
    pub fn report(&self, by: ClockKind) -> Result<Vec<FnTimes>, ClockError> {
        if let Some(error) = self.broken.borrow().clone() {
            return Err(error);
        }
        let mut report: Vec<FnTimes> = self.times.borrow().values().cloned().collect();
        let key = |t: &FnTimes| match by {
            ClockKind::Wall => t.wall,
            ClockKind::Cpu => t.cpu,
        };
        report.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.name.cmp(&b.name)));
        Ok(report)
    }
}
