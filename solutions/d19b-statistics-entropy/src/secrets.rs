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
//! **The tests check.**
//! - `token_bytes(n)` has `n` bytes; `token_hex(n)` is `2n` lowercase hex digits (two per byte,
//!   zero-padded: byte `0x0a` is `"0a"`); `token_urlsafe(n)` is the URL-safe base64 of `n`
//!   bytes (alphabet `A–Z a–z 0–9 - _`) without `=` padding, `ceil(4n / 3)` characters; known
//!   tokens from an injected fixed source are exactly Python's. Checked by
//!   `token_hex_from_a_fixed_source_is_two_lowercase_digits_per_byte`,
//!   `token_urlsafe_from_a_fixed_source_is_unpadded_url_safe_base64`,
//!   `os_tokens_have_the_promised_lengths_and_alphabets`,
//!   `an_os_hex_token_of_16_bytes_is_32_hex_digits`.
//! - Each function takes exactly `n` bytes from its source, in order, and returns the source's
//!   error unchanged if it fails (no fallback). Checked by
//!   `token_bytes_from_takes_exactly_n_bytes_in_order`,
//!   `a_failing_source_fails_every_token_instead_of_falling_back`.
//! - `OsEntropy::fill` calls its system function once for the whole buffer, whatever its size
//!   (1 byte to 64 KiB: no short seed stretched by a faster generator) and hands out its
//!   answer as it is, an answer of all zero bytes included (no health check that replaces
//!   it with another generator's bytes: zeros are legitimate output); when that fails,
//!   whatever the error (`UNSUPPORTED`, `ERRNO_NOT_POSITIVE`, `UNEXPECTED`, every custom code),
//!   `fill` returns `Err(EntropyError::Os(e))` with the system's error `e`: never bytes from a
//!   weaker generator. Checked by `os_entropy_fills_the_whole_buffer_with_one_call_of_its_system_fill`,
//!   `a_failing_operating_system_is_an_error_never_a_weaker_generator`,
//!   `tokens_from_a_failing_operating_system_are_errors`.
//! - `OsEntropy` is the operating system's generator: no seed, no clock, no state of its own.
//!   10,000 tokens never repeat, and tokens of each of the three functions (`token_bytes`,
//!   `token_hex`, `token_urlsafe`) drawn in different threads at the same moment, or in
//!   different processes, never have the same bytes. Checked by
//!   `ten_thousand_os_tokens_never_repeat`, `threads_drawing_at_the_same_moment_get_different_tokens`,
//!   `two_processes_draw_different_tokens`.
//! - None of the three functions draws from a generator seeded once and kept in the process's
//!   memory (per thread, from a clock or even from the OS): after a `fork`, which copies that
//!   memory, the parent and the child draw different tokens of each function. Checked by
//!   `a_forked_child_and_its_parent_draw_different_tokens`.
//! - No token's bytes wait in the process's memory before it is drawn (no pool of OS bytes
//!   fetched ahead, for small tokens or any, no generator's output buffer, where a core dump
//!   or a memory disclosure shows the next tokens): in a child process, for each of the three
//!   functions, tokens of 16, 32, 64, 16, 32, 64, 100, 1024 and 8 bytes are drawn (the last
//!   small one leaves a pool of any size partly full), a copy of every writable mapping is
//!   taken, and the same sizes are drawn again; the copy holds none of their bytes, neither
//!   raw nor as hex (either case) or base64 (URL-safe or standard) text. Where the C library
//!   is glibc 2.41 or later, the first 96 bytes drawn after the copy are exempt (its vDSO
//!   `getrandom` may keep up to 96 bytes of the kernel's output ready); with older C
//!   libraries no byte is. Nor is a pool parked outside the memory: drawing tokens leaves no
//!   file descriptor open (a pipe, a memfd, a file) other than the generator devices. Checked
//!   by `no_token_waits_in_memory_before_it_is_drawn`.
//! - Every token asks the kernel for its bytes when it is drawn, in one `getrandom` call of
//!   all `n` bytes (Linux on x86-64 or aarch64, with a C library older than glibc 2.41): in a
//!   child process, after tokens of each function were drawn (so any pool or seeded generator
//!   is ready), a seccomp filter refuses every `getrandom` call asking for fewer than 32, then
//!   64, 100 and 1024 bytes, and tokens of that size must still be drawn (no short OS seed
//!   stretched by a generator); then it refuses every `getrandom` call, and every token of each
//!   function must fail with `EntropyError::Os` (no pool fetched ahead, in memory of any kind,
//!   a file or a pipe, masked or not; no generator seeded earlier, from the OS, a clock or std's
//!   `RandomState`; no fallback); last, every `getrandom` call of `n` bytes fails with the error
//!   number `n`, and tokens of 1 to 133 bytes (every Linux error number, `ENOSYS` = 38 and
//!   `EPERM` = 1 included; not `EINTR` = 4, which `getrandom::fill` retries) must each fail
//!   with `EntropyError::Os` of that error number: no fallback for any error. Finally (x86-64
//!   only), every `getrandom` call is answered with known bytes (a `SIGSYS` handler emulates
//!   it), and each token of 8 to 1024 bytes must be exactly the bytes of its last `getrandom`
//!   call, encoded as promised: asking the kernel for `n` bytes and dropping them is no use.
//!   Checked by `every_token_asks_the_kernel_for_its_bytes_when_drawn`.
//!
//! **Not checked.** Where the C library is glibc 2.41 or later, `getrandom` is answered from the
//! vDSO without a system call a filter could refuse, so the last bullet checks nothing there
//! (on aarch64 the known-bytes step is skipped)
//! (and the memory search exempts the first 96 bytes drawn after the copy: a pool of at most 96
//! bytes is not found there either); the same holds off Linux and on other architectures. A
//! token function reading `/dev/urandom` itself, fresh for each token, is refused by that test
//! too, although its bytes are the kernel's: use `OsEntropy::new()` as the stub gives it.
//! Buffers over 64 KiB, the largest `fill` the tests make through the seam (and 1024 bytes
//! through the kernel): a version that asks the system for a short seed only above that size
//! and stretches it with a generator is not caught.
//!
//! **Not a dodge.** The OS token functions calling `getrandom::fill` themselves instead of
//! going through `OsEntropy` and the `*_from` functions: each token is still fresh bytes from
//! one kernel call, which is what the tests above check and what the lesson asks.

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
