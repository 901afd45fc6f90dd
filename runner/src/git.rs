//! The few git questions the runner asks: what changed since HEAD, and HEAD's copy of files.
//!
//! Every git process the runner starts goes through [`output`]: `reset` and `pristine` ask
//! their own questions but read the answer from the same place.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::error::{Error, Result};

/// Runs `git <args>` in `root` with no stdin and captures its output; a failure to start git
/// is the only error (a git that ran and failed is a non-success status in the output).
pub fn output(root: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new("git")
        .current_dir(root)
        .args(args)
        .stdin(Stdio::null())
        .output()
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = output(root, args).map_err(|source| Error::Spawn {
        program: "git".into(),
        source,
    })?;
    if !out.status.success() {
        return Err(Error::Command {
            program: format!("git {}", args.join(" ")),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

/// Tracked files under `path` that differ from HEAD; `None` when this is not a git checkout.
pub fn modified(root: &Path, path: &str) -> Option<HashSet<String>> {
    let out = git(
        root,
        &[
            "diff",
            "--name-only",
            "--relative",
            "--no-renames",
            "HEAD",
            "--",
            path,
        ],
    )
    .ok()?;
    Some(
        String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

/// Whether `git status --porcelain <path>` is empty (nothing edited, added or deleted there).
pub fn is_clean(root: &Path, path: &str) -> Result<bool> {
    Ok(git(root, &["status", "--porcelain", "--", path])?.is_empty())
}

/// HEAD's copy of `path` (a file relative to the root).
pub fn show_head(root: &Path, path: &str) -> Result<Vec<u8>> {
    git(root, &["--no-pager", "show", &format!("HEAD:./{path}")])
}

/// Files under `paths` that differ from HEAD (edited, added or deleted), relative to the
/// root, each with whether HEAD lacks it; empty when this is not a git checkout.
pub fn changed_since_head(root: &Path, paths: &[String]) -> Vec<(String, bool)> {
    // `--short` (unlike `--porcelain`) names paths relative to the current directory.
    let mut args = vec![
        "-c",
        "status.relativePaths=true",
        "-c",
        "color.status=false",
        "status",
        "--short",
        "--no-renames",
        "--untracked-files=all",
        "--",
    ];
    args.extend(paths.iter().map(String::as_str));
    let Ok(out) = git(root, &args) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| {
            Some((
                l.get(3..)?.trim_matches('"').to_string(),
                l.starts_with("??"),
            ))
        })
        .collect()
}

/// Writes HEAD's `path` (a directory) into `dest`, which plays the repository root.
pub fn export_head(root: &Path, path: &str, dest: &Path) -> Result<()> {
    // The repository root may be a subdirectory of the git checkout: name the tree by its
    // full path and put it back under `path/` in the archive.
    let prefix = String::from_utf8_lossy(&git(root, &["rev-parse", "--show-prefix"])?)
        .trim()
        .to_string();
    let tree = format!("HEAD:{prefix}{path}");
    let dir = format!("--prefix={path}/");
    let archive = git(
        root,
        &["archive", "--format=tar", dir.as_str(), tree.as_str()],
    )?;
    let mut child = Command::new("tar")
        .args(["-x", "-C"])
        .arg(dest)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| Error::Spawn {
            program: "tar".into(),
            source,
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(&archive)
            .map_err(|e| Error::io("feeding git archive to tar", e))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::io("waiting for tar", e))?;
    if !out.status.success() {
        return Err(Error::Command {
            program: "tar -x".into(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(())
}
