//! The ledger stage: every lesson a kata's brief claims names the tests that enforce it.
//!
//! A kata file's brief has a section headed `**The tests check.**`; each of its bullets ends
//! with `Checked by` and the backticked names of test functions in the kata's test source:
//!
//! ```text
//! //! **The tests check.**
//! //! - the threads run at the same time. Checked by `workers_meet_at_a_barrier`.
//! //!
//! //! **Not checked.** Whether it is fast: that is the bench's job.
//! ```
//!
//! The section ends at an empty doc line or a line that starts with `**`; continuation lines
//! of a bullet are indented. The stage fails a kata without the section, a bullet that names
//! no test, and a name that is no `fn` of the kata's test source (`tests/<suite>/<kata>.rs`
//! or the folder `tests/<suite>/<kata>/`).

use std::path::Path;

use super::{Report, Stage};
use crate::domain::{KataRef, Suite};
use crate::layout;

/// The doc line that opens the section.
pub const HEADING: &str = "**The tests check";

/// One bullet of the section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// 1-based line of the bullet in the kata file.
    pub line: usize,
    /// The bullet's text, its lines joined.
    pub text: String,
    /// The test names after `Checked by`.
    pub tests: Vec<String>,
}

/// The bullets of the `**The tests check.**` section of `src`'s leading doc comment; `None`
/// when it has no such section.
pub fn parse(src: &str) -> Option<Vec<Claim>> {
    let docs: Vec<(usize, &str)> = src
        .lines()
        .enumerate()
        .map_while(|(i, l)| l.trim_start().strip_prefix("//!").map(|d| (i + 1, d)))
        .map(|(i, d)| (i, d.strip_prefix(' ').unwrap_or(d)))
        .collect();
    let start = docs.iter().position(|(_, d)| d.starts_with(HEADING))?;
    let mut claims: Vec<Claim> = Vec::new();
    for &(line, doc) in &docs[start + 1..] {
        if doc.trim().is_empty() || doc.starts_with("**") {
            break;
        }
        if let Some(bullet) = doc.strip_prefix("- ") {
            claims.push(Claim {
                line,
                text: bullet.trim().to_string(),
                tests: Vec::new(),
            });
        } else if let (Some(last), true) = (claims.last_mut(), doc.starts_with(' ')) {
            last.text.push(' ');
            last.text.push_str(doc.trim());
        } else if !claims.is_empty() {
            break; // a paragraph after the bullets
        }
    }
    for claim in &mut claims {
        claim.tests = checked_by(&claim.text);
    }
    Some(claims)
}

/// The backticked names after the last `Checked by` of `text` (a path's last segment).
fn checked_by(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let Some(at) = lower.rfind("checked by") else {
        return Vec::new();
    };
    text[at..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|name| name.rsplit("::").next().unwrap_or(name).trim().to_string())
        .filter(|name| !name.is_empty())
        .collect()
}

/// Whether `src` defines a function `name`.
fn defines_fn(src: &str, name: &str) -> bool {
    src.match_indices(name).any(|(at, _)| {
        let before = src[..at].trim_end();
        let after = &src[at + name.len()..];
        before.ends_with("fn")
            && before[..before.len() - 2]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
            && after
                .chars()
                .next()
                .is_some_and(|c| c == '(' || c == '<' || c.is_whitespace())
    })
}

/// Runs the stage for `suites`.
pub fn stage(root: &Path, suites: &[&Suite], report: &mut Report) {
    for suite in suites {
        for kata in &suite.katas {
            let k = KataRef { suite, kata };
            check_kata(root, &k, report);
        }
    }
}

fn check_kata(root: &Path, kata: &KataRef<'_>, report: &mut Report) {
    let key = kata.key();
    let src = std::fs::read_to_string(root.join(&kata.file)).unwrap_or_default();
    let Some(claims) = parse(&src).filter(|c| !c.is_empty()) else {
        report.push(
            Stage::Ledger,
            format!("{key}: the brief has a claims ledger"),
            false,
            format!(
                "{} has no `//! **The tests check.**` section with bullets: list each lesson the tests enforce, each ending `Checked by `test_name``",
                kata.file
            ),
        );
        return;
    };
    let (test_file, tests) = layout::test_source(root, &kata.suite.id, &kata.id)
        .unwrap_or_else(|| (layout::test_file(&kata.suite.id, &kata.id), String::new()));
    for claim in claims {
        let name = format!(
            "{key}: the claim at {}:{} names its tests",
            kata.file, claim.line
        );
        let missing: Vec<&str> = claim
            .tests
            .iter()
            .map(String::as_str)
            .filter(|t| !defines_fn(&tests, t))
            .collect();
        let detail = if claim.tests.is_empty() {
            format!(
                "\"{}\" names no test: end it with `Checked by `test_name``, give it a seam a test can observe, or move it under **Not checked.**",
                short(&claim.text)
            )
        } else if !missing.is_empty() {
            format!(
                "names {}, which {} no test in {test_file}",
                missing
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() == 1 { "is" } else { "are" }
            )
        } else {
            format!("checked by {}", claim.tests.join(", "))
        };
        let ok = !claim.tests.is_empty() && missing.is_empty();
        report.push(Stage::Ledger, name, ok, detail);
    }
}

fn short(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRIEF: &str = "//! # Kata\n\
        //!\n\
        //! **The tests check.**\n\
        //! - ranges cover `0..n` once.\n\
        //!   Checked by `covers_every_index`, `suite::k::no_empty_range`.\n\
        //! - it is fast.\n\
        //!\n\
        //! **Not checked.** Speed.\n\
        \n\
        pub fn f() {}\n";

    #[test]
    fn bullets_are_read_with_their_continuation_lines_and_test_names() {
        let claims = parse(BRIEF).expect("a ledger");
        assert_eq!(claims.len(), 2);
        assert_eq!(claims[0].line, 4);
        assert_eq!(claims[0].tests, ["covers_every_index", "no_empty_range"]);
        assert!(claims[0].text.ends_with("`suite::k::no_empty_range`."));
        assert!(claims[1].tests.is_empty());
    }

    #[test]
    fn a_brief_without_the_heading_has_no_ledger() {
        assert_eq!(parse("//! **Rules.**\n//! - x. Checked by `t`.\n"), None);
    }

    #[test]
    fn the_section_ends_at_a_blank_doc_line_or_a_new_paragraph() {
        let src = "//! **The tests check.**\n//! - a. Checked by `t`.\n//! **Why.** - b\n";
        assert_eq!(parse(src).expect("ledger").len(), 1);
    }

    #[test]
    fn a_named_test_must_be_a_function_of_the_test_source() {
        let tests = "#[test]\nfn covers_every_index() {}\nproptest! { fn no_empty_range(n in 0..9u8) {} }\n";
        assert!(defines_fn(tests, "covers_every_index"));
        assert!(defines_fn(tests, "no_empty_range"));
        assert!(!defines_fn(tests, "covers_every"));
        assert!(!defines_fn(
            "fn covers_every_index_twice() {}",
            "covers_every_index"
        ));
        assert!(!defines_fn(
            "let x = covers_every_index();",
            "covers_every_index"
        ));
    }
}
