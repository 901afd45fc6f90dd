//! No circle wider than two files in the runner's module graph.
//!
//! A file of `runner/src` that names `crate::x` (in a `use` item or a path) depends on the
//! file of module `x`. A circle of two files is allowed (a type and its parser, say); a wider
//! one means the modules cannot be read, tested or moved one at a time, so this test fails and
//! names its files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("runner/src is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file relative to `src`: `lib.rs` is the root, `a/mod.rs` and `a.rs`
/// are `a`, `a/b.rs` is `a::b`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut segments: Vec<String> = relative
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let last = segments.pop().expect("a file name");
    let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
    if stem != "mod" && stem != "lib" {
        segments.push(stem);
    }
    segments
}

/// The source without comments, string literals and char literals, so that only code is read.
fn code_only(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(bytes.len(), |n| i + n);
            i = end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(bytes.len(), |n| i + n + 2);
            i = end;
        } else if let Some(hashes) = raw_string_start(rest) {
            let close = format!("\"{}", "#".repeat(hashes));
            let body = i + hashes + 2;
            i = source[body..]
                .find(&close)
                .map_or(bytes.len(), |n| body + n + close.len());
            out.push_str("\"\"");
        } else if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if bytes[i] == b'\'' && is_char_literal(rest) {
            i += 1;
            while i < bytes.len() && bytes[i] != b'\'' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            let c = rest.chars().next().expect("not at the end");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The number of `#` of a raw string literal starting here (`r"`, `r#"`, `br"`), if one does.
fn raw_string_start(rest: &str) -> Option<usize> {
    let after_r = rest.strip_prefix("br").or_else(|| rest.strip_prefix('r'))?;
    let hashes = after_r.bytes().take_while(|&b| b == b'#').count();
    let prefix = rest.len() - after_r.len();
    (after_r.as_bytes().get(hashes) == Some(&b'"')).then_some(hashes + prefix - 1)
}

/// Whether a `'` starts a char literal (`'a'`, `'\n'`) rather than a lifetime (`'m`).
fn is_char_literal(rest: &str) -> bool {
    let mut chars = rest.chars().skip(1);
    match chars.next() {
        Some('\\') => true,
        Some(_) => chars.next() == Some('\''),
        None => false,
    }
}

/// The paths a `crate::` reference names: `crate::a::b` is `[a, b]`, and a use tree
/// `crate::{a::b, c::{self, d}}` is `[a, b]`, `[c]` and `[c, d]`.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut cursor = from;
        use_tree(code, &mut cursor, Vec::new(), &mut paths);
    }
    paths
}

/// Reads one use tree (or path) at `cursor`, appending the full paths it names to `out`.
fn use_tree(code: &str, cursor: &mut usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        skip_space(code, cursor);
        if code[*cursor..].starts_with('{') {
            *cursor += 1;
            loop {
                skip_space(code, cursor);
                if code[*cursor..].starts_with('}') {
                    *cursor += 1;
                    return;
                }
                use_tree(code, cursor, prefix.clone(), out);
                skip_space(code, cursor);
                if code[*cursor..].starts_with(',') {
                    *cursor += 1;
                } else if code[*cursor..].starts_with('}') {
                    *cursor += 1;
                    return;
                } else {
                    return;
                }
            }
        }
        let ident: String = code[*cursor..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        *cursor += ident.len();
        if !ident.is_empty() && ident != "self" {
            prefix.push(ident);
        }
        skip_space(code, cursor);
        if code[*cursor..].starts_with("::") {
            *cursor += 2;
        } else {
            out.push(prefix);
            return;
        }
    }
}

fn skip_space(code: &str, cursor: &mut usize) {
    let rest = &code[*cursor..];
    *cursor += rest.len() - rest.trim_start().len();
}

/// Tarjan's strongly connected components of `graph`.
fn components(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, node: &'g str) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        for next in &s.graph[node] {
            let next = next.as_str();
            if !s.index.contains_key(next) {
                visit(s, next);
                let low = s.low[node].min(s.low[next]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(next) {
                let low = s.low[node].min(s.index[next]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut component = Vec::new();
            loop {
                let top = s.stack.pop().expect("the node is on the stack");
                s.on_stack.remove(top);
                component.push(top.to_string());
                if top == node {
                    break;
                }
            }
            component.sort();
            s.found.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// The file-level graph of `crate::` references in `src` (the binary's `main.rs` is its own
/// crate and is left out).
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let files: Vec<(String, Vec<String>, String)> = files
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(src).expect("under src");
            let name = relative.to_string_lossy().replace('\\', "/");
            let source = std::fs::read_to_string(path).expect("a readable source file");
            (name, module_path(relative), source)
        })
        .filter(|(name, _, _)| name != "main.rs")
        .collect();
    let modules: BTreeMap<&[String], &str> = files
        .iter()
        .map(|(name, module, _)| (module.as_slice(), name.as_str()))
        .collect();
    let mut graph = BTreeMap::new();
    for (name, _, source) in &files {
        let mut targets = BTreeSet::new();
        for path in crate_paths(&code_only(source)) {
            let target = (0..=path.len())
                .rev()
                .find_map(|n| modules.get(&path[..n]))
                .expect("the crate root is a module");
            if *target != name {
                targets.insert(target.to_string());
            }
        }
        graph.insert(name.clone(), targets);
    }
    graph
}

#[test]
fn no_circle_of_modules_is_wider_than_two_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    assert!(
        graph.len() > 10,
        "found the runner's sources in {}",
        src.display()
    );
    let wide: Vec<String> = components(&graph)
        .into_iter()
        .filter(|c| c.len() > 2)
        .map(|c| format!("{} files: {}", c.len(), c.join(", ")))
        .collect();
    assert!(
        wide.is_empty(),
        "circles of `crate::` references wider than two files in runner/src:\n{}",
        wide.join("\n")
    );
}

#[test]
fn the_graph_reader_resolves_use_trees_to_files() {
    let code = code_only(
        "use crate::{a::{self, B}, c::d::E};\n// crate::z::Y\nfn f() { crate::g::h(\"crate::s\"); }",
    );
    let paths = crate_paths(&code);
    let names: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(names, ["a", "a::B", "c::d::E", "g::h"]);
}
