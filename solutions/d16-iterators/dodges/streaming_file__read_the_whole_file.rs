//! Dodge: `fs::read_to_string` the whole file, then count: right count, but memory grows
//! with the file (the article's 50 GB `file.read()`).
//! Caught by: counts_a_2_megabyte_file_in_constant_memory, a_line_that_is_not_utf8_is_a_typed_error_with_its_number

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// Why a file could not be counted.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The needle is empty: every line would match, which is never what was meant.
    #[error("the needle is empty: every line would match")]
    EmptyNeedle,
    /// The needle contains a line break, so no single line can contain it.
    #[error("the needle {0:?} contains a line break: no single line can contain it")]
    NeedleSpansLines(String),
    /// The file could not be opened.
    #[error("cannot open {path}: {source}", path = .path.display())]
    Open {
        /// The file asked for.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A line could not be read (an I/O error, or text that is not UTF-8).
    #[error("cannot read line {line} of {path}: {source}", path = .path.display())]
    Read {
        /// The file being read.
        path: PathBuf,
        /// The 1-based number of the line that failed.
        line: usize,
        /// What went wrong.
        source: io::Error,
    },
}

/// The number of lines of the file at `path` that contain `needle`, read line by line.
pub fn count_matching_lines(path: &Path, needle: &str) -> Result<u64, StreamError> {
    if needle.is_empty() {
        return Err(StreamError::EmptyNeedle);
    }
    if needle.contains(['\n', '\r']) {
        return Err(StreamError::NeedleSpansLines(needle.to_owned()));
    }
    let file = File::open(path).map_err(|source| StreamError::Open {
        path: path.to_owned(),
        source,
    })?;
    let mut text = String::new();
    BufReader::new(file)
        .read_to_string(&mut text)
        .map_err(|source| StreamError::Read {
            path: path.to_owned(),
            line: 1,
            source,
        })?;
    Ok(text.lines().filter(|line| line.contains(needle)).count() as u64)
}
