//! # Kata 5: iterable vs iterator
//!
//! **Build** `LogBook`, a collection of log lines that can be walked any number of times,
//! and `Lines`, the iterator that walks it once.
//!
//! **Why.** Code that receives a stream and walks it twice (count it, then print it)
//! silently gets nothing the second time: totals that disagree with the listing, reports
//! with an empty body. Knowing which values can be walked again, and which are spent
//! after one pass, prevents that bug.
//!
//! **Python → Rust.** In Python an *iterable* (a list) has `__iter__`, which makes a fresh
//! *iterator* for every loop, and the iterator is spent after one pass. Rust spells the
//! same split with [`IntoIterator`] (the iterable) and [`Iterator`] (the cursor), and
//! adds ownership:
//!
//! - `for line in &book` borrows: `impl IntoIterator for &LogBook` makes a new `Lines`
//!   each time, so the book can be walked again, like a Python list;
//! - `for line in book` moves: `impl IntoIterator for LogBook` hands out the owned
//!   `String`s and the book is gone afterwards (Python has no such loop);
//! - a `Lines` walked to the end returns `None` from then on, like a spent generator, and
//!   promises it with [`FusedIterator`]; it also knows how many lines remain
//!   ([`ExactSizeIterator`]), which a Python generator cannot tell you.
//!
//! A log book holds one line per entry, so `from_lines` rejects an entry with a line break
//! (`\n` or `\r`).
//!
//! **The tests check.**
//! - a book keeps its entries in order and knows its length. Checked by
//!   `keeps_the_entries_in_order`.
//! - a borrowed book can be walked twice; a fresh walker starts over after another is spent.
//!   Checked by `a_borrowed_book_can_be_walked_twice`,
//!   `a_fresh_walker_starts_over_after_another_is_spent`.
//! - each walker keeps its own place: two or three walkers over one book, pulled in turn, do
//!   not move or revive each other. Checked by `two_walkers_over_one_book_keep_their_own_place`.
//! - a spent `Lines` yields nothing on a second pass, keeps returning `None`, and implements
//!   `FusedIterator`. Checked by `a_spent_walker_yields_nothing_on_a_second_pass`,
//!   `a_spent_walker_keeps_returning_none`,
//!   `a_walker_promises_to_stay_spent_by_implementing_fused_iterator`.
//! - a walker is a cursor into the book: walking books of every size from 0 to 64 entries, then
//!   sizes about a quarter apart up to 50,000, allocates nothing, and `Lines` takes at most four
//!   words (`size_of`), so it holds no copy of the lines on the stack either. Checked by
//!   `a_walker_is_a_cursor_that_copies_nothing`.
//! - `len()` and `size_hint()` of a walker, exact at every step, promised by implementing
//!   `ExactSizeIterator` (an inherent `len()` is not the promise generic code relies on).
//!   Checked by `a_walker_knows_how_many_lines_remain`,
//!   `a_walkers_size_hint_is_exact_at_every_step`,
//!   `a_walker_promises_its_length_by_implementing_exact_size_iterator`.
//! - `Lines` is not `Copy`: a walker used by value is moved and spent, never silently copied so that
//!   a second pass starts over (it may be `Clone`). Checked by
//!   `a_walker_is_not_copy_so_a_walk_by_value_spends_it`.
//! - `LogBook` is the iterable, not an iterator itself: none of `LogBook`, `&LogBook`,
//!   `&mut LogBook` implements `Iterator` (whose `next()` would drain the book in place, e.g.
//!   `for line in &mut book`), and if `&mut LogBook` implements `IntoIterator` (you need not
//!   write one), `for line in &mut book` sees every line and leaves them all in the book (like
//!   `Vec::iter_mut`, not `Vec::drain`). Checked by
//!   `a_book_is_an_iterable_not_an_iterator_of_its_own`.
//! - `Lines` is a struct of the kata's own, not a type alias for a std adaptor. Checked by
//!   `a_walker_is_the_books_own_lines_type_not_a_std_adaptor`.
//! - the consuming loop hands out owned `String`s, the book's own ones moved out (their text is
//!   where it was in the book, not a copy). Checked by `a_consuming_loop_hands_out_owned_strings`,
//!   `a_consuming_loop_moves_the_books_strings_out_without_copying`.
//! - empty books. Checked by `an_empty_book_yields_nothing_on_every_pass`.
//! - the typed error for a multi-line entry (`\n`, `\r\n` or a lone `\r`). Checked by
//!   `rejects_an_entry_that_spans_lines`.
//!
//! **Not checked.** A walker that copies the lines into a list only at book sizes the tests do not
//! try: every size from 0 to 64 entries, then sizes about a quarter apart (65, 81, 101, 127, …) up
//! to 50,000. Nor how `size_hint` finds the number of lines left: one that walks a clone of the
//! walker to its end and counts gives the same exact numbers, reads nothing a test can count (a
//! slice walk neither allocates nor touches a line) and differs only in time per call (linear in
//! the lines left), which the tests do not measure. Do not: a cursor knows its place, so the
//! count left is one subtraction (a slice iterator's own `size_hint`).

use std::iter::FusedIterator;

/// Why a list of entries is not a valid log book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogBookError {
    /// Entry `index` (0-based) contains a line break.
    #[error("entry {index} spans several lines ({line:?}): a log book holds one line per entry")]
    MultiLine {
        /// The 0-based position of the entry.
        index: usize,
        /// The entry, as given.
        line: String,
    },
}

/// A collection of log lines: an iterable, walkable any number of times.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogBook {
    /// The entries, in the order given.
    lines: Vec<String>,
}

impl LogBook {
    /// A log book holding `lines` in order; an entry with a line break is an error.
    pub fn from_lines<I, S>(_lines: I) -> Result<Self, LogBookError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        todo!("build a log book from the given entries")
    }

    /// The number of lines in the book.
    pub fn len(&self) -> usize {
        todo!("count the lines of the log book")
    }

    /// Whether the book has no lines.
    pub fn is_empty(&self) -> bool {
        todo!("tell whether the log book has no lines")
    }

    /// A fresh walker over the lines, by reference (what `for line in &book` uses).
    pub fn iter(&self) -> Lines<'_> {
        todo!("start a walk over the lines {:?}", self.lines)
    }
}

/// An iterator over a log book's lines: one pass, then spent.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    /// The lines not handed out yet.
    rest: std::slice::Iter<'a, String>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    /// The next line, or `None` once every line has been handed out.
    fn next(&mut self) -> Option<&'a str> {
        todo!("hand out the next of the lines {:?}", self.rest.as_slice())
    }

    /// Exactly how many lines remain.
    fn size_hint(&self) -> (usize, Option<usize>) {
        todo!("tell how many lines remain to walk")
    }
}

impl ExactSizeIterator for Lines<'_> {}

impl FusedIterator for Lines<'_> {}

impl<'a> IntoIterator for &'a LogBook {
    type Item = &'a str;
    type IntoIter = Lines<'a>;

    /// A fresh walker: what makes `&LogBook` walkable again and again.
    fn into_iter(self) -> Lines<'a> {
        todo!("start a fresh walk over a borrowed log book")
    }
}

impl IntoIterator for LogBook {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;

    /// Consume the book and hand out its owned lines.
    fn into_iter(self) -> Self::IntoIter {
        todo!("consume the log book and hand out its owned lines")
    }
}
