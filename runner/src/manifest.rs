//! Finding the repository and reading `katas.toml`: the curriculum in order.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::KataRef;
use crate::error::{Error, Result};

pub use crate::domain::{Kata, Suite};

/// The manifest's file name; its directory is the repository root.
pub const MANIFEST: &str = "katas.toml";

/// Walks up from `start` to the directory holding `katas.toml`; `KATA_ROOT` overrides the search.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    if let Some(root) = std::env::var_os("KATA_ROOT").filter(|v| !v.is_empty()) {
        let root = PathBuf::from(root);
        if root.join(MANIFEST).is_file() {
            return Ok(root);
        }
        return Err(Error::RootNotFound { start: root });
    }
    start
        .ancestors()
        .find(|dir| dir.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::RootNotFound {
            start: start.to_path_buf(),
        })
}

/// The whole curriculum.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// The concept vocabulary: id → one-line description. Every kata's `concepts` are ids
    /// from it (when it is given); verify proves each is taught by at least two katas.
    #[serde(default)]
    pub concepts: BTreeMap<String, String>,
    /// Suites in curriculum order.
    #[serde(default, rename = "suite")]
    pub suites: Vec<Suite>,
}

impl Manifest {
    /// Reads and checks `<root>/katas.toml`.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(MANIFEST);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        Self::parse(&text, &path)
    }

    /// Parses manifest text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let mut manifest: Manifest = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_col(text, span.start))
                .unwrap_or((1, 1));
            Error::Manifest {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        for suite in &mut manifest.suites {
            for kata in &mut suite.katas {
                if kata.file.is_empty() {
                    kata.file = crate::layout::kata_file(&suite.id, &kata.id);
                }
                if kata.tests.is_empty() {
                    kata.tests = crate::layout::test_filter(&kata.id);
                }
            }
        }
        manifest.validate(text, path)?;
        Ok(manifest)
    }

    fn validate(&self, text: &str, path: &Path) -> Result<()> {
        let fail = |needle: &str, message: String| {
            let line = text
                .lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i + 1);
            Err(Error::Manifest {
                path: path.to_path_buf(),
                line,
                column: 1,
                message,
            })
        };
        let mut suites = HashSet::new();
        for suite in &self.suites {
            let needle = format!("\"{}\"", suite.id);
            if suite.id.trim().is_empty() {
                return fail("[[suite]]", "a suite has an empty `id`".into());
            }
            if !suites.insert(suite.id.as_str()) {
                return fail(&needle, format!("suite `{}` is listed twice", suite.id));
            }
            let mut katas = HashSet::new();
            for kata in &suite.katas {
                let needle = format!("\"{}\"", kata.id);
                if kata.id.trim().is_empty() {
                    return fail(
                        "[[suite.kata]]",
                        format!("a kata of suite `{}` has an empty `id`", suite.id),
                    );
                }
                if !katas.insert(kata.id.as_str()) {
                    return fail(
                        &needle,
                        format!("kata `{}` is listed twice in suite `{}`", kata.id, suite.id),
                    );
                }
                if kata.tests.trim().is_empty() {
                    return fail(
                        &needle,
                        format!("kata `{}` has an empty `tests` filter", kata.id),
                    );
                }
                if let Some(c) = kata
                    .concepts
                    .iter()
                    .find(|c| !self.concepts.is_empty() && !self.concepts.contains_key(*c))
                {
                    return fail(
                        &needle,
                        format!(
                            "kata `{}` lists concept `{c}`, which is not in the `[concepts]` vocabulary at the top of the file: use one of its ids or add it there",
                            kata.id
                        ),
                    );
                }
                if kata.file.trim().is_empty() || Path::new(&kata.file).is_absolute() {
                    return fail(
                        &needle,
                        format!(
                            "kata `{}`: `file` must be a path relative to the repository root",
                            kata.id
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    /// Every kata in curriculum order.
    pub fn katas(&self) -> Vec<KataRef<'_>> {
        self.suites
            .iter()
            .flat_map(|suite| suite.katas.iter().map(move |kata| KataRef { suite, kata }))
            .collect()
    }

    /// A suite by id.
    pub fn suite(&self, id: &str) -> Option<&Suite> {
        self.suites.iter().find(|s| s.id == id)
    }

    /// What `name` selects: a suite id, a kata id, or `suite/kata`.
    pub fn select(&self, name: &str) -> Result<Vec<KataRef<'_>>> {
        if let Some(suite) = self.suite(name) {
            return Ok(suite
                .katas
                .iter()
                .map(|kata| KataRef { suite, kata })
                .collect());
        }
        let all = self.katas();
        let hits: Vec<KataRef<'_>> = all
            .iter()
            .copied()
            .filter(|k| k.id == name || k.key() == name)
            .collect();
        match hits.len() {
            1 => Ok(hits),
            0 => {
                let candidates = all
                    .iter()
                    .map(|k| k.id.clone())
                    .chain(self.suites.iter().map(|s| s.id.clone()));
                let suggestion = closest(name, candidates).map_or_else(
                    || "; `cargo kata list` shows every kata".to_string(),
                    |c| format!("; did you mean `{c}`?"),
                );
                Err(Error::UnknownKata {
                    name: name.to_string(),
                    suggestion,
                })
            }
            _ => Err(Error::Ambiguous {
                name: name.to_string(),
                candidates: hits.iter().map(KataRef::key).collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// Exactly one kata by name (a suite name is an error here).
    pub fn kata(&self, name: &str) -> Result<KataRef<'_>> {
        if self.suite(name).is_some() {
            return Err(Error::SuiteNotKata {
                name: name.to_string(),
            });
        }
        Ok(self.select(name)?.remove(0))
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, column)
}

/// The candidate nearest to `name` by edit distance, if it is near enough to be a typo.
fn closest(name: &str, candidates: impl Iterator<Item = String>) -> Option<String> {
    candidates
        .map(|c| (edit_distance(name, &c), c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(2) || c.contains(name))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[suite]]
id = "d1-basics"
title = "Basics"

[[suite.kata]]
id = "add"
title = "Adding"
file = "katas/d1-basics/src/add.rs"
tests = "suite::add::"
hints = ["one", "two"]
"#;

    #[test]
    fn parses_suites_and_katas_in_order() {
        let m = Manifest::parse(GOOD, Path::new("katas.toml")).unwrap();
        assert_eq!(m.suites.len(), 1);
        assert_eq!(m.katas()[0].key(), "d1-basics/add");
        assert_eq!(
            crate::layout::solution_file(&m.katas()[0].file),
            "solutions/d1-basics/src/add.rs"
        );
    }

    #[test]
    fn malformed_toml_names_file_and_line() {
        let bad = GOOD.replace("title = \"Adding\"", "title = Adding");
        let err = Manifest::parse(&bad, Path::new("katas.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("katas.toml:8:"), "{msg}");
    }

    #[test]
    fn missing_field_is_reported() {
        let bad = GOOD.replace("title = \"Adding\"\n", "");
        let msg = Manifest::parse(&bad, Path::new("katas.toml"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("title"), "{msg}");
    }

    #[test]
    fn file_and_tests_default_to_the_layout_and_an_explicit_value_wins() {
        let bare = GOOD
            .replace("file = \"katas/d1-basics/src/add.rs\"\n", "")
            .replace("tests = \"suite::add::\"\n", "");
        let m = Manifest::parse(&bare, Path::new("katas.toml")).unwrap();
        assert_eq!(m.katas()[0].file, "katas/d1-basics/src/add.rs");
        assert_eq!(m.katas()[0].tests, "suite::add::");
        let moved = GOOD.replace("src/add.rs", "src/sum/add.rs");
        let m = Manifest::parse(&moved, Path::new("katas.toml")).unwrap();
        assert_eq!(m.katas()[0].file, "katas/d1-basics/src/sum/add.rs");
    }

    #[test]
    fn duplicate_kata_names_its_line() {
        let dup = format!(
            "{GOOD}\n[[suite.kata]]\nid = \"add\"\ntitle = \"x\"\nfile = \"katas/d1-basics/src/x.rs\"\ntests = \"suite::x::\"\n"
        );
        let msg = Manifest::parse(&dup, Path::new("katas.toml"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("listed twice"), "{msg}");
    }

    #[test]
    fn a_concept_outside_the_vocabulary_names_the_kata_and_its_line() {
        let with = |concepts: &str| {
            format!("[concepts]\nsums = \"Adding things up\"\n{GOOD}").replace(
                "title = \"Adding\"\n",
                &format!("title = \"Adding\"\nconcepts = {concepts}\n"),
            )
        };
        let m = Manifest::parse(&with("[\"sums\"]"), Path::new("katas.toml")).unwrap();
        assert_eq!(m.concepts["sums"], "Adding things up");
        assert_eq!(m.katas()[0].concepts, ["sums"]);
        let msg = Manifest::parse(&with("[\"summing\"]"), Path::new("katas.toml"))
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("katas.toml:9:"), "{msg}");
        assert!(
            msg.contains("concept `summing`, which is not in the `[concepts]` vocabulary"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_kata_suggests_the_nearest() {
        let m = Manifest::parse(GOOD, Path::new("katas.toml")).unwrap();
        let msg = m.select("addd").unwrap_err().to_string();
        assert_eq!(msg, "no kata or suite named `addd`; did you mean `add`?");
        assert_eq!(m.select("d1-basics").unwrap().len(), 1);
        assert_eq!(m.select("d1-basics/add").unwrap().len(), 1);
    }
}
