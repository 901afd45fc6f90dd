//! Building test binaries and reading cargo's JSON messages.
//!
//! `cargo build --tests --keep-going` builds the same test executables as `cargo test --no-run`
//! (same profile, same artifacts: switching between them rebuilds nothing), but keeps going when
//! one package fails, so one suite's compile error never hides another suite's verdict.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::bar::Bar;
use crate::error::{Error, Result};

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildRequest<'a> {
    /// The workspace root (cargo runs there).
    pub root: &'a Path,
    /// Packages (`-p`), e.g. `kata-d16-iterators`.
    pub packages: Vec<String>,
    /// Ask rustc for ANSI-coloured diagnostics.
    pub color: bool,
    /// Overrides `CARGO_TARGET_DIR` (verify builds a temp copy into the learner's target dir).
    pub target_dir: Option<PathBuf>,
    /// Draw a progress bar on stderr while units compile.
    pub progress: bool,
    /// Expected number of units, for the bar (from the last build of the same set).
    pub expected_units: usize,
    /// Cargo features (`--features`) of the one selected package: `one-kata,<kata>` compiles
    /// a single kata's tests, which halves the rebuild after an edit in the larger suites.
    pub features: Vec<String>,
}

/// One test executable that cargo built.
#[derive(Debug, Clone)]
pub struct TestBinary {
    /// Its package, e.g. `kata-d16-iterators`.
    pub package: String,
    /// The executable.
    pub path: PathBuf,
    /// The package's directory: tests run there, as under `cargo test`.
    pub manifest_dir: PathBuf,
}

/// One rustc diagnostic.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostic {
    /// The package it belongs to.
    pub package: String,
    /// `error`, `warning`, …
    pub level: String,
    /// rustc's rendered text (ANSI-coloured if requested).
    pub rendered: String,
    /// Primary spans: file (relative to the workspace root) and line.
    pub spans: Vec<SpanAt>,
}

/// Where a diagnostic points.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SpanAt {
    /// The file, relative to the workspace root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

/// What a build produced.
#[derive(Debug, Clone, Default)]
pub struct BuildOutput {
    /// Test executables of the requested packages.
    pub binaries: Vec<TestBinary>,
    /// rustc's diagnostics for the requested packages.
    pub diagnostics: Vec<Diagnostic>,
    /// Packages whose build failed.
    pub failed_packages: Vec<String>,
    /// cargo's verdict.
    pub success: bool,
    /// Compilation units reported (fresh or not).
    pub units: usize,
    /// cargo's stderr (resolution errors, etc.).
    pub stderr: String,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    package_id: String,
    #[serde(default)]
    manifest_path: Option<PathBuf>,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    profile: Option<Profile>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    fresh: bool,
    #[serde(default)]
    message: Option<RustcMessage>,
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

#[derive(Deserialize)]
struct Profile {
    test: bool,
}

#[derive(Deserialize)]
struct RustcMessage {
    level: String,
    rendered: Option<String>,
    #[serde(default)]
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    is_primary: bool,
    line_start: u32,
}

/// The package name in a cargo package id (`path+file:///x#kata-a@0.1.0` or `…/kata-a#0.1.0`).
pub fn package_name(id: &str) -> String {
    let (base, frag) = id.split_once('#').unwrap_or((id, ""));
    match frag.split_once('@') {
        Some((name, _)) => name.to_string(),
        None if frag.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
            base.rsplit('/').next().unwrap_or(base).to_string()
        }
        None => frag.to_string(),
    }
}

/// Builds the requested packages' test executables and collects binaries and diagnostics.
pub fn build(req: &BuildRequest<'_>) -> Result<BuildOutput> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let format = if req.color {
        "--message-format=json-diagnostic-rendered-ansi"
    } else {
        "--message-format=json"
    };
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(req.root)
        .args(["build", "--tests", "--keep-going", format])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for p in &req.packages {
        cmd.args(["-p", p]);
    }
    if !req.features.is_empty() {
        cmd.args(["--features", &req.features.join(",")]);
    }
    if let Some(dir) = &req.target_dir {
        cmd.env("CARGO_TARGET_DIR", dir);
    }
    // Its own process group, registered: an interrupted runner takes its build down with it.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|source| Error::Spawn {
        program: cargo.clone(),
        source,
    })?;
    let _group = crate::interrupt::Group::register(child.id());
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let stderr_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr_pipe.read_to_string(&mut s);
        s
    });
    let mut out = BuildOutput::default();
    // First build of this package set: Cargo.lock's package count is a fair first guess.
    let expected = match req.expected_units {
        0 => std::fs::read_to_string(req.root.join("Cargo.lock"))
            .map(|t| t.matches("[[package]]").count())
            .unwrap_or(0),
        n => n,
    };
    let mut bar = Bar::new(req.progress, expected);
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    for line in stdout.lines() {
        let Ok(line) = line else { break };
        let Ok(msg) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        let package = package_name(&msg.package_id);
        let requested = req.packages.contains(&package);
        match msg.reason.as_str() {
            "compiler-artifact" => {
                out.units += 1;
                let name = msg.target.as_ref().map_or("", |t| t.name.as_str());
                bar.unit(name, msg.fresh);
                if let (true, Some(exe), Some(manifest)) = (
                    requested && msg.profile.as_ref().is_some_and(|p| p.test),
                    msg.executable,
                    msg.manifest_path,
                ) {
                    out.binaries.push(TestBinary {
                        package,
                        path: exe,
                        manifest_dir: manifest
                            .parent()
                            .map_or_else(|| req.root.to_path_buf(), Path::to_path_buf),
                    });
                }
            }
            "compiler-message" => {
                if let Some(m) = msg.message {
                    if m.level == "error" && !out.failed_packages.contains(&package) {
                        out.failed_packages.push(package.clone());
                    }
                    if let Some(rendered) = m.rendered {
                        out.diagnostics.push(Diagnostic {
                            package,
                            level: m.level,
                            rendered,
                            spans: m
                                .spans
                                .iter()
                                .filter(|s| s.is_primary)
                                .map(|s| SpanAt {
                                    file: crate::libtest::normalize(&s.file_name),
                                    line: s.line_start,
                                })
                                .collect(),
                        });
                    }
                }
            }
            "build-finished" => out.success = msg.success.unwrap_or(false),
            _ => {}
        }
    }
    bar.finish();
    let status = child.wait().map_err(|source| Error::Spawn {
        program: cargo.clone(),
        source,
    })?;
    out.stderr = stderr_thread.join().unwrap_or_default();
    out.success &= status.success();
    if !out.success && out.failed_packages.is_empty() && out.binaries.is_empty() {
        return Err(Error::Command {
            program: format!("cargo build --tests -p {}", req.packages.join(" -p ")),
            message: out.stderr.trim().to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package_names_from_ids() {
        assert_eq!(
            package_name("path+file:///w/katas/d1#kata-d1@0.1.0"),
            "kata-d1"
        );
        assert_eq!(
            package_name("path+file:///w/katas/kata-d1#0.1.0"),
            "kata-d1"
        );
        assert_eq!(
            package_name("registry+https://github.com/rust-lang/crates.io-index#insta@1.49.0"),
            "insta"
        );
    }
}
