//! # Kata 3: refuse the bomb before parsing
//!
//! **Build** two scanners over the *text* of a JSON document, neither building a tree nor
//! recursing:
//! - [`nesting_depth`]: the largest number of arrays and objects open at once (a scalar
//!   document has depth 0, `[]` has 1, `{"a":[1]}` has 2);
//! - [`guard_depth`]: `Ok(())` if the document is no deeper than `max` and its brackets and
//!   strings are well formed; [`JsonShapeError::TooDeep`] as soon as a bracket opens level
//!   `max + 1`, without reading the rest of the text.
//!
//! **Why.** An attacker does not need a big payload to crash a recursive parser, only a
//! deep one: `{"a":` repeated a million times is 5 MB. A guard that looks at the raw bytes
//! before anything recursive sees them (a parser, a `Drop`, a `Debug`, your own walk) turns
//! that crash into a 400 response. It must be cheap and must not itself be the weak spot:
//! a loop, a counter, and a stack of the brackets still open.
//!
//! **Python → Rust.** CPython's `json` raises `RecursionError` on deep input; serde_json
//! refuses documents nested more than 128 levels with a "recursion limit exceeded" error
//! (unless its `unbounded_depth` feature is on). So parsing with serde_json is safe, but it
//! cannot tell you *how* deep a document is, and a `Value` that you build deeper than that
//! by hand still recurses when it is dropped, printed or compared. This kata's scanners work
//! on text of any depth.
//!
//! **The tests check.**
//! - Only `[` `{` open and `]` `}` close a level, and only outside strings. A string starts
//!   and ends at an unescaped `"`; inside it a backslash escapes the next character, so
//!   `"\""` is one string holding a quote, and in `"\\"` the second quote ends the string.
//!   Anything else (numbers, `:`, `,`, letters) is not checked: this is a shape check, not a
//!   parser. Checked by `counts_the_levels_open_at_once`,
//!   `an_escaped_backslash_does_not_escape_the_quote_after_it`,
//!   `the_depth_of_any_serialized_value_is_its_nesting`.
//! - Errors, with byte offsets counted from 0: a closer with nothing open is
//!   [`JsonShapeError::UnexpectedClose`]; a closer of the wrong kind (`[}`) is
//!   [`JsonShapeError::Mismatched`], naming the closer that was expected; text that ends with
//!   levels open is [`JsonShapeError::Unclosed`] with how many; a string that never ends is
//!   [`JsonShapeError::UnterminatedString`] with the offset of its opening quote; the guard
//!   reports them too. Every closer is checked against the bracket it closes, however deep
//!   (brackets of mixed kinds, never repeating with a period: a wrong closer 129 to 2,000
//!   levels down is `Mismatched`, and the million-level documents below mix arrays and
//!   objects, so a fixed buffer of the innermost levels' kinds fails). Checked by
//!   `malformed_shapes_are_typed_errors`, `the_guard_also_refuses_malformed_shapes`,
//!   `a_wrong_closer_is_refused_at_any_depth`, `measures_a_million_levels_on_a_256_kib_stack`,
//!   `a_huge_limit_does_not_make_the_guard_itself_recurse`.
//! - The guard reports the first problem in reading order: a stray or wrong closer, or a
//!   string left open, before the bracket that opens level `max + 1` is that error, not
//!   `TooDeep`. Checked by `the_guard_also_refuses_malformed_shapes`.
//! - `guard_depth` passes a document exactly `max` deep and reports `TooDeep { max, offset }`
//!   where `offset` is the byte of the bracket that opens level `max + 1`, even if the text is
//!   malformed further on: the guard stops reading there (that is what makes it cheap on a
//!   bomb, and why its stack of open brackets never holds more than `max` entries); it
//!   agrees with the measured depth on any short text. Checked by
//!   `a_document_exactly_max_deep_passes_the_guard`, `one_level_more_than_max_is_refused`,
//!   `stops_reading_at_the_limit_even_if_the_rest_is_malformed`,
//!   `reads_no_byte_past_the_bracket_that_opens_level_max_plus_one` (the text goes on into
//!   memory the process may not read, so reading on crashes the test),
//!   `the_guard_holds_no_more_than_the_limit_in_memory`,
//!   `the_guard_agrees_with_the_measured_depth`,
//!   `the_too_deep_message_names_the_limit_and_the_offset`.
//! - Depths that serde_json refuses to parse are measured. Checked by
//!   `measures_depths_that_serde_json_refuses_to_parse`.
//! - Both handle a document a million levels deep on a 256 KiB stack, on the calling thread
//!   (a helper thread with a bigger stack is refused), and use no more stack on it (and
//!   `guard_depth` on the 2^21 + 64 levels below) than on 2^17 levels, within 512 bytes (the
//!   test paints the stack: a scan that keeps a `Vec` of the open brackets for a batch of
//!   levels and calls itself for the next batch goes a frame deeper per batch). Checked by
//!   `measures_a_million_levels_on_a_256_kib_stack`,
//!   `refuses_a_million_level_bomb_at_the_first_bracket_past_the_limit`.
//! - The guard itself does not recurse, whatever `max` is, and puts no cap of its own on
//!   the depth: a bomb 2^21 + 64 levels deep (mixed kinds) with `max = usize::MAX` passes on
//!   a 256 KiB stack (a fixed-size array of the open levels' kinds, on the stack or in a
//!   `static`, either refuses it or does not fit, even at one bit a level). Checked by
//!   `a_huge_limit_does_not_make_the_guard_itself_recurse`.
//! - Neither scanner recurses for short texts either: the test paints the stack below it and
//!   finds the deepest byte each scanner wrote, on texts 1 to 2,000 levels deep (a few KiB
//!   each) that branch at every level (`[[],[[],…` : an empty container, then the deep one);
//!   the figures must agree within 512 bytes (the allocator's paths as the stack of open
//!   brackets grows). A recursive descent kept for short or ordinary texts, or for every
//!   container after a level's first, goes a frame deeper per level. Checked by `both_scanners_use_the_same_stack_at_every_depth`.
//! - Nor for long strings or wide arrays: on texts 2 levels deep holding a string of 3 to
//!   3,000 bytes (escaped quotes inside) and 1 to 1,000 sibling numbers, the deepest byte
//!   each scanner writes is the same within 512 bytes (a string skipped by a call per byte,
//!   or items walked by a call per item, goes a frame deeper each time). Checked by
//!   `both_scanners_use_the_same_stack_however_long_a_string_or_wide_an_array`.
//! - Memory grows with the depth, never with the number of brackets: on 100,001 sibling
//!   containers two levels deep, each scanner holds at its peak no more heap than on
//!   `[[],{}]` (a tree, arena or list of every container met grows with the text). Checked
//!   by `a_wide_shallow_document_needs_no_more_memory_than_a_tiny_one`.
//! - The stack of open brackets belongs to the scan: once either scanner returns, it holds no
//!   heap it allocated (a buffer of the program's, reused by every scan, keeps the deepest
//!   bomb it ever measured and makes every request wait behind it). Checked by
//!   `keeps_no_memory_after_a_scan_returns`.
//!
//! **Not checked.** That the guard reads the text once: a bare counter that finds the
//! bracket opening level `max + 1` and then rescans the text before it with the stack of
//! open brackets gives the same errors in the same memory; the guard takes a `&str`, so no
//! test can see a byte read twice (only the time it takes differs, and the tests do not
//! measure time). Nor that two scans at once do not wait for each other: the scanners have
//! no seam to hold one mid-scan, so a buffer of the program's behind a lock, a `static` of
//! more than 256 KiB (room for the depth above) that never touches the heap, is not caught.
//! Nor a recursion that takes a frame only every few hundred thousand levels: the deepest
//! texts checked are a million levels (`nesting_depth`) and 2^21 + 64 (`guard_depth`), where
//! such a scan is too few frames deeper to pass the 512-byte slack.

/// Why a document's shape was refused. Offsets are byte offsets into the text, from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonShapeError {
    /// The bracket at `offset` opens level `max + 1`.
    #[error("nested deeper than {max} levels: the bracket at byte {offset} opens one more")]
    TooDeep {
        /// The deepest nesting allowed.
        max: usize,
        /// The byte offset of the bracket that went one level too deep.
        offset: usize,
    },
    /// A closing bracket with no level open.
    #[error("byte {offset}: {found:?} closes nothing")]
    UnexpectedClose {
        /// The byte offset of the closer.
        offset: usize,
        /// The closer found.
        found: char,
    },
    /// A closing bracket of the wrong kind.
    #[error("byte {offset}: expected {expected:?} but found {found:?}")]
    Mismatched {
        /// The byte offset of the closer.
        offset: usize,
        /// The closer that would have matched the innermost open bracket.
        expected: char,
        /// The closer found.
        found: char,
    },
    /// The text ended with `open` levels still open.
    #[error("the text ends with {open} levels still open")]
    Unclosed {
        /// How many brackets were never closed.
        open: usize,
    },
    /// The string opened at `offset` never ends.
    #[error("the string opened at byte {offset} never ends")]
    UnterminatedString {
        /// The byte offset of the opening quote.
        offset: usize,
    },
}

/// The largest number of arrays and objects open at once, found by scanning the text.
pub fn nesting_depth(text: &str) -> Result<usize, JsonShapeError> {
    todo!("measure the nesting of a {}-byte text", text.len())
}

/// Refuses a document nested deeper than `max` (or malformed), stopping at the limit.
pub fn guard_depth(text: &str, max: usize) -> Result<(), JsonShapeError> {
    todo!(
        "check that a {}-byte text nests at most {max} levels",
        text.len()
    )
}
