//! Dodge: a panic is reported without its message (every payload treated as non-text).
//! Caught by: a_panic_becomes_a_typed_error_with_its_message, a_static_str_panic_keeps_its_message

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
            .stack_size(bytes)
            .spawn_scoped(scope, f)
            .map_err(|source| StackError::Spawn { bytes, source })?;
        handle.join().map_err(|payload| StackError::Panicked {
            message: {
                let _ = payload;
                NON_STRING_PAYLOAD.to_owned()
            },
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
