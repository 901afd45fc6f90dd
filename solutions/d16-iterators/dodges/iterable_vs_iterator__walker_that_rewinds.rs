//! Dodge: the walker winds itself back to the start when it runs out, so a "spent" walker
//! walks again: it confuses the iterator (one pass) with the iterable (the book).
//! Caught by: a_spent_walker_yields_nothing_on_a_second_pass, a_spent_walker_keeps_returning_none

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
    pub fn from_lines<I, S>(lines: I) -> Result<Self, LogBookError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let lines = lines
            .into_iter()
            .map(Into::into)
            .enumerate()
            .map(|(index, line)| {
                if line.contains(['\n', '\r']) {
                    Err(LogBookError::MultiLine { index, line })
                } else {
                    Ok(line)
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { lines })
    }

    /// The number of lines in the book.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the book has no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// A fresh walker over the lines, by reference (what `for line in &book` uses).
    pub fn iter(&self) -> Lines<'_> {
        Lines {
            rest: self.lines.iter(),
            all: &self.lines,
        }
    }
}

/// An iterator over a log book's lines: one pass, then spent.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    /// The lines not handed out yet.
    rest: std::slice::Iter<'a, String>,
    /// Every line, to start over from.
    all: &'a [String],
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    /// The next line, or `None` once every line has been handed out.
    fn next(&mut self) -> Option<&'a str> {
        match self.rest.next() {
            Some(line) => Some(line.as_str()),
            None => {
                // Wind back to the start, as if the walker were the book itself.
                self.rest = self.all.iter();
                None
            }
        }
    }

    /// Exactly how many lines remain.
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rest.size_hint()
    }
}

impl ExactSizeIterator for Lines<'_> {}

impl FusedIterator for Lines<'_> {}

impl<'a> IntoIterator for &'a LogBook {
    type Item = &'a str;
    type IntoIter = Lines<'a>;

    /// A fresh walker: what makes `&LogBook` walkable again and again.
    fn into_iter(self) -> Lines<'a> {
        self.iter()
    }
}

impl IntoIterator for LogBook {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;

    /// Consume the book and hand out its owned lines.
    fn into_iter(self) -> Self::IntoIter {
        self.lines.into_iter()
    }
}
