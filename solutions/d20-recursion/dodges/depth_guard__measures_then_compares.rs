//! Dodge: guard_depth measures the whole text with nesting_depth and compares afterwards, so it reads all of a bomb and reports the garbage at its end instead of the depth.
//! Caught by: stops_reading_at_the_limit_even_if_the_rest_is_malformed

/// Why a document's shape was refused. Offsets are byte offsets into the text, from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonShapeError {
    /// The bracket at `offset` opens level `max + 1`.
    #[error("nested deeper than {max} levels: the bracket at byte {offset} opens one more")]
    TooDeep {
        /// The deepest nesting allowed.
        max: usize,
        /// The byte offset of the bracket that went one level too deep.
        offset: usize,
    },
    /// A closing bracket with no level open.
    #[error("byte {offset}: {found:?} closes nothing")]
    UnexpectedClose {
        /// The byte offset of the closer.
        offset: usize,
        /// The closer found.
        found: char,
    },
    /// A closing bracket of the wrong kind.
    #[error("byte {offset}: expected {expected:?} but found {found:?}")]
    Mismatched {
        /// The byte offset of the closer.
        offset: usize,
        /// The closer that would have matched the innermost open bracket.
        expected: char,
        /// The closer found.
        found: char,
    },
    /// The text ended with `open` levels still open.
    #[error("the text ends with {open} levels still open")]
    Unclosed {
        /// How many brackets were never closed.
        open: usize,
    },
    /// The string opened at `offset` never ends.
    #[error("the string opened at byte {offset} never ends")]
    UnterminatedString {
        /// The byte offset of the opening quote.
        offset: usize,
    },
}

/// The largest number of arrays and objects open at once, found by scanning the text.
pub fn nesting_depth(text: &str) -> Result<usize, JsonShapeError> {
    scan(text, usize::MAX)
}

/// Refuses a document nested deeper than `max` (or malformed), stopping at the limit.
pub fn guard_depth(text: &str, max: usize) -> Result<(), JsonShapeError> {
    let depth = nesting_depth(text)?;
    if depth > max {
        let offset = text.len();
        return Err(JsonShapeError::TooDeep { max, offset });
    }
    Ok(())
}

/// Scans `text` once with a stack of the closers still expected; fails at level `max + 1`.
fn scan(text: &str, max: usize) -> Result<usize, JsonShapeError> {
    let bytes = text.as_bytes();
    let mut expected_closers: Vec<u8> = Vec::new();
    let mut deepest = 0;
    let mut offset = 0;
    while let Some(&byte) = bytes.get(offset) {
        match byte {
            b'"' => offset = end_of_string(bytes, offset)?,
            b'[' | b'{' => {
                if expected_closers.len() == max {
                    return Err(JsonShapeError::TooDeep { max, offset });
                }
                expected_closers.push(if byte == b'[' { b']' } else { b'}' });
                deepest = deepest.max(expected_closers.len());
            }
            b']' | b'}' => match expected_closers.pop() {
                None => {
                    return Err(JsonShapeError::UnexpectedClose {
                        offset,
                        found: char::from(byte),
                    });
                }
                Some(expected) if expected != byte => {
                    return Err(JsonShapeError::Mismatched {
                        offset,
                        expected: char::from(expected),
                        found: char::from(byte),
                    });
                }
                Some(_) => {}
            },
            _ => {}
        }
        offset += 1;
    }
    match expected_closers.len() {
        0 => Ok(deepest),
        open => Err(JsonShapeError::Unclosed { open }),
    }
}

/// The offset of the quote that ends the string whose opening quote is at `start`.
fn end_of_string(bytes: &[u8], start: usize) -> Result<usize, JsonShapeError> {
    let mut offset = start + 1;
    while let Some(&byte) = bytes.get(offset) {
        match byte {
            b'\\' => offset += 2,
            b'"' => return Ok(offset),
            _ => offset += 1,
        }
    }
    Err(JsonShapeError::UnterminatedString { offset: start })
}
