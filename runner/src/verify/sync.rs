//! The sync stage: the manifest and the nine places a kata lives name the same katas, and
//! nothing in a suite's folders is left unaccounted for.
//!
//! For each suite (the rule, documented in docs/authoring.md):
//! - both crates (`katas/<suite>/`, `solutions/<suite>/`) have a `Cargo.toml` whose
//!   `[features]` are exactly `one-kata`, `all-tests` and one per kata (a `default` feature
//!   is allowed, and so is `held-out`, which compiles the exam's held-out cases), and a
//!   `src/lib.rs` with one `pub mod <kata>;` per kata, either plain or gated
//!   `#[cfg(any(not(feature = "one-kata"), feature = "<kata>"))]`, and no other `pub mod`;
//! - `tests/<suite>/mod.rs` has one `mod <kata>;` per kata, gated like the above (a kata that
//!   other katas use is also gated by `all-tests` and by each of them, so that their checks
//!   leave its tests out); a `mod x;` there that no kata feature gates is a test helper
//!   module (e.g. `mod heap;`);
//! - every kata has `tests/<suite>/<kata>.rs` (or `tests/<suite>/<kata>/`), and it loads
//!   (`extern crate <name> as _;`) each dependency the kata's solution names and its stub
//!   does not (see [`load_problems`] for why);
//! - a crate folder holds only `Cargo.toml`, `README.md`, `build.rs`, `src/`, `benches/`,
//!   `examples/` (and, for solutions, `dodges/`); `src/` only `lib.rs`, one file (or folder) per
//!   kata and the private helper modules `lib.rs` declares; `tests/<suite>/` only `mod.rs`, the
//!   katas' tests and the helper modules `mod.rs` declares;
//! - no reference solution calls `todo!` or `unimplemented!`.
//!
//! When the whole curriculum is verified, every folder under `katas/`, `solutions/`, `tests/`
//! and `snapshots/` must be a suite of the manifest (a `README.md` beside them is allowed).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Report, Stage};
use crate::domain::Suite;
use crate::layout::{
    self, ALL_TESTS, Crate, Features, HELD_OUT, ModLine, ONE_KATA, SUITE_DIRS, logical_lines,
    mod_lines, split_attributes,
};

/// The keys of one top-level table of a Cargo.toml (none if it has no such table).
fn section_keys(cargo_toml: &str, section: &str) -> Result<BTreeSet<String>, String> {
    let table: toml::Table = cargo_toml
        .parse()
        .map_err(|e| format!("not valid TOML: {e}"))?;
    Ok(table
        .get(section)
        .and_then(|f| f.as_table())
        .map(|f| f.keys().cloned().collect())
        .unwrap_or_default())
}

/// Checks a set of katas against one `[features]` table; one problem per line.
pub fn feature_problems(found: &BTreeSet<String>, katas: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let markers = [ONE_KATA, ALL_TESTS];
    for want in markers.into_iter().chain(katas.iter().copied()) {
        if !found.contains(want) {
            out.push(format!("missing feature `{want}`"));
        }
    }
    for f in found {
        if f != ONE_KATA
            && f != ALL_TESTS
            && f != "default"
            && f != HELD_OUT
            && !katas.contains(&f.as_str())
        {
            out.push(format!("feature `{f}` names no kata of the manifest"));
        }
    }
    out
}

/// The crate names (`-` as `_`) of a Cargo.toml's `[dependencies]`, the workspace-hack aside:
/// no source names that one, so rustc never loads it.
pub fn dependencies(cargo_toml: &str) -> Result<BTreeSet<String>, String> {
    Ok(section_keys(cargo_toml, "dependencies")?
        .into_iter()
        .filter(|k| k != "workspace-hack")
        .map(|k| k.replace('-', "_"))
        .collect())
}

/// The crates of `deps` that Rust source names as a path root (`ureq::get`, `use tokio;`,
/// `extern crate libc as _;`), comments aside. A text scan, which is all the rule below needs.
pub fn named_crates(src: &str, deps: &BTreeSet<String>) -> BTreeSet<String> {
    let code = logical_lines(src).join("\n");
    deps.iter()
        .filter(|d| names_crate(&code, d))
        .cloned()
        .collect()
}

fn names_crate(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let rest = &code[i + name.len()..];
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && (rest.starts_with("::")
                || rest.starts_with(';')
                || (rest.starts_with(char::is_whitespace) && rest.trim_start().starts_with("as ")))
    })
}

/// Checks that a kata's test file (`file`, text `src`) loads each crate of `solution_only`
/// (those its reference solution names and its stub does not) with
/// `extern crate <name> as _;`; one problem per line.
///
/// Why: rustc loads a crate the first time a path names it. When the learner's code first
/// names a crate the stub did not, the set of loaded crates changes, and rustc recompiles
/// every codegen unit of the test binary instead of the edited kata's (d21 `fake_http`:
/// 2.0 s instead of 0.9 s to green). `extern crate` items are all loaded before any path is
/// resolved, so a test file that loads them keeps the set the same from stub to solution.
pub fn load_problems(file: &str, src: &str, solution_only: &BTreeSet<String>) -> Vec<String> {
    let loaded: BTreeSet<String> = logical_lines(src)
        .iter()
        .filter_map(|l| {
            let (_, item) = split_attributes(l);
            item.strip_prefix("extern crate ")
                .and_then(|n| n.split(|c: char| c.is_whitespace() || c == ';').next())
                .map(str::to_string)
        })
        .collect();
    solution_only
        .difference(&loaded)
        .map(|d| {
            format!(
                "{file}: missing `extern crate {d} as _;`: the solution names {d} and the \
                 stub does not, so the learner's first use of it would recompile the whole \
                 test binary (docs/authoring.md, \"Crates only the solution names\")"
            )
        })
        .collect()
}

/// Checks the `pub mod` lines of a lib.rs against the katas; one problem per line.
pub fn lib_problems(mods: &[ModLine], katas: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for k in katas {
        if !mods.iter().any(|m| m.public && m.name == *k) {
            out.push(format!("missing `pub mod {k};`"));
        }
    }
    for m in mods.iter().filter(|m| m.public) {
        if !katas.contains(&m.name.as_str()) {
            out.push(format!(
                "`pub mod {};` is not a kata of the manifest",
                m.name
            ));
        } else if let Some(g) = &m.gate
            && !g.contains(&m.name)
        {
            out.push(format!(
                "`pub mod {}` is gated by the features {g:?}: its own feature `{}` must be one",
                m.name, m.name
            ));
        }
    }
    out
}

/// Checks the `mod` lines of `tests/<suite>/mod.rs`; one problem per line.
pub fn test_mod_problems(mods: &[ModLine], katas: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for k in katas {
        match mods.iter().find(|m| m.name == *k) {
            None => out.push(format!(
                "missing `#[cfg(any(not(feature = \"{ONE_KATA}\"), feature = \"{k}\"))] mod {k};`"
            )),
            Some(m) => match &m.gate {
                None => out.push(format!(
                    "`mod {k};` is not gated by its feature: `cargo kata check` would compile every kata's tests"
                )),
                Some(g) if !g.iter().any(|f| f == k) => out.push(format!(
                    "`mod {k};` is gated by {g:?}, not by its own feature `{k}`"
                )),
                Some(_) => {}
            },
        }
    }
    for m in mods {
        if m.gate.is_some() && !katas.contains(&m.name.as_str()) {
            out.push(format!(
                "`mod {};` is gated like a kata but is not a kata of the manifest",
                m.name
            ));
        }
    }
    out
}

/// For each kata, the other katas whose feature pulls it in (directly or not), from each
/// kata's closure ([`crate::isolate::closures`]).
pub fn users(closures: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (user, uses) in closures {
        for used in uses.iter().filter(|u| *u != user) {
            out.entry(used.clone()).or_default().insert(user.clone());
        }
    }
    out
}

/// The tests of a kata that other katas use must be left out of those katas' checks: its
/// gate names every user, and `all-tests` to keep them in builds of several katas.
pub fn used_test_problems(
    mods: &[ModLine],
    users: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (kata, by) in users {
        let Some(gate) = mods
            .iter()
            .find(|m| m.name == *kata)
            .and_then(|m| m.gate.as_ref())
        else {
            continue;
        };
        let missing: Vec<&str> = std::iter::once(ALL_TESTS)
            .chain(by.iter().map(String::as_str))
            .filter(|f| !gate.iter().any(|g| g == f))
            .collect();
        if !missing.is_empty() {
            let users = by
                .iter()
                .map(|u| format!("feature = \"{u}\""))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(format!(
                "`mod {kata};` is used by {by:?}, so a check of one of them compiles its tests \
                 (its gate lacks {missing:?}); gate it \
                 `#[cfg(any(not(feature = \"{ONE_KATA}\"), all(feature = \"{kata}\", \
                 any(feature = \"{ALL_TESTS}\", not(any({users}))))))]`"
            ));
        }
    }
    out
}

/// Entries of `dir` (names, sorted) that are not in `allowed`; a missing dir has none.
fn strays(dir: &Path, allowed: &dyn Fn(&str, bool) -> bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (!name.starts_with('.') && !allowed(&name, is_dir))
                .then(|| if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    out.sort();
    out
}

/// Whether `name` is the file `<m>.rs` or the folder `<m>/` of one of `modules`.
fn is_module(name: &str, is_dir: bool, modules: &[&str]) -> bool {
    let stem = if is_dir {
        Some(name)
    } else {
        name.strip_suffix(".rs")
    };
    stem.is_some_and(|s| modules.contains(&s))
}

/// Runs the stage for `suites`; with `whole` (every suite's id), also the suite folders.
pub fn stage(root: &Path, suites: &[&Suite], whole: Option<&[&str]>, report: &mut Report) {
    if let Some(ids) = whole {
        for top in SUITE_DIRS {
            let unknown = strays(&root.join(top), &|name, is_dir| {
                (is_dir && ids.contains(&name)) || (!is_dir && name == "README.md")
            });
            for u in &unknown {
                report.push(
                    Stage::Sync,
                    format!("{top}/{u}"),
                    false,
                    "no suite of katas.toml accounts for it: add the suite to katas.toml or remove it",
                );
            }
            if unknown.is_empty() {
                report.push(
                    Stage::Sync,
                    format!("{top}/ holds only the manifest's suites"),
                    true,
                    "",
                );
            }
        }
    }
    for suite in suites {
        suite_checks(root, suite, report);
        contract_checks(root, suite, report);
        shipped_tests_check(root, suite, report);
    }
}

/// `katas.lock` records the suite's tests, snapshots and scaffolding as HEAD has them: a
/// learner's check tells edited tests from shipped ones by this record, so a stale one would
/// call every learner's tests modified.
fn shipped_tests_check(root: &Path, suite: &Suite, report: &mut Report) {
    let Some(head) = crate::pristine::head_tests(root, &suite.id) else {
        return; // no git or no commit: the stub stage says so
    };
    let locked = crate::pristine::Lock::load(root)
        .map(|l| l.tests_of(&suite.id))
        .unwrap_or_default();
    let mut problems: Vec<String> = head
        .iter()
        .filter(|(file, id)| locked.get(*file) != Some(*id))
        .map(|(file, _)| format!("{file} differs from its record"))
        .chain(
            locked
                .keys()
                .filter(|file| !head.contains_key(*file))
                .map(|file| format!("{file} is recorded but not in HEAD")),
        )
        .collect();
    if !problems.is_empty() {
        problems.push(format!(
            "commit the suite's tests, then run `cargo kata lock --suite {}`",
            suite.id
        ));
    }
    push(
        report,
        format!(
            "{}: katas.lock records the tests as HEAD ships them",
            suite.id
        ),
        problems,
    );
}

/// Each kata's solution carries its stub's contract: the brief, and every public item with
/// the same signature and docs.
fn contract_checks(root: &Path, suite: &Suite, report: &mut Report) {
    for kata in &suite.katas {
        let k = crate::domain::KataRef { suite, kata };
        let solution = layout::solution_file(&k.file);
        let (Ok(stub_text), Ok(solution_text)) = (
            std::fs::read_to_string(root.join(&kata.file)),
            std::fs::read_to_string(root.join(&solution)),
        ) else {
            continue; // a missing file is the manifest stage's finding
        };
        let problems = super::contract::differences(&stub_text, &solution_text)
            .into_iter()
            .map(|d| format!("{solution}: {d}"))
            .collect();
        push(
            report,
            format!(
                "{}: {solution} keeps the stub's brief and public items",
                k.key()
            ),
            problems,
        );
    }
}

fn push(report: &mut Report, name: String, problems: Vec<String>) {
    report.push(Stage::Sync, name, problems.is_empty(), problems.join("\n"));
}

fn suite_checks(root: &Path, suite: &Suite, report: &mut Report) {
    let katas: Vec<&str> = suite.katas.iter().map(|k| k.id.as_str()).collect();
    for krate in [Crate::Katas, Crate::Solutions] {
        let dir = krate.folder(&suite.id);
        let cargo = krate.cargo_toml(&suite.id);
        let problems = match std::fs::read_to_string(root.join(&cargo)) {
            Err(_) => vec!["missing".to_string()],
            Ok(text) => match Features::parse(&text).map(|f| f.names()) {
                Ok(found) => feature_problems(&found, &katas),
                Err(e) => vec![e],
            },
        };
        push(report, format!("{}: [features]", cargo.display()), problems);
        let lib = dir.join("src").join("lib.rs");
        let text = std::fs::read_to_string(root.join(&lib));
        let mods = text.as_deref().map(mod_lines).unwrap_or_default();
        let problems = match &text {
            Err(_) => vec!["missing".to_string()],
            Ok(_) => lib_problems(&mods, &katas),
        };
        push(
            report,
            format!("{}: one pub mod per kata", lib.display()),
            problems,
        );
        let helpers: Vec<&str> = mods
            .iter()
            .filter(|m| !m.public)
            .map(|m| m.name.as_str())
            .collect();
        // A manifest `file` elsewhere under src/ accounts for the entry that holds it.
        let src = dir.join("src");
        let listed: Vec<String> = suite
            .katas
            .iter()
            .map(|kata| {
                let file = match krate {
                    Crate::Katas => kata.file.clone(),
                    Crate::Solutions => layout::solution_file(&kata.file),
                };
                Path::new(&file)
                    .strip_prefix(&src)
                    .ok()
                    .and_then(|rest| rest.components().next())
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        let src_strays = strays(&root.join(&src), &|name, is_dir| {
            name == "lib.rs"
                || is_module(name, is_dir, &katas)
                || is_module(name, is_dir, &helpers)
                || listed.iter().any(|l| l == name)
        });
        let top_strays = strays(&root.join(&dir), &|name, is_dir| {
            matches!(
                (name, is_dir),
                ("Cargo.toml" | "README.md" | "build.rs", false)
                    | ("src" | "benches" | "examples", true)
            ) || (krate == Crate::Solutions && is_dir && name == layout::DODGES)
        });
        let all: Vec<String> = top_strays
            .iter()
            .map(|s| format!("{}/{s}", dir.display()))
            .chain(
                src_strays
                    .iter()
                    .map(|s| format!("{}/src/{s}", dir.display())),
            )
            .collect();
        for s in &all {
            report.push(
                Stage::Sync,
                s.clone(),
                false,
                "no manifest entry accounts for it: add the kata to katas.toml (`cargo kata new`) or remove it",
            );
        }
        if all.is_empty() {
            report.push(
                Stage::Sync,
                format!("{}/ holds only the manifest's katas", dir.display()),
                true,
                "",
            );
        }
    }

    let tests_dir = layout::tests_dir(&suite.id);
    let mod_rs = tests_dir.join("mod.rs");
    let text = std::fs::read_to_string(root.join(&mod_rs));
    let mods = text.as_deref().map(mod_lines).unwrap_or_default();
    let closures = crate::isolate::closures(root, suite);
    let problems = match &text {
        Err(_) => vec!["missing".to_string()],
        Ok(_) => {
            let mut problems = test_mod_problems(&mods, &katas);
            problems.extend(used_test_problems(&mods, &users(&closures)));
            problems
        }
    };
    push(
        report,
        format!("{}: one gated mod per kata", mod_rs.display()),
        problems,
    );
    for k in &katas {
        let file = tests_dir.join(format!("{k}.rs"));
        let ok = root.join(&file).is_file() || root.join(tests_dir.join(k)).is_dir();
        report.push(
            Stage::Sync,
            format!("{}/{k}: test file {}", suite.id, file.display()),
            ok,
            if ok { "" } else { "missing" },
        );
    }
    push(
        report,
        format!(
            "{}: each kata's tests load the crates only its solution names",
            tests_dir.display()
        ),
        solution_only_problems(root, suite, &closures),
    );
    let helpers: Vec<&str> = mods
        .iter()
        .filter(|m| m.gate.is_none())
        .map(|m| m.name.as_str())
        .collect();
    let stray_tests = strays(&root.join(&tests_dir), &|name, is_dir| {
        name == "mod.rs" || is_module(name, is_dir, &katas) || is_module(name, is_dir, &helpers)
    });
    for s in &stray_tests {
        report.push(
            Stage::Sync,
            format!("{}/{s}", tests_dir.display()),
            false,
            "no kata or helper module accounts for it: add it to the manifest (`cargo kata new`), declare it as a helper `mod` in mod.rs, or remove it",
        );
    }

    for kata in &suite.katas {
        let file = layout::solution_file(&kata.file);
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue; // the manifest stage names a missing solution file
        };
        let ok = !has_placeholder(&text);
        report.push(
            Stage::Sync,
            format!("{file}: the reference solution is written"),
            ok,
            if ok {
                ""
            } else {
                "it still calls todo!() or unimplemented!(): write the reference solution"
            },
        );
    }
}

/// [`load_problems`] for every kata of `suite`: the crates its solution names and its stub
/// does not, counting the katas its feature pulls in (`closures`, from
/// [`crate::isolate::closures`]).
fn solution_only_problems(
    root: &Path,
    suite: &Suite,
    closures: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let manifest = Crate::Katas.cargo_toml(&suite.id);
    let deps = match std::fs::read_to_string(root.join(&manifest)).map(|t| dependencies(&t)) {
        Ok(Ok(deps)) => deps,
        Ok(Err(e)) => return vec![format!("{}: {e}", manifest.display())],
        Err(_) => return Vec::new(), // the crate check above names a missing manifest
    };
    let read = |file: &str| std::fs::read_to_string(root.join(file)).unwrap_or_default();
    let mut problems = Vec::new();
    for kata in &suite.katas {
        let (mut stub, mut solution) = (BTreeSet::new(), BTreeSet::new());
        for used in suite
            .katas
            .iter()
            .filter(|k| closures.get(&kata.id).is_some_and(|c| c.contains(&k.id)))
        {
            stub.extend(named_crates(&read(&used.file), &deps));
            solution.extend(named_crates(
                &read(&layout::solution_file(&used.file)),
                &deps,
            ));
        }
        let only: BTreeSet<String> = solution.difference(&stub).cloned().collect();
        if only.is_empty() {
            continue;
        }
        // A missing test file is named by the test-file check.
        if let Some((file, text)) = layout::test_source(root, &suite.id, &kata.id) {
            problems.extend(load_problems(&file, &text, &only));
        }
    }
    problems
}

/// Whether Rust source calls `todo!` or `unimplemented!` (comments and strings aside).
pub fn has_placeholder(src: &str) -> bool {
    use super::texts::Token;
    super::texts::tokenize(src).windows(2).any(|w| {
        matches!(w, [Token::Ident(m), Token::Punct('!')] if m == "todo" || m == "unimplemented")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The feature names of a Cargo.toml's text.
    fn features_of(cargo_toml: &str) -> Result<BTreeSet<String>, String> {
        Features::parse(cargo_toml).map(|f| f.names())
    }

    fn deps(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn dependencies_are_crate_names_without_the_workspace_hack() {
        let toml = "[dependencies]\nworkspace-hack.workspace = true\nnum-bigint = \"0.4\"\n\
                    thiserror.workspace = true\n[dev-dependencies]\ninsta = \"1\"\n";
        assert_eq!(dependencies(toml), Ok(deps(&["num_bigint", "thiserror"])));
    }

    #[test]
    fn named_crates_are_path_roots_outside_comments() {
        let src = "//! uses [`ureq`] and libc::getpid in a comment\nuse tokio;\n\
                   extern crate rand as _;\nfn f() { serde_json::to_string(&1); my_ureq::x(); a::ureq::y(); }\n";
        let all = deps(&["libc", "rand", "serde_json", "tokio", "ureq"]);
        assert_eq!(
            named_crates(src, &all),
            deps(&["rand", "serde_json", "tokio"])
        );
    }

    #[test]
    fn the_suite_check_names_the_test_file_of_a_kata_whose_solution_alone_uses_a_crate() {
        let dir = tempfile::tempdir().expect("temp dir");
        let put = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        };
        put(
            "katas/s/Cargo.toml",
            "[features]\none-kata = []\nall-tests = []\nk = []\nuser = [\"k\"]\n\
             [dependencies]\nureq = \"3\"\n",
        );
        put(
            "katas/s/src/k.rs",
            "pub fn get() -> u16 { todo!(\"get\") }\n",
        );
        put(
            "solutions/s/src/k.rs",
            "pub fn get() -> u16 { ureq::get(\"x\"); 200 }\n",
        );
        put("katas/s/src/user.rs", "pub fn f() {}\n");
        put("solutions/s/src/user.rs", "pub fn f() {}\n");
        put("tests/s/k.rs", "extern crate ureq as _;\n");
        put("tests/s/user.rs", "use crate::user::f;\n");
        let manifest = "[[suite]]\nid = \"s\"\ntitle = \"S\"\n\n\
                        [[suite.kata]]\nid = \"k\"\ntitle = \"K\"\nfile = \"katas/s/src/k.rs\"\ntests = \"suite::k::\"\n\n\
                        [[suite.kata]]\nid = \"user\"\ntitle = \"U\"\nfile = \"katas/s/src/user.rs\"\ntests = \"suite::user::\"\n";
        let m =
            crate::manifest::Manifest::parse(manifest, Path::new("katas.toml")).expect("parses");
        let suite = &m.suites[0];
        let problems = solution_only_problems(
            dir.path(),
            suite,
            &crate::isolate::closures(dir.path(), suite),
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("tests/s/user.rs: missing `extern crate ureq as _;`"),
            "user's feature pulls in k, whose solution alone names ureq: {problems:?}"
        );
    }

    #[test]
    fn a_test_file_must_load_the_crates_only_the_solution_names() {
        let only = deps(&["serde_json", "ureq"]);
        let src = "//! Kata 4.\n\nextern crate ureq as _;\n\nuse super::*;\n";
        let problems = load_problems("tests/s/k.rs", src, &only);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("tests/s/k.rs: missing `extern crate serde_json as _;`"),
            "{problems:?}"
        );
        let src = "extern crate serde_json as _;\nextern crate ureq as _;\n";
        assert!(load_problems("tests/s/k.rs", src, &only).is_empty());
    }

    #[test]
    fn mod_lines_read_plain_gated_and_helper_modules() {
        let src = "pub mod plain;\n\
                   #[cfg(any(not(feature = \"one-kata\"), feature = \"gated\"))]\n\
                   pub mod gated;\n\
                   #[cfg(any(not(feature = \"one-kata\"), feature = \"a\", feature = \"b\"))] mod inline; // why\n\
                   mod heap; // a helper\n\
                   #[cfg(test)]\n#[path = \"../../../tests/s/mod.rs\"]\nmod suite;\n\
                   pub(crate) mod shared;\n";
        let got = mod_lines(src);
        let want = [
            ("plain", true, None),
            ("gated", true, Some(vec!["gated".to_string()])),
            (
                "inline",
                false,
                Some(vec!["a".to_string(), "b".to_string()]),
            ),
            ("heap", false, None),
            ("suite", false, None),
            ("shared", true, None),
        ];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (m, (name, public, gate)) in got.iter().zip(want) {
            assert_eq!(
                (m.name.as_str(), m.public, m.gate.clone()),
                (name, public, gate)
            );
        }
    }

    #[test]
    fn an_attribute_spread_over_lines_still_gates() {
        let src = "#[cfg(any(\n    not(feature = \"one-kata\"),\n    feature = \"a_very_long_kata_name\"\n))]\nmod a_very_long_kata_name;\n";
        let got = mod_lines(src);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].gate, Some(vec!["a_very_long_kata_name".to_string()]));
    }

    #[test]
    fn features_must_be_one_kata_all_tests_and_one_per_kata() {
        let found = features_of(
            "[features]\none-kata = []\nall-tests = []\na = []\nextra = []\ndefault = []\n",
        )
        .expect("valid");
        assert_eq!(
            feature_problems(&found, &["a", "b"]),
            [
                "missing feature `b`",
                "feature `extra` names no kata of the manifest"
            ]
        );
    }

    #[test]
    fn the_tests_of_a_used_kata_are_left_out_of_its_users_checks() {
        let closures = BTreeMap::from([
            ("a".to_string(), BTreeSet::from(["a".to_string()])),
            (
                "b".to_string(),
                BTreeSet::from(["a".to_string(), "b".to_string()]),
            ),
        ]);
        let users = users(&closures);
        assert_eq!(users.len(), 1, "only a is used: {users:?}");
        let plain =
            mod_lines("#[cfg(any(not(feature = \"one-kata\"), feature = \"a\"))]\nmod a;\n");
        let problems = used_test_problems(&plain, &users);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("used by {\"b\"}")
                && problems[0].contains("not(any(feature = \"b\"))"),
            "{}",
            problems[0]
        );
        let gated = mod_lines(
            "#[cfg(any(not(feature = \"one-kata\"), all(feature = \"a\", \
             any(feature = \"all-tests\", not(any(feature = \"b\"))))))]\nmod a;\n",
        );
        assert!(used_test_problems(&gated, &users).is_empty());
    }

    #[test]
    fn a_crate_without_all_tests_is_told_to_declare_it() {
        let found = features_of("[features]\none-kata = []\na = []\n").expect("valid");
        assert_eq!(
            feature_problems(&found, &["a"]),
            ["missing feature `all-tests`"]
        );
    }

    #[test]
    fn lib_rs_needs_one_pub_mod_per_kata_and_no_other() {
        let mods = mod_lines("pub mod a;\npub mod stray;\nmod private_helper;\n");
        assert_eq!(
            lib_problems(&mods, &["a", "b"]),
            [
                "missing `pub mod b;`",
                "`pub mod stray;` is not a kata of the manifest"
            ]
        );
    }

    #[test]
    fn a_kata_test_module_must_be_gated_by_its_own_feature() {
        let mods = mod_lines(
            "mod a;\n#[cfg(any(not(feature = \"one-kata\"), feature = \"x\"))]\nmod b;\nmod heap;\n",
        );
        let problems = test_mod_problems(&mods, &["a", "b", "c"]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`mod a;` is not gated"));
        assert!(problems[1].contains("not by its own feature `b`"));
        assert!(problems[2].starts_with("missing `#[cfg"));
    }

    fn fixture() -> (tempfile::TempDir, Suite) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let gated = "#[cfg(any(not(feature = \"one-kata\"), feature = \"k\"))]\npub mod k;\n";
        for crates in ["katas", "solutions"] {
            let d = root.join(crates).join("s");
            std::fs::create_dir_all(d.join("src")).expect("mkdir");
            std::fs::write(
                d.join("Cargo.toml"),
                "[features]\none-kata = []\nall-tests = []\nk = []\n",
            )
            .expect("write");
            std::fs::write(d.join("src/lib.rs"), gated).expect("write");
            std::fs::write(d.join("src/k.rs"), "").expect("write");
        }
        std::fs::create_dir_all(root.join("tests/s")).expect("mkdir");
        std::fs::write(
            root.join("tests/s/mod.rs"),
            "mod heap;\n#[cfg(any(not(feature = \"one-kata\"), feature = \"k\"))]\nmod k;\n",
        )
        .expect("write");
        std::fs::write(root.join("tests/s/k.rs"), "").expect("write");
        std::fs::write(root.join("tests/s/heap.rs"), "").expect("write");
        let suite: Suite = toml::from_str(
            "id = \"s\"\ntitle = \"S\"\n[[kata]]\nid = \"k\"\ntitle = \"K\"\n\
             file = \"katas/s/src/k.rs\"\ntests = \"suite::k::\"\nhints = [\"a\", \"b\"]",
        )
        .expect("suite");
        (dir, suite)
    }

    fn failures(root: &Path, suite: &Suite) -> Vec<String> {
        let mut report = Report::default();
        stage(root, &[suite], Some(&[suite.id.as_str()]), &mut report);
        report
            .checks
            .into_iter()
            .filter(|c| !c.ok)
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn a_suite_in_sync_passes() {
        let (dir, suite) = fixture();
        assert_eq!(failures(dir.path(), &suite), Vec::<String>::new());
    }

    #[test]
    fn a_stray_kata_file_fails_naming_it() {
        let (dir, suite) = fixture();
        std::fs::write(dir.path().join("katas/s/src/stray.rs"), "").expect("write");
        assert_eq!(failures(dir.path(), &suite), ["katas/s/src/stray.rs"]);
    }

    #[test]
    fn an_unlisted_suite_folder_fails_naming_it() {
        let (dir, suite) = fixture();
        std::fs::create_dir_all(dir.path().join("katas/x")).expect("mkdir");
        assert_eq!(failures(dir.path(), &suite), ["katas/x/"]);
    }

    #[test]
    fn a_missing_test_file_and_an_unwritten_solution_are_named() {
        let (dir, suite) = fixture();
        std::fs::remove_file(dir.path().join("tests/s/k.rs")).expect("remove");
        std::fs::write(
            dir.path().join("solutions/s/src/k.rs"),
            "// todo!() in a comment is fine\npub fn k() -> u32 { todo!(\"later\") }\n",
        )
        .expect("write");
        assert_eq!(
            failures(dir.path(), &suite),
            [
                "s/k: test file tests/s/k.rs",
                "solutions/s/src/k.rs: the reference solution is written"
            ]
        );
    }
}
