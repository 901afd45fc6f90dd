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
//! **The tests check** known encodings, a round trip for any data and chunk size, each error
//! variant from a table, and that arbitrary bytes never panic.

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
    todo!("encode {} bytes in chunks of {chunk_size}", data.len())
}

/// Decodes a complete chunked body, extensions and trailers included.
pub fn decode_chunked(body: &[u8]) -> Result<Vec<u8>, ChunkedError> {
    todo!("decode a chunked body of {} bytes", body.len())
}
