//! The runner's typed errors: every message tells the learner what went wrong and what to do.

use std::path::PathBuf;

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
    Lock(#[from] crate::pristine::LockError),
    /// JSON could not be written (progress file, `--json` output).
    #[error("could not render JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// `cargo kata reset <kata>` refused or failed; the learner's file is untouched.
    #[error("cannot reset {kata}: {source}")]
    Reset {
        /// The kata, `suite/kata`.
        kata: String,
        /// Why.
        source: crate::learn::reset::ResetError,
    },
    /// `cargo kata reset --all` refused before touching any file.
    #[error(transparent)]
    ResetAll(crate::learn::reset::ResetError),
    /// `cargo kata restore` refused or failed.
    #[error("cannot restore {kata}: {source}")]
    Restore {
        /// The kata, `suite/kata`.
        kata: String,
        /// Why.
        source: crate::learn::restore::RestoreError,
    },
    /// Watch mode could not go on.
    #[error("watch mode stopped: {0}")]
    Watch(#[from] crate::learn::watch::WatchError),
    /// `cargo kata new` refused.
    #[error(transparent)]
    Scaffold(#[from] crate::scaffold::ScaffoldError),
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

/// The runner's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
