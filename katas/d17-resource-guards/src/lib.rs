//! # Day 17: cleanup that cannot be forgotten
//!
//! Source: "Python Context Managers: Master with, async with & Resource Safety (2026)"
//! by Kaushikcoderpy, series "Logic & Legacy" (day 17):
//! <https://dev.to/kaushikcoderpy/python-context-managers-master-with-async-with-resource-safety-2026-114o>
//!
//! The article's point: files, connections and locks belong to the operating system or to
//! a server, not to the garbage collector, and they leak whenever an error skips the line
//! that gives them back. Python's answer is the context manager: `with` (sugar for
//! `try/finally`) for synchronous cleanup, `async with` for cleanup that is itself I/O,
//! and `async for` for streams that wait on the network.
//!
//! Rust's answer is ownership: a value is dropped when its owner's scope ends, on every
//! path, panics included, and `impl Drop` is the cleanup (RAII). Most of this suite is
//! about what that gives you for free, what it cannot do (await, return an error, decide
//! between commit and rollback), and how to design around those limits.
//!
//! ## From the article's ideas to the katas
//!
//! | the article (Python) | the kata (Rust) |
//! | --- | --- |
//! | `with` is `try/finally`; the "phantom file" leak | [`gate`]: a `Gate` guard released in `Drop` on every exit path (return, `?`, panic); `mem::forget` leaks |
//! | `__exit__` sees the exception and may swallow it (`return True`) | [`with_resource`]: open, body, close as a typed result that keeps both the body's and the close's error; a variant that suppresses chosen errors |
//! | `async with connection.transaction()`: commit on success, rollback on exception | [`transaction`]: a guard that rolls back in `Drop` unless `commit(self)` consumed it, checked call by call with mockall |
//! | "the database drain": connections not given back to the pool | [`pool`]: a bounded pool whose guard returns the connection in `Drop`; typed exhaustion, a waiting acquire, no leak after thousands of panicking users |
//! | a server "physically cannot open any more files" (~1024) | [`descriptor_limit`]: a guard over a raw descriptor (`libc::open`/`close`) and more files than a lowered `RLIMIT_NOFILE` |
//! | `async with` / `__aenter__` / `__aexit__`: closing is network I/O | [`async_close`]: `close().await`, `with_connection(url, async \|conn\| …)`, and a documented drop-without-close |
//! | `async for row in cursor`: stream 500,000 rows | [`async_stream`]: a lazy `Stream` that fetches one page at a time |
//! | `with lock:` (threading locks in the cheat sheet) | [`scoped_lock`]: a `MutexGuard` held for exactly one block; a poisoned mutex recovered with `into_inner` |
//!
//! ## What does not carry over to Rust, and what the suite teaches instead
//!
//! - **No `with` statement, and no need for one.** Every value is a context manager: its
//!   scope is the block, its `__exit__` is `Drop`. There is nothing to forget to write at
//!   the call site; the risk moves to the type: a guard *without* `Drop` (cleanup in a
//!   `close()` that someone must call) is the Rust version of the bare `open()`. The tests
//!   leave the scope by return, `?` and panic (`std::panic::catch_unwind`) to prove the
//!   cleanup is in `Drop`.
//! - **`Drop` is not guaranteed.** `std::mem::forget`, `Rc` cycles and `process::exit`
//!   skip it, and they are safe Rust. Kata 1 shows `forget` leaking. ("Mathematically
//!   guaranteed", as the article says of `finally`, holds for unwinding, not for these.)
//! - **A panic is not an exception to catch.** Cleanup runs during unwinding, but errors
//!   are values: kata 2's "exception handling" is a `Result` type, and swallowing an
//!   error is a predicate over the error value, not a boolean returned from `__exit__`.
//! - **`Drop` cannot fail or see why the scope ended.** It returns nothing and does not
//!   know whether the scope ended in success. So a fallible close is an explicit method
//!   (kata 2), and a transaction commits only through an explicit `commit(self)` and rolls
//!   back in `Drop` (kata 3), the reverse of committing "when the block ends".
//! - **There is no async `Drop`.** Kata 6 uses an explicit `close(self).await` plus a
//!   scope helper that awaits it on success and error, and documents what a drop without
//!   close does (a recorded warning and an open server session: no hidden I/O, no
//!   spawned task). Cancellation (dropping a future mid-await) is the async path Python's
//!   `async with` handles with `CancelledError`; in Rust it is a plain drop.
//! - **`std::fs::File` already closes itself.** The phantom file of the article cannot
//!   happen with `File`; kata 5 writes the `Drop` one level lower (a raw descriptor) and
//!   catches the leak that *does* happen in Rust: holding every file open at once.
//! - **Locks protect data, not code.** A Rust `Mutex` owns its data, so forgetting to lock
//!   does not compile; the remaining mistakes are guard scope (too short: lost updates;
//!   too long: deadlocks) and poisoning, which Python's locks do not have (kata 8).
//! - **`aiofiles` and the blocking gate.** Not a kata: Rust's answer is
//!   `tokio::task::spawn_blocking` or `tokio::fs`, which d22-network's async katas touch.
//!
//! ## How to work
//!
//! Each module is one kata: read its brief, replace every `todo!()`, and fill in the
//! empty `impl Drop` blocks (they hold no `todo!()` on purpose: a panic inside `drop` while
//! another panic unwinds aborts the whole test run). Run `cargo kata check <kata>`
//! (or `cargo test -p kata-d17-resource-guards <kata>::`). The katas do not depend on each
//! other; any order works, but 1 → 2 → 3 → 4 builds the idea up, 5 needs Unix (Linux or
//! macOS), and 6 and 7 need tokio.

#[cfg(any(not(feature = "one-kata"), feature = "async_close"))]
pub mod async_close;
#[cfg(any(not(feature = "one-kata"), feature = "async_stream"))]
pub mod async_stream;
#[cfg(any(not(feature = "one-kata"), feature = "descriptor_limit"))]
pub mod descriptor_limit;
#[cfg(any(not(feature = "one-kata"), feature = "gate"))]
pub mod gate;
#[cfg(any(not(feature = "one-kata"), feature = "pool"))]
pub mod pool;
#[cfg(any(not(feature = "one-kata"), feature = "scoped_lock"))]
pub mod scoped_lock;
#[cfg(any(not(feature = "one-kata"), feature = "transaction"))]
pub mod transaction;
#[cfg(any(not(feature = "one-kata"), feature = "with_resource"))]
pub mod with_resource;

#[cfg(test)]
#[path = "../../../tests/d17-resource-guards/mod.rs"]
mod suite;
