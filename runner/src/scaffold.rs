//! `cargo kata new <suite>/<kata>`: a kata (and its suite, if new) in every place it must exist.
//!
//! Everything is computed in memory first; nothing is written unless every edit applies, so a
//! refused scaffold leaves the repository as it was. Existing files are edited by inserting
//! lines (comments and layout are kept); new suites are appended to the end of katas.toml,
//! whose order is the curriculum's.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, ScaffoldError};
use crate::layout::{self, ALL_TESTS, Crate, HELD_OUT, ONE_KATA, SUITE_DIRS};
use crate::manifest::{MANIFEST, Manifest};

/// The marker left where an author still has to write.
pub const MARKER: &str = "TODO(kata new)";

const RUST_KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Splits and checks `<suite>/<kata>`.
pub fn parse_target(target: &str) -> Result<(String, String), ScaffoldError> {
    let (suite, kata) = target
        .split_once('/')
        .ok_or_else(|| ScaffoldError::Target(target.to_string()))?;
    check_suite_id(suite)?;
    check_kata_id(kata)?;
    Ok((suite.to_string(), kata.to_string()))
}

fn check_suite_id(id: &str) -> Result<(), ScaffoldError> {
    let bad = |why| {
        Err(ScaffoldError::SuiteId {
            id: id.to_string(),
            why,
        })
    };
    if id.is_empty() || id.len() > 64 {
        return bad("it must have 1 to 64 characters");
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return bad("use lowercase ASCII letters, digits and `-` (it names folders and packages)");
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) || id.ends_with('-') {
        return bad("it must start and end with a letter or digit");
    }
    Ok(())
}

fn check_kata_id(id: &str) -> Result<(), ScaffoldError> {
    let bad = |why| {
        Err(ScaffoldError::KataId {
            id: id.to_string(),
            why,
        })
    };
    if id.is_empty() || id.len() > 64 {
        return bad("it must have 1 to 64 characters");
    }
    if !id.starts_with(|c: char| c.is_ascii_lowercase())
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return bad(
            "use snake_case starting with a letter (it names a module, a file and a feature)",
        );
    }
    if RUST_KEYWORDS.contains(&id) {
        return bad("it is a Rust keyword");
    }
    if matches!(id, "lib" | "suite" | "default" | "main" | "mod") {
        return bad("the crates already use that name (lib.rs, `mod suite`, feature `default`)");
    }
    Ok(())
}

/// One file the scaffold writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// Relative to the root.
    pub path: PathBuf,
    /// Its full new text.
    pub text: String,
    /// Whether the file exists already (edited) or is new.
    pub edited: bool,
}

/// Everything `cargo kata new suite/kata` would write, or why it refuses.
pub fn plan(root: &Path, suite: &str, kata: &str) -> Result<Vec<Write>> {
    let manifest_text = read(root, Path::new(MANIFEST))?;
    let manifest = Manifest::parse(&manifest_text, &root.join(MANIFEST))?;
    let existing = manifest.suite(suite);
    if existing.is_some_and(|s| s.katas.iter().any(|k| k.id == kata)) {
        return Err(ScaffoldError::Exists(format!("{suite}/{kata}")).into());
    }
    let mut out = Vec::new();
    let new_file = |out: &mut Vec<Write>, path: PathBuf, text: String| -> Result<()> {
        if root.join(&path).exists() {
            return Err(ScaffoldError::InTheWay(path).into());
        }
        out.push(Write {
            path,
            text,
            edited: false,
        });
        Ok(())
    };
    let manifest_new = if existing.is_some() {
        insert_kata_block(&manifest_text, suite, kata).ok_or_else(|| {
            cannot(
                MANIFEST,
                format!("no `[[suite]]` block with id = \"{suite}\""),
            )
        })?
    } else {
        for top in SUITE_DIRS {
            let dir = Path::new(top).join(suite);
            if root.join(&dir).exists() {
                return Err(ScaffoldError::InTheWay(dir).into());
            }
        }
        for (krate, description) in [
            (
                Crate::Katas,
                format!("Katas for {suite}. Edit the files in src/."),
            ),
            (
                Crate::Solutions,
                format!("Reference solutions for the {suite} katas."),
            ),
        ] {
            new_file(
                &mut out,
                krate.cargo_toml(suite),
                cargo_toml(&krate.package(suite), &description, kata),
            )?;
            new_file(
                &mut out,
                krate.folder(suite).join("src/lib.rs"),
                lib_rs(krate == Crate::Katas, suite, kata),
            )?;
        }
        new_file(
            &mut out,
            layout::tests_dir(suite).join("mod.rs"),
            tests_mod_rs(suite, kata),
        )?;
        new_file(
            &mut out,
            layout::snapshots_dir(suite).join(".gitkeep"),
            String::new(),
        )?;
        let workspace = Path::new("Cargo.toml");
        out.push(Write {
            path: workspace.to_path_buf(),
            text: with_kata_profile(&read(root, workspace)?, suite),
            edited: true,
        });
        append_suite_block(&manifest_text, suite, kata)
    };
    out.push(Write {
        path: PathBuf::from(MANIFEST),
        text: manifest_new,
        edited: true,
    });
    if existing.is_some() {
        for krate in [Crate::Katas, Crate::Solutions] {
            let cargo = krate.cargo_toml(suite);
            let text = read(root, &cargo)?;
            let text = insert_feature(&text, kata)
                .ok_or_else(|| cannot(&cargo, "it has no `[features]` table".into()))?;
            out.push(Write {
                path: cargo,
                text,
                edited: true,
            });
            let lib = krate.folder(suite).join("src/lib.rs");
            let text = insert_lib_mod(&read(root, &lib)?, kata);
            out.push(Write {
                path: lib,
                text,
                edited: true,
            });
        }
        let mod_rs = layout::tests_dir(suite).join("mod.rs");
        let text = read(root, &mod_rs)?;
        if layout::mod_lines(&text).iter().any(|m| m.name == kata) {
            return Err(cannot(
                &mod_rs,
                format!("it already declares `mod {kata};`"),
            ));
        }
        out.push(Write {
            path: mod_rs,
            text: append_test_mod(&text, kata),
            edited: true,
        });
    }
    let kata_file = layout::kata_file(suite, kata);
    new_file(&mut out, PathBuf::from(&kata_file), stub(kata))?;
    new_file(
        &mut out,
        PathBuf::from(layout::solution_file(&kata_file)),
        solution(kata),
    )?;
    new_file(
        &mut out,
        PathBuf::from(layout::test_file(suite, kata)),
        test_file(kata),
    )?;
    // The result must still load: a scaffold never leaves a manifest the runner rejects.
    Manifest::parse(&out_text(&out, MANIFEST), &root.join(MANIFEST))?;
    Ok(out)
}

/// Writes a plan (new files first, edits last). An edited file is replaced atomically (the
/// runner's one atomic-write helper): an interrupt leaves `katas.toml` or a `lib.rs` as it was
/// or as planned, never cut short.
pub fn apply(root: &Path, plan: &[Write]) -> Result<()> {
    for w in plan
        .iter()
        .filter(|w| !w.edited)
        .chain(plan.iter().filter(|w| w.edited))
    {
        let path = root.join(&w.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        }
        let written = if w.edited {
            crate::fsx::replace_atomically(&path, w.text.as_bytes())
        } else {
            std::fs::write(&path, &w.text)
        };
        written.map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    }
    Ok(())
}

fn out_text(plan: &[Write], path: &str) -> String {
    plan.iter()
        .find(|w| w.path == Path::new(path))
        .map(|w| w.text.clone())
        .unwrap_or_default()
}

/// The workspace manifest with the new kata crate compiled without debug info (see the
/// comment above the other kata crates' entries there).
fn with_kata_profile(workspace: &str, suite: &str) -> String {
    let header = format!("[profile.dev.package.{}]", layout::kata_package(suite));
    if workspace.lines().any(|l| l.trim() == header) {
        return workspace.to_string();
    }
    format!("{}\n\n{header}\ndebug = false\n", workspace.trim_end())
}

fn read(root: &Path, rel: &Path) -> Result<String> {
    std::fs::read_to_string(root.join(rel))
        .map_err(|e| Error::io(format!("reading {}", rel.display()), e))
}

fn cannot(file: impl AsRef<Path>, why: String) -> Error {
    ScaffoldError::CannotEdit {
        file: file.as_ref().to_path_buf(),
        why,
    }
    .into()
}

fn gate(kata: &str) -> String {
    format!("#[cfg(any(not(feature = \"{ONE_KATA}\"), feature = \"{kata}\"))]")
}

fn kata_block(kata: &str) -> String {
    format!(
        "[[suite.kata]]\n\
         id = \"{kata}\"\n\
         title = \"{MARKER}: what the learner builds\"\n\
         concepts = []\n\
         # 2-3 hints, from where to look to which std or crate item to use; none is the answer.\n\
         hints = []\n"
    )
}

/// The manifest with a kata block after the last kata of `suite`, or `None` without that suite.
pub fn insert_kata_block(text: &str, suite: &str, kata: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let id_line = format!("id = \"{suite}\"");
    let mut header = None;
    for (i, l) in lines.iter().enumerate() {
        if l.trim() == "[[suite]]" {
            header = Some(i);
        } else if l.trim() == id_line
            && header.is_some()
            && lines[header.unwrap_or(0) + 1..i]
                .iter()
                .all(|l| !l.trim_start().starts_with('['))
        {
            let next = lines[i..]
                .iter()
                .position(|l| l.trim() == "[[suite]]")
                .map_or(lines.len(), |p| i + p);
            // Comments and blank lines just above the next suite belong to it.
            let mut at = next;
            while at > i + 1 && {
                let t = lines[at - 1].trim();
                t.is_empty() || t.starts_with('#')
            } {
                at -= 1;
            }
            let mut out: Vec<String> = lines[..at].iter().map(|s| s.to_string()).collect();
            out.push(String::new());
            out.extend(kata_block(kata).lines().map(str::to_string));
            out.extend(lines[at..].iter().map(|s| s.to_string()));
            return Some(out.join("\n") + "\n");
        }
    }
    None
}

/// The manifest with a new suite (and its first kata) at the end: the curriculum's last.
pub fn append_suite_block(text: &str, suite: &str, kata: &str) -> String {
    let mut out = text.trim_end().to_string();
    out.push_str(&format!(
        "\n\n[[suite]]\n\
         id = \"{suite}\"\n\
         title = \"{MARKER}: the suite's title\"\n\
         article = \"{MARKER}: the source article's title\"\n\
         url = \"\"\n\n{}",
        kata_block(kata)
    ));
    out
}

/// A Cargo.toml with `kata = []` after the last entry of `[features]`.
pub fn insert_feature(text: &str, kata: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.trim() == "[features]")?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |p| start + 1 + p);
    let last_entry = (start + 1..end)
        .rev()
        .find(|&i| {
            let t = lines[i].trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(start);
    let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    out.insert(last_entry + 1, format!("{kata} = []"));
    Some(out.join("\n") + "\n")
}

/// A lib.rs with the kata's gated `pub mod` after the last `pub mod` (or before the test hook).
pub fn insert_lib_mod(text: &str, kata: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let decl = [gate(kata), format!("pub mod {kata};")];
    let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    if let Some(last) = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("pub mod "))
    {
        out.splice(last + 1..last + 1, decl);
    } else if let Some(hook) = lines.iter().position(|l| l.trim() == "#[cfg(test)]") {
        out.splice(hook..hook, decl.into_iter().chain([String::new()]));
    } else {
        out.push(String::new());
        out.extend(decl);
    }
    out.join("\n") + "\n"
}

/// A `tests/<suite>/mod.rs` with the kata's gated `mod` at the end.
pub fn append_test_mod(text: &str, kata: &str) -> String {
    format!("{}\n{}\nmod {kata};\n", text.trim_end(), gate(kata))
}

fn cargo_toml(package: &str, description: &str, kata: &str) -> String {
    // The reference solutions prove the held-out cases by default (`cargo test`, verify); the
    // kata crate compiles them only for an exam.
    let default = if package.starts_with("solution-") {
        format!(
            "# The reference solutions are proven against the held-out cases too.\n\
             default = [\"{HELD_OUT}\"]\n"
        )
    } else {
        String::new()
    };
    format!(
        "[package]\n\
         name = \"{package}\"\n\
         description = \"{description}\"\n\
         version.workspace = true\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         publish.workspace = true\n\n\
         [features]\n\
         {default}\
         # `cargo kata check <kata>` compiles only that kata (and the katas it builds on) and its\n\
         # tests: `--features one-kata,<kata>`. List every kata here: `<kata> = []`, or\n\
         # `<kata> = [\"<kata it uses>\"]` when its module uses another kata's module.\n\
         {ONE_KATA} = []\n\
         # With one-kata, the tests of a kata that another kata uses are left out when that other\n\
         # kata is checked; `all-tests` keeps the tests of every kata enabled (builds of several).\n\
         {ALL_TESTS} = []\n\
         # `cargo kata exam` only: compiles the held-out cases (`mod held_out` in the tests).\n\
         {HELD_OUT} = []\n\
         {kata} = []\n\n\
         [dependencies]\n\
         workspace-hack.workspace = true\n\n\
         [dev-dependencies]\n\
         insta.workspace = true\n\
         kata-test-support.workspace = true\n\
         proptest.workspace = true\n"
    )
}

fn lib_rs(kata_crate: bool, suite: &str, kata: &str) -> String {
    let head = if kata_crate {
        format!(
            "//! # {suite}: {MARKER}: the suite's title\n//!\n\
             //! {MARKER}: the suite brief: the article (title and URL), and which kata teaches\n\
             //! which of its ideas (or why an idea does not carry over to Rust).\n"
        )
    } else {
        format!("//! Reference solutions for the {suite} katas.\n")
    };
    format!(
        "{head}\n{}\npub mod {kata};\n\n#[cfg(test)]\n#[path = \"../../../tests/{suite}/mod.rs\"]\nmod suite;\n",
        gate(kata)
    )
}

fn tests_mod_rs(suite: &str, kata: &str) -> String {
    format!(
        "//! The {suite} suite: compiled into kata-{suite} (where it must fail) and\n\
         //! solution-{suite} (where it must pass).\n\n\
         // Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers\n\
         // the other katas use go unused there; the full build (CI, verify) still checks them.\n\
         #![cfg_attr(feature = \"{ONE_KATA}\", allow(dead_code, unused_imports, unused_macros))]\n\n\
         #[allow(unused_imports)] // until a test uses it\n\
         pub(crate) use kata_test_support::proptest_config;\n\n\
         /// `insta::assert_snapshot!` into `snapshots/{suite}/`, from either crate.\n\
         #[allow(unused_macros)] // until a test uses it\n\
         macro_rules! assert_suite_snapshot {{\n\
         \x20   ($($arg:tt)*) => {{ kata_test_support::assert_suite_snapshot!($($arg)*) }};\n\
         }}\n\n\
         {}\nmod {kata};\n",
        gate(kata)
    )
}

/// The brief, the same in the stub and the solution (verify's sync stage checks it).
fn brief(kata: &str) -> String {
    format!(
        "//! {MARKER}: the brief. What to build; why it matters (the failure it prevents in\n\
         //! production); the Python idea and its Rust counterpart; every message a test expects.\n\
         //!\n\
         //! **The tests check.**\n\
         //! - {MARKER}: one lesson per bullet, each ending with the tests that enforce it.\n\
         //!   Checked by `placeholder_write_the_tests`.\n\n\
         /// {MARKER}: one line on what it returns.\n\
         pub fn {kata}() -> u32 {{\n"
    )
}

fn stub(kata: &str) -> String {
    format!(
        "{}\x20   todo!(\"{kata}: not written yet\")\n}}\n",
        brief(kata)
    )
}

fn solution(kata: &str) -> String {
    format!(
        "{}\x20   todo!(\"{MARKER}: the reference solution\")\n}}\n",
        brief(kata)
    )
}

fn test_file(kata: &str) -> String {
    format!(
        "//! Tests of {kata}, compiled into both crates: each must fail on the stub and pass on\n\
         //! the solution. At least three: the normal case, an edge case, bad input.\n\n\
         use crate::{kata}::{kata};\n\n\
         #[test]\n\
         fn placeholder_write_the_tests() {{\n\
         \x20   let _ = {kata};\n\
         \x20   panic!(\"{MARKER}: replace this placeholder with at least three tests\");\n\
         }}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_must_be_suite_slash_kata_with_usable_ids() {
        assert_eq!(
            parse_target("d99-scratch/first_kata").expect("valid"),
            ("d99-scratch".to_string(), "first_kata".to_string())
        );
        for bad in [
            "first_kata",
            "D99/x",
            "d99-/x",
            "d99/First",
            "d99/fn",
            "d99/suite",
            "d99/a-b",
            "/x",
            "d99/",
        ] {
            assert!(parse_target(bad).is_err(), "{bad} must be refused");
        }
    }

    const MANIFEST_TEXT: &str = "# The curriculum.\n\n[[suite]]\nid = \"a\"\ntitle = \"A\"\n\n[[suite.kata]]\nid = \"one\"\ntitle = \"One\"\nfile = \"katas/a/src/one.rs\"\ntests = \"suite::one::\"\n\n# ==== b comes next ====\n\n[[suite]]\nid = \"b\"\ntitle = \"B\"\n";

    #[test]
    fn a_kata_block_goes_after_its_suites_last_kata_keeping_comments() {
        let out = insert_kata_block(MANIFEST_TEXT, "a", "two").expect("suite a exists");
        let two = out.find("id = \"two\"").expect("inserted");
        assert!(two > out.find("id = \"one\"").expect("kept"));
        assert!(two < out.find("# ==== b comes next").expect("comment kept"));
        let m = Manifest::parse(&out, Path::new("katas.toml")).expect("still loads");
        assert_eq!(m.suites[0].katas.len(), 2);
        assert_eq!(m.suites[0].katas[1].hints.len(), 0);
        assert!(insert_kata_block(MANIFEST_TEXT, "zz", "two").is_none());
    }

    #[test]
    fn a_new_suite_is_appended_at_the_end_of_the_curriculum() {
        let out = append_suite_block(MANIFEST_TEXT, "c", "first");
        let m = Manifest::parse(&out, Path::new("katas.toml")).expect("loads");
        let ids: Vec<&str> = m.suites.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(m.suites[2].katas[0].file, "katas/c/src/first.rs");
        assert!(out.starts_with("# The curriculum."));
    }

    #[test]
    fn a_feature_goes_after_the_last_feature_keeping_comments() {
        let text = "[package]\nname = \"x\"\n\n[features]\n# why\none-kata = []\na = []\n\n[dependencies]\n";
        assert_eq!(
            insert_feature(text, "b").expect("has features"),
            "[package]\nname = \"x\"\n\n[features]\n# why\none-kata = []\na = []\nb = []\n\n[dependencies]\n"
        );
        assert!(insert_feature("[package]\n", "b").is_none());
    }

    #[test]
    fn a_lib_mod_goes_after_the_last_pub_mod_gated() {
        let text = "//! S.\n\npub mod a;\n\n#[cfg(test)]\nmod suite;\n";
        let out = insert_lib_mod(text, "b");
        assert_eq!(
            out,
            "//! S.\n\npub mod a;\n#[cfg(any(not(feature = \"one-kata\"), feature = \"b\"))]\npub mod b;\n\n#[cfg(test)]\nmod suite;\n"
        );
        let first = insert_lib_mod("//! S.\n\n#[cfg(test)]\nmod suite;\n", "b");
        assert!(first.contains("pub mod b;\n\n#[cfg(test)]"), "{first}");
    }

    #[test]
    fn the_scaffolded_files_agree_with_the_sync_rules() {
        let lib = layout::mod_lines(&lib_rs(true, "s", "k"));
        assert_eq!(
            crate::verify::sync::lib_problems(&lib, &["k"]),
            Vec::<String>::new()
        );
        let tests = layout::mod_lines(&tests_mod_rs("s", "k"));
        assert_eq!(
            crate::verify::sync::test_mod_problems(&tests, &["k"]),
            Vec::<String>::new()
        );
        let features = layout::Features::parse(&cargo_toml("kata-s", "d", "k"))
            .expect("valid TOML")
            .names();
        assert_eq!(
            crate::verify::sync::feature_problems(&features, &["k"]),
            Vec::<String>::new()
        );
    }

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(MANIFEST), MANIFEST_TEXT).expect("write");
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\n").expect("write");
        dir
    }

    #[test]
    fn an_existing_kata_is_refused_and_nothing_is_written() {
        let dir = repo();
        let err = plan(dir.path(), "a", "one").expect_err("exists");
        assert_eq!(err.to_string(), "kata `a/one` already exists in katas.toml");
    }

    #[test]
    fn a_folder_in_the_way_of_a_new_suite_is_refused() {
        let dir = repo();
        std::fs::create_dir_all(dir.path().join("tests/c")).expect("mkdir");
        let err = plan(dir.path(), "c", "first").expect_err("in the way");
        assert!(
            err.to_string().starts_with("tests/c already exists"),
            "{err}"
        );
    }

    #[test]
    fn a_new_suite_plans_every_place_its_kata_lives() {
        let dir = repo();
        let writes = plan(dir.path(), "c", "first").expect("plans");
        let mut paths: Vec<String> = writes
            .iter()
            .map(|w| w.path.display().to_string())
            .collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "Cargo.toml",
                "katas.toml",
                "katas/c/Cargo.toml",
                "katas/c/src/first.rs",
                "katas/c/src/lib.rs",
                "snapshots/c/.gitkeep",
                "solutions/c/Cargo.toml",
                "solutions/c/src/first.rs",
                "solutions/c/src/lib.rs",
                "tests/c/first.rs",
                "tests/c/mod.rs",
            ]
        );
        apply(dir.path(), &writes).expect("writes");
        assert!(dir.path().join("katas/c/src/first.rs").is_file());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("Cargo.toml")).expect("read"),
            "[workspace]\n\n[profile.dev.package.kata-c]\ndebug = false\n",
            "the new kata crate is compiled without debug info, as the others"
        );
    }
}
