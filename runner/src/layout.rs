//! Where a suite's pieces are and how a build selects them.
//!
//! A suite `<suite>` lives in four folders: its learner crate `katas/<suite>/` (package
//! `kata-<suite>`, one file `src/<kata>.rs` per kata), its reference crate `solutions/<suite>/`
//! (package `solution-<suite>`, dodges in `dodges/`), its tests `tests/<suite>/` (one
//! `<kata>.rs` or `<kata>/` per kata, test names `suite::<kata>::…`) and its insta snapshots
//! `snapshots/<suite>/`. Both crates declare the features `one-kata`, `all-tests` and one per
//! kata (docs/authoring.md): a build with `one-kata,<kata>` compiles only that kata, what its
//! feature lists and their tests; each kata module is gated by them in `lib.rs` and
//! `tests/<suite>/mod.rs` ([`mod_lines`] reads those gates). Every other module asks this one
//! for these names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The folder of the learner crates, and the start of every default kata file.
pub const KATAS: &str = "katas";
/// The folder of the reference crates.
pub const SOLUTIONS: &str = "solutions";
/// The folder of the suites' tests.
pub const TESTS: &str = "tests";
/// The folder of the suites' insta snapshots.
pub const SNAPSHOTS: &str = "snapshots";
/// The folders that hold one sub-folder per suite.
pub const SUITE_DIRS: [&str; 4] = [KATAS, SOLUTIONS, TESTS, SNAPSHOTS];
/// The folder of a reference crate that holds its dodges.
pub const DODGES: &str = "dodges";

/// The feature that gates each kata module by its own feature.
pub const ONE_KATA: &str = "one-kata";
/// With `one-kata`, keeps the tests of every kata enabled: without it, a kata that another
/// enabled kata uses has its tests left out (they are not the ones being checked).
pub const ALL_TESTS: &str = "all-tests";
/// The feature that compiles a suite's held-out cases (exam mode).
pub const HELD_OUT: &str = "held-out";
/// The module a kata's held-out cases live in, as it appears in their test names
/// (`suite::<kata>::held_out::…`).
pub const HELD_OUT_MODULE: &str = "::held_out::";

/// Whether a kata has held-out cases: its test source ([`test_source`]:
/// `tests/<suite>/<kata>.rs`, or the files of `tests/<suite>/<kata>/`) declares a
/// `mod held_out` (inline or not, whatever its attributes and visibility; comments do not count).
pub fn has_held_out(root: &Path, suite: &str, kata: &str) -> bool {
    let Some((_, text)) = test_source(root, suite, kata) else {
        return false;
    };
    logical_lines(&text).iter().any(|line| {
        let (_, item) = split_attributes(line);
        let (_, decl) = split_visibility(item);
        decl.strip_prefix("mod ")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix("held_out"))
            .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    })
}

/// One of a suite's two crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crate {
    /// The learner's crate, `katas/<suite>/`.
    Katas,
    /// The reference crate, `solutions/<suite>/`.
    Solutions,
}

impl Crate {
    /// The folder the crate sits in, relative to the root.
    pub fn dir(self) -> &'static str {
        match self {
            Crate::Katas => KATAS,
            Crate::Solutions => SOLUTIONS,
        }
    }

    /// The crate's package name: `kata-<suite>` or `solution-<suite>`.
    pub fn package(self, suite: &str) -> String {
        match self {
            Crate::Katas => format!("kata-{suite}"),
            Crate::Solutions => format!("solution-{suite}"),
        }
    }

    /// The crate's folder, relative to the root.
    pub fn folder(self, suite: &str) -> PathBuf {
        Path::new(self.dir()).join(suite)
    }

    /// The crate's `Cargo.toml`, relative to the root.
    pub fn cargo_toml(self, suite: &str) -> PathBuf {
        self.folder(suite).join("Cargo.toml")
    }
}

/// The learner's package of `suite`.
pub fn kata_package(suite: &str) -> String {
    Crate::Katas.package(suite)
}

/// The reference package of `suite`.
pub fn solution_package(suite: &str) -> String {
    Crate::Solutions.package(suite)
}

/// The default kata file, when katas.toml gives none: `katas/<suite>/src/<kata>.rs`.
pub fn kata_file(suite: &str, kata: &str) -> String {
    format!("{KATAS}/{suite}/src/{kata}.rs")
}

/// The reference solution of a kata file: `katas/` replaced by `solutions/`.
pub fn solution_file(kata_file: &str) -> String {
    match kata_file
        .strip_prefix(KATAS)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(rest) => format!("{SOLUTIONS}/{rest}"),
        None => kata_file.to_string(),
    }
}

/// The default test filter, when katas.toml gives none: `suite::<kata>::`.
pub fn test_filter(kata: &str) -> String {
    format!("suite::{kata}::")
}

/// A kata's test file `tests/<suite>/<kata>.rs`, relative to the root.
pub fn test_file(suite: &str, kata: &str) -> String {
    format!("{TESTS}/{suite}/{kata}.rs")
}

/// A kata's test folder `tests/<suite>/<kata>/` (instead of a file), relative to the root.
pub fn test_dir(suite: &str, kata: &str) -> String {
    format!("{TESTS}/{suite}/{kata}")
}

/// The tests of `suite`, relative to the root.
pub fn tests_dir(suite: &str) -> PathBuf {
    Path::new(TESTS).join(suite)
}

/// The insta snapshots of `suite`, relative to the root.
pub fn snapshots_dir(suite: &str) -> PathBuf {
    Path::new(SNAPSHOTS).join(suite)
}

/// Everything the build of `suite`'s kata crate reads, relative to the root: the crate (kata
/// files, their modules, `include_*!` data, its manifest), its tests (a folder or a file) and
/// its snapshots.
pub fn crate_inputs(suite: &str) -> Vec<PathBuf> {
    vec![
        Crate::Katas.folder(suite),
        tests_dir(suite),
        Path::new(TESTS).join(format!("{suite}.rs")),
        snapshots_dir(suite),
    ]
}

/// The files of `suite` shipped with its tests, relative to the root: what a learner must
/// not change for a verdict to count (`katas.lock`'s `[tests]`): its tests (a folder or a
/// file), its snapshots, and the kata crate's manifest and `lib.rs` (which gate the tests).
pub fn shipped_tests(suite: &str) -> Vec<PathBuf> {
    vec![
        tests_dir(suite),
        Path::new(TESTS).join(format!("{suite}.rs")),
        snapshots_dir(suite),
        Crate::Katas.cargo_toml(suite),
        Crate::Katas.folder(suite).join("src").join("lib.rs"),
    ]
}

/// The dodges of `suite`, relative to the root.
pub fn dodges_dir(suite: &str) -> PathBuf {
    Crate::Solutions.folder(suite).join(DODGES)
}

/// A kata's test source: `tests/<suite>/<kata>.rs`, or every `.rs` under `tests/<suite>/<kata>/`
/// (named by the folder, with a trailing `/`), with the name to show.
pub fn test_source(root: &Path, suite: &str, kata: &str) -> Option<(String, String)> {
    let file = test_file(suite, kata);
    if let Ok(text) = std::fs::read_to_string(root.join(&file)) {
        return Some((file, text));
    }
    let dir = test_dir(suite, kata);
    let mut files = crate::walk::files(&root.join(&dir), crate::walk::SKIPPED);
    files.sort();
    let text: String = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect::<Vec<_>>()
        .join("\n");
    (!files.is_empty()).then(|| (format!("{dir}/"), text))
}

/// A crate's `[features]` table: each feature with the features it enables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features(BTreeMap<String, Vec<String>>);

impl Features {
    /// The `[features]` of a Cargo.toml's text (none if it has no such table), or why it
    /// could not be read.
    pub fn parse(cargo_toml: &str) -> Result<Self, String> {
        let table: toml::Table = cargo_toml
            .parse()
            .map_err(|e| format!("not valid TOML: {e}"))?;
        let Some(features) = table.get("features").and_then(|f| f.as_table()) else {
            return Ok(Self::default());
        };
        Ok(Self(
            features
                .iter()
                .map(|(name, enables)| {
                    let enables = enables
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    (name.clone(), enables)
                })
                .collect(),
        ))
    }

    /// The `[features]` of `suite`'s crate under `root`; `None` when its Cargo.toml is
    /// missing, unreadable or not TOML.
    pub fn read(root: &Path, krate: Crate, suite: &str) -> Option<Self> {
        let text = std::fs::read_to_string(root.join(krate.cargo_toml(suite))).ok()?;
        Self::parse(&text).ok()
    }

    /// Whether the crate declares `feature`.
    pub fn declares(&self, feature: &str) -> bool {
        self.0.contains_key(feature)
    }

    /// The feature names.
    pub fn names(&self) -> BTreeSet<String> {
        self.0.keys().cloned().collect()
    }

    /// The features `feature` enables directly.
    pub fn enables(&self, feature: &str) -> &[String] {
        self.0.get(feature).map_or(&[], Vec::as_slice)
    }

    /// Whether `kata` can be compiled alone: the crate declares `one-kata` and `<kata>`.
    pub fn offer_one_kata(&self, kata: &str) -> bool {
        self.declares(ONE_KATA) && self.declares(kata)
    }
}

/// Whether `suite`'s crate under `root` declares `one-kata` and `<kata>`, which compile only
/// that kata and its tests.
pub fn offers_one_kata(root: &Path, krate: Crate, suite: &str, kata: &str) -> bool {
    Features::read(root, krate, suite).is_some_and(|f| f.offer_one_kata(kata))
}

/// What a build of one suite's crate compiles.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// Every kata and every test: no features.
    Whole,
    /// Every kata and every test, built apart from [`Selection::Whole`]: `all-tests` alone,
    /// which selects nothing without `one-kata` but gives the build its own place in the
    /// target dir, so a build of changed files (verify's dodges) never stands where
    /// `cargo test` would take it for fresh.
    Apart,
    /// One kata (and the katas its feature lists) with its tests: `one-kata,<kata>`.
    One(&'a str),
    /// Several katas, each with its tests even when another uses it:
    /// `one-kata,all-tests,<katas>`.
    Several(&'a [String]),
}

/// The `--features` of a build of `selection`.
pub fn features(selection: Selection<'_>) -> Vec<String> {
    match selection {
        Selection::Whole => Vec::new(),
        Selection::Apart => vec![ALL_TESTS.to_string()],
        Selection::One(kata) => vec![ONE_KATA.to_string(), kata.to_string()],
        Selection::Several(katas) => [ONE_KATA, ALL_TESTS]
            .into_iter()
            .map(str::to_string)
            .chain(katas.iter().cloned())
            .collect(),
    }
}

/// The `--features` of a build of `selection` from a crate that declares `declared`: one kata
/// is compiled alone only when the crate offers it (else the whole crate is), and `held_out`
/// adds the held-out cases when the crate has them.
pub fn build_features(
    declared: &Features,
    selection: Selection<'_>,
    held_out: bool,
) -> Vec<String> {
    let selection = match selection {
        Selection::One(kata) if !declared.offer_one_kata(kata) => Selection::Whole,
        other => other,
    };
    let mut out = features(selection);
    if held_out && declared.declares(HELD_OUT) {
        out.push(HELD_OUT.to_string());
    }
    out
}

/// A `mod` declaration found in a `lib.rs` or `mod.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModLine {
    /// The module name.
    pub name: String,
    /// Declared `pub` (any visibility other than private).
    pub public: bool,
    /// Gated by `one-kata`: the features its `cfg` names besides `one-kata`; `None` if ungated.
    pub gate: Option<Vec<String>>,
}

/// The `mod x;` declarations of a Rust file, with their visibility and one-kata gate.
pub fn mod_lines(src: &str) -> Vec<ModLine> {
    let mut out = Vec::new();
    let mut attrs = String::new();
    for line in logical_lines(src) {
        let (line_attrs, rest) = split_attributes(&line);
        attrs.push_str(line_attrs);
        if rest.is_empty() {
            continue;
        }
        let (public, decl) = split_visibility(rest);
        if let Some(name) = mod_name(decl) {
            let features = features_in(&attrs);
            let gate = attrs.contains(&format!("\"{ONE_KATA}\"")).then(|| {
                features
                    .into_iter()
                    .filter(|f| f != ONE_KATA)
                    .collect::<Vec<_>>()
            });
            out.push(ModLine {
                name: name.to_string(),
                public,
                gate,
            });
        }
        attrs.clear();
    }
    out
}

/// A logical line's leading attributes (`#[…]`, balanced brackets) and the rest after them.
pub fn split_attributes(line: &str) -> (&str, &str) {
    let mut rest = line;
    while rest.starts_with("#[") {
        let mut depth = 0;
        let end = rest
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ => return false,
                }
                depth == 0
            })
            .map_or(rest.len() - 1, |(i, _)| i);
        rest = rest[end + 1..].trim_start();
    }
    let attrs = line[..line.len() - rest.len()].trim_end();
    (attrs, rest)
}

/// Whether an item is declared with any visibility (`pub`, `pub(crate)`, …), and the item
/// after it.
fn split_visibility(item: &str) -> (bool, &str) {
    match item.strip_prefix("pub") {
        Some(after) => {
            let after = after.trim_start();
            let after = if after.starts_with('(') {
                after
                    .find(')')
                    .map_or(after, |i| after[i + 1..].trim_start())
            } else {
                after
            };
            (true, after)
        }
        None => (false, item),
    }
}

/// The name in a `mod <name>;` declaration (visibility already split off).
fn mod_name(decl: &str) -> Option<&str> {
    decl.strip_prefix("mod ")
        .and_then(|n| n.trim().strip_suffix(';'))
        .map(str::trim)
}

/// Lines without comments, an attribute that rustfmt spread over several lines joined into one.
pub fn logical_lines(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut depth = 0i32;
    for raw in src.lines() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        buf.push_str(line);
        depth += line.matches('[').count() as i32 - line.matches(']').count() as i32;
        if depth <= 0 {
            out.push(std::mem::take(&mut buf));
            depth = 0;
        }
    }
    if !buf.is_empty() {
        out.push(buf);
    }
    out
}

/// The names in `feature = "…"` inside attribute text.
fn features_in(attrs: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = attrs;
    while let Some(i) = rest.find("feature") {
        rest = &rest[i + "feature".len()..];
        let r = rest.trim_start();
        let Some(r) = r.strip_prefix('=') else {
            continue;
        };
        let r = r.trim_start();
        if let Some(r) = r.strip_prefix('"')
            && let Some(end) = r.find('"')
        {
            out.push(r[..end].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suite_s_pieces_have_one_name_each() {
        assert_eq!(kata_file("s1", "add"), "katas/s1/src/add.rs");
        assert_eq!(
            solution_file("katas/s1/src/add.rs"),
            "solutions/s1/src/add.rs"
        );
        assert_eq!(test_filter("add"), "suite::add::");
        assert_eq!(test_file("s1", "add"), "tests/s1/add.rs");
        assert_eq!(kata_package("s1"), "kata-s1");
        assert_eq!(solution_package("s1"), "solution-s1");
        assert_eq!(
            Crate::Solutions.cargo_toml("s1"),
            Path::new("solutions/s1/Cargo.toml")
        );
        assert_eq!(dodges_dir("s1"), Path::new("solutions/s1/dodges"));
        assert_eq!(snapshots_dir("s1"), Path::new("snapshots/s1"));
    }

    #[test]
    fn a_kata_has_held_out_cases_when_its_tests_declare_mod_held_out() {
        let root = tempfile::tempdir().expect("a temp dir");
        let write = |kata: &str, text: &str| {
            let file = root.path().join(test_file("s1", kata));
            std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
            std::fs::write(file, text).expect("write");
        };
        write(
            "a",
            "#[test]\nfn t() {}\n\n#[cfg(feature = \"held-out\")]\nmod held_out {\n}\n",
        );
        write(
            "b",
            "// mod held_out { is only a comment\nmod held_out_notes;\n",
        );
        assert!(has_held_out(root.path(), "s1", "a"));
        assert!(!has_held_out(root.path(), "s1", "b"));
        assert!(!has_held_out(root.path(), "s1", "missing"));
    }

    #[test]
    fn the_features_table_says_what_each_feature_enables() {
        let f = Features::parse("[features]\none-kata = []\nadd = []\nsum = [\"add\"]\n")
            .expect("valid TOML");
        assert!(f.offer_one_kata("sum"));
        assert!(!f.offer_one_kata("mul"));
        assert_eq!(f.enables("sum"), ["add"]);
        assert!(f.enables("mul").is_empty());
        assert_eq!(Features::parse("[package]\n"), Ok(Features::default()));
        assert!(Features::parse("[features").is_err());
    }

    #[test]
    fn a_build_selects_katas_by_features() {
        assert!(features(Selection::Whole).is_empty());
        assert_eq!(features(Selection::One("add")), ["one-kata", "add"]);
        let rest = ["add".to_string(), "sum".to_string()];
        assert_eq!(
            features(Selection::Several(&rest)),
            ["one-kata", "all-tests", "add", "sum"]
        );
    }

    #[test]
    fn only_a_crate_with_the_features_compiles_one_kata_alone() {
        let none = Features::default();
        assert!(build_features(&none, Selection::One("add"), true).is_empty());
        let f = Features::parse("[features]\none-kata = []\nadd = []\nheld-out = []\n")
            .expect("valid TOML");
        assert_eq!(
            build_features(&f, Selection::One("add"), false),
            ["one-kata", "add"]
        );
        assert_eq!(
            build_features(&f, Selection::One("add"), true),
            ["one-kata", "add", "held-out"]
        );
        assert_eq!(
            build_features(&f, Selection::One("double"), true),
            ["held-out"]
        );
    }
}
