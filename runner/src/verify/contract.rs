//! The contract between a stub and its solution, checked rather than copied by hand: the
//! solution starts with the stub's brief, word for word, and has every public item of the stub
//! with the same signature and the same `///` doc lines. (Parameter names may differ by a
//! leading underscore: a stub names what it does not use `_f`.)

/// A public item: its doc lines and its signature, whitespace folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The `///` lines above it, trimmed.
    pub docs: Vec<String>,
    /// From `pub` to the body's `{` or the closing `;`.
    pub signature: String,
}

/// The leading `//!` block of `src`.
pub fn brief(src: &str) -> Vec<&str> {
    src.lines()
        .map_while(|l| l.trim_start().starts_with("//!").then_some(l.trim_end()))
        .collect()
}

const KINDS: [&str; 10] = [
    "fn ", "struct ", "enum ", "trait ", "type ", "const ", "static ", "mod ", "async ", "unsafe ",
];

/// The public items of `src` (`pub` only, not `pub(crate)`), in order.
pub fn items(src: &str) -> Vec<Item> {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = Vec::new();
    let mut docs: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if let Some(d) = t.strip_prefix("///") {
            docs.push(d.trim().to_string());
        } else if t.starts_with("#[") || t.is_empty() && !docs.is_empty() {
            // attributes between docs and item; a blank line keeps nothing apart here
        } else if let Some(rest) = t.strip_prefix("pub ")
            && KINDS.iter().any(|k| rest.starts_with(k))
        {
            let mut sig = String::new();
            while i < lines.len() {
                let l = lines[i].trim();
                let (head, done) = match l.find('{') {
                    Some(at) => (&l[..at], true),
                    None => (l, l.ends_with(';')),
                };
                sig.push(' ');
                sig.push_str(head);
                if done {
                    break;
                }
                i += 1;
            }
            out.push(Item {
                docs: std::mem::take(&mut docs),
                signature: normalize(&sig),
            });
        } else {
            docs.clear();
        }
        i += 1;
    }
    out
}

/// Folds white space, drops a trailing comma before `)`, `mut` before a parameter and a
/// leading `_` of parameter names.
fn normalize(sig: &str) -> String {
    let folded = sig.split_whitespace().collect::<Vec<_>>().join(" ");
    // `mut` on a parameter binds it; it is not part of the signature.
    let folded = folded
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(",)", ")")
        .replace(", )", ")")
        .replace("(mut ", "(")
        .replace(", mut ", ", ");
    let chars: Vec<char> = folded.chars().collect();
    let mut out = String::with_capacity(folded.len());
    for (i, &c) in chars.iter().enumerate() {
        let after_open = i > 0 && matches!(chars[i - 1], '(' | ' ');
        if c == '_' && after_open && names_a_parameter(&chars[i + 1..]) {
            continue;
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// Whether `rest` starts with a lowercase identifier followed by a single `:`.
fn names_a_parameter(rest: &[char]) -> bool {
    let len = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
        .count();
    len > 0
        && rest[0].is_ascii_lowercase()
        && rest.get(len) == Some(&':')
        && rest.get(len + 1) != Some(&':')
}

/// What the solution `solution` lacks of the stub `stub`'s contract, one line each.
pub fn differences(stub: &str, solution: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (sb, lb) = (brief(stub), brief(solution));
    if sb != lb {
        let at = sb
            .iter()
            .zip(&lb)
            .position(|(a, b)| a != b)
            .unwrap_or(sb.len().min(lb.len()));
        out.push(format!(
            "the brief differs from line {} (stub: {:?}, solution: {:?})",
            at + 1,
            sb.get(at).copied().unwrap_or("<end>"),
            lb.get(at).copied().unwrap_or("<end>")
        ));
    }
    let theirs = items(solution);
    for item in items(stub) {
        match theirs.iter().find(|t| t.signature == item.signature) {
            None => out.push(format!("`{}` is missing or different", item.signature)),
            Some(t) if t.docs != item.docs => {
                out.push(format!("the docs of `{}` differ", item.signature));
            }
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUB: &str = "//! # Kata\n//! Brief.\n\nuse std::ops::Range;\n\n/// Why.\n#[derive(Debug)]\npub enum E {\n    /// None.\n    A,\n}\n\n/// Sums.\npub fn sum<F>(n: u64, _f: F) -> u64\nwhere\n    F: Fn(u64) -> u64,\n{\n    todo!(\"sum {n}\")\n}\n";

    #[test]
    fn a_solution_with_the_same_contract_has_no_difference() {
        let solution = STUB
            .replace("    todo!(\"sum {n}\")", "    (0..n).map(f).sum()")
            .replace("_f: F", "f: F");
        assert_eq!(differences(STUB, &solution), Vec::<String>::new());
    }

    #[test]
    fn a_shorter_brief_is_a_difference() {
        let solution = STUB.replace("//! Brief.\n", "");
        let found = differences(STUB, &solution);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("line 2"), "{found:?}");
    }

    #[test]
    fn a_changed_signature_or_doc_is_a_difference() {
        let solution = STUB.replace("n: u64, _f", "n: u32, f");
        assert!(differences(STUB, &solution)[0].contains("missing or different"));
        let solution = STUB.replace("/// Sums.", "/// Adds.");
        assert!(differences(STUB, &solution)[0].contains("the docs of"));
    }

    #[test]
    fn signatures_fold_white_space_and_unused_parameter_names() {
        assert_eq!(
            normalize(" pub fn f( a: u8,\n _b: u8, mut c: u8, ) -> u8 "),
            "pub fn f(a: u8, b: u8, c: u8) -> u8"
        );
        assert_eq!(normalize("pub fn f(x: u8) -> _T"), "pub fn f(x: u8) -> _T");
    }
}
