//! Dodge: serialises every transfer behind one global Mutex and then locks from before to: no deadlock, but no two transfers ever run in parallel and the lock order is still naive.
//! Caught by: locks_the_lower_id_first_whichever_way_the_money_goes, opposite_transfers_at_the_worst_moment_do_not_deadlock

use std::cell::RefCell;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Why a transfer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    /// `from` and `to` have the same id.
    #[error("cannot transfer from account {id} to itself")]
    SameAccount {
        /// The id of both sides.
        id: u32,
    },
    /// `from` holds less than the amount.
    #[error("account {id} holds {balance}, cannot send {amount}")]
    Insufficient {
        /// The sending account.
        id: u32,
        /// Its balance when the transfer was refused.
        balance: u64,
        /// The amount asked for.
        amount: u64,
    },
    /// `to` would go past `u64::MAX`.
    #[error("account {id} cannot receive {amount} without overflowing")]
    Overflow {
        /// The receiving account.
        id: u32,
        /// The amount asked for.
        amount: u64,
    },
}

/// What [`Account::lock`] tells this thread's lock hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockEvent {
    /// About to wait for the lock of the account with this id.
    Waiting(u32),
    /// Now holds the lock of the account with this id.
    Acquired(u32),
}

/// A function that [`Account::lock`] calls on this thread (the tests use it to make two
/// transfers meet at the worst moment).
pub type LockHook = Box<dyn Fn(LockEvent)>;

thread_local! {
    static LOCK_LOG: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    static LOCK_HOOK: RefCell<Option<LockHook>> = const { RefCell::new(None) };
}

/// The ids of the accounts this thread has locked since the last call, in order.
pub fn take_lock_log() -> Vec<u32> {
    LOCK_LOG.with(|log| log.take())
}

/// Installs (or, with `None`, removes) this thread's lock hook.
pub fn set_lock_hook(hook: Option<LockHook>) {
    LOCK_HOOK.with(|slot| *slot.borrow_mut() = hook);
}

fn report(event: LockEvent) {
    LOCK_HOOK.with(|slot| {
        if let Some(hook) = slot.borrow().as_ref() {
            hook(event);
        }
    });
}

/// An account with an id and a balance behind its own lock.
#[derive(Debug)]
pub struct Account {
    id: u32,
    balance: Mutex<u64>,
}

impl Account {
    /// An account `id` holding `balance`.
    pub fn new(id: u32, balance: u64) -> Self {
        Self {
            id,
            balance: Mutex::new(balance),
        }
    }

    /// This account's id: the global lock order.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Locks the balance, recording this account's id in this thread's lock log and
    /// telling this thread's lock hook, if any, before and after waiting.
    pub fn lock(&self) -> MutexGuard<'_, u64> {
        LOCK_LOG.with(|log| log.borrow_mut().push(self.id));
        report(LockEvent::Waiting(self.id));
        // A panic elsewhere cannot leave a `u64` half-written, so a poisoned lock is safe.
        let guard = self.balance.lock().unwrap_or_else(PoisonError::into_inner);
        report(LockEvent::Acquired(self.id));
        guard
    }

    /// The current balance (takes and releases the lock).
    pub fn balance(&self) -> u64 {
        *self.lock()
    }
}

/// Moves `amount` from `from` to `to`, locking the lower id first.
pub fn transfer(from: &Account, to: &Account, amount: u64) -> Result<(), TransferError> {
    if from.id == to.id {
        return Err(TransferError::SameAccount { id: from.id });
    }
    static EVERYTHING: Mutex<()> = Mutex::new(());
    let _all = EVERYTHING.lock().unwrap_or_else(PoisonError::into_inner);
    let mut sender = from.lock();
    let mut receiver = to.lock();
    let left = sender
        .checked_sub(amount)
        .ok_or(TransferError::Insufficient {
            id: from.id,
            balance: *sender,
            amount,
        })?;
    let received = receiver
        .checked_add(amount)
        .ok_or(TransferError::Overflow { id: to.id, amount })?;
    *sender = left;
    *receiver = received;
    Ok(())
}
