//! Dodge: the close's error is returned first with `?`, so when both fail the body's error, the cause, is lost.
//! Caught by: a_close_failure_does_not_hide_the_body_error, both_errors_are_visible_in_the_message, suppressing_never_swallows_a_close_failure, an_opened_resource_is_closed_exactly_once

use thiserror::Error;

/// A resource whose close can fail (a file whose last write is flushed on close, a
/// connection that says goodbye to its server).
pub trait Close {
    /// Releases the resource.
    fn close(self) -> Result<(), CloseError>;
}

/// A close that failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("close failed: {reason}")]
pub struct CloseError {
    /// What went wrong.
    pub reason: String,
}

/// How a scope failed. `E` is the error type of `open` and of the body.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScopeError<E> {
    /// Opening failed: there was nothing to run or close.
    #[error("open failed: {0}")]
    Open(E),
    /// The body failed and the resource closed cleanly.
    #[error("body failed: {0}")]
    Body(E),
    /// The body succeeded but closing failed.
    #[error("{0}")]
    Close(CloseError),
    /// The body failed and closing failed too: both are kept.
    #[error("body failed: {body}; then {close}")]
    BodyAndClose {
        /// The body's error, unchanged.
        body: E,
        /// The close's error.
        close: CloseError,
    },
}

/// Holds the resource while the body runs; closes it in `Drop` if nobody took it back.
struct CloseOnUnwind<R: Close>(Option<R>);

impl<R: Close> Drop for CloseOnUnwind<R> {
    fn drop(&mut self) {
        if let Some(resource) = self.0.take() {
            // Only reached while a panic unwinds: the panic is the error that matters, so
            // a close failure here has nowhere to go.
            let _ = resource.close();
        }
    }
}

/// Runs `body` with the resource in the guard and takes the resource back afterwards.
fn run_guarded<R: Close, T>(resource: R, body: impl FnOnce(&mut R) -> T) -> (R, T) {
    let mut guard = CloseOnUnwind(Some(resource));
    let out = match guard.0.as_mut() {
        Some(resource) => body(resource),
        None => unreachable!("the guard holds the resource until the body returns"),
    };
    match guard.0.take() {
        Some(resource) => (resource, out),
        None => unreachable!("the body only borrows the resource"),
    }
}

/// Opens a resource, runs `body` with it, and closes it on every path (panics included).
///
/// The body's error comes back unchanged in `Body`; a close failure is `Close`, or
/// `BodyAndClose` when the body failed too.
pub fn with_resource<R, T, E>(
    open: impl FnOnce() -> Result<R, E>,
    body: impl FnOnce(&mut R) -> Result<T, E>,
) -> Result<T, ScopeError<E>>
where
    R: Close,
{
    let resource = open().map_err(ScopeError::Open)?;
    let (resource, out) = run_guarded(resource, body);
    resource.close().map_err(ScopeError::Close)?;
    out.map_err(ScopeError::Body)
}

/// Like [`with_resource`], but a body error for which `suppress` returns `true` is
/// swallowed (`Ok(None)`), as when Python's `__exit__` returns `True`. The resource is
/// closed first in every case.
pub fn with_resource_suppressing<R, T, E>(
    open: impl FnOnce() -> Result<R, E>,
    body: impl FnOnce(&mut R) -> Result<T, E>,
    suppress: impl FnOnce(&E) -> bool,
) -> Result<Option<T>, ScopeError<E>>
where
    R: Close,
{
    match with_resource(open, body) {
        Ok(value) => Ok(Some(value)),
        Err(ScopeError::Body(error)) if suppress(&error) => Ok(None),
        Err(other) => Err(other),
    }
}
