//! Keeping one kata's compile error from blocking the others of its suite.
//!
//! Each kata module is gated by its feature (`#[cfg(any(not(feature = "one-kata"),
//! feature = "<kata>"))]`), and a kata's feature lists the katas it uses. When a suite's crate
//! does not build, the katas rustc's errors point at (their file or their test file) are left
//! out, with every kata whose feature pulls them in, and the rest are built again with
//! `--features one-kata,<the rest>`: rustc never reads the files left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::domain::{Diagnostic, Suite};
use crate::layout::{Crate, Features};

/// Most rebuilds tried for one suite: an error that shows up only once another is left out
/// (a kata using a broken one without saying so in its feature) costs one more round.
pub const MAX_ROUNDS: usize = 3;

/// Each kata of the learner's crate with every kata its feature pulls in, itself included.
/// A crate without `[features]` (or an unreadable one) gives each kata just itself.
pub fn closures(root: &Path, suite: &Suite) -> BTreeMap<String, BTreeSet<String>> {
    let features = Features::read(root, Crate::Katas, &suite.id).unwrap_or_default();
    suite
        .katas
        .iter()
        .map(|k| {
            let mut seen = BTreeSet::from([k.id.clone()]);
            let mut todo = vec![k.id.clone()];
            while let Some(next) = todo.pop() {
                for d in features.enables(&next) {
                    if seen.insert(d.clone()) {
                        todo.push(d.clone());
                    }
                }
            }
            (k.id.clone(), seen)
        })
        .collect()
}

/// The katas of `suite` whose file (or whose test file `tests/<suite>/<kata>.rs`) one of
/// `package`'s errors points at.
pub fn broken(suite: &Suite, package: &str, diagnostics: &[Diagnostic]) -> BTreeSet<String> {
    let files: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.package == package && d.level == "error")
        .flat_map(|d| d.spans.iter().map(|s| s.file.clone()))
        .collect();
    suite
        .katas
        .iter()
        .filter(|k| {
            let test_file = crate::layout::test_file(&suite.id, &k.id);
            files
                .iter()
                .any(|f| crate::run::same_file(f, &k.file) || crate::run::same_file(f, &test_file))
        })
        .map(|k| k.id.clone())
        .collect()
}

/// Of `wanted`, the katas that use none of `excluded` (and are not excluded themselves).
pub fn buildable(
    wanted: &[String],
    excluded: &BTreeSet<String>,
    closures: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    wanted
        .iter()
        .filter(|k| {
            closures
                .get(k.as_str())
                .map_or(!excluded.contains(k.as_str()), |c| c.is_disjoint(excluded))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_kata_that_uses_a_broken_one_is_left_out_with_it() {
        let closures = BTreeMap::from([
            ("a".to_string(), set(&["a"])),
            ("b".to_string(), set(&["b", "a"])),
            ("c".to_string(), set(&["c"])),
        ]);
        let wanted = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(buildable(&wanted, &set(&["a"]), &closures), vec!["c"]);
        assert_eq!(buildable(&wanted, &set(&["c"]), &closures), vec!["a", "b"]);
    }
}
