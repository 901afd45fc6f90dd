//! # Kata 5: laws, not examples
//!
//! **Build** a byte-oriented run-length codec: `encode`, `decode` and `normalize`.
//!
//! **Why it matters.** Example tests check the inputs their author thought of. A codec's
//! bugs live in the inputs nobody thought of: the run of 256 equal bytes that overflows a
//! one-byte counter, the empty input, the trailing half-pair. A property test states a law
//! that must hold for *every* input, generates hundreds of them, and when one breaks the
//! law it *shrinks* it to the smallest input that still fails.
//!
//! **Python → Rust.** The article points at property testing (Hypothesis in Python).
//! `proptest` is the Rust counterpart: strategies generate inputs, `prop_assert!` states
//! the law, and shrinking is built in. A case found by shrinking is then pinned as an
//! ordinary example (here an rstest case) so it is checked on every run, whatever the
//! random seed.
//!
//! **The format.** The encoding is a sequence of pairs `[count, byte]`, meaning `count`
//! copies of `byte`, with `count` in `1..=255`. A longer run is split over several pairs.
//!
//! **Rules.**
//! - `encode` writes each maximal run as few pairs as possible: `[255, b]` pairs, then one
//!   pair with the rest.
//! - `decode` refuses an odd length ([`DecodeError::Truncated`]) and a zero count
//!   ([`DecodeError::ZeroCount`]), each with the byte offset of the bad pair.
//! - `normalize` turns any valid encoding into the one `encode` would write for the same
//!   data, working on the pairs (it merges neighbouring counts) without decoding the data,
//!   which can be 127 times the size of its input.
//!
//! **The tests check.**
//! - the round-trip law `decode(encode(x)) == x` on long runs and arbitrary bytes, that
//!   `encode(x)` is never longer than `2 × x.len()`, and that it has the fewest pairs: each
//!   maximal run takes `ceil(len / 255)` pairs wherever it starts. Checked by
//!   `decoding_an_encoding_gives_back_the_data`,
//!   `an_encoding_is_never_longer_than_twice_the_data`, `an_encoding_has_the_fewest_pairs`.
//! - pinned examples of the canonical pairs, among them the 256-byte run found by
//!   shrinking, a run that crosses byte 255 of the data, and runs of 65,536 and 131,372
//!   bytes (past a `u16` run counter, and past twice its range). Checked by
//!   `encodes_runs_as_count_byte_pairs`.
//! - `normalize` is idempotent, agrees with `encode ∘ decode`, merges and refills pairs.
//!   Checked by `normalizing_twice_changes_nothing`,
//!   `normalizing_agrees_with_encoding_the_decoded_data`,
//!   `normalizes_to_the_canonical_encoding`.
//! - `normalize` holds at most 32 bytes of heap per byte of its input (room for the pairs,
//!   the output and a run record per pair), never the decoded data nor one decoded run
//!   (2,000 pairs of one byte are a 510,000-byte run), whether or not its input is already
//!   canonical; the heap of every thread counts (measured in a test process of its own);
//!   and it reads and writes no more than that bound through system calls either (Linux's
//!   `/proc/self/io`: the decoded data in a scratch file or a pipe is still decoded); and on
//!   32 MiB of data (a 256 KiB encoding) the process' peak resident memory (Linux's `VmHWM`,
//!   reset through `/proc/self/clear_refs`) grows by no more than that bound plus 2 MiB: the
//!   decoded data on the stack, from C's `malloc`, in an `mmap` or a `static` is still held.
//!   At every size, not only the large ones: for 2 and for 1,000 pairs of alternating bytes
//!   with counts 1, 2, 16, 17, 128 and 255 (the same pairs, decoded data from 2 bytes to
//!   255,000) its peak heap is the same within 16 bytes, and for 262 pairs that are not
//!   canonical (two runs, each split over one pair more than it needs: the first from 2
//!   to 65,536 bytes, the second as long as keeps 260 pairs out) it is the same within 16
//!   bytes too: decoding only below some size or some ratio of data to input, of canonical
//!   pairs or of runs to merge, shows there; the 1,000 pairs with those six counts, normalized
//!   before anything else in the process, grow its peak resident memory by at most 64 KiB:
//!   decoded data kept off the heap (a `static` buffer, `std::alloc::System`) is new resident
//!   pages (255,000 bytes are 62 of them); and it runs on a thread with a 32 KiB stack, which a
//!   buffer for the decoded data on the stack overflows (the process aborts naming the lesson).
//!   Checked by `normalize_merges_the_pairs_without_decoding_the_data`.
//! - a malformed encoding is a typed error naming the bad pair's offset, in `decode` and
//!   `normalize`, and no input makes `decode` panic. Checked by
//!   `decoding_a_malformed_encoding_names_the_bad_offset`,
//!   `normalizing_a_malformed_encoding_is_an_error`,
//!   `decoding_any_bytes_returns_instead_of_panicking`.
//!
//! **Not checked.** That `normalize` takes one step per pair rather than one per decoded byte:
//! walking the decoded bytes lazily (an iterator that expands each pair and re-encodes) holds
//! no more heap and gives the same pairs, only slower, and speed is a bench's claim, never a
//! timed test's. A decoded copy held by another process (a child that decodes and re-encodes),
//! which no figure of this process sees. A decoded copy of under 32 KiB in a buffer on the
//! stack (a bigger one overflows the test's thread), which no heap figure sees. A decoded copy
//! off the heap (a `static`, the system allocator) made only for data of up to 64 KiB: the
//! resident figure counts pages, and allows 64 KiB for what the process touches on its own.
//! A run counter in `normalize` narrower than `usize` but wider than 16 bits (a `u32`): the
//! longest run the tests give `normalize` is 33,423,360 bytes (131,072 full pairs, the 32 MiB
//! case), and a `u32` overflows only past 4,294,967,295 bytes (16,843,010 full pairs, a 33.7 MB
//! encoding), which takes seconds to normalize in a test build, too long for CI; keep the
//! running length in a `usize`, as the counter-width bug this kata opens with teaches.

use thiserror::Error;

/// Why bytes are not a valid encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The input ends in the middle of a pair.
    #[error("truncated encoding: a count at offset {offset} has no byte after it")]
    Truncated {
        /// Offset of the lone count.
        offset: usize,
    },
    /// A pair says "zero copies", which `encode` never writes.
    #[error("zero count at offset {offset}: counts run from 1 to 255")]
    ZeroCount {
        /// Offset of the zero count.
        offset: usize,
    },
}

/// The largest count one pair can hold.
const MAX_RUN: usize = u8::MAX as usize;

/// Run-length encodes `data` into `[count, byte]` pairs.
pub fn encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for run in data.chunk_by(|a, b| a == b) {
        push_run(&mut out, run[0], run.len());
    }
    out
}

/// Appends `len` copies of `byte` as full `[255, byte]` pairs then one partial pair.
///
/// A doctest (on a private helper, so that `encode` keeps the stub's docs): an example in
/// the docs that `cargo test` compiles and runs, so it cannot go stale (the article's
/// `doctest`):
///
/// ```
/// use solution_d21_testing::rle_laws::{decode, encode};
///
/// assert_eq!(encode(&[7; 256]), [255, 7, 1, 7]);
/// assert_eq!(decode(&encode(b"aaab")), Ok(b"aaab".to_vec()));
/// ```
fn push_run(out: &mut Vec<u8>, byte: u8, len: usize) {
    for _ in 0..len / MAX_RUN {
        out.extend([u8::MAX, byte]);
    }
    // The remainder is below 255, so the conversion cannot fail.
    if let Ok(rest @ 1..) = u8::try_from(len % MAX_RUN) {
        out.extend([rest, byte]);
    }
}

/// Decodes `[count, byte]` pairs back into the data.
pub fn decode(encoded: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    for (count, byte) in pairs(encoded)? {
        out.extend(std::iter::repeat_n(byte, usize::from(count)));
    }
    Ok(out)
}

/// Rewrites a valid encoding into the canonical form `encode` produces.
pub fn normalize(encoded: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(encoded.len());
    let mut current: Option<(u8, usize)> = None;
    for (count, byte) in pairs(encoded)? {
        current = match current {
            Some((b, len)) if b == byte => Some((b, len + usize::from(count))),
            Some((b, len)) => {
                push_run(&mut out, b, len);
                Some((byte, usize::from(count)))
            }
            None => Some((byte, usize::from(count))),
        };
    }
    if let Some((b, len)) = current {
        push_run(&mut out, b, len);
    }
    Ok(out)
}

/// The validated `(count, byte)` pairs of an encoding.
fn pairs(encoded: &[u8]) -> Result<Vec<(u8, u8)>, DecodeError> {
    if !encoded.len().is_multiple_of(2) {
        return Err(DecodeError::Truncated {
            offset: encoded.len() - 1,
        });
    }
    encoded
        .chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| match (pair[0], pair[1]) {
            (0, _) => Err(DecodeError::ZeroCount { offset: 2 * i }),
            counted => Ok(counted),
        })
        .collect()
}
