//! # Kata 4: deadlock by lock order
//!
//! **Build** `transfer(from, to, amount)`: move money between two accounts, each guarded
//! by its own `Mutex`, while many threads transfer between the same accounts in both
//! directions.
//!
//! **Why.** A transfer must hold both locks at once (otherwise the money is briefly in
//! neither account, or in both). Thread 1 runs `transfer(a, b)` and locks `a`; thread 2
//! runs `transfer(b, a)` and locks `b`; now each waits for the lock the other holds, for
//! ever. The service does not crash: it stops answering.
//!
//! **Python → Rust.** The article wraps shared state in `threading.Lock()` and stops
//! there. Rust's type system guarantees you cannot touch the balance without the lock, but
//! it does not prevent deadlocks: those come from the *order* in which locks are taken.
//! The cure is a global order: always lock the account with the lower id first, whatever
//! the direction of the transfer.
//!
//! **The tests check.**
//! - Reach balances only through [`Account::lock`] (given): it records, per thread, the ids
//!   of the accounts locked, and the tests read that record with [`take_lock_log`]. It
//!   also calls a per-thread [`LockHook`], which the tests use to pause a transfer after its
//!   first lock until the other transfer has asked for its own first lock.
//!   Checked by `opposite_transfers_at_the_worst_moment_do_not_deadlock`,
//!   `locks_the_lower_id_first_whichever_way_the_money_goes`.
//! - A transfer takes exactly two locks, the account with the lower id first, in both
//!   directions. Checked by `locks_the_lower_id_first_whichever_way_the_money_goes`.
//! - It holds both at once: when it acquires the second lock, the first account is still
//!   locked (the tests' lock hook asks [`Account::is_held`], given). Taking the locks in
//!   order but dropping the first before taking the second is deadlock-free but not
//!   atomic: for a moment the money is in neither account, or in both. Checked by
//!   `holds_both_locks_at_once_while_the_money_moves`.
//! - It writes the balances only once both locks are held: `Account::lock` returns an
//!   [`AccountGuard`] (given) that tells the lock hook [`LockEvent::Writing`] at each write
//!   through it (`DerefMut`), and both writes come after the second `Acquired`. Checked by
//!   `writes_the_balances_only_once_both_locks_are_held`.
//! - Transfers between unrelated accounts do not wait for each other: while one transfer
//!   is paused in its lock hook (as it asks for its second account lock, at its second
//!   `Waiting`; in other runs as it writes a balance, at its first `Writing`, and at its
//!   second), a transfer between two other accounts finishes on another thread (one of the tests' pairs is 3 724 680 960 and the next id, beside 0
//!   and 1; another runs `m -> m + 1` for every `m` from 2 to 4096 beside a transfer
//!   between 0 and 1, so shards of a lock picked from the ids modulo any number up to 4096
//!   are seen too); both move the same amount, every power of ten from 1 to 10^19 in turn
//!   (and a few odd ones, `u64::MAX / 2` and `u64::MAX`), so a lock taken only for
//!   transfers past any amount shows up too.
//!   A process-wide lock (a ledger, a journal) held around the move, even
//!   one taken after both account locks, or between the two writes, serialises every
//!   transfer in the program; one held while waiting for the second account's lock is
//!   also outside the lock order, and deadlocks: `transfer(1 -> 2)` holds account 1 and
//!   it, and waits for account 2, while `transfer(2 -> 3)` holds account 2 and waits for
//!   it. Checked by
//!   `transfers_between_other_accounts_go_on_while_one_writes`.
//! - Two transfers in opposite directions, each paused after its first lock until the other
//!   has asked for its first lock, both finish: neither may wait behind a lock of its own
//!   (one global lock around every transfer never lets the second one ask). A test that
//!   waits 3 seconds for them calls it a deadlock and fails with "deadlock: each transfer
//!   holds one account's lock and waits for the other's; take the locks in one global
//!   order". Checked by `opposite_transfers_at_the_worst_moment_do_not_deadlock`.
//! - Many threads transferring both ways between the same accounts all finish, and the
//!   total is conserved. Checked by
//!   `transfers_both_ways_from_many_threads_all_finish_and_conserve_money`.
//! - The amount moves from `from` to `to`; zero moves nothing. Checked by
//!   `moves_the_amount_from_one_account_to_the_other`, `a_transfer_of_zero_changes_nothing`.
//! - Two accounts with the same id are the same account: [`TransferError::SameAccount`]
//!   (locking one `Mutex` twice on one thread would deadlock too). Checked by
//!   `a_transfer_to_the_same_account_is_an_error`,
//!   `two_accounts_with_the_same_id_are_the_same_account`.
//! - An amount larger than `from`'s balance is [`TransferError::Insufficient`], one that
//!   would overflow `to` is [`TransferError::Overflow`]; both change nothing. Checked by
//!   `sending_more_than_the_balance_is_refused_and_changes_nothing`,
//!   `a_transfer_that_would_overflow_the_receiver_is_refused_and_changes_nothing`.
//!
//! **Not checked.** A process-wide lock held at none of the pauses (a ledger journaled
//! after the second `Acquired` and released before the first `Writing`, say, or one taken
//! after both balances are written, before the account locks drop) is not seen: the tests
//! pause a transfer only inside its lock hook (as it asks for its second lock, at its
//! writes, and after its first lock against an opposite transfer), never while such a
//! lock is held, and a `Mutex` private to your code cannot be counted from outside; only
//! timing could show it, and the tests never time. It still makes every transfer in the
//! program queue for one lock: do not add one.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

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
    /// About to write the balance of the account with this id, through its
    /// [`AccountGuard`] (`DerefMut`), while its lock is held.
    Writing(u32),
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
    pub fn lock(&self) -> AccountGuard<'_> {
        LOCK_LOG.with(|log| log.borrow_mut().push(self.id));
        report(LockEvent::Waiting(self.id));
        // A panic elsewhere cannot leave a `u64` half-written, so a poisoned lock is safe.
        let guard = self.balance.lock().unwrap_or_else(PoisonError::into_inner);
        report(LockEvent::Acquired(self.id));
        AccountGuard { id: self.id, guard }
    }

    /// Whether some thread holds this account's lock right now. It never waits, and it is
    /// not a lock: nothing is logged (the tests ask it from the lock hook).
    pub fn is_held(&self) -> bool {
        matches!(self.balance.try_lock(), Err(TryLockError::WouldBlock))
    }

    /// The current balance (takes and releases the lock).
    pub fn balance(&self) -> u64 {
        *self.lock()
    }
}

/// A locked account: reads the balance through `Deref`; each write through `DerefMut`
/// first tells this thread's lock hook [`LockEvent::Writing`]. The lock is released when
/// the guard is dropped.
#[derive(Debug)]
pub struct AccountGuard<'a> {
    id: u32,
    guard: MutexGuard<'a, u64>,
}

impl Deref for AccountGuard<'_> {
    type Target = u64;

    fn deref(&self) -> &u64 {
        &self.guard
    }
}

impl DerefMut for AccountGuard<'_> {
    fn deref_mut(&mut self) -> &mut u64 {
        report(LockEvent::Writing(self.id));
        &mut self.guard
    }
}

/// Moves `amount` from `from` to `to`, locking the lower id first.
pub fn transfer(from: &Account, to: &Account, amount: u64) -> Result<(), TransferError> {
    todo!(
        "move {amount} from account {} to account {}, locks in id order",
        from.id(),
        to.id()
    )
}
