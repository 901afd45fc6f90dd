//! # Kata 1: a tracing profiler's ledger
//!
//! **Build** the bookkeeping of a tracing profiler. A [`Profiler`] is told every time a
//! function is entered and exited, reads an injected [`Clock`] at each event, and reports
//! per function (see [`FnStats`]): `ncalls`, `tottime` (time spent in the function's own
//! body, children excluded) and `cumtime` (time from entry to exit, children included).
//!
//! Recursion is counted the way cProfile counts it: every call adds to `ncalls` and
//! `tottime`, but `cumtime` grows only when the *outermost* active call of that function
//! exits, so a function that calls itself is never counted twice.
//!
//! Events must nest. An `exit` with no call open is [`LedgerError::ExitWithoutEnter`]; an
//! `exit` of a function that is not the innermost open call is [`LedgerError::Mismatched`]
//! (and changes nothing); asking for [`Profiler::stats`] while a call is still open is
//! [`LedgerError::StillOpen`]. [`render`] prints the stats as a table, most `cumtime` first.
//!
//! **Why.** "The database is slow" is a guess. A profiler's table is a measurement: which
//! function holds the time, and whether it spends it itself (`tottime`) or in what it
//! calls (`cumtime`). A ledger that counts a recursive function's time once per level
//! reports more time than the program ran, and sends you to optimise the wrong thing.
//!
//! **Python → Rust.** cProfile hooks the interpreter's call events. Rust has no such hook
//! in std; the events come from instrumentation (a macro, a guard, or the `tracing`
//! crate's spans), and the clock is injected so the ledger can be tested on exact numbers.
//!
//! **The tests check.**
//! - `tottime` excludes the time spent in children (their whole elapsed time, grandchildren
//!   included) and `cumtime` includes it; repeated calls add up. Checked by
//!   `splits_each_function_time_into_its_own_and_its_children`,
//!   `a_grandchild_is_not_its_grandparent_own_time`.
//! - Direct and mutual recursion: every call adds to `ncalls` and `tottime`, only the
//!   outermost active call of a function adds to `cumtime`. Checked by
//!   `counts_a_recursive_function_once_in_cumtime`,
//!   `counts_mutual_recursion_once_per_outermost_call`.
//! - On any well-nested call tree the `tottime`s add up to the whole run and no `cumtime`
//!   exceeds it. Checked by `own_times_add_up_to_the_run_and_no_cumtime_exceeds_it`.
//! - The clock is read exactly once per `enter` and once per `exit`, and that one timestamp
//!   serves everything the event updates: with a clock that moves on every read, the
//!   `tottime`s still add up to the run. Checked by `reads_the_clock_once_per_event`.
//! - [`Profiler::stats`] lists most `cumtime` first, ties by name; an unused profiler reports
//!   nothing. Checked by `sorts_by_cumtime_then_by_name`, `an_unused_profiler_reports_nothing`.
//! - The typed errors: `ExitWithoutEnter`; `Mismatched` naming both calls, which changes
//!   nothing (the calls still close normally afterwards); `StillOpen` naming the innermost
//!   open call. Checked by `refuses_an_exit_with_no_call_open`,
//!   `refuses_an_exit_of_a_call_that_is_not_the_innermost_and_changes_nothing`,
//!   `refuses_stats_while_a_call_is_open`.
//! - [`render`] prints the table laid out as its doc says. Checked by
//!   `renders_the_stats_as_a_table`.
//! - The ledger keeps running totals, not a log: from `Profiler::new` to `stats`, 5,001 calls
//!   each of two functions named by 512-byte qualified names, made while 64 outer calls are
//!   still open (`main` and 63 levels of `serve`), hold at most 32 KiB at once, heap and the
//!   `Profiler` value itself (`size_of`: a log in arrays inside the struct counts) together (a
//!   log folded into the totals every 128 events, each event holding its name, holds far more),
//!   and read and write at most 4 KiB through the operating system (a log kept in a file is a
//!   log too; seen on Linux, in `/proc/self/io`). The test runs in a test process of its own
//!   and counts every thread: a log reserved up front, or kept by a thread the profiler
//!   starts, is a log too.
//!   Checked by `the_ledger_keeps_running_totals_not_a_log_of_events`.
//!
//! **Not checked.** The ledger's own cost per event. Deciding "outermost call" by scanning
//! the open stack on every exit gives the same numbers at a cost that grows with the depth
//! (a per-function count of open calls is O(1)); only a timing test could see it. Nor a log
//! of events replayed into the totals whenever 64 calls or fewer are open: the heap test
//! nests its calls 64 deep, no deeper. Nor a short log folded into the totals every few
//! dozen events, or one whose events name the function by a shared handle (an index into a
//! table of names) rather than a copy: bounded, it fits under the heap bound. Nor a log kept
//! in memory that neither the allocator nor the operating system's read and write counts see
//! (a memory map, a huge `static` or thread-local, memory asked of `std::alloc::System`
//! directly).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

/// A source of timestamps: the time elapsed since some fixed origin.
pub trait Clock {
    /// The current time, measured from the clock's origin.
    fn now(&self) -> Duration;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Duration {
        (**self).now()
    }
}

/// One function's line in the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnStats {
    /// The function's name, as given to `enter`.
    pub name: String,
    /// How many times it was entered.
    pub ncalls: u64,
    /// Time spent in its own body, children excluded.
    pub tottime: Duration,
    /// Time from entry to exit of its outermost calls, children included.
    pub cumtime: Duration,
}

/// Events that do not nest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// `exit` was called with no call open.
    #[error("exit({name:?}) with no call open")]
    ExitWithoutEnter {
        /// The name given to `exit`.
        name: String,
    },
    /// `exit` named a function that is not the innermost open call.
    #[error("exit({got:?}) while {open:?} is the innermost open call")]
    Mismatched {
        /// The innermost open call.
        open: String,
        /// The name given to `exit`.
        got: String,
    },
    /// The stats were asked for while a call was still open.
    #[error("{open:?} was entered but never exited")]
    StillOpen {
        /// The innermost open call.
        open: String,
    },
}

/// An open call.
#[derive(Debug)]
struct Frame {
    name: String,
    started: Duration,
    in_children: Duration,
}

/// Running totals for one function.
#[derive(Debug, Default)]
struct Totals {
    ncalls: u64,
    tottime: Duration,
    cumtime: Duration,
    /// How many calls of this function are open right now.
    active: usize,
}

/// A tracing profiler fed `enter`/`exit` events, timed by an injected clock.
#[derive(Debug)]
pub struct Profiler<C> {
    clock: C,
    stack: Vec<Frame>,
    totals: HashMap<String, Totals>,
}

impl<C: Clock> Profiler<C> {
    /// A profiler with nothing recorded, reading `clock`.
    pub fn new(clock: C) -> Self {
        Self {
            clock,
            stack: Vec::new(),
            totals: HashMap::new(),
        }
    }

    /// Records that `name` was called now.
    pub fn enter(&mut self, name: &str) {
        let totals = self.totals.entry(name.to_owned()).or_default();
        totals.ncalls += 1;
        totals.active += 1;
        self.stack.push(Frame {
            name: name.to_owned(),
            started: self.clock.now(),
            in_children: Duration::ZERO,
        });
    }

    /// Records that `name`, the innermost open call, returned now.
    pub fn exit(&mut self, name: &str) -> Result<(), LedgerError> {
        let Some(top) = self.stack.last() else {
            return Err(LedgerError::ExitWithoutEnter {
                name: name.to_owned(),
            });
        };
        if top.name != name {
            return Err(LedgerError::Mismatched {
                open: top.name.clone(),
                got: name.to_owned(),
            });
        }
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let elapsed = self.clock.now().saturating_sub(frame.started);
        if let Some(parent) = self.stack.last_mut() {
            parent.in_children += elapsed;
        }
        let totals = self.totals.entry(frame.name).or_default();
        totals.tottime += elapsed.saturating_sub(frame.in_children);
        totals.active -= 1;
        if totals.active == 0 {
            totals.cumtime += elapsed;
        }
        Ok(())
    }

    /// Every function seen, most `cumtime` first (ties: by name).
    pub fn stats(&self) -> Result<Vec<FnStats>, LedgerError> {
        if let Some(open) = self.stack.last() {
            return Err(LedgerError::StillOpen {
                open: open.name.clone(),
            });
        }
        let mut stats: Vec<FnStats> = self
            .totals
            .iter()
            .map(|(name, totals)| FnStats {
                name: name.clone(),
                ncalls: totals.ncalls,
                tottime: totals.tottime,
                cumtime: totals.cumtime,
            })
            .collect();
        stats.sort_by(|a, b| b.cumtime.cmp(&a.cumtime).then_with(|| a.name.cmp(&b.name)));
        Ok(stats)
    }
}

/// Seconds with three decimals, as cProfile prints them.
fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// The stats as a table, one row per entry, in the order given.
///
/// The layout (the snapshot `snapshots/d15-profiling/call_ledger_table.snap` holds one):
///
/// ```text
///    ncalls  tottime  percall  cumtime  percall  function
///         1    0.010    0.010    0.345    0.345  main
/// ```
///
/// Five right-aligned columns of width 9 (`percall` is `tottime / ncalls`, then
/// `cumtime / ncalls`; times in seconds with three decimals), two spaces, the name; every
/// line ends in `\n`.
pub fn render(stats: &[FnStats]) -> String {
    let mut table = format!(
        "{:>9}{:>9}{:>9}{:>9}{:>9}  function\n",
        "ncalls", "tottime", "percall", "cumtime", "percall"
    );
    for row in stats {
        let calls = u32::try_from(row.ncalls.max(1)).unwrap_or(u32::MAX);
        // Writing to a String cannot fail.
        let _ = writeln!(
            table,
            "{:>9}{:>9}{:>9}{:>9}{:>9}  {}",
            row.ncalls,
            seconds(row.tottime),
            seconds(row.tottime / calls),
            seconds(row.cumtime),
            seconds(row.cumtime / calls),
            row.name
        );
    }
    table
}
