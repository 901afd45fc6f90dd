//! Dodge: join_words pushes into a String::new() with no reserve: right text, but the buffer reallocates as it grows.
//! Caught by: allocates_exactly_once_for_many_words, sizes_multibyte_words_in_bytes, agrees_with_std_join_and_allocates_at_most_once

/// The words joined by `sep`, built with a single allocation.
pub fn join_words<'a, I>(words: I, sep: &str) -> String
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let words = words.into_iter();
    let mut joined = String::new();
    for (i, word) in words.enumerate() {
        if i > 0 {
            joined.push_str(sep);
        }
        joined.push_str(word);
    }
    joined
}

/// Appends `piece` and notes the new capacity if the append changed it.
fn push_noting_capacity(text: &mut String, steps: &mut Vec<usize>, piece: &str) {
    text.push_str(piece);
    if text.capacity() != steps.last().copied().unwrap_or(0) {
        steps.push(text.capacity());
    }
}

/// Each capacity a `String` passes through while the words are pushed with no reserve.
pub fn capacity_steps<'a, I>(words: I, sep: &str) -> Vec<usize>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut text = String::new();
    let mut steps = Vec::new();
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            push_noting_capacity(&mut text, &mut steps, sep);
        }
        push_noting_capacity(&mut text, &mut steps, word);
    }
    steps
}
