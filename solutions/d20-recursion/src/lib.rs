//! # Day 20: recursion and the stack it costs (reference solutions)
//!
//! Source: "Advanced Python Recursion: Stack Frames, State Delegation & Production Limits
//! (2026)" by Kaushikcoderpy, day 20 of the series "Logic & Legacy":
//! <https://dev.to/kaushikcoderpy/advanced-python-recursion-stack-frames-state-delegation-production-limits-2026-4gli>
//!
//! The article's point: recursion hands a problem to smaller copies of itself until a base
//! case stops it, and every copy waiting for an answer holds a stack frame. Memory grows
//! with depth, so a payload nested deeply enough by an attacker crashes a recursive parser.
//! Untrusted depth calls for an explicit stack or a depth limit, repeated subproblems call
//! for memoization, and tail calls are no way out because the language does not eliminate
//! them.
//!
//! ## From the article's ideas to the katas
//!
//! | the article (Python) | the kata (Rust) |
//! | --- | --- |
//! | delegation with a base case: `extract_emails` over a webhook payload | [`delegation`]: `extract_emails` as a `match` on `serde_json::Value` |
//! | the call stack is an implicit stack; iteration uses an explicit one | [`explicit_stack`]: `extract_emails_iterative` with a `Vec`, safe 100,000 levels deep |
//! | the 1,001-level payload that brings down the API | [`depth_guard`]: `nesting_depth` and `guard_depth` scan the text of a million-level bomb |
//! | guarantee the depth is small before recursing | [`depth_limit`]: `extract_emails_limited` with a budget and the JSON Pointer where it ran out |
//! | `functools.lru_cache` saves exponential work | [`memoization`]: `ways_to_climb` solves each subproblem once, in `u128`, overflow refused |
//! | Python has no tail-call optimisation | [`no_tail_calls`]: tail-recursive `gcd` and `sum_to` as loops, at ten million terms |
//! | `sys.setrecursionlimit` treats the symptom | [`chosen_stack`]: `run_with_stack`, a thread with a stack you chose |
//! | recurse only over bounded, self-similar data | [`tree_listing`]: a directory tree with a depth bound, rendered recursively |
//!
//! ## What does not carry over to Rust, and what the suite teaches instead
//!
//! - **No `RecursionError`.** Python counts frames and raises a catchable exception at
//!   about 1,000. Rust counts nothing: a thread that runs off the end of its stack hits a
//!   guard page, Rust prints `thread '<name>' has overflowed its stack`, and the *whole
//!   process* aborts. There is no `catch_unwind` for it, no `Result`, no 500 response: one
//!   request can kill every other request the server was handling. So the katas prevent the
//!   overflow instead of handling it (katas 2, 3, 4, 6), and kata 7 shows that even a
//!   chosen stack only moves the cliff.
//! - **The limit is bytes, not frames.** How deep you can go depends on each frame's size
//!   (locals, inlining, debug or release build) and the thread's stack: 8 MiB for `main` on
//!   Linux, 2 MiB for threads Rust spawns (`RUST_MIN_STACK` changes it), whatever you pass
//!   to `std::thread::Builder::stack_size`. The tests run the code that must not recurse on
//!   a 256 KiB stack, so recursion fails at once rather than at some machine-dependent depth.
//! - **serde_json already refuses deep documents**: it stops at 128 levels with "recursion
//!   limit exceeded". That protects parsing, but a `Value` built deeper by other means still
//!   recurses when it is dropped, printed, compared or walked. Kata 3 measures depth on the
//!   raw text, where neither limit applies.
//! - **Drop is recursive too.** Dropping a deeply nested `Value` (or a long `Box`ed linked
//!   list) recurses through the destructors and can overflow the stack with no code of
//!   yours on it. The tests build their deep values in a loop and take them apart in a loop
//!   (`DeepValue`'s `Drop` in `tests/d20-recursion/mod.rs`), and never build a `Value` a
//!   million levels deep (the million-level bombs of kata 3 are text).
//! - **No guaranteed tail calls.** As in Python, but with a twist: LLVM does often turn a
//!   simple self tail call into a loop in a release build. Debug builds (what `cargo test`
//!   runs) never do, and nothing promises it; the reserved keyword `become` is an unstable
//!   experiment. Kata 6 detects recursion by comparing stack addresses, not by timing.
//! - **No decorator cache.** `@lru_cache` becomes a cache you own (`HashMap`, `Vec`) or a
//!   table filled bottom-up; and Python's unbounded integers become `u128` with
//!   `checked_add`, so overflow is an error the tests require (kata 5).
//! - **No mutable-default-argument bug.** Rust has no default arguments: the accumulator is
//!   an explicit `&mut Vec` passed down (kata 1).
//!
//! ## Tests that crash, and how the suite contains them
//!
//! A test that feeds a deep input to code that must not recurse starts the test binary
//! again as a child process running only that test, and runs the code there on a small
//! stack. If your code recurses, the child dies of a stack overflow and the parent test
//! fails with a message saying so and the child's last output; every other test still
//! runs, under `cargo test` as under `cargo kata`. In the child, the code under test must
//! also start no thread of its own: the small stack and the heap counts apply to the thread
//! that calls your function, and moving the work to a helper thread with a big stack only
//! moves the cliff (a deeper input overflows that stack too). Only these dedicated tests
//! (their names say "256 KiB stack", "100,000 levels", "a million levels", "ten million
//! terms") build deep inputs; every other test is shallow, so a recursive first attempt
//! still shows which rules it gets right.
//!
//! ## How to work
//!
//! These are the reference solutions: `cargo test -p solution-d20-recursion` proves the
//! suite passable. Learners edit `katas/d20-recursion/src/`; each module is one kata: run
//! `cargo kata check <kata>` (or `cargo test -p kata-d20-recursion <kata>::`). Do them in
//! order: katas 2 and 4 compare their answers with kata 1's `extract_emails`.

#[cfg(any(not(feature = "one-kata"), feature = "chosen_stack"))]
pub mod chosen_stack;
#[cfg(any(not(feature = "one-kata"), feature = "delegation"))]
pub mod delegation;
#[cfg(any(not(feature = "one-kata"), feature = "depth_guard"))]
pub mod depth_guard;
#[cfg(any(not(feature = "one-kata"), feature = "depth_limit"))]
pub mod depth_limit;
#[cfg(any(not(feature = "one-kata"), feature = "explicit_stack"))]
pub mod explicit_stack;
#[cfg(any(not(feature = "one-kata"), feature = "memoization"))]
pub mod memoization;
#[cfg(any(not(feature = "one-kata"), feature = "no_tail_calls"))]
pub mod no_tail_calls;
#[cfg(any(not(feature = "one-kata"), feature = "tree_listing"))]
pub mod tree_listing;

#[cfg(test)]
#[path = "../../../tests/d20-recursion/mod.rs"]
mod suite;
