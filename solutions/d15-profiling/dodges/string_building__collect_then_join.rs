//! Dodge: collects the words into a Vec and calls join: one allocation for the String, but another for the Vec on the side.
//! Caught by: allocates_exactly_once_for_many_words, sizes_multibyte_words_in_bytes, agrees_with_std_join_and_allocates_at_most_once

/// The words joined by `sep`, built with a single allocation.
pub fn join_words<'a, I>(words: I, sep: &str) -> String
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    words.into_iter().collect::<Vec<&str>>().join(sep)
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
