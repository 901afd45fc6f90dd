//! How much of what a learner wrote is, token for token, what the reference solution wrote: a
//! number with its meaning, never a verdict.
//!
//! Only the written part counts: tokens the file adds to the pristine stub, against tokens
//! the reference adds to it (the signatures, docs and given code the stub hands out are the
//! same for everyone). Comments and whitespace are not tokens. Where the reference writes
//! fewer than [`MIN_WRITTEN_TOKENS`], any two correct answers look alike, so there is no
//! number at all. The number never removes credit: a short kata's natural answer *is* the
//! reference, and a long one can be typed from memory.

use std::path::Path;

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Tokens the reference must add to its stub before a similarity means anything.
pub const MIN_WRITTEN_TOKENS: usize = 200;

/// The learner's written code next to the reference's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Similarity {
    /// Of the tokens the learner and the reference wrote (the longer of the two), the share
    /// that are equal and in the same order, 0 to 100.
    pub percent: u8,
    /// Tokens the reference adds to the stub: how much there was to write.
    pub reference_tokens: usize,
}

impl Similarity {
    /// The number in words, for a screen.
    pub fn describe(&self) -> String {
        format!(
            "{} % of the written tokens equal to the reference's ({} tokens)",
            self.percent, self.reference_tokens
        )
    }
}

/// The similarity of the learner's `file` to HEAD's reference `solution`, both relative to
/// `root`, measured on what each adds to HEAD's stub (`file` in HEAD). `None` when a file
/// cannot be read or the reference writes too little for the number to mean something.
pub fn of_files(root: &Path, file: &str, solution: &str) -> Option<Similarity> {
    let mine = std::fs::read(root.join(file)).ok()?;
    let stub = crate::git::show_head(root, file).ok()?;
    let reference = crate::git::show_head(root, solution).ok()?;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    measure(&text(&stub), &text(&mine), &text(&reference))
}

/// [`Similarity`] of `mine` and `reference`, two versions of `stub`.
pub fn measure(stub: &str, mine: &str, reference: &str) -> Option<Similarity> {
    let stub = tokens(stub);
    let written_ref = added(&stub, &tokens(reference));
    if written_ref.len() < MIN_WRITTEN_TOKENS {
        return None;
    }
    let written_mine = added(&stub, &tokens(mine));
    let equal: usize = capture_diff_slices(Algorithm::Myers, &written_mine, &written_ref)
        .iter()
        .map(|op| match op {
            DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    let longer = written_mine.len().max(written_ref.len());
    Some(Similarity {
        percent: u8::try_from(equal * 100 / longer).unwrap_or(100),
        reference_tokens: written_ref.len(),
    })
}

/// The tokens of `to` that a diff from `from` inserts.
fn added<'a>(from: &[&'a str], to: &[&'a str]) -> Vec<&'a str> {
    capture_diff_slices(Algorithm::Myers, from, to)
        .iter()
        .flat_map(|op| match *op {
            DiffOp::Insert {
                new_index, new_len, ..
            }
            | DiffOp::Replace {
                new_index, new_len, ..
            } => &to[new_index..new_index + new_len],
            _ => &[][..],
        })
        .copied()
        .collect()
}

/// Identifiers, numbers and single punctuation characters, without `//` comments (doc
/// comments included) and whitespace.
fn tokens(source: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in source.lines() {
        let code = line.find("//").map_or(line, |i| &line[..i]);
        let mut start = None;
        for (i, c) in code.char_indices() {
            let word = c.is_alphanumeric() || c == '_';
            match (word, start) {
                (true, None) => start = Some(i),
                (true, Some(_)) => {}
                (false, s) => {
                    if let Some(s) = s {
                        out.push(&code[s..i]);
                    }
                    start = None;
                    if !c.is_whitespace() {
                        out.push(&code[i..i + c.len_utf8()]);
                    }
                }
            }
        }
        if let Some(s) = start {
            out.push(&code[s..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUB: &str = "/// Adds.\npub fn add(a: u64, b: u64) -> u64 {\n    todo!(\"add\")\n}\n";

    fn long_body(op: &str) -> String {
        (0..60)
            .map(|i| format!("    let v{i} = a {op} b;\n"))
            .collect()
    }

    fn solution(body: &str) -> String {
        format!("/// Adds.\npub fn add(a: u64, b: u64) -> u64 {{\n{body}    a + b\n}}\n")
    }

    #[test]
    fn a_short_reference_gives_no_number_at_all() {
        let reference = "/// Adds.\npub fn add(a: u64, b: u64) -> u64 {\n    a + b\n}\n";
        assert_eq!(measure(STUB, reference, reference), None);
    }

    #[test]
    fn the_reference_itself_is_one_hundred_percent_and_comments_do_not_count() {
        let reference = solution(&long_body("+"));
        let mine = format!("// my own words\n{}", reference.replace("    ", "\t"));
        let s = measure(STUB, &mine, &reference).expect("long enough");
        assert_eq!(s.percent, 100);
        assert!(s.reference_tokens >= MIN_WRITTEN_TOKENS);
    }

    #[test]
    fn other_code_scores_lower_and_the_given_stub_is_not_counted() {
        let reference = solution(&long_body("+"));
        let other = solution(&long_body("*"));
        let s = measure(STUB, &other, &reference).expect("long enough");
        assert!(s.percent < 90, "{s:?}");
        let untouched = measure(STUB, STUB, &reference).expect("long enough");
        assert_eq!(
            untouched.percent, 0,
            "the stub's own tokens are not the learner's"
        );
    }

    #[test]
    fn the_description_says_what_the_number_measures() {
        let s = Similarity {
            percent: 92,
            reference_tokens: 340,
        };
        assert_eq!(
            s.describe(),
            "92 % of the written tokens equal to the reference's (340 tokens)"
        );
    }
}
