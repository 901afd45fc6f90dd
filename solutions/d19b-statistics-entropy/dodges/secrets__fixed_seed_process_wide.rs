//! Dodge: OsEntropy fills from one process-wide ChaCha8 generator behind a mutex with a fixed seed: no repeats within a process, but every process (every restart of a server) issues the same tokens in the same order.
//! Caught by: two_processes_draw_different_tokens

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{RngCore, SeedableRng};
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

/// The operating system's cryptographically secure generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl EntropySource for OsEntropy {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
        static GENERATOR: std::sync::Mutex<Option<rand_chacha::ChaCha8Rng>> =
            std::sync::Mutex::new(None);
        let mut guard = GENERATOR
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .get_or_insert_with(|| rand_chacha::ChaCha8Rng::seed_from_u64(0x5eed))
            .fill_bytes(dest);
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
    token_bytes_from(&mut OsEntropy, n)
}

/// `n` random bytes from the operating system as `2n` lowercase hex digits.
pub fn token_hex(n: usize) -> Result<String, EntropyError> {
    token_hex_from(&mut OsEntropy, n)
}

/// `n` random bytes from the operating system as unpadded URL-safe base64.
pub fn token_urlsafe(n: usize) -> Result<String, EntropyError> {
    token_urlsafe_from(&mut OsEntropy, n)
}
