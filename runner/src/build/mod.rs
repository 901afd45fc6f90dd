//! Building test binaries and reading cargo's JSON messages (with `cargo_metadata`'s types:
//! the message format is cargo's, so its parser is too).
//!
//! `cargo build --tests --keep-going` builds the same test executables as `cargo test --no-run`
//! (same profile, same artifacts: switching between them rebuilds nothing), but keeps going when
//! one package fails, so one suite's compile error never hides another suite's verdict.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cargo_metadata::Message;
use cargo_metadata::diagnostic::DiagnosticLevel;

use crate::bar::Bar;
use crate::domain::{Diagnostic, SpanAt};
use crate::error::{Error, Result};

mod replay;

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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TestBinary {
    /// Its package, e.g. `kata-d16-iterators`.
    pub package: String,
    /// The executable.
    pub path: PathBuf,
    /// The package's directory: tests run there, as under `cargo test`.
    pub manifest_dir: PathBuf,
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
    /// Whether rustc ran without cargo, replaying a recorded call (see [`replay`]).
    pub replayed: bool,
}

/// Reads cargo's messages into `out`: every unit ticks the bar, the requested packages' test
/// executables are kept, rustc's diagnostics (with their primary spans) are kept for every
/// package, and the final message says whether the build succeeded.
fn read_messages(
    stdout: impl std::io::BufRead,
    req: &BuildRequest<'_>,
    bar: &mut Bar,
    out: &mut BuildOutput,
) {
    for msg in Message::parse_stream(stdout) {
        let Ok(msg) = msg else { break };
        match msg {
            Message::CompilerArtifact(a) => {
                out.units += 1;
                bar.unit(&a.target.name, a.fresh);
                let package = package_name(&a.package_id.repr);
                if let (true, Some(exe)) = (
                    req.packages.contains(&package) && a.profile.test,
                    a.executable,
                ) {
                    out.binaries.push(TestBinary {
                        package,
                        path: exe.into_std_path_buf(),
                        manifest_dir: a.manifest_path.parent().map_or_else(
                            || req.root.to_path_buf(),
                            |d| d.as_std_path().to_path_buf(),
                        ),
                    });
                }
            }
            Message::CompilerMessage(m) => {
                let package = package_name(&m.package_id.repr);
                if m.message.level == DiagnosticLevel::Error
                    && !out.failed_packages.contains(&package)
                {
                    out.failed_packages.push(package.clone());
                }
                out.diagnostics.extend(diagnostic(&package, m.message));
            }
            Message::BuildFinished(f) => out.success = f.success,
            _ => {}
        }
    }
}

/// One of rustc's diagnostics as the runner keeps it: its rendered text, level and primary
/// spans; `None` if rustc rendered nothing.
fn diagnostic(
    package: &str,
    message: cargo_metadata::diagnostic::Diagnostic,
) -> Option<Diagnostic> {
    Some(Diagnostic {
        package: package.to_string(),
        level: level_name(message.level).to_string(),
        spans: message
            .spans
            .iter()
            .filter(|s| s.is_primary)
            .map(|s| SpanAt {
                file: crate::libtest::normalize(&s.file_name),
                line: u32::try_from(s.line_start).unwrap_or(u32::MAX),
            })
            .collect(),
        rendered: message.rendered?,
    })
}

/// rustc's name for a diagnostic level, as `--json` and the verdicts show it.
fn level_name(level: DiagnosticLevel) -> &'static str {
    match level {
        DiagnosticLevel::Ice => "error: internal compiler error",
        DiagnosticLevel::Error => "error",
        DiagnosticLevel::Warning => "warning",
        DiagnosticLevel::FailureNote => "failure-note",
        DiagnosticLevel::Note => "note",
        DiagnosticLevel::Help => "help",
        _ => "other",
    }
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
///
/// A single-package request that cargo built before (in this process, or in another one
/// through `.kata/replay/`) is first offered to [`replay`]: if only the crate's own sources
/// changed since, rustc runs directly.
pub fn build(req: &BuildRequest<'_>) -> Result<BuildOutput> {
    if let Some(out) = replay::replay(req) {
        return Ok(out);
    }
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
    let record = replay::replayable(req);
    let started = std::time::SystemTime::now();
    if record {
        // `-vv` prints each rustc call with the environment cargo gave it: the record.
        cmd.arg("-vv");
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
    read_messages(stdout, req, &mut bar, &mut out);
    bar.finish();
    let status = child.wait().map_err(|source| Error::Spawn {
        program: cargo.clone(),
        source,
    })?;
    let stderr = stderr_thread.join().unwrap_or_default();
    out.success &= status.success();
    if record {
        replay::record(req, &out, &stderr, started);
        out.stderr = replay::without_verbose_lines(&stderr);
    } else {
        out.stderr = stderr;
    }
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

    const MESSAGES: &str = concat!(
        r#"{"reason":"compiler-artifact","package_id":"path+file:///w/katas/d1#kata-d1@0.1.0","manifest_path":"/w/katas/d1/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"kata_d1","src_path":"/w/katas/d1/src/lib.rs","edition":"2024","doc":true,"doctest":true,"test":true},"profile":{"opt_level":"0","debuginfo":0,"debug_assertions":true,"overflow_checks":true,"test":true},"features":[],"filenames":["/w/target/debug/deps/kata_d1-abc"],"executable":"/w/target/debug/deps/kata_d1-abc","fresh":false}"#,
        "\n",
        r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#insta@1.49.0","manifest_path":"/r/insta/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"insta","src_path":"/r/insta/src/lib.rs","edition":"2021","doc":true,"doctest":true,"test":true},"profile":{"opt_level":"0","debuginfo":0,"debug_assertions":true,"overflow_checks":true,"test":false},"features":[],"filenames":["/w/target/debug/deps/libinsta.rlib"],"executable":null,"fresh":true}"#,
        "\n",
        r#"{"reason":"compiler-message","package_id":"path+file:///w/katas/d2#kata-d2@0.1.0","manifest_path":"/w/katas/d2/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"kata_d2","src_path":"/w/katas/d2/src/lib.rs","edition":"2024","doc":true,"doctest":true,"test":true},"message":{"rendered":"error[E0425]: cannot find value `x`\n","$message_type":"diagnostic","children":[],"code":{"code":"E0425","explanation":null},"level":"error","message":"cannot find value `x`","spans":[{"byte_end":60,"byte_start":59,"column_end":10,"column_start":9,"expansion":null,"file_name":"katas/d2/src/a.rs","is_primary":true,"label":null,"line_end":4,"line_start":4,"suggested_replacement":null,"suggestion_applicability":null,"text":[]}]}}"#,
        "\n",
        "a line that is not JSON\n",
        r#"{"reason":"build-finished","success":false}"#,
        "\n",
    );

    #[test]
    fn cargos_messages_give_test_binaries_diagnostics_and_the_result() {
        let req = BuildRequest {
            root: Path::new("/w"),
            packages: vec!["kata-d1".into(), "kata-d2".into()],
            features: Vec::new(),
            color: false,
            progress: false,
            expected_units: 0,
            target_dir: None,
        };
        let mut out = BuildOutput {
            success: true,
            ..BuildOutput::default()
        };
        read_messages(MESSAGES.as_bytes(), &req, &mut Bar::new(false, 0), &mut out);
        assert_eq!(out.units, 2);
        assert!(!out.success);
        assert_eq!(
            out.binaries.len(),
            1,
            "only a requested package's test executable"
        );
        assert_eq!(out.binaries[0].package, "kata-d1");
        assert_eq!(out.binaries[0].manifest_dir, Path::new("/w/katas/d1"));
        assert_eq!(out.failed_packages, ["kata-d2"]);
        let d = &out.diagnostics[0];
        assert_eq!((d.package.as_str(), d.level.as_str()), ("kata-d2", "error"));
        assert_eq!(
            (d.spans[0].file.as_str(), d.spans[0].line),
            ("katas/d2/src/a.rs", 4)
        );
    }

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
