//! The stated-message stage: nothing a test requires is hidden from the learner.
//!
//! The rule, applied to each kata's test file `tests/<suite>/<kata>.rs` (documented in
//! docs/authoring.md): a test *requires a text* when it is
//! - the `expected = "…"` of a `#[should_panic]`;
//! - a string literal compared, as a whole argument of `assert_eq!`/`assert_ne!`, with an
//!   argument that renders an error as text: it mentions an error (`e`, `err`, `error`, a name
//!   ending in `_err`/`_error`, `Err`, `unwrap_err`, `expect_err`, also as an inline capture
//!   like `"{e}"`) and `to_string` or `format`;
//! - the literal argument of `.contains(…)`, `.starts_with(…)` or `.ends_with(…)` called, inside
//!   an assertion, on a receiver that mentions an error as above.
//!
//! Each such text must appear in the kata's stub file (comment markers and line breaks are
//! ignored, so a text may wrap inside a doc comment). No phrase a hint quotes in double quotes
//! (nor, for a required text of three words or more, any run of about as many words of a hint)
//! may be near-identical to a required text without containing it or being contained in it
//! ("overflows the Decimal range" against "overflow the Decimal range"), and no `todo!`,
//! `unimplemented!` or `panic!` message in the stub may contain an expected panic text (a
//! stub would then satisfy the `should_panic`).

use std::path::Path;

use super::{Report, Stage};
use crate::domain::{KataRef, Suite};

/// A token of Rust source, as far as this stage needs one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// An identifier or keyword (`r#` stripped).
    Ident(String),
    /// A string literal's value (escapes decoded; raw, byte and C strings too).
    Str(String),
    /// Any other single character outside literals and comments.
    Punct(char),
}

/// Splits Rust source into tokens, skipping comments, whitespace, numbers, chars and lifetimes.
pub fn tokenize(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == '"' {
            let (s, end) = quoted(&c, i + 1);
            out.push(Token::Str(s));
            i = end;
        } else if let Some((s, end)) = prefixed_string(&c, i) {
            out.push(Token::Str(s));
            i = end;
        } else if ch == '\'' {
            i = skip_char_or_lifetime(&c, i);
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            if word == "r" && c.get(i) == Some(&'#') {
                // A raw identifier (`r#type`): the `#` and the name follow.
                i += 1;
                continue;
            }
            out.push(Token::Ident(word));
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
        } else {
            out.push(Token::Punct(ch));
            i += 1;
        }
    }
    out
}

/// A `"…"` string starting after its opening quote: its value and the index after it.
fn quoted(c: &[char], mut i: usize) -> (String, usize) {
    let mut s = String::new();
    while i < c.len() {
        match c[i] {
            '"' => return (s, i + 1),
            '\\' => {
                let e = c.get(i + 1).copied().unwrap_or('\\');
                i += 2;
                match e {
                    'n' => s.push('\n'),
                    't' => s.push('\t'),
                    'r' => s.push('\r'),
                    '0' => s.push('\0'),
                    'x' => {
                        let hex: String = c[i.min(c.len())..(i + 2).min(c.len())].iter().collect();
                        if let Some(ch) =
                            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            s.push(ch);
                        }
                        i += 2;
                    }
                    'u' => {
                        let start = i + 1;
                        let mut end = start;
                        while end < c.len() && c[end] != '}' {
                            end += 1;
                        }
                        let hex: String = c[start.min(c.len())..end].iter().collect();
                        if let Some(ch) =
                            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            s.push(ch);
                        }
                        i = end + 1;
                    }
                    '\n' => {
                        while i < c.len() && c[i].is_whitespace() {
                            i += 1;
                        }
                    }
                    other => s.push(other),
                }
            }
            ch => {
                s.push(ch);
                i += 1;
            }
        }
    }
    (s, i)
}

/// `r"…"`, `r#"…"#`, `b"…"`, `br"…"`, `c"…"`, `cr#"…"#` at `i`: value and end, if one starts there.
fn prefixed_string(c: &[char], i: usize) -> Option<(String, usize)> {
    if i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if matches!(c.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if c.get(j) == Some(&'r') {
        j += 1;
        let mut hashes = 0;
        while c.get(j) == Some(&'#') {
            hashes += 1;
            j += 1;
        }
        if c.get(j) != Some(&'"') {
            return None;
        }
        let start = j + 1;
        let mut k = start;
        while k < c.len() {
            if c[k] == '"' && (1..=hashes).all(|h| c.get(k + h) == Some(&'#')) {
                return Some((c[start..k].iter().collect(), k + 1 + hashes));
            }
            k += 1;
        }
        return Some((c[start..].iter().collect(), c.len()));
    }
    if j > i && c.get(j) == Some(&'"') {
        return Some(quoted(c, j + 1));
    }
    None
}

/// Skips `'a'`, `'\n'`, `'\''` or a lifetime `'a` starting at `i`.
fn skip_char_or_lifetime(c: &[char], i: usize) -> usize {
    match (c.get(i + 1), c.get(i + 2)) {
        (Some('\\'), _) => {
            let mut k = i + 3;
            while k < c.len() && c[k] != '\'' {
                k += 1;
            }
            k + 1
        }
        (Some(_), Some('\'')) => i + 3,
        _ => {
            let mut k = i + 1;
            while k < c.len() && (c[k].is_alphanumeric() || c[k] == '_') {
                k += 1;
            }
            k
        }
    }
}

/// A text a test requires, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Required {
    /// The text.
    pub text: String,
    /// Whether it is a `should_panic` expectation (a stub's `todo!` must not contain it).
    pub panic: bool,
}

/// The texts the tests in `src` require (see the module docs for the rule), in order, once each.
pub fn required_texts(src: &str) -> Vec<Required> {
    let t = tokenize(src);
    let mut out: Vec<Required> = Vec::new();
    let mut add = |text: &str, panic: bool| {
        if !text.trim().is_empty() && !out.iter().any(|r| r.text == text) {
            out.push(Required {
                text: text.to_string(),
                panic,
            });
        }
    };
    let mut i = 0;
    while i < t.len() {
        if let [
            Token::Ident(a),
            Token::Punct('('),
            Token::Ident(b),
            Token::Punct('='),
            Token::Str(s),
            ..,
        ] = &t[i..]
            && a == "should_panic"
            && b == "expected"
        {
            add(s, true);
        }
        if let [Token::Ident(m), Token::Punct('!'), Token::Punct(open), ..] = &t[i..]
            && m.starts_with("assert")
            && matches!(open, '(' | '[' | '{')
        {
            let args = split_args(&t[i + 3..]);
            if matches!(m.as_str(), "assert_eq" | "assert_ne") && args.len() >= 2 {
                for (lit, other) in [(args[0], args[1]), (args[1], args[0])] {
                    if let [Token::Str(s)] = lit
                        && mentions_error(other)
                        && other.iter().any(|x| is_ident(x, &["to_string", "format"]))
                    {
                        add(s, false);
                    }
                }
            }
            for arg in &args {
                for k in 0..arg.len() {
                    if let [
                        Token::Punct('.'),
                        Token::Ident(f),
                        Token::Punct('('),
                        Token::Str(s),
                        Token::Punct(')'),
                        ..,
                    ] = &arg[k..]
                        && matches!(f.as_str(), "contains" | "starts_with" | "ends_with")
                        && mentions_error(&arg[..k])
                    {
                        add(s, false);
                    }
                }
            }
        }
        i += 1;
    }
    out
}

/// The top-level comma-separated arguments of a macro call whose opening bracket precedes `t`.
fn split_args(t: &[Token]) -> Vec<&[Token]> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (k, tok) in t.iter().enumerate() {
        match tok {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') if depth == 0 => {
                args.push(&t[start..k]);
                return args;
            }
            Token::Punct(')' | ']' | '}') => depth -= 1,
            Token::Punct(',') if depth == 0 => {
                args.push(&t[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    args.push(&t[start..]);
    args
}

fn is_ident(t: &Token, names: &[&str]) -> bool {
    matches!(t, Token::Ident(n) if names.contains(&n.as_str()))
}

/// Whether tokens mention an error value (the names the module docs list), also as an
/// inline format capture (`format!("{e}")`).
fn mentions_error(t: &[Token]) -> bool {
    let errorish = |n: &str| {
        matches!(
            n,
            "e" | "err" | "error" | "Err" | "unwrap_err" | "expect_err"
        ) || n.ends_with("_err")
            || n.ends_with("_error")
    };
    t.iter().any(|x| match x {
        Token::Ident(n) => errorish(n),
        Token::Str(s) => s
            .split('{')
            .skip(1)
            .any(|after| errorish(after.split(['}', ':']).next().unwrap_or(""))),
        _ => false,
    })
}

/// Text as a learner reads it: comment markers dropped, all whitespace runs one space.
pub fn readable(src: &str) -> String {
    let mut words = Vec::new();
    for line in src.lines() {
        let l = line.trim_start();
        let l = ["//!", "///", "//"]
            .iter()
            .find_map(|m| l.strip_prefix(m))
            .unwrap_or(l);
        words.extend(l.split_whitespace());
    }
    words.join(" ")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Phrases a hint puts in double quotes (straight or curly).
pub fn quoted_phrases(hint: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = hint;
    while let Some(start) = rest.find(['"', '“']) {
        let open_len = rest[start..].chars().next().map_or(1, char::len_utf8);
        let after = &rest[start + open_len..];
        let Some(end) = after.find(['"', '”']) else {
            break;
        };
        out.push(after[..end].to_string());
        let close_len = after[end..].chars().next().map_or(1, char::len_utf8);
        rest = &after[end + close_len..];
    }
    out
}

/// Whether a quoted phrase looks like a required text but says something else: a few
/// characters apart (case and spacing aside), and neither contains the other.
pub fn contradicts(phrase: &str, text: &str) -> bool {
    let (p, t) = (squash(phrase).to_lowercase(), squash(text).to_lowercase());
    if p.is_empty() || t.is_empty() || p.contains(&t) || t.contains(&p) {
        return false;
    }
    let longest = p.chars().count().max(t.chars().count());
    let d = distance(&p, &t);
    d > 0 && d <= (longest / 10).max(2)
}

/// The phrase of `hint` that contradicts `text`, if any: a quoted phrase, or (for texts of
/// three words or more, which a hint may paraphrase without quotes) a run of about as many
/// words, when the hint does not also contain the text itself.
pub fn hint_clash(hint: &str, text: &str) -> Option<String> {
    if let Some(p) = quoted_phrases(hint)
        .into_iter()
        .find(|p| contradicts(p, text))
    {
        return Some(p);
    }
    let n = text.split_whitespace().count();
    if n < 3
        || squash(hint)
            .to_lowercase()
            .contains(&squash(text).to_lowercase())
    {
        return None;
    }
    let words: Vec<&str> = hint
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    (n - 1..=n + 1)
        .filter(|w| *w <= words.len())
        .flat_map(|w| words.windows(w).map(|win| win.join(" ")))
        .find(|win| contradicts(win, text))
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The messages of `todo!`, `unimplemented!`, `unreachable!` and `panic!` calls in `src`.
pub fn placeholder_messages(src: &str) -> Vec<String> {
    let t = tokenize(src);
    t.windows(4)
        .filter_map(|w| match w {
            [
                Token::Ident(m),
                Token::Punct('!'),
                Token::Punct('('),
                Token::Str(s),
            ] if matches!(
                m.as_str(),
                "todo" | "unimplemented" | "unreachable" | "panic"
            ) =>
            {
                Some(s.clone())
            }
            _ => None,
        })
        .collect()
}

/// How many `#[should_panic]` in `src` name no expected message.
pub fn bare_should_panics(src: &str) -> usize {
    tokenize(src)
        .windows(2)
        .filter(|w| matches!(w, [Token::Ident(a), Token::Punct(']')] if a == "should_panic"))
        .count()
}

/// Runs the stage for `suites`.
pub fn stage(root: &Path, suites: &[&Suite], report: &mut Report) {
    for suite in suites {
        for kata in &suite.katas {
            let k = KataRef { suite, kata };
            let key = k.key();
            let Some((test_file, tests)) = crate::layout::test_source(root, &suite.id, &kata.id)
            else {
                continue; // the sync stage names a missing test file
            };
            let bare = bare_should_panics(&tests);
            report.push(
                Stage::Texts,
                format!("{key}: every should_panic in {test_file} names its message"),
                bare == 0,
                if bare == 0 {
                    String::new()
                } else {
                    format!(
                        "{bare} bare #[should_panic]: write #[should_panic(expected = \"…\")] so a stub's todo!() cannot pass it"
                    )
                },
            );
            let stub = std::fs::read_to_string(root.join(&kata.file)).unwrap_or_default();
            let stated = readable(&stub);
            let required = required_texts(&tests);
            for r in &required {
                let ok = stated.contains(&squash(&r.text));
                report.push(
                    Stage::Texts,
                    format!("{key}: {:?} (required by {test_file}) is stated", r.text),
                    ok,
                    if ok {
                        String::new()
                    } else {
                        format!(
                            "state it in {} (the brief or the doc of the item that produces it)",
                            kata.file
                        )
                    },
                );
            }
            let mut clashes = Vec::new();
            for (n, hint) in kata.hints.iter().enumerate() {
                for r in &required {
                    if let Some(phrase) = hint_clash(hint, &r.text) {
                        clashes.push(format!(
                            "hint {} of katas.toml says {phrase:?} but {test_file} expects {:?}",
                            n + 1,
                            r.text
                        ));
                    }
                }
            }
            report.push(
                Stage::Texts,
                format!("{key}: no hint contradicts a required text"),
                clashes.is_empty(),
                clashes.join("\n"),
            );
            let placeholders = placeholder_messages(&stub);
            let given: Vec<String> = required
                .iter()
                .filter(|r| r.panic)
                .filter_map(|r| {
                    placeholders.iter().find(|m| m.contains(&r.text)).map(|m| {
                        format!(
                            "{}: the stub's placeholder message {m:?} contains the expected panic text {:?}, so the stub passes that test",
                            kata.file, r.text
                        )
                    })
                })
                .collect();
            report.push(
                Stage::Texts,
                format!("{key}: no placeholder message satisfies a should_panic"),
                given.is_empty(),
                given.join("\n"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(src: &str) -> Vec<String> {
        tokenize(src)
            .into_iter()
            .filter_map(|t| match t {
                Token::Str(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_tokenizer_decodes_escapes_and_raw_strings() {
        let src = r###"let a = "x\"y\n\u{41}\x42"; let b = r#"a "quoted" b"#; let c = br"raw";"###;
        assert_eq!(strs(src), ["x\"y\nAB", "a \"quoted\" b", "raw"]);
    }

    #[test]
    fn the_tokenizer_skips_comments_chars_and_lifetimes() {
        let src = "// \"not\"\n/* \"no\" /* nested */ */ fn f<'a>(c: char) -> &'a str { if c == '\"' { \"yes\" } else { \"\\\\\" } }";
        assert_eq!(strs(src), ["yes", "\\"]);
    }

    #[test]
    fn a_string_continued_over_lines_drops_the_indentation() {
        assert_eq!(strs("\"one \\\n        two\""), ["one two"]);
    }

    #[test]
    fn should_panic_expectations_are_required() {
        let src = "#[test]\n#[should_panic(expected = \"overflow the Decimal range\")]\nfn t() {}";
        assert_eq!(
            required_texts(src),
            [Required {
                text: "overflow the Decimal range".into(),
                panic: true
            }]
        );
    }

    #[test]
    fn an_error_rendered_as_text_and_compared_is_required() {
        let src = r#"
            assert_eq!(err.to_string(), "bad cents: xe5", "teaches");
            assert_eq!(format!("{e}"), "empty line");
            assert!(parse("x").unwrap_err().to_string().contains("line 3"), "msg {}", "no");
        "#;
        let texts: Vec<String> = required_texts(src).into_iter().map(|r| r.text).collect();
        assert_eq!(texts, ["bad cents: xe5", "empty line", "line 3"]);
    }

    #[test]
    fn ordinary_data_strings_are_not_required() {
        let src = r#"
            assert_eq!(render(&rows).to_string(), "a | b");
            assert_eq!(status_line(&response), "HTTP/1.1 200 OK", "not an error");
            assert!(text.contains("Connection: close"), "a header");
            let e = "x"; // a name alone, outside an assertion
        "#;
        assert!(required_texts(src).is_empty());
    }

    #[test]
    fn a_bare_should_panic_is_counted() {
        let src = "#[should_panic]\nfn a() {}\n#[should_panic(expected = \"x\")]\nfn b() {}";
        assert_eq!(bare_should_panics(src), 1);
    }

    #[test]
    fn readable_text_ignores_comment_markers_and_line_breaks() {
        let stub = "//! Fails with \"overflow the\n//! Decimal range\".\n/// and `x`\nfn f() {}";
        assert!(readable(stub).contains("overflow the Decimal range"));
    }

    #[test]
    fn a_hint_one_letter_off_an_expected_text_contradicts_it() {
        assert!(contradicts(
            "overflows the Decimal range",
            "overflow the Decimal range"
        ));
        assert!(!contradicts(
            "overflow the Decimal range",
            "overflow the Decimal range"
        ));
        assert!(!contradicts(
            "the sum would overflow the Decimal range",
            "overflow the Decimal range"
        ));
        assert!(!contradicts(
            "use checked_add",
            "overflow the Decimal range"
        ));
    }

    #[test]
    fn a_hint_paraphrasing_a_long_text_without_quotes_is_checked_too() {
        let hint =
            "turn the None into a panic whose message says the total overflows the Decimal range.";
        assert_eq!(
            hint_clash(hint, "overflow the Decimal range").as_deref(),
            Some("overflows the Decimal range")
        );
        assert_eq!(hint_clash("a bad tolerances value", "tolerance"), None);
        assert_eq!(
            hint_clash(
                "it must overflow the Decimal range",
                "overflow the Decimal range"
            ),
            None
        );
    }

    #[test]
    fn hints_quote_phrases_in_straight_or_curly_quotes() {
        assert_eq!(
            quoted_phrases("panic with \"a\" or “b c”, not 'd'"),
            ["a", "b c"]
        );
    }

    #[test]
    fn placeholder_messages_are_found_in_todo_and_panic_calls() {
        let src = "fn f() { todo!(\"sum the fees\") } fn g() { panic!(\"tolerance\") } fn h() { todo!() }";
        assert_eq!(placeholder_messages(src), ["sum the fees", "tolerance"]);
    }

    #[test]
    fn the_stage_names_an_unstated_text_a_contradicting_hint_and_a_giving_away_todo() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("tests/s")).expect("mkdir");
        std::fs::create_dir_all(root.join("katas/s/src")).expect("mkdir");
        std::fs::write(
            root.join("tests/s/k.rs"),
            "#[should_panic(expected = \"overflow the range\")] fn a() {}\n\
             #[should_panic(expected = \"tolerance\")] fn b() {}",
        )
        .expect("write");
        std::fs::write(
            root.join("katas/s/src/k.rs"),
            "//! Panics on a bad tolerance.\npub fn f() { todo!(\"check the tolerance\") }",
        )
        .expect("write");
        let suite: Suite = toml::from_str(
            "id = \"s\"\ntitle = \"S\"\n[[kata]]\nid = \"k\"\ntitle = \"K\"\n\
             file = \"katas/s/src/k.rs\"\ntests = \"suite::k::\"\n\
             hints = [\"say \\\"overflows the range\\\"\"]",
        )
        .expect("suite");
        let mut report = Report::default();
        stage(root, &[&suite], &mut report);
        let failed: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(
            failed,
            [
                "s/k: \"overflow the range\" (required by tests/s/k.rs) is stated",
                "s/k: no hint contradicts a required text",
                "s/k: no placeholder message satisfies a should_panic",
            ]
        );
    }
}
