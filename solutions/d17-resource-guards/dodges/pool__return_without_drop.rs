//! Dodge: the pool has a `give_back` the borrower must call and the guard has no `Drop`, so every loan that ends without that call (a `?`, a panic, a plain drop) drains the pool.
//! Caught by: a_dropped_connection_goes_back_to_the_pool, a_released_connection_is_reused_not_reopened, a_waiting_acquire_gets_the_connection_another_thread_returns, thousands_of_cycles_with_panicking_users_leave_the_pool_full

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

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

/// Opens a new connection.
type Connect<C> = Box<dyn FnMut() -> C + Send>;

struct State<C> {
    idle: Vec<C>,
    opened: usize,
    connect: Connect<C>,
}

/// A bounded pool of connections of type `C`.
pub struct Pool<C> {
    capacity: usize,
    state: Mutex<State<C>>,
    returned: Condvar,
}

impl<C> std::fmt::Debug for Pool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("capacity", &self.capacity)
            .field("idle", &self.idle())
            .finish_non_exhaustive()
    }
}

impl<C> Pool<C> {
    /// A pool of at most `capacity` connections, each opened by `connect` when first needed.
    pub fn new(
        capacity: usize,
        connect: impl FnMut() -> C + Send + 'static,
    ) -> Result<Self, PoolError> {
        if capacity == 0 {
            return Err(PoolError::ZeroCapacity);
        }
        Ok(Self {
            capacity,
            state: Mutex::new(State {
                idle: Vec::with_capacity(capacity),
                opened: 0,
                connect: Box::new(connect),
            }),
            returned: Condvar::new(),
        })
    }

    /// The most connections this pool will ever open.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many connections are open and waiting in the pool.
    pub fn idle(&self) -> usize {
        self.state().idle.len()
    }

    fn state(&self) -> MutexGuard<'_, State<C>> {
        // Every update of the state is a single push, pop or increment: a panic elsewhere
        // cannot leave it half-done, so a poisoned lock is safe to use.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes an idle connection, or opens one if the pool has not reached its capacity.
    fn take(&self, state: &mut State<C>) -> Option<C> {
        if let Some(conn) = state.idle.pop() {
            return Some(conn);
        }
        if state.opened < self.capacity {
            state.opened += 1;
            return Some((state.connect)());
        }
        None
    }

    fn guard(&self, conn: C) -> Pooled<'_, C> {
        Pooled {
            pool: self,
            conn: Some(conn),
        }
    }

    /// A connection now, or `Exhausted` if every connection is in use.
    pub fn try_acquire(&self) -> Result<Pooled<'_, C>, PoolError> {
        let conn = self.take(&mut self.state()).ok_or(PoolError::Exhausted {
            capacity: self.capacity,
        })?;
        Ok(self.guard(conn))
    }

    /// A connection, waiting up to `timeout` for one to come back; `TimedOut` after that.
    pub fn acquire_timeout(&self, timeout: Duration) -> Result<Pooled<'_, C>, PoolError> {
        let deadline = Instant::now() + timeout;
        let mut state = self.state();
        loop {
            if let Some(conn) = self.take(&mut state) {
                return Ok(self.guard(conn));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(PoolError::TimedOut(timeout));
            }
            state = self
                .returned
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Hands a connection back; a borrower is expected to call this when done.
    pub fn give_back(&self, conn: C) {
        self.state().idle.push(conn);
        self.returned.notify_one();
    }
}

/// A connection on loan from a [`Pool`]; it goes back to the pool when dropped.
pub struct Pooled<'pool, C> {
    pool: &'pool Pool<C>,
    conn: Option<C>,
}

impl<C: std::fmt::Debug> std::fmt::Debug for Pooled<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pooled").field(&self.conn).finish()
    }
}

impl<C> Deref for Pooled<'_, C> {
    type Target = C;

    fn deref(&self) -> &C {
        match &self.conn {
            Some(conn) => conn,
            None => unreachable!("a Pooled holds its connection until it is dropped"),
        }
    }
}

impl<C> DerefMut for Pooled<'_, C> {
    fn deref_mut(&mut self) -> &mut C {
        match &mut self.conn {
            Some(conn) => conn,
            None => unreachable!("a Pooled holds its connection until it is dropped"),
        }
    }
}
