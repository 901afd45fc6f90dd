//! Dodge: the closure runs on the caller's thread under catch_unwind: panics are caught, but the stack is whatever the caller has, not the size asked for.
//! Caught by: runs_the_closure_on_another_thread, a_64_mib_stack_fits_a_recursion_that_needs_more_than_10_mib

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
    let _ = bytes;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        StackError::Panicked {
            message: panic_message(payload.as_ref()),
        }
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
