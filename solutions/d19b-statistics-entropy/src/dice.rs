//! # Kata 8: reproducible simulations (fair dice from a seeded generator)
//!
//! **Build** `roll_die` (one fair roll from any [`RngCore`]), `seeded_rolls` (rolls from
//! `rand_chacha::ChaCha8Rng` seeded with a `u64`), `face_counts` and `chi_square` (Pearson's
//! statistic of the counts against a fair die).
//!
//! **Why.** A simulation, a property test or a game replay that cannot be re-run with the
//! same numbers cannot be debugged. A seed only reproduces a run if the algorithm behind it
//! never changes: `rand::rngs::StdRng` documents that its algorithm may change between
//! versions, `ChaCha8Rng` is a fixed, documented algorithm. And a die made with
//! `next_u32() % 6` is loaded: 2³² is not a multiple of 6, so faces 1 to 4 come up a
//! little more often than 5 and 6. Tiny here, but the same mistake with a range close to
//! 2³² skews results by a third.
//!
//! **Python → Rust.** `random.seed(42); random.randint(1, 6)` reproduces within one Python
//! version; here the seed goes through `rand_core::SeedableRng::seed_from_u64`, whose
//! expansion of a `u64` into a ChaCha key is part of the crate's documented contract.
//!
//! **The tests check.**
//! - `roll_die` draws `next_u32()` values and rejects every draw `>= 4_294_967_292` (that is
//!   `6 × 715_827_882`, the largest multiple of 6 that fits in a `u32`): all four of the tail,
//!   not only some, and runs of them up to a million in a row (a million tail draws, then a
//!   good one: a loop with a smaller cap that falls back to `% 6` is loaded); the first
//!   accepted draw `d` gives the face `d % 6 + 1`. No other method of the generator is called. Checked by
//!   `roll_die_rejects_the_draws_that_would_load_the_die`,
//!   `every_draw_of_the_biased_tail_is_rejected`,
//!   `a_draw_is_accepted_exactly_when_it_is_below_reject_from`,
//!   `every_face_comes_from_its_remainder`.
//! - `seeded_rolls(seed, n)` is `n` rolls of `roll_die` on `ChaCha8Rng::seed_from_u64(seed)`: the
//!   same seed replays the same rolls, different seeds differ, the first 20 rolls of seed 42
//!   never change, and 0 rolls is an empty list. Checked by
//!   `seeded_rolls_are_roll_die_on_chacha8_seeded_from_the_u64`,
//!   `the_same_seed_gives_the_same_rolls`, `different_seeds_give_different_rolls`,
//!   `the_first_twenty_rolls_of_seed_42_never_change`, `zero_rolls_is_an_empty_list`.
//! - `seeded_rolls` rejects the biased tail too: for seeds whose stream holds a draw
//!   `>= 4_294_967_292` early (5_228_995 at its first draw, 2_348_728 at its 27th), the rolls
//!   skip it, as `roll_die` does. Checked by `seeded_rolls_reject_the_biased_tail_too`.
//! - `face_counts(rolls)` counts faces 1 to 6 (index 0 is face 1); any other value is
//!   `Err(DiceError::NotAFace(value))`. Checked by `face_counts_counts_each_face`,
//!   `a_value_that_is_not_a_face_is_an_error`.
//! - `chi_square(counts)` is `Σ (observed - expected)² / expected` with `expected = total / 6`
//!   computed in `f64` (a total that is not a multiple of 6 included, and counts of 10^12 per
//!   face, whose squares overflow a `u64` and whose expanded form `6 · Σo² / total - total`
//!   cancels every digit of the statistic). Any count up to `u64::MAX` is accepted: counts of
//!   1.8 · 10^19 per face add up to more than a `u64` holds (a `u128` or an `f64` total) and their
//!   squares overflow even a `u128`. No rolls at all is `Err(DiceError::NoRolls)`. Checked by `chi_square_measures_the_distance_from_a_fair_die`,
//!   `chi_square_of_no_rolls_is_an_error`.
//! - 60,000 rolls of seed 42 pass the fairness test at the 0.1 % level: the statistic
//!   (5 degrees of freedom) is below 20.515. Checked by
//!   `sixty_thousand_rolls_of_seed_42_pass_the_chi_square_test`.
//!
//! **Not checked.** A process-wide generator (a `static Mutex<ChaCha8Rng>`) re-seeded at each
//! call of `seeded_rolls`, instead of a value made inside it: the suite's "a generator is a
//! value you create, seed and pass" is broken, but the seed comes with every call, so the
//! shared state never changes a roll; only two calls waiting for each other would show it,
//! and no result of the API does. A cap on `roll_die`'s tries above a million (the longest
//! run of tail draws the tests give; each tail draw has the odds 2^-30, so a real generator
//! never reaches such a cap, and a test that did would take seconds): a capped loop with a
//! `% 6` fallback at, say, 2^21 tries is not caught.
//!
//! **Not a dodge.** Summing the counts as `f64` instead of `u128`: the total then rounds to 53
//! bits, which moves the statistic by a few parts in 10^16, no more than converting each count
//! to `f64` (which the formula does anyway) already does.

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
    loop {
        let draw = rng.next_u32();
        if draw < REJECT_FROM {
            // `draw % 6` is below 6, so the cast cannot truncate.
            return (draw % 6) as u8 + 1;
        }
    }
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
    // Six counts near u64::MAX add up to more than a u64 holds: sum them in a u128.
    let total: u128 = counts.iter().map(|&count| u128::from(count)).sum();
    if total == 0 {
        return Err(DiceError::NoRolls);
    }
    let expected = total as f64 / 6.0;
    Ok(counts
        .iter()
        .map(|&observed| (observed as f64 - expected).powi(2) / expected)
        .sum())
}
