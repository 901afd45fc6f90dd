//! # Kata 7: secrets from the operating system
//!
//! **Build** `token_bytes(n)`, `token_hex(n)` and `token_urlsafe(n)`, Python's `secrets`
//! functions, over an [`EntropySource`] trait: [`OsEntropy`] asks the operating system's
//! generator (`getrandom::fill`, through its [`SystemFill`] seam), and the `*_from` variants
//! take any source, so tests can inject a fixed one, or an operating system that fails.
//!
//! **Why.** Session ids, password-reset links and API keys are only as secret as the
//! generator behind them. A seeded generator (a Mersenne Twister, a clock-seeded PRNG, even
//! a good PRNG with a fixed seed) is predictable: kata 6 shows an observer rebuilding one
//! from its outputs, and a fixed or clock-derived seed repeats across threads, restarts and
//! processes. The kernel's generator is seeded from hardware events and is the only source
//! fit for tokens. When it fails, fail: never fall back to a weaker generator.
//!
//! **Python → Rust.** `secrets.token_bytes(n)` reads `os.urandom(n)`; here `OsEntropy::fill`
//! calls its system function, which is `getrandom::fill` (the `getrandom` system call on
//! Linux, `getentropy` on macOS) for [`OsEntropy::new`]; [`OsEntropy::with_system_fill`]
//! swaps in another one, which is how the tests make the operating system fail.
//! Python's defaults (32 bytes) are not copied: the length is always explicit.
//!
//! The rules the tests check:
//! - `token_bytes(n)` has `n` bytes; `token_hex(n)` is `2n` lowercase hex digits (two per
//!   byte, zero-padded: byte `0x0a` is `"0a"`); `token_urlsafe(n)` is the URL-safe base64 of
//!   `n` bytes (alphabet `A–Z a–z 0–9 - _`) without `=` padding, `ceil(4n / 3)` characters.
//! - Each function takes exactly `n` bytes from its source, in order, and returns the
//!   source's error unchanged if it fails (no fallback).
//! - `OsEntropy::fill` calls its system function once for the whole buffer; when that
//!   fails, `fill` returns `Err(EntropyError::Os(e))` with the system's error `e`: never
//!   bytes from a weaker generator.
//! - `OsEntropy` is the operating system's generator: no seed, no clock, no state of its
//!   own. Sources made in different threads, or in different processes, never give the
//!   same bytes.
//!
//! **The tests check** lengths and alphabets, known tokens from an injected fixed source
//! (so the encodings are exactly Python's), the error path, 10,000 OS tokens without a
//! repeat, and tokens drawn at the same moment by several threads and by two processes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use thiserror::Error;

/// Why random bytes could not be produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EntropyError {
    /// The operating system's generator failed.
    #[error("the operating system's random generator failed: {0}")]
    Os(#[from] getrandom::Error),
    /// The source has no more bytes to give (injected sources in tests).
    #[error("the random source is exhausted")]
    Exhausted,
}

/// Something that fills buffers with random bytes.
pub trait EntropySource {
    /// Fills all of `dest` with random bytes, or fails without a partial result.
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError>;
}

/// How [`OsEntropy`] asks the operating system for bytes: `getrandom::fill`'s signature.
pub type SystemFill = fn(&mut [u8]) -> Result<(), getrandom::Error>;

/// The operating system's cryptographically secure generator.
#[derive(Debug, Clone, Copy)]
pub struct OsEntropy {
    system_fill: SystemFill,
}

impl OsEntropy {
    /// The real operating system generator: `getrandom::fill`.
    pub fn new() -> Self {
        Self::with_system_fill(getrandom::fill)
    }

    /// An `OsEntropy` that calls `system_fill` instead (tests inject one that fails).
    pub fn with_system_fill(system_fill: SystemFill) -> Self {
        Self { system_fill }
    }
}

impl Default for OsEntropy {
    /// The same as [`OsEntropy::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl EntropySource for OsEntropy {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
        (self.system_fill)(dest)?;
        Ok(())
    }
}

/// `n` random bytes from `source`.
pub fn token_bytes_from<S: EntropySource + ?Sized>(
    source: &mut S,
    n: usize,
) -> Result<Vec<u8>, EntropyError> {
    let mut bytes = vec![0u8; n];
    source.fill(&mut bytes)?;
    Ok(bytes)
}

/// `n` random bytes from `source` as `2n` lowercase hex digits.
pub fn token_hex_from<S: EntropySource + ?Sized>(
    source: &mut S,
    n: usize,
) -> Result<String, EntropyError> {
    let bytes = token_bytes_from(source, n)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// `n` random bytes from `source` as unpadded URL-safe base64.
pub fn token_urlsafe_from<S: EntropySource + ?Sized>(
    source: &mut S,
    n: usize,
) -> Result<String, EntropyError> {
    token_bytes_from(source, n).map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
}

/// `n` random bytes from the operating system.
pub fn token_bytes(n: usize) -> Result<Vec<u8>, EntropyError> {
    token_bytes_from(&mut OsEntropy::new(), n)
}

/// `n` random bytes from the operating system as `2n` lowercase hex digits.
pub fn token_hex(n: usize) -> Result<String, EntropyError> {
    token_hex_from(&mut OsEntropy::new(), n)
}

/// `n` random bytes from the operating system as unpadded URL-safe base64.
pub fn token_urlsafe(n: usize) -> Result<String, EntropyError> {
    token_urlsafe_from(&mut OsEntropy::new(), n)
}
