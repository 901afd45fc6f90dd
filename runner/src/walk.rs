//! The one tree walker: every file under a path, in a stable order, skipping build output.

use std::path::{Path, PathBuf};

/// Folders no walk enters: cargo's build output and git's database.
pub const SKIPPED: &[&str] = &["target", ".git"];

/// Every regular file at or under `path`, sorted: `path` itself if it is a file, nothing if it
/// does not exist. Folders named in `skip` are not entered; symbolic links are not followed
/// (a link out of the repository must not pull the world into a hash or a copy).
pub fn files(path: &Path, skip: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if path.is_file() {
        out.push(path.to_path_buf());
    } else {
        collect(path, skip, &mut out);
    }
    out.sort();
    out
}

fn collect(dir: &Path, skip: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if !skip.iter().any(|s| e.file_name() == *s) {
                collect(&e.path(), skip, out);
            }
        } else if ft.is_file() {
            out.push(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_listed_sorted_and_skipped_folders_are_not_entered() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("b/c")).unwrap();
        std::fs::create_dir_all(d.join("target/debug")).unwrap();
        std::fs::write(d.join("b/c/z.rs"), "").unwrap();
        std::fs::write(d.join("a.rs"), "").unwrap();
        std::fs::write(d.join("target/debug/x"), "").unwrap();
        let found = files(d, SKIPPED);
        assert_eq!(found, vec![d.join("a.rs"), d.join("b/c/z.rs")]);
    }

    #[test]
    fn a_file_is_its_own_walk_and_a_missing_path_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("one.rs");
        std::fs::write(&f, "").unwrap();
        assert_eq!(files(&f, SKIPPED), vec![f]);
        assert!(files(&dir.path().join("nope"), SKIPPED).is_empty());
    }
}
