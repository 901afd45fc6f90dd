//! Tokens: 128 bits from the operating system's generator, written as 32 lowercase hex
//! characters, and compared in constant time (the time a comparison takes does not depend on
//! where two tokens first differ).

use std::fmt::Write;

/// Hex characters in a token.
pub const TOKEN_LEN: usize = 32;

/// A fresh token. Fails only when the operating system has no random source.
pub fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; TOKEN_LEN / 2];
    getrandom::fill(&mut bytes)?;
    let mut out = String::with_capacity(TOKEN_LEN);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    Ok(out)
}

/// Whether two byte strings are equal, looking at every byte whatever the first difference.
/// Only the lengths (public: every token has 32 characters) decide early.
pub fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the fold back into an early exit.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_32_hex_characters_and_two_tokens_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.len(), TOKEN_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn equality_needs_every_byte_and_the_same_length() {
        assert!(eq(b"abc", b"abc"));
        assert!(!eq(b"abc", b"abd"));
        assert!(!eq(b"abc", b"xbc"));
        assert!(!eq(b"abc", b"abcd"));
        assert!(!eq(b"", b"a"));
    }
}
