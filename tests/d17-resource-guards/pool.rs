//! Kata 4: a bounded pool whose guard returns the connection on drop.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use proptest::prelude::*;

use crate::pool::{Pool, PoolError};

/// Deadlock guard for waits that a correct pool ends at once.
const GUARD: Duration = Duration::from_secs(10);

/// A test connection: an id from the factory and a count of the queries run on it.
#[derive(Debug)]
struct Conn {
    id: usize,
    queries: usize,
}

/// A pool whose factory counts the connections it opens.
fn counted_pool(capacity: usize) -> (Pool<Conn>, Arc<AtomicUsize>) {
    let connects = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connects);
    let pool = Pool::new(capacity, move || Conn {
        id: counter.fetch_add(1, Ordering::SeqCst),
        queries: 0,
    })
    .expect("a positive capacity is valid");
    (pool, connects)
}

#[test]
fn a_dropped_connection_goes_back_to_the_pool() {
    let (pool, _) = counted_pool(2);
    let conn = pool.try_acquire().expect("a new pool has free connections");
    let idle_in_use = pool.idle();
    drop(conn);
    assert_eq!(
        (idle_in_use, pool.idle()),
        (0, 1),
        "while the guard is alive its connection is not idle; dropping the guard must put \
         the connection back (impl Drop for Pooled)"
    );
}

#[test]
fn connections_are_opened_lazily_and_capacity_bounds_them() {
    let (pool, connects) = counted_pool(3);
    let before = connects.load(Ordering::SeqCst);
    let a = pool.try_acquire().expect("a free connection");
    let b = pool.try_acquire().expect("a free connection");
    assert_eq!(
        (before, connects.load(Ordering::SeqCst), pool.capacity()),
        (0, 2, 3),
        "Pool::new must open nothing, and each acquire with no idle connection opens one"
    );
    drop((a, b));
}

#[test]
fn try_acquire_on_an_exhausted_pool_is_a_typed_error() {
    let (pool, connects) = counted_pool(2);
    let _a = pool.try_acquire().expect("a free connection");
    let _b = pool.try_acquire().expect("a free connection");
    let got = pool.try_acquire().map(|conn| conn.id);
    assert_eq!(
        got,
        Err(PoolError::Exhausted { capacity: 2 }),
        "both connections are in use: try_acquire must fail with Exhausted, not open a third"
    );
    assert_eq!(
        connects.load(Ordering::SeqCst),
        2,
        "the pool opened more connections than its capacity"
    );
}

#[test]
fn a_zero_capacity_pool_is_rejected() {
    let got = Pool::new(0, || Conn { id: 0, queries: 0 }).map(|pool| pool.capacity());
    assert_eq!(
        got,
        Err(PoolError::ZeroCapacity),
        "a pool that can never hand out a connection is a configuration error"
    );
}

#[test]
fn a_released_connection_is_reused_not_reopened() {
    let (pool, connects) = counted_pool(1);
    for _ in 0..100 {
        let mut conn = pool.try_acquire().expect("the single connection is back");
        conn.queries += 1;
    }
    let conn = pool.try_acquire().expect("the single connection is back");
    assert_eq!(
        (connects.load(Ordering::SeqCst), conn.id, conn.queries),
        (1, 0, 100),
        "100 acquire/drop cycles on a pool of 1 must reuse one connection (opened once, \
         100 queries on it): a pool that opens a fresh connection each time is no pool"
    );
}

#[test]
fn acquire_timeout_on_a_busy_pool_times_out() {
    let (pool, _) = counted_pool(1);
    let _held = pool.try_acquire().expect("a free connection");
    let wait = Duration::from_millis(5);
    let got = pool.acquire_timeout(wait).map(|conn| conn.id);
    assert_eq!(
        got,
        Err(PoolError::TimedOut(wait)),
        "nobody returned the connection, so acquire_timeout must give up with TimedOut"
    );
}

#[test]
fn acquire_timeout_with_a_free_connection_does_not_wait() {
    let (pool, _) = counted_pool(1);
    let got = pool.acquire_timeout(Duration::ZERO).map(|conn| conn.id);
    assert_eq!(
        got,
        Ok(0),
        "a free connection must be handed out even with a zero timeout"
    );
}

#[test]
fn a_waiting_acquire_gets_the_connection_another_thread_returns() {
    let (pool, _) = counted_pool(1);
    let held = pool.try_acquire().expect("a free connection");
    let got = thread::scope(|s| {
        let waiter = s.spawn(|| pool.acquire_timeout(GUARD).map(|conn| conn.id));
        drop(held);
        waiter.join()
    });
    assert!(
        matches!(got, Ok(Ok(0))),
        "the waiter got {got:?}: the connection the main thread dropped must go to the \
         thread waiting in acquire_timeout (wake it: Condvar::notify_one)"
    );
}

#[test]
fn thousands_of_cycles_with_panicking_users_leave_the_pool_full() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 1000;
    let (pool, connects) = counted_pool(2);
    let start = Barrier::new(THREADS);
    let panics = AtomicUsize::new(0);
    let starved = AtomicUsize::new(0);
    thread::scope(|s| {
        for t in 0..THREADS {
            let (pool, start, panics, starved) = (&pool, &start, &panics, &starved);
            s.spawn(move || {
                start.wait();
                for round in 0..ROUNDS {
                    let Ok(mut conn) = pool.acquire_timeout(GUARD) else {
                        starved.fetch_add(1, Ordering::SeqCst);
                        return;
                    };
                    let result = catch_unwind(AssertUnwindSafe(move || {
                        conn.queries += 1;
                        if (t + round) % 7 == 0 {
                            panic!("a user crashed while holding connection {}", conn.id);
                        }
                    }));
                    if result.is_err() {
                        panics.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(
        starved.load(Ordering::SeqCst),
        0,
        "a borrower waited {GUARD:?} for a connection of a pool of 2 shared by 4 threads: \
         connections that are dropped (even by a panic) must come back"
    );
    assert!(
        panics.load(Ordering::SeqCst) > 500,
        "the users must have panicked"
    );
    assert_eq!(
        (pool.idle(), connects.load(Ordering::SeqCst)),
        (2, 2),
        "after 4000 loans, one in seven ending in a panic, every connection must be back \
         and none opened beyond the capacity: the guard returns it in Drop, which runs \
         during unwinding too"
    );
}

#[derive(Debug, Clone)]
enum Op {
    Acquire,
    Release(usize),
}

proptest! {
    #![proptest_config(super::proptest_config())]

    /// Idle + on loan is the number of connections opened, and that never exceeds capacity.
    #[test]
    fn idle_plus_on_loan_equals_opened(
        capacity in 1usize..4,
        ops in proptest::collection::vec(
            prop_oneof![Just(Op::Acquire), (0usize..4).prop_map(Op::Release)],
            0..24,
        ),
    ) {
        let (pool, connects) = counted_pool(capacity);
        let mut loans = Vec::new();
        for op in &ops {
            match op {
                Op::Acquire => match pool.try_acquire() {
                    Ok(conn) => loans.push(conn),
                    Err(e) => prop_assert_eq!(e, PoolError::Exhausted { capacity },
                        "try_acquire may only fail when every connection is on loan"),
                },
                Op::Release(i) if !loans.is_empty() => drop(loans.swap_remove(i % loans.len())),
                Op::Release(_) => {}
            }
            let opened = connects.load(Ordering::SeqCst);
            prop_assert!(opened <= capacity, "opened {} connections with capacity {}",
                opened, capacity);
            prop_assert_eq!(pool.idle() + loans.len(), opened,
                "after {:?}: idle + on loan must equal the connections opened", op);
            prop_assert_eq!(loans.len() == capacity, pool.try_acquire().is_err(),
                "after {:?} with {} of {} on loan, try_acquire must fail exactly when all \
                 are on loan", op, loans.len(), capacity);
        }
    }
}
