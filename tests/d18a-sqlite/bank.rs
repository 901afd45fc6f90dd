use std::cell::Cell;

use proptest::prelude::*;
use rstest::rstest;

use crate::bank::*;

const NAMES: [&str; 3] = ["arjuna", "karna", "bhima"];

/// A bank with arjuna, karna and bhima, opened with `balances` (missing ones at 0).
fn bank_with(balances: &[i64]) -> Bank {
    let bank = Bank::open_in_memory().expect("an in-memory bank should open");
    for (index, name) in NAMES.iter().enumerate() {
        let cents = balances.get(index).copied().unwrap_or(0);
        bank.open_account(name, cents)
            .expect("opening a fresh account should succeed");
    }
    bank
}

fn balances(bank: &Bank) -> Vec<i64> {
    NAMES
        .iter()
        .map(|name| bank.balance(name).expect("every test account exists"))
        .collect()
}

#[test]
fn a_transfer_moves_exactly_the_amount() {
    let mut bank = bank_with(&[10_000, 500]);
    bank.transfer("arjuna", "karna", 2_550)
        .expect("a covered transfer should succeed");
    assert_eq!(
        balances(&bank)[..2],
        [7_450, 3_050],
        "arjuna must lose and karna gain exactly 2550 cents"
    );
}

#[test]
fn a_transfer_of_the_whole_balance_leaves_zero() {
    let mut bank = bank_with(&[700, 0]);
    bank.transfer("arjuna", "karna", 700)
        .expect("sending everything is allowed");
    assert_eq!(
        balances(&bank)[..2],
        [0, 700],
        "an exact-balance transfer must succeed"
    );
}

/// 2^53 cents: from here up an `f64` cannot hold every whole number of cents.
const F64_EXACT_LIMIT: i64 = 1 << 53;

#[rstest]
#[case::one_cent_short(699, 700)]
#[case::one_cent_short_at_2_pow_53(F64_EXACT_LIMIT, F64_EXACT_LIMIT + 1)]
#[case::one_cent_short_near_2_pow_62((1_i64 << 62) - 1, 1_i64 << 62)]
fn insufficient_funds_is_refused_and_changes_nothing(#[case] held: i64, #[case] asked: i64) {
    let mut bank = bank_with(&[held, 0]);
    let result = bank.transfer("arjuna", "karna", asked);
    assert!(
        matches!(
            &result,
            Err(TransferError::InsufficientFunds { account, balance, amount })
                if account == "arjuna" && *balance == held && *amount == asked
        ),
        "sending {asked} cents from {held} returned {result:?}: it must be InsufficientFunds \
         with the figures. (Above 2^53 an f64 cannot tell {held} from {asked}: a rule that \
         compares money as f64 lets the transfer through and the CHECK constraint fails \
         instead. Compare i64 cents.)"
    );
    assert_eq!(
        balances(&bank)[..2],
        [held, 0],
        "a refused transfer moved money"
    );
}

#[rstest]
#[case::unknown_source("ghost", "karna", "ghost")]
#[case::unknown_destination("arjuna", "ghost", "ghost")]
fn an_unknown_account_is_refused_and_changes_nothing(
    #[case] from: &str,
    #[case] to: &str,
    #[case] missing: &str,
) {
    let mut bank = bank_with(&[1_000, 1_000]);
    let result = bank.transfer(from, to, 100);
    assert!(
        matches!(&result, Err(TransferError::UnknownAccount(name)) if name == missing),
        "transfer {from} -> {to} returned {result:?}: it must be UnknownAccount({missing:?})"
    );
    assert_eq!(
        balances(&bank)[..2],
        [1_000, 1_000],
        "a transfer to or from a missing account must not debit anyone"
    );
}

#[rstest]
#[case::zero(0)]
#[case::negative(-500)]
#[case::minimum(i64::MIN)]
fn a_non_positive_amount_is_refused(#[case] amount: i64) {
    let mut bank = bank_with(&[1_000, 1_000]);
    let result = bank.transfer("arjuna", "karna", amount);
    assert!(
        matches!(result, Err(TransferError::NonPositiveAmount(a)) if a == amount),
        "transferring {amount} returned {result:?}: it must be NonPositiveAmount({amount})"
    );
    assert_eq!(
        balances(&bank)[..2],
        [1_000, 1_000],
        "a refused transfer moved money"
    );
}

#[test]
fn a_transfer_to_the_same_account_is_refused() {
    let mut bank = bank_with(&[1_000]);
    let result = bank.transfer("arjuna", "arjuna", 10);
    assert!(
        matches!(&result, Err(TransferError::SameAccount(name)) if name == "arjuna"),
        "a self-transfer returned {result:?}: it must be SameAccount"
    );
}

#[test]
fn a_fault_between_debit_and_credit_rolls_everything_back() {
    let mut bank = bank_with(&[1_000, 0]);
    let debited_inside = Cell::new(None);
    let result = bank.transfer_with_hook("arjuna", "karna", 400, |conn| {
        let inside: (i64, i64) = conn
            .query_row(
                "SELECT (SELECT balance FROM accounts WHERE name = 'arjuna'),
                        (SELECT balance FROM accounts WHERE name = 'karna')",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|e| e.to_string())?;
        debited_inside.set(Some(inside));
        Err("power failure".to_string())
    });
    assert!(
        matches!(&result, Err(TransferError::Interrupted(why)) if why == "power failure"),
        "a failing hook returned {result:?}: it must surface as Interrupted(\"power failure\")"
    );
    assert_eq!(
        debited_inside.get(),
        Some((600, 0)),
        "inside the transaction the hook saw (arjuna, karna) = {:?}: it must run after the \
         debit and before the credit (arjuna at 600, karna still at 0), so debit and credit \
         are two writes with the hook between them, not one statement doing both",
        debited_inside.get()
    );
    assert_eq!(
        balances(&bank)[..2],
        [1_000, 0],
        "after the fault arjuna must have his 1000 back: the debit must roll back with the transfer"
    );
}

#[test]
fn a_passing_hook_runs_once_and_the_transfer_completes() {
    let mut bank = bank_with(&[1_000, 0]);
    let calls = Cell::new(0);
    bank.transfer_with_hook("arjuna", "karna", 250, |_| {
        calls.set(calls.get() + 1);
        Ok(())
    })
    .expect("a transfer with a passing hook should succeed");
    assert_eq!(
        calls.get(),
        1,
        "the hook must run exactly once per transfer"
    );
    assert_eq!(
        balances(&bank)[..2],
        [750, 250],
        "the transfer must complete"
    );
}

#[test]
fn a_refused_transfer_never_calls_the_hook() {
    let mut bank = bank_with(&[10, 0]);
    let calls = Cell::new(0);
    let result = bank.transfer_with_hook("arjuna", "karna", 11, |_| {
        calls.set(calls.get() + 1);
        Ok(())
    });
    assert!(
        result.is_err(),
        "an overdraft must be refused, got {result:?}"
    );
    assert_eq!(
        calls.get(),
        0,
        "checks come before the debit: the hook must not run"
    );
}

#[test]
fn balances_survive_reopening_the_file() {
    let dir = super::temp_dir();
    let path = dir.path().join("bank.db");
    // Names with quotes and amounts with digits no SQL text holds otherwise.
    let (from, to) = ("Dur'yodhana 6120", "Sha'kuni 7305");
    let ((), watched) = super::watch_connections(|| {
        let mut bank = Bank::open(&path).expect("open a new bank file");
        bank.open_account(from, 904_713)
            .expect("open the first account");
        bank.open_account(to, 58_219)
            .expect("open the second account");
        bank.transfer(from, to, 300_251).expect("transfer");
        assert_eq!(bank.balance(to).ok(), Some(358_470), "the credit");
    });
    super::assert_values_bound(
        &watched.sent,
        &[from, to, "904713", "58219", "300251"],
        "opening two accounts, a transfer and a balance",
    );
    let bank = Bank::open(&path).expect("reopen the bank file");
    assert_eq!(
        (bank.balance(from).ok(), bank.balance(to).ok()),
        (Some(604_462), Some(358_470)),
        "a completed transfer must be committed to the file"
    );
}

#[test]
fn opening_accounts_rejects_duplicates_and_negative_balances() {
    let bank = traced_bank();
    let duplicate = bank.open_account("arjuna", 5);
    assert!(
        matches!(&duplicate, Err(TransferError::DuplicateAccount(name)) if name == "arjuna"),
        "opening arjuna twice returned {duplicate:?}: it must be DuplicateAccount"
    );
    super::take_sent();
    let negative = bank.open_account("drona", -1);
    let sent = super::take_sent();
    assert!(
        matches!(negative, Err(TransferError::NegativeOpeningBalance(-1))),
        "opening with -1 cent returned {negative:?}: it must be NegativeOpeningBalance(-1)"
    );
    let writes: Vec<&str> = sent
        .iter()
        .map(|s| s.sql.as_str())
        .filter(|sql| {
            let verb = sql.trim_start().to_uppercase();
            ["INSERT", "REPLACE", "UPDATE", "DELETE"]
                .iter()
                .any(|v| verb.starts_with(v))
        })
        .collect();
    assert!(
        writes.is_empty(),
        "open_account(\"drona\", -1) sent {writes:?}: it let the write (and the CHECK \
         constraint's failure) decide the rule, so any constraint error reads as \
         NegativeOpeningBalance. Check the amount before anything is written"
    );
    assert_eq!(
        bank.total().ok(),
        Some(1_010),
        "rejected accounts must not add money"
    );
}

#[test]
fn the_balance_of_an_unknown_account_is_an_error() {
    let bank = bank_with(&[100]);
    let result = bank.balance("ghost");
    assert!(
        matches!(&result, Err(TransferError::UnknownAccount(name)) if name == "ghost"),
        "balance(\"ghost\") returned {result:?}: it must be UnknownAccount"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn no_sequence_of_transfers_creates_destroys_or_overdraws_money(
        opening in proptest::collection::vec(0i64..1_000, 3),
        transfers in proptest::collection::vec((0usize..3, 0usize..3, -50i64..600), 0..30),
    ) {
        let mut bank = bank_with(&opening);
        let mut model = opening.clone();
        let total: i64 = opening.iter().sum();
        for (from, to, amount) in transfers {
            let result = bank.transfer(NAMES[from], NAMES[to], amount);
            let legal = amount > 0 && from != to && model[from] >= amount;
            prop_assert_eq!(
                result.is_ok(), legal,
                "transfer {} -> {} of {} with balances {:?} returned {:?}",
                NAMES[from], NAMES[to], amount, model, result
            );
            if legal {
                model[from] -= amount;
                model[to] += amount;
            }
            prop_assert_eq!(balances(&bank), model.clone(), "balances diverged from the ledger");
            prop_assert_eq!(bank.total().ok(), Some(total), "the total changed");
            prop_assert!(model.iter().all(|b| *b >= 0), "a balance went negative");
        }
    }
}

/// A bank in a real file, with arjuna (1000) and karna (0); the temp dir keeps it alive.
fn bank_on_file() -> (tempfile::TempDir, std::path::PathBuf, Bank) {
    let dir = super::temp_dir();
    let path = dir.path().join("bank.db");
    let bank = Bank::open(&path).expect("open a bank file");
    bank.open_account("arjuna", 1_000).expect("open arjuna");
    bank.open_account("karna", 0).expect("open karna");
    (dir, path, bank)
}

/// What a separate connection to the file reads: `Some((arjuna, karna))`, or `None` if the
/// transfer's lock keeps it out (which is fine: it saw no half-done transfer either).
fn seen_from_elsewhere(path: &std::path::Path) -> Option<(i64, i64)> {
    let other = rusqlite::Connection::open(path).expect("a second connection should open");
    other
        .busy_timeout(std::time::Duration::ZERO)
        .expect("no waiting for locks");
    let read = |name: &str| {
        other.query_row(
            "SELECT balance FROM accounts WHERE name = ?1",
            [name],
            |row| row.get::<_, i64>(0),
        )
    };
    match (read("arjuna"), read("karna")) {
        (Ok(arjuna), Ok(karna)) => Some((arjuna, karna)),
        (Err(e), _) | (_, Err(e))
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ) =>
        {
            None
        }
        (Err(e), _) | (_, Err(e)) => panic!("the second connection failed to read: {e}"),
    }
}

#[rstest]
#[case::the_hook_fails(false, [1_000, 0])]
#[case::the_hook_passes(true, [600, 400])]
fn another_connection_never_sees_the_debit_without_the_credit(
    #[case] hook_passes: bool,
    #[case] after: [i64; 2],
) {
    let (_dir, path, mut bank) = bank_on_file();
    let seen = Cell::new(None);
    let result = bank.transfer_with_hook("arjuna", "karna", 400, |_| {
        seen.set(Some(seen_from_elsewhere(&path)));
        if hook_passes {
            Ok(())
        } else {
            Err("power failure".to_string())
        }
    });
    assert_eq!(
        result.is_ok(),
        hook_passes,
        "the transfer returned {result:?}"
    );
    match seen.get() {
        None => panic!("the hook never ran"),
        Some(None) | Some(Some((1_000, 0))) => {}
        Some(Some(view)) => panic!(
            "between the debit and the credit another connection to the file read (arjuna, \
             karna) = {view:?}: the debit was already committed on its own, so a crash at \
             that moment loses the money. Run debit and credit in one transaction and commit \
             once, after the credit"
        ),
    }
    assert_eq!(
        seen_from_elsewhere(&path),
        Some((after[0], after[1])),
        "after the transfer another connection must read the final balances"
    );
}

#[test]
fn while_a_transfer_is_half_done_its_undo_journal_is_on_disk() {
    let (_dir, path, mut bank) = bank_on_file();
    let on_disk = |suffix: &str| {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        std::fs::metadata(file).map_or(0, |meta| meta.len())
    };
    let mut seen = None;
    bank.transfer_with_hook("arjuna", "karna", 400, |conn| {
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .map_err(|e| e.to_string())?;
        seen = Some((mode, on_disk("-journal"), on_disk("-wal")));
        Ok(())
    })
    .expect("a transfer with a passing hook should succeed");
    let (mode, journal, wal) = seen.expect("the hook never ran");
    assert!(
        journal > 0 || wal > 0,
        "between the debit and the credit the bank's connection ran with journal_mode = \
         {mode:?} and no journal was on disk (bank.db-journal: {journal} bytes, bank.db-wal: \
         {wal} bytes): if the process dies while the commit writes the file, nothing can undo \
         a half-written transfer. Keep SQLite's default rollback journal (do not set \
         journal_mode to MEMORY or OFF); the transaction relies on it"
    );
}

#[rstest]
#[case::a_transfer(400, true, 1)]
#[case::a_refused_transfer(4_000, true, 0)]
#[case::an_interrupted_transfer(400, false, 0)]
fn a_transfer_is_one_commit_and_a_failed_one_is_none(
    #[case] amount: i64,
    #[case] hook_passes: bool,
    #[case] commits: u32,
) {
    let (_dir, path, mut bank) = bank_on_file();
    let before = super::commits_recorded(&path);
    let _ = bank.transfer_with_hook("arjuna", "karna", amount, |_| {
        if hook_passes {
            Ok(())
        } else {
            Err("power failure".to_string())
        }
    });
    let made = super::commits_recorded(&path).wrapping_sub(before);
    assert_eq!(
        made, commits,
        "transferring {amount} (hook passes: {hook_passes}) committed {made} write \
         transactions to the file, expected {commits}: debit and credit belong in one \
         transaction committed once, and a refused or interrupted transfer rolls back (undoing \
         an autocommitted debit by hand is two commits, and a crash in between loses money)"
    );
}

#[test]
fn the_schema_stores_integer_cents_and_refuses_a_negative_balance() {
    let (_dir, path, _bank) = bank_on_file();
    let other = rusqlite::Connection::open(&path).expect("a second connection should open");
    let class: String = other
        .query_row(
            "SELECT typeof(balance) FROM accounts WHERE name = 'arjuna'",
            [],
            |row| row.get(0),
        )
        .expect("read arjuna's storage class");
    assert_eq!(
        class, "integer",
        "balances must be INTEGER cents, never REAL (floats do not add up exactly)"
    );
    super::assert_schema_converts(
        &other,
        "accounts",
        &[("name", "7", "text"), ("balance", "'100.0'", "integer")],
        "Balances are INTEGER cents in the schema itself",
    );
    let overdraw = other.execute("UPDATE accounts SET balance = -1 WHERE name = 'arjuna'", []);
    assert!(
        matches!(
            overdraw.as_ref().map_err(|e| e.sqlite_error_code()),
            Err(Some(rusqlite::ErrorCode::ConstraintViolation))
        ),
        "setting a balance to -1 from another connection returned {overdraw:?}: the schema \
         must refuse it with CHECK (balance >= 0), the last line of defence"
    );
}

/// A bank with arjuna (1000), karna (0) and bhima (10) whose connection has the statement
/// trace on: a setup transfer's hook (which is lent the bank's connection) starts it, then
/// fails, so the setup transfer rolls back and changes nothing.
fn traced_bank() -> Bank {
    let mut bank = bank_with(&[1_000, 0, 10]);
    let setup = bank.transfer_with_hook("arjuna", "karna", 1, |conn| {
        super::start_tracing(conn);
        Err("setup only".into())
    });
    assert!(
        matches!(setup, Err(TransferError::Interrupted(_))),
        "a transfer whose hook fails must be Interrupted, got {setup:?}"
    );
    assert_eq!(
        balances(&bank),
        [1_000, 0, 10],
        "the interrupted setup moved money"
    );
    super::take_sent();
    bank
}

fn opens_a_transaction(sql: &str) -> bool {
    let sql = sql.trim_start().to_uppercase();
    sql.starts_with("BEGIN") || sql.starts_with("SAVEPOINT")
}

#[rstest]
#[case::allowed("arjuna", "karna", 400)]
#[case::insufficient_funds("bhima", "karna", 11)]
#[case::unknown_destination("arjuna", "ghost", 5)]
fn the_checks_read_inside_the_transfers_transaction(
    #[case] from: &str,
    #[case] to: &str,
    #[case] amount: i64,
) {
    let mut bank = traced_bank();
    let _ = bank.transfer(from, to, amount);
    let sent = super::take_sent();
    let texts: Vec<&str> = sent.iter().map(|s| s.sql.as_str()).collect();
    let opened = texts.iter().position(|sql| opens_a_transaction(sql));
    // A read is any SELECT (through a view or a CTE too) or any statement naming `accounts`.
    let first_read = texts.iter().position(|sql| {
        let verb = sql.trim_start().to_uppercase();
        ["SELECT", "WITH", "VALUES"]
            .iter()
            .any(|v| verb.starts_with(v))
            || sql.to_lowercase().contains("accounts")
    });
    assert!(
        matches!((opened, first_read), (Some(open), Some(read)) if open < read),
        "transfer({from:?}, {to:?}, {amount}) ran {texts:?}: the balances were checked \
         before the transaction began (or no transaction began). Check and debit must be one \
         atomic unit: open the transaction first, then read the balances and decide, so no \
         other connection can change them in between"
    );
    // From the first read to the last statement on `accounts`, that one transaction stays
    // open: nothing ends it and nothing opens another.
    let last_use = texts
        .iter()
        .rposition(|sql| sql.to_lowercase().contains("accounts"))
        .unwrap_or(0);
    let boundary = texts[first_read.unwrap_or(0)..last_use].iter().find(|sql| {
        let verb = sql.trim_start().to_uppercase();
        opens_a_transaction(sql)
            || ["COMMIT", "END", "RELEASE"]
                .iter()
                .any(|v| verb.starts_with(v))
            || (verb.starts_with("ROLLBACK") && !verb.contains(" TO "))
    });
    assert!(
        boundary.is_none(),
        "transfer({from:?}, {to:?}, {amount}) ran {texts:?}: {boundary:?} came between reading \
         the balances and writing them, so the check and the debit ran in two transactions \
         and another connection could change the balances in between. Read, decide, debit \
         and credit inside one transaction, committed once at the end"
    );
}

#[rstest]
#[case::new_name("drona", Ok(()))]
#[case::duplicate("arjuna", Err("arjuna"))]
fn opening_an_account_decides_the_duplicate_in_its_write(
    #[case] name: &str,
    #[case] expected: Result<(), &str>,
) {
    let bank = traced_bank();
    let result = bank.open_account(name, 5);
    let sent = super::take_sent();
    let texts: Vec<&str> = sent.iter().map(|s| s.sql.as_str()).collect();
    match (&result, expected) {
        (Ok(()), Ok(())) => {}
        (Err(TransferError::DuplicateAccount(got)), Err(want)) if got == want => {}
        _ => panic!("open_account({name:?}, 5) returned {result:?}, expected {expected:?}"),
    }
    // A read of `accounts` before the write must sit inside a transaction that is still open
    // when the write runs; in autocommit another connection can add the name in between.
    let write = texts.iter().position(|sql| {
        let verb = sql.trim_start().to_uppercase();
        ["INSERT", "REPLACE", "UPDATE"]
            .iter()
            .any(|v| verb.starts_with(v))
    });
    let upto = write.unwrap_or(texts.len());
    let ends = |sql: &&str| {
        let verb = sql.trim_start().to_uppercase();
        ["COMMIT", "END", "RELEASE", "ROLLBACK"]
            .iter()
            .any(|v| verb.starts_with(v))
    };
    // Guarded: a transaction opened before the read and nothing ends it before the write.
    let in_transaction = |i: usize| {
        texts[..i]
            .iter()
            .rposition(|sql| opens_a_transaction(sql))
            .is_some_and(|open| {
                let until = if write.is_some() { upto } else { i };
                !texts[open + 1..until].iter().any(ends)
            })
    };
    let unguarded = texts[..upto]
        .iter()
        .enumerate()
        .find(|(i, sql)| sql.to_lowercase().contains("accounts") && !in_transaction(*i));
    assert!(
        unguarded.is_none(),
        "open_account({name:?}, 5) ran {texts:?}: it looked the name up ({:?}) in autocommit \
         and decided outside the write, so the duplicate rule was checked outside the write \
         it guards and another connection could add {name:?} in between (a check-then-act \
         race). Let the INSERT decide (ON CONFLICT DO NOTHING and its row count, or the \
         UNIQUE error), or look up and insert inside one transaction",
        unguarded.map(|(_, sql)| sql)
    );
}

#[rstest]
#[case::insufficient_funds("bhima", "karna", 11)]
#[case::unknown_source("ghost", "karna", 5)]
#[case::unknown_destination("arjuna", "ghost", 5)]
fn a_refused_transfer_attempts_no_write(#[case] from: &str, #[case] to: &str, #[case] amount: i64) {
    let mut bank = traced_bank();
    let result = bank.transfer(from, to, amount);
    let sent = super::take_sent();
    let texts: Vec<&str> = sent.iter().map(|s| s.sql.as_str()).collect();
    assert!(
        result.is_err(),
        "transfer({from:?}, {to:?}, {amount}) must be refused"
    );
    for sql in &texts {
        let verb = sql.trim_start().to_uppercase();
        assert!(
            !(verb.starts_with("UPDATE")
                || verb.starts_with("INSERT")
                || verb.starts_with("DELETE")),
            "the refused transfer({from:?}, {to:?}, {amount}) ran {sql:?} (all: {texts:?}): it \
             tried the write and let the schema or the row count refuse it. The rules are \
             checked first, by reading the balances inside the transaction; the CHECK \
             constraint is the last line of defence, not the rule"
        );
    }
}

#[test]
fn cents_stay_exact_far_beyond_what_an_f64_holds() {
    // 2^62 - 1 cents: an f64 (53-bit mantissa) cannot hold it or anything one cent away.
    let huge = (1_i64 << 62) - 1;
    let mut bank = bank_with(&[huge, huge - 1]);
    bank.transfer("arjuna", "karna", 1)
        .expect("a covered one-cent transfer should succeed");
    assert_eq!(
        balances(&bank)[..2],
        [huge - 1, huge],
        "moving 1 cent between balances of about 2^62 cents lost or made money: the \
         arithmetic went through f64, which cannot hold such numbers exactly. Money is i64 \
         cents end to end; let SQL add the integer delta (balance = balance + ?)"
    );
    assert_eq!(
        bank.total().expect("the total of existing accounts"),
        2 * huge - 1,
        "the total of two balances near 2^62 cents is not exact: the sum went through a \
         float (SQLite's total() or an f64). Sum integer cents as integers: sum(balance)"
    );
}

/// A bank on a file whose `accounts` table another connection has renamed away.
fn bank_whose_table_is_gone() -> (tempfile::TempDir, Bank) {
    let (dir, path, bank) = bank_on_file();
    rusqlite::Connection::open(&path)
        .and_then(|other| other.execute_batch("ALTER TABLE accounts RENAME TO closed"))
        .expect("a second connection renames the table");
    (dir, bank)
}

/// Which of the bank's calls that read a balance a test makes.
#[derive(Debug, Clone, Copy)]
enum Reading {
    Balance,
    Transfer,
    TransferWithHook,
}

#[rstest]
#[case::balance(Reading::Balance)]
#[case::transfer(Reading::Transfer)]
#[case::transfer_with_hook(Reading::TransferWithHook)]
fn a_failing_database_is_a_database_error_not_an_unknown_account(#[case] call: Reading) {
    let (_dir, mut bank) = bank_whose_table_is_gone();
    let result = match call {
        Reading::Balance => bank.balance("arjuna").map(|_| ()),
        Reading::Transfer => bank.transfer("arjuna", "karna", 100),
        Reading::TransferWithHook => bank.transfer_with_hook("arjuna", "karna", 100, |_| Ok(())),
    };
    assert!(
        matches!(result, Err(TransferError::Sqlite(_))),
        "with the accounts table gone, {call:?} (arjuna to karna) returned {result:?}: a \
         failing database is not a missing account. Return TransferError::Sqlite so the caller \
         doesn't act on a lie (UnknownAccount says arjuna never existed). Only \
         QueryReturnedNoRows means no such account: read every balance with .optional()?, \
         never .ok() or map_err(|_| UnknownAccount)"
    );
}

#[test]
fn opening_an_account_on_a_failing_database_is_a_database_error_not_a_duplicate() {
    let (_dir, bank) = bank_whose_table_is_gone();
    let result = bank.open_account("bhima", 500);
    assert!(
        matches!(result, Err(TransferError::Sqlite(_))),
        "with the accounts table gone, open_account(\"bhima\", 500) returned {result:?}: a \
         failing INSERT is not a duplicate name. Return TransferError::Sqlite so the caller \
         doesn't act on a lie (DuplicateAccount says bhima already exists). Only the conflict \
         on the name is DuplicateAccount: ON CONFLICT DO NOTHING and zero rows inserted, or \
         the constraint error's code, never every error the INSERT returns"
    );
}

#[test]
fn a_panicking_hook_leaves_no_transaction_open() {
    let dir = super::temp_dir();
    let path = dir.path().join("bank.db");
    let mut bank = Bank::open(&path).expect("a bank on a temp file should open");
    bank.open_account("arjuna", 1_000).expect("open arjuna");
    bank.open_account("karna", 0).expect("open karna");
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = bank.transfer_with_hook("arjuna", "karna", 400, |_| {
            panic!("the server died between the debit and the credit")
        });
    }));
    assert!(unwound.is_err(), "the hook's panic should reach the caller");
    assert_eq!(
        (bank.balance("arjuna").ok(), bank.balance("karna").ok()),
        (Some(1_000), Some(0)),
        "after a panic between debit and credit the bank's own connection still sees the \
         debit: its transaction was left open. Hold a rusqlite::Transaction guard, whose Drop \
         rolls back on every exit, panics included, instead of raw BEGIN/COMMIT/ROLLBACK"
    );
    let next = bank.transfer("arjuna", "karna", 100);
    assert!(
        next.is_ok(),
        "the first transfer after a panicking hook failed ({next:?}): the panic left the \
         connection inside the old transaction. A Transaction guard rolls back when the \
         panic unwinds through it"
    );
    assert_eq!(
        seen_from_elsewhere(&path),
        Some((900, 100)),
        "another connection must see only the transfer that committed"
    );
}

#[test]
fn a_panicking_hook_releases_the_write_lock_as_it_unwinds() {
    let (_dir, path, mut bank) = bank_on_file();
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = bank.transfer_with_hook("arjuna", "karna", 400, |conn| {
            super::start_tracing(conn);
            panic!("the server died between the debit and the credit")
        });
    }));
    assert!(unwound.is_err(), "the hook's panic should reach the caller");
    let sent = super::take_sent();
    let rollback = sent
        .iter()
        .find(|s| s.sql.trim_start().to_uppercase().starts_with("ROLLBACK"));
    assert!(
        rollback.is_some_and(|s| s.unwinding),
        "after the hook panicked the bank's connection ran {:?}: the ROLLBACK must run while \
         the panic unwinds through the transfer (a guard's Drop), not after catching the \
         panic by hand (catch_unwind, then ROLLBACK, then resume_unwind: Python's \
         try/except). Hold a rusqlite::Transaction, whose Drop rolls back on every exit",
        sent.iter()
            .map(|s| (s.sql.as_str(), s.unwinding))
            .collect::<Vec<_>>()
    );
    // Before the bank is used again, another connection asks for the write lock at once.
    let other = rusqlite::Connection::open(&path).expect("a second connection should open");
    other
        .busy_timeout(std::time::Duration::ZERO)
        .expect("no waiting for locks");
    let write = other.execute_batch("BEGIN IMMEDIATE; ROLLBACK");
    assert!(
        write.is_ok(),
        "right after a hook panicked, another connection could not take the write lock \
         ({write:?}): the bank's transaction was still open, holding the half-done transfer \
         and the lock until some later call cleans up. Hold a rusqlite::Transaction guard, \
         whose Drop rolls back while the panic unwinds"
    );
    drop(other);
    assert_eq!(
        seen_from_elsewhere(&path),
        Some((1_000, 0)),
        "the interrupted transfer must leave both balances as they were"
    );
}
