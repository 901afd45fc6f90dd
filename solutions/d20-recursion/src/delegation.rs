//! # Kata 1: delegation
//!
//! **Build** [`extract_emails`]: every string stored under the key `"user_email"` in a JSON
//! value, at any depth, in document order. Write it as recursion: look at this level, hand
//! every nested value to a copy of yourself, and stop at a scalar.
//!
//! **Why.** Webhook payloads from third parties have no fixed shape: the field you need may
//! sit at the root, inside a list of collaborators, or fifteen levels down in metadata.
//! A walk that only looks where you expect it misses data silently.
//!
//! **Python → Rust.** The Python walk checks `isinstance(data, dict)` and `list`; in Rust
//! `serde_json::Value` is an enum and a `match` names every case: `Object`, `Array`, and
//! the scalars (the base case, which the compiler will not let you forget). Python's
//! mutable-default-argument trap has no Rust twin: pass `&mut Vec<String>` down the calls
//! explicitly, and keep the public function a thin wrapper that creates it.
//!
//! **The tests check.**
//! - Emails are found at the root, two objects down, inside arrays and fifteen levels deep.
//!   Checked by `finds_the_emails_of_the_articles_webhook_payload`, `finds_an_email_at_the_root`,
//!   `finds_an_email_buried_fifteen_levels_deep`.
//! - Only **string** values under `"user_email"` count; a number, `null` or container there is
//!   skipped (but still searched), and the value under `"user_email"` is searched too:
//!   `{"user_email": {"user_email": "x"}}` gives `["x"]`. Checked by `only_string_values_count`,
//!   `the_value_under_the_key_is_searched_too`.
//! - An email is the string value itself (an escaped quote in it included), found by walking
//!   the `Value`: JSON text inside another string is not a key, nor is `"user_emails"`.
//!   Checked by `an_email_is_the_string_value_not_text_that_looks_like_one`.
//! - The walk reads the `Value`, never its printed text: beside the emails sits a string
//!   under another key whose bytes lie on a memory page the process may not read. Matching
//!   on the variants and comparing keys never touches them; printing the value to scan it
//!   (`to_string`, or `to_writer` into a scanner that keeps no copy) reads every byte and
//!   crashes the test. Checked by `never_reads_the_text_of_a_string_under_another_key`.
//! - Document order: keys in the order they appear in the text (the crate is built with
//!   serde_json's `preserve_order`, so a `Map` keeps that order), array items in order.
//!   Checked by `keeps_document_order_not_alphabetical_order`.
//! - Every occurrence counts: the same address found twice is listed twice. Checked by
//!   `the_same_email_twice_is_listed_twice`.
//! - A scalar document, or one without the key, has no emails. Checked by
//!   `a_document_without_the_key_has_no_emails`.
//! - One list is created by the public function and passed down as `&mut Vec<String>`: for 64
//!   members with two emails each (in two branches, each email in an array of its own) the
//!   walk makes the 128 string clones and the few allocations of one growing `Vec`, not a
//!   `Vec` per level (or per array, or wherever two results meet, or per container stored
//!   under `"user_email"`: one member's second email sits in an array under that key)
//!   returned and merged upwards (counting global allocator, on the calling thread: a
//!   walk that starts a thread of its own is refused). And it copies nothing of the document:
//!   beside a 64 KiB note it holds at most 16 KiB of heap (printing the value to search the
//!   text holds all of it). Checked by `one_list_is_passed_down_not_one_per_level`.
//! - Each email goes into the one list as it is found: when the walk clones the second email
//!   (in another branch), the first one's clone and the list's buffer (24 bytes or more) are
//!   on the heap (a result returned by each level and merged upward, kept inline while small,
//!   holds the first email in a frame instead); and the walk makes at most one allocation
//!   (the list) before it clones the first email, so it does not gather the later emails
//!   (as `&str`s) and clone them all after the walk. Checked by
//!   `the_first_email_is_in_the_list_before_the_second_is_found`.
//! - The list belongs to the call, not to the program: while one call is held in the middle
//!   of its walk (inside the allocation of an email it clones), a call on another thread runs
//!   to the end with its own list (a `static` list behind a lock, Python's mutable default
//!   argument, mixes the two calls' emails, or makes the second wait: it gets 2 s). And once
//!   a call returns and its list is dropped, it holds no heap it allocated (a list of the
//!   program's, even one each call takes its own tagged entries out of, keeps its capacity).
//!   Checked by `two_callers_at_once_share_nothing`, `keeps_nothing_after_it_returns`.
//!
//! **Not checked.** That the walk is recursive: an explicit stack gives the same answers (it is
//! kata 2's subject). Nor how the one list reaches the levels: a `thread_local!` list that
//! the recursion pushes to and the public function takes out whole (`std::mem::take`) at the
//! end gives the same answers
//! and the same allocations, and is not shared between threads, so no test can tell it from
//! `&mut Vec<String>` passed down; it is still hidden shared state (the nearest Rust comes to Python's mutable default argument).
//! Likewise a program-wide `static` map from `ThreadId` to a list (behind a `Mutex`, locked
//! per push, the thread's entry removed at the end): each thread gets its own list and the
//! heap is freed, so the second-thread and heap-kept checks cannot see it, and the API has
//! no callback through which two calls on one thread could interleave. The tests catch a
//! `static` shared by every call, not every `static`.
//! Nor that the base case is an exhaustive `match`: an `as_object()` / `as_array()` chain
//! that lets the scalars fall through gives the same answers, and no test can add a
//! variant to `Value` to show what it would skip.
//!
//! **Not a dodge.** One list shared through `Rc<RefCell<Vec<String>>>`, a clone of the handle
//! passed to every level (as Python shares one list by reference): it is still one list,
//! created by the call; `&mut Vec<String>` is the idiom, but the lesson holds.

use serde_json::Value;

/// The key whose string values are collected.
pub const EMAIL_KEY: &str = "user_email";

/// Every string under the key `"user_email"`, at any depth, in document order.
pub fn extract_emails(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect(value, &mut found);
    found
}

/// Adds the emails in `value` to `found`, delegating every nested value to itself.
fn collect(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if let (EMAIL_KEY, Value::String(email)) = (key.as_str(), child) {
                    found.push(email.clone());
                }
                collect(child, found);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect(item, found);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}
