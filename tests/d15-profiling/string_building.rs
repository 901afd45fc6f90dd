//! Kata 6: the concatenation trap, measured with a counting allocator.

use std::cell::Cell;

use crate::string_building::{capacity_steps, join_words};
use proptest::prelude::*;
use rstest::rstest;

use super::heap::{count_allocations, heap_calls_so_far, in_own_process, peak_memory_growth};

/// Words handed out one at a time (size hint kept, clones share the count): counts those
/// read after the thread touched the heap, that is after `join_words` allocated its result.
#[derive(Clone)]
struct Watched<'c, I> {
    words: I,
    heap_calls_at_start: usize,
    read_after_allocating: &'c Cell<usize>,
}

impl<'a, I: Iterator<Item = &'a str>> Iterator for Watched<'_, I> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let word = self.words.next()?;
        if heap_calls_so_far() > self.heap_calls_at_start {
            let read = &self.read_after_allocating;
            read.set(read.get() + 1);
        }
        Some(word)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.words.size_hint()
    }
}

/// `join_words(words, sep)`, with how many allocations it made and how many words it read
/// after its (first) allocation: writing straight into the result reads every word then.
fn join_watched<'a>(
    words: impl Iterator<Item = &'a str> + Clone,
    sep: &str,
) -> (String, usize, usize) {
    let read_after_allocating = Cell::new(0);
    let (joined, allocations) = count_allocations(|| {
        let words = Watched {
            words,
            heap_calls_at_start: heap_calls_so_far(),
            read_after_allocating: &read_after_allocating,
        };
        join_words(words, sep)
    });
    (joined, allocations, read_after_allocating.get())
}

/// The message when `join_words` read only `read` of its `count` words after allocating.
fn scratch_copy_message(count: usize, read: usize) -> String {
    format!(
        "join_words read only {read} of its {count} words after it allocated the result: the \
         words went somewhere else first (a scratch buffer on the stack, in a static, or from \
         std::alloc::System) and were copied in, so every byte was written twice. Measure \
         first, then allocate the String once and push_str each word straight into it"
    )
}

#[rstest]
#[case::spaces(&["profile", "before", "optimising"], " ", "profile before optimising")]
#[case::no_separator(&["data ", "data ", "data "], "", "data data data ")]
#[case::long_separator(&["a", "b"], " -> ", "a -> b")]
#[case::one_word(&["alone"], ", ", "alone")]
#[case::empty_words(&["", "", ""], ",", ",,")]
fn joins_the_words_with_the_separator(
    #[case] words: &[&str],
    #[case] sep: &str,
    #[case] expected: &str,
) {
    let got = join_words(words.iter().copied(), sep);
    assert_eq!(
        got, expected,
        "join_words({words:?}, {sep:?}) gave {got:?}: the separator goes between words only"
    );
}

#[rstest]
#[case::fifty_thousand_words("data ", 50_000, "")]
#[case::a_million_words("x", 1 << 20, ",")]
fn allocates_exactly_once_for_many_words(
    #[case] word: &str,
    #[case] count: usize,
    #[case] sep: &str,
) {
    let words = std::iter::repeat_n(word, count);
    let size = count * word.len() + (count - 1) * sep.len();
    let (joined, allocations, read_after_allocating) = join_watched(words, sep);
    assert_eq!(
        (allocations, joined.len(), joined.capacity()),
        (1, size, size),
        "joining {count} words of {word:?} with {sep:?} made {allocations} allocations (length \
         {}, capacity {}): add up the byte lengths first, then String::with_capacity once and \
         push_str into it, however many words there are (a long input is where the \
         reallocations cost most); no reallocation, no Vec of words on the side",
        joined.len(),
        joined.capacity()
    );
    assert!(
        read_after_allocating >= count,
        "{}",
        scratch_copy_message(count, read_after_allocating)
    );
}

#[test]
fn uses_no_memory_beyond_the_result_whatever_allocates_it() {
    // In a test process of its own, so that the memory the kernel counts is this test's only.
    in_own_process(
        module_path!(),
        "uses_no_memory_beyond_the_result_whatever_allocates_it",
        || {
            const SIZE: usize = 16 << 20;
            let word = "x".repeat(4096);
            let words = std::iter::repeat_n(word.as_str(), SIZE / word.len());
            let (len, growth) = peak_memory_growth(|| join_words(words, "").len());
            assert_eq!(
                len, SIZE,
                "join_words of 4,096 words of 4 KiB must be 16 MiB long"
            );
            let Some(growth) = growth else { return };
            assert!(
                growth <= SIZE * 3 / 2,
                "joining 16 MiB of words raised the memory the process holds (as the kernel \
             counts it) by {} MiB: besides the result, the words were copied into a buffer \
             grown along the way (one the counting allocator does not see is still memory \
             and copying). Add up the lengths first, then write each word once, straight \
             into the one String",
                growth >> 20
            );
        },
    );
}

#[test]
fn sizes_multibyte_words_in_bytes() {
    let words = ["café", "naïve", "日本", "🦀"];
    let (joined, allocations) = count_allocations(|| join_words(words, "·"));
    assert_eq!(
        (joined.as_str(), allocations, joined.capacity()),
        ("café·naïve·日本·🦀", 1, 27),
        "these words are 12 characters but 21 bytes, and the 3 separators 2 bytes each: the \
         capacity must be counted in bytes (str::len), or the String reallocates"
    );
}

#[test]
fn allocates_nothing_for_an_empty_result() {
    let (joined, allocations) = count_allocations(|| join_words([], ", "));
    assert_eq!(
        (joined, allocations),
        (String::new(), 0),
        "no words give an empty string, and an empty String needs no heap at all"
    );
}

#[test]
fn the_naive_build_reallocates_a_few_times_not_once_per_word() {
    let words = vec!["data "; 50_000];
    let steps = capacity_steps(words.iter().copied(), "");
    assert!(
        !steps.is_empty() && steps.len() <= 40,
        "50,000 push_str calls went through {} capacities: a String grows geometrically, so \
         the count must be small (one per growth, not one per word); steps: {steps:?}",
        steps.len()
    );
    assert!(
        steps.windows(2).all(|w| w[0] < w[1]) && steps.last() >= Some(&250_000),
        "capacities {steps:?} must only grow, and end large enough for the 250,000 bytes"
    );
}

/// The capacities a real `String` passes through while `words` are pushed with `sep`
/// between them and no reserve: the answer `capacity_steps` must give.
fn real_capacity_steps(words: &[&str], sep: &str) -> Vec<usize> {
    let mut text = String::new();
    let mut steps = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for piece in [if i > 0 { sep } else { "" }, word] {
            text.push_str(piece);
            if text.capacity() != steps.last().copied().unwrap_or(0) {
                steps.push(text.capacity());
            }
        }
    }
    steps
}

#[rstest]
#[case::many_short_words(&["ab"; 40], "--")]
#[case::ends_exactly_on_a_capacity(&["abcd"; 3], "--")]
#[case::long_separator(&["x", "y", "z"], " -------- ")]
#[case::a_separator_then_a_word_both_grow_it(&["abcdefgh", "abcdefghijklmnop"], "-")]
fn notes_every_capacity_change_including_those_a_separator_causes(
    #[case] words: &[&str],
    #[case] sep: &str,
) {
    assert_eq!(
        capacity_steps(words.iter().copied(), sep),
        real_capacity_steps(words, sep),
        "capacity_steps({words:?}, {sep:?}) must note the capacity after every push_str, \
         separators (between words only) included, each time it changes"
    );
}

#[test]
fn the_capacity_steps_come_from_real_reallocations() {
    let words = vec!["data "; 5_000];
    let (steps, allocations) = count_allocations(|| capacity_steps(words.iter().copied(), ""));
    assert!(
        allocations >= steps.len(),
        "capacity_steps reported {} capacities but made only {allocations} allocations: each \
         capacity step is a (re)allocation of a real String, so measure one, do not compute \
         the sequence",
        steps.len()
    );
}

#[test]
fn an_empty_build_has_no_capacity_steps() {
    assert_eq!(
        capacity_steps(["", ""], ""),
        Vec::<usize>::new(),
        "pushing only empty strings never allocates: no capacity step"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn agrees_with_std_join_and_allocates_at_most_once(
        words in prop::collection::vec("[a-zé日🦀 ]{0,6}", 0..20),
        sep in prop_oneof![Just(""), Just(" "), Just(", "), Just("·")],
    ) {
        let (joined, allocations, read_after_allocating) =
            join_watched(words.iter().map(String::as_str), sep);
        let expected = words.join(sep);
        prop_assert_eq!(&joined, &expected, "join_words disagrees with [&str]::join");
        prop_assert_eq!(allocations, usize::from(!expected.is_empty()),
            "join_words made {} allocations for {:?}: one for a non-empty result, none for \
             an empty one", allocations, expected);
        prop_assert_eq!(joined.capacity(), joined.len(),
            "the capacity must be exactly the length: no guessing, no spare room");
        let count = if expected.is_empty() { 0 } else { words.len() };
        prop_assert!(read_after_allocating >= count, "{}",
            scratch_copy_message(count, read_after_allocating));
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the
/// capacity steps of any words and separator (multibyte text, empty words, long pieces that
/// jump past a doubling), not only the three shapes the visible table names.
#[cfg(feature = "held-out")]
mod held_out {
    use super::real_capacity_steps;
    use crate::string_building::capacity_steps;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn notes_the_capacity_steps_of_any_naive_build(
            words in prop::collection::vec(
                prop_oneof!["[a-zé日🦀 ]{0,6}", "[a-z]{20,70}"],
                0..40,
            ),
            sep in prop_oneof![
                prop::sample::select(vec!["", " ", "·", " -------- "]).prop_map(str::to_owned),
                "[a-z]{9,40}",
            ],
        ) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let got = capacity_steps(words.iter().copied(), &sep);
            let expected = real_capacity_steps(&words, &sep);
            prop_assert_eq!(&got, &expected,
                "capacity_steps({:?}, {:?}) must note the capacity of a String after every \
                 push_str of a word or a separator (between words only), each time it \
                 changes", &words, &sep);
        }
    }
}
