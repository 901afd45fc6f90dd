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
//! **The tests check.**
//! - `untemper(temper(x)) == x` for every `u32` (temper as in kata 5), and known untempered
//!   words. Checked by `untemper_inverts_temper_for_every_word`,
//!   `untemper_recovers_known_state_words`.
//! - A clone predicts its victim's later outputs whatever the seed (a brute-force search over
//!   small seeds is not a clone): Python's `random.seed(42)`, a 64-bit key, an arbitrary state,
//!   a window deep inside the stream. Checked by
//!   `a_clone_of_python_seed_42_predicts_its_next_outputs`,
//!   `a_clone_of_a_generator_with_a_64_bit_seed_predicts_a_thousand_outputs`,
//!   `a_clone_of_a_generator_from_an_arbitrary_state_predicts_it`,
//!   `a_window_deep_inside_the_stream_is_enough`.
//! - `clone_from_outputs(outputs)` uses the **last** 624 outputs: the clone's next output is the
//!   one that follows the slice, and so are its next 700 (a whole twist), also when the
//!   outputs before those 624 came from another generator. Checked by
//!   `the_clone_continues_after_the_last_output_it_was_given`.
//! - Fewer than 624 outputs is `Err(CloneError::TooFewOutputs { needed: 624, got })`. Checked by
//!   `fewer_than_624_outputs_is_an_error`.
//!
//! **Not checked.** How `untemper` inverts: tempering is linear over bits (shifts, masks,
//! xors), so the xor of the preimages of the 32 one-bit words (found once by a search, or by
//! solving the linear system) is also its exact inverse. It gives the same word for every
//! output, so the tests accept it; undoing the four steps, last first, is the lesson.

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
