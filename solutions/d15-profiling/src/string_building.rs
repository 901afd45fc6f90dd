//! # Kata 6: the concatenation trap, in Rust
//!
//! **Build** two ways of gluing words together, and see what each costs:
//!
//! - [`join_words`] joins words with a separator and asks the allocator for memory
//!   **exactly once** (and not at all when the result is empty): first add up the byte
//!   lengths, then `String::with_capacity`, then `push_str` into it. Its input is any
//!   iterator that can be walked twice (`Clone`), so you measure first and write second;
//!   collecting the words into a `Vec` first is a second allocation.
//! - [`capacity_steps`] builds the same string the naive way, `push_str` after `push_str`
//!   with no reserve, and returns each capacity the string passes through (every time its
//!   capacity changes, the new capacity, in order; nothing for an empty result).
//!
//! Rules: `join_words` equals `[&str]::join` for any input, its result's
//! capacity equals its length, and it allocates once. Lengths are in **bytes** (`str::len`),
//! not characters: `"日本"` is 2 characters and 6 bytes. The naive build of 50,000 words
//! changes capacity only a few dozen times at most, each time to a larger capacity.
//!
//! **Why.** Building a big string piece by piece can copy it again and again. Knowing the
//! final size up front turns many allocations and copies into one.
//!
//! **Python → Rust: the 185× does not carry over.** The article's loop `result += word` is
//! slow in Python because a `str` is immutable: each `+=` may copy the whole string so far,
//! O(n²) in total. A Rust `String` is a growable buffer: `push_str` (and `s = s + w`, which
//! moves `s` and appends in place) doubles the capacity when it runs out, so 50,000 appends
//! cost about 20 reallocations and O(n) copying in all: *amortised O(1)* per append.
//! What remains in Rust is a constant factor, the reallocations and their copies, which
//! `capacity_steps` makes visible and `join_words` removes. (`[&str]::concat` and
//! `[&str]::join` already size their result first: they are Rust's `"".join`.) The bench
//! `profiling` in the solution crate measures `+` in a loop, `push_str`, `with_capacity` and
//! `concat`, and counts their allocations.
//!
//! **The tests check.**
//! - `join_words` equals `[&str]::join` for any input (separator between words only).
//!   Checked by `joins_the_words_with_the_separator`,
//!   `agrees_with_std_join_and_allocates_at_most_once`.
//! - It allocates exactly once for a non-empty result and never for an empty one, with
//!   capacity equal to length (counting global allocator), for 50,000 words and for 2^20
//!   (1,048,576) words alike. Checked by
//!   `allocates_exactly_once_for_many_words`, `allocates_nothing_for_an_empty_result`,
//!   `agrees_with_std_join_and_allocates_at_most_once`.
//! - No scratch copy outside the allocator either: joining 16 MiB of words raises the memory
//!   the process holds, as the kernel counts it (Linux: peak resident memory, in a test
//!   process of its own), by at most 1.5 times the result, so a buffer grown on the side
//!   (however it is allocated) and copied into the `String` is seen. Checked by
//!   `uses_no_memory_beyond_the_result_whatever_allocates_it`.
//! - Each word is written straight into the result, at every size: every word is read
//!   (again) from the input after the one allocation, so words written in one pass into a
//!   scratch buffer (on the stack, in a `static`, from `std::alloc::System`) and copied into
//!   the `String` afterwards are seen. Checked by `allocates_exactly_once_for_many_words`,
//!   `agrees_with_std_join_and_allocates_at_most_once`.
//! - Lengths are bytes, not characters. Checked by `sizes_multibyte_words_in_bytes`.
//! - `capacity_steps` notes every capacity change of a real `String`, separators included,
//!   few and growing for 50,000 words, none for an empty build. Checked by
//!   `notes_every_capacity_change_including_those_a_separator_causes`,
//!   `the_naive_build_reallocates_a_few_times_not_once_per_word`,
//!   `the_capacity_steps_come_from_real_reallocations`, `an_empty_build_has_no_capacity_steps`.
//!
//! **Not checked.** A shortcut kept for inputs longer than the tests build (more than 2^20
//! words). A buffer grown through `std::alloc::System` and then handed to the `String` itself
//! (`String::from_raw_parts`, an allocator mix-up that is undefined behaviour): no extra
//! memory for the kernel to see. A version that measures, allocates the `String`, and only
//! then walks the words into a scratch buffer below 16 MiB and copies it in: it reads every
//! word after allocating, as a direct write does, and the kernel cannot see so small a
//! buffer. That the steps are read from the `String`'s `capacity()`: a version that builds
//! the same `String` but predicts each step from the standard library's growth rule gives
//! the same steps today; no test can tell a measurement from a correct prediction.

/// The words joined by `sep`, built with a single allocation.
pub fn join_words<'a, I>(words: I, sep: &str) -> String
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let words = words.into_iter();
    let mut count: usize = 0;
    let mut bytes: usize = 0;
    for word in words.clone() {
        count += 1;
        bytes += word.len();
    }
    let mut joined = String::with_capacity(bytes + sep.len() * count.saturating_sub(1));
    for (i, word) in words.enumerate() {
        if i > 0 {
            joined.push_str(sep);
        }
        joined.push_str(word);
    }
    joined
}

/// Appends `piece` and notes the new capacity if the append changed it.
fn push_noting_capacity(text: &mut String, steps: &mut Vec<usize>, piece: &str) {
    text.push_str(piece);
    if text.capacity() != steps.last().copied().unwrap_or(0) {
        steps.push(text.capacity());
    }
}

/// Each capacity a `String` passes through while the words are pushed with no reserve.
pub fn capacity_steps<'a, I>(words: I, sep: &str) -> Vec<usize>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut text = String::new();
    let mut steps = Vec::new();
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            push_noting_capacity(&mut text, &mut steps, sep);
        }
        push_noting_capacity(&mut text, &mut steps, word);
    }
    steps
}
