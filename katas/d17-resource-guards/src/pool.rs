//! # Kata 4: a connection pool
//!
//! **Build** `Pool<C>`, a bounded pool of connections shared by threads, and `Pooled`, the
//! guard it lends a connection in. Dropping the guard puts the connection back.
//!
//! **Why.** Opening a database connection costs a network round trip, authentication and
//! server memory, and the server allows only so many (`max_connections`). A pool opens a
//! few and lends them out again and again. Its failure mode is the article's "database
//! drain": a borrower that errors or panics before handing its connection back, until the
//! pool is empty for good and every request waits forever.
//!
//! **Python → Rust.** `async with pool.acquire() as connection:` releases in `__aexit__`.
//! In Rust, `acquire` returns a guard that owns the connection: the borrower uses it
//! through `Deref`/`DerefMut` (`conn.query(…)` works on the guard), and `Drop` gives it
//! back, on every path, panics included. The guard borrows the pool (`Pooled<'pool, C>`),
//! so the compiler refuses a connection that outlives its pool. Many threads share one
//! pool by reference (`std::thread::scope`), so its state sits behind a `Mutex`, and a
//! borrower that has to wait sleeps on a `Condvar` until a connection comes back.
//!
//! **The tests check.**
//! - `Pool::new(0, …)` is `PoolError::ZeroCapacity`. Checked by `a_zero_capacity_pool_is_rejected`.
//! - `new` opens no connection: each `connect()` call happens in an acquire that finds no
//!   idle connection, and the pool never opens more than `capacity`, not even while an
//!   acquire is inside `connect`: a second acquire on a pool of one started then opens
//!   nothing (it waits for the lock or finds the slot taken; the check `opened < capacity`
//!   and the count are one locked step). Checked by
//!   `connections_are_opened_lazily_and_capacity_bounds_them`,
//!   `a_second_acquire_opens_nothing_while_the_first_is_connecting`.
//! - A `connect` that panics gives its slot back: the panic reaches the caller, and the
//!   pool can still open `capacity` connections (a pool of one whose first `connect`
//!   panics opens one on the next acquire; else every such panic drains the pool for
//!   good). Checked by `a_connect_that_panics_gives_its_slot_back`.
//! - A dropped guard puts its connection back (`idle()` counts it). Checked by
//!   `a_dropped_connection_goes_back_to_the_pool`.
//! - The next acquire reuses it: the same value, with whatever state the borrowers left on
//!   it (a pool of 1 used 100 times opens 1 connection), and an idle connection is taken
//!   before a new one is opened (a pool of 3 used 10 times in a row opens 1). Checked by
//!   `a_released_connection_is_reused_not_reopened`,
//!   `an_idle_connection_is_reused_before_a_new_one_is_opened`.
//! - `try_acquire` never waits: `PoolError::Exhausted { capacity }` when all are on loan,
//!   at once (the calling thread does not sleep, not even a few milliseconds). A busy lock
//!   is not an empty pool: while another acquire holds the lock (inside `connect`), a
//!   `try_acquire` on a pool of two waits for the lock and gets the second connection
//!   (`Mutex::try_lock` answering `Exhausted` when the lock is busy is wrong). Checked by
//!   `try_acquire_on_an_exhausted_pool_is_a_typed_error`,
//!   `try_acquire_on_an_exhausted_pool_returns_without_sleeping`,
//!   `try_acquire_waits_for_a_busy_lock_instead_of_answering_exhausted`.
//! - `acquire_timeout(timeout)` hands out a free connection at once (even with a zero
//!   timeout), or fails with `PoolError::TimedOut(timeout)` (the timeout it was given) when
//!   nobody returns one. Checked by `acquire_timeout_with_a_free_connection_does_not_wait`,
//!   `acquire_timeout_on_a_busy_pool_times_out`.
//! - A waiting `acquire_timeout` gets the connection another thread returns. Checked by
//!   `a_waiting_acquire_gets_the_connection_another_thread_returns`.
//! - A waiter blocked with a 30 s timeout gets a returned connection within 2 s of its
//!   return: the guard's drop wakes one waiter (`Condvar::notify_one`), the waiter does not
//!   sleep out its timeout. Every return wakes one: with two waiters asleep, two
//!   connections returned one right after the other (before either waiter can run: they
//!   share the returning thread's CPU under `SCHED_IDLE`) reach both waiters within 2 s.
//!   Checked by `a_blocked_waiter_gets_a_returned_connection_long_before_its_timeout`,
//!   `two_returns_in_a_row_wake_two_waiters`.
//! - A blocked waiter sleeps until it is woken: over 400 ms with no connection coming back
//!   it does not wake up once (it does not poll, not even with naps that grow longer: the
//!   waiting thread's count of voluntary context switches does not move). Checked by
//!   `a_blocked_waiter_sleeps_instead_of_polling`.
//! - The return itself wakes the waiter: over five rounds (a waiter falls asleep, the
//!   connection comes back at once) it gets the connection within 100 ms of its return at
//!   least once; a waiter that only looks again when its own `wait_timeout` nap ends is
//!   late every round. Checked by
//!   `a_returned_connection_wakes_the_waiter_at_once_not_at_its_next_look`.
//! - A blocked waiter is not asleep on a timer (`thread::sleep`, the `nanosleep` system
//!   calls), however long its nap: it waits to be woken. Checked by
//!   `a_blocked_waiter_waits_to_be_woken_not_on_a_sleep_timer`.
//! - A returned connection goes back into the pool, free for any acquire, not reserved for
//!   a waiter: the returning thread's `try_acquire` right after the return gets it back
//!   while the waiter it woke cannot run yet (it shares the CPU under `SCHED_IDLE`; the
//!   returning thread runs under `SCHED_FIFO` where allowed). And `acquire_timeout` waits
//!   against one deadline: a waiter woken by such a return neither gives up early nor
//!   starts a whole timeout again (timeout 1.2 s, woken at 0.9 s: it gives up with
//!   `TimedOut` no sooner than 1.2 s after it started and less than 1.2 s after that
//!   wake-up; up to three rounds, one is enough). Checked by
//!   `a_waiter_woken_for_nothing_still_times_out_at_its_first_deadline`.
//! - The guard puts the connection back before it wakes a waiter: a woken waiter that runs
//!   at the very moment of the wake-up (the returning thread shares its CPU and runs under
//!   `SCHED_IDLE`, which the kernel preempts for it; the waiter runs under `SCHED_FIFO`
//!   where allowed, as root) finds the connection, no lost wake-up.
//!   Checked by `the_connection_is_back_in_the_pool_before_the_waiter_is_woken`.
//! - Four threads doing a thousand loans each on a pool of 2, one loan in seven ending in a
//!   panic, leave every opened connection back in the pool. Checked by
//!   `thousands_of_cycles_with_panicking_users_leave_the_pool_full`.
//! - Over any sequence of acquires and releases, idle plus on loan is the number opened,
//!   never above capacity. Checked by `idle_plus_on_loan_equals_opened`.
//!
//! **Not checked.** Whether a return wakes exactly one waiter: `notify_all` (every waiter
//! wakes, all but one go back to sleep) hands out the same connections; it costs wake-ups,
//! not correctness, and no test counts the other waiters' wake-ups.
//!
//! The blocked-waiter tests are Linux-only: they read the waiter thread's state, its count
//! of voluntary context switches and the system call it is blocked in from
//! `/proc/self/task/<tid>/`, and pin threads to a CPU with `sched_setaffinity` and set
//! their policy with `sched_setscheduler`.

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use thiserror::Error;

/// Why the pool could not hand out a connection.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PoolError {
    /// A pool of zero connections can never hand one out.
    #[error("a pool needs a capacity of at least 1")]
    ZeroCapacity,
    /// Every connection is in use (`try_acquire`).
    #[error("all {capacity} connections are in use")]
    Exhausted {
        /// The pool's capacity.
        capacity: usize,
    },
    /// No connection came back in time (`acquire_timeout`).
    #[error("no connection was free within {0:?}")]
    TimedOut(Duration),
}

/// A bounded pool of connections of type `C`.
#[derive(Debug)]
pub struct Pool<C> {
    // Replace this marker with your fields. What must the pool remember to stay within
    // its capacity, reuse what comes back, open lazily (`connect` can be stored as a
    // `Box<dyn FnMut() -> C + Send>`), and wake a thread that waits?
    _marker: PhantomData<C>,
}

impl<C> Pool<C> {
    /// A pool of at most `capacity` connections, each opened by `connect` when first needed.
    pub fn new(
        capacity: usize,
        _connect: impl FnMut() -> C + Send + 'static,
    ) -> Result<Self, PoolError> {
        todo!("make a pool of up to {capacity} lazily opened connections")
    }

    /// The most connections this pool will ever open.
    pub fn capacity(&self) -> usize {
        todo!("return the pool's capacity")
    }

    /// How many connections are open and waiting in the pool.
    pub fn idle(&self) -> usize {
        todo!("count the idle connections")
    }

    /// A connection now, or `Exhausted` if every connection is in use.
    pub fn try_acquire(&self) -> Result<Pooled<'_, C>, PoolError> {
        todo!("lend an idle or new connection without waiting")
    }

    /// A connection, waiting up to `timeout` for one to come back; `TimedOut` after that.
    pub fn acquire_timeout(&self, timeout: Duration) -> Result<Pooled<'_, C>, PoolError> {
        todo!("lend a connection, waiting up to {timeout:?} for one to come back")
    }
}

/// A connection on loan from a [`Pool`]; it goes back to the pool when dropped.
#[derive(Debug)]
pub struct Pooled<'pool, C> {
    // Replace this marker with your fields: the pool it goes back to, and the connection.
    _marker: PhantomData<&'pool Pool<C>>,
}

impl<C> Deref for Pooled<'_, C> {
    type Target = C;

    fn deref(&self) -> &C {
        todo!("borrow the connection on loan")
    }
}

impl<C> DerefMut for Pooled<'_, C> {
    fn deref_mut(&mut self) -> &mut C {
        todo!("borrow the connection on loan mutably")
    }
}

impl<C> Drop for Pooled<'_, C> {
    /// Runs when the loan ends, however it ends.
    fn drop(&mut self) {
        // Your code here: give the connection back to the pool and wake one waiter.
        // No todo!() here: a panic inside drop during a panic aborts the test run.
    }
}
