//! Kata 1: a parallel sum with scoped threads.

use std::collections::{HashMap, HashSet};
use std::iter::Sum;
use std::ops::{Mul, Range};
use std::sync::{Barrier, Mutex, PoisonError};
use std::thread::{self, ThreadId};

use crate::parallel_sum::{SumError, chunk_ranges, parallel_sum_of_squares, parallel_sum_with};
use proptest::prelude::*;
use rstest::rstest;

/// The sum of `i * i` for `i` in `0..n`, one item after another.
fn sequential_squares(n: u64) -> u128 {
    (0..n).map(|i| u128::from(i) * u128::from(i)).sum()
}

#[rstest]
#[case::even_split(9, 3, vec![0..3, 3..6, 6..9])]
#[case::remainder_goes_to_the_first_ranges(10, 3, vec![0..4, 4..7, 7..10])]
#[case::one_worker_takes_everything(5, 1, vec![0..5])]
#[case::fewer_items_than_workers(3, 8, vec![0..1, 1..2, 2..3])]
#[case::no_items_no_ranges(0, 4, vec![])]
fn splits_the_items_into_balanced_contiguous_ranges(
    #[case] n: u64,
    #[case] workers: usize,
    #[case] expected: Vec<Range<u64>>,
) {
    let got = chunk_ranges(n, workers);
    assert_eq!(
        got,
        Ok(expected),
        "chunk_ranges({n}, {workers}) gave {got:?}: it must give min(workers, n) non-empty \
         ranges, in order, whose lengths differ by at most one"
    );
}

/// `min(workers, n)`: how many threads (and ranges) `n` items on `workers` workers get.
fn threads_for(n: u64, workers: usize) -> usize {
    usize::try_from(n).map_or(workers, |n| n.min(workers))
}

/// Checks `chunk_ranges(n, workers)` against its contract: `min(workers, n)` non-empty
/// ranges, in order, covering `0..n` exactly once, whose lengths differ by at most one.
fn check_balanced_split(n: u64, workers: usize) -> Result<(), TestCaseError> {
    let ranges = chunk_ranges(n, workers)
        .map_err(|e| TestCaseError::fail(format!("chunk_ranges({n}, {workers}) failed: {e}")))?;
    let expected_parts = threads_for(n, workers);
    prop_assert_eq!(
        ranges.len(),
        expected_parts,
        "chunk_ranges({}, {}) gave {} ranges: one per worker, but never an empty one",
        n,
        workers,
        ranges.len()
    );
    let mut next = 0;
    for range in &ranges {
        prop_assert_eq!(
            range.start,
            next,
            "chunk_ranges({}, {}) gave {:?}: ranges must follow each other without gaps \
             or overlaps",
            n,
            workers,
            &ranges
        );
        prop_assert!(
            range.end > range.start,
            "chunk_ranges({}, {}) gave the empty range {:?}",
            n,
            workers,
            range
        );
        next = range.end;
    }
    prop_assert_eq!(
        next,
        n,
        "chunk_ranges({}, {}) stops at {}, not at n",
        n,
        workers,
        next
    );
    let lengths = ranges.iter().map(|r| r.end - r.start);
    let (shortest, longest) = (lengths.clone().min(), lengths.max());
    prop_assert!(
        longest.zip(shortest).is_none_or(|(l, s)| l - s <= 1),
        "chunk_ranges({}, {}) gave lengths from {:?} to {:?}: the job takes as long as its \
         longest range, so lengths must differ by at most one",
        n,
        workers,
        shortest,
        longest
    );
    Ok(())
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn ranges_cover_every_item_once_and_differ_by_at_most_one(
        n in prop_oneof![0_u64..40, Just(1_000_003_u64)],
        workers in prop_oneof![1_usize..12, Just(64_usize)],
    ) {
        check_balanced_split(n, workers)?;
    }
}

/// Item counts past 2^53, where an `f64` no longer holds every integer: bounds computed
/// through floating point (`(part * n as f64 / parts as f64).ceil()`, `.round()`) drift by
/// hundreds of items there, and `n * part / parts` in `u64` overflows.
#[rstest]
#[case::u64_max_on_three(u64::MAX, 3)]
#[case::u64_max_on_seven(u64::MAX, 7)]
#[case::just_past_two_to_the_53_on_three((1 << 53) + 1, 3)]
#[case::two_to_the_60_and_odd_on_ten((1 << 60) + 12_345, 10)]
#[case::u64_max_minus_one_on_sixty_four(u64::MAX - 1, 64)]
fn ranges_stay_balanced_for_item_counts_past_two_to_the_53(#[case] n: u64, #[case] workers: usize) {
    check_balanced_split(n, workers).unwrap_or_else(|e| {
        panic!(
            "{e}. Past 2^53 an f64 cannot hold every item count: compute the bounds in \
             integers (base = n / workers, the first n % workers ranges one longer)"
        )
    });
}

#[rstest]
#[case::nothing(0, 1, 0)]
#[case::only_zero(1, 4, 0)]
#[case::four_items_two_workers(4, 2, 14)]
#[case::ten_items_three_workers(10, 3, 285)]
#[case::a_million_items_on_two_cores(1_000_000, 2, 333_332_833_333_500_000)]
fn sums_the_squares_below_n(#[case] n: u64, #[case] workers: usize, #[case] expected: u128) {
    let got = super::guarded("parallel_sum_of_squares never returned", move || {
        parallel_sum_of_squares(n, workers)
    });
    assert_eq!(
        got,
        Ok(expected),
        "parallel_sum_of_squares({n}, {workers}) gave {got:?}: the sum of i*i for i in 0..{n} \
         is {expected}, however many workers compute it"
    );
}

#[test]
fn more_workers_than_items_still_counts_every_item_once() {
    let got = parallel_sum_of_squares::<u128>(3, 64);
    assert_eq!(
        got,
        Ok(5),
        "parallel_sum_of_squares(3, 64) gave {got:?}: 0 + 1 + 4 = 5; extra workers must get \
         no range rather than an empty or repeated one"
    );
}

#[rstest]
#[case::chunk_ranges(chunk_ranges(10, 0).map(|_| ()))]
#[case::parallel_sum_with(parallel_sum_with(10, 0, u128::from).map(|_| ()))]
#[case::parallel_sum_of_squares(parallel_sum_of_squares::<u128>(10, 0).map(|_| ()))]
fn zero_workers_is_an_error(#[case] got: Result<(), SumError>) {
    assert_eq!(
        got,
        Err(SumError::NoWorkers),
        "with workers == 0 nobody would do the work: the answer must be SumError::NoWorkers, \
         not a panic (division by zero) and not a silent 0"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn agrees_with_the_sequential_loop_for_any_n_and_workers(
        n in prop_oneof![0_u64..64, 1_000_u64..3_000],
        workers in 1_usize..16,
    ) {
        let got = parallel_sum_of_squares(n, workers);
        prop_assert_eq!(got, Ok(sequential_squares(n)),
            "parallel_sum_of_squares({}, {}) differs from the sequential loop: splitting the \
             work must not lose or repeat an item", n, workers);
    }
}

/// Ranges of at most this many items are run in lockstep: `f` waits at the barrier at
/// every call, so a lock shared by the workers and taken every k-th call, for any k, is
/// met. Longer ones wait at the first, the middle and the last call of the shortest range
/// and at every call number that is a power of two or one less.
const LOCKSTEP: usize = 4_096;

/// Whether call number `call` (from 0) of a thread whose range has at least `shortest`
/// items waits at the barrier.
fn meets_at(call: usize, shortest: usize) -> bool {
    call < shortest
        && (shortest <= LOCKSTEP
            || call == 0
            || call == shortest / 2
            || call + 1 == shortest
            || call.is_power_of_two()
            || (call + 1).is_power_of_two())
}

/// Runs `parallel_sum_with(n, workers, …)` with an `f` that makes each thread wait at a
/// barrier for `expected_threads` threads, not only at its first call but all along its
/// range (see [`meets_at`]); returns the sum and, per thread, the indices it called `f`
/// with, in the order it did.
fn sum_meeting_at_a_barrier(
    n: u64,
    workers: usize,
    expected_threads: usize,
) -> (u128, HashMap<ThreadId, Vec<u64>>) {
    let shortest = usize::try_from(n).unwrap_or(usize::MAX) / expected_threads.max(1);
    super::guarded(
        &format!(
            "parallel_sum_with({n}, {workers}, f) blocked: f waits until {expected_threads} \
             threads are inside it at once (at each thread's first, middle and last call, or \
             at every call for short ranges), and they never all were. Run the ranges on \
             min(workers, n) threads at the same time, all the way through (spawn them all, \
             then join), not one after another; and hold no lock shared by the workers while \
             f runs, not even after the first item: that is a home-made GIL"
        ),
        move || {
            let barrier = Barrier::new(expected_threads);
            let seen: Mutex<HashMap<ThreadId, Vec<u64>>> = Mutex::new(HashMap::new());
            let sum = parallel_sum_with(n, workers, |i| {
                let call = seen
                    .lock()
                    .map(|mut seen| {
                        let mine = seen.entry(thread::current().id()).or_default();
                        mine.push(i);
                        mine.len() - 1
                    })
                    .unwrap_or(usize::MAX);
                if meets_at(call, shortest) {
                    barrier.wait();
                }
                u128::from(i)
            });
            let calls = seen.into_inner().unwrap_or_else(PoisonError::into_inner);
            (
                sum.unwrap_or_else(|e| panic!("parallel_sum_with failed: {e}")),
                calls,
            )
        },
    )
}

#[rstest]
#[case::four_workers_in_lockstep(400, 4, 4)]
#[case::two_workers(1_000, 2, 2)]
#[case::fewer_items_than_workers(2, 3, 2)]
#[case::uneven_ranges_in_lockstep(301, 3, 3)]
#[case::many_items_on_three(100_000, 3, 3)]
#[case::long_ranges_in_lockstep(8_192, 2, 2)]
fn runs_min_workers_n_threads_at_the_same_time(
    #[case] n: u64,
    #[case] workers: usize,
    #[case] expected_threads: usize,
) {
    let (sum, calls) = sum_meeting_at_a_barrier(n, workers, expected_threads);
    let threads = calls.len();
    assert_eq!(
        (sum, threads),
        (
            u128::from(n) * u128::from(n.saturating_sub(1)) / 2,
            expected_threads
        ),
        "parallel_sum_with({n}, {workers}, f) called f from {threads} threads: it must use \
         exactly min(workers, n) = {expected_threads}, all running at once, and still add \
         every f(i)"
    );
}

#[rstest]
#[case::remainder_of_one(10, 3)]
#[case::odd_items_on_two(7, 2)]
#[case::remainder_of_three(103, 4)]
fn each_thread_computes_one_whole_range_of_chunk_ranges(#[case] n: u64, #[case] workers: usize) {
    let (_, calls) = sum_meeting_at_a_barrier(n, workers, threads_for(n, workers));
    let mut ranges: Vec<Range<u64>> = calls
        .values()
        .map(|indices| {
            let mut sorted = indices.clone();
            sorted.sort_unstable();
            let start = sorted.first().copied().unwrap_or(0);
            let contiguous = sorted.iter().zip(start..).all(|(&i, want)| i == want);
            assert!(
                contiguous,
                "one thread of parallel_sum_with({n}, {workers}, f) called f with {sorted:?}: \
                 each worker owns one contiguous range of chunk_ranges, dealt out before the \
                 threads start, not items handed out one by one or every k-th item"
            );
            start..start + sorted.len() as u64
        })
        .collect();
    ranges.sort_unstable_by_key(|range| range.start);
    assert_eq!(
        Ok(ranges.clone()),
        chunk_ranges(n, workers),
        "the threads of parallel_sum_with({n}, {workers}, f) computed the ranges {ranges:?}: \
         one thread per range of chunk_ranges({n}, {workers}), each range whole"
    );
}

/// A number that remembers how it was added up: `f` makes it on some thread, and every
/// `Sum::sum` that took part in the total is counted, as is every `f(i)` added up on a
/// thread other than the one that computed it, and the threads that computed items.
#[derive(Debug)]
struct Tally {
    value: u128,
    computed_on: Option<ThreadId>,
    sum_calls: usize,
    moved_items: usize,
    computing_threads: HashSet<ThreadId>,
    /// Items computed while no `Tally::sum` was running on their thread: buffered, not
    /// streamed into the partial sum.
    computed_outside_a_sum: usize,
    /// The most items computed on one thread and not yet added up there (by its
    /// `Tally::sum`), seen when an item was computed: 1 when each is added as it comes.
    most_waiting: usize,
    /// How many times two `Tally`s were multiplied: a square computed in `T` is one.
    multiplications: usize,
}

thread_local! {
    /// How many `Tally::sum` calls are running on this thread.
    static SUMS_RUNNING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// How many items computed on this thread have not been added up or multiplied yet.
    static WAITING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Tally {
    /// What `f(i)` returns: `i`, computed on this thread.
    fn item(i: u64) -> Self {
        let here = thread::current().id();
        WAITING.set(WAITING.get() + 1);
        Self {
            value: u128::from(i),
            computed_on: Some(here),
            sum_calls: 0,
            moved_items: 0,
            computing_threads: HashSet::from([here]),
            computed_outside_a_sum: usize::from(SUMS_RUNNING.get() == 0),
            most_waiting: WAITING.get(),
            multiplications: 0,
        }
    }

    /// Marks this item as used up on this thread (added up or multiplied).
    fn used_here(&self) {
        if self.computed_on == Some(thread::current().id()) {
            WAITING.set(WAITING.get().saturating_sub(1));
        }
    }
}

impl From<u64> for Tally {
    fn from(i: u64) -> Self {
        Self::item(i)
    }
}

/// The product of two items is an item computed on this thread.
impl Mul for Tally {
    type Output = Self;

    fn mul(self, other: Self) -> Self {
        self.used_here();
        other.used_here();
        let mut product = Self::item(0);
        product.value = self.value * other.value;
        product.multiplications = self.multiplications + other.multiplications + 1;
        product
    }
}

impl Sum for Tally {
    fn sum<I: Iterator<Item = Self>>(parts: I) -> Self {
        let here = thread::current().id();
        SUMS_RUNNING.set(SUMS_RUNNING.get() + 1);
        let total = parts.fold(
            Self {
                value: 0,
                computed_on: None,
                sum_calls: 1,
                moved_items: 0,
                computing_threads: HashSet::new(),
                computed_outside_a_sum: 0,
                most_waiting: 0,
                multiplications: 0,
            },
            |mut total, part| {
                part.used_here();
                Self {
                    value: total.value + part.value,
                    computed_on: None,
                    sum_calls: total.sum_calls + part.sum_calls,
                    moved_items: total.moved_items
                        + part.moved_items
                        + usize::from(part.computed_on.is_some_and(|made| made != here)),
                    computing_threads: {
                        total.computing_threads.extend(part.computing_threads);
                        total.computing_threads
                    },
                    computed_outside_a_sum: total.computed_outside_a_sum
                        + part.computed_outside_a_sum,
                    most_waiting: total.most_waiting.max(part.most_waiting),
                    multiplications: total.multiplications + part.multiplications,
                }
            },
        );
        SUMS_RUNNING.set(SUMS_RUNNING.get() - 1);
        total
    }
}

#[rstest]
#[case::four_workers(1_000, 4)]
#[case::remainder_on_three(100, 3)]
#[case::one_worker(50, 1)]
#[case::more_workers_than_items(3, 8)]
#[case::no_items(0, 4)]
fn adds_each_range_on_its_own_thread_and_combines_the_partials_once(
    #[case] n: u64,
    #[case] workers: usize,
) {
    let threads = threads_for(n, workers);
    let tally: Tally = super::guarded("parallel_sum_with never returned", move || {
        parallel_sum_with(n, workers, Tally::item)
            .unwrap_or_else(|e| panic!("parallel_sum_with({n}, {workers}, f) failed: {e}"))
    });
    let expected = u128::from(n) * u128::from(n.saturating_sub(1)) / 2;
    assert_eq!(
        tally.value, expected,
        "parallel_sum_with({n}, {workers}, f) added up to {}: every f(i) must be added once",
        tally.value
    );
    assert_eq!(
        tally.moved_items, 0,
        "parallel_sum_with({n}, {workers}, f) added {} of the f(i) on a thread other than the \
         one that computed it: each worker adds up its own range itself and hands back one \
         partial sum, instead of sending every item to be added elsewhere",
        tally.moved_items
    );
    assert_eq!(
        tally.sum_calls,
        threads + 1,
        "parallel_sum_with({n}, {workers}, f) built its total with {} calls of Sum::sum: it \
         must take {threads} (one partial sum per worker, over its whole range) and one more \
         for the partials, {} in all. A shared total that each f(i) is added to under a lock \
         is a home-made GIL: the workers queue for the lock instead of computing",
        tally.sum_calls,
        threads + 1
    );
}

#[rstest]
#[case::four_workers(1_000, 4)]
#[case::remainder_on_three(100, 3)]
#[case::one_worker(50, 1)]
#[case::more_workers_than_items(3, 8)]
fn each_f_of_i_is_added_as_it_is_computed_not_buffered_first(
    #[case] n: u64,
    #[case] workers: usize,
) {
    let tally: Tally = super::guarded("parallel_sum_with never returned", move || {
        parallel_sum_with(n, workers, Tally::item)
            .unwrap_or_else(|e| panic!("parallel_sum_with({n}, {workers}, f) failed: {e}"))
    });
    assert_eq!(
        tally.computed_outside_a_sum, 0,
        "parallel_sum_with({n}, {workers}, f) computed {} of the {n} f(i) before the worker's \
         Sum::sum had started: a worker that collects its range into a Vec (or any buffer) \
         and sums it afterwards holds every value in memory at once. Hand Sum::sum the lazy \
         iterator (range.map(f)) so each f(i) is added as it is computed",
        tally.computed_outside_a_sum
    );
    assert!(
        tally.most_waiting <= 1,
        "parallel_sum_with({n}, {workers}, f) had up to {} f(i) computed on one worker and \
         not yet added: the worker buffers its values (a Vec collected inside the sum is \
         still a buffer) and holds them in memory at once. Hand Sum::sum the lazy iterator \
         (range.map(f)) so each f(i) is added before the next one is computed",
        tally.most_waiting
    );
}

#[test]
fn a_huge_worker_count_starts_only_one_thread_per_item() {
    let got = super::guarded(
        "parallel_sum_with(3 items, usize::MAX workers) never returned: it starts a thread \
         per worker asked for; start min(workers, n) threads, one per range",
        || std::panic::catch_unwind(|| parallel_sum_with(3, usize::MAX, u128::from)),
    );
    match got {
        Ok(sum) => assert_eq!(
            sum,
            Ok(3),
            "parallel_sum_with(3 items, usize::MAX workers) must add 0 + 1 + 2"
        ),
        Err(panic) => panic!(
            "parallel_sum_with(3 items, usize::MAX workers) panicked ({:?}): it tried to start \
             a thread (or keep a handle) per worker asked for; start min(workers, n) \
             threads, one per range, and no idle ones",
            panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
        ),
    }
}

#[rstest]
#[case::four_workers(1_000, 4)]
#[case::remainder_on_three(100, 3)]
#[case::more_workers_than_items(3, 8)]
fn squares_are_computed_and_added_up_on_the_worker_threads(#[case] n: u64, #[case] workers: usize) {
    let threads = threads_for(n, workers);
    let tally: Tally = super::guarded("parallel_sum_of_squares never returned", move || {
        parallel_sum_of_squares(n, workers)
            .unwrap_or_else(|e| panic!("parallel_sum_of_squares({n}, {workers}) failed: {e}"))
    });
    let got = (
        tally.value,
        tally.computing_threads.len(),
        tally.sum_calls,
        tally.moved_items,
        tally.multiplications,
    );
    assert_eq!(
        got,
        (sequential_squares(n), threads, threads + 1, 0, n as usize),
        "parallel_sum_of_squares({n}, {workers}) gave (sum, threads that computed squares, \
         calls of Sum::sum, squares added up on another thread, multiplications in T) = \
         {got:?}: build it on parallel_sum_with, so that {threads} threads each compute and \
         add up their own range, and compute each square in T, T::from(i) * T::from(i): \
         T::from(i * i) squares in u64, which overflows for i >= 2^32 before u128 can help. \
         One loop on the calling thread gets the number right on one core"
    );
}

#[test]
fn borrows_what_f_captures_instead_of_copying_it_into_the_workers() {
    // `weights` is borrowed by f, and f by the workers: with `thread::scope` nothing has to
    // be cloned or wrapped in an Arc. (With `thread::spawn` this would not compile.)
    let weights: Vec<u128> = (1..=100).collect();
    let expected: u128 = weights.iter().sum();
    let weights_ref = &weights;
    let got = parallel_sum_with(100, 4, |i| {
        weights_ref[usize::try_from(i).unwrap_or(usize::MAX)]
    });
    assert_eq!(
        got,
        Ok(expected),
        "parallel_sum_with over a borrowed Vec gave {got:?}: every weight must be added once"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): balanced
/// ranges for item counts up to `u64::MAX` (where `n * i / workers` overflows) and for worker
/// counts up to `usize::MAX`, and other splits run one whole range per thread, all at once.
#[cfg(feature = "held-out")]
mod held_out {
    use super::check_balanced_split;
    use proptest::prelude::*;
    use rstest::rstest;

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn ranges_stay_balanced_for_item_counts_up_to_u64_max(
            n in prop_oneof![any::<u64>(), (u64::MAX - 1_000)..=u64::MAX, Just(u64::MAX)],
            workers in prop_oneof![1_usize..=16, Just(63_usize), Just(64_usize)],
        ) {
            check_balanced_split(n, workers)?;
        }

        #[test]
        fn a_huge_worker_count_still_gives_one_range_per_item(
            n in 0_u64..50,
            workers in prop_oneof![Just(usize::MAX), Just(usize::MAX / 2 + 1), Just(1_usize << 40)],
        ) {
            check_balanced_split(n, workers)?;
        }
    }

    #[rstest]
    #[case::one_item_one_worker(1, 1)]
    #[case::one_item_per_worker(5, 5)]
    #[case::remainder_of_six(69, 7)]
    #[case::one_short_of_even(11, 6)]
    #[case::many_items_on_five(1_003, 5)]
    fn other_splits_also_give_each_thread_one_whole_range(#[case] n: u64, #[case] workers: usize) {
        super::each_thread_computes_one_whole_range_of_chunk_ranges(n, workers);
    }
}
