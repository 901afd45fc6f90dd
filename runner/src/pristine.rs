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
# Authors: after committing a new or changed stub, run `cargo kata lock --suite <id>`.
";

/// The recorded pristine stubs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lock {
    /// Kata file (relative to the root, `/`-separated) to its pristine blob id.
    #[serde(default)]
    pub stubs: BTreeMap<String, String>,
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
