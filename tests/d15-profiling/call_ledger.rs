//! Kata 1: a tracing profiler's ledger on an injected clock.

use std::cell::Cell;
use std::time::Duration;

use super::heap::{in_own_process, peak_heap_of_process, process_io_bytes_so_far};
use crate::call_ledger::{Clock, FnStats, LedgerError, Profiler, render};
use proptest::prelude::*;

/// A clock that moves only when the test says so.
#[derive(Default)]
struct FakeClock {
    now: Cell<Duration>,
}

impl FakeClock {
    fn at(&self, millis: u64) {
        self.now.set(Duration::from_millis(millis));
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        self.now.get()
    }
}

/// A clock that moves 1 ms forward on every read, counting the reads: a real clock never
/// stands still between two reads either.
#[derive(Default)]
struct TickingClock {
    reads: Cell<u64>,
}

impl Clock for TickingClock {
    fn now(&self) -> Duration {
        self.reads.set(self.reads.get() + 1);
        Duration::from_millis(self.reads.get())
    }
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Feeds one event to `profiler`: `"+name"` enters, `"-name"` exits.
fn apply<C: Clock>(profiler: &mut Profiler<C>, event: &str) -> Result<(), LedgerError> {
    let (sign, name) = event.split_at(1);
    if sign == "+" {
        profiler.enter(name);
        Ok(())
    } else {
        profiler.exit(name)
    }
}

/// Replays a trace such as `"0 +main, 10 +parse, 40 -parse, 50 -main"` (ms, enter/exit).
fn replay(clock: &FakeClock, profiler: &mut Profiler<&FakeClock>, trace: &str) {
    for entry in trace.split(',') {
        let (at, event) = entry
            .trim()
            .split_once(' ')
            .unwrap_or_else(|| panic!("a trace entry is `<ms> <event>`, not {entry:?}"));
        let at: u64 = at
            .parse()
            .unwrap_or_else(|e| panic!("a trace entry's time is whole ms, not {at:?}: {e}"));
        clock.at(at);
        apply(profiler, event)
            .unwrap_or_else(|e| panic!("event {event:?} at {at} ms was refused: {e}"));
    }
}

/// What `stats()` gives after a trace replayed (see [`replay`]) on a fresh profiler.
fn stats_after(trace: &str) -> Result<Vec<FnStats>, LedgerError> {
    let clock = FakeClock::default();
    let mut profiler = Profiler::new(&clock);
    replay(&clock, &mut profiler, trace);
    profiler.stats()
}

/// The stats of a balanced trace replayed (see [`replay`]) on a fresh profiler.
fn stats_of(trace: &str) -> Vec<FnStats> {
    stats_after(trace).unwrap_or_else(|e| panic!("stats() refused a balanced trace: {e}"))
}

fn row(name: &str, ncalls: u64, tottime: u64, cumtime: u64) -> FnStats {
    FnStats {
        name: name.to_owned(),
        ncalls,
        tottime: ms(tottime),
        cumtime: ms(cumtime),
    }
}

#[test]
fn splits_each_function_time_into_its_own_and_its_children() {
    let got = stats_of(
        "0 +main, 10 +parse, 40 -parse, 50 +read, 60 -read, 70 +read, 90 -read, 100 -main",
    );
    assert_eq!(
        got,
        [
            row("main", 1, 40, 100),
            row("parse", 1, 30, 30),
            row("read", 2, 30, 30)
        ],
        "main ran 100 ms of which 60 ms were in parse and read: its tottime must exclude the \
         children (40 ms) while its cumtime includes them (100 ms); read's two calls add up"
    );
}

#[test]
fn a_grandchild_is_not_its_grandparent_own_time() {
    let got = stats_of("0 +main, 10 +load, 15 +read, 55 -read, 60 -load, 70 -main");
    assert_eq!(
        got,
        [
            row("main", 1, 20, 70),
            row("load", 1, 10, 50),
            row("read", 1, 40, 40)
        ],
        "main → load → read: main's own time excludes everything below it (load's 50 ms, \
         read's 40 ms inside them), so a parent must subtract each child's whole elapsed time \
         (its cumtime), not the child's own time"
    );
}

#[test]
fn reads_the_clock_once_per_event() {
    let clock = TickingClock::default();
    let mut profiler = Profiler::new(&clock);
    for event in ["+main", "+a", "+b", "-b", "-a", "+a", "-a", "-main"] {
        apply(&mut profiler, event).unwrap_or_else(|e| panic!("event {event:?} was refused: {e}"));
    }
    let reads = clock.reads.get();
    let stats = profiler
        .stats()
        .unwrap_or_else(|e| panic!("stats() refused a balanced trace: {e}"));
    let own: Duration = stats.iter().map(|s| s.tottime).sum();
    assert!(
        reads == 8 && own == ms(7),
        "8 events read the clock {reads} times and the tottimes add up to {own:?} of a 7 ms \
         run (the clock moves 1 ms per read): read the clock exactly once per event and use \
         that one timestamp for everything the event updates (the call's elapsed time, its \
         parent's children time, tottime, cumtime); two reads in one event split it across \
         two instants and the tottimes no longer add up to the run"
    );
}

/// A qualified name of 512 bytes ending in `leaf`, such as a deep module path gives.
fn long_name(leaf: &str) -> String {
    let mut name = "app::service::handlers::".repeat(22);
    name.truncate(512 - leaf.len());
    name + leaf
}

#[test]
fn the_ledger_keeps_running_totals_not_a_log_of_events() {
    // In a test process of its own, so that every thread's heap and I/O counts, and only this.
    in_own_process(
        module_path!(),
        "the_ledger_keeps_running_totals_not_a_log_of_events",
        || {
            const DEPTH: usize = 63;
            let clock = FakeClock::default();
            // f and g have long names, as qualified names in a real program do: running totals
            // hold each name once per line and per open call, an event log once per event.
            let (f, g) = (long_name("f"), long_name("g"));
            let io_before = process_io_bytes_so_far();
            // From `new` to `stats`: 5,001 rounds of f (3 ms) calling g (1 ms), all inside 64 calls
            // open the whole time (`main` and a `serve` that recursed 63 times), as a real
            // program's outer calls are.
            let (stats, peak) = peak_heap_of_process(|| {
                let mut profiler = Profiler::new(&clock);
                profiler.enter("main");
                for _ in 0..DEPTH {
                    profiler.enter("serve");
                }
                let mut now = 0;
                for _ in 0..5_001 {
                    for (step, enter, name) in
                        [(0, true, &f), (1, true, &g), (1, false, &g), (1, false, &f)]
                    {
                        now += step;
                        clock.at(now);
                        if enter {
                            profiler.enter(name);
                        } else if let Err(e) = profiler.exit(name) {
                            panic!("exit of a long name at {now} ms was refused: {e}");
                        }
                    }
                }
                for (at, name) in [(15_003, "serve"); DEPTH]
                    .into_iter()
                    .chain([(15_004, "main")])
                {
                    clock.at(at);
                    if let Err(e) = profiler.exit(name) {
                        panic!("exit({name:?}) at {at} ms was refused: {e}");
                    }
                }
                profiler.stats()
            });
            // The Profiler value itself holds memory too: a log kept in arrays inside the struct.
            let inline = std::mem::size_of::<Profiler<&FakeClock>>();
            assert!(
                inline + peak <= 32 * 1024,
                "Profiler::new, 20,000 events of two functions (names of {} bytes) inside 64 calls \
             still open (main and 63 levels of serve), and stats() held up to {peak} bytes of \
             heap at once, counted on every thread of the process, plus {inline} bytes inside \
             the Profiler value itself: the events were stored (a log replayed later or folded \
             in batches, one reserved up front, one in arrays inside the struct, or one kept by \
             another thread), and a log holds a name and a timestamp per event. Keep running \
             totals per function and a stack of the calls still open; fold each exit into the \
             totals at once",
                f.len()
            );
            if let (Some(before), Some(after)) = (io_before, process_io_bytes_so_far()) {
                let io = after - before;
                assert!(
                    io <= 4 * 1024,
                    "the run and stats() read and wrote {io} bytes through the operating system (a \
                 file, a pipe, on any thread): the events went into a log kept off the heap and \
                 replayed later, which grows with the run as much as one kept in memory. Keep \
                 running totals per function and a stack of the calls still open; fold each \
                 exit into the totals at once"
                );
            }
            assert_eq!(
                stats,
                Ok(vec![
                    row("main", 1, 1, 15_004),
                    row(&f, 5_001, 10_002, 15_003),
                    row("serve", 63, 0, 15_003),
                    row(&g, 5_001, 5_001, 5_001)
                ]),
                "after 5,001 rounds of f (3 ms, 1 of them in g) and g (1 ms) inside 63 serve calls \
             (15,003 ms) inside a 15,004 ms main"
            );
        },
    );
}

#[test]
fn counts_a_recursive_function_once_in_cumtime() {
    let got = stats_of("0 +fact, 10 +fact, 20 +fact, 30 -fact, 40 -fact, 50 -fact");
    assert_eq!(
        got,
        [row("fact", 3, 50, 50)],
        "fact called itself twice inside a 50 ms call: 3 calls, 50 ms of its own time, and a \
         cumtime of 50 ms, not 50 + 30 + 10 = 90: only the outermost active call adds to cumtime"
    );
}

#[test]
fn counts_mutual_recursion_once_per_outermost_call() {
    let got = stats_of("0 +a, 10 +b, 20 +a, 30 +b, 70 -b, 80 -a, 90 -b, 100 -a");
    assert_eq!(
        got,
        [row("a", 2, 40, 100), row("b", 2, 60, 80)],
        "a → b → a → b: a's cumtime is its outer call (100 ms) and b's is its outer call \
         (80 ms); the inner calls are inside those and must not be added again"
    );
}

#[test]
fn sorts_by_cumtime_then_by_name() {
    let got: Vec<String> = stats_of("0 +zeta, 20 -zeta, 20 +beta, 30 -beta, 30 +alpha, 40 -alpha")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        got,
        ["zeta", "alpha", "beta"],
        "stats() gave the order {got:?}: most cumtime first, and functions with equal cumtime \
         by name"
    );
}

#[test]
fn an_unused_profiler_reports_nothing() {
    let clock = FakeClock::default();
    let profiler = Profiler::new(&clock);
    assert_eq!(
        profiler.stats(),
        Ok(vec![]),
        "a profiler that saw no event has no function to report"
    );
}

#[test]
fn refuses_an_exit_with_no_call_open() {
    let clock = FakeClock::default();
    let mut profiler = Profiler::new(&clock);
    assert_eq!(
        profiler.exit("main"),
        Err(LedgerError::ExitWithoutEnter {
            name: "main".to_owned()
        }),
        "exit(\"main\") before any enter cannot be matched to a call: it must be \
         LedgerError::ExitWithoutEnter"
    );
}

#[test]
fn refuses_an_exit_of_a_call_that_is_not_the_innermost_and_changes_nothing() {
    let clock = FakeClock::default();
    let mut profiler = Profiler::new(&clock);
    replay(&clock, &mut profiler, "0 +outer, 10 +inner");
    assert_eq!(
        profiler.exit("outer"),
        Err(LedgerError::Mismatched {
            open: "inner".to_owned(),
            got: "outer".to_owned()
        }),
        "exit(\"outer\") while inner is still running breaks the nesting: it must be \
         LedgerError::Mismatched naming both"
    );
    replay(&clock, &mut profiler, "30 -inner, 40 -outer");
    assert_eq!(
        profiler.stats(),
        Ok(vec![row("outer", 1, 20, 40), row("inner", 1, 20, 20)]),
        "after a refused exit the calls must still be open, and close normally afterwards"
    );
}

#[test]
fn refuses_stats_while_a_call_is_open() {
    assert_eq!(
        stats_after("0 +main, 5 +work"),
        Err(LedgerError::StillOpen {
            open: "work".to_owned()
        }),
        "stats() with main and work still running would under-report them: it must be \
         LedgerError::StillOpen naming the innermost open call"
    );
}

#[test]
fn renders_the_stats_as_a_table() {
    let stats = stats_of(
        "0 +main_battle, 1 +slow_search, 344 -slow_search, 344 +fast_search, 345 -fast_search, \
         345 +fact, 350 +fact, 352 -fact, 356 -fact, 357 -main_battle",
    );
    assert_suite_snapshot!("call_ledger_table", render(&stats));
}

/// A random call tree, as `(name, own time before the children, children, own time after)`.
#[derive(Debug, Clone)]
struct Call {
    name: &'static str,
    before: u64,
    children: Vec<Call>,
    after: u64,
}

/// A call whose children come from `children`.
fn call_with(children: impl Strategy<Value = Vec<Call>>) -> impl Strategy<Value = Call> {
    let name = prop::sample::select(vec!["a", "b", "c"]);
    (name, 0_u64..5, children, 0_u64..5).prop_map(|(name, before, children, after)| Call {
        name,
        before,
        children,
        after,
    })
}

fn call_tree() -> impl Strategy<Value = Call> {
    call_with(Just(vec![])).prop_recursive(4, 24, 3, |inner| {
        call_with(prop::collection::vec(inner, 0..3))
    })
}

fn play(call: &Call, clock: &FakeClock, profiler: &mut Profiler<&FakeClock>) {
    profiler.enter(call.name);
    clock.now.set(clock.now.get() + ms(call.before));
    for child in &call.children {
        play(child, clock, profiler);
    }
    clock.now.set(clock.now.get() + ms(call.after));
    if let Err(e) = profiler.exit(call.name) {
        panic!("a well-nested exit of {} was refused: {e}", call.name);
    }
}

/// A profiler on `clock` that has seen `root` played inside a `main` call ending 1 ms after it.
fn play_under_main<'c>(
    root: &Call,
    clock: &'c FakeClock,
) -> Result<Profiler<&'c FakeClock>, TestCaseError> {
    let mut profiler = Profiler::new(clock);
    profiler.enter("main");
    play(root, clock, &mut profiler);
    clock.now.set(clock.now.get() + ms(1));
    prop_assert!(profiler.exit("main").is_ok(), "exit(main) was refused");
    Ok(profiler)
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn own_times_add_up_to_the_run_and_no_cumtime_exceeds_it(root in call_tree()) {
        let clock = FakeClock::default();
        let profiler = play_under_main(&root, &clock)?;
        let run = clock.now.get();
        let stats = profiler.stats();
        prop_assert!(stats.is_ok(), "stats() refused a balanced trace: {:?}", stats);
        let stats = stats.unwrap_or_default();
        let own: Duration = stats.iter().map(|s| s.tottime).sum();
        prop_assert_eq!(own, run,
            "the tottimes add up to {:?} but the run took {:?}: every instant belongs to \
             exactly one function's own time", own, run);
        for s in &stats {
            prop_assert!(s.tottime <= s.cumtime && s.cumtime <= run,
                "{} has tottime {:?} and cumtime {:?} in a {:?} run: own time ≤ cumtime ≤ the \
                 run, or recursion was counted twice", s.name, s.tottime, s.cumtime, run);
        }
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the exact
/// ledger of any random call tree (direct and mutual recursion, repeats, ties), computed
/// here from the tree itself, not only the sums and bounds the visible property checks.
#[cfg(feature = "held-out")]
mod held_out {
    use std::collections::BTreeMap;

    use super::{Call, FakeClock, call_tree, ms, play_under_main};
    use crate::call_ledger::FnStats;
    use proptest::prelude::*;

    /// `(ncalls, tottime, cumtime)` in ms per function.
    type Ledger<'a> = BTreeMap<&'a str, (u64, u64, u64)>;

    /// Adds `call` and everything below it to `ledger`; returns the call's elapsed ms.
    fn tally<'a>(call: &'a Call, open: &mut Vec<&'a str>, ledger: &mut Ledger<'a>) -> u64 {
        open.push(call.name);
        let mut children = 0;
        for child in &call.children {
            children += tally(child, open, ledger);
        }
        open.pop();
        let elapsed = call.before + children + call.after;
        let outermost = !open.contains(&call.name);
        let line = ledger.entry(call.name).or_default();
        line.0 += 1;
        line.1 += call.before + call.after;
        if outermost {
            line.2 += elapsed;
        }
        elapsed
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn the_ledger_of_any_call_tree_is_exact(root in call_tree()) {
            let clock = FakeClock::default();
            let profiler = play_under_main(&root, &clock)?;

            let mut ledger = Ledger::new();
            let run = tally(&root, &mut Vec::new(), &mut ledger) + 1;
            ledger.insert("main", (1, 1, run));
            let mut expected: Vec<FnStats> = ledger
                .into_iter()
                .map(|(name, (ncalls, tottime, cumtime))| FnStats {
                    name: name.to_owned(),
                    ncalls,
                    tottime: ms(tottime),
                    cumtime: ms(cumtime),
                })
                .collect();
            expected.sort_by(|a, b| b.cumtime.cmp(&a.cumtime).then_with(|| a.name.cmp(&b.name)));

            let got = profiler.stats();
            prop_assert_eq!(&got, &Ok(expected),
                "for the call tree {:?} under main, stats() gave the ledger shown: every call \
                 adds to ncalls and to tottime (its own time, children excluded), only the \
                 outermost active call of a function adds its elapsed time to cumtime; most \
                 cumtime first, ties by name", &root);
        }
    }
}
