//! # Kata 4: depth-limited recursion
//!
//! **Build** [`extract_emails_limited`]: kata 1's recursive walk with a depth budget. It
//! returns the same emails as `extract_emails` when the value nests at most `max_depth`
//! levels, and a [`DepthError`] naming where it stopped when the value nests deeper.
//!
//! **Why.** Sometimes recursion is the clearest code and the input is *usually* shallow:
//! a budget makes "usually" a guarantee. The walk can never take more than `max_depth`
//! frames, whatever the input, and the caller learns where the input went too deep.
//!
//! **Python → Rust.** Python's recursion limit is one global budget for the whole thread,
//! shared by every function on the stack, and hitting it raises an exception somewhere in
//! the middle of your work. A budget you pass down yourself belongs to this walk only, is
//! checked before the frame is taken, and produces a typed error you can match.
//!
//! **The tests check.**
//! - Within the budget the walk returns the same emails as `extract_emails`. Checked by
//!   `a_value_within_the_budget_gives_its_emails`.
//! - Depth is counted as kata 3's `nesting_depth` counts it: a scalar is at depth 0, the root
//!   array or object is level 1, a container inside it level 2, and so on. The walk fails
//!   exactly when the value's nesting depth exceeds `max_depth`: a value exactly `max_depth`
//!   deep succeeds. Checked by `a_value_exactly_max_deep_passes`,
//!   `a_scalar_fits_a_budget_of_zero`, `fails_exactly_when_the_value_is_deeper_than_the_budget`.
//! - The error is `DepthError { max_depth, path }` where `path` is the JSON Pointer (RFC 6901)
//!   of the first container, in document order, that would be level `max_depth + 1`: `""` for
//!   the root, then `/` and the key or array index for each step down, with `~` written `~0`
//!   and `/` written `~1` inside a key (`{"a/b": [{…}]}` gives `/a~1b/0`). Checked by
//!   `names_the_first_container_past_the_budget`,
//!   `reports_the_first_too_deep_container_in_document_order`,
//!   `escapes_slash_and_tilde_in_keys`.
//! - The error is a value handed back up the frames, never a panic unwound to the
//!   top and caught there (Python's exception shape): the walk of a value too deep for its
//!   budget raises no panic (a panic hook counts them) and starts no unwind at all (the
//!   allocator sees the exception object `std::panic::resume_unwind` allocates too, hook or
//!   no hook). Checked by
//!   `the_error_is_returned_not_raised_as_a_panic`.
//! - Its message reads `the value nests deeper than {max_depth} levels at {path:?}` (with
//!   `{path:?}` the pointer in quotes). Checked by `the_message_names_the_budget_and_the_path`.
//! - The walk must stop there: on a value 100,000 levels deep with a budget of 64 it runs on a
//!   256 KiB stack, on the calling thread (a helper thread with a bigger stack is refused).
//!   Checked by `stops_at_the_budget_on_a_value_100_000_levels_deep`.
//! - Nothing after the first container past the budget is read: on a value too deep at its
//!   first item and followed by 100,000 levels and 100,000 emails, the walk holds no more than
//!   16 KiB of heap at its peak (measuring the whole value first would have to keep the rest
//!   pending, and noting the error while walking on collects the emails). Checked by
//!   `reads_nothing_after_the_first_container_past_the_budget`.
//! - The walk is a recursion, holding only the path it is on: on 10,000 small arrays side
//!   by side it holds at most 4 KiB of heap at once (a `Vec` of every sibling still to
//!   visit, kata 2's explicit stack, holds them all). Checked by
//!   `holds_only_the_path_it_is_on_not_every_sibling_still_to_visit`.
//! - Its frames follow the depth, not the width: it loops over a container's entries and
//!   items and recurses only into each child, so on values 3 levels deep holding an object
//!   of 1 to 1,000 keys beside 1 to 1,000 items (every other key and item an empty
//!   container), the deepest byte it writes on the stack (the test paints the stack) is the
//!   same within 512 bytes (a call per entry or per item, or a call for the rest of the
//!   entries after each nested child, goes a frame deeper per sibling). Checked by
//!   `its_frames_follow_the_depth_not_the_number_of_keys_or_items`.
//! - The walk's state belongs to the call: while one call is held in the middle of its walk
//!   (inside the allocation of an email it clones), a call on another thread runs to the end
//!   with its own budget, path and emails, and the held call then finishes with its own: both
//!   when it is exactly as deep as its budget and when it fails after the hold (statics shared
//!   by every call, a depth counter or a path among them, mix them, or, behind one lock, make
//!   the second wait: it gets 2 s); and once a call
//!   on a value 100,000 levels deep returns and its result is dropped, it holds no heap it
//!   allocated. Checked by `two_callers_at_once_share_nothing`,
//!   `stops_at_the_budget_on_a_value_100_000_levels_deep`.
//! - The walk reads the `Value`, never its printed text: a string under another key has its
//!   bytes on a memory page the process may not read, so serializing the value into a writer
//!   that counts brackets (letting serde do the recursion) crashes the test. Checked by
//!   `never_reads_the_text_of_a_string_under_another_key`.
//!
//! **Not checked.** Where the depth and the budget are kept (a parameter, or a thread-local
//! counter; a `static` shared by every call is caught, but a program-wide `static` map from
//! `ThreadId` to the walk's state, behind a `Mutex` and emptied at the end, gives each thread
//! its own state and frees it, so neither the second-thread nor the heap-kept check sees it,
//! and the API has no callback through which two calls on one thread could interleave), how the path is built (pushed and popped on one `String`, or a new one
//! `format!`ted per child) and how the emails are gathered (one list passed down, or a fresh
//! `Vec` per level merged upward: kata 1 checks the one list, this kata the budget): the
//! limit, the reported path and the memory of the walk are what is checked.
//! Nor that the value is walked once: a bounded pre-check followed by kata 1's unlimited
//! walk gives the same results within the same memory. Nor an explicit stack of iterators
//! (one per open level): it is not recursive, but it is as safe and as small. Nor a walk that
//! notes the error and goes on to the end while collecting and allocating nothing more: only
//! the time it takes shows it, and the tests do not measure time.
//!
//! **Not a dodge.** How the error travels up the frames: a `Result` passed up with `?` is the
//! idiom, but frames that return `()` and leave an `Option<DepthError>` on the walk, checked
//! by every frame before it goes on, hand the same value back without unwinding; from
//! outside only the result, the memory and the absence of a panic can be seen.

use serde_json::Value;

/// The walk went deeper than its budget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the value nests deeper than {max_depth} levels at {path:?}")]
pub struct DepthError {
    /// The budget that was exceeded.
    pub max_depth: usize,
    /// The JSON Pointer (RFC 6901) of the first container past the budget.
    pub path: String,
}

/// Every string under `"user_email"`, in document order, refusing more than `max_depth` levels.
pub fn extract_emails_limited(value: &Value, max_depth: usize) -> Result<Vec<String>, DepthError> {
    todo!(
        "collect the user_email strings of a value (an object: {}) within {max_depth} levels",
        value.is_object()
    )
}
