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
//! **Rules the tests check.**
//! - `Pool::new(0, …)` is `PoolError::ZeroCapacity`. `new` opens no connection: each
//!   `connect()` call happens in an acquire that finds no idle connection, and the pool
//!   calls `connect` at most `capacity` times in its whole life.
//! - A dropped guard puts its connection back, and the next acquire reuses it (the same
//!   value, with whatever state the borrowers left on it).
//! - `try_acquire` never waits: `PoolError::Exhausted { capacity }` when all are on loan.
//! - `acquire_timeout(timeout)` hands out a free connection at once (even with a zero
//!   timeout), otherwise waits until one is returned by another thread, or fails with
//!   `PoolError::TimedOut(timeout)` (the timeout it was given).
//! - `idle()` counts the connections opened and sitting in the pool.
//!
//! **The tests check** lazy opening, reuse (a pool of 1 used 100 times opens 1
//! connection), exhaustion, timeouts, a waiter woken by a return from another thread, four
//! threads doing a thousand loans each with one in seven panicking (the pool must be full
//! afterwards), and a law over any sequence of acquires and releases.

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
