//! # Kata 2: a scope with a result
//!
//! **Build** `with_resource(open, body)`: open a resource, run `body` with it, close it on
//! every path, and return what happened as a typed result; and
//! `with_resource_suppressing(open, body, suppress)`, which may swallow chosen body errors.
//!
//! **Why.** Cleanup code must not eat errors. A close that fails (the last buffered write
//! of a file did not reach the disk) is a real failure the caller needs to see; but if the
//! body had already failed, reporting only the close's error hides the cause. And a body
//! that panics half-way must still leave the resource closed.
//!
//! **Python → Rust.** `with` is `try/finally`: `__exit__` runs whatever happens, gets the
//! exception, and re-raises it unless it returns `True`, which swallows it. In Rust errors
//! are values, so all of that becomes a return type: [`ScopeError`] says which step failed
//! and keeps both errors when both the body and the close failed. A panic is not an error
//! value: it unwinds through your function. The only code that runs then is `Drop`, so
//! while the body runs the resource must sit in a small guard whose `Drop` closes it; on
//! the normal paths you take it back out of the guard and close it yourself, to see the
//! close's `Result` (a `Drop` cannot return one).
//!
//! **The tests check.**
//! - Order: `open`, then `body`, then `close`, each once; body `Ok(v)` and close `Ok` give
//!   `Ok(v)`. Checked by `returns_the_body_value_after_open_body_close`.
//! - If `open` fails, neither the body nor the close runs: `ScopeError::Open(e)`. Checked by
//!   `a_failed_open_runs_neither_body_nor_close`.
//! - Body `Err(e)` and close `Ok` give `ScopeError::Body(e)` with `e` unchanged, after the
//!   close. Checked by `a_failing_body_is_closed_and_its_error_returned_unchanged`.
//! - Body `Ok` and close `Err(c)` give `ScopeError::Close(c)`. Checked by
//!   `a_close_failure_after_a_good_body_is_reported`.
//! - Both failing give `ScopeError::BodyAndClose { body: e, close: c }`: the close's error
//!   does not hide the body's. Its message is the `#[error]` text below (the tests snapshot
//!   it). Checked by `a_close_failure_does_not_hide_the_body_error`,
//!   `both_errors_are_visible_in_the_message`.
//! - A panicking body: the resource is closed (its close error, if any, is dropped: the panic
//!   is what matters) and the same panic, with its payload, continues to the caller. Checked
//!   by `a_panicking_body_still_closes_and_the_panic_goes_on`.
//! - `with_resource_suppressing` returns `Ok(Some(v))` on success and `Ok(None)` when the
//!   body failed with an error for which `suppress` returns `true` *and* the close succeeded;
//!   every other outcome is the same `Err` as `with_resource` gives (a close failure is never
//!   swallowed, and a failed open stays `ScopeError::Open` whatever the predicate says).
//!   The resource is closed first: `suppress` is asked only after the close succeeded.
//!   Checked by `suppressing_passes_a_good_value_through_as_some`,
//!   `suppressing_swallows_only_the_chosen_error`, `suppressing_never_swallows_a_close_failure`,
//!   `suppressing_never_swallows_an_open_error`.
//! - For any open, body and close outcome, a resource that was opened is closed exactly
//!   once. Checked by `an_opened_resource_is_closed_exactly_once`.
//!
//! **Not checked.** How the panic path closes: a guard whose `Drop` closes during unwinding
//! and a `catch_unwind` + close + `resume_unwind` (Python's `try/finally`) behave the same
//! to every test (the resource is closed once and the same panic goes on); only a build with
//! `panic = "abort"` tells them apart, and there nothing is closed either way.

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
