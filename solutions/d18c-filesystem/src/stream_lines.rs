//! # Kata 4: stream, don't slurp
//!
//! **Build** `critical_lines(path, needle)`: an iterator over the lines of a log file that
//! contain `needle`, each with its line number, reading the file a buffer at a time.
//!
//! **Why.** `fs::read_to_string` on a 10 GB log asks for 10 GB of RAM, and the
//! out-of-memory killer answers. A scan that holds one buffer and one line runs in the same
//! few kilobytes whatever the file size. And one bad line (a stray byte that is not UTF-8,
//! common in logs) must not abort a scan of millions: it is reported, with its number, and
//! the scan goes on.
//!
//! **Python → Rust.** `for line in open(path)` streams because a Python file is an iterator
//! over its lines. In Rust, wrap the [`std::fs::File`] in a [`std::io::BufReader`] and read
//! with [`std::io::BufRead::read_until`] into a `Vec<u8>` you reuse, then check the bytes
//! with [`std::str::from_utf8`]. (`BufRead::lines` also streams, but gives an `io::Error`
//! for a bad line; this kata wants a typed error naming the line.) Python decodes with
//! `errors="strict"` and raises for the whole loop; here each line is its own `Result`.
//!
//! **The tests check.**
//! - `critical_lines` refuses an empty needle (`ScanError::EmptyNeedle`) and a file that
//!   cannot be opened (`ScanError::Open`, with the path) before yielding anything. Checked by
//!   `an_empty_needle_is_refused`, `a_missing_file_is_refused_with_its_path`.
//! - The iterator yields `Ok(Critical { line, text })` for each line containing `needle`, in
//!   file order, `line` counted from 1, `text` without its `\n` or `\r\n` (exactly one line
//!   ending: trailing spaces, tabs and a stray `\r` before it are kept); a last line without
//!   a newline counts; an empty file yields nothing. Checked by
//!   `yields_the_matching_lines_with_their_numbers`,
//!   `strips_crlf_and_reads_a_last_line_without_newline`, `an_empty_file_yields_nothing`.
//! - A line that is not UTF-8 yields `Err(LineError::InvalidUtf8 { line })` (never a lossy
//!   copy: no allocation for it) and the scan continues with the next line. Checked by
//!   `a_line_that_is_not_utf8_is_reported_and_the_scan_goes_on`,
//!   `the_line_buffer_is_reused_not_allocated_per_line`.
//! - A valid line that holds the replacement character U+FFFD is text like any other (a
//!   lossy copy cannot tell it from a bad byte). Checked by
//!   `a_line_holding_a_real_replacement_character_is_valid_text`.
//! - A read error yields `Err(LineError::Read { line, .. })` once and ends the scan. Checked
//!   by `a_read_error_is_reported_once_and_ends_the_scan`.
//! - It is flat: reading a file of several megabytes, one item at a time, holds less than
//!   64 KiB of heap at its peak, every thread of the process counted (the test runs alone in
//!   a child process of the test binary and counts every allocation, so a buffer on a helper
//!   thread counts too). Checked by `scans_a_file_of_megabytes_in_flat_memory`.
//! - It is lazy and streams: the first match comes before the rest of the file is read. The
//!   tests scan a named pipe (Unix) whose writer writes the rest only after the first match
//!   was taken (it gives up after 5 s, and the test fails): a pipe has no size to map and
//!   cannot be rewound, so only a scan that reads it a buffer at a time gets every match.
//!   The same for regular files of every size (9 bytes to 3 MiB, one buffer and more, small
//!   files too): a line appended at the end after the first match was taken is found, and,
//!   when the first line matches, the first match comes after exactly one `read` system
//!   call, the one that brings the first line in (9 bytes to 60 KiB; reading on to the end
//!   first, `read_to_end` or a loop until a read returns nothing, takes a second read even
//!   for a 9-byte file; Linux, alone in a child process, from `/proc/self/io`). Checked by
//!   `the_first_match_comes_before_the_rest_of_the_file_is_read`,
//!   `a_regular_file_of_any_size_is_scanned_lazily`,
//!   `reads_the_file_a_buffer_at_a_time_not_byte_by_byte`.
//! - One line buffer is reused for the whole scan: scanning 20 000 lines asks the allocator
//!   fewer than 1000 times plus once per match (each match's own `String`), with 20 matches,
//!   with every line a match, and with no line UTF-8 (a bad line is checked in place, never
//!   copied lossily), every thread counted (alone in a child process). Checked by
//!   `the_line_buffer_is_reused_not_allocated_per_line`.
//! - The file is read a buffer at a time with `read` system calls: every byte of it passes
//!   through `read` (a memory map does not), on average more than 512 bytes and at most
//!   64 KiB per call (Linux only: alone in a child process, the test reads the whole
//!   process's counts, every thread's, from `/proc/self/io`). Checked by
//!   `reads_the_file_a_buffer_at_a_time_not_byte_by_byte`.
//!
//! **Not checked.** Whether lines are read as bytes and decoded one by one, or read with
//! `read_line` into a `String` treating every `InvalidData` error as a line that is not
//! UTF-8: on a local file the only `InvalidData` is bad UTF-8, so the two cannot be told
//! apart.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Why a scan could not start.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The needle is empty: every line would match.
    #[error("the needle is empty: every line would match")]
    EmptyNeedle,
    /// The file could not be opened.
    #[error("cannot open {}: {source}", path.display())]
    Open {
        /// The file asked for.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

/// Why one line could not be scanned.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// The line is not valid UTF-8; the scan goes on with the next line.
    #[error("line {line} is not valid UTF-8")]
    InvalidUtf8 {
        /// The 1-based line number.
        line: usize,
    },
    /// The file could not be read; the scan ends.
    #[error("cannot read line {line}: {source}")]
    Read {
        /// The 1-based number of the line being read.
        line: usize,
        /// What the operating system said.
        source: io::Error,
    },
}

/// A matching line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Critical {
    /// The 1-based line number.
    pub line: usize,
    /// The line without its line ending.
    pub text: String,
}

/// The lines of a file that contain a needle, read one at a time.
pub struct CriticalLines {
    reader: BufReader<File>,
    needle: String,
    buffer: Vec<u8>,
    line: usize,
    done: bool,
}

/// A lazy iterator over the lines of the file at `path` that contain `needle`.
pub fn critical_lines(path: &Path, needle: &str) -> Result<CriticalLines, ScanError> {
    if needle.is_empty() {
        return Err(ScanError::EmptyNeedle);
    }
    let file = File::open(path).map_err(|source| ScanError::Open {
        path: path.to_owned(),
        source,
    })?;
    Ok(CriticalLines {
        reader: BufReader::new(file),
        needle: needle.to_owned(),
        buffer: Vec::new(),
        line: 0,
        done: false,
    })
}

impl Iterator for CriticalLines {
    type Item = Result<Critical, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buffer.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    if let Some(item) = self.check_line() {
                        return Some(item);
                    }
                }
                Err(source) => {
                    self.done = true;
                    let line = self.line;
                    return Some(Err(LineError::Read { line, source }));
                }
            }
        }
        None
    }
}

impl CriticalLines {
    /// The item for the line in the buffer, if it matches or is not UTF-8.
    fn check_line(&self) -> Option<Result<Critical, LineError>> {
        let bytes = trim_line_ending(&self.buffer);
        match std::str::from_utf8(bytes) {
            Ok(text) if text.contains(self.needle.as_str()) => Some(Ok(Critical {
                line: self.line,
                text: text.to_owned(),
            })),
            Ok(_) => None,
            Err(_) => Some(Err(LineError::InvalidUtf8 { line: self.line })),
        }
    }
}

/// `bytes` without a final `\n` or `\r\n`.
fn trim_line_ending(bytes: &[u8]) -> &[u8] {
    match bytes.strip_suffix(b"\n") {
        Some(line) => line.strip_suffix(b"\r").unwrap_or(line),
        None => bytes,
    }
}
