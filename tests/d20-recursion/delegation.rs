//! Kata 1: delegation, a recursive walk that ends at a base case.

use super::heap::{
    allocations_made_now, count_allocations, heap_held_now, heap_kept_by, holding, pausing_at,
    peak_heap, second_call_while_first_is_held,
};
use super::{
    deep_value, in_own_process, in_own_process_explaining, on_this_thread_only,
    with_unreadable_note,
};
use crate::delegation::extract_emails;
use rstest::rstest;
use serde_json::{Value, json};
use std::cell::Cell;

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
    // 64 members, each with two emails in two branches, each inside an array of its own
    // (nested in the member, beside its siblings): 128 strings to clone, and one list to
    // hold them, which grows by doubling (about 7 requests for 128 entries). A walk that
    // returns its results and merges them upward allocates where the two branches meet, or
    // in every array. The second array sits under "user_email": a container stored there is
    // searched with the same one list (a fresh list for it, merged upward, allocates). A 64 KiB note (not an email) beside them: the walk reads the Value, it
    // prints nothing.
    let members: Vec<Value> = (0..64)
        .map(|i| {
            json!({"profile": {"contact": [{"user_email": format!("u{i}@x.io")}]},
                   "user_email": [{"user_email": format!("b{i}@x.io")}]})
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
                 level (or per array, per place where two results meet, or per container under \
                 \"user_email\"), returned and merged into the \
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

thread_local! {
    /// What [`note_heap_held`] saw: the heap the walk held when it cloned the second email.
    static HELD_AT_SECOND_CLONE: Cell<Option<usize>> = const { Cell::new(None) };
    /// What [`note_allocations_made`] saw: the allocations made before the first clone.
    static MADE_BEFORE_FIRST_CLONE: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Notes the allocations made so far (inside [`holding`]); called by the allocator.
fn note_allocations_made() {
    MADE_BEFORE_FIRST_CLONE.set(Some(allocations_made_now()));
}

/// Notes the heap held now (inside [`holding`]); called by the allocator, so allocates nothing.
fn note_heap_held() {
    HELD_AT_SECOND_CLONE.set(Some(heap_held_now()));
}

#[test]
fn the_first_email_is_in_the_list_before_the_second_is_found() {
    // Two emails in two branches, of 10 and 19 bytes (no other string here is 19 long).
    // When the walk clones the second, the first is already in the one list passed down:
    // the clone of the first (10 bytes) and that list's buffer (24 bytes or more a String)
    // are on the heap. A walk that returns each level's result and merges it upward (inline
    // while small, a Vec only when many) holds the first email in a frame's result instead.
    // Three more emails (6, 7 and 8 bytes) follow: a walk that first gathers `&str`s and
    // clones them afterwards has grown that list (two allocations) before the first clone.
    let value = json!({"a": {"user_email": "first@x.io"}, "b": [
        {"user_email": "the-second-one@x.io"}, {"user_email": "c@x.io"},
        {"user_email": "dd@x.io"}, {"user_email": "eee@x.io"}]});
    HELD_AT_SECOND_CLONE.set(None);
    MADE_BEFORE_FIRST_CLONE.set(None);
    let got = holding(|| pausing_at(19, note_heap_held, || extract_emails(&value)));
    assert_eq!(
        got,
        [
            "first@x.io",
            "the-second-one@x.io",
            "c@x.io",
            "dd@x.io",
            "eee@x.io"
        ],
        "extract_emails gave {got:?}"
    );
    holding(|| pausing_at(10, note_allocations_made, || extract_emails(&value)));
    let made = MADE_BEFORE_FIRST_CLONE.get();
    assert!(
        made.is_some_and(|made| made <= 1),
        "extract_emails made {made:?} allocations before it cloned the first email (None: it \
         cloned no 10-byte string on the calling thread): at most one is the list. It walked \
         on and gathered the later emails (as `&str`s?) before cloning any: each email is \
         cloned into the one list as it is found, during the walk"
    );
    let held = HELD_AT_SECOND_CLONE.get();
    assert!(
        held.is_some_and(|held| held >= 10 + 24),
        "extract_emails held {held:?} bytes of heap when it cloned the second email (None: \
         it cloned no 19-byte string on the calling thread), less than the first email's 10 \
         bytes and a list of at least one entry (24 bytes): the first email was not in the \
         one list yet. Each level's result is returned and merged into its caller's (kept \
         inline while small, so the heap counts look fine). Create one Vec in the public \
         function and pass it down as `&mut Vec<String>`: each email goes into it as found"
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
    let calls = second_call_while_first_is_held(
        HELD_EMAIL_LEN,
        || extract_emails(&first_value),
        || extract_emails(&json!({"user_email": "second@x.io"})),
    );
    assert_eq!(
        (calls.first, calls.second),
        (
            vec!["before@x.io".to_owned(), held, "after@x.io".to_owned()],
            vec!["second@x.io".to_owned()]
        ),
        "extract_emails called on two threads at once gave these two lists: the calls shared \
         one list (a static, Python's mutable default argument). Create the Vec in the public \
         function and pass it down as `&mut Vec<String>`"
    );
    assert!(
        calls.second_done_while_first_held,
        "deadlock: a second call of extract_emails on another thread could not finish while \
         the first was in the middle of its walk (the first waited 2 s for it): every call \
         takes one lock (a static list shared by all calls, made safe by making callers take \
         turns). Create the Vec in the public function and pass it down as `&mut Vec<String>`"
    );
}

/// `n` members, each with one email.
fn team_of(n: usize) -> Value {
    let members: Vec<Value> = (0..n)
        .map(|i| json!({"user_email": format!("m{i}@x.io")}))
        .collect();
    json!({ "members": members })
}

#[test]
fn keeps_nothing_after_it_returns() {
    // In a process of its own, so no other call has touched any state the walk keeps: one
    // small call first (the thread's own first allocations), then 300 emails.
    let small = team_of(1);
    let value = team_of(300);
    in_own_process(
        module_path!(),
        "keeps_nothing_after_it_returns",
        "extract_emails on 300 members, its result dropped",
        || {
            extract_emails(&small);
            let kept = heap_kept_by(|| extract_emails(&value));
            assert_eq!(
                kept, 0,
                "extract_emails on 300 members still held {kept} bytes of heap after it \
                 returned and its list was dropped: the walk keeps a list of the program's (a \
                 static, Python's mutable default argument), which grows with the biggest \
                 call ever made. Create the Vec in the public function and pass it down as \
                 `&mut Vec<String>`"
            );
        },
    );
}

#[cfg(unix)]
#[test]
fn never_reads_the_text_of_a_string_under_another_key() {
    let team = json!({"team": [{"user_email": "a@x.io"}, {"user_email": "b@x.io"}]});
    in_own_process_explaining(
        module_path!(),
        "never_reads_the_text_of_a_string_under_another_key",
        "extract_emails on {\"note\": <text it may not read>, \"team\": [two emails]}",
        "extract_emails read the text of the note, a string stored under another key (its \
         bytes lie on a page this process may not read): it printed the value as JSON text \
         (to_string, or to_writer into a scanner) and searched that. Walk the Value itself: \
         match on its variants and hand every nested value to the next call.",
        || {
            let got = with_unreadable_note(team, extract_emails);
            assert_eq!(got, ["a@x.io", "b@x.io"], "extract_emails gave {got:?}");
        },
    );
}
