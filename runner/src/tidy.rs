//! Making a failed test's text readable where it is long or points at the wrong tool.
//!
//! - proptest's minimal input, printed with `{:#?}` one element per line, is folded onto one
//!   line;
//! - `assert_eq!`'s `left:`/`right:` values too long to show whole are shown around their
//!   first difference;
//! - insta's report names the snapshot by a clean path (`snapshots/<suite>/<name>.snap`) and
//!   says how a learner fixes their output, instead of advising `cargo insta`.

/// Longest `left:`/`right:` value shown whole; longer ones are windowed.
const VALUE_CHARS: usize = 300;
/// Characters shown before the first difference in a windowed value.
const BEFORE: usize = 80;

/// The panic message, tidied.
pub fn message(text: &str) -> String {
    window_left_right(&fold_minimal_input(text))
}

/// What the test printed before it failed (insta's report), tidied.
pub fn output(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut snapshot = false;
    for line in text.lines() {
        if line.contains("cargo insta") || line.contains("cargo-insta") {
            continue;
        }
        if line.starts_with("Snapshot") || line.contains(".snap") {
            snapshot |= line.contains(".snap") || line.starts_with("Snapshot:");
        }
        out.push(clean_paths(line));
    }
    if snapshot {
        out.push(
            "The `-` lines are the expected output (the snapshot file), the `+` lines yours: \
             change your code, not the snapshot, until they match."
                .to_string(),
        );
    }
    out.join("\n")
}

/// Every whitespace-separated token that is a path with `..` in it, normalized
/// (`katas/x/src/../../../tests/x/../../snapshots/x/a.snap` → `snapshots/x/a.snap`).
fn clean_paths(line: &str) -> String {
    if !line.contains("/../") {
        return line.to_string();
    }
    line.split(' ')
        .map(|token| {
            if token.contains("/../") {
                crate::libtest::normalize(token)
            } else {
                token.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `minimal failing input: x = [\n    1,\n    2,\n]` → `minimal failing input: x = [1, 2]`.
fn fold_minimal_input(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut folding: Option<(String, i32)> = None;
    for line in text.lines() {
        if let Some((acc, depth)) = folding.as_mut() {
            let piece = line.trim();
            let opens = acc.ends_with(['[', '(', '{', ' ']);
            let closes = piece.starts_with([']', ')', '}']);
            if !opens && !closes {
                acc.push(' ');
            }
            acc.push_str(piece);
            *depth += nesting(piece);
            if *depth <= 0 {
                let (done, _) = folding.take().unwrap_or_default();
                out.push(
                    done.replace(",]", "]")
                        .replace(",)", ")")
                        .replace(",}", "}"),
                );
            }
            continue;
        }
        let depth = nesting(line);
        if line.contains("minimal failing input:") && depth > 0 {
            folding = Some((line.trim_end().to_string(), depth));
        } else {
            out.push(line.to_string());
        }
    }
    if let Some((rest, _)) = folding {
        out.push(rest);
    }
    out.join("\n")
}

/// Opening minus closing brackets on a line (strings are not parsed: a fair guess for Debug).
fn nesting(line: &str) -> i32 {
    line.chars()
        .map(|c| match c {
            '[' | '(' | '{' => 1,
            ']' | ')' | '}' => -1,
            _ => 0,
        })
        .sum()
}

/// When both `  left: …` and ` right: …` are present and one is too long, both are shown
/// from a little before their first difference.
fn window_left_right(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let find = |p: &str| lines.iter().position(|l| l.trim_start().starts_with(p));
    let (Some(li), Some(ri)) = (find("left: "), find("right: ")) else {
        return text.to_string();
    };
    let value =
        |l: &str| l.trim_start()[l.trim_start().find(": ").map_or(0, |i| i + 2)..].to_string();
    let (left, right) = (value(lines[li]), value(lines[ri]));
    if left.chars().count() <= VALUE_CHARS && right.chars().count() <= VALUE_CHARS {
        return text.to_string();
    }
    let diff = left
        .chars()
        .zip(right.chars())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| left.chars().count().min(right.chars().count()));
    let start = diff.saturating_sub(BEFORE);
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out[li] = format!("  left: {}", window(&left, start));
    out[ri] = format!(" right: {}", window(&right, start));
    out.insert(
        li.min(ri),
        format!(
            "  (they first differ at character {}; shown from just before it)",
            diff + 1
        ),
    );
    out.join("\n")
}

/// `value` from character `start`, at most [`VALUE_CHARS`] characters, with what was cut said.
fn window(value: &str, start: usize) -> String {
    let total = value.chars().count();
    let shown: String = value.chars().skip(start).take(VALUE_CHARS).collect();
    let after = total.saturating_sub(start + VALUE_CHARS);
    let mut s = String::new();
    if start > 0 {
        s.push_str(&format!("({start} characters before) …"));
    }
    s.push_str(&shown);
    if after > 0 {
        s.push_str(&format!("… ({after} characters after)"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_input_printed_one_element_per_line_is_one_line() {
        let text = "Test failed: bad.\nminimal failing input: bytes = [\n    1,\n    2,\n    104,\n]\nafter";
        assert_eq!(
            fold_minimal_input(text),
            "Test failed: bad.\nminimal failing input: bytes = [1, 2, 104]\nafter"
        );
    }

    #[test]
    fn long_values_are_shown_around_their_first_difference() {
        let left = format!("{}A{}", "x".repeat(1000), "y".repeat(50));
        let right = format!("{}B{}", "x".repeat(1000), "y".repeat(50));
        let text = format!("assertion `left == right` failed\n  left: {left}\n right: {right}");
        let tidy = window_left_right(&text);
        assert!(
            tidy.contains("they first differ at character 1001"),
            "{tidy}"
        );
        let l = tidy.lines().find(|l| l.starts_with("  left:")).unwrap();
        assert!(
            l.contains('A') && l.contains("(920 characters before)"),
            "{l}"
        );
        assert!(l.len() < 450, "{l}");
    }

    #[test]
    fn a_snapshot_report_names_the_clean_path_and_never_cargo_insta() {
        let text = "Snapshot file: katas/d22-network/src/../../../tests/d22-network/../../snapshots/d22-network/response_200.snap\nSnapshot: response_200\n-old snapshot\n+new results\nTo update snapshots run `cargo insta review`\nStopped on the first failure. Run `cargo insta test` to run all snapshots.";
        let tidy = output(text);
        assert!(
            tidy.contains("Snapshot file: snapshots/d22-network/response_200.snap"),
            "{tidy}"
        );
        assert!(!tidy.contains("cargo insta"), "{tidy}");
        assert!(
            tidy.contains("change your code, not the snapshot"),
            "{tidy}"
        );
    }
}
