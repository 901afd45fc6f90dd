//! The fast path of a rebuild: once cargo has compiled a kata crate's test executable, a
//! save that changed only that crate's own sources is compiled by running the very rustc
//! call cargo made (read from `cargo -vv`), without cargo's workspace load and fingerprint
//! pass (about 0.1 s of every save in watch mode).
//!
//! rustc compiles the crate from its sources as they are now, so any change to them is
//! picked up, new modules included. What rustc cannot see are changes around the crate: a
//! manifest (features, dependencies), `Cargo.lock`, cargo's config, the toolchain file, a
//! library the crate links, or the sources of a workspace library it links (cargo would
//! rebuild that library first). Each of those is a guard, stamped when the call is recorded;
//! if any stamp differs, the record is dropped and cargo builds (and records again).
//!
//! A replay holds cargo's lock on the build directory, as cargo does, and falls back to cargo
//! when another build holds it. Cargo's own fingerprint still sees the sources as newer than
//! its last build, so the next cargo build of the crate compiles it again: never stale.
//!
//! Records live in memory and in `.kata/replay/` (one JSON file per request), so that
//! `cargo kata check` in a new process replays too. The rustc binary is a guard as well (a
//! toolchain update replaces it), and a replay that fails because a linked library cannot be
//! used (E0463, E0514, …: not the learner's error) goes back to cargo.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use super::{BuildOutput, BuildRequest, TestBinary};
use crate::domain::Diagnostic;

/// One rustc call as cargo made it: the environment cargo set, the program, its arguments.
/// Cargo runs rustc in the workspace root.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invocation {
    /// Variables cargo set (`CARGO_MANIFEST_DIR`, …); the rest is inherited.
    pub env: Vec<(String, String)>,
    /// rustc's path.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
}

impl Invocation {
    /// The value after `flag` (`--crate-name x`), or after `flag=` in one argument.
    fn value_of(&self, flag: &str) -> Option<&str> {
        let mut args = self.args.iter();
        while let Some(a) = args.next() {
            if a == flag {
                return args.next().map(String::as_str);
            }
            if let Some(v) = a.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
                return Some(v);
            }
        }
        None
    }

    /// The value of a `-C name=value` codegen option.
    fn codegen(&self, name: &str) -> Option<&str> {
        self.args
            .windows(2)
            .filter(|w| w[0] == "-C")
            .find_map(|w| w[1].strip_prefix(name)?.strip_prefix('='))
    }

    /// The executable a `--test` call writes: `<out-dir>/<crate-name><extra-filename>`.
    pub fn test_executable(&self) -> Option<PathBuf> {
        if !self.args.iter().any(|a| a == "--test") {
            return None;
        }
        let dir = self.value_of("--out-dir")?;
        let name = self.value_of("--crate-name")?;
        let extra = self.codegen("extra-filename").unwrap_or("");
        Some(Path::new(dir).join(format!("{name}{extra}")))
    }

    /// The libraries it links, by path (`--extern name=path`).
    fn externs(&self) -> Vec<PathBuf> {
        self.args
            .windows(2)
            .filter(|w| w[0] == "--extern")
            .filter_map(|w| w[1].split_once('=').map(|(_, p)| PathBuf::from(p)))
            .collect()
    }
}

/// The rustc calls in cargo's `-vv` output: each `Running `…`` whose words (shell-quoted,
/// possibly spanning lines) are `NAME=value` assignments followed by the program and its
/// arguments. A call that does not parse is left out.
pub fn parse_running(stderr: &str) -> Vec<Invocation> {
    let mut calls = Vec::new();
    let mut rest = stderr;
    while let Some(at) = rest.find("Running `") {
        rest = &rest[at + "Running `".len()..];
        let Some((words, used)) = shell_words(rest) else {
            break;
        };
        rest = &rest[used..];
        let mut words = words.into_iter().peekable();
        let mut env = Vec::new();
        while let Some(w) = words.next_if(|w| is_assignment(w)) {
            if let Some((k, v)) = w.split_once('=') {
                env.push((k.to_string(), v.to_string()));
            }
        }
        if let Some(program) = words.next() {
            calls.push(Invocation {
                env,
                program,
                args: words.collect(),
            });
        }
    }
    calls
}

/// `NAME=value` with a shell variable name before the `=`.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
    })
}

/// Splits `text` into shell words up to the first unquoted backtick: single quotes are
/// literal, a backslash outside them escapes the next character. Returns the words and the
/// bytes consumed (the backtick included); `None` without a closing backtick.
fn shell_words(text: &str) -> Option<(Vec<String>, usize)> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '`' => {
                if in_word {
                    words.push(word);
                }
                return Some((words, i + 1));
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        (_, '\'') => break,
                        (_, q) => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?.1);
            }
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    None
}

/// When a file last changed, and its size: `None` if it does not exist.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// What a build request is, for finding its record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Key {
    root: PathBuf,
    package: String,
    features: Vec<String>,
    color: bool,
    /// The runner's `CARGO*` and `RUST*` variables (`RUSTFLAGS`, `CARGO_TARGET_DIR`, …):
    /// cargo's call depends on them, so a record made under others does not apply.
    env: Vec<(String, String)>,
}

impl Key {
    /// The key of a request the fast path can serve: one package, the usual target dir.
    fn of(req: &BuildRequest<'_>) -> Option<Self> {
        let [package] = req.packages.as_slice() else {
            return None;
        };
        if req.target_dir.is_some() {
            return None;
        }
        let mut features = req.features.clone();
        features.sort();
        Some(Self {
            root: req.root.to_path_buf(),
            package: package.clone(),
            features,
            color: req.color,
            env: build_env(),
        })
    }

    /// Where the record of this request is kept: `.kata/replay/<package>--<features>--<colour>.json`.
    fn file(&self) -> PathBuf {
        let features = if self.features.is_empty() {
            "all".to_string()
        } else {
            self.features.join("+")
        };
        let colour = if self.color { "colour" } else { "plain" };
        self.root
            .join(".kata")
            .join("replay")
            .join(format!("{}--{features}--{colour}.json", self.package))
    }
}

/// Whether a build of `req` is one the fast path can serve (and so should be recorded).
pub fn replayable(req: &BuildRequest<'_>) -> bool {
    Key::of(req).is_some()
}

/// Cargo's stderr without what `-vv` added: the `Running` calls, the `Fresh`, `Dirty` and
/// `Compiling` lines and build scripts' `[package]` output, so its errors read as usual.
pub fn without_verbose_lines(stderr: &str) -> String {
    let mut kept = String::new();
    let mut rest = stderr;
    while let Some(at) = rest.find("Running `") {
        kept.push_str(&rest[..at]);
        rest = &rest[at + "Running `".len()..];
        match shell_words(rest) {
            Some((_, used)) => rest = &rest[used..],
            None => rest = "",
        }
    }
    kept.push_str(rest);
    kept.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.is_empty()
                || ["Fresh ", "Dirty ", "Compiling ", "["]
                    .iter()
                    .any(|p| t.starts_with(p)))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The environment variables that can change cargo's rustc call, sorted.
fn build_env() -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("CARGO") || k.starts_with("RUST"))
        .filter(|(k, _)| k != "RUST_BACKTRACE" && k != "RUST_LOG")
        .collect();
    env.sort();
    env
}

/// A recorded call, the executable it writes and the guards that keep it valid.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Record {
    key: Key,
    call: Invocation,
    binary: TestBinary,
    guards: Vec<(PathBuf, Stamp)>,
    units: usize,
}

/// The records this process made or read (each is also in its file under `.kata/replay/`).
static RECORDS: Mutex<Vec<Record>> = Mutex::new(Vec::new());

/// Remembers how cargo compiled the requested package's test executable, from its `-vv`
/// stderr, so the next build of the same request can replay it; a failed compile is
/// recorded too (its replay fails the same way until the learner's fix). A build that
/// compiled nothing of it (all fresh) leaves the old record as it was; one that failed
/// before compiling it (a manifest error) drops it. Nothing is recorded if a source guard (a
/// manifest, a library's source) changed after `started`, while cargo was building: cargo
/// may have read it before or after. (What cargo writes itself, the libraries and
/// `Cargo.lock`, may well be newer.)
pub fn record(req: &BuildRequest<'_>, out: &BuildOutput, stderr: &str, started: SystemTime) {
    let Some(key) = Key::of(req) else { return };
    let crate_name = key.package.replace('-', "_");
    let call = parse_running(stderr).into_iter().find(|c| {
        c.value_of("--crate-name") == Some(crate_name.as_str()) && c.test_executable().is_some()
    });
    let binary = call.as_ref().and_then(|c| test_binary(&key.package, c));
    let (Some(call), Some(binary)) = (call, binary) else {
        if !out.success {
            forget(&key);
        }
        return;
    };
    if out.success && !out.binaries.iter().any(|b| b.path == binary.path) {
        return;
    }
    let guards: Vec<(PathBuf, Stamp)> = guards(req.root, &binary.manifest_dir, &call)
        .into_iter()
        .map(|p| {
            let s = stamp(&p);
            (p, s)
        })
        .collect();
    let not_a_source =
        |p: &Path| !p.starts_with(req.root) || p.starts_with(req.root.join("target"));
    let changed_meanwhile = guards.iter().any(|(p, s)| {
        !not_a_source(p)
            && !p.ends_with("Cargo.lock")
            && s.is_some_and(|(modified, _)| modified > started)
    });
    if changed_meanwhile {
        forget(&key);
        return;
    }
    let mut records = RECORDS.lock().unwrap_or_else(PoisonError::into_inner);
    let record = Record {
        key,
        call,
        binary,
        guards,
        units: out.units,
    };
    save(&record);
    records.retain(|r| r.key != record.key);
    records.push(record);
}

/// Writes a record to its file (a temporary file renamed over it; a cache, so not synced).
fn save(record: &Record) {
    let path = record.key.file();
    let Ok(json) = serde_json::to_vec(record) else {
        return;
    };
    let tmp = path.with_extension(format!("json.{:016x}", crate::interrupt::random_u64()));
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&tmp, json))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The record of `key`: in memory, else from its file (then kept in memory).
fn load(key: &Key) -> Option<Record> {
    let mut records = RECORDS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(r) = records.iter().find(|r| r.key == *key) {
        return Some(r.clone());
    }
    let text = std::fs::read(key.file()).ok()?;
    let record: Record = serde_json::from_slice(&text).ok()?;
    if record.key != *key {
        return None;
    }
    records.push(record.clone());
    Some(record)
}

/// The test executable a call writes, with the package directory cargo gave it.
fn test_binary(package: &str, call: &Invocation) -> Option<TestBinary> {
    let manifest_dir = call
        .env
        .iter()
        .find(|(k, _)| k == "CARGO_MANIFEST_DIR")
        .map(|(_, v)| PathBuf::from(v))?;
    Some(TestBinary {
        package: package.to_string(),
        path: call.test_executable()?,
        manifest_dir,
    })
}

/// The files whose change voids a record: the workspace's and the package's manifests, the
/// lock file, cargo's config, the toolchain file and rustc; every library linked; and every source
/// of a linked library that lives in the workspace (its dep-info, `<out-dir>/<stem>.d`).
fn guards(root: &Path, manifest_dir: &Path, call: &Invocation) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
        ".cargo/config",
        "rust-toolchain.toml",
        "rust-toolchain",
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    files.push(manifest_dir.join("Cargo.toml"));
    files.push(PathBuf::from(&call.program));
    for lib in call.externs() {
        files.extend(workspace_sources(root, &lib));
        files.push(lib);
    }
    files
}

/// The sources under `root` that the library at `lib` was compiled from, read from the
/// dep-info rustc wrote beside it (`libfoo-hash.rlib` → `foo-hash.d`).
fn workspace_sources(root: &Path, lib: &Path) -> Vec<PathBuf> {
    let Some(stem) = lib.file_stem().and_then(|s| s.to_str()) else {
        return Vec::new();
    };
    let stem = stem.strip_prefix("lib").unwrap_or(stem);
    let Ok(text) = std::fs::read_to_string(lib.with_file_name(format!("{stem}.d"))) else {
        return Vec::new();
    };
    dep_info_sources(&text)
        .into_iter()
        .map(|p| root.join(p))
        .filter(|p| p.starts_with(root) && !p.starts_with(root.join("target")))
        .collect()
}

/// Every prerequisite in a makefile-style dep-info text (`out: a.rs b\ c.rs`).
fn dep_info_sources(text: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((_, deps)) = line.split_once(": ") else {
            continue;
        };
        let mut word = String::new();
        let mut chars = deps.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => word.extend(chars.next()),
                ' ' => {
                    if !word.is_empty() {
                        files.push(PathBuf::from(std::mem::take(&mut word)));
                    }
                }
                _ => word.push(c),
            }
        }
        if !word.is_empty() {
            files.push(PathBuf::from(word));
        }
    }
    files.sort();
    files.dedup();
    files
}

/// Compiles the request with its recorded rustc call if the record still holds and no other
/// build holds the build directory; `None` means "ask cargo". rustc's errors are returned
/// as a failed build; a failure without an error diagnostic drops the record (cargo will say
/// what went wrong).
pub fn replay(req: &BuildRequest<'_>) -> Option<BuildOutput> {
    let key = Key::of(req)?;
    let record = load(&key)?;
    if record.guards.iter().any(|(p, s)| stamp(p) != *s) {
        forget(&key);
        return None;
    }
    let build_dir = record.binary.path.parent()?.parent()?;
    let _lock = BuildDirLock::try_acquire(build_dir)?;
    let out = run_rustc(&record);
    if out.is_none() {
        forget(&key);
    }
    out
}

/// Drops the record of `key`, in memory and on disk.
fn forget(key: &Key) {
    RECORDS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|r| r.key != *key);
    let _ = std::fs::remove_file(key.file());
}

/// rustc's errors that mean a linked library cannot be used (missing, built by another
/// rustc, ambiguous): cargo must rebuild, they are never the learner's.
const NOT_THE_LEARNERS: [&str; 6] = ["E0460", "E0461", "E0462", "E0463", "E0464", "E0514"];

/// What a replay adds to cargo's call, on Linux: no debug info in the executable, and no
/// string merging in the linker. Link options only (rustc's incremental cache stays valid),
/// measured 10-20 % off a replay (d16 `iterator_struct` 0.27 → 0.20 s, d21 `fake_http`
/// 0.51 → 0.43 s). The runner shows no backtraces (`RUST_BACKTRACE=0`): panic locations do
/// not need debug info.
#[cfg(target_os = "linux")]
const LINK_FASTER: [&str; 4] = ["-C", "strip=debuginfo", "-C", "link-arg=-Wl,-O0"];
#[cfg(not(target_os = "linux"))]
const LINK_FASTER: [&str; 0] = [];

/// Runs the recorded call in its own registered process group and reads rustc's JSON
/// diagnostics from its stderr.
fn run_rustc(record: &Record) -> Option<BuildOutput> {
    let mut cmd = Command::new(&record.call.program);
    cmd.args(&record.call.args)
        .args(LINK_FASTER)
        .envs(record.call.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&record.key.root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let child = cmd.spawn().ok()?;
    let _group = crate::interrupt::Group::register(child.id());
    let output = child.wait_with_output().ok()?;
    let package = &record.key.package;
    let said: Vec<cargo_metadata::diagnostic::Diagnostic> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let libraries_unusable = said.iter().any(|d| {
        d.code
            .as_ref()
            .is_some_and(|c| NOT_THE_LEARNERS.contains(&c.code.as_str()))
    });
    if libraries_unusable {
        return None;
    }
    let diagnostics: Vec<Diagnostic> = said
        .into_iter()
        .filter(|d| !is_summary(&d.message))
        .filter_map(|d| super::diagnostic(package, d))
        .map(|mut d| {
            if !record.key.color {
                d.rendered = without_ansi(&d.rendered);
            }
            d
        })
        .collect();
    let failed = diagnostics.iter().any(|d| d.level == "error");
    match (output.status.success(), failed) {
        (true, _) => Some(BuildOutput {
            binaries: vec![record.binary.clone()],
            diagnostics,
            failed_packages: Vec::new(),
            success: true,
            units: record.units,
            stderr: String::new(),
            replayed: true,
        }),
        (false, true) => Some(BuildOutput {
            binaries: Vec::new(),
            diagnostics,
            failed_packages: vec![package.clone()],
            success: false,
            units: record.units,
            stderr: String::new(),
            replayed: true,
        }),
        (false, false) => None,
    }
}

/// rustc's closing counts (`aborting due to 2 previous errors`, `3 warnings emitted`), which
/// cargo does not pass on either.
fn is_summary(message: &str) -> bool {
    message.starts_with("aborting due to")
        || message.ends_with("warning emitted")
        || message.ends_with("warnings emitted")
}

/// `text` without ANSI escape sequences. Cargo always asks rustc for coloured diagnostics
/// and removes the colour itself when its caller asked for none; the replay does the same.
fn without_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.next() == Some('[') {
            // Parameters and intermediates, up to the final byte (`@` to `~`).
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    out
}

/// Cargo's exclusive lock on a build directory (`<target>/debug/.cargo-lock`), held while
/// the replayed rustc writes there; released on drop.
struct BuildDirLock(std::fs::File);

impl BuildDirLock {
    /// The lock if it is free now; `None` if another build holds it (or there is none).
    fn try_acquire(build_dir: &Path) -> Option<Self> {
        use std::os::fd::AsRawFd;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(build_dir.join(".cargo-lock"))
            .ok()?;
        // SAFETY: flock on a descriptor we own; no memory is shared.
        let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        taken.then_some(Self(file))
    }
}

impl Drop for BuildDirLock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as above; closing the file would release it too.
        unsafe {
            libc::flock(self.0.as_raw_fd(), libc::LOCK_UN);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VV: &str = concat!(
        "       Dirty kata-d1 v0.1.0 (/w/katas/d1): the file `katas/d1/src/a.rs` has changed\n",
        "   Compiling kata-d1 v0.1.0 (/w/katas/d1)\n",
        "     Running `CARGO=/t/cargo CARGO_PKG_AUTHORS='' CARGO_PKG_DESCRIPTION='Katas: it'\\''s\n",
        "two lines' CARGO_MANIFEST_DIR=/w/katas/d1 /t/rustc --crate-name kata_d1 ",
        "--edition=2024 katas/d1/src/lib.rs --test --cfg 'feature=\"one-kata\"' ",
        "-C metadata=4a -C extra-filename=-5928 --out-dir /w/target/debug/deps ",
        "--extern insta=/w/target/debug/deps/libinsta-b7.rlib --extern ",
        "kata_test_support=/w/target/debug/deps/libkata_test_support-d5.rlib`\n",
        "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.31s\n",
    );

    #[test]
    fn reads_the_environment_program_and_arguments_of_a_running_line() {
        let calls = parse_running(VV);
        assert_eq!(calls.len(), 1);
        let c = &calls[0];
        assert_eq!(c.program, "/t/rustc");
        assert_eq!(
            c.env,
            [
                ("CARGO", "/t/cargo"),
                ("CARGO_PKG_AUTHORS", ""),
                ("CARGO_PKG_DESCRIPTION", "Katas: it's\ntwo lines"),
                ("CARGO_MANIFEST_DIR", "/w/katas/d1"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert!(c.args.contains(&"feature=\"one-kata\"".to_string()));
        assert_eq!(
            c.test_executable(),
            Some(PathBuf::from("/w/target/debug/deps/kata_d1-5928"))
        );
        assert_eq!(
            c.externs(),
            [
                "/w/target/debug/deps/libinsta-b7.rlib",
                "/w/target/debug/deps/libkata_test_support-d5.rlib"
            ]
            .map(PathBuf::from)
        );
    }

    #[test]
    fn cargo_errors_survive_the_removal_of_verbose_lines() {
        let stderr = format!("{VV}error: failed to parse manifest at `/w/Cargo.toml`\n");
        assert_eq!(
            without_verbose_lines(&stderr),
            "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.31s\n\
             error: failed to parse manifest at `/w/Cargo.toml`\n"
        );
    }

    #[test]
    fn colour_codes_are_removed_as_cargo_removes_them() {
        assert_eq!(
            without_ansi("\u{1b}[1m\u{1b}[91merror[E0425]\u{1b}[0m: not found"),
            "error[E0425]: not found"
        );
        assert!(is_summary("aborting due to 1 previous error"));
        assert!(is_summary("2 warnings emitted"));
        assert!(!is_summary("cannot find value `x` in this scope"));
    }

    #[test]
    fn a_running_line_without_its_closing_backtick_gives_no_call() {
        assert_eq!(parse_running("     Running `/t/rustc --crate-name x"), []);
    }

    #[test]
    fn a_call_that_is_not_a_test_build_names_no_executable() {
        let calls = parse_running("Running `/t/rustc --crate-name x --out-dir /o`");
        assert_eq!(calls[0].test_executable(), None);
    }

    #[test]
    fn dep_info_lists_every_prerequisite_once_with_escaped_spaces() {
        let text = "/w/t/libx.rlib: runner/x/src/lib.rs runner/x/src/a\\ b.rs\n\
                    /w/t/x.d: runner/x/src/lib.rs runner/x/src/a\\ b.rs\n\n\
                    runner/x/src/lib.rs:\n# env-dep:CARGO_PKG_NAME=x\n";
        assert_eq!(
            dep_info_sources(text),
            ["runner/x/src/a b.rs", "runner/x/src/lib.rs"].map(PathBuf::from)
        );
    }

    #[test]
    fn only_single_package_builds_in_the_usual_target_dir_are_replayable() {
        let req = |packages: &[&str], target_dir: Option<PathBuf>| BuildRequest {
            root: Path::new("/w"),
            packages: packages.iter().map(ToString::to_string).collect(),
            color: false,
            target_dir,
            progress: false,
            expected_units: 0,
            features: vec!["k".into(), "one-kata".into()],
        };
        assert!(Key::of(&req(&["kata-d1"], None)).is_some());
        assert!(Key::of(&req(&["kata-d1", "kata-d2"], None)).is_none());
        assert!(Key::of(&req(&["kata-d1"], Some("/tmp/t".into()))).is_none());
    }
}
