//! Dodge: read the whole file into memory with `fs::read` and scan the bytes from there, which is exactly the RAM tsunami.
//! Caught by: scans_a_file_of_megabytes_in_flat_memory, the_first_match_comes_before_the_rest_of_the_file_is_read

use std::io::{self, BufRead};
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
    reader: io::Cursor<Vec<u8>>,
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
    let file = std::fs::read(path).map_err(|source| ScanError::Open {
        path: path.to_owned(),
        source,
    })?;
    Ok(CriticalLines {
        reader: io::Cursor::new(file),
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
