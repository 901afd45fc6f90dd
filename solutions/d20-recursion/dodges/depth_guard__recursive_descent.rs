//! Dodge: the scanner is a recursive descent, one call per bracket level, so a million-level bomb overflows the stack.
//! Caught by: measures_a_million_levels_on_a_256_kib_stack, refuses_a_million_level_bomb_at_the_first_bracket_past_the_limit

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
    scan(text, usize::MAX).and_then(|depth| {
        if depth > max {
            Err(JsonShapeError::TooDeep { max, offset: 0 })
        } else {
            Ok(())
        }
    })
}

fn scan(text: &str, _max: usize) -> Result<usize, JsonShapeError> {
    let bytes = text.as_bytes();
    let mut offset = 0;
    let mut deepest = 0;
    while offset < bytes.len() {
        match bytes[offset] {
            b']' | b'}' => {
                return Err(JsonShapeError::UnexpectedClose {
                    offset,
                    found: char::from(bytes[offset]),
                });
            }
            _ => {
                let (end, depth) = value(bytes, offset)?;
                deepest = deepest.max(depth);
                offset = end;
            }
        }
    }
    Ok(deepest)
}

/// Reads from `offset` to the end of one bracket group (or one byte); returns where it
/// ended and how deep it went.
fn value(bytes: &[u8], offset: usize) -> Result<(usize, usize), JsonShapeError> {
    match bytes[offset] {
        b'"' => Ok((end_of_string(bytes, offset)? + 1, 0)),
        open @ (b'[' | b'{') => {
            let close = if open == b'[' { b']' } else { b'}' };
            let mut at = offset + 1;
            let mut deepest = 0;
            loop {
                match bytes.get(at) {
                    None => return Err(JsonShapeError::Unclosed { open: 1 }),
                    Some(&byte) if byte == close => return Ok((at + 1, deepest + 1)),
                    Some(&byte @ (b']' | b'}')) => {
                        return Err(JsonShapeError::Mismatched {
                            offset: at,
                            expected: char::from(close),
                            found: char::from(byte),
                        });
                    }
                    Some(_) => {
                        let (end, depth) = value(bytes, at)?;
                        deepest = deepest.max(depth);
                        at = end;
                    }
                }
            }
        }
        _ => Ok((offset + 1, 0)),
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
