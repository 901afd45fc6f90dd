//! # Kata 2: waiting in parallel on a bounded pool
//!
//! **Build** `scout_all(names, pool_size, scout)`: call the blocking function `scout` once
//! for every name, on a pool of at most `pool_size` threads that wait at the same time,
//! and return the results in the order of `names`.
//!
//! **Why.** I/O-bound work (HTTP calls, database queries, a `sleep`) spends its time
//! waiting, not computing. Five one-second waits take five seconds one after another and
//! one second side by side. But one thread per item does not scale either: ten thousand
//! names would mean ten thousand threads, their stacks and the scheduler's bill. A pool
//! keeps a fixed number of workers alive and feeds them names as they become free.
//!
//! **Python → Rust.** The article uses `ThreadPoolExecutor(max_workers=5).map(...)`: its
//! threads can wait in parallel even under the GIL. Rust threads can too (and can also
//! compute in parallel, see kata 1). `std::thread::scope` lets the pool borrow `names`
//! and `scout`; a shared `AtomicUsize` (or a `Mutex` around an iterator) is a simple work
//! queue, and each result is stored by the index of its name.
//!
//! **The tests check.**
//! - The result for `names[i]` is at index `i`, whatever order the scouts finish in.
//!   Checked by `returns_one_result_per_name_in_input_order`,
//!   `keeps_input_order_when_later_scouts_finish_first`.
//! - Scouts run at the same time: the tests' scout waits at a `Barrier` sized to the pool
//!   (a sequential loop, or a queue whose lock is held while scouting, waits there for
//!   ever; the tests stop it after 3 seconds and fail). Checked by `scouts_wait_in_parallel`.
//! - The names wait in one shared queue, and a free worker takes the next one: when one
//!   name's scout only returns after every other name is scouted, the other workers
//!   scout them all, on a few names and on a thousand. Names dealt out up front (in chunks,
//!   by stride, in batches), or taken from the queue several at a time, stay stuck behind
//!   the slow one. (Not checked: lists past a thousand names, the most the slow-name and
//!   input-order tests use; a pool that takes names several at a time, or switches to a
//!   stack, only past some larger count passes them.) Checked by
//!   `a_free_worker_takes_the_next_name_while_one_name_is_slow`.
//! - The queue is first in, first out: the names are handed out in input order. The tests'
//!   scout of name `i` waits until the scouts of names `0..i` have started (on 1, 2 and 3
//!   threads, up to a thousand names), so a stack (names popped from the back of a `Vec`)
//!   waits there for ever.
//!   Checked by `the_names_start_in_input_order`.
//! - At most `pool_size` distinct threads ever run a scout, for any number of names (a
//!   handful, or many more than the pool): one thread serves several names; never one
//!   thread per name, not even for a few (the tests try every count of names up to 9 on
//!   every pool of 1 to 7 threads, and many names at random). Checked by
//!   `runs_the_scouts_on_at_most_pool_size_threads`,
//!   `runs_many_scouts_on_at_most_pool_size_threads`.
//! - The pool starts `min(pool_size, names.len())` threads, never more threads than names:
//!   asked for a pool of `usize::MAX` threads for three names (or none), `scout_all`
//!   returns at once. Checked by
//!   `a_pool_larger_than_the_names_starts_only_one_thread_per_name`.
//! - No names: an empty `Vec`. `pool_size == 0` is [`PoolError::NoThreads`]. Checked by
//!   `no_names_give_no_results`, `a_pool_of_zero_threads_is_an_error`.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Why a pool could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// A pool of zero threads would never run anything.
    #[error("a pool needs at least one thread")]
    NoThreads,
}

/// Runs `scout` for every name on at most `pool_size` threads; results in input order.
pub fn scout_all<T, R, F>(names: &[T], pool_size: usize, scout: F) -> Result<Vec<R>, PoolError>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    if pool_size == 0 {
        return Err(PoolError::NoThreads);
    }
    let next = AtomicUsize::new(0);
    let (next, scout) = (&next, &scout);
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(names.len()).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..pool_size.min(names.len()))
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(name) = names.get(i) else { break };
                        done.push((i, scout(name)));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            for (i, result) in done {
                slots[i] = Some(result);
            }
        }
    });
    Ok(slots.into_iter().flatten().collect())
}
