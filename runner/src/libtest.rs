//! Reading what a libtest binary prints: its test list and a failed test's panic.

use crate::domain::Location;

/// What a failed test said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Failure {
    /// The panic message (or libtest's note), trimmed.
    pub message: String,
    /// Where the first panic happened, if it printed one.
    pub location: Option<Location>,
    /// What the test printed before it panicked (insta's snapshot diff, for example), trimmed.
    pub output: String,
}

/// Test names from `<bin> --list --format terse` (benchmarks are left out).
pub fn parse_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// Longest message kept from one failed test.
const MAX_LINES: usize = 40;

/// The failure of `name` from libtest's stdout (captured output section) of a one-test run.
pub fn parse_failure(name: &str, stdout: &str) -> Failure {
    let header = format!("---- {name} stdout ----");
    let section: Vec<&str> = match stdout.lines().position(|l| l.trim_end() == header) {
        Some(start) => stdout
            .lines()
            .skip(start + 1)
            .take_while(|l| l.trim_end() != "failures:" && !l.starts_with("---- "))
            .collect(),
        None => stdout.lines().collect(),
    };
    // A test can panic more than once: a learner's code inside a spawned thread, then the
    // test's own assertion; or proptest, once per shrinking step, then its summary. The first
    // panic says where the learner's code stopped; the last one is the verdict to read.
    let panics: Vec<usize> = section
        .iter()
        .enumerate()
        .filter(|(_, l)| is_panic_line(l))
        .map(|(i, _)| i)
        .collect();
    let output = match panics.first() {
        Some(&i) => clip(crate::tidy::output(section[..i].join("\n").trim()).trim()),
        None => String::new(),
    };
    let (location, body): (Option<Location>, Vec<&str>) = match (panics.first(), panics.last()) {
        (Some(&first), Some(&last)) => {
            let (location, _) = split_panic_line(section[first]);
            let (_, inline) = split_panic_line(section[last]);
            let mut body: Vec<&str> = Vec::new();
            if !inline.is_empty() {
                body.push(inline);
            }
            body.extend(section[last + 1..].iter().copied());
            (location, body)
        }
        _ => (None, section),
    };
    let kept: Vec<&str> = body
        .into_iter()
        .take_while(|l| !l.starts_with("stack backtrace:"))
        .filter(|l| {
            // proptest's counters after its summary say nothing to a learner.
            let stat = l.trim_start();
            let proptest_counter = l.starts_with('\t')
                && (stat.starts_with("successes:")
                    || stat.starts_with("local rejects:")
                    || stat.starts_with("global rejects:"));
            !proptest_counter
                && !l.starts_with("note: run with `RUST_BACKTRACE")
                && !l.starts_with("note: Some details are omitted")
        })
        .collect();
    let mut message = clip(crate::tidy::message(kept.join("\n").trim()).trim());
    if message.is_empty() && location.is_none() {
        message = "the test failed without a message".to_string();
    }
    Failure {
        message,
        location,
        output,
    }
}

/// At most [`MAX_LINES`] lines.
fn is_panic_line(line: &str) -> bool {
    line.starts_with("thread '") && line.contains(" panicked at ")
}

/// `thread 'x' panicked at file:line:col:` (message on the next lines) or, in older
/// formats, `…panicked at file:line:col:\nmessage` folded on one line.
fn split_panic_line(line: &str) -> (Option<Location>, &str) {
    let rest = &line[line.find(" panicked at ").map_or(0, |p| p + 13)..];
    let (loc_text, inline) = match rest.split_once(":\n") {
        Some(x) => x,
        None => (rest.trim_end_matches(':'), ""),
    };
    (parse_location(loc_text), inline)
}

fn clip(text: &str) -> String {
    let lines: Vec<String> = text.lines().take(MAX_LINES).map(clip_line).collect();
    let mut out = lines.join("\n");
    if text.lines().count() > MAX_LINES {
        out.push_str("\n…");
    }
    out
}

/// Longest line shown: a panic message that prints a million inputs stays readable.
const MAX_LINE_CHARS: usize = 400;

fn clip_line(line: &str) -> String {
    match line.char_indices().nth(MAX_LINE_CHARS) {
        Some((cut, _)) => format!("{} … ({} more bytes)", &line[..cut], line.len() - cut),
        None => line.to_string(),
    }
}

/// `path:line:col` (the path may itself contain colons on odd systems: split from the right).
pub fn parse_location(text: &str) -> Option<Location> {
    let mut parts = text.trim().rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = normalize(parts.next()?);
    Some(Location { file, line, column })
}

/// Removes `.` and `dir/..` from a relative path, lexically (`a/src/../../t/x.rs` -> `t/x.rs`).
pub fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            "" if !out.is_empty() => {}
            ".." if out.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                out.pop();
            }
            _ => out.push(part),
        }
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "
running 1 test
test suite::add::adds_two ... FAILED

failures:

---- suite::add::adds_two stdout ----
a line the test printed

thread 'suite::add::adds_two' panicked at katas/d1/src/add.rs:3:5:
not yet implemented: add 1 and 2
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    suite::add::adds_two

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 3 filtered out; finished in 0.00s
";

    #[test]
    fn several_panics_keep_the_first_location_and_the_last_message() {
        let out = "---- suite::f::law stdout ----
thread 'suite::f::law' (7) panicked at katas/d1/src/f.rs:9:5:
not yet implemented: f of 8
thread 'suite::f::law' (7) panicked at katas/d1/src/f.rs:9:5:
not yet implemented: f of 4
thread 'suite::f::law' (7) panicked at tests/d1/f.rs:20:1:
Test failed: not yet implemented: f of 0; minimal failing input: n = 0
\tsuccesses: 0

failures:
";
        let f = parse_failure("suite::f::law", out);
        assert_eq!(f.location.map(|l| l.line), Some(9));
        assert!(
            f.message
                .starts_with("Test failed: not yet implemented: f of 0"),
            "{}",
            f.message
        );
        assert!(!f.message.contains("f of 4"), "{}", f.message);
    }

    #[test]
    fn a_very_long_message_line_is_cut() {
        let long = "x".repeat(10_000);
        let out = format!(
            "---- suite::a::b stdout ----\nthread 'suite::a::b' panicked at k.rs:1:1:\n{long}\n"
        );
        let f = parse_failure("suite::a::b", &out);
        assert!(f.message.len() < 500, "{} bytes kept", f.message.len());
        assert!(f.message.ends_with("(9600 more bytes)"), "{}", f.message);
    }

    #[test]
    fn lists_tests_but_not_benchmarks() {
        let out = "suite::a::one: test\nsuite::b::two: test\nbench_x: benchmark\n";
        assert_eq!(parse_list(out), ["suite::a::one", "suite::b::two"]);
    }

    #[test]
    fn reads_panic_location_and_message() {
        let f = parse_failure("suite::add::adds_two", FAILED);
        assert_eq!(f.message, "not yet implemented: add 1 and 2");
        assert_eq!(f.output, "a line the test printed");
        assert_eq!(
            f.location,
            Some(Location {
                file: "katas/d1/src/add.rs".into(),
                line: 3,
                column: 5
            })
        );
    }

    #[test]
    fn keeps_assertion_details() {
        let out = "---- t stdout ----\n\nthread 'main' panicked at tests/d1/../d1/add.rs:9:5:\nassertion `left == right` failed: add(1, 2) must be 3\n  left: 4\n right: 3\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    t\n";
        let f = parse_failure("t", out);
        assert_eq!(
            f.message,
            "assertion `left == right` failed: add(1, 2) must be 3\n  left: 4\n right: 3"
        );
        assert_eq!(f.location.unwrap().file, "tests/d1/add.rs");
    }

    #[test]
    fn should_panic_note_becomes_the_message() {
        let out = "---- t stdout ----\nnote: test did not panic as expected at src/lib.rs:10:8\n\nfailures:\n    t\n";
        let f = parse_failure("t", out);
        assert_eq!(
            f.message,
            "note: test did not panic as expected at src/lib.rs:10:8"
        );
        assert_eq!(f.location, None);
    }

    #[test]
    fn normalizes_parent_components() {
        assert_eq!(
            normalize("katas/d1/src/../../../tests/d1/add.rs"),
            "tests/d1/add.rs"
        );
        assert_eq!(normalize("./a/b"), "a/b");
    }
}
