//! Kata 3: races you can still write.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;

use crate::shared_counters::{
    Bank, BankError, VaultHook, set_vault_hook, set_waiting_hook, set_write_hook, take_locks_taken,
};
use proptest::prelude::*;
use rstest::rstest;

const THREADS: usize = 8;

/// Runs `work(thread_index)` on `THREADS` threads sharing `bank`; returns their results.
fn hammer<T: Send + 'static>(
    bank: &Arc<Bank>,
    work: impl Fn(&Bank, usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let bank = Arc::clone(bank);
    super::guarded("the bank's threads never finished", move || {
        let work = &work;
        let bank = &bank;
        thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|t| scope.spawn(move || work(bank, t)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    })
}

#[test]
fn a_new_bank_has_empty_accounts() {
    let bank = Bank::new(3);
    let balances: Vec<Result<u64, BankError>> = (0..3).map(|a| bank.balance(a)).collect();
    assert_eq!(
        (balances, bank.total()),
        (vec![Ok(0), Ok(0), Ok(0)], 0),
        "Bank::new(3) must open accounts 0, 1 and 2, each holding 0"
    );
}

#[test]
fn deposit_and_withdraw_return_the_new_balance() {
    let bank = Bank::new(1);
    let steps = [
        bank.deposit(0, 70),
        bank.withdraw(0, 25),
        bank.deposit(0, 5),
    ];
    assert_eq!(
        steps,
        [Ok(70), Ok(45), Ok(50)],
        "deposit 70, withdraw 25, deposit 5 must return the balance after each step"
    );
}

#[test]
fn deposits_from_eight_threads_add_up_exactly() {
    fn assert_shareable<T: Send + Sync>() {}
    assert_shareable::<Bank>();
    const DEPOSITS: u64 = 20_000;
    let bank = Arc::new(Bank::new(1));
    let results = hammer(&bank, |bank, _| {
        (0..DEPOSITS).filter(|_| bank.deposit(0, 1).is_ok()).count()
    });
    let accepted: usize = results.into_iter().sum();
    let expected = THREADS as u64 * DEPOSITS;
    assert_eq!(
        (accepted, bank.balance(0)),
        (THREADS * DEPOSITS as usize, Ok(expected)),
        "{THREADS} threads each deposited 1 into account 0 {DEPOSITS} times: the balance must \
         be exactly {expected}. Less means lost updates: the read and the write of each \
         deposit must happen under one lock (or be one atomic fetch_add)"
    );
}

#[test]
fn deposits_spread_over_accounts_keep_every_balance_exact() {
    let bank = Arc::new(Bank::new(4));
    hammer(&bank, |bank, t| {
        for i in 0..4_000 {
            let _ = bank.deposit((t + i) % 4, 3);
        }
    });
    let balances: Vec<Result<u64, BankError>> = (0..4).map(|a| bank.balance(a)).collect();
    assert_eq!(
        (balances, bank.total()),
        (vec![Ok(24_000); 4], 96_000),
        "{THREADS} threads each made 4000 deposits of 3 spread evenly over 4 accounts: every \
         account must hold 24000 and the total 96000"
    );
}

#[test]
fn concurrent_withdrawals_never_overdraw() {
    const ROUNDS: usize = 1_000;
    let bank = Arc::new(Bank::new(1));
    let start = Arc::new(Barrier::new(THREADS));
    let results = hammer(&bank, move |bank, t| {
        let mut granted = 0;
        for _ in 0..ROUNDS {
            if t == 0 {
                let _ = bank.deposit(0, 100);
            }
            start.wait(); // every thread tries to take the whole 100 at the same moment
            granted += usize::from(bank.withdraw(0, 100).is_ok());
            start.wait();
        }
        granted
    });
    let granted: usize = results.into_iter().sum();
    assert_eq!(
        (granted, bank.balance(0)),
        (ROUNDS, Ok(0)),
        "{ROUNDS} times, 100 was deposited and {THREADS} threads at once tried to withdraw \
         100: exactly one withdrawal per round may succeed. More means check-then-act: the \
         balance check and the subtraction must happen under one lock"
    );
}

/// Thread A runs `a_op` on account 0 (holding `opening`) and is kept in its write hook,
/// the vault locked; thread B then runs `b_op` on the same account, and once B's waiting
/// hook says it has come to the vault, A goes on. Returns both results and the balance.
fn one_operation_waits_while_another_writes(
    opening: u64,
    a_op: impl FnOnce(&Bank) -> Result<u64, BankError> + Send + 'static,
    b_op: impl FnOnce(&Bank) -> Result<u64, BankError> + Send + 'static,
) -> (
    Result<u64, BankError>,
    Result<u64, BankError>,
    Result<u64, BankError>,
) {
    let bank = Arc::new(Bank::new(1));
    assert_eq!(
        bank.deposit(0, opening),
        Ok(opening),
        "the opening deposit failed"
    );
    let shared = Arc::clone(&bank);
    let (a_result, (b_result, a_held), b_came) = super::guarded(
        "one operation was kept in the middle of its write (the vault locked) and another one \
         on the same account never came to Vault::lock: reach the balance only through \
         Vault::lock, and take no lock of your own before it",
        move || {
            let bank = &shared;
            let (holding, held) = mpsc::channel::<()>();
            let (waiting, b_waits) = mpsc::channel::<()>();
            let (go, a_may_go) = mpsc::channel::<()>();
            thread::scope(|scope| {
                let a = scope.spawn(move || {
                    let first = Cell::new(true);
                    set_write_hook(Some(Box::new(move |_| {
                        if first.replace(false) {
                            let _ = holding.send(());
                            let _ = a_may_go.recv();
                        }
                    })));
                    let result = a_op(bank);
                    set_write_hook(None);
                    result
                });
                let b = scope.spawn(move || {
                    let a_held = held.recv().is_ok(); // false: A wrote without its guard
                    let first = Cell::new(true);
                    set_waiting_hook(Some(Box::new(move || {
                        if first.replace(false) {
                            let _ = waiting.send(());
                        }
                    })));
                    let result = b_op(bank);
                    set_waiting_hook(None);
                    (result, a_held)
                });
                let b_came = b_waits.recv().is_ok(); // B came to the vault: let A finish
                drop(go);
                let a = a.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                let b = b.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                (a, b, b_came)
            })
        },
    );
    assert!(
        a_held && b_came,
        "operation A on account 0 {} its write hook, and operation B {} to Vault::lock (its \
         waiting hook): reach and update the balance only through Vault::lock and the guard \
         it returns",
        if a_held { "came to" } else { "never came to" },
        if b_came { "came" } else { "never came" },
    );
    (a_result, b_result, bank.balance(0))
}

#[rstest]
#[case::two_withdrawals_of_the_whole_balance(
    100,
    |bank: &Bank| bank.withdraw(0, 100),
    |bank: &Bank| bank.withdraw(0, 100),
    (Ok(0), Err(BankError::Insufficient { account: 0, balance: 0, amount: 100 }), Ok(0)),
)]
#[case::two_deposits(
    0,
    |bank: &Bank| bank.deposit(0, 5),
    |bank: &Bank| bank.deposit(0, 7),
    (Ok(5), Ok(12), Ok(12)),
)]
#[case::a_withdrawal_behind_a_deposit(
    0,
    |bank: &Bank| bank.deposit(0, 100),
    |bank: &Bank| bank.withdraw(0, 60),
    (Ok(100), Ok(40), Ok(40)),
)]
#[case::a_huge_deposit_behind_a_withdrawal(
    50,
    |bank: &Bank| bank.withdraw(0, 50),
    |bank: &Bank| bank.deposit(0, u64::MAX - 10),
    (Ok(0), Ok(u64::MAX - 10), Ok(u64::MAX - 10)),
)]
fn an_operation_that_waits_for_the_vault_acts_on_what_the_holder_left(
    #[case] opening: u64,
    #[case] a_op: fn(&Bank) -> Result<u64, BankError>,
    #[case] b_op: fn(&Bank) -> Result<u64, BankError>,
    #[case] expected: (
        Result<u64, BankError>,
        Result<u64, BankError>,
        Result<u64, BankError>,
    ),
) {
    let got = one_operation_waits_while_another_writes(opening, a_op, b_op);
    assert_eq!(
        got, expected,
        "account 0 opened with {opening}; operation A was kept in the middle of its write, the \
         vault locked, until operation B came to Vault::lock; then A finished and B went on. \
         (A's result, B's result, the balance) must be those of A then B, one after the \
         other. B decided on a balance it read before it held the lock (a lock-free copy, an \
         earlier lock): check-then-act. Read, check and write the balance under the one lock"
    );
}

#[test]
fn withdrawing_more_than_the_balance_is_refused_and_changes_nothing() {
    let bank = Bank::new(2);
    assert_eq!(bank.deposit(1, 40), Ok(40), "the opening deposit failed");
    let got = bank.withdraw(1, 41);
    assert_eq!(
        (got, bank.balance(1)),
        (
            Err(BankError::Insufficient {
                account: 1,
                balance: 40,
                amount: 41
            }),
            Ok(40)
        ),
        "withdrawing 41 from a balance of 40 must be BankError::Insufficient and leave 40"
    );
}

#[test]
fn a_deposit_that_would_overflow_is_refused_and_changes_nothing() {
    let bank = Bank::new(1);
    assert_eq!(
        bank.deposit(0, u64::MAX - 1),
        Ok(u64::MAX - 1),
        "opening deposit failed"
    );
    let got = bank.deposit(0, 2);
    assert_eq!(
        (got, bank.balance(0)),
        (
            Err(BankError::Overflow {
                account: 0,
                amount: 2
            }),
            Ok(u64::MAX - 1)
        ),
        "a deposit past u64::MAX must be BankError::Overflow (not a wrap, not a panic) and \
         leave the balance alone"
    );
}

#[rstest]
#[case::deposit(|bank: &Bank| bank.deposit(0, 5))]
#[case::deposit_that_overflows(|bank: &Bank| bank.deposit(0, u64::MAX))]
#[case::withdraw(|bank: &Bank| bank.withdraw(0, 5))]
#[case::withdraw_too_much(|bank: &Bank| bank.withdraw(0, 11))]
#[case::balance(|bank: &Bank| bank.balance(0))]
fn each_operation_takes_exactly_one_lock(#[case] operation: fn(&Bank) -> Result<u64, BankError>) {
    let bank = Bank::new(1);
    assert_eq!(bank.deposit(0, 10), Ok(10), "the opening deposit failed");
    let _ = take_locks_taken();
    let _ = operation(&bank);
    let taken = take_locks_taken();
    assert_eq!(
        taken, 1,
        "the operation took {taken} Vault locks: it must read, check and write the balance \
         under one lock. Two locks (read under one, write under the other) lose updates and \
         overdraw under load; zero means the balance was reached without Vault::lock"
    );
}

#[test]
fn the_balance_lives_in_the_vault_and_every_operation_finds_it_there() {
    let bank = Bank::new(2);
    assert_eq!(bank.deposit(0, 7), Ok(7), "the opening deposit failed");
    let seen = Rc::new(RefCell::new(Vec::new()));
    let seen_by_hook = Rc::clone(&seen);
    set_vault_hook(Some(Box::new(move |balance| {
        seen_by_hook.borrow_mut().push(balance);
    })));
    let results = [
        bank.deposit(0, 5),
        bank.withdraw(0, 2),
        bank.withdraw(0, 100),
        bank.balance(0),
    ];
    set_vault_hook(None);
    let seen = seen.take();
    assert_eq!(
        seen,
        vec![7, 12, 10, 10],
        "after depositing 7, the operations deposit 5, withdraw 2, withdraw 100 (refused) and \
         balance (which answered {results:?}) found {seen:?} in account 0's Vault when they \
         locked it: the balance must live inside the Vault, read and written through the \
         guard Vault::lock returns. A balance kept beside the vault (an atomic, say), with \
         the lock taken only for show, guards nothing"
    );
}

/// The accounts the "do not wait" tests hold, one at a time: `0..HELD_ACCOUNTS`. Each is
/// paired with every other of them, so any scheme of at most `HELD_ACCOUNTS - 1` locks
/// shared by several accounts (a bank-wide lock, or 16 or 64 stripes, whatever picks the
/// stripe) makes some pair wait.
const HELD_ACCOUNTS: usize = 65;

/// The accounts of the "do not wait" tests' bank: while account 0 is held, thread B works
/// on every other one, so stripes chosen by `account % k` make account `k` wait, for every
/// `k` up to `BANK_ACCOUNTS - 1`.
const BANK_ACCOUNTS: usize = 4_097;

/// The amount each operation of the "do not wait" tests moves on `account`: `u64::MAX`
/// shifted right by `account % 64`, so every bit length from 1 to 64 comes up among the
/// held accounts, and `u64::MAX` itself on held accounts 0 and 64: a bank-wide lock taken
/// only for amounts past some threshold (any threshold) makes some pair wait.
fn amount_for(account: usize) -> u64 {
    u64::MAX >> (account % 64)
}

/// An operation of the "do not wait" tests: on an account, with that account's amount.
type Operation = fn(&Bank, usize, u64) -> Result<u64, BankError>;

/// For each account `held` of `0..HELD_ACCOUNTS`: thread A locks it (through `a_op`) and,
/// from its hook (`hold_at`), keeps holding that lock while thread B runs `b_op` on every
/// other held account (and, while account 0 is held, on every account of the bank), one
/// after another, each operation moving its account's [`amount_for`]. Each round has a
/// fresh bank whose accounts open with `opening` (0 for deposits, `u64::MAX` for
/// withdrawals), so every amount, up to `u64::MAX`, goes through.
fn hold_each_account_while_every_other_works(
    a_op: Operation,
    b_op: Operation,
    hold_at: HoldAt,
    opening: u64,
) {
    let (install, held_where): (fn(Option<VaultHook>), &str) = match hold_at {
        HoldAt::Lock => (set_vault_hook, "right after it locked its account"),
        HoldAt::Write => (
            set_write_hook,
            "as it wrote the new balance through the guard",
        ),
    };
    let accounts = BANK_ACCOUNTS;
    let open_bank = move |touched: usize| {
        let bank = Bank::new(accounts);
        for account in (0..touched).filter(|_| opening > 0) {
            assert_eq!(
                bank.deposit(account, opening),
                Ok(opening),
                "the opening deposit failed"
            );
        }
        bank
    };
    let (pair_sender, pair) = mpsc::channel();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        super::guarded(
            "an operation on one account waited while another thread held only a different \
             account's lock: operations on different accounts must not wait for each other. \
             One bank-wide lock around every operation (on top of, or instead of, the \
             account's own), or a few shared stripe locks (account % k), is a home-made GIL, \
             and so is a bank-wide ledger taken only for large amounts (each operation here \
             moves an amount of its own, from 1 to u64::MAX); lock only the account the \
             operation touches",
            move || {
                for held_account in 0..HELD_ACCOUNTS {
                    let bank = open_bank(if held_account == 0 {
                        accounts
                    } else {
                        HELD_ACCOUNTS
                    });
                    let (holding, held) = mpsc::channel();
                    let (finished, done) = mpsc::channel();
                    let pair_sender = pair_sender.clone();
                    thread::scope(|scope| {
                        let bank_a = &bank;
                        scope.spawn(move || {
                            let fired = Rc::new(Cell::new(false));
                            let fired_in_hook = Rc::clone(&fired);
                            install(Some(Box::new(move |_| {
                                fired_in_hook.set(true);
                                let _ = holding.send(());
                                let _ = done.recv();
                            })));
                            let _ = a_op(bank_a, held_account, amount_for(held_account));
                            install(None);
                            assert!(
                                fired.get(),
                                "the operation on account {held_account} never came to the \
                                 point where the test holds it ({held_where}): reach and \
                                 update the balance only through the guard Vault::lock returns"
                            );
                        });
                        let bank_b = &bank;
                        scope.spawn(move || {
                            let _ = held.recv();
                            let near = (0..HELD_ACCOUNTS).filter(|&o| o != held_account);
                            let far = (HELD_ACCOUNTS..accounts).filter(|_| held_account == 0);
                            for other in near.chain(far) {
                                let _ = pair_sender.send((held_account, other));
                                let _ = b_op(bank_b, other, amount_for(other));
                            }
                            let _ = finished.send(());
                        });
                    });
                }
            },
        );
    }));
    if let Err(panic) = outcome {
        let last = pair.try_iter().last();
        if let (Some((held_account, other)), Some(why)) = (last, panic.downcast_ref::<String>()) {
            panic!(
                "{why}; it blocked on account {other} while another thread held account \
                 {held_account}, {held_where}"
            );
        }
        std::panic::resume_unwind(panic);
    }
}

#[rstest]
#[case::deposits(Bank::deposit, Bank::deposit, 0)]
#[case::withdrawals(Bank::withdraw, Bank::withdraw, u64::MAX)]
#[case::balances(|bank: &Bank, a, _| bank.balance(a), |bank: &Bank, b, _| bank.balance(b), 7)]
fn operations_on_different_accounts_do_not_wait_for_each_other(
    #[case] a_op: Operation,
    #[case] b_op: Operation,
    #[case] opening: u64,
) {
    hold_each_account_while_every_other_works(a_op, b_op, HoldAt::Lock, opening);
}

/// Where the "do not wait" tests keep thread A while thread B works.
#[derive(Debug, Clone, Copy)]
enum HoldAt {
    /// In its vault hook, right after it locked its account.
    Lock,
    /// In its write hook, as it writes the new balance (after anything else it locked).
    Write,
}

#[rstest]
#[case::deposits(Bank::deposit, Bank::deposit, 0)]
#[case::withdrawals(Bank::withdraw, Bank::withdraw, u64::MAX)]
#[case::a_balance_beside_a_deposit(Bank::deposit, |bank: &Bank, b, _| bank.balance(b), 0)]
fn an_operation_writing_one_account_does_not_hold_up_the_others(
    #[case] a_op: Operation,
    #[case] b_op: Operation,
    #[case] opening: u64,
) {
    hold_each_account_while_every_other_works(a_op, b_op, HoldAt::Write, opening);
}

#[rstest]
#[case::deposit(|bank: &Bank| bank.deposit(2, 1))]
#[case::withdraw(|bank: &Bank| bank.withdraw(2, 1))]
#[case::balance(|bank: &Bank| bank.balance(2))]
#[case::far_away(|bank: &Bank| bank.deposit(usize::MAX, 1))]
fn an_unknown_account_is_an_error(#[case] operation: fn(&Bank) -> Result<u64, BankError>) {
    let bank = Bank::new(2);
    let got = operation(&bank);
    assert!(
        matches!(got, Err(BankError::UnknownAccount { account }) if account >= 2),
        "an operation on an account a bank of 2 does not have gave {got:?}: it must be \
         BankError::UnknownAccount with that number, not a panic"
    );
}

#[rstest]
#[case::seven_in_each([7, 7, 7])]
#[case::more_than_a_u64_holds([u64::MAX, u64::MAX - 1, 7])]
fn total_reads_every_account_under_its_own_lock(#[case] balances: [u64; 3]) {
    let bank = Bank::new(3);
    for (account, &amount) in balances.iter().enumerate() {
        assert_eq!(
            bank.deposit(account, amount),
            Ok(amount),
            "the opening deposit of {amount} into account {account} failed"
        );
    }
    let _ = take_locks_taken();
    let total = bank.total();
    let taken = take_locks_taken();
    let expected: u128 = balances.iter().map(|&b| u128::from(b)).sum();
    assert_eq!(
        (total, taken),
        (expected, 3),
        "total() of 3 accounts holding {balances:?} gave {total} after taking {taken} Vault \
         locks: it must add up the balances it reads in the vaults, each under its own lock, \
         in a u128 (together the accounts may hold more than a u64 can). A running total kept \
         beside the vaults, with the vaults locked only for show, is a second copy of the \
         books that can drift from the first (and a u64 one wraps)"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn the_total_is_the_sum_of_accepted_deposits_minus_accepted_withdrawals(
        operations in prop::collection::vec((0_usize..4, any::<bool>(), 0_u64..50), 0..60),
    ) {
        let bank = Bank::new(3);
        let mut expected: i128 = 0;
        for (account, is_deposit, amount) in operations {
            let result = if is_deposit {
                bank.deposit(account, amount)
            } else {
                bank.withdraw(account, amount)
            };
            if result.is_ok() {
                expected += if is_deposit { i128::from(amount) } else { -i128::from(amount) };
            }
        }
        prop_assert_eq!(i128::try_from(bank.total()).ok(), Some(expected),
            "total() must equal the accepted deposits minus the accepted withdrawals");
    }
}
