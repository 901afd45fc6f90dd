//! Dodge: every thread gets at least 512 MiB of stack "to be safe", so the size asked for means nothing and a runaway recursion is merely postponed.
//! Caught by: an_overflow_on_the_chosen_stack_still_kills_the_process

use std::any::Any;

/// The message of a panic whose payload is neither a `&str` nor a `String`.
pub const NON_STRING_PAYLOAD: &str = "a panic with a non-string payload";

/// Why the closure gave no result.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// The thread could not be started with a stack of `bytes` bytes.
    #[error("could not start a thread with a {bytes}-byte stack: {source}")]
    Spawn {
        /// The stack size asked for.
        bytes: usize,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The closure panicked.
    #[error("the closure panicked: {message}")]
    Panicked {
        /// The panic's message (or [`NON_STRING_PAYLOAD`]).
        message: String,
    },
}

/// Runs `f` on a new thread with a `bytes`-byte stack and returns its result.
pub fn run_with_stack<T, F>(bytes: usize, f: F) -> Result<T, StackError>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .stack_size(bytes.max(512 * 1024 * 1024))
            .spawn_scoped(scope, f)
            .map_err(|source| StackError::Spawn { bytes, source })?;
        handle.join().map_err(|payload| StackError::Panicked {
            message: panic_message(payload.as_ref()),
        })
    })
}

/// The text of a panic payload.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        NON_STRING_PAYLOAD.to_owned()
    }
}
