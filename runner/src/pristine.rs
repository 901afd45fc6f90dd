//! The pristine stubs, recorded in `katas.lock` at the root: the git blob id of each kata
//! file as its author committed it.
//!
//! HEAD's stub is not proof of pristineness: a learner may commit their work. The lock
//! file lets `verify` tell "the stub in HEAD is not pristine" from "a test asserts
//! nothing", and lets `reset` restore the authored stub even after such a commit
//! (`git cat-file blob <id>`: the object stays in the repository). Authors refresh it with
//! `cargo kata lock [--suite <id>]…`, which records HEAD's blobs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::LockError;

/// The lock file's name, at the repository root.
pub const LOCK_FILE: &str = "katas.lock";

const HEADER: &str =
    "# The pristine stubs: the git blob id of each kata file as its author committed it.
# `cargo kata verify` checks HEAD's stubs against it; `cargo kata reset` restores from it.
# [tests]: the tests as shipped (tests/, snapshots/, the kata crate's Cargo.toml and lib.rs):
# a suite whose files differ is \"tests modified — not counted\"; `cargo kata reset --tests`.
# Authors: after committing a new or changed stub or test, run `cargo kata lock --suite <id>`.
";

/// The recorded pristine stubs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lock {
    /// Kata file (relative to the root, `/`-separated) to its pristine blob id.
    #[serde(default)]
    pub stubs: BTreeMap<String, String>,
    /// Test, snapshot and scaffolding file (relative to the root) to its shipped blob id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tests: BTreeMap<String, String>,
}

impl Lock {
    /// Reads `katas.lock`; a missing file is an empty lock.
    pub fn load(root: &Path) -> Result<Self, LockError> {
        let path = root.join(LOCK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|source| LockError::Parse { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(LockError::Read { path, source }),
        }
    }

    /// Writes `katas.lock` atomically.
    pub fn save(&self, root: &Path) -> Result<(), LockError> {
        let body = toml::to_string(self)?;
        let path = root.join(LOCK_FILE);
        crate::fsx::replace_atomically(&path, format!("{HEADER}\n{body}").as_bytes())
            .map_err(|source| LockError::Write { path, source })
    }

    /// The recorded blob id of `file`.
    pub fn get(&self, file: &str) -> Option<&str> {
        self.stubs.get(&normalize(file)).map(String::as_str)
    }

    /// Records `file`'s blob id.
    pub fn set(&mut self, file: &str, id: String) {
        self.stubs.insert(normalize(file), id);
    }

    /// The shipped test files of `suite` (file to blob id); empty when not recorded yet.
    pub fn tests_of(&self, suite: &str) -> BTreeMap<String, String> {
        self.tests
            .iter()
            .filter(|(file, _)| is_shipped(suite, file))
            .map(|(f, id)| (f.clone(), id.clone()))
            .collect()
    }

    /// Records `files` (file to blob id) as the shipped tests of `suite`, replacing what was
    /// recorded for it.
    pub fn set_tests(&mut self, suite: &str, files: BTreeMap<String, String>) {
        self.tests.retain(|file, _| !is_shipped(suite, file));
        self.tests.extend(files);
    }
}

/// Whether `file` (relative, `/`-separated) is one of `suite`'s shipped test files.
fn is_shipped(suite: &str, file: &str) -> bool {
    crate::layout::shipped_tests(suite).iter().any(|p| {
        let p = p.to_string_lossy().replace('\\', "/");
        file == p || file.starts_with(&format!("{p}/"))
    })
}

/// The files of `suite` as shipped in HEAD (file to blob id): `git ls-tree -r HEAD` of
/// [`crate::layout::shipped_tests`]. `None` without git or a commit.
pub fn head_tests(root: &Path, suite: &str) -> Option<BTreeMap<String, String>> {
    let paths: Vec<String> = crate::layout::shipped_tests(suite)
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let mut args = vec!["ls-tree", "-r", "--full-tree", "HEAD", "--"];
    args.extend(paths.iter().map(String::as_str));
    let out = git(root, &args)?;
    let text = String::from_utf8_lossy(&out);
    Some(
        text.lines()
            .filter_map(|l| {
                let (meta, file) = l.split_once('\t')?;
                let id = meta.split_whitespace().nth(2)?;
                meta.contains(" blob ")
                    .then(|| (file.to_string(), id.to_string()))
            })
            .collect(),
    )
}

/// How one shipped test file differs from `katas.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestChange {
    /// The file, relative to the root.
    pub file: String,
    /// Its shipped blob id; `None` for a file that was not shipped (added).
    pub shipped: Option<String>,
}

/// The files of `suite`'s tests, snapshots and scaffolding that differ from the blobs
/// `katas.lock` records (edited, removed, or a `.rs`/`.snap`/`.toml` file added); empty when
/// they are as shipped or when the lock records none for the suite yet (or cannot be read).
pub fn modified_tests(root: &Path, suite: &str) -> Vec<TestChange> {
    let Ok(lock) = Lock::load(root) else {
        return Vec::new();
    };
    let shipped = lock.tests_of(suite);
    if shipped.is_empty() {
        return Vec::new();
    }
    let mut changes = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in crate::layout::shipped_tests(suite) {
        for file in crate::walk::files(&root.join(&path), crate::walk::SKIPPED) {
            let rel = file
                .strip_prefix(root)
                .unwrap_or(&file)
                .to_string_lossy()
                .replace('\\', "/");
            let id = std::fs::read(&file).ok().map(|b| blob_id(&b));
            match shipped.get(&rel) {
                Some(want) if id.as_deref() == Some(want.as_str()) => {}
                Some(want) => changes.push(TestChange {
                    file: rel.clone(),
                    shipped: Some(want.clone()),
                }),
                None if counts_when_added(&rel) => changes.push(TestChange {
                    file: rel.clone(),
                    shipped: None,
                }),
                None => {}
            }
            seen.insert(rel);
        }
    }
    for (file, id) in &shipped {
        if !seen.contains(file) {
            changes.push(TestChange {
                file: file.clone(),
                shipped: Some(id.clone()),
            });
        }
    }
    changes.sort_by(|a, b| a.file.cmp(&b.file));
    changes
}

/// An added file that can change what the tests say (an editor's swap or backup file
/// cannot).
fn counts_when_added(file: &str) -> bool {
    [".rs", ".snap", ".toml"].iter().any(|e| file.ends_with(e))
}

/// The git blob id of `bytes` (SHA-1 of `blob <len>\0` and the bytes), as `git hash-object`
/// gives it without filters.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut data = format!("blob {}\0", bytes.len()).into_bytes();
    data.extend_from_slice(bytes);
    sha1(&data).iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-1 (FIPS 180-4): git's object ids.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..20 => ((b & c) | (!b & d), 0x5A82_7999),
                20..40 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..60 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

fn normalize(file: &str) -> String {
    file.trim_start_matches("./").replace('\\', "/")
}

/// git's stdout when it succeeds; a missing git or blob is `None` either way.
fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = crate::git::output(root, args).ok()?;
    out.status.success().then_some(out.stdout)
}

/// The blob id of HEAD's `file` (relative to the root), if committed.
pub fn head_blob(root: &Path, file: &str) -> Option<String> {
    let spec = format!("HEAD:./{}", normalize(file));
    git(root, &["rev-parse", "--verify", "--quiet", &spec])
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
}

/// The content of blob `id`, if the repository has it.
pub fn blob(root: &Path, id: &str) -> Option<Vec<u8>> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    git(root, &["cat-file", "blob", id])
}

/// The pristine stub of `file`: the locked blob when `katas.lock` records one the
/// repository has, `None` otherwise (the caller falls back to HEAD).
pub fn locked_stub(root: &Path, file: &str) -> Option<Vec<u8>> {
    let lock = Lock::load(root).ok()?;
    blob(root, lock.get(file)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        let long = vec![b'x'; 1000];
        assert_eq!(blob_id(&long).len(), 40);
    }

    #[test]
    fn a_lock_without_tests_reads_and_the_tests_of_a_suite_are_its_own() {
        let lock: Lock = toml::from_str("[stubs]\n\"katas/a/src/x.rs\" = \"1\"\n").unwrap();
        assert!(lock.tests.is_empty(), "not recorded yet");
        let mut lock = lock;
        lock.set_tests(
            "a",
            [
                ("tests/a/mod.rs".to_string(), "2".to_string()),
                ("katas/a/Cargo.toml".to_string(), "3".to_string()),
            ]
            .into(),
        );
        lock.set_tests(
            "ab",
            [("tests/ab/mod.rs".to_string(), "4".to_string())].into(),
        );
        assert_eq!(lock.tests_of("a").len(), 2, "tests/ab is another suite");
        let text = toml::to_string(&lock).unwrap();
        assert!(text.contains("[tests]"), "{text}");
    }

    #[test]
    fn an_edited_added_or_removed_test_file_is_a_change_and_a_swap_file_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("tests/a")).unwrap();
        std::fs::write(root.join("tests/a/mod.rs"), "mod x;").unwrap();
        std::fs::write(root.join("tests/a/x.rs"), "#[test] fn t() {}").unwrap();
        let mut lock = Lock::default();
        lock.set_tests(
            "a",
            [
                ("tests/a/mod.rs".to_string(), blob_id(b"mod x;")),
                ("tests/a/x.rs".to_string(), blob_id(b"#[test] fn t() {}")),
            ]
            .into(),
        );
        lock.save(root).unwrap();
        assert!(modified_tests(root, "a").is_empty());
        assert!(modified_tests(root, "b").is_empty(), "not recorded");
        std::fs::write(root.join("tests/a/.x.rs.swp"), "swap").unwrap();
        assert!(modified_tests(root, "a").is_empty(), "a swap file");
        std::fs::write(root.join("tests/a/x.rs"), "#[test] fn anything_goes() {}").unwrap();
        std::fs::write(root.join("tests/a/y.rs"), "").unwrap();
        let files: Vec<String> = modified_tests(root, "a")
            .into_iter()
            .map(|c| c.file)
            .collect();
        assert_eq!(files, ["tests/a/x.rs", "tests/a/y.rs"]);
        std::fs::remove_file(root.join("tests/a/mod.rs")).unwrap();
        assert_eq!(modified_tests(root, "a").len(), 3, "a removed file too");
    }
}
