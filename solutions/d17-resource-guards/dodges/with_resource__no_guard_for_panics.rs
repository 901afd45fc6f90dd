//! Dodge: a straight open, body, close sequence: right on `Ok` and `Err`, but a panicking body unwinds past the close and the resource leaks.
//! Caught by: a_panicking_body_still_closes_and_the_panic_goes_on, an_opened_resource_is_closed_exactly_once

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
    let mut resource = open().map_err(ScopeError::Open)?;
    let out = body(&mut resource);
    match (out, resource.close()) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(close)) => Err(ScopeError::Close(close)),
        (Err(body), Ok(())) => Err(ScopeError::Body(body)),
        (Err(body), Err(close)) => Err(ScopeError::BodyAndClose { body, close }),
    }
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
