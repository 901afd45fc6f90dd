//! Workshop plans: a small TOML that restricts and orders the curriculum for a session.
//!
//! ```toml
//! title = "Iterators and resource guards"
//! minutes = 90                 # optional: the session's length
//!
//! [[step]]
//! kata = "d16-iterators/iterator_struct"
//! minutes = 10                 # optional: a time box for this kata
//!
//! [[step]]
//! suite = "d17-resource-guards" # every kata of the suite, in the manifest's order
//! minutes = 8                  # the time box of each of them
//! ```
//!
//! A plan is applied to the manifest ([`Plan::restrict`]): the result is a manifest with only
//! the planned katas, so every command that walks the curriculum (`cargo kata`, `list`,
//! `watch`, `check`, `hint`, `report`, `exam`) follows the plan without knowing of it. Katas
//! of one suite are grouped where the suite first appears (a suite is built as one crate).
//! Every problem is an error with the plan's line and column.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::domain::Suite;
use crate::error::{Error, Result};
use crate::manifest::{Manifest, line_col};
use crate::state::STATE_DIR;

/// Where `cargo kata plan <file>` keeps the active plan (a copy, so moving the file or
/// changing directory does not lose it).
pub const ACTIVE_PLAN: &str = "plan.toml";

/// A validated plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The session's title.
    pub title: String,
    /// The session's length, if given.
    pub minutes: Option<u32>,
    /// Planned katas (`suite/kata`) in order, each with its time box.
    pub katas: Vec<(String, Option<u32>)>,
    /// The file it was read from.
    pub path: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    title: String,
    #[serde(default)]
    minutes: Option<u32>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(default)]
    kata: Option<Spanned<String>>,
    #[serde(default)]
    suite: Option<Spanned<String>>,
    #[serde(default)]
    minutes: Option<u32>,
}

impl Plan {
    /// Reads and checks a plan file against the curriculum.
    pub fn load(path: &Path, manifest: &Manifest) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("reading the plan {}", path.display()), e))?;
        Self::parse(&text, path, manifest)
    }

    /// Parses plan text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path, manifest: &Manifest) -> Result<Self> {
        let err = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            Error::Manifest {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: RawPlan = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            err(offset, e.message().trim().to_string())
        })?;
        if raw.step.is_empty() {
            return Err(err(
                text.len(),
                "the plan has no `[[step]]`: name at least one `kata = \"suite/kata\"` or `suite = \"suite\"`".into(),
            ));
        }
        let mut katas = Vec::new();
        let mut seen = HashSet::new();
        for step in &raw.step {
            let start = step.span().start;
            let step = step.get_ref();
            let ids: Vec<String> = match (&step.kata, &step.suite) {
                (Some(k), None) => {
                    let name = k.get_ref();
                    let id = match manifest.select(name) {
                        Ok(hits) if hits.len() == 1 && manifest.suite(name).is_none() => {
                            hits[0].key()
                        }
                        Ok(_) => {
                            return Err(err(
                                k.span().start,
                                format!("`{name}` is a suite: write `suite = \"{name}\"`"),
                            ));
                        }
                        Err(e) => return Err(err(k.span().start, e.to_string())),
                    };
                    vec![id]
                }
                (None, Some(s)) => {
                    let name = s.get_ref();
                    let suite = manifest.suite(name).ok_or_else(|| {
                        err(
                            s.span().start,
                            format!("no suite named `{name}` in katas.toml"),
                        )
                    })?;
                    suite
                        .katas
                        .iter()
                        .map(|k| format!("{}/{}", suite.id, k.id))
                        .collect()
                }
                _ => {
                    return Err(err(
                        start,
                        "a step names exactly one of `kata = \"suite/kata\"` or `suite = \"suite\"`"
                            .into(),
                    ));
                }
            };
            for id in ids {
                if !seen.insert(id.clone()) {
                    return Err(err(start, format!("`{id}` is planned twice")));
                }
                katas.push((id, step.minutes));
            }
        }
        Ok(Self {
            title: raw.title,
            minutes: raw.minutes,
            katas,
            path: path.to_path_buf(),
        })
    }

    /// The curriculum with only the planned katas, in the plan's order (a suite's katas
    /// grouped where the suite first appears).
    pub fn restrict(&self, manifest: &Manifest) -> Manifest {
        let mut order: Vec<&str> = Vec::new();
        let mut by_suite: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (id, _) in &self.katas {
            let (suite, kata) = id.split_once('/').unwrap_or((id, ""));
            if !by_suite.contains_key(suite) {
                order.push(suite);
            }
            by_suite.entry(suite).or_default().push(kata);
        }
        let suites = order
            .into_iter()
            .filter_map(|sid| {
                let suite = manifest.suite(sid)?;
                let katas = by_suite[sid]
                    .iter()
                    .filter_map(|kid| suite.katas.iter().find(|k| k.id == *kid).cloned())
                    .collect();
                Some(Suite {
                    katas,
                    ..suite.clone()
                })
            })
            .collect();
        Manifest {
            concepts: manifest.concepts.clone(),
            suites,
        }
    }

    /// The time box of a kata (`suite/kata`), if the plan gives one.
    pub fn time_box(&self, key: &str) -> Option<u32> {
        self.katas
            .iter()
            .find(|(id, _)| id == key)
            .and_then(|(_, m)| *m)
    }
}

/// `<root>/.kata/plan.toml`.
pub fn active_path(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join(ACTIVE_PLAN)
}

/// The plan in force: `--plan <file>` if given, else the one `cargo kata plan` activated.
pub fn active(root: &Path, flag: Option<&Path>, manifest: &Manifest) -> Result<Option<Plan>> {
    if let Some(path) = flag {
        return Plan::load(path, manifest).map(Some);
    }
    let path = active_path(root);
    if !path.is_file() {
        return Ok(None);
    }
    Plan::load(&path, manifest).map(Some).map_err(|e| match e {
        // The curriculum changed under the active plan: say how to get out.
        Error::Manifest {
            path,
            line,
            column,
            message,
        } => Error::Manifest {
            path,
            line,
            column,
            message: format!(
                "{message} (the active plan; `cargo kata plan --off` stops following it)"
            ),
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"
[[suite]]
id = "s1"
title = "One"
[[suite.kata]]
id = "a"
title = "A"
file = "katas/s1/src/a.rs"
tests = "suite::a::"
[[suite.kata]]
id = "b"
title = "B"
file = "katas/s1/src/b.rs"
tests = "suite::b::"
[[suite]]
id = "s2"
title = "Two"
[[suite.kata]]
id = "c"
title = "C"
file = "katas/s2/src/c.rs"
tests = "suite::c::"
"#,
            Path::new("katas.toml"),
        )
        .unwrap()
    }

    fn parse(text: &str) -> Result<Plan> {
        Plan::parse(text, Path::new("plan.toml"), &manifest())
    }

    #[test]
    fn a_plan_restricts_and_orders_the_curriculum() {
        let plan = parse(
            "title = \"T\"\nminutes = 30\n[[step]]\nsuite = \"s2\"\nminutes = 5\n[[step]]\nkata = \"s1/b\"\n",
        )
        .unwrap();
        assert_eq!(plan.time_box("s2/c"), Some(5));
        assert_eq!(plan.time_box("s1/b"), None);
        let m = plan.restrict(&manifest());
        let keys: Vec<String> = m.katas().iter().map(|k| k.key()).collect();
        assert_eq!(keys, ["s2/c", "s1/b"]);
    }

    #[test]
    fn an_unknown_kata_is_an_error_at_its_line_and_column() {
        let e = parse("title = \"T\"\n[[step]]\nkata = \"s1/zz\"\n").unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("plan.toml:3:8: no kata or suite named `s1/zz`"),
            "{text}"
        );
    }

    #[test]
    fn bad_plans_are_typed_errors_with_a_position() {
        for (plan, want) in [
            (
                "title = \"T\"\n[[step]]\nsuite = \"nope\"\n",
                "plan.toml:3:9: no suite named `nope`",
            ),
            (
                "title = \"T\"\n[[step]]\nkata = \"s1\"\n",
                "plan.toml:3:8: `s1` is a suite",
            ),
            ("title = \"T\"\n", "no `[[step]]`"),
            ("[[step]]\nkata = \"a\"\n", "missing field `title`"),
            (
                "title = \"T\"\n[[step]]\nkata = \"a\"\nminutes = \"ten\"\n",
                "plan.toml:4:11:",
            ),
            (
                "title = \"T\"\n[[step]]\nkata = \"a\"\n[[step]]\nkata = \"s1/a\"\n",
                "`s1/a` is planned twice",
            ),
            ("title = \"T\"\n[[step]]\nminutes = 3\n", "exactly one of"),
        ] {
            let e = parse(plan).unwrap_err().to_string();
            assert!(e.contains(want), "{plan:?}: {e}");
        }
    }

    #[test]
    fn the_shipped_plans_name_only_katas_of_the_curriculum() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let manifest = Manifest::load(&repo).unwrap();
        let mut seen = 0;
        for entry in std::fs::read_dir(repo.join("plans")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let plan = Plan::load(&path, &manifest).unwrap_or_else(|e| panic!("{e}"));
                assert!(!plan.katas.is_empty());
                seen += 1;
            }
        }
        assert!(
            seen >= 3,
            "plans/ ships a workshop, a half day and a full day"
        );
    }
}
