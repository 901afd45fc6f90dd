//! # Kata 6: predict the future
//!
//! **Build** `untemper`, the inverse of the Mersenne Twister's output tempering, and
//! `clone_from_outputs`, which rebuilds a generator from 624 consecutive outputs so that it
//! predicts every later output exactly.
//!
//! **Why.** This is the attack the article warns about, carried out. The tempering is a
//! bijection, so each 32-bit output reveals one whole word of state; 624 outputs reveal all
//! of it, and from then on the "random" session ids, password-reset tokens or lottery draws
//! of a server are known in advance. The lesson: **never use a predictable generator
//! (Python's `random`, any Mersenne Twister, any seeded PRNG) for tokens**: use the
//! operating system's (kata 7).
//!
//! **Python → Rust.** Python's `random` exposes its state (`getstate`), but an attacker
//! needs no such help: the outputs are enough. Each step of the tempering (see kata 5) is
//! inverted on its own, last step first:
//! - After `y ^= y >> s` the top `s` bits are unchanged; they give the next `s` bits, and
//!   so on down, so one step is not enough when `s < 16`.
//! - After `y ^= (y << s) & mask` the low `s` bits are unchanged; rebuild upwards the same
//!   way.
//!
//! The rules the tests check:
//! - `untemper(temper(x)) == x` for every `u32` (temper as in kata 5).
//! - `clone_from_outputs(outputs)` uses the **last** 624 outputs: the clone's next output is
//!   the one that follows the slice, whatever the window's position in the stream and
//!   whatever the seed (a brute-force search over small seeds is not a clone).
//! - Fewer than 624 outputs is `Err(CloneError::TooFewOutputs { needed: 624, got })`.
//!
//! **The tests check** known untempered words, the inverse law for any `u32`, a clone of a
//! generator seeded with Python's `random.seed(42)`, of one seeded with a 64-bit key, of one
//! started from an arbitrary state, of a window deep inside a stream, and the too-few error.

use thiserror::Error;

use crate::mersenne_twister::Mt19937;

/// Why a generator could not be cloned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CloneError {
    /// Rebuilding the state needs `needed` consecutive outputs; only `got` were given.
    #[error("need {needed} consecutive outputs to rebuild the state, got {got}")]
    TooFewOutputs {
        /// The outputs needed (624).
        needed: usize,
        /// The outputs given.
        got: usize,
    },
}

/// The state word that the Mersenne Twister tempered into the output `y`.
pub fn untemper(y: u32) -> u32 {
    todo!("untemper the output {y:#010x}")
}

/// A generator whose outputs continue the stream after the last 624 of `outputs`.
pub fn clone_from_outputs(outputs: &[u32]) -> Result<Mt19937, CloneError> {
    todo!("clone a Mersenne Twister from {} outputs", outputs.len())
}
