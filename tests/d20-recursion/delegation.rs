//! Kata 1: delegation, a recursive walk that ends at a base case.

use super::heap::{count_allocations, pausing_at, peak_heap};
use super::{deep_value, in_own_process, on_this_thread_only};
use crate::delegation::extract_emails;
use rstest::rstest;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("the test's JSON is valid: {e}"))
}

#[test]
fn finds_the_emails_of_the_articles_webhook_payload() {
    let got = extract_emails(&super::webhook_payload());
    assert_eq!(
        got,
        ["arjuna@gita.com", "krishna@gita.com"],
        "extract_emails gave {got:?}: the author's email (two objects down) and the \
         reviewer's (inside an array) must both be found, in document order"
    );
}

#[test]
fn finds_an_email_at_the_root() {
    let got = extract_emails(&json!({"user_email": "root@example.com", "id": 7}));
    assert_eq!(
        got,
        ["root@example.com"],
        "extract_emails gave {got:?}: the top level is checked like any other level"
    );
}

#[test]
fn finds_an_email_buried_fifteen_levels_deep() {
    let value = deep_value(15);
    let got = extract_emails(&value);
    assert_eq!(
        got,
        ["deep@example.com"],
        "extract_emails gave {got:?} on a value 15 containers deep: every object and array \
         must be handed on to the next call until a scalar ends the delegation"
    );
}

#[test]
fn only_string_values_count() {
    let value = json!({
        "user_email": 42,
        "b": {"user_email": null},
        "c": [{"user_email": true}, {"user_email": "ok@example.com"}],
        "d": {"user_email": ["in-a-list@example.com"]}
    });
    let got = extract_emails(&value);
    assert_eq!(
        got,
        ["ok@example.com"],
        "extract_emails gave {got:?}: a number, null, bool or array under \"user_email\" is \
         not an email and must be skipped (match on Value::String)"
    );
}

#[test]
fn the_value_under_the_key_is_searched_too() {
    let value = json!({"user_email": {"user_email": "inner@example.com"}});
    let got = extract_emails(&value);
    assert_eq!(
        got,
        ["inner@example.com"],
        "extract_emails gave {got:?}: the value stored under \"user_email\" is nested data \
         like any other and must be searched as well"
    );
}

#[test]
fn keeps_document_order_not_alphabetical_order() {
    let value = parse(
        r#"{"zeta": {"user_email": "3@x.io"},
            "alpha": [{"user_email": "1@x.io"}, {"user_email": "4@x.io"}],
            "user_email": "2@x.io"}"#,
    );
    let got = extract_emails(&value);
    assert_eq!(
        got,
        ["3@x.io", "1@x.io", "4@x.io", "2@x.io"],
        "extract_emails gave {got:?}: keys must be visited in the order the document lists \
         them (serde_json's preserve_order keeps it), array items in order"
    );
}

#[test]
fn the_same_email_twice_is_listed_twice() {
    let value = json!([{"user_email": "a@x.io"}, {"user_email": "a@x.io"}]);
    let got = extract_emails(&value);
    assert_eq!(
        got,
        ["a@x.io", "a@x.io"],
        "extract_emails gave {got:?}: every occurrence counts; do not deduplicate"
    );
}

#[rstest]
#[case::null(json!(null))]
#[case::boolean(json!(true))]
#[case::number(json!(3))]
#[case::the_key_as_a_string(json!("user_email"))]
#[case::empty_array(json!([]))]
#[case::empty_object(json!({}))]
#[case::key_in_an_array(json!(["user_email", "x@x.io"]))]
fn a_document_without_the_key_has_no_emails(#[case] value: Value) {
    let got = extract_emails(&value);
    assert!(
        got.is_empty(),
        "extract_emails({value}) gave {got:?}: only a string stored under the key \
         \"user_email\" of an object is an email"
    );
}

#[test]
fn one_list_is_passed_down_not_one_per_level() {
    // 64 members, each with two emails in two branches: 128 strings to clone, and one list
    // to hold them, which grows by doubling (about 7 requests for 128 entries). A walk that
    // returns its results and merges them upward allocates where the two branches meet. A
    // 64 KiB note (not an email) beside them: the walk reads the Value, it prints nothing.
    let members: Vec<Value> = (0..64)
        .map(|i| {
            json!({"profile": {"contact": {"user_email": format!("u{i}@x.io")}},
                   "backup": {"user_email": format!("b{i}@x.io")}})
        })
        .collect();
    let value = json!({"team": {"note": "n".repeat(64 * 1024), "members": members}});
    // In a process of its own, where on_this_thread_only can see whether the walk started
    // a thread: the allocations counted are this thread's.
    in_own_process(
        module_path!(),
        "one_list_is_passed_down_not_one_per_level",
        "extract_emails on 64 members with two emails each",
        || {
            let ((got, allocations), (_, peak)) = on_this_thread_only("extract_emails", || {
                (
                    count_allocations(|| extract_emails(&value)),
                    peak_heap(|| extract_emails(&value)),
                )
            });
            assert_eq!(
                got.len(),
                128,
                "extract_emails found {} of the 128 emails",
                got.len()
            );
            assert!(
                allocations <= 128 + 16,
                "extract_emails made {allocations} allocations for 128 emails: 128 are the \
                 cloned strings, and one Vec growing by doubling needs about 7 more; a Vec per \
                 level (or per place where two results meet), returned and merged into the \
                 caller's, allocates at every such level. Create one Vec in the public \
                 function and pass it down as `&mut Vec<String>`"
            );
            assert!(
                peak <= 16 * 1024,
                "extract_emails held {peak} bytes of heap at once for 128 short emails beside a \
                 64 KiB note: it made a copy of the document (printed it as text to search, or \
                 cloned it). Walk the Value itself, matching on its variants"
            );
        },
    );
}

#[test]
fn an_email_is_the_string_value_not_text_that_looks_like_one() {
    let value = parse(
        r#"{"note": "{\"user_email\":\"fake@x.io\"}", "user_email": "o\"brien@x.io",
            "user_emails": "plural@x.io"}"#,
    );
    let got = extract_emails(&value);
    assert_eq!(
        got,
        ["o\"brien@x.io"],
        "extract_emails gave {got:?}: an email is the string value under the key itself, \
         escaped quote included; JSON text inside another string is not a key, and neither \
         is \"user_emails\". Walk the Value, do not search its printed text"
    );
}

/// The length of the email the first caller of [`two_callers_at_once_share_nothing`] is
/// held in the middle of cloning (no other string of that test is this long).
const HELD_EMAIL_LEN: usize = 41;
/// How long either caller of [`two_callers_at_once_share_nothing`] waits for the other.
const MEETING_DEADLINE: Duration = Duration::from_secs(2);
static FIRST_IS_HELD: AtomicBool = AtomicBool::new(false);
static SECOND_IS_DONE: AtomicBool = AtomicBool::new(false);
static SECOND_DONE_WHILE_FIRST_HELD: AtomicBool = AtomicBool::new(false);

/// Spins (allocating nothing) until `flag` is set or [`MEETING_DEADLINE`] has passed.
fn wait_for(flag: &AtomicBool) -> bool {
    let deadline = Instant::now() + MEETING_DEADLINE;
    while !flag.load(Ordering::SeqCst) && Instant::now() < deadline {
        std::thread::yield_now();
    }
    flag.load(Ordering::SeqCst)
}

#[test]
fn two_callers_at_once_share_nothing() {
    // The first call is held inside the allocator while it clones its middle email; a second
    // call on another thread must run to the end meanwhile, with its own list. A list shared
    // by every call (a static behind a lock, Python's mutable default argument) mixes the two
    // calls' emails, or, with the callers made to take turns, leaves the second waiting for
    // the first, which waits 2 s for it.
    let held = format!("{}@x.io", "h".repeat(HELD_EMAIL_LEN - 5));
    let first_value =
        json!([{"user_email": "before@x.io"}, {"user_email": held}, {"user_email": "after@x.io"}]);
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| {
            wait_for(&FIRST_IS_HELD);
            let got = extract_emails(&json!({"user_email": "second@x.io"}));
            SECOND_IS_DONE.store(true, Ordering::SeqCst);
            got
        });
        let first = pausing_at(
            HELD_EMAIL_LEN,
            || {
                FIRST_IS_HELD.store(true, Ordering::SeqCst);
                let done = wait_for(&SECOND_IS_DONE);
                SECOND_DONE_WHILE_FIRST_HELD.store(done, Ordering::SeqCst);
            },
            || extract_emails(&first_value),
        );
        let second = second
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
        (first, second)
    });
    assert_eq!(
        (first, second),
        (
            vec!["before@x.io".to_owned(), held, "after@x.io".to_owned()],
            vec!["second@x.io".to_owned()]
        ),
        "extract_emails called on two threads at once gave these two lists: the calls shared \
         one list (a static, Python's mutable default argument). Create the Vec in the public \
         function and pass it down as `&mut Vec<String>`"
    );
    assert!(
        SECOND_DONE_WHILE_FIRST_HELD.load(Ordering::SeqCst),
        "deadlock: a second call of extract_emails on another thread could not finish while \
         the first was in the middle of its walk (the first waited 2 s for it): every call \
         takes one lock (a static list shared by all calls, made safe by making callers take \
         turns). Create the Vec in the public function and pass it down as `&mut Vec<String>`"
    );
}
