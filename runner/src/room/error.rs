//! Why a room command or the background sender could not do what was asked. Every message
//! says what went wrong and what to do; none of them loses a snapshot (the outbox keeps it).

use std::io;
use std::path::PathBuf;

use crate::room::http::HttpError;

/// A room operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum RoomError {
    /// `.kata/room.toml` is missing.
    #[error(
        "not in a room: join one with `cargo kata room join <url> --name <you> --token <join token>`"
    )]
    NotJoined,
    /// The address is not a plain `http://host:port` URL.
    #[error("`{url}` is not a room address: {why} (for example http://192.168.1.20:7878)")]
    Url {
        /// What was given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// A learner name the room refuses before it is sent.
    #[error("`{name}` cannot be a learner name: {why}")]
    Name {
        /// What was given.
        name: String,
        /// The rule it breaks.
        why: &'static str,
    },
    /// No answer from the room: down, wrong address, not on the same network.
    #[error(
        "cannot reach the room at {url}: {source} (is the facilitator's server running, and is the address right?)"
    )]
    Unreachable {
        /// The room's address.
        url: String,
        /// What the network said.
        source: HttpError,
    },
    /// The join token is wrong.
    #[error(
        "the room at {url} refused the join token (401): ask your facilitator for the current one"
    )]
    BadJoinToken {
        /// The room's address.
        url: String,
    },
    /// The learner token is unknown or was revoked by the facilitator.
    #[error(
        "the room at {url} does not know your token (401: revoked or unknown token): join again with `cargo kata room join`"
    )]
    Revoked {
        /// The room's address.
        url: String,
    },
    /// The room refused what was sent as malformed (400).
    #[error("the room at {url} refused the request (400): {message}")]
    BadRequest {
        /// The room's address.
        url: String,
        /// The server's `error`, or its body.
        message: String,
    },
    /// Any other answer the client does not expect.
    #[error("the room at {url} answered HTTP {status}: {message}")]
    Unexpected {
        /// The room's address.
        url: String,
        /// The status code.
        status: u16,
        /// The server's `error`, or its body.
        message: String,
    },
    /// `.kata/room.toml` is not what `room join` writes.
    #[error("{}: not a room file ({why}); join again with `cargo kata room join`", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A file of `.kata/` could not be read or written.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// What the file system said.
        source: io::Error,
    },
}

impl RoomError {
    /// Wraps an I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}
