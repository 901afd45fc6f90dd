//! Where a learner can act on a failing test: the test's own source line, and the function of
//! the kata file that the test calls.
//!
//! Both are found lexically: the test function is `fn <name>` in `tests/<suite>/<module>.rs`
//! (the module is the test name's second segment, `suite::<module>::<name>`; an rstest case
//! `::case_3_x` belongs to the function before it), and the kata's function is the first
//! `fn` of the kata file whose name the test's body calls (`name(`). When the pristine stub is
//! known, only the learner's functions count (those whose stub body is `todo!(…)`): given
//! code, such as a `new` constructor, is never where the learner is sent.

use std::path::Path;

/// A test function's source: its file (relative to the root), the line of its `fn`, its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSource {
    /// `tests/<suite>/<module>.rs`.
    pub file: String,
    /// 1-based line of `fn <name>`.
    pub line: u32,
    /// The lines from `fn <name>` to the closing brace at the same indentation.
    pub body: String,
}

/// The source of the test `name` (`suite::<module>::<fn>[::case]`) of `suite_id`.
pub fn test_source(root: &Path, suite_id: &str, name: &str) -> Option<TestSource> {
    let parts: Vec<&str> = name.split("::").collect();
    let module = parts.get(1)?;
    let file = crate::layout::test_file(suite_id, module);
    let text = std::fs::read_to_string(root.join(&file)).ok()?;
    let candidates = parts[2..].iter().rev().filter(|p| !p.starts_with("case_"));
    for f in candidates {
        if let Some((line, body)) = find_fn(&text, f) {
            return Some(TestSource { file, line, body });
        }
    }
    None
}

/// The line of `fn <name>` in `text` and its body.
fn find_fn(text: &str, name: &str) -> Option<(u32, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| declares_fn(l, name))?;
    let indent = lines[start].len() - lines[start].trim_start().len();
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}'))
        .map_or(lines.len(), |i| start + 1 + i + 1);
    let line = u32::try_from(start + 1).ok()?;
    Some((line, lines[start..end].join("\n")))
}

/// Whether `line` declares `fn <name>` (any visibility, `async`, generics or arguments next).
fn declares_fn(line: &str, name: &str) -> bool {
    let Some(at) = line.find(&format!("fn {name}")) else {
        return false;
    };
    let before_ok = at == 0 || line[..at].ends_with(' ');
    let after = line[at + 3 + name.len()..].chars().next();
    before_ok && matches!(after, Some('(' | '<') | None)
}

/// The functions declared in `text`: (0-based line, name).
fn fns(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        let Some(rest) = t
            .strip_prefix("pub fn ")
            .or_else(|| t.strip_prefix("fn "))
            .or_else(|| t.strip_prefix("pub async fn "))
            .or_else(|| t.strip_prefix("async fn "))
            .or_else(|| t.strip_prefix("pub(crate) fn "))
        else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && name != "main" {
            out.push((i, name));
        }
    }
    out
}

/// The learner's functions of a pristine stub: those whose body still reaches `todo!(`
/// (the rest is given code, such as constructors and helpers).
pub fn todo_fns(stub: &str) -> Vec<String> {
    let lines: Vec<&str> = stub.lines().collect();
    fns(stub)
        .into_iter()
        .filter(|(i, name)| {
            find_fn(&lines[*i..].join("\n"), name).is_some_and(|(_, body)| {
                body.contains("todo!(") || body.contains("unimplemented!(")
            })
        })
        .map(|(_, name)| name)
        .collect()
}

/// The line of the function of the kata file (`kata_text`) that the learner acts on for a
/// test whose source is `body`: the first of `learner`'s functions that `body` calls; when
/// it calls none of them, the first of them the kata file declares (never given code); with
/// no `learner` functions known, the first function `body` calls.
pub fn exercised_line(kata_text: &str, body: &str, learner: &[String]) -> Option<u32> {
    let declared = fns(kata_text);
    let first_called = |only_learner: bool| {
        declared
            .iter()
            .filter(|(_, name)| !only_learner || learner.contains(name))
            .filter_map(|(i, name)| find_call(body, name).map(|pos| (pos, *i)))
            .min()
            .map(|(_, i)| i)
    };
    let line = if learner.is_empty() {
        first_called(false)?
    } else {
        first_called(true).or_else(|| {
            declared
                .iter()
                .find(|(_, name)| learner.contains(name))
                .map(|(i, _)| *i)
        })?
    };
    u32::try_from(line + 1).ok()
}

/// The byte offset of the first call `name(` (or `name::<`) in `body` that is not part of a
/// longer identifier and not the test's own `fn` line.
fn find_call(body: &str, name: &str) -> Option<usize> {
    let skip = body.find('\n').map_or(body.len(), |i| i + 1);
    let text = &body[skip..];
    let mut from = 0;
    while let Some(at) = text[from..].find(name) {
        let pos = from + at;
        let before = text[..pos].chars().next_back();
        let after = &text[pos + name.len()..];
        let ident_before = before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !ident_before && (after.starts_with('(') || after.starts_with("::<")) {
            return Some(skip + pos);
        }
        from = pos + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_kata_function_the_test_calls_is_the_place_to_edit() {
        let kata = "//! Doc.\n\npub fn helper() {}\n\npub fn parse(x: &str) -> u8 {\n    todo!()\n}\n\npub fn render() {}\n";
        let body =
            "fn parses_one() {\n    let v = parse(\"1\");\n    render();\n    assert_eq!(v, 1);\n}";
        assert_eq!(exercised_line(kata, body, &[]), Some(5));
        assert_eq!(
            exercised_line(kata, "fn t() {\n    reparse(1);\n}", &[]),
            None
        );
    }

    #[test]
    fn given_code_is_never_the_place_to_edit() {
        let stub = "pub struct A(u32);\n\nimpl A {\n    pub fn new(n: u32) -> Self {\n        Self(n)\n    }\n\n    pub fn transfer(&self) -> u32 {\n        todo!(\"transfer\")\n    }\n\n    pub fn count(&self) -> u32 {\n        todo!()\n    }\n}\n";
        let learner = todo_fns(stub);
        assert_eq!(learner, ["transfer", "count"]);
        let solved = stub
            .replace("todo!(\"transfer\")", "self.0 * 2")
            .replace("todo!()", "1");
        let body = "fn moves() {\n    let a = A::new(1);\n    assert_eq!(a.transfer(), 1);\n}";
        assert_eq!(
            exercised_line(&solved, body, &[]),
            Some(4),
            "without the stub: new"
        );
        assert_eq!(exercised_line(&solved, body, &learner), Some(8), "transfer");
        let indirect = "fn through_a_helper() {\n    let a = A::new(1);\n    helper(&a);\n}";
        assert_eq!(
            exercised_line(&solved, indirect, &learner),
            Some(8),
            "no learner function called: the first one, never new"
        );
    }

    #[test]
    fn an_rstest_case_belongs_to_the_function_before_it() {
        let text = "use x;\n\n#[rstest]\n#[case(1)]\nfn rejects_bad_input(#[case] n: u8) {\n    check(n);\n}\n\nfn other() {}\n";
        let (line, body) = find_fn(text, "rejects_bad_input").unwrap();
        assert_eq!(line, 5);
        assert!(body.ends_with("}"), "{body}");
        assert!(!body.contains("other"), "{body}");
        assert!(declares_fn("    async fn f() {", "f"));
        assert!(!declares_fn("fn fa() {", "f"));
    }
}
