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
//!   recursive walk overflows it and the test reports the crash), using no more of it than
//!   the walk of a 2-level value, within 512 bytes (the test paints the stack: a walk that
//!   keeps a `Vec` for a batch of levels and calls itself for the next batch goes a frame
//!   deeper per batch). Checked by `walks_a_value_100_000_levels_deep_on_a_256_kib_stack`.
//! - The stack belongs to the call and follows the depth, not the size of the document: once
//!   the walk of 100,000 levels returns and its list is dropped, it holds no heap it
//!   allocated (a buffer of the program's reused by every call keeps it); and on 4,369
//!   values three levels deep (16 by 16 by 16) it holds at most 8 KiB of heap at once (a
//!   queue, breadth first, holds a whole level; recording every value visited, to sort the
//!   emails into document order afterwards, holds all of them). Checked by
//!   `walks_a_value_100_000_levels_deep_on_a_256_kib_stack`,
//!   `its_memory_follows_the_depth_not_the_size_of_the_document`.
//! - Not even for the children before the last, nor where a container branches: on a value
//!   100,000 levels deep where the deep child comes first or in the middle of its container,
//!   beside empty containers (`[<deep>, []]`, `{"a": [], "m": <deep>, "z": {}}`), the walk
//!   and every other level stored under `"user_email"`, the walk
//!   still runs on a 256 KiB stack (looping into the last child and calling yourself for
//!   the others, or keeping the `Vec` only along single-child chains and calling yourself
//!   where a container holds two nested ones, or calling yourself for a container stored
//!   under `"user_email"`, is still one frame per level). Checked by
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
//! - The walk uses the same stack at every depth: the test paints the stack below it and
//!   finds the deepest byte the walk wrote, on values 1 to 200 levels deep that branch at
//!   every level (the shape of the bullet before); the figures must
//!   agree within 512 bytes (the allocator's paths as the `Vec` grows). A walk that calls
//!   itself for the top levels, or for shallow values, before falling back to a stack goes
//!   a frame deeper per level it recursed. Checked by
//!   `uses_the_same_stack_at_every_depth_from_1_level_up`.
//! - And the same stack at every width: on values 3 levels deep holding an object of 1 to
//!   1,000 keys beside 1 to 1,000 items (every other key and item an empty container), the
//!   deepest byte the walk writes is the same
//!   within 512 bytes (children pushed onto the `Vec` by a call per child, in reverse say,
//!   go a frame deeper per sibling). Checked by
//!   `uses_the_same_stack_however_many_siblings_a_container_has`.
//!
//! **Not checked.** A recursion of only 1 or 2 levels (say, a call per child of the top
//! value), collecting `&str`s and cloning them after the walk: its frames fit the 512-byte
//! slack of the stack-use check and its clones are made at one depth. Nor a recursion that
//! takes a frame only every 50,000 levels or so: the deepest value checked is 100,000
//! levels deep, where such a walk is one or two frames deeper, within the 512-byte slack.
//! Nor where the pending values are kept between pushes, if not in the call: a `thread_local!`
//! stack, or a program-wide `static` map from `ThreadId` to a stack (behind a `Mutex`, emptied
//! at the end), gives each thread its own and frees it, so the heap-kept check cannot see it,
//! and the API has no callback through which two walks on one thread could interleave; only a
//! buffer shared by every call and kept after it is caught.

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
