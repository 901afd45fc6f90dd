//! Dodge: roll_die scales a draw into [0, 6) with floating point and truncates, which is just as biased as a modulo (6 does not divide 2^32) and rejects nothing.
//! Caught by: roll_die_rejects_the_draws_that_would_load_the_die, every_face_comes_from_its_remainder, the_first_twenty_rolls_of_seed_42_never_change

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use thiserror::Error;

/// Draws at or above this are rejected: the largest multiple of 6 that fits in a `u32`.
pub const REJECT_FROM: u32 = 4_294_967_292;

/// Why dice rolls could not be counted or tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DiceError {
    /// A roll that is not a face of a six-sided die.
    #[error("{0} is not a face of a six-sided die")]
    NotAFace(u8),
    /// No rolls to test.
    #[error("no rolls to test")]
    NoRolls,
}

/// One fair roll, 1 to 6, by rejection sampling over `next_u32`.
pub fn roll_die<R: RngCore + ?Sized>(rng: &mut R) -> u8 {
    (f64::from(rng.next_u32()) / 4_294_967_296.0 * 6.0) as u8 + 1
}

/// `n` rolls from `ChaCha8Rng::seed_from_u64(seed)`.
pub fn seeded_rolls(seed: u64, n: usize) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| roll_die(&mut rng)).collect()
}

/// How often each face came up: index 0 is face 1.
pub fn face_counts(rolls: &[u8]) -> Result<[u64; 6], DiceError> {
    let mut counts = [0u64; 6];
    for &roll in rolls {
        let slot = usize::from(roll)
            .checked_sub(1)
            .and_then(|index| counts.get_mut(index))
            .ok_or(DiceError::NotAFace(roll))?;
        *slot += 1;
    }
    Ok(counts)
}

/// Pearson's chi-square statistic of `counts` against a fair die.
pub fn chi_square(counts: &[u64; 6]) -> Result<f64, DiceError> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return Err(DiceError::NoRolls);
    }
    let expected = total as f64 / 6.0;
    Ok(counts
        .iter()
        .map(|&observed| (observed as f64 - expected).powi(2) / expected)
        .sum())
}
