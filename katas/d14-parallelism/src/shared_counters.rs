//! # Kata 3: races you can still write
//!
//! **Build** a `Bank` of numbered accounts that many threads use at once through `&Bank`:
//! `deposit`, `withdraw`, `balance` and `total`.
//!
//! **Why.** A lost update is the classic concurrency bug: two threads read the same
//! balance, both add to it, and the second write erases the first. Nothing crashes; the
//! books are simply wrong, and only under load.
//!
//! **Python → Rust.** The article's FAQ shows the race on a shared counter and fixes it
//! with `threading.Lock()`. Rust refuses the *data race* at compile time: a plain `u64`
//! cannot be mutated from two threads through `&Bank`; you need a `Mutex`, an atomic or
//! similar, and `Bank` must be `Sync`. But the compiler cannot see a *logical* race. This
//! compiles, never touches memory unsafely, and still loses updates:
//!
//! ```text
//! let current = *account.lock().unwrap();     // lock taken and released
//! *account.lock().unwrap() = current + amount; // another thread may have written in between
//! ```
//!
//! The same goes for "check, then act": checking the balance under one lock and
//! subtracting under another lets two withdrawals both pass the check and overdraw.
//! The fix is to do the whole read-modify-write while holding one lock. (Atomics are the
//! other fix: one `fetch_add`, or a `compare_exchange` loop for the checked cases. This
//! kata uses locks, so the tests can count them.)
//!
//! **The tests check.**
//! - Each balance lives in a [`Vault`] (given), and the only way to it is [`Vault::lock`]
//!   (the vault's `Mutex` is private to a module of its own), which counts, per thread,
//!   the locks taken; the tests read the count with [`take_locks_taken`]. `deposit`,
//!   `withdraw` and `balance` take exactly one lock each, whether they succeed or not: the
//!   whole read-modify-write happens under it. `total` takes one per account. Checked by
//!   `each_operation_takes_exactly_one_lock`, `total_reads_every_account_under_its_own_lock`.
//! - The balance lives in its `Vault`, not beside it: [`Vault::lock`] also calls a
//!   per-thread [`VaultHook`] (given; the tests install it with [`set_vault_hook`]) with
//!   the balance the vault holds when it is locked, and each operation sees the balance
//!   the previous ones left there. (A balance kept in an atomic beside the vault, with the
//!   vault locked only for show, fails this.) Checked by
//!   `the_balance_lives_in_the_vault_and_every_operation_finds_it_there`.
//! - Operations on different accounts do not wait for each other: while one thread holds
//!   the lock of one of the accounts 0 to 64 (the tests keep it there from its vault
//!   hook), an operation on each other account of those 65 (and, while account 0 is
//!   held, on every account up to 4096) finishes on another thread. One bank-wide lock
//!   around every operation, or stripe locks shared by several accounts (any scheme of up
//!   to 64 of them; `account % k` for any `k` up to 4096), is a home-made GIL. The same holds while the holding thread writes its
//!   new balance: `Vault::lock` returns a [`VaultGuard`] (given) whose every write
//!   (`DerefMut`) calls a per-thread write hook (the tests install it with
//!   [`set_write_hook`]), and the tests keep the thread there. A bank-wide
//!   lock (a journal, a ledger) taken after the account's own lock, and held while the
//!   balance is updated, serialises every operation just the same, even one taken only
//!   for large amounts: each operation of these tests moves an amount of its own,
//!   `u64::MAX >> (account % 64)` (every bit length from 1 to 64, `u64::MAX` itself on
//!   two held accounts), on held and on waiting accounts alike, so a ledger taken past any
//!   threshold shows up. Checked by
//!   `operations_on_different_accounts_do_not_wait_for_each_other`,
//!   `an_operation_writing_one_account_does_not_hold_up_the_others`.
//! - `Bank` is `Send + Sync`, and eight threads hammering the same accounts give exact
//!   totals: no update is lost. Checked by `deposits_from_eight_threads_add_up_exactly`,
//!   `deposits_spread_over_accounts_keep_every_balance_exact`.
//! - Concurrent withdrawals never take out more than the balance: the check and the
//!   subtraction are one step. Every operation decides on the balance it finds under its
//!   one lock: the tests keep an operation in the middle of its write (from its write
//!   hook, the vault locked) until a second operation on the same account has come to
//!   `Vault::lock`, which calls a per-thread [`WaitingHook`] (given; the tests install it
//!   with [`set_waiting_hook`]) before it waits; then the first finishes, and the second
//!   must act on what the first left (of two withdrawals of the whole balance, one is
//!   refused; a withdrawal behind a deposit is granted). A check, or a sum, made on a
//!   lock-free copy of the balance before locking fails this every run. Checked by
//!   `concurrent_withdrawals_never_overdraw`,
//!   `an_operation_that_waits_for_the_vault_acts_on_what_the_holder_left`.
//! - A withdrawal larger than the balance is [`BankError::Insufficient`] and changes
//!   nothing; a deposit that would overflow a `u64` is [`BankError::Overflow`] and changes
//!   nothing; an account number not below `accounts` is [`BankError::UnknownAccount`].
//!   Checked by `withdrawing_more_than_the_balance_is_refused_and_changes_nothing`,
//!   `a_deposit_that_would_overflow_is_refused_and_changes_nothing`,
//!   `an_unknown_account_is_an_error`.
//! - A new bank's accounts hold 0; `deposit` and `withdraw` return the balance right after
//!   their own update, and `total` is the accepted deposits minus the accepted
//!   withdrawals: the sum of the balances it reads in the vaults, exact even when the
//!   accounts together hold more than `u64::MAX` (the tests' accounts hold `u64::MAX`,
//!   `u64::MAX - 1` and 7; a running `u64` total kept beside the vaults wraps). Checked by
//!   `a_new_bank_has_empty_accounts`, `deposit_and_withdraw_return_the_new_balance`,
//!   `the_total_is_the_sum_of_accepted_deposits_minus_accepted_withdrawals`,
//!   `total_reads_every_account_under_its_own_lock`.
//!
//! **Not checked.** Whether a lost update happens on a given run of the hammering tests:
//! that depends on the scheduler. The lock count is what pins the lesson, every run. A
//! bank-wide lock taken and released between two of the hook points (say, after the
//! balance is written, or to log a refusal between the vault hook and the guard's drop)
//! runs none of the tests' code while it is held, so no test sees it; do not add one.
//! So is a running `u128` total kept beside the vaults under such a lock, with `total`
//! answering from it: it agrees with the vaults as long as every update goes through it.
//! Stripe schemes the tests' pairs do not reach (say, a hash of the account into 4096
//! stripes, or `account % k` past 4096) are not seen either: the lesson is one lock per
//! account.

use std::cell::{Cell, RefCell};

/// Why a bank operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    /// There is no account with this number.
    #[error("there is no account {account}")]
    UnknownAccount {
        /// The account asked for.
        account: usize,
    },
    /// The account holds less than the amount to withdraw.
    #[error("account {account} holds {balance}, cannot withdraw {amount}")]
    Insufficient {
        /// The account.
        account: usize,
        /// Its balance when the withdrawal was refused.
        balance: u64,
        /// The amount asked for.
        amount: u64,
    },
    /// The deposit would take the balance past `u64::MAX`.
    #[error("depositing {amount} into account {account} would overflow its balance")]
    Overflow {
        /// The account.
        account: usize,
        /// The amount asked for.
        amount: u64,
    },
}

/// A function that [`Vault::lock`] calls on this thread right after it takes a lock, with
/// the balance the vault holds at that moment (the tests use it to look inside the vaults,
/// and to keep one thread holding its lock while another thread works).
pub type VaultHook = Box<dyn Fn(u64)>;

/// A function that [`Vault::lock`] calls on this thread right before it waits for the
/// lock (the tests use it to know that an operation has come as far as the vault, and may
/// be about to wait behind another thread's lock).
pub type WaitingHook = Box<dyn Fn()>;

thread_local! {
    static LOCKS_TAKEN: Cell<usize> = const { Cell::new(0) };
    static VAULT_HOOK: RefCell<Option<VaultHook>> = const { RefCell::new(None) };
    static WRITE_HOOK: RefCell<Option<VaultHook>> = const { RefCell::new(None) };
    static WAITING_HOOK: RefCell<Option<WaitingHook>> = const { RefCell::new(None) };
}

/// Installs (or, with `None`, removes) this thread's vault hook.
pub fn set_vault_hook(hook: Option<VaultHook>) {
    VAULT_HOOK.with(|slot| *slot.borrow_mut() = hook);
}

/// Installs (or, with `None`, removes) this thread's write hook: a [`VaultHook`] that a
/// [`VaultGuard`] calls each time the balance is written through it (`DerefMut`), with the
/// balance before the write, while the vault is still locked (the tests use it to keep
/// one thread in the middle of its update while another thread works).
pub fn set_write_hook(hook: Option<VaultHook>) {
    WRITE_HOOK.with(|slot| *slot.borrow_mut() = hook);
}

/// Installs (or, with `None`, removes) this thread's waiting hook (see [`WaitingHook`]).
pub fn set_waiting_hook(hook: Option<WaitingHook>) {
    WAITING_HOOK.with(|slot| *slot.borrow_mut() = hook);
}

/// How many `Vault` locks this thread has taken since the last call.
pub fn take_locks_taken() -> usize {
    LOCKS_TAKEN.with(|taken| taken.replace(0))
}

pub use vault::{Vault, VaultGuard};

/// The vault has a module of its own so that its `Mutex` is private to it: even code in
/// this file can reach a balance only through [`Vault::lock`], which counts.
mod vault {
    use std::ops::{Deref, DerefMut};
    use std::sync::{Mutex, MutexGuard, PoisonError};

    use super::{LOCKS_TAKEN, VAULT_HOOK, WAITING_HOOK, WRITE_HOOK};

    /// One account's balance behind a lock that counts how often it is taken.
    #[derive(Debug, Default)]
    pub struct Vault {
        balance: Mutex<u64>,
    }

    impl Vault {
        /// A vault holding `balance`.
        pub fn new(balance: u64) -> Self {
            Self {
                balance: Mutex::new(balance),
            }
        }

        /// Locks the balance, adding one to this thread's count of locks taken and calling
        /// this thread's waiting hook, if any, before it waits; then calls this thread's
        /// vault hook, if any, with the balance it holds.
        pub fn lock(&self) -> VaultGuard<'_> {
            LOCKS_TAKEN.with(|taken| taken.set(taken.get() + 1));
            WAITING_HOOK.with(|slot| {
                if let Some(hook) = slot.borrow().as_ref() {
                    hook();
                }
            });
            // A panic elsewhere cannot leave a `u64` half-written, so a poisoned lock is safe.
            let guard = self.balance.lock().unwrap_or_else(PoisonError::into_inner);
            VAULT_HOOK.with(|slot| {
                if let Some(hook) = slot.borrow().as_ref() {
                    hook(*guard);
                }
            });
            VaultGuard { guard }
        }
    }

    /// A locked vault: reads the balance through `Deref`; each write through `DerefMut`
    /// first calls this thread's write hook (see [`super::set_write_hook`]). The lock is
    /// released when the guard is dropped.
    #[derive(Debug)]
    pub struct VaultGuard<'a> {
        guard: MutexGuard<'a, u64>,
    }

    impl Deref for VaultGuard<'_> {
        type Target = u64;

        fn deref(&self) -> &u64 {
            &self.guard
        }
    }

    impl DerefMut for VaultGuard<'_> {
        fn deref_mut(&mut self) -> &mut u64 {
            WRITE_HOOK.with(|slot| {
                if let Some(hook) = slot.borrow().as_ref() {
                    hook(*self.guard);
                }
            });
            &mut self.guard
        }
    }
}

/// Accounts numbered `0..accounts`, each starting at 0, safe to share between threads.
#[derive(Debug)]
pub struct Bank {
    // your state here
}

impl Bank {
    /// A bank with `accounts` empty accounts.
    pub fn new(accounts: usize) -> Self {
        todo!("open {accounts} empty accounts")
    }

    /// Adds `amount` to `account`; returns the new balance.
    pub fn deposit(&self, account: usize, amount: u64) -> Result<u64, BankError> {
        todo!("deposit {amount} into account {account} in one step")
    }

    /// Takes `amount` out of `account` if it holds that much; returns the new balance.
    pub fn withdraw(&self, account: usize, amount: u64) -> Result<u64, BankError> {
        todo!("withdraw {amount} from account {account} in one step")
    }

    /// The balance of `account`.
    pub fn balance(&self, account: usize) -> Result<u64, BankError> {
        todo!("read the balance of account {account}")
    }

    /// The sum of all balances (each read under its own lock).
    pub fn total(&self) -> u128 {
        todo!("add up every balance")
    }
}
