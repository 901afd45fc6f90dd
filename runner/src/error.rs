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
    /// A command line value that is not usable.
    #[error("{0}")]
    Usage(String),
    /// `cargo kata new` refused.
    #[error(transparent)]
    Scaffold(#[from] crate::scaffold::ScaffoldError),
}

impl Error {
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
