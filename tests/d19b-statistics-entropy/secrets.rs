//! Kata 7: tokens from the operating system's generator, behind an injectable source.
//!
//! Known tokens were printed by CPython 3.11 (`bytes.hex`, `base64.urlsafe_b64encode`,
//! which is what `secrets.token_hex` and `secrets.token_urlsafe` use).

// The solution names base64 and the stub does not: loaded here, before any path names it, so
// that the learner's first use does not recompile the whole test binary (docs/authoring.md,
// "Crates only the solution names").
extern crate base64 as _;

use std::collections::HashSet;
use std::process::Command;
use std::sync::{Arc, Barrier, OnceLock};
use std::thread;

use crate::secrets::*;
use rstest::rstest;

/// A source that hands out fixed bytes in order, then reports exhaustion.
struct Scripted {
    bytes: Vec<u8>,
    taken: usize,
}

impl Scripted {
    fn new(bytes: &[u8]) -> Self {
        Self {
            bytes: bytes.to_vec(),
            taken: 0,
        }
    }
}

impl EntropySource for Scripted {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
        let end = self.taken + dest.len();
        let chunk = self
            .bytes
            .get(self.taken..end)
            .ok_or(EntropyError::Exhausted)?;
        dest.copy_from_slice(chunk);
        self.taken = end;
        Ok(())
    }
}

const URL_SAFE_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The three functions that draw from the operating system: every test of the operating
/// system's generator (threads, processes, fork, memory) runs over all three.
const OS_FUNCTIONS: [&str; 3] = ["token_bytes", "token_hex", "token_urlsafe"];

/// The bytes behind an `n`-byte token of `function`, one of [`OS_FUNCTIONS`].
fn os_token(function: &str, n: usize) -> Result<Vec<u8>, EntropyError> {
    match function {
        "token_bytes" => token_bytes(n),
        "token_hex" => token_hex(n).map(|t| decoded(&t, true)),
        "token_urlsafe" => token_urlsafe(n).map(|t| decoded(&t, false)),
        other => panic!("{other} is not one of {OS_FUNCTIONS:?}"),
    }
}

#[test]
fn token_hex_from_a_fixed_source_is_two_lowercase_digits_per_byte() {
    // bytes([0x00, 0x01, 0xab, 0xff, 0x0a]).hex() == '0001abff0a'
    let mut source = Scripted::new(&[0x00, 0x01, 0xab, 0xff, 0x0a]);
    let got = token_hex_from(&mut source, 5);
    assert_eq!(
        got.as_deref(),
        Ok("0001abff0a"),
        "token_hex_from of the bytes 00 01 ab ff 0a gave {got:?}: each byte is two lowercase \
         hex digits, zero-padded ({{:02x}})"
    );
}

#[rstest]
// base64.urlsafe_b64encode(bytes([0xfb, 0xff, 0xbf])).rstrip(b'=') == b'-_-_'
#[case::the_two_url_safe_symbols(&[0xfb, 0xff, 0xbf], "-_-_")]
// base64.urlsafe_b64encode(bytes(3)) == b'AAAA': zero bytes are bytes like any other
#[case::zero_bytes(&[0, 0, 0], "AAAA")]
// base64.urlsafe_b64encode(bytes([1])).rstrip(b'=') == b'AQ'
#[case::no_padding(&[0x01], "AQ")]
// base64.urlsafe_b64encode(bytes(range(32))).rstrip(b'=')
#[case::thirty_two_bytes(
    &std::array::from_fn::<u8, 32, _>(|i| i as u8),
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
)]
fn token_urlsafe_from_a_fixed_source_is_unpadded_url_safe_base64(
    #[case] bytes: &[u8],
    #[case] want: &str,
) {
    let mut source = Scripted::new(bytes);
    let got = token_urlsafe_from(&mut source, bytes.len());
    assert_eq!(
        got.as_deref(),
        Ok(want),
        "token_urlsafe_from of {bytes:02x?} gave {got:?}: Python's token_urlsafe is URL-safe \
         base64 ('-' and '_' instead of '+' and '/') with the '=' padding stripped"
    );
}

#[test]
fn token_bytes_from_takes_exactly_n_bytes_in_order() {
    let mut source = Scripted::new(&[9, 8, 7, 6, 5, 4]);
    let got = token_bytes_from(&mut source, 4);
    assert_eq!(
        (got, source.taken),
        (Ok(vec![9, 8, 7, 6]), 4),
        "token_bytes_from(source, 4) must take the source's next 4 bytes, in order, and no more"
    );
}

#[test]
fn a_failing_source_fails_every_token_instead_of_falling_back() {
    let got = (
        token_bytes_from(&mut Scripted::new(&[1, 2]), 3).map(|_| ()),
        token_hex_from(&mut Scripted::new(&[]), 1).map(|_| ()),
        token_urlsafe_from(&mut Scripted::new(&[1; 15]), 16).map(|_| ()),
    );
    assert_eq!(
        got,
        (
            Err(EntropyError::Exhausted),
            Err(EntropyError::Exhausted),
            Err(EntropyError::Exhausted)
        ),
        "a source that cannot deliver must make the token fail with its error: a token from a \
         fallback generator (or a short token) is worse than no token"
    );
}

/// The errors the failing operating system of the tests reports, one after another: every
/// error `getrandom::Error` can hold without a real system call (`UNSUPPORTED`, as on a
/// platform or sandbox without a generator, `ERRNO_NOT_POSITIVE`, `UNEXPECTED`, and every
/// custom code). The OS's own error numbers (`ENOSYS` included) come from the kernel in
/// `every_token_asks_the_kernel_for_its_bytes_when_drawn`.
fn os_failures() -> impl Iterator<Item = getrandom::Error> {
    [
        getrandom::Error::UNSUPPORTED,
        getrandom::Error::ERRNO_NOT_POSITIVE,
        getrandom::Error::UNEXPECTED,
    ]
    .into_iter()
    .chain((0..=u16::MAX).map(getrandom::Error::new_custom))
}

thread_local! {
    // How many times this thread's fake system fills were called (tests run on many threads).
    static SYSTEM_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    // The error this thread's failing system reports.
    static OS_FAILURE: std::cell::Cell<getrandom::Error> =
        const { std::cell::Cell::new(getrandom::Error::UNSUPPORTED) };
}

/// An operating system whose generator fails with this thread's [`OS_FAILURE`] (as `getrandom`
/// does when the kernel has no entropy source, the sandbox forbids the call, or the device is
/// missing).
fn failing_system(_dest: &mut [u8]) -> Result<(), getrandom::Error> {
    SYSTEM_CALLS.with(|calls| calls.set(calls.get() + 1));
    Err(OS_FAILURE.with(std::cell::Cell::get))
}

/// An operating system that answers with zero bytes everywhere: legitimate output (a 1-byte
/// token is 0x00 once in 256 draws), which `fill` must hand out as it is.
fn zeroing_system(dest: &mut [u8]) -> Result<(), getrandom::Error> {
    SYSTEM_CALLS.with(|calls| calls.set(calls.get() + 1));
    dest.fill(0);
    Ok(())
}

#[test]
fn a_failing_operating_system_is_an_error_never_a_weaker_generator() {
    let mut os = OsEntropy::with_system_fill(failing_system);
    for failure in os_failures() {
        OS_FAILURE.with(|error| error.set(failure));
        let mut dest = [0u8; 16];
        let got = os.fill(&mut dest);
        assert_eq!(
            got,
            Err(EntropyError::Os(failure)),
            "OsEntropy::fill returned {got:?} (bytes {dest:02x?}) when the operating system's \
             generator failed with {failure:?}: it must return Err(EntropyError::Os(the \
             system's error)), whatever the error (unsupported, ENOSYS, EPERM, any code); \
             falling back to a clock-seeded or fixed-seed generator hands out guessable tokens \
             exactly when nobody is looking"
        );
    }
}

#[test]
fn tokens_from_a_failing_operating_system_are_errors() {
    let os = OsEntropy::with_system_fill(failing_system);
    for failure in os_failures().take(4) {
        OS_FAILURE.with(|error| error.set(failure));
        let got = (
            token_bytes_from(&mut os.clone(), 8).map(|_| ()),
            token_hex_from(&mut os.clone(), 8).map(|_| ()),
            token_urlsafe_from(&mut os.clone(), 8).map(|_| ()),
        );
        let want = Err(EntropyError::Os(failure));
        assert_eq!(
            got,
            (want, want, want),
            "tokens drawn from an OsEntropy whose system generator fails with {failure:?} must \
             all fail with EntropyError::Os: no token is better than a predictable one"
        );
    }
}

#[rstest]
fn os_entropy_fills_the_whole_buffer_with_one_call_of_its_system_fill(
    #[values(1, 24, 33, 256, 1024, 65_536)] len: usize,
) {
    SYSTEM_CALLS.with(|calls| calls.set(0));
    let mut os = OsEntropy::with_system_fill(zeroing_system);
    let mut dest = vec![0xa5u8; len];
    let got = os.fill(&mut dest);
    let calls = SYSTEM_CALLS.with(std::cell::Cell::get);
    let not_the_systems = dest.iter().filter(|&&byte| byte != 0).count();
    assert!(
        got.is_ok() && calls == 1 && not_the_systems == 0,
        "OsEntropy::fill of {len} bytes returned {got:?} after {calls} calls of its system fill, \
         and {not_the_systems} of the bytes were not the ones the system wrote (all zero here): a \
         buffer of any size goes to the operating system whole, in one call, and its answer is \
         handed out as it is; a short seed from the system stretched by a fast generator \
         (xorshift, any PRNG) leaves a long token with only the seed's entropy, and a health \
         check that replaces an all-zero answer (legitimate: a 1-byte token is 0 once in 256) \
         with another generator's bytes is a fallback"
    );
}

#[rstest]
#[case::zero(0, 0)]
#[case::one(1, 2)]
#[case::two(2, 3)]
#[case::three(3, 4)]
#[case::sixteen(16, 22)]
#[case::pythons_default(32, 43)]
fn os_tokens_have_the_promised_lengths_and_alphabets(#[case] n: usize, #[case] url_len: usize) {
    // [len(secrets.token_urlsafe(n)) for n in (0, 1, 2, 3, 16, 32)] == [0, 2, 3, 4, 22, 43]
    let (bytes, hex, url) = (token_bytes(n), token_hex(n), token_urlsafe(n));
    let lengths = (
        bytes.as_ref().map(Vec::len),
        hex.as_ref().map(String::len),
        url.as_ref().map(String::len),
    );
    assert_eq!(
        lengths,
        (Ok(n), Ok(2 * n), Ok(url_len)),
        "for n = {n} the OS tokens had the lengths {lengths:?}: n bytes, 2n hex digits, \
         ceil(4n / 3) unpadded base64 characters"
    );
    let hex_ok = hex.is_ok_and(|h| h.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    let url_ok = url.is_ok_and(|u| u.chars().all(|c| URL_SAFE_ALPHABET.contains(c)));
    assert!(
        hex_ok && url_ok,
        "token_hex must use only 0-9 a-f and token_urlsafe only A-Z a-z 0-9 - _"
    );
}

#[test]
fn ten_thousand_os_tokens_never_repeat() {
    let mut seen = HashSet::new();
    for i in 0..10_000 {
        let token = token_bytes(16);
        let Ok(token) = token else {
            panic!("token_bytes(16) failed: {token:?}")
        };
        assert!(
            seen.insert(token.clone()),
            "token {i} repeated an earlier one ({token:02x?}): 128 random bits never collide; \
             a generator seeded afresh from a fixed value or from a coarse clock does"
        );
    }
}

#[rstest]
fn threads_drawing_at_the_same_moment_get_different_tokens(
    #[values("token_bytes", "token_hex", "token_urlsafe")] function: &'static str,
) {
    const THREADS: usize = 8;
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                os_token(function, 16)
            })
        })
        .collect();
    let tokens: Vec<Option<Vec<u8>>> = handles
        .into_iter()
        .map(|handle| handle.join().ok().and_then(Result::ok))
        .collect();
    let distinct: HashSet<_> = tokens.iter().flatten().collect();
    assert!(
        distinct.len() == THREADS,
        "{THREADS} threads released together drew the {function} tokens {tokens:02x?}: a \
         per-thread generator with a fixed or clock-based seed gives threads that start \
         together the same tokens; the OS generator never does"
    );
}

/// Marks the tokens a child process prints for the two-process test.
const TOKEN_LINE: &str = "d19b-os-token:";

#[test]
fn an_os_hex_token_of_16_bytes_is_32_hex_digits() {
    let token = token_hex(16);
    let Ok(token) = token else {
        panic!("token_hex(16) failed: {token:?}")
    };
    // The two-process test runs this test in child processes and reads these lines: a
    // token of each OS function, as the hex of its bytes.
    for function in OS_FUNCTIONS {
        let drawn = os_token(function, 16).map(|bytes| hex(&bytes));
        println!("{TOKEN_LINE}{function}:{drawn:?}");
    }
    assert_eq!(
        token.len(),
        32,
        "token_hex(16) gave {token:?}: 16 bytes are 32 hex digits"
    );
}

/// Lowercase hex of `bytes`, for messages and the lines a child process prints.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What two child processes of this test binary printed, each running
/// `an_os_hex_token_of_16_bytes_is_32_hex_digits` (started once, for every function's case).
fn two_child_processes() -> &'static [Result<String, String>; 2] {
    static CHILDREN: OnceLock<[Result<String, String>; 2]> = OnceLock::new();
    CHILDREN.get_or_init(|| {
        let run = || -> Result<String, String> {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let module = module_path!().split_once("::").map_or("", |(_, rest)| rest);
            let test = format!("{module}::an_os_hex_token_of_16_bytes_is_32_hex_digits");
            let output = Command::new(exe)
                .args([test.as_str(), "--exact", "--nocapture", "--test-threads=1"])
                .output()
                .map_err(|e| e.to_string())?;
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        };
        [run(), run()]
    })
}

/// The token of `function` that a child process printed (see [`two_child_processes`]).
fn token_from_a_child_process(
    printed: &Result<String, String>,
    function: &str,
) -> Result<String, String> {
    let marker = format!("{TOKEN_LINE}{function}:");
    printed
        .as_ref()
        .map_err(Clone::clone)?
        .lines()
        .find_map(|line| {
            line.split_once(marker.as_str())
                .map(|(_, token)| token.to_owned())
        })
        .ok_or_else(|| {
            format!(
                "the child process printed no {function} token: \
                 an_os_hex_token_of_16_bytes_is_32_hex_digits must pass first"
            )
        })
}

#[rstest]
fn two_processes_draw_different_tokens(
    #[values("token_bytes", "token_hex", "token_urlsafe")] function: &str,
) {
    let [first, second] = two_child_processes();
    let (first, second) = (
        token_from_a_child_process(first, function),
        token_from_a_child_process(second, function),
    );
    assert!(
        matches!((&first, &second), (Ok(a), Ok(b)) if a != b && a.starts_with("Ok")),
        "two processes drew the {function} tokens {first:?} and {second:?}: a process-wide \
         generator with a fixed seed hands every process (every restart of a server) the same \
         tokens; the OS generator does not"
    );
}

/// The C library's `fork`, `waitpid`, `kill` and `_exit` (std links the C library already).
#[cfg(target_os = "linux")]
mod c {
    unsafe extern "C" {
        pub(super) fn fork() -> i32;
        pub(super) fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
        pub(super) fn kill(pid: i32, signal: i32) -> i32;
        pub(super) fn _exit(status: i32) -> !;
    }
}

/// Draws a token of `function` here (so any lazily seeded state exists), forks, and draws the
/// next 16-byte token on both sides of the fork: (the parent's, the child's), as their bytes.
/// The child starts with a copy of this process's memory, and leaves through `_exit` without
/// returning to the tests.
#[cfg(target_os = "linux")]
fn tokens_on_both_sides_of_a_fork(function: &str) -> (Vec<u8>, Result<Vec<u8>, String>) {
    use std::io::{Read, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    let first = os_token(function, 16);
    assert!(first.is_ok(), "{function}(16) failed: {first:?}");
    let (mut reader, mut writer) = std::io::pipe().expect("the OS should give the test a pipe");
    // SAFETY: the child only draws one token, writes it into the pipe and ends with `_exit`.
    let pid = unsafe { c::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let drawn = std::panic::catch_unwind(|| os_token(function, 16));
        let code = match drawn {
            Ok(Ok(token)) if writer.write_all(&token).is_ok() => 0,
            _ => 1,
        };
        // SAFETY: ends the child at once, running nothing of the test harness.
        unsafe { c::_exit(code) }
    }
    drop(writer);
    let parent = os_token(function, 16);
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut token = Vec::new();
        let _ = sender.send(reader.read_to_end(&mut token).map(|_| token));
    });
    let child = match receiver.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(token)) if !token.is_empty() => Ok(token),
        Ok(_) => Err(format!(
            "the child process drew no token ({function} failed or panicked)"
        )),
        Err(_) => {
            // SAFETY: signals the child this test forked, and no other process.
            unsafe { c::kill(pid, 9) };
            Err(
                "the forked child drew no token within 10 s: it waits on a lock that another \
                 thread held when the process forked, so tokens come from a process-wide \
                 generator behind a lock, whose state fork copies too; OsEntropy::new() must \
                 ask the operating system (getrandom::fill) for every token"
                    .to_owned(),
            )
        }
    };
    let mut status = 0;
    // SAFETY: reaps the child this test forked.
    unsafe { c::waitpid(pid, &mut status, 0) };
    let parent = parent.unwrap_or_else(|e| panic!("{function}(16) failed in the parent: {e}"));
    (parent, child)
}

#[cfg(target_os = "linux")]
#[rstest]
fn a_forked_child_and_its_parent_draw_different_tokens(
    #[values("token_bytes", "token_hex", "token_urlsafe")] function: &str,
) {
    let (parent, child) = tokens_on_both_sides_of_a_fork(function);
    let child = child.unwrap_or_else(|why| panic!("{why}"));
    assert_ne!(
        parent,
        child,
        "after a fork the parent and the child drew the same {function} token {}: the bytes \
         come from a generator whose state lives in the process's memory (seeded once, per \
         thread, from a clock, or even from the OS), and fork copies that memory; every token's \
         bytes must come from OsEntropy::new() (getrandom::fill) when it is drawn",
        hex(&parent)
    );
}

/// Set in the child process that `no_token_waits_in_memory_before_it_is_drawn` starts.
const MEMORY_CHILD: &str = "D19B_SECRETS_MEMORY_CHILD";

/// A copy of every readable and writable mapping of this process (heap, stacks, thread-local
/// storage, statics), as the 8-byte words at its addresses that are multiples of 8: wherever
/// a program keeps bytes, they are in here.
#[cfg(target_os = "linux")]
fn writable_memory() -> Vec<u64> {
    use std::os::unix::fs::FileExt;
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    let regions: Vec<(u64, usize)> = maps
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (range, perms) = (fields.first()?, fields.get(1)?);
            let name = fields.get(5).copied().unwrap_or("");
            if !perms.starts_with("rw") || name.starts_with("[v") {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            let (start, end) = (
                u64::from_str_radix(start, 16).ok()?,
                u64::from_str_radix(end, 16).ok()?,
            );
            // Mappings are whole pages: a whole number of words.
            Some((start, usize::try_from((end - start) / 8).ok()?))
        })
        .collect();
    // A fresh mapping of its own (a large zeroed allocation), not one of those listed above.
    let mut copy = vec![0u64; regions.iter().map(|&(_, words)| words).sum()];
    let memory = std::fs::File::open("/proc/self/mem").expect("open /proc/self/mem");
    let mut at = 0;
    for (start, words) in regions {
        let region = &mut copy[at..at + words];
        // SAFETY: the bytes of a `[u64]`, which any bytes are a valid value of.
        let bytes =
            unsafe { std::slice::from_raw_parts_mut(region.as_mut_ptr().cast::<u8>(), words * 8) };
        // A region that went away since /proc/self/maps was read stays zeros.
        let _ = memory.read_exact_at(bytes, start);
        at += words;
    }
    copy
}

/// The runs of bytes [`holds_any_run`] looks for, as the 8-byte words they make in memory.
struct Needles {
    /// Every run of 8 raw bytes.
    words: Vec<u64>,
    /// Every run of 16 characters of a text encoding, as two words (8 characters of hex text
    /// are only 32 random bits: two words keep chance matches out).
    pairs: Vec<(u64, u64)>,
    /// Whether some needle starts with a word whose low 16 bits are the index.
    maybe: Vec<bool>,
}

fn word(eight: &[u8]) -> u64 {
    u64::from_ne_bytes(eight.try_into().expect("8 bytes"))
}

/// The texts a token's `bytes` may be kept as: lowercase and uppercase hex, and URL-safe and
/// standard base64 starting at each of the first three bytes (whole 3-byte groups only).
fn encodings(bytes: &[u8]) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let lower: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut texts = vec![lower.to_uppercase().into_bytes(), lower.into_bytes()];
    for start in 0..3.min(bytes.len()) {
        let groups = &bytes[start..start + (bytes.len() - start) / 3 * 3];
        for engine in [URL_SAFE_NO_PAD, STANDARD_NO_PAD] {
            texts.push(engine.encode(groups).into_bytes());
        }
    }
    texts
}

impl Needles {
    /// The raw bytes of every token and their [`encodings`].
    fn of(tokens: &[&[u8]]) -> Self {
        let mut words: Vec<u64> = tokens
            .iter()
            .flat_map(|token| token.windows(8).map(word))
            .collect();
        let mut pairs: Vec<(u64, u64)> = tokens
            .iter()
            .flat_map(|token| encodings(token))
            .flat_map(|text| {
                text.windows(16)
                    .map(|run| (word(&run[..8]), word(&run[8..])))
                    .collect::<Vec<_>>()
            })
            .collect();
        words.sort_unstable();
        pairs.sort_unstable();
        let mut maybe = vec![false; 1 << 16];
        for first in words.iter().chain(pairs.iter().map(|(first, _)| first)) {
            maybe[(first & 0xffff) as usize] = true;
        }
        Self {
            words,
            pairs,
            maybe,
        }
    }
}

/// Whether the words of `memory` (from [`writable_memory`]) hold any 8 consecutive raw bytes
/// of the tokens, or 16 consecutive characters of one of their encodings. Wherever a run of 15
/// raw bytes (23 characters) lies, one of those is whole words.
fn holds_any_run(memory: &[u64], needles: &Needles) -> bool {
    memory.iter().enumerate().any(|(i, &w)| {
        needles.maybe[(w & 0xffff) as usize]
            && (needles.words.binary_search(&w).is_ok()
                || memory
                    .get(i + 1)
                    .is_some_and(|&next| needles.pairs.binary_search(&(w, next)).is_ok()))
    })
}

/// The bytes behind a token, whichever function drew it.
fn decoded(token: &str, hex: bool) -> Vec<u8> {
    use base64::Engine as _;
    if hex {
        (0..token.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&token[i..i + 2], 16).expect("token_hex gives hex digits"))
            .collect()
    } else {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .expect("token_urlsafe gives unpadded URL-safe base64")
    }
}

/// The tokens the memory test draws, in this order: session-sized ones (which a batch of
/// bytes fetched ahead might serve), large ones, and a last small one, so that a pool of any
/// size is left partly full when the memory is copied.
const MEMORY_DRAWS: [usize; 9] = [16, 32, 64, 16, 32, 64, 100, 1024, 8];

/// How many bytes the C library may keep ready from the kernel: glibc 2.41 and later call the
/// vDSO `getrandom`, which keeps a batch of up to 96 bytes per thread (from then on the kernel
/// writes straight into the token); older glibc keep none.
fn libc_batch() -> usize {
    #[cfg(target_env = "gnu")]
    {
        unsafe extern "C" {
            fn gnu_get_libc_version() -> *const std::ffi::c_char;
        }
        // SAFETY: glibc returns a static NUL-terminated string such as "2.36".
        let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
        let mut parts = version
            .to_str()
            .unwrap_or("")
            .split('.')
            .map(|part| part.parse::<u32>().unwrap_or(0));
        let release = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        if release >= (2, 41) {
            return 96;
        }
    }
    0
}

/// This process's open file descriptors that are not the kernel's generator devices or
/// `/proc` itself, with what each refers to (a pipe, a memfd, a file).
#[cfg(target_os = "linux")]
fn kept_descriptors() -> HashSet<(String, String)> {
    std::fs::read_dir("/proc/self/fd")
        .expect("list /proc/self/fd")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let target = std::fs::read_link(entry.path()).ok()?;
            let target = target.to_string_lossy().into_owned();
            let generator = ["/dev/urandom", "/dev/random"].contains(&target.as_str());
            (!generator && !target.starts_with("/proc/"))
                .then(|| (entry.file_name().to_string_lossy().into_owned(), target))
        })
        .collect()
}

/// In this (child) process: for each token function, draw the [`MEMORY_DRAWS`] (any pool or
/// generator buffer is filled now), copy the process's memory, then draw them again and look
/// for their bytes, raw or as text, in the copy. The first [`libc_batch`] bytes drawn after
/// the copy are not looked for. Then no descriptor may have been left open by the draws.
#[cfg(target_os = "linux")]
fn no_token_is_in_memory_before_it_is_drawn() {
    let descriptors = kept_descriptors();
    for name in OS_FUNCTIONS {
        let draw_all = || -> Vec<Vec<u8>> {
            MEMORY_DRAWS
                .iter()
                .map(|&n| os_token(name, n).unwrap_or_else(|e| panic!("{name}({n}) failed: {e}")))
                .collect()
        };
        draw_all();
        let before = writable_memory();
        let tokens = draw_all();
        let mut exempt = libc_batch();
        let looked_for: Vec<&[u8]> = tokens
            .iter()
            .map(|token| {
                let skip = exempt.min(token.len());
                exempt -= skip;
                &token[skip..]
            })
            .collect();
        assert!(
            !holds_any_run(&before, &Needles::of(&looked_for)),
            "the bytes of tokens that {name} drew (sizes {MEMORY_DRAWS:?}) were in the \
             process's memory before they were drawn, raw or as hex or base64 text: tokens are \
             served from a pool fetched ahead (or a generator's output buffer), for small tokens \
             or all of them, where a core dump or a memory disclosure shows the next tokens; \
             each token's n bytes must come from OsEntropy::fill when the token is drawn"
        );
    }
    let left_open: Vec<_> = kept_descriptors()
        .difference(&descriptors)
        .cloned()
        .collect();
    assert!(
        left_open.is_empty(),
        "drawing tokens left the descriptors {left_open:?} open (descriptor, what it refers \
         to): bytes fetched ahead and parked outside the process's memory (a pipe, a memfd, a \
         file) are still the next tokens, waiting to be read; each token's n bytes must come \
         from OsEntropy::fill when the token is drawn"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn no_token_waits_in_memory_before_it_is_drawn() {
    if std::env::var_os(MEMORY_CHILD).is_some() {
        no_token_is_in_memory_before_it_is_drawn();
        return;
    }
    // In a child process that runs this test alone, so the memory to search is small and no
    // other test's bytes are in it.
    passes_alone_in_a_child_process(
        "no_token_waits_in_memory_before_it_is_drawn",
        MEMORY_CHILD,
        "the next token's bytes must not wait in the process's memory (no pool of bytes \
         fetched ahead, no generator buffer)",
    );
}

/// Runs the test `name` of this module alone in a child process of this test binary, with the
/// variable `child` set (the test does its work when it sees it), and fails with `lesson` and
/// the child's output unless it passed there.
fn passes_alone_in_a_child_process(name: &str, child: &str, lesson: &str) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let module = module_path!().split_once("::").map_or("", |(_, rest)| rest);
    let test = format!("{module}::{name}");
    let output = Command::new(exe)
        .env(child, "1")
        .env("RUST_BACKTRACE", "0")
        .args([test.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .output()
        .expect("the test binary runs again as a child process");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "in a child process, {test} failed: {lesson}.\n\
         child stdout:\n{stdout}\nchild stderr:\n{stderr}"
    );
}

/// Set in the child process that `every_token_asks_the_kernel_for_its_bytes_when_drawn` starts.
const CUT_OFF_CHILD: &str = "D19B_SECRETS_CUT_OFF_CHILD";

/// A seccomp filter on every thread of this process: from now on each `getrandom` system call
/// that asks for fewer than `at_least` bytes fails with `EIO` (`u32::MAX`: every one fails);
/// with `errno_is_the_length`, each `getrandom` call of `n` bytes (1 to 4095) fails with the
/// error number `n` instead (`ENOSYS` for 38 bytes, `EPERM` for 1, ...).
/// Filters only add up: a call fails if any filter installed so far refuses it, with the error
/// of the last filter installed that refuses it. With `trap` (x86-64 only), each refused call
/// raises `SIGSYS` instead, and [`known_bytes_handler`] answers it with known bytes (a trap
/// wins over every error, whatever the order the filters were installed in).
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
fn refuse_getrandom_below(at_least: u32, errno_is_the_length: bool, trap: bool) {
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Instruction(u16, u8, u8, u32);
    #[repr(C)]
    struct Program(u16, *const Instruction);
    unsafe extern "C" {
        fn prctl(option: i32, ...) -> i32;
        fn syscall(number: i64, ...) -> i64;
    }
    #[cfg(target_arch = "x86_64")]
    let (arch, getrandom, seccomp) = (0xc000_003e, 318, 317);
    #[cfg(target_arch = "aarch64")]
    let (arch, getrandom, seccomp) = (0xc000_00b7, 278, 277);
    let (load, equal, at_or_above, or, ret, ret_a) = (0x20, 0x15, 0x35, 0x44, 0x06, 0x16);
    let (allow, errno) = (0x7fff_0000, 0x0005_0000);
    let refused = if trap {
        [Instruction(ret, 0, 0, 0x0003_0000); 3]
    } else if errno_is_the_length {
        // The length (still in the accumulator) below 4096, as the error number.
        [
            Instruction(at_or_above, 2, 0, 4096),
            Instruction(or, 0, 0, errno),
            Instruction(ret_a, 0, 0, 0),
        ]
    } else {
        [
            Instruction(ret, 0, 0, errno | 5),
            Instruction(ret, 0, 0, errno | 5),
            Instruction(ret, 0, 0, errno | 5),
        ]
    };
    let filter = [
        Instruction(load, 0, 0, 4), // the architecture
        Instruction(equal, 0, 8, arch),
        Instruction(load, 0, 0, 0), // the system call's number
        Instruction(equal, 0, 6, getrandom),
        Instruction(load, 0, 0, 24), // its length argument (low half)
        Instruction(at_or_above, 4, 0, at_least),
        refused[0],
        refused[1],
        refused[2],
        Instruction(ret, 0, 0, errno | 5),
        Instruction(ret, 0, 0, allow),
    ];
    let program = Program(filter.len() as u16, filter.as_ptr());
    // SAFETY: PR_SET_NO_NEW_PRIVS, then seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
    // a valid program that outlives the call); the kernel copies the program.
    let installed = unsafe {
        prctl(38, 1_u64, 0_u64, 0_u64, 0_u64) == 0
            && syscall(seccomp, 1_u64, 1_u64, &raw const program) == 0
    };
    assert!(installed, "the test could not install its seccomp filter");
}

/// In this (child) process: draw tokens of each function (so any pool or seeded generator is
/// ready), then let through only `getrandom` calls that ask for a whole token's bytes, drawing
/// 32, 64, 100 and 1024 bytes (each must succeed), then refuse every `getrandom`: every token
/// must now fail.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
fn every_token_fails_once_the_kernel_refuses() {
    for name in OS_FUNCTIONS {
        for n in MEMORY_DRAWS {
            let _ = os_token(name, n);
        }
    }
    for n in [32, 64, 100, 1024] {
        refuse_getrandom_below(n as u32, false, false);
        for name in OS_FUNCTIONS {
            let got = os_token(name, n).map(|token| token.len());
            assert_eq!(
                got,
                Ok(n),
                "with every getrandom call asking for fewer than {n} bytes refused, {name}({n}) \
                 gave {got:?}: the token's {n} bytes must come from one call of the kernel's \
                 generator (OsEntropy::fill), not from a short OS seed stretched by a generator"
            );
        }
    }
    refuse_getrandom_below(u32::MAX, false, false);
    for name in OS_FUNCTIONS {
        for n in MEMORY_DRAWS {
            let got = os_token(name, n);
            assert!(
                matches!(got, Err(EntropyError::Os(_))),
                "with the kernel's getrandom refused, {name}({n}) gave {got:?} instead of \
                 Err(EntropyError::Os(..)): its bytes came from somewhere the kernel was not \
                 asked when the token was drawn (a pool fetched ahead, in memory, read-only or \
                 not, in a file or a pipe; a generator seeded earlier, std's RandomState \
                 included); each token's n bytes must come from OsEntropy::fill when it is drawn"
            );
        }
    }
    // Every error number the kernel may report (EINTR, 4, is retried by getrandom::fill).
    refuse_getrandom_below(u32::MAX, true, false);
    for n in (1..=133).filter(|&n| n != 4) {
        for name in OS_FUNCTIONS {
            let got = os_token(name, n);
            assert!(
                matches!(got, Err(EntropyError::Os(e)) if e.raw_os_error() == Some(n as i32)),
                "with the kernel's getrandom failing with error number {n} ({}), {name}({n}) gave \
                 {got:?} instead of Err(EntropyError::Os(that error)): whatever the kernel \
                 reports (ENOSYS on an old kernel or in a sandbox, EPERM, anything), the token \
                 fails with it; never fall back to a weaker generator",
                std::io::Error::from_raw_os_error(n as i32)
            );
        }
    }
    #[cfg(target_arch = "x86_64")]
    every_token_is_the_bytes_its_getrandom_call_gave();
}

/// How many `getrandom` calls [`known_bytes_handler`] has answered.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
static KNOWN_CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Byte `i` of the known answer to the `call`-th trapped `getrandom` call.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn known_byte(call: u64, i: usize) -> u8 {
    ((call << 32 | i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as u8
}

/// `SIGSYS` handler for trapped `getrandom(buf, n, flags)` calls: fills `buf` with known bytes
/// and returns `n`, as the kernel would (x86-64 `ucontext_t`: general registers from byte 40;
/// `rdi`, `rsi` and `rax` are registers 8, 9 and 13).
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
extern "C" fn known_bytes_handler(_signal: i32, _info: *mut u8, context: *mut u8) {
    use std::sync::atomic::Ordering;
    // SAFETY: the kernel passes the interrupted thread's ucontext_t; getrandom's buffer of
    // `len` bytes is the caller's, writable, and the call does not run.
    unsafe {
        let register = |index: usize| context.add(40 + 8 * index).cast::<u64>();
        let (buf, len) = (*register(8) as *mut u8, *register(9) as usize);
        let call = KNOWN_CALLS.fetch_add(1, Ordering::SeqCst);
        for i in 0..len {
            *buf.add(i) = known_byte(call, i);
        }
        *register(13) = len as u64;
    }
}

/// From now on the kernel's `getrandom` answers with known bytes: each token must be exactly
/// the bytes of the last `getrandom` call it made, not another generator's output for which it
/// only "pinged" the kernel.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn every_token_is_the_bytes_its_getrandom_call_gave() {
    #[repr(C)]
    struct SigAction(usize, [u64; 16], i32, usize);
    unsafe extern "C" {
        fn sigaction(signal: i32, action: *const SigAction, old: *mut SigAction) -> i32;
    }
    let handler = known_bytes_handler as extern "C" fn(i32, *mut u8, *mut u8) as usize;
    // SIGSYS (31) with SA_SIGINFO (4): the handler gets the ucontext_t.
    let action = SigAction(handler, [0; 16], 4, 0);
    // SAFETY: a valid handler for SIGSYS, which only this process's filter raises.
    let installed = unsafe { sigaction(31, &raw const action, std::ptr::null_mut()) == 0 };
    assert!(installed, "the test could not install its SIGSYS handler");
    refuse_getrandom_below(u32::MAX, false, true);
    for name in OS_FUNCTIONS {
        for n in MEMORY_DRAWS {
            let got = os_token(name, n);
            let call = KNOWN_CALLS.load(std::sync::atomic::Ordering::SeqCst);
            let known: Vec<u8> = (0..n)
                .map(|i| known_byte(call.wrapping_sub(1), i))
                .collect();
            assert!(
                got.as_deref() == Ok(&known[..]),
                "with the kernel's getrandom answering known bytes, {name}({n}) gave {got:?}, \
                 not the {n} bytes its last getrandom call got ({known:?}): the token came from \
                 another generator (a stream seeded earlier, a pool, a clock hash) and the \
                 kernel call was only a gate whose bytes were dropped; the token IS the bytes \
                 of OsEntropy::fill"
            );
        }
    }
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[test]
fn every_token_asks_the_kernel_for_its_bytes_when_drawn() {
    if libc_batch() > 0 {
        // glibc 2.41 and later answer getrandom from the vDSO, without a system call to refuse.
        return;
    }
    if std::env::var_os(CUT_OFF_CHILD).is_some() {
        every_token_fails_once_the_kernel_refuses();
        return;
    }
    // In a child process: the filters stay on a process for good.
    passes_alone_in_a_child_process(
        "every_token_asks_the_kernel_for_its_bytes_when_drawn",
        CUT_OFF_CHILD,
        "every token's n bytes must come from one getrandom call when it is drawn",
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): any bytes
/// of any length encoded as Python encodes them, and tokens drawn one after another from one
/// source, each taking exactly its own bytes.
#[cfg(feature = "held-out")]
mod held_out {
    use super::{EntropyError, Scripted, token_bytes_from, token_hex_from, token_urlsafe_from};
    use base64::Engine as _;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn tokens_from_a_fixed_source_encode_any_bytes_as_python_does(
            bytes in prop::collection::vec(any::<u8>(), 0..70)
        ) {
            let hex = token_hex_from(&mut Scripted::new(&bytes), bytes.len());
            let url = token_urlsafe_from(&mut Scripted::new(&bytes), bytes.len());
            let want_hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let want_url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
            prop_assert_eq!(
                (hex.as_deref(), url.as_deref()), (Ok(want_hex.as_str()), Ok(want_url.as_str())),
                "token_hex_from and token_urlsafe_from of the {} bytes {:02x?} gave {:?} and {:?}: \
                 two lowercase hex digits per byte, and URL-safe base64 ('-' and '_') without '=' \
                 padding, as bytes.hex() and base64.urlsafe_b64encode(bytes).rstrip(b'=')",
                bytes.len(), bytes, hex, url
            );
        }
    }

    #[test]
    fn tokens_drawn_one_after_another_take_exactly_their_own_bytes() {
        let mut source = Scripted::new(&[0x00, 0x10, 0xfe, 0xfb, 0xff, 0xbf, 0x01, 7, 8, 9]);
        let got = (
            token_hex_from(&mut source, 3),
            token_urlsafe_from(&mut source, 0),
            token_urlsafe_from(&mut source, 4),
            token_bytes_from(&mut source, 3),
        );
        let taken = source.taken;
        let after = token_hex_from(&mut source, 1);
        assert_eq!(
            (got, taken, after),
            (
                (
                    Ok("0010fe".to_owned()),
                    Ok(String::new()),
                    Ok("-_-_AQ".to_owned()),
                    Ok(vec![7, 8, 9])
                ),
                10,
                Err(EntropyError::Exhausted)
            ),
            "four tokens of 3, 0, 4 and 3 bytes from one source of 10 bytes must take them in \
             order, each exactly n bytes (no fixed-size draw cut down afterwards), and then a \
             fifth token finds the source exhausted"
        );
    }
}
