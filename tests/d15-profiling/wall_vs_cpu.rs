//! Kata 4: a profiler that reads a wall clock and a CPU clock.

use std::cell::Cell;
use std::time::Duration;

use super::heap::heap_calls_so_far;
use crate::wall_vs_cpu::{ClockError, ClockKind, Clocks, DualProfiler, FnTimes};
use rstest::rstest;

/// A simulated thread: computing moves both clocks, waiting moves only the wall clock.
#[derive(Default)]
struct SimClocks {
    wall: Cell<Duration>,
    cpu: Cell<Duration>,
}

impl SimClocks {
    fn compute(&self, millis: u64) {
        self.wall.set(self.wall.get() + ms(millis));
        self.cpu.set(self.cpu.get() + ms(millis));
    }

    fn wait(&self, millis: u64) {
        self.wall.set(self.wall.get() + ms(millis));
    }
}

impl Clocks for SimClocks {
    fn wall(&self) -> Duration {
        self.wall.get()
    }
    fn cpu(&self) -> Duration {
        self.cpu.get()
    }
}

/// Clocks that stand still and log, at every read, which clock it was and how many heap
/// calls (allocations, resizes, frees) this thread had made by then; the profiled closure
/// logs its start and end too.
struct WatchingClocks {
    log: std::cell::RefCell<Vec<(&'static str, usize)>>,
}

impl WatchingClocks {
    fn new() -> Self {
        // Room for every entry up front: logging itself must not allocate.
        Self {
            log: std::cell::RefCell::new(Vec::with_capacity(6 * (NAMES + 2))),
        }
    }

    fn note(&self, what: &'static str) {
        let heap_calls = heap_calls_so_far();
        self.log.borrow_mut().push((what, heap_calls));
    }
}

impl Clocks for WatchingClocks {
    fn wall(&self) -> Duration {
        self.note("wall");
        Duration::ZERO
    }
    fn cpu(&self) -> Duration {
        self.note("cpu");
        Duration::ZERO
    }
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn times(name: &str, calls: u32, wall: u64, cpu: u64) -> FnTimes {
    FnTimes {
        name: name.to_owned(),
        calls,
        wall: ms(wall),
        cpu: ms(cpu),
    }
}

/// The article's program: a 2 s network wait (1 ms of CPU) and 500 ms of arithmetic.
fn network_and_math(clocks: &SimClocks) -> DualProfiler<&SimClocks> {
    let profiler = DualProfiler::new(clocks);
    profiler.profile("fake_network_request", || {
        clocks.compute(1);
        clocks.wait(2_000);
    });
    profiler.profile("heavy_math", || clocks.compute(500));
    profiler
}

fn report(profiler: &DualProfiler<&SimClocks>, by: ClockKind) -> Vec<FnTimes> {
    profiler
        .report(by)
        .unwrap_or_else(|e| panic!("report({by:?}) failed on well-behaved clocks: {e}"))
}

/// The function names of the report sorted by the `by` clock, in the report's order.
fn names(profiler: &DualProfiler<&SimClocks>, by: ClockKind) -> Vec<String> {
    report(profiler, by).into_iter().map(|t| t.name).collect()
}

/// Simulated clocks that have both run 50 ms already.
fn clocks_at_50ms() -> SimClocks {
    let clocks = SimClocks::default();
    clocks.compute(50);
    clocks
}

/// The report a profiler owes when `clock` went backwards during the call `name`.
fn went_backwards(clock: ClockKind, name: &str) -> Result<Vec<FnTimes>, ClockError> {
    Err(ClockError::WentBackwards {
        clock,
        name: name.to_owned(),
    })
}

#[test]
fn reports_wall_and_cpu_time_for_each_call() {
    let clocks = SimClocks::default();
    let profiler = network_and_math(&clocks);
    assert_eq!(
        report(&profiler, ClockKind::Wall),
        [
            times("fake_network_request", 1, 2_001, 1),
            times("heavy_math", 1, 500, 500)
        ],
        "the network call took 2001 ms of wall time but only 1 ms of CPU; the arithmetic \
         500 ms of both: each clock must be read on its own at the start and end of a call"
    );
}

#[rstest]
#[case::wall_clock_blames_the_wait(ClockKind::Wall, "fake_network_request")]
#[case::cpu_clock_finds_the_work(ClockKind::Cpu, "heavy_math")]
fn the_chosen_clock_decides_what_looks_slowest(#[case] by: ClockKind, #[case] top: &str) {
    let clocks = SimClocks::default();
    let profiler = network_and_math(&clocks);
    let order = names(&profiler, by);
    assert_eq!(
        order.first().map(String::as_str),
        Some(top),
        "sorted by the {by:?} clock the report starts with {order:?}: a wall-clock profile \
         blames the waiting network call, a CPU profile the arithmetic"
    );
}

#[test]
fn waiting_is_the_wall_time_spent_off_the_cpu() {
    let clocks = SimClocks::default();
    let profiler = network_and_math(&clocks);
    let waits: Vec<(String, Duration)> = report(&profiler, ClockKind::Wall)
        .into_iter()
        .map(|t| (t.name.clone(), t.waiting()))
        .collect();
    assert_eq!(
        waits,
        [
            ("fake_network_request".to_owned(), ms(2_000)),
            ("heavy_math".to_owned(), Duration::ZERO)
        ],
        "waiting is wall minus CPU: 2000 ms for the network call, none for the arithmetic"
    );
}

#[test]
fn waiting_is_zero_when_cpu_time_exceeds_wall_time() {
    let threads = times("parallel_sum", 1, 100, 180);
    assert_eq!(
        threads.waiting(),
        Duration::ZERO,
        "two threads can burn 180 ms of CPU in 100 ms of wall time: waiting is then zero, \
         not a negative duration or a panic"
    );
}

#[test]
fn returns_the_value_of_the_profiled_call() {
    let clocks = SimClocks::default();
    let profiler = DualProfiler::new(&clocks);
    let sum = profiler.profile("sum", || {
        clocks.compute(3);
        (1..=10).sum::<u32>()
    });
    assert_eq!(
        sum, 55,
        "profile must hand back what the call returned: measuring must not change the result"
    );
}

#[test]
fn adds_up_repeated_calls_and_counts_nested_ones_in_both() {
    let clocks = SimClocks::default();
    let profiler = DualProfiler::new(&clocks);
    for _ in 0..3 {
        profiler.profile("handler", || {
            clocks.compute(2);
            profiler.profile("db_query", || {
                clocks.compute(1);
                clocks.wait(30);
            });
        });
    }
    assert_eq!(
        report(&profiler, ClockKind::Cpu),
        [times("handler", 3, 99, 9), times("db_query", 3, 93, 3)],
        "three handler calls of 2 ms CPU each wrap a db_query of 1 ms CPU and 30 ms wait: \
         calls add up, and a parent's times include its child's"
    );
}

/// How many distinct names `the_clocks_are_read_right_next_to_the_call` profiles.
const NAMES: usize = 1 << 14;

#[test]
fn the_clocks_are_read_right_next_to_the_call() {
    let clocks = WatchingClocks::new();
    let profiler = DualProfiler::new(&clocks);
    // One name twice (its line exists the second time), then 16,384 new names (the table
    // grows far past any room reserved up front).
    let mut names = vec!["a_name_the_profiler_has_to_store".to_owned(); 2];
    names.extend((0..NAMES).map(|i| format!("handler_{i}")));
    for name in &names {
        profiler.profile(name, || clocks.note("call starts"));
        clocks.note("call ends");
    }
    let log = clocks.log.borrow().clone();
    // Each call: the two start reads, the call, the two end reads; then the test's mark.
    let mut windows = Vec::new();
    for call in log.split(|&(what, _)| what == "call ends") {
        if let Some(start) = call.iter().position(|&(what, _)| what == "call starts") {
            windows.push((&call[..=start], &call[start..]));
        }
    }
    let whats: Vec<&str> = log.iter().map(|&(what, _)| what).collect();
    assert_eq!(
        windows.len(),
        names.len(),
        "not every call was run: {:?}",
        &whats[..whats.len().min(60)]
    );
    for (call, (before, after)) in windows.into_iter().enumerate() {
        let before_ok = before.len() == 3 && before.iter().all(|&(_, n)| n == before[2].1);
        let after_ok = after.len() == 3 && after.iter().all(|&(_, n)| n == after[0].1);
        assert!(
            before_ok && after_ok,
            "around profiled call {call} ({:?}) the log (event, heap calls so far) reads \
             {before:?} then {after:?}: between the start clocks and the call, and between the \
             call and the end clocks, the profiler must do nothing (here it allocated, freed \
             or read a clock again). Storing the name, finding or adding its line (a table \
             grows with the names however much room was reserved up front; a key made in \
             advance is freed when the line exists) or counting the call inside the window \
             bills the profiler's own work to every call, on both clocks: read the clocks, run \
             the call, read the clocks, and only then do the bookkeeping",
            names[call]
        );
    }
}

/// Profiles `depth` calls, each nested in the one before, all named `level`; each call notes
/// its start and its end on the watching clocks.
fn nest(profiler: &DualProfiler<&WatchingClocks>, clocks: &WatchingClocks, depth: usize) {
    if depth > 0 {
        profiler.profile("level", || {
            clocks.note("call starts");
            nest(profiler, clocks, depth - 1);
            clocks.note("call ends");
        });
    }
}

#[test]
fn the_window_stays_empty_at_any_depth_of_nesting() {
    const DEPTH: usize = 64;
    let clocks = WatchingClocks::new();
    let profiler = DualProfiler::new(&clocks);
    for _ in 0..2 {
        nest(&profiler, &clocks, DEPTH);
    }
    let log = clocks.log.borrow().clone();
    let whats: Vec<&str> = log.iter().map(|&(what, _)| what).collect();
    let starts = whats.iter().filter(|&&what| what == "call starts").count();
    assert_eq!(
        starts,
        2 * DEPTH,
        "the nested calls were not all run: {whats:?}"
    );
    for (at, &(what, heap_calls)) in log.iter().enumerate() {
        // The two start reads come right before the call starts, the two end reads right
        // after it ends, with no heap call in between.
        let window = match what {
            "call starts" => log.get(at.saturating_sub(2)..at),
            "call ends" => log.get(at + 1..at + 3),
            _ => continue,
        };
        let clean = window.is_some_and(|reads| {
            reads.iter().map(|&(read, _)| read).eq(["wall", "cpu"])
                && reads.iter().all(|&(_, n)| n == heap_calls)
        });
        assert!(
            clean,
            "around a call {} deep in {DEPTH} nested calls, the log (event, heap calls so \
             far) reads {:?}: between the start clocks and the call, and between the call and \
             the end clocks, the profiler must do nothing. Here it allocated (a stack of open \
             calls that grows, however much room was reserved up front, still grows inside \
             the window once the calls nest deeper) or read a clock again. Keep the start \
             readings in local variables of `profile`: read, run, read, then do the bookkeeping",
            starts_before(&whats, at),
            &log[at.saturating_sub(2)..(at + 3).min(log.len())]
        );
    }
}

/// How many calls have started and not ended at position `at` of the log.
fn starts_before(whats: &[&str], at: usize) -> usize {
    whats[..at].iter().fold(0_usize, |open, &what| match what {
        "call starts" => open + 1,
        "call ends" => open.saturating_sub(1),
        _ => open,
    })
}

/// Clocks that stand still and, at every read, note what the profiler would report right
/// then; the profiled closures note it at their start and end too.
struct PeekingClocks<'p> {
    profiler: std::cell::OnceCell<&'p DualProfiler<&'p PeekingClocks<'p>>>,
    seen: std::cell::RefCell<Vec<(&'static str, Vec<FnTimes>)>>,
}

impl PeekingClocks<'_> {
    fn peek(&self, what: &'static str) {
        let report = self
            .profiler
            .get()
            .map(|profiler| profiler.report(ClockKind::Wall))
            .unwrap_or(Ok(Vec::new()))
            .unwrap_or_else(|e| panic!("report failed on clocks that stand still: {e}"));
        self.seen.borrow_mut().push((what, report));
    }
}

impl Clocks for PeekingClocks<'_> {
    fn wall(&self) -> Duration {
        self.peek("wall");
        Duration::ZERO
    }
    fn cpu(&self) -> Duration {
        self.peek("cpu");
        Duration::ZERO
    }
}

#[test]
fn the_table_changes_only_outside_the_measured_window() {
    let clocks = PeekingClocks {
        profiler: std::cell::OnceCell::new(),
        seen: std::cell::RefCell::new(Vec::new()),
    };
    let profiler = DualProfiler::new(&clocks);
    let _ = clocks.profiler.set(&profiler);
    for name in ["parse", "parse", "render", "parse"] {
        profiler.profile(name, || {
            clocks.peek("call starts");
            clocks.peek("call ends");
        });
    }
    let seen = clocks.seen.borrow();
    let whats: Vec<&str> = seen.iter().map(|(what, _)| *what).collect();
    assert_eq!(
        whats,
        ["wall", "cpu", "call starts", "call ends", "wall", "cpu"].repeat(4),
        "each profiled call reads the wall clock, then the CPU clock, runs, then reads the \
         two clocks again"
    );
    for call in seen.chunks(6) {
        let (before, after) = call.split_at(3);
        let still = |part: &[(&str, Vec<FnTimes>)]| part.iter().all(|(_, r)| *r == part[0].1);
        assert!(
            still(before) && still(after),
            "the report, read at each clock read and at the call's start and end, changed \
             inside the measured window: {call:?}. Counting the call or touching its line \
             between the start reads and the call (or between the call and the end reads) \
             bills the profiler's own work (hashing the name, finding the line) to every \
             call, on both clocks: read the clocks, run the call, read the clocks, and only \
             then update the table"
        );
    }
}

#[test]
fn breaks_ties_by_name() {
    let clocks = SimClocks::default();
    let profiler = DualProfiler::new(&clocks);
    for name in ["zeta", "alpha", "mid"] {
        profiler.profile(name, || clocks.compute(5));
    }
    let order = names(&profiler, ClockKind::Cpu);
    assert_eq!(
        order,
        ["alpha", "mid", "zeta"],
        "three calls of equal time must be listed by name"
    );
}

#[test]
fn an_unused_profiler_reports_nothing() {
    let clocks = SimClocks::default();
    let profiler = DualProfiler::new(&clocks);
    assert_eq!(
        profiler.report(ClockKind::Wall),
        Ok(vec![]),
        "nothing was profiled: the report is empty"
    );
}

#[test]
fn a_clock_that_goes_backwards_is_reported() {
    let clocks = clocks_at_50ms();
    let profiler = DualProfiler::new(&clocks);
    profiler.profile("suspend", || {
        clocks.wait(10);
        clocks.cpu.set(ms(20));
    });
    assert_eq!(
        profiler.report(ClockKind::Wall),
        went_backwards(ClockKind::Cpu, "suspend"),
        "the CPU clock read 50 ms before the call and 20 ms after it: that is a broken clock, \
         and the report must say so (ClockError::WentBackwards) instead of inventing a figure"
    );
}

#[test]
fn a_wall_clock_that_goes_backwards_is_reported_too() {
    let clocks = clocks_at_50ms();
    let profiler = DualProfiler::new(&clocks);
    profiler.profile("ntp_step", || {
        clocks.compute(5);
        clocks.wall.set(ms(30));
    });
    assert_eq!(
        profiler.report(ClockKind::Cpu),
        went_backwards(ClockKind::Wall, "ntp_step"),
        "the wall clock read 50 ms before the call and 30 ms after it (the system clock was \
         stepped back): both clocks must be checked, and the report must name the wall clock \
         instead of counting 0 ms"
    );
}

#[test]
fn a_backwards_clock_is_still_reported_after_good_calls() {
    let clocks = clocks_at_50ms();
    let profiler = DualProfiler::new(&clocks);
    profiler.profile("ntp_step", || clocks.compute(5));
    profiler.profile("suspend", || clocks.cpu.set(ms(20)));
    profiler.profile("suspend", || clocks.compute(100));
    profiler.profile("ntp_step", || clocks.wall.set(ms(10)));
    profiler.profile("later", || clocks.compute(5));
    assert_eq!(
        profiler.report(ClockKind::Wall),
        went_backwards(ClockKind::Cpu, "suspend"),
        "after a good ntp_step call, suspend saw the CPU clock go back 35 ms; then a 100 ms \
         suspend call went forward, ntp_step saw the wall clock go backwards and a good call \
         came last. The figures were broken by the first bad call whatever came after: the \
         report must fail naming it (CPU, suspend). Check each call's end against its start as \
         it ends and keep the first error of the whole profiler: summing signed times lets a \
         later forward call hide the backwards one, overwriting the error names the latest bad \
         call, and an error kept per name names the name seen first (ntp_step)"
    );
}

/// What one profiled call does: run 5 ms, or send one clock or both back 10 ms.
#[derive(Debug, Clone, Copy)]
enum Glitch {
    Fine,
    Wall,
    Cpu,
    Both,
}

#[rstest]
#[case::the_wall_clock_first(
    &[("warm_up", Glitch::Fine), ("ntp_step", Glitch::Wall), ("suspend", Glitch::Cpu)],
    ClockKind::Wall,
    "ntp_step"
)]
#[case::the_cpu_clock_first(
    &[("suspend", Glitch::Cpu), ("ntp_step", Glitch::Wall), ("later", Glitch::Fine)],
    ClockKind::Cpu,
    "suspend"
)]
#[case::both_clocks_in_one_call(
    &[("hibernate", Glitch::Both), ("suspend", Glitch::Cpu), ("ntp_step", Glitch::Wall)],
    ClockKind::Wall,
    "hibernate"
)]
fn the_first_broken_call_is_reported_whichever_clock_broke(
    #[case] calls: &[(&str, Glitch)],
    #[case] clock: ClockKind,
    #[case] name: &str,
) {
    let clocks = clocks_at_50ms();
    let profiler = DualProfiler::new(&clocks);
    for &(call, glitch) in calls {
        profiler.profile(call, || {
            let (wall, cpu) = (clocks.wall.get(), clocks.cpu.get());
            clocks.compute(5);
            if matches!(glitch, Glitch::Wall | Glitch::Both) {
                clocks.wall.set(wall - ms(10));
            }
            if matches!(glitch, Glitch::Cpu | Glitch::Both) {
                clocks.cpu.set(cpu - ms(10));
            }
        });
    }
    assert_eq!(
        profiler.report(ClockKind::Cpu),
        went_backwards(clock, name),
        "calls in order {calls:?}: the report must name the first call of the whole profiler \
         that saw a clock go backwards, and the clock it saw (the wall clock if both went back \
         in that call), whichever clock broke later; an error kept per clock and checked in a \
         fixed order hides a wall clock that went back first behind a later CPU glitch"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): any random
/// program of nested, repeated and recursive calls that compute and wait, reported exactly
/// on both clocks (totals, order, ties, the waiting part), computed here from the program.
#[cfg(feature = "held-out")]
mod held_out {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::{SimClocks, report};
    use crate::wall_vs_cpu::{ClockKind, DualProfiler, FnTimes};
    use proptest::prelude::*;

    /// A profiled call: it computes, makes its nested calls, then waits.
    #[derive(Debug, Clone)]
    struct Step {
        name: &'static str,
        compute: u64,
        calls: Vec<Step>,
        wait: u64,
    }

    fn program() -> impl Strategy<Value = Vec<Step>> {
        /// A step whose nested calls come from `calls`.
        fn step_with(calls: impl Strategy<Value = Vec<Step>>) -> impl Strategy<Value = Step> {
            let name = prop::sample::select(vec!["a", "b", "c", "d"]);
            (name, 0_u64..4, calls, 0_u64..4).prop_map(|(name, compute, calls, wait)| Step {
                name,
                compute,
                calls,
                wait,
            })
        }
        let step = step_with(Just(vec![])).prop_recursive(3, 16, 3, |inner| {
            step_with(prop::collection::vec(inner, 0..3))
        });
        prop::collection::vec(step, 0..4)
    }

    /// Runs `step` under the profiler; returns the `(wall, cpu)` ms it took, as the closure
    /// computed it (so `profile` must hand the closure's value back).
    fn run(step: &Step, clocks: &SimClocks, profiler: &DualProfiler<&SimClocks>) -> (u64, u64) {
        profiler.profile(step.name, || {
            clocks.compute(step.compute);
            let (mut wall, mut cpu) = (step.compute, step.compute);
            for call in &step.calls {
                let (w, c) = run(call, clocks, profiler);
                wall += w;
                cpu += c;
            }
            clocks.wait(step.wait);
            (wall + step.wait, cpu)
        })
    }

    /// Adds `step` and its nested calls to `totals`: `(calls, wall, cpu)` per name.
    fn tally(step: &Step, totals: &mut BTreeMap<&'static str, (u32, u64, u64)>) -> (u64, u64) {
        let (mut wall, mut cpu) = (step.compute + step.wait, step.compute);
        for call in &step.calls {
            let (w, c) = tally(call, totals);
            wall += w;
            cpu += c;
        }
        let line = totals.entry(step.name).or_default();
        *line = (line.0 + 1, line.1 + wall, line.2 + cpu);
        (wall, cpu)
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn any_program_is_reported_exactly_on_both_clocks(steps in program()) {
            let clocks = SimClocks::default();
            let profiler = DualProfiler::new(&clocks);
            let mut returned = Vec::new();
            let mut totals = BTreeMap::new();
            for step in &steps {
                returned.push(run(step, &clocks, &profiler));
                tally(step, &mut totals);
            }
            let took: Vec<(u64, u64)> = steps
                .iter()
                .map(|step| tally(step, &mut BTreeMap::new()))
                .collect();
            prop_assert_eq!(&returned, &took,
                "profile returned other values than its closures did: it must hand back \
                 whatever the profiled closure returns");

            let ms = |millis: u64| Duration::from_millis(millis);
            for by in [ClockKind::Wall, ClockKind::Cpu] {
                let mut expected: Vec<FnTimes> = totals
                    .iter()
                    .map(|(&name, &(calls, wall, cpu))| FnTimes {
                        name: name.to_owned(),
                        calls,
                        wall: ms(wall),
                        cpu: ms(cpu),
                    })
                    .collect();
                let key = |t: &FnTimes| if by == ClockKind::Wall { t.wall } else { t.cpu };
                expected.sort_by(|x, y| key(y).cmp(&key(x)).then_with(|| x.name.cmp(&y.name)));
                let got = report(&profiler, by);
                prop_assert_eq!(&got, &expected,
                    "for the program {:?}, report({:?}) gave the totals shown: each call adds \
                     its inclusive wall and CPU time to its name (a nested call counts in both), \
                     most time on the {:?} clock first, ties by name", &steps, by, by);
                let waiting: Vec<Duration> = got.iter().map(FnTimes::waiting).collect();
                let off_cpu: Vec<Duration> = expected.iter().map(|t| t.wall - t.cpu).collect();
                prop_assert_eq!(&waiting, &off_cpu,
                    "waiting() of the report sorted by {:?} gave {:?}: the wall time spent off \
                     the CPU, wall - cpu", by, &waiting);
            }
        }
    }
}
