//! Unified diffs, strictly: what a dodge is stored as (`solutions/<suite>/dodges/*.patch`).
//!
//! A dodge patch is a preamble (`Dodge: …`, `Caught by: …`, anything else before the first
//! `--- ` line is ignored, as `git apply` ignores it) and a unified diff of one file. [`apply`]
//! takes no fuzz: every context and removed line of a hunk must match the file exactly. A hunk
//! may stand at another line than its header says (the file grew or shrank above it), and is
//! then looked for nearest its stated place. [`create`] writes the diff that [`parse`] reads.
//!
//! This module reads and writes text only: no file, no process, nothing else of the crate.

use std::fmt::Write as _;

use crate::error::PatchError;

/// A parsed patch: what stood before the diff, the file it changes, its hunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    /// The lines before the `--- ` line.
    pub preamble: Vec<String>,
    /// The path after `+++ ` with git's `b/` prefix removed.
    pub path: String,
    hunks: Vec<Hunk>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    header: String,
    old_start: usize,
    old: Vec<String>,
    new: Vec<String>,
}

/// Reads a patch of one file.
pub fn parse(text: &str) -> Result<Patch, PatchError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let bad = |i: usize, message: &str| PatchError::Malformed {
        line: i + 1,
        message: message.to_string(),
    };
    let start = lines
        .iter()
        .position(|l| l.starts_with("--- "))
        .ok_or_else(|| {
            bad(
                lines.len().saturating_sub(1),
                "no `--- ` line: not a unified diff",
            )
        })?;
    let preamble = lines[..start]
        .iter()
        .map(|l| l.trim_end_matches(['\n', '\r']).to_string())
        .collect();
    let plus = lines
        .get(start + 1)
        .and_then(|l| l.strip_prefix("+++ "))
        .ok_or_else(|| bad(start + 1, "a `+++ ` line must follow the `--- ` line"))?;
    let path = plus.trim_end();
    let path = path.strip_prefix("b/").unwrap_or(path).to_string();
    let mut hunks = Vec::new();
    let mut i = start + 2;
    while i < lines.len() {
        let header = lines[i].trim_end_matches(['\n', '\r']);
        let (old_start, old_len, new_len) = hunk_header(header)
            .ok_or_else(|| bad(i, "expected a hunk header `@@ -a,b +c,d @@`"))?;
        i += 1;
        let mut hunk = Hunk {
            header: header.to_string(),
            old_start,
            old: Vec::new(),
            new: Vec::new(),
        };
        while hunk.old.len() < old_len || hunk.new.len() < new_len {
            let line = *lines
                .get(i)
                .ok_or_else(|| bad(i, "the patch ends inside a hunk"))?;
            let body = line.get(1..).unwrap_or("\n").to_string();
            match line.as_bytes().first() {
                Some(b' ') | Some(b'\n') => {
                    hunk.old.push(body.clone());
                    hunk.new.push(body);
                }
                Some(b'-') => hunk.old.push(body),
                Some(b'+') => hunk.new.push(body),
                _ => return Err(bad(i, "a hunk line starts with ' ', '-' or '+'")),
            }
            i += 1;
            // `\ No newline at end of file` belongs to the line just read.
            if lines.get(i).is_some_and(|l| l.starts_with('\\')) {
                let prefix = line.as_bytes().first().copied();
                if prefix != Some(b'+') {
                    chop_newline(&mut hunk.old);
                }
                if prefix != Some(b'-') {
                    chop_newline(&mut hunk.new);
                }
                i += 1;
            }
        }
        if hunk.old.len() != old_len || hunk.new.len() != new_len {
            return Err(bad(i - 1, "a hunk has more lines than its header counts"));
        }
        hunks.push(hunk);
    }
    if hunks.is_empty() {
        return Err(bad(start, "the diff has no hunk"));
    }
    Ok(Patch {
        preamble,
        path,
        hunks,
    })
}

/// Removes the line end of the last line of one side of a hunk.
fn chop_newline(side: &mut [String]) {
    if let Some(last) = side.last_mut() {
        last.truncate(last.trim_end_matches('\n').len());
    }
}

/// `@@ -a[,b] +c[,d] @@…` → (a, b, d).
fn hunk_header(line: &str) -> Option<(usize, usize, usize)> {
    let rest = line.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(usize, usize)> {
        match r.split_once(',') {
            Some((s, n)) => Some((s.parse().ok()?, n.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (old_start, old_len) = range(old)?;
    let (_, new_len) = range(new)?;
    Some((old_start, old_len, new_len))
}

/// `base` with the patch applied; the first hunk that does not match is the error.
pub fn apply(patch: &Patch, base: &str) -> Result<String, PatchError> {
    let lines: Vec<&str> = base.split_inclusive('\n').collect();
    let mut out = String::with_capacity(base.len());
    let mut cursor = 0;
    let mut shift: isize = 0;
    for (n, hunk) in patch.hunks.iter().enumerate() {
        // A hunk that adds to an empty range names the line before it.
        let stated = if hunk.old.is_empty() {
            hunk.old_start
        } else {
            hunk.old_start.saturating_sub(1)
        };
        let wanted = stated.saturating_add_signed(shift).max(cursor);
        let at =
            find(&lines, &hunk.old, cursor, wanted).ok_or_else(|| PatchError::HunkMismatch {
                number: n + 1,
                header: hunk.header.clone(),
            })?;
        shift = at as isize - stated as isize;
        lines[cursor..at].iter().for_each(|l| out.push_str(l));
        hunk.new.iter().for_each(|l| out.push_str(l));
        cursor = at + hunk.old.len();
    }
    lines[cursor..].iter().for_each(|l| out.push_str(l));
    Ok(out)
}

/// The position at or after `from` where `old` matches, nearest `wanted`.
fn find(lines: &[&str], old: &[String], from: usize, wanted: usize) -> Option<usize> {
    let fits = |at: usize| {
        at + old.len() <= lines.len()
            && lines[at..at + old.len()]
                .iter()
                .zip(old)
                .all(|(a, b)| a == b)
    };
    let last = lines.len().checked_sub(old.len())?;
    (0..=last.max(wanted)).find_map(|d| {
        let after = wanted.checked_add(d).filter(|&at| at <= last && fits(at));
        let before = wanted
            .checked_sub(d)
            .filter(|&at| at >= from && at <= last && fits(at));
        after.or(before)
    })
}

/// The unified diff (three lines of context) that turns `old` into `new`, headed
/// `--- a/<path>` and `+++ b/<path>`; empty when they are equal.
pub fn create(old: &str, new: &str, path: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut text = String::new();
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        if text.is_empty() {
            let _ = writeln!(text, "--- a/{path}\n+++ b/{path}");
        }
        let _ = write!(text, "{hunk}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";

    #[test]
    fn a_created_patch_applies_back_to_the_new_text() {
        let new = "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\n";
        let text = create(BASE, new, "f.rs");
        let patch = parse(&text).expect("parses");
        assert_eq!(patch.path, "f.rs");
        assert_eq!(apply(&patch, BASE).expect("applies"), new);
    }

    #[test]
    fn the_preamble_is_kept_and_git_headers_are_skipped() {
        let new = BASE.replace("two", "2");
        let text = format!(
            "Dodge: x.\nCaught by: t\n\ndiff --git a/f b/f\nindex 1..2 100644\n{}",
            create(BASE, &new, "f")
        );
        let patch = parse(&text).expect("parses");
        assert_eq!(patch.preamble[..2], ["Dodge: x.", "Caught by: t"]);
        assert_eq!(apply(&patch, BASE).expect("applies"), new);
    }

    #[test]
    fn a_hunk_applies_where_the_file_moved_it() {
        let new = BASE.replace("seven", "7");
        let patch = parse(&create(BASE, &new, "f")).expect("parses");
        let moved = format!("zero\nzero\n{BASE}");
        assert_eq!(
            apply(&patch, &moved).expect("applies"),
            format!("zero\nzero\n{new}")
        );
    }

    #[test]
    fn a_hunk_whose_context_changed_does_not_apply() {
        let new = BASE.replace("four", "4");
        let patch = parse(&create(BASE, &new, "f")).expect("parses");
        let edited = BASE.replace("three", "drei");
        assert!(matches!(
            apply(&patch, &edited),
            Err(PatchError::HunkMismatch { number: 1, .. })
        ));
    }

    #[test]
    fn a_missing_final_newline_survives_the_round_trip() {
        let old = "a\nb\nc";
        let new = "a\nB\nc";
        let patch = parse(&create(old, new, "f")).expect("parses");
        assert_eq!(apply(&patch, old).expect("applies"), new);
        let added = "a\nb\nc\n";
        let patch = parse(&create(old, added, "f")).expect("parses");
        assert_eq!(apply(&patch, old).expect("applies"), added);
    }

    #[test]
    fn text_without_a_diff_is_malformed() {
        assert!(matches!(
            parse("Dodge: x\n"),
            Err(PatchError::Malformed { .. })
        ));
        assert!(matches!(
            parse("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n"),
            Err(PatchError::Malformed { .. })
        ));
    }

    #[test]
    fn equal_texts_give_an_empty_diff() {
        assert_eq!(create(BASE, BASE, "f"), "");
    }
}
