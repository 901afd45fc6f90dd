//! Dodge: untemper applies each tempering step once more, which undoes the shifts of 15 and 18 but not those of 7 and 11, so it is right only for words whose overwritten bits happen to be zero.
//! Caught by: untemper_recovers_known_state_words, untemper_inverts_temper_for_every_word, a_clone_of_python_seed_42_predicts_its_next_outputs

use thiserror::Error;

use crate::mersenne_twister::{Mt19937, STATE_WORDS};

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

/// Undoes `y ^= y >> shift`.
fn undo_right(y: u32, shift: u32) -> u32 {
    let mut x = y;
    x ^= x >> shift;
    x
}

/// Undoes `y ^= (y << shift) & mask`.
fn undo_left(y: u32, shift: u32, mask: u32) -> u32 {
    let mut x = y;
    x ^= (x << shift) & mask;
    x
}

/// The state word that the Mersenne Twister tempered into the output `y`.
pub fn untemper(y: u32) -> u32 {
    let y = undo_right(y, 18);
    let y = undo_left(y, 15, 0xefc6_0000);
    let y = undo_left(y, 7, 0x9d2c_5680);
    undo_right(y, 11)
}

/// A generator whose outputs continue the stream after the last 624 of `outputs`.
pub fn clone_from_outputs(outputs: &[u32]) -> Result<Mt19937, CloneError> {
    let start = outputs
        .len()
        .checked_sub(STATE_WORDS)
        .ok_or(CloneError::TooFewOutputs {
            needed: STATE_WORDS,
            got: outputs.len(),
        })?;
    let mut state = [0u32; STATE_WORDS];
    for (word, &output) in state.iter_mut().zip(&outputs[start..]) {
        *word = untemper(output);
    }
    Ok(Mt19937::from_state(state))
}
