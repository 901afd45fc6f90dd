//! # Kata 2: an explicit stack
//!
//! **Build** [`extract_emails_iterative`]: the same answer as kata 1's `extract_emails`, in
//! the same order, with a loop over a `Vec` you manage instead of calls to yourself.
//!
//! **Why.** Every recursive call takes a stack frame, so a recursive walk needs stack in
//! proportion to the depth of its input. A thread's stack is small and fixed (8 MiB for
//! `main` on Linux, 2 MiB for threads Rust spawns), while a JSON body a few megabytes long
//! can nest a million levels deep. A `Vec` on the heap grows as far as memory allows, and
//! the walk no longer depends on the input being polite.
//!
//! **Python → Rust.** Python stops a runaway recursion with `RecursionError`, which can be
//! caught. Rust has no recursion limit and nothing to catch: the thread runs off the end of
//! its stack, and the whole process prints `has overflowed its stack` and aborts. The
//! explicit stack is therefore not an optimisation in Rust but the only safe shape for a
//! walk over untrusted depth.
//!
//! **Keeping the order.** A stack hands items back last in, first out. To visit children
//! in document order, push them in reverse (`.rev()`). An email belongs at the moment its
//! value is reached, between the emails of the keys before and after it: push the value
//! together with whether it sits under `"user_email"`, and decide when you pop it.
//!
//! **The tests check.**
//! - The same answers as kata 1: the webhook payload, string values only, the value under the
//!   key searched too, a scalar document has none. Checked by
//!   `finds_the_emails_of_the_articles_webhook_payload`,
//!   `only_strings_count_and_the_value_under_the_key_is_searched`,
//!   `a_scalar_document_has_no_emails`.
//! - Document order, with a key's email between the emails of the keys around it. Checked by
//!   `pops_children_in_document_order`.
//! - Agreement with `extract_emails`, in order, on arbitrary JSON trees. Checked by
//!   `agrees_with_the_recursive_walk_on_any_json_tree`.
//! - No recursion: a value 100,000 levels deep is walked on a thread with a 256 KiB stack (a
//!   recursive walk overflows it and the test reports the crash). Checked by
//!   `walks_a_value_100_000_levels_deep_on_a_256_kib_stack`.
//! - Not even for the children before the last: on a value 100,000 levels deep where the
//!   deep child comes first or in the middle of its container, the walk still runs on a
//!   256 KiB stack (looping into the last child and calling yourself for the others is
//!   still one frame per level). Checked by
//!   `walks_100_000_levels_nested_first_or_in_the_middle_on_a_256_kib_stack`.
//! - The walk runs on the calling thread (its email clones are allocated there), not on a
//!   thread with a bigger stack, which only moves the cliff. Checked by
//!   `walks_on_the_calling_thread_not_on_a_bigger_stack`.
//! - The values still to visit are held on the calling thread, at every depth: on values 30
//!   and 2,000 levels deep where each level leaves a sibling pending, the walk's peak heap on
//!   this thread is at least 8 bytes a level (a walk that recurses while the value is shallow
//!   and keeps a `Vec` only below some depth holds them in its frames instead). And on 30
//!   levels with an email each, every email is cloned at one stack depth, at most 128 bytes
//!   apart (the allocator notes where each clone is made): a walk that calls itself for any
//!   levels at all, the top one or down to some depth, clones them a frame deeper each.
//!   Checked by `the_pending_values_live_on_the_calling_thread`.
//!
//! **Not checked.** A walk that calls itself for the top few levels, collects `&str`s and
//! clones them all only after the walk: its clones are made at one depth, and its frames
//! hold what is pending, so only a cut-off deeper than about 20 of the 30 levels shows in
//! the heap figures.

use crate::delegation::EMAIL_KEY;
use serde_json::Value;

/// Every string under the key `"user_email"`, in document order, without recursion.
pub fn extract_emails_iterative(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    // Each entry: a value still to visit, and whether it is stored under the email key.
    let mut pending: Vec<(&Value, bool)> = vec![(value, false)];
    while let Some((value, under_email_key)) = pending.pop() {
        match value {
            Value::Object(map) => pending.extend(
                map.iter()
                    .rev()
                    .map(|(key, child)| (child, key == EMAIL_KEY)),
            ),
            Value::Array(items) => pending.extend(items.iter().rev().map(|item| (item, false))),
            Value::String(email) if under_email_key => found.push(email.clone()),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }
    found
}
