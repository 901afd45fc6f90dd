//! `cargo kata solution`: the reference solution and a diff against the learner's file,
//! once the kata is green. Before green it refuses and points to the hints; `--peek`
//! shows it anyway and has the core record the peek (self-assessment must know).

use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

use crate::error::{RecordError, SolutionError};

/// What `solution` is asked to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SolutionRequest<'a> {
    /// The kata.
    pub kata_id: &'a str,
    /// The learner's file.
    pub kata_file: &'a Path,
    /// The reference solution's file.
    pub solution_file: &'a Path,
    /// Whether the kata's tests pass (as the core last checked them).
    pub green: bool,
    /// `--peek`: show it even before green.
    pub peek: bool,
    /// Colour the diff ([`Style::detect`]'s rule).
    pub color: bool,
}

/// What was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Shown after green.
    AfterGreen,
    /// Shown before green with `--peek`; the peek was recorded.
    Peeked,
}

/// Shows the reference solution and the diff from the learner's file to it on `out`.
///
/// Before green without `peek`: [`SolutionError::NotGreen`], nothing read or recorded.
/// Before green with `peek`: `record_peek(kata_id)` is called once, after both files are
/// read and before anything is printed; if it fails nothing is shown. After green the
/// callback is never called.
pub fn show(
    req: SolutionRequest<'_>,
    record_peek: &mut dyn FnMut(&str) -> Result<(), RecordError>,
    out: &mut dyn Write,
) -> Result<Shown, SolutionError> {
    show_reference(req, None, record_peek, out)
}

/// [`show`], with the reference's text given (e.g. the committed one, which learner code
/// cannot have overwritten) instead of read from `req.solution_file`, still named by it.
pub fn show_reference(
    req: SolutionRequest<'_>,
    reference: Option<String>,
    record_peek: &mut dyn FnMut(&str) -> Result<(), RecordError>,
    out: &mut dyn Write,
) -> Result<Shown, SolutionError> {
    if !req.green && !req.peek {
        return Err(SolutionError::NotGreen {
            kata_id: req.kata_id.to_owned(),
        });
    }
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|source| SolutionError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let reference = match reference {
        Some(text) => text,
        None => read(req.solution_file)?,
    };
    let learner = read(req.kata_file)?;
    let shown = if req.green {
        Shown::AfterGreen
    } else {
        record_peek(req.kata_id).map_err(|source| SolutionError::RecordPeek {
            kata_id: req.kata_id.to_owned(),
            source,
        })?;
        Shown::Peeked
    };
    let style = Style::colored(req.color);
    if shown == Shown::Peeked {
        writeln!(
            out,
            "{}",
            style.yellow(&format!(
                "Peeking at {} before green (recorded).",
                req.kata_id
            ))
        )?;
    }
    writeln!(
        out,
        "{}\n",
        style.bold(&format!(
            "Reference solution for {} ({}):",
            req.kata_id,
            req.solution_file.display()
        ))
    )?;
    out.write_all(reference.as_bytes())?;
    if !reference.ends_with('\n') {
        writeln!(out)?;
    }
    writeln!(out)?;
    if learner == reference {
        writeln!(out, "Your file is identical to the reference solution.")?;
    } else {
        writeln!(out, "{}", style.bold("Your file → the reference:"))?;
        out.write_all(
            unified_diff(
                &learner,
                &reference,
                &req.kata_file.display().to_string(),
                &req.solution_file.display().to_string(),
                req.color,
            )
            .as_bytes(),
        )?;
    }
    out.flush()?;
    Ok(shown)
}

use crate::term::Style;

/// A unified diff (3 lines of context) from `old` to `new`; with `color`, removed lines
/// are red, added lines green and hunk headers cyan. Empty when the texts are equal.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    let style = Style::colored(color);
    let diff = TextDiff::from_lines(old, new);
    let mut text = String::new();
    let mut hunks = diff.unified_diff();
    hunks.context_radius(3);
    let hunks: Vec<_> = hunks.iter_hunks().collect();
    if hunks.is_empty() {
        return text;
    }
    // Writing to a String cannot fail.
    let _ = writeln!(text, "{}", style.bold(&format!("--- {old_name}")));
    let _ = writeln!(text, "{}", style.bold(&format!("+++ {new_name}")));
    for hunk in hunks {
        let _ = writeln!(text, "{}", style.cyan(&hunk.header().to_string()));
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            };
            let line = format!("{sign}{}", change.value().trim_end_matches(['\n', '\r']));
            let _ = match change.tag() {
                ChangeTag::Delete => writeln!(text, "{}", style.red(&line)),
                ChangeTag::Insert => writeln!(text, "{}", style.green(&line)),
                ChangeTag::Equal => writeln!(text, "{line}"),
            };
            if change.missing_newline() {
                let _ = writeln!(text, "\\ No newline at end of file");
            }
        }
    }
    text
}

/// What a kata file has in common with the reference solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolutionMatch {
    /// Byte for byte HEAD's `solutions/<suite>/src/<kata>.rs`.
    Identical,
    /// The same once whitespace and `//` comments are removed.
    IdenticalAfterFormatting,
}

/// Compares the learner's file with HEAD's reference solution (`None`: differs, or unreadable).
pub fn matches_solution(root: &Path, file: &str, solution: &str) -> Option<SolutionMatch> {
    let mine = std::fs::read(root.join(file)).ok()?;
    let reference = crate::git::show_head(root, solution).ok()?;
    compare(&mine, &reference)
}

/// [`SolutionMatch`] of two sources, if any.
pub fn compare(mine: &[u8], reference: &[u8]) -> Option<SolutionMatch> {
    if mine == reference {
        return Some(SolutionMatch::Identical);
    }
    let norm = |b: &[u8]| normalise(&String::from_utf8_lossy(b));
    (norm(mine) == norm(reference)).then_some(SolutionMatch::IdenticalAfterFormatting)
}

/// The source without whitespace and without `//` comments (doc comments included):
/// what `rustfmt`, a re-indent or a reworded comment cannot change.
fn normalise(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string literal is cut too; both sides are cut alike.
            Some(i) => &line[..i],
            None => line,
        })
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reformatted_copy_of_the_solution_is_flagged() {
        let reference = b"pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";
        let mine = b"// mine\npub fn add(a: u32, b: u32) -> u32 { a + b }\n";
        assert_eq!(
            compare(reference, reference),
            Some(SolutionMatch::Identical)
        );
        assert_eq!(
            compare(mine, reference),
            Some(SolutionMatch::IdenticalAfterFormatting)
        );
        assert_eq!(
            compare(b"pub fn add(a: u32, b: u32) -> u32 { b + a }", reference),
            None
        );
    }

    #[test]
    fn a_plain_diff_has_no_escape_codes() {
        let d = unified_diff("a\nb\n", "a\nc\n", "kata.rs", "solution.rs", false);
        assert_eq!(
            d,
            "--- kata.rs\n+++ solution.rs\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
        );
    }

    #[test]
    fn a_coloured_diff_marks_removed_red_and_added_green() {
        let d = unified_diff("a\nb\n", "a\nc\n", "k", "s", true);
        assert!(
            d.contains("\x1b[31m-b\x1b[0m"),
            "removed line in red: {d:?}"
        );
        assert!(
            d.contains("\x1b[32m+c\x1b[0m"),
            "added line in green: {d:?}"
        );
    }

    #[test]
    fn equal_texts_have_an_empty_diff() {
        assert_eq!(unified_diff("a\n", "a\n", "k", "s", true), "");
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        let d = unified_diff("a\n", "a", "k", "s", false);
        assert!(d.contains("\\ No newline at end of file"), "{d}");
    }
}
