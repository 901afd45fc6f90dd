//! What can stop the room server from starting or keep it from storing.

use std::path::PathBuf;

/// Everything that stops `kata-room serve`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// SQLite refused.
    #[error("{context}: {source}")]
    Sqlite {
        /// What was being done.
        context: String,
        /// Why it failed.
        #[source]
        source: rusqlite::Error,
    },
    /// The plan (or the curriculum it names) could not be read.
    #[error("{0}")]
    Plan(#[from] kata_runner::error::Error),
    /// The operating system has no random source for tokens.
    #[error("no random source for tokens: {0}")]
    Random(getrandom::Error),
    /// Another server holds the directory.
    #[error(
        "another `kata-room serve` uses {}: stop it, or pass another --dir",
        dir.display()
    )]
    Busy {
        /// The room's directory.
        dir: PathBuf,
    },
    /// The room's database holds something this server does not understand.
    #[error("{}: {message}", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// An I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// A SQLite error with what was being done.
    pub fn sqlite(context: impl Into<String>, source: rusqlite::Error) -> Self {
        Error::Sqlite {
            context: context.into(),
            source,
        }
    }
}

/// The crate's result.
pub type Result<T> = std::result::Result<T, Error>;
