//! The runner's typed errors: [`Error`], which ends a command, and the errors of the modules
//! that can fail on their own (`katas.lock`, reset, restore, watch, solution, patches, `cargo kata new`). Every
//! message tells the learner what went wrong and what to do.

use std::io;
use std::path::{Path, PathBuf};

/// Everything that can stop a command. Nothing a learner types makes the runner panic.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No `katas.toml` above the current directory.
    #[error(
        "no katas.toml in {} or any parent directory: run `cargo kata` inside the kata repository (or set KATA_ROOT)",
        start.display()
    )]
    RootNotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// `katas.toml` is malformed or inconsistent.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A kata or suite name that the manifest does not know.
    #[error("no kata or suite named `{name}`{suggestion}")]
    UnknownKata {
        /// What the learner typed.
        name: String,
        /// `; did you mean `x`?` or a pointer to `cargo kata list`.
        suggestion: String,
    },
    /// A kata id that exists in several suites.
    #[error("`{name}` names a kata in several suites; say which one: {candidates}")]
    Ambiguous {
        /// What the learner typed.
        name: String,
        /// The qualified names, comma-separated.
        candidates: String,
    },
    /// A program (cargo, git, a test binary) could not be started.
    #[error("could not run `{program}`: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
    /// A program ran and failed in a way the runner cannot work around.
    #[error("`{program}` failed: {message}")]
    Command {
        /// The command line, shortened.
        program: String,
        /// Its stderr or a summary.
        message: String,
    },
    /// A file operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What the runner was doing, with the path.
        context: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A suite id that the manifest does not know.
    #[error("no suite named `{name}`{suggestion}")]
    UnknownSuite {
        /// What the learner typed.
        name: String,
        /// `; the suites are: …`, or empty.
        suggestion: String,
    },
    /// A suite id where one kata is needed.
    #[error("`{name}` is a suite; name one of its katas (`cargo kata list` shows them)")]
    SuiteNotKata {
        /// What the learner typed.
        name: String,
    },
    /// A command line value that clap accepts but the runner cannot use.
    #[error("{0}")]
    Usage(String),
    /// Something needs git and git failed (not a checkout, git missing).
    #[error("{what} needs git to find the committed stubs: {source}")]
    GitNeeded {
        /// The command that needs it.
        what: &'static str,
        /// What git said.
        source: Box<Error>,
    },
    /// `cargo kata lock` found stubs that HEAD does not have.
    #[error("not committed, so not locked (commit them first): {}", files.join(", "))]
    NotCommitted {
        /// The kata files, relative to the root.
        files: Vec<String>,
    },
    /// `katas.lock` could not be read or written.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// JSON could not be written (progress file, `--json` output).
    #[error("could not render JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// `cargo kata reset <kata>` refused or failed; the learner's file is untouched.
    #[error("cannot reset {kata}: {source}")]
    Reset {
        /// The kata, `suite/kata`.
        kata: String,
        /// Why.
        source: ResetError,
    },
    /// `cargo kata reset --all` refused before touching any file.
    #[error(transparent)]
    ResetAll(ResetError),
    /// `cargo kata restore` refused or failed.
    #[error("cannot restore {kata}: {source}")]
    Restore {
        /// The kata, `suite/kata`.
        kata: String,
        /// Why.
        source: RestoreError,
    },
    /// Watch mode could not go on.
    #[error("watch mode stopped: {0}")]
    Watch(#[from] WatchError),
    /// `cargo kata new` refused.
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
}

impl Error {
    /// The code the runner exits with when this error ends a command: every error is
    /// [`EXIT_ERROR`](crate::exit::EXIT_ERROR), so a script can tell "the runner could not do
    /// it" (2) from "the kata is red" (1). Listed variant by variant so that a new one is a
    /// decision, not a default.
    pub fn exit_code(&self) -> i32 {
        use crate::exit::EXIT_ERROR;
        match self {
            Self::RootNotFound { .. }
            | Self::Manifest { .. }
            | Self::UnknownKata { .. }
            | Self::Ambiguous { .. }
            | Self::UnknownSuite { .. }
            | Self::SuiteNotKata { .. }
            | Self::Usage(_)
            | Self::Scaffold(_) => EXIT_ERROR,
            Self::Spawn { .. }
            | Self::Command { .. }
            | Self::Io { .. }
            | Self::GitNeeded { .. }
            | Self::NotCommitted { .. }
            | Self::Lock(_)
            | Self::Json(_)
            | Self::Reset { .. }
            | Self::ResetAll(_)
            | Self::Restore { .. }
            | Self::Watch(_) => EXIT_ERROR,
        }
    }

    /// Wraps an I/O error with what the runner was doing.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}

/// Why a reset did not happen. Whatever the error, the learner's file is unchanged or
/// safely backed up (the message says where).
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// `git` could not be started.
    #[error("cannot run git to find the pristine stub: {0} (is git installed?)")]
    GitUnavailable(io::Error),
    /// The root is not inside a git checkout, so there is no pristine stub.
    #[error(
        "{} is not a git checkout, so there is no pristine stub to restore: {detail}",
        root.display()
    )]
    NotAGitCheckout {
        /// The repository root that was given.
        root: PathBuf,
        /// What git said.
        detail: String,
    },
    /// The kata file is not in the last commit.
    #[error("{} is not committed in HEAD, so there is no pristine stub to restore: {detail}", file.display())]
    NotCommitted {
        /// The kata file, relative to the root.
        file: PathBuf,
        /// What git said.
        detail: String,
    },
    /// The kata id cannot be a directory name under `.kata/backups/`.
    #[error("{id:?} is not a kata id (letters, digits, `_`, `-`, `.`, and `/` between parts)")]
    InvalidKataId {
        /// The id that was given.
        id: String,
    },
    /// The kata file is not a relative path inside the repository.
    #[error("{} is not a path inside the repository", file.display())]
    FileOutsideRoot {
        /// The path that was given.
        file: PathBuf,
    },
    /// The learner's file could not be read; nothing was changed.
    #[error("cannot read {}: {source}; nothing was changed", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The backup could not be written; nothing was changed.
    #[error("cannot save your file to {}: {source}; nothing was changed", path.display())]
    Backup {
        /// The backup file or directory.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The stub could not be written; the file is unchanged and the backup (if any) kept.
    #[error("cannot restore {}: {source}; the file is unchanged{}", path.display(), backup_note(.backup.as_deref()))]
    Write {
        /// The kata file.
        path: PathBuf,
        /// The backup that was made before the attempt.
        backup: Option<PathBuf>,
        /// What the file system said.
        source: io::Error,
    },
    /// `--all` without a terminal and without `--yes`.
    #[error(
        "resetting every kata of {suite} needs confirmation, and stdin is not a terminal: pass --yes"
    )]
    NeedsYes {
        /// The suite.
        suite: String,
    },
    /// The learner answered no.
    #[error("reset cancelled: nothing was changed")]
    Declined,
    /// The confirmation could not be asked or read.
    #[error("cannot ask for confirmation: {0}")]
    Prompt(io::Error),
}

fn backup_note(backup: Option<&Path>) -> String {
    backup.map_or_else(String::new, |b| {
        format!(" and your work is also saved in {}", b.display())
    })
}

/// Why a restore did not happen; the learner's file is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// There is no backup of this kata.
    #[error("{kata_id} has no backups (`cargo kata reset {kata_id}` makes one)")]
    NoBackups {
        /// The kata.
        kata_id: String,
    },
    /// The named backup does not exist.
    #[error("{kata_id} has no backup named `{name}`; its backups are: {}", known.join(", "))]
    UnknownBackup {
        /// The kata.
        kata_id: String,
        /// The name given.
        name: String,
        /// The names there are.
        known: Vec<String>,
    },
    /// A file could not be read or written.
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The current file could not be backed up, so it was not replaced.
    #[error("{0}")]
    Backup(#[from] ResetError),
}

/// Why watch mode could not run.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The directory to watch is missing or unreadable.
    #[error("cannot watch {}: {source}", dir.display())]
    Directory {
        /// The directory.
        dir: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The operating system refused the watch (e.g. too many inotify watches).
    #[error(
        "cannot watch {} for changes: {source} (on Linux, raising fs.inotify.max_user_watches may help)",
        dir.display()
    )]
    Notify {
        /// The directory.
        dir: PathBuf,
        /// What `notify` said.
        source: notify::Error,
    },
    /// A background thread could not be started.
    #[error("cannot start a watch thread: {0}")]
    Thread(io::Error),
    /// The termination signals could not be routed to the loop.
    #[error("cannot listen for termination signals: {0}")]
    Signals(io::Error),
    /// The terminal could not be put in raw mode or read.
    #[error("cannot use the terminal: {0}")]
    Terminal(io::Error),
    /// Writing the output failed (e.g. a closed pipe).
    #[error("cannot write the output: {0}")]
    Output(io::Error),
}

/// Why `katas.lock` could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The file exists but cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// `<root>/katas.lock`.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not the TOML `cargo kata lock` writes.
    #[error("{}: {source}", path.display())]
    Parse {
        /// `<root>/katas.lock`.
        path: PathBuf,
        /// Where and why.
        source: toml::de::Error,
    },
    /// The lock could not be turned into TOML.
    #[error("{0}")]
    Render(#[from] toml::ser::Error),
    /// The file could not be replaced.
    #[error("writing {}: {source}", path.display())]
    Write {
        /// `<root>/katas.lock`.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What `cargo kata new` refuses, with what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The argument is not `<suite>/<kata>`.
    #[error("`{0}` is not `<suite>/<kata>`: for example `cargo kata new d99-scratch/first_kata`")]
    Target(String),
    /// A suite id that cannot be a folder and package name.
    #[error("`{id}` cannot be a suite id: {why}")]
    SuiteId {
        /// What was given.
        id: String,
        /// The rule it breaks.
        why: &'static str,
    },
    /// A kata id that cannot be a module and feature name.
    #[error("`{id}` cannot be a kata id: {why}")]
    KataId {
        /// What was given.
        id: String,
        /// The rule it breaks.
        why: &'static str,
    },
    /// The kata is already in the manifest.
    #[error("kata `{0}` already exists in katas.toml")]
    Exists(String),
    /// A file or folder the scaffold would create is already there.
    #[error("{} already exists but katas.toml does not list it: remove it, or add it to the manifest by hand", .0.display())]
    InTheWay(PathBuf),
    /// An existing file does not have the shape the scaffold edits.
    #[error("cannot add the kata to {}: {why}", file.display())]
    CannotEdit {
        /// The file, relative to the root.
        file: PathBuf,
        /// What is missing.
        why: String,
    },
}

/// Why the solution was not shown.
#[derive(Debug, thiserror::Error)]
pub enum SolutionError {
    /// The kata is not green and `--peek` was not given.
    #[error(
        "{kata_id} is not green yet, so its solution stays hidden. Try the next hint: `cargo kata hint {kata_id}` (or `cargo kata solution {kata_id} --peek` to see it anyway; the peek is recorded)"
    )]
    NotGreen {
        /// The kata.
        kata_id: String,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The peek could not be recorded, so the solution was not shown.
    #[error("cannot record the peek at {kata_id}, so the solution was not shown: {source}")]
    RecordPeek {
        /// The kata.
        kata_id: String,
        /// What the core said.
        source: RecordError,
    },
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
}

impl SolutionError {
    /// The process exit code for this error: 1 when the kata is not green yet, 2 for
    /// anything that went wrong.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::NotGreen { .. } => crate::exit::EXIT_RED,
            _ => crate::exit::EXIT_ERROR,
        }
    }
}

/// An error from the core's peek recorder (e.g. the progress file could not be written).
pub type RecordError = Box<dyn std::error::Error + Send + Sync>;

/// Why a patch could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The text is not a unified diff of one file.
    #[error("line {line}: {message}")]
    Malformed {
        /// 1-based line of the patch text.
        line: usize,
        /// What is wrong there.
        message: String,
    },
    /// A hunk's old lines are nowhere in the file (after the previous hunk).
    #[error(
        "hunk {number} ({header}) does not match the file: it was made against another version"
    )]
    HunkMismatch {
        /// 1-based hunk number.
        number: usize,
        /// Its `@@ … @@` line.
        header: String,
    },
}

/// The runner's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
