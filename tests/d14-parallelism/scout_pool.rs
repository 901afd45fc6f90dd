//! Kata 2: waiting in parallel on a bounded pool.

use std::collections::HashSet;
use std::sync::{Barrier, Condvar, Mutex};
use std::thread::{self, ThreadId};

use crate::scout_pool::{PoolError, scout_all};
use proptest::prelude::*;
use rstest::rstest;

const SCOUTS: [&str; 5] = ["Nakula", "Sahadeva", "Yudhishthira", "Bhima", "Arjuna"];

#[test]
fn returns_one_result_per_name_in_input_order() {
    let got = super::guarded("scout_all never returned", || {
        scout_all(&SCOUTS, 2, |name| format!("{name} returned with intel"))
    });
    let expected: Vec<String> = SCOUTS
        .iter()
        .map(|name| format!("{name} returned with intel"))
        .collect();
    assert_eq!(
        got,
        Ok(expected),
        "scout_all(SCOUTS, 2, _) must give the result for names[i] at index i"
    );
}

#[test]
fn no_names_give_no_results() {
    let got = super::guarded("scout_all with no names never returned", || {
        scout_all(&[] as &[&str], 4, |name| name.len())
    });
    assert_eq!(
        got,
        Ok(vec![]),
        "scout_all with no names gave {got:?}: nothing to scout means an empty Vec"
    );
}

#[test]
fn a_pool_of_zero_threads_is_an_error() {
    let got = scout_all(&SCOUTS, 0, |name| name.len());
    assert_eq!(
        got,
        Err(PoolError::NoThreads),
        "scout_all with pool_size 0 gave {got:?}: a pool without threads never runs a \
         scout, so it must refuse with PoolError::NoThreads"
    );
}

#[rstest]
#[case::five_scouts_five_threads(5, 5)]
#[case::six_scouts_three_threads(6, 3)]
#[case::eight_scouts_two_threads(8, 2)]
fn scouts_wait_in_parallel(#[case] names: usize, #[case] pool_size: usize) {
    let got = super::guarded(
        &format!(
            "scout_all blocked: each scout waits at a barrier until {pool_size} scouts are \
             waiting at once, and they never were. The pool must run {pool_size} scouts at \
             the same time, not one after another"
        ),
        move || {
            let barrier = Barrier::new(pool_size);
            let names: Vec<usize> = (0..names).collect();
            scout_all(&names, pool_size, |&i| {
                barrier.wait(); // stands in for a network call that takes a while
                i * 10
            })
        },
    );
    let expected: Vec<usize> = (0..names).map(|i| i * 10).collect();
    assert_eq!(
        got,
        Ok(expected),
        "scout_all over {names} names on {pool_size} threads must still return every result \
         in input order"
    );
}

/// Runs `scout_all` over `names` names on `pool_size` threads; fails unless the scouts ran
/// on at most `pool_size` distinct threads.
fn assert_at_most_pool_size_threads(names: usize, pool_size: usize) {
    let threads = super::guarded("scout_all did not finish", move || {
        let seen: Mutex<HashSet<ThreadId>> = Mutex::new(HashSet::new());
        let names: Vec<usize> = (0..names).collect();
        let results = scout_all(&names, pool_size, |&i| {
            if let Ok(mut seen) = seen.lock() {
                seen.insert(thread::current().id());
            }
            i
        });
        assert_eq!(results, Ok(names), "scout_all lost or reordered results");
        seen.lock().map(|seen| seen.len()).unwrap_or(0)
    });
    assert!(
        threads <= pool_size,
        "{names} scouts ran on {threads} different threads with pool_size {pool_size}: a \
         bounded pool keeps at most {pool_size} threads and hands each of them several names, \
         however few names there are; one thread per name does not scale to ten thousand names"
    );
}

/// Every handful of names (0 to 9) on every pool size from 1 to 7: a threshold below which
/// "a thread per name is fine" shows up every run.
#[test]
fn runs_the_scouts_on_at_most_pool_size_threads() {
    for names in 0..10 {
        for pool_size in 1..8 {
            assert_at_most_pool_size_threads(names, pool_size);
        }
    }
}

proptest! {
    #![proptest_config(super::proptest_config())]

    /// Many more names than the pool, on any pool size.
    #[test]
    fn runs_many_scouts_on_at_most_pool_size_threads(
        names in 10_usize..200,
        pool_size in 1_usize..8,
    ) {
        assert_at_most_pool_size_threads(names, pool_size);
    }
}

#[rstest]
#[case::three_names(3)]
#[case::no_names(0)]
fn a_pool_larger_than_the_names_starts_only_one_thread_per_name(#[case] names: usize) {
    let lesson = "start min(pool_size, names.len()) threads; a pool sized by the request \
                  alone starts threads that will never get a name (here, more than the \
                  machine can run)";
    let (results, names) = super::guarded(
        &format!("scout_all over {names} names with pool_size usize::MAX never returned: {lesson}"),
        move || {
            let names: Vec<usize> = (0..names).collect();
            let results = std::panic::catch_unwind(|| scout_all(&names, usize::MAX, |&i| i));
            (results, names)
        },
    );
    let results = results.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        panic!(
            "scout_all over {} names with pool_size usize::MAX panicked ({why}): {lesson}",
            names.len()
        )
    });
    assert_eq!(
        results,
        Ok(names),
        "scout_all with pool_size usize::MAX must still return every result in input order"
    );
}

#[test]
fn keeps_input_order_when_later_scouts_finish_first() {
    // Scout i may only finish after scout i + 1 has: they finish in reverse order.
    let got = super::guarded(
        "scout_all blocked: scout i waits for scout i + 1 to finish, so all four scouts \
         must be running at the same time on a pool of four",
        || {
            let finished = Mutex::new([false; 4]);
            let changed = Condvar::new();
            scout_all(&[0_usize, 1, 2, 3], 4, |&i| {
                let mut done = finished.lock().unwrap_or_else(|e| e.into_inner());
                while i + 1 < 4 && !done[i + 1] {
                    done = changed.wait(done).unwrap_or_else(|e| e.into_inner());
                }
                done[i] = true;
                changed.notify_all();
                format!("scout {i}")
            })
        },
    );
    assert_eq!(
        got,
        Ok(vec![
            "scout 0".to_owned(),
            "scout 1".to_owned(),
            "scout 2".to_owned(),
            "scout 3".to_owned()
        ]),
        "the scouts finished in the order 3, 2, 1, 0 but the results must come back in \
         input order: store each result at the index of its name, not in the order it \
         arrives"
    );
}

#[rstest]
#[case::first_name_slow_on_two_threads(6, 2, 0)]
#[case::first_name_slow_on_three_threads(7, 3, 0)]
#[case::second_name_slow(6, 2, 1)]
#[case::a_middle_name_slow(9, 3, 4)]
#[case::first_of_a_thousand_names_slow(1_000, 2, 0)]
#[case::a_middle_name_of_a_thousand_slow(1_000, 3, 500)]
fn a_free_worker_takes_the_next_name_while_one_name_is_slow(
    #[case] names: usize,
    #[case] pool_size: usize,
    #[case] slow: usize,
) {
    // The scout of `slow` only returns once every other name has been scouted: the other
    // workers must go on taking names while one of them waits on the slow one.
    let got = super::guarded(
        &format!(
            "scout_all blocked: the scout of name {slow} waits until the other {} names are \
             scouted, and they never were. Names dealt out up front (in chunks or by stride), \
             or taken from the queue several at a time (a batch per trip), stay stuck behind \
             a slow one while other workers idle: keep one shared queue (an AtomicUsize \
             index, a Mutex around an iterator) from which every free worker takes the next \
             name, one at a time",
            names - 1
        ),
        move || {
            let done = Mutex::new(0_usize);
            let changed = Condvar::new();
            let names: Vec<usize> = (0..names).collect();
            scout_all(&names, pool_size, |&i| {
                let mut done_count = done.lock().unwrap_or_else(|e| e.into_inner());
                if i == slow {
                    while *done_count + 1 < names.len() {
                        done_count = changed.wait(done_count).unwrap_or_else(|e| e.into_inner());
                    }
                } else {
                    *done_count += 1;
                    changed.notify_all();
                }
                i + 100
            })
        },
    );
    let expected: Vec<usize> = (0..names).map(|i| i + 100).collect();
    assert_eq!(
        got,
        Ok(expected),
        "scout_all over {names} names on {pool_size} threads must still return every result \
         in input order"
    );
}

#[rstest]
#[case::one_thread(5, 1)]
#[case::three_threads(9, 3)]
#[case::a_thousand_names_on_two_threads(1_000, 2)]
fn the_names_start_in_input_order(#[case] names: usize, #[case] pool_size: usize) {
    // The scout of name i starts only once the scouts of names 0..i have started: a queue
    // that hands the names out first in, first out never blocks on it.
    let got = super::guarded(
        &format!(
            "scout_all blocked: the scout of each name waits until the scouts of all the \
             names before it have started, and on {pool_size} threads they never did. The \
             names were handed out of order (popped from the back of a Vec, a stack?): a \
             pool's queue is first in, first out, a free worker takes the next name in input \
             order"
        ),
        move || {
            let started = Mutex::new(0_usize);
            let changed = Condvar::new();
            let names: Vec<usize> = (0..names).collect();
            scout_all(&names, pool_size, |&i| {
                let mut started = started.lock().unwrap_or_else(|e| e.into_inner());
                while *started != i {
                    started = changed.wait(started).unwrap_or_else(|e| e.into_inner());
                }
                *started += 1;
                changed.notify_all();
                i * 3
            })
        },
    );
    let expected: Vec<usize> = (0..names).map(|i| i * 3).collect();
    assert_eq!(
        got,
        Ok(expected),
        "scout_all over {names} names on {pool_size} threads must return every result in \
         input order"
    );
}
