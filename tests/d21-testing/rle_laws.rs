//! Kata 5: the run-length codec, mostly through laws over generated inputs.

use proptest::prelude::*;
use rstest::rstest;

use super::heap::{alone, peak_heap_of_process};
use crate::rle_laws::*;

/// Data with long runs (up to 600 equal bytes), the shape that breaks counters.
fn runs() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((0u8..4, 1usize..600), 0..6).prop_map(|runs| {
        runs.into_iter()
            .flat_map(|(byte, len)| std::iter::repeat_n(byte, len))
            .collect()
    })
}

/// Any data: long runs or arbitrary bytes.
fn data() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![runs(), prop::collection::vec(any::<u8>(), 0..64)]
}

/// Any valid encoding, canonical or not: pairs with counts 1..=255.
fn valid_encoding() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((1u8..=255, 0u8..3), 0..12)
        .prop_map(|pairs| pairs.into_iter().flat_map(|(c, b)| [c, b]).collect())
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn decoding_an_encoding_gives_back_the_data(data in data()) {
        let decoded = decode(&encode(&data));
        prop_assert_eq!(decoded, Ok(data), "decode(encode(x)) must be x");
    }

    #[test]
    fn an_encoding_is_never_longer_than_twice_the_data(data in data()) {
        let encoded = encode(&data);
        prop_assert!(
            encoded.len() <= 2 * data.len(),
            "{} bytes encoded to {} bytes: at worst each byte becomes one pair",
            data.len(),
            encoded.len()
        );
    }

    #[test]
    fn an_encoding_has_the_fewest_pairs(data in data()) {
        // Each maximal run needs ceil(len / 255) pairs, wherever it starts in the data.
        let fewest: usize = data.chunk_by(|a, b| a == b).map(|run| run.len().div_ceil(255)).sum();
        let pairs = encode(&data).len() / 2;
        prop_assert_eq!(
            pairs,
            fewest,
            "encode of {} bytes wrote {} pairs where its maximal runs need {}: each maximal run \
             is [255, b] pairs then one with the rest, wherever it starts (never split at a \
             fixed chunk of the data)",
            data.len(),
            pairs,
            fewest
        );
    }

    #[test]
    fn normalizing_twice_changes_nothing(encoded in valid_encoding()) {
        let once = normalize(&encoded);
        let twice = once.clone().and_then(|n| normalize(&n));
        prop_assert_eq!(twice, once, "normalize must be idempotent");
    }

    #[test]
    fn normalizing_agrees_with_encoding_the_decoded_data(encoded in valid_encoding()) {
        let via_data = decode(&encoded).map(|data| encode(&data));
        prop_assert_eq!(
            normalize(&encoded),
            via_data,
            "normalize(e) must equal encode(decode(e)): one canonical form per data"
        );
    }

    #[test]
    fn decoding_any_bytes_returns_instead_of_panicking(bytes in prop::collection::vec(any::<u8>(), 0..32)) {
        let outcome = std::panic::catch_unwind(|| decode(&bytes));
        prop_assert!(outcome.is_ok(), "decode panicked on {:?}: bad input needs a DecodeError", bytes);
    }
}

#[rstest]
#[case::empty(b"".to_vec(), vec![])]
#[case::single_byte(b"z".to_vec(), vec![1, b'z'])]
#[case::two_runs(b"aaab".to_vec(), vec![3, b'a', 1, b'b'])]
#[case::no_runs(b"abc".to_vec(), vec![1, b'a', 1, b'b', 1, b'c'])]
#[case::full_count(vec![b'x'; 255], vec![255, b'x'])]
// Pinned from proptest: against an encode whose count wrapped past 255, the round-trip
// law failed and shrank to exactly this input, 256 zero bytes.
#[case::shrunk_regression_256_zero_bytes(vec![0; 256], vec![255, 0, 1, 0])]
#[case::two_full_counts(vec![b'x'; 510], vec![255, b'x', 255, b'x'])]
#[case::a_run_across_byte_255([vec![b'a'], vec![b'b'; 300]].concat(), vec![1, b'a', 255, b'b', 45, b'b'])]
// Past a u16 counter: 65,536 bytes (257 full pairs and one byte), and 2 × 65,536 + 300.
#[case::a_run_of_65_536_bytes(vec![b'x'; 65_536], [[255, b'x'].repeat(257), vec![1, b'x']].concat())]
#[case::a_run_past_twice_65_536_bytes(vec![b'y'; 131_372], [[255, b'y'].repeat(515), vec![47, b'y']].concat())]
fn encodes_runs_as_count_byte_pairs(#[case] data: Vec<u8>, #[case] expected: Vec<u8>) {
    assert_eq!(
        encode(&data),
        expected,
        "encode of {} bytes: each maximal run as [255, b] pairs then one [rest, b] pair, \
         however long the run (a run counter narrower than usize overflows on a long one)",
        data.len()
    );
}

#[rstest]
#[case::lone_count(vec![2, b'a', 3], DecodeError::Truncated { offset: 2 })]
#[case::just_a_count(vec![9], DecodeError::Truncated { offset: 0 })]
#[case::zero_count_first(vec![0, b'a'], DecodeError::ZeroCount { offset: 0 })]
#[case::zero_count_later(vec![1, b'a', 0, b'b'], DecodeError::ZeroCount { offset: 2 })]
fn decoding_a_malformed_encoding_names_the_bad_offset(
    #[case] encoded: Vec<u8>,
    #[case] expected: DecodeError,
) {
    assert_eq!(
        decode(&encoded),
        Err(expected),
        "decode({encoded:?}) must refuse with the offset of the bad pair"
    );
}

#[rstest]
#[case::merges_split_runs(vec![1, b'a', 2, b'a', 1, b'b'], vec![3, b'a', 1, b'b'])]
#[case::refills_full_pairs(vec![200, b'a', 100, b'a'], vec![255, b'a', 45, b'a'])]
#[case::keeps_canonical_input(vec![255, b'a', 1, b'a'], vec![255, b'a', 1, b'a'])]
#[case::empty(vec![], vec![])]
fn normalizes_to_the_canonical_encoding(#[case] encoded: Vec<u8>, #[case] expected: Vec<u8>) {
    assert_eq!(
        normalize(&encoded),
        Ok(expected),
        "normalize({encoded:?}) must merge equal neighbours and refill pairs up to 255"
    );
}

#[test]
fn normalizing_a_malformed_encoding_is_an_error() {
    assert_eq!(
        normalize(&[1, b'a', 0, b'a']),
        Err(DecodeError::ZeroCount { offset: 2 }),
        "normalize must validate like decode does, not skip zero counts"
    );
}

#[test]
fn normalize_merges_the_pairs_without_decoding_the_data() {
    // In a process of its own: the heap of every thread counts, also of one normalize starts.
    alone(
        module_path!(),
        "normalize_merges_the_pairs_without_decoding_the_data",
        normalizes_long_encodings_within_the_heap_bound,
    );
}

fn normalizes_long_encodings_within_the_heap_bound() {
    // 2,000 full pairs, of alternating bytes (2,000 runs) and of one byte (one 510,000-byte
    // run), and that run behind a lone [1, a] pair, which is not canonical (it must merge).
    let alternating: Vec<u8> = (0..2_000)
        .flat_map(|i| [255, if i % 2 == 0 { b'a' } else { b'b' }])
        .collect();
    let one_run: Vec<u8> = (0..2_000).flat_map(|_| [255, b'a']).collect();
    let behind_a_lone_pair = [[1, b'a'].as_slice(), &one_run].concat();
    let refilled = [one_run.as_slice(), &[1, b'a']].concat();
    // 131,072 full pairs of one byte: 32 MiB of data from a 256 KiB encoding, more than any
    // buffer on the stack, and enough to show in the process' resident memory.
    let thirty_two_mib: Vec<u8> = (0..131_072).flat_map(|_| [255, b'a']).collect();
    // First, while no page normalize could write to is resident yet: a decoded copy outside
    // the heap (a static, the system allocator) is new resident memory.
    holds_the_same_heap_whatever_the_counts();
    for (encoded, canonical) in [
        (&thirty_two_mib, &thirty_two_mib),
        (&alternating, &alternating),
        (&one_run, &one_run),
        (&behind_a_lone_pair, &refilled),
    ] {
        normalizes_within_the_heap_bound(encoded, canonical);
    }
    holds_the_same_heap_whatever_the_run_lengths();
    normalizes_on_a_small_stack(&one_run);
}

/// The thread [`normalizes_on_a_small_stack`] runs `normalize` on: its name is what a stack
/// overflow prints.
const SMALL_STACK: &str = "normalize on a 32 KiB stack: a buffer for the decoded data does not \
    fit on it (the stack is memory too); normalize adds up the counts of neighbouring pairs";

/// Runs `normalize` on a thread with a 32 KiB stack: plenty for working on the pairs, too
/// little for a buffer of decoded data on the stack, which overflows it whatever the input
/// (the process then aborts, printing the thread's name).
fn normalizes_on_a_small_stack(encoded: &[u8]) {
    let normalized = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name(SMALL_STACK.into())
            .stack_size(32 << 10)
            .spawn_scoped(scope, || normalize(encoded))
            .expect("a thread with a 32 KiB stack should start")
            .join()
    });
    assert!(
        matches!(normalized, Ok(Ok(_))),
        "{SMALL_STACK}: it failed on {} pairs",
        encoded.len() / 2
    );
}

/// 2 and 1,000 pairs of alternating bytes (canonical as they are), with counts from 1 to 255:
/// the same pairs, so the same heap, whatever the counts; a decoded copy (of any size, above
/// a threshold or below it) grows with them. Run first in its process: a decoded copy kept
/// off the heap (a static, the system allocator) shows as new resident pages.
fn holds_the_same_heap_whatever_the_counts() {
    for pairs in [2, 1_000] {
        let resident_before = resident_memory_reset_to_now();
        let peaks: Vec<(u8, usize)> = [1u8, 2, 16, 17, 128, 255]
            .into_iter()
            .map(|count| {
                let encoded: Vec<u8> = (0..pairs)
                    .flat_map(|i| [count, if i % 2 == 0 { b'a' } else { b'b' }])
                    .collect();
                let (got, peak) = peak_heap_of_process(|| normalize(&encoded));
                assert_eq!(
                    got.as_ref(),
                    Ok(&encoded),
                    "normalize of {pairs} pairs of alternating bytes, each of count {count}, \
                     must give them back: they are canonical"
                );
                (count, peak)
            })
            .collect();
        let resident = kib_of_status("VmHWM").saturating_sub(resident_before);
        // The first round pays for the pages the process touches once (the meter, the
        // first reads of /proc); from the second, working on the same pairs touches no new
        // page. 255,000 bytes of decoded data are 62 pages.
        assert!(
            pairs == 2 || resident <= 64,
            "normalizing {pairs} pairs of alternating bytes with counts from 1 to 255 (decoded \
             data up to {} bytes) made the process' peak resident memory (Linux's VmHWM) grow \
             by {resident} KiB, more than the 64 KiB that working on the same pairs again \
             could touch: normalize wrote (some of) the decoded data to memory the heap meter \
             does not count (a static buffer, the system allocator, a mapping): it is still \
             the decoded data. normalize adds up the counts of neighbouring pairs with the \
             same byte, and never decodes, not even small data",
            pairs * 255
        );
        let least = peaks.iter().map(|&(_, peak)| peak).min().unwrap_or(0);
        let most = peaks.iter().map(|&(_, peak)| peak).max().unwrap_or(0);
        assert!(
            most - least <= 16,
            "normalizing {pairs} pairs of alternating bytes held a different heap for different \
             counts (count, peak bytes): {peaks:?}: the pairs are the same, only the decoded \
             data differs, so normalize held (some of) the decoded data, at some sizes if not \
             at all. normalize works on the pairs at every size: it adds up the counts of \
             neighbouring pairs with the same byte, and never decodes, not even small data"
        );
    }
}

/// The canonical pairs of `len` copies of `byte`: `[255, byte]` pairs, then the rest.
fn canonical_run(byte: u8, len: usize) -> Vec<u8> {
    let rest = u8::try_from(len % 255).expect("a remainder of 255 fits a byte");
    let mut pairs = [255, byte].repeat(len / 255);
    if rest > 0 {
        pairs.extend([rest, byte]);
    }
    pairs
}

/// The canonical pairs of a run with its first pair split in two (`[1, b]` then the rest of
/// it): one pair more than canonical, so `normalize` must merge.
fn split_run(byte: u8, len: usize) -> Vec<u8> {
    let canonical = canonical_run(byte, len);
    [
        [1, byte, canonical[0] - 1, byte].as_slice(),
        &canonical[2..],
    ]
    .concat()
}

/// Non-canonical input whose runs are from 2 bytes to 65,536 (each split over one pair more
/// than it needs), always in 262 pairs that normalize to 260 in two runs: the same pairs
/// in, the same pairs out, so the same heap; a decoded copy of a run (below a threshold or
/// above it) grows with the run.
fn holds_the_same_heap_whatever_the_run_lengths() {
    let peaks: Vec<(usize, usize)> = [2, 17, 255, 256, 1_000, 4_097, 65_536]
        .into_iter()
        .map(|len: usize| {
            let other = (260 - len.div_ceil(255)) * 255;
            let encoded = [split_run(b'a', len), split_run(b'b', other)].concat();
            let canonical = [canonical_run(b'a', len), canonical_run(b'b', other)].concat();
            let (got, peak) = peak_heap_of_process(|| normalize(&encoded));
            assert_eq!(
                got,
                Ok(canonical),
                "normalize of a {len}-byte run then a {other}-byte one, each split over one \
                 pair more than it needs, must merge them into the canonical pairs"
            );
            (len, peak)
        })
        .collect();
    let least = peaks.iter().map(|&(_, peak)| peak).min().unwrap_or(0);
    let most = peaks.iter().map(|&(_, peak)| peak).max().unwrap_or(0);
    assert!(
        most - least <= 16,
        "normalizing 262 pairs into 260 held a different heap for runs of different lengths \
         (length of the first run, peak bytes): {peaks:?}: the pairs in and out are as many, \
         only the runs' lengths differ, so normalize decoded (some of) the runs it merged, at \
         some lengths if not at all. normalize merges a run split over several pairs by adding \
         up their counts, at every length, and never decodes it"
    );
}

fn normalizes_within_the_heap_bound(encoded: &[u8], canonical: &[u8]) {
    let data_len: usize = encoded.chunks(2).map(|pair| usize::from(pair[0])).sum();
    let resident_before = resident_memory_reset_to_now();
    let io_before = bytes_moved_by_the_process();
    let (got, peak) = peak_heap_of_process(|| normalize(encoded));
    let io = bytes_moved_by_the_process() - io_before;
    let resident = kib_of_status("VmHWM").saturating_sub(resident_before) * 1024;

    assert_eq!(
        got,
        Ok(canonical.to_vec()),
        "normalize of {} pairs must be the canonical encoding",
        encoded.len() / 2
    );
    // Room for the pairs, the output and a run record per pair (even 16 bytes), with a
    // Vec's growth: 32 bytes per byte of input. The data is about 127 bytes per byte.
    let bound = 32 * encoded.len() + 1024;
    assert!(
        peak <= bound,
        "normalizing a {}-byte encoding of {data_len} bytes of data held {peak} bytes of heap \
         at once (on any thread), more than the {bound} (32 per input byte) that working on \
         the pairs needs: \
         normalize must add up the counts of neighbouring pairs with the same byte and write \
         the pairs, never hold the decoded data or one decoded run, whether or not the input \
         is already canonical. encode(decode(x)) is the law's other side, and a law that \
         compares a function with its own definition proves nothing",
        encoded.len()
    );
    assert!(
        io <= bound as u64,
        "normalizing a {}-byte encoding of {data_len} bytes of data wrote and read {io} bytes \
         (a scratch file, a pipe: any read or write system call of the process), more than the \
         {bound} that working on the pairs could need: the decoded data held on disk is still \
         the decoded data. normalize adds up the counts of neighbouring pairs in memory and \
         needs no I/O",
        encoded.len()
    );
    // Any memory counts here: the stack, C's malloc, mmap, a static. 2 MiB for the pages the
    // process touches on its own (code, the meter, the kernel's rounding to pages).
    let resident_bound = bound as u64 + (2 << 20);
    assert!(
        resident <= resident_bound,
        "normalizing a {}-byte encoding of {data_len} bytes of data made the process' peak \
         resident memory (Linux's VmHWM) grow by {resident} bytes, more than the \
         {resident_bound} that working on the pairs could touch: the decoded data is still \
         the decoded data on the stack, from C's malloc, in a mapping or in a static. \
         normalize adds up the counts of neighbouring pairs and never writes the data out",
        encoded.len()
    );
}

/// Resets the process' peak resident memory to what it holds now (Linux's `/proc/self/clear_refs`,
/// "5") and returns that, in KiB. Where the reset is refused, the old peak is the baseline:
/// the growth measured from it is then no more than the true growth.
fn resident_memory_reset_to_now() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    kib_of_status("VmHWM")
}

/// A `kB` figure of Linux's `/proc/self/status`, such as `VmHWM` (peak resident memory).
fn kib_of_status(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status")
        .expect("this check reads Linux's /proc/self/status (the process' memory figures)");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("/proc/self/status gives {field} in kB"))
}

/// The bytes every thread of this process has passed to read and write system calls so far
/// (Linux's `/proc/self/io`: `rchar` plus `wchar`, files, pipes and sockets alike).
fn bytes_moved_by_the_process() -> u64 {
    let io = std::fs::read_to_string("/proc/self/io")
        .expect("this check reads Linux's /proc/self/io (the process' I/O counters)");
    io.lines()
        .filter_map(|line| line.split_once(": "))
        .filter(|(name, _)| matches!(*name, "rchar" | "wchar"))
        .map(|(_, count)| {
            count
                .trim()
                .parse::<u64>()
                .expect("an I/O counter is a number")
        })
        .sum()
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the
/// canonical form checked pair by pair on runs of any byte around the multiples of 255, a bad
/// pair anywhere in a long encoding, and `normalize` on many neighbouring pairs to merge.
#[cfg(feature = "held-out")]
mod held_out {
    use super::*;

    /// Runs of any byte, their lengths often just around 255 and 510 where pairs split.
    fn long_runs() -> impl Strategy<Value = Vec<u8>> {
        let len = prop_oneof![1usize..4, 253usize..258, 508usize..512, 1usize..2_000];
        prop::collection::vec((any::<u8>(), len), 0..6).prop_map(|runs| {
            runs.into_iter()
                .flat_map(|(byte, len)| std::iter::repeat_n(byte, len))
                .collect()
        })
    }

    /// Valid `[count, byte]` pairs, of any byte.
    fn pairs() -> impl Strategy<Value = Vec<[u8; 2]>> {
        prop::collection::vec((1u8..=255, any::<u8>()).prop_map(|(c, b)| [c, b]), 0..20)
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn every_encoding_is_the_canonical_one(data in long_runs()) {
            let encoded = encode(&data);
            prop_assert_eq!(decode(&encoded), Ok(data.clone()), "decode(encode(x)) must be x");
            for (i, pair) in encoded.chunks(2).enumerate() {
                let next = encoded.get(2 * i + 3);
                prop_assert!(
                    pair.len() == 2 && pair[0] >= 1 && (next != Some(&pair[1]) || pair[0] == 255),
                    "encode of {} bytes wrote the pair {:?} at offset {} (next byte {:?}): every \
                     pair has a count in 1..=255, and a run continues into the next pair only \
                     after a full [255, b]; a maximal run is [255, b] pairs then one with the rest",
                    data.len(), pair, 2 * i, next
                );
            }
        }

        #[test]
        fn a_single_bad_pair_is_named_wherever_it_sits(
            pairs in pairs(),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            lone_count in 1u8..=255,
            zero_count in any::<bool>(),
        ) {
            let (mut encoded, expected): (Vec<u8>, _) = if zero_count {
                let at = at.index(pairs.len() + 1);
                let mut with_zero = pairs.clone();
                with_zero.insert(at, [0, byte]);
                (with_zero.concat(), DecodeError::ZeroCount { offset: 2 * at })
            } else {
                (pairs.concat(), DecodeError::Truncated { offset: 2 * pairs.len() })
            };
            if !zero_count {
                encoded.push(lone_count);
            }
            prop_assert_eq!(decode(&encoded), Err(expected),
                "decode({:?}) must refuse the one bad pair with its byte offset", &encoded);
            prop_assert_eq!(normalize(&encoded), Err(expected),
                "normalize({:?}) must refuse the one bad pair as decode does", &encoded);
        }

        #[test]
        fn normalizing_many_pairs_of_two_bytes_agrees_with_encoding_the_data(
            encoded in prop::collection::vec((1u8..=255, 0u8..2), 0..40)
                .prop_map(|pairs| pairs.into_iter().flat_map(|(c, b)| [c, b]).collect::<Vec<u8>>()),
        ) {
            let via_data = decode(&encoded).map(|data| encode(&data));
            prop_assert_eq!(normalize(&encoded), via_data,
                "normalize({:?}) must equal encode(decode(e)): neighbouring pairs of one byte \
                 merge, then refill pairs up to 255", &encoded);
        }
    }
}
