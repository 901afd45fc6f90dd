//! # Kata 5: the Mersenne Twister, exactly
//!
//! **Build** `Mt19937`, the 32-bit Mersenne Twister that Python's `random` module runs on,
//! bit for bit: `new` (the reference `init_genrand`), `from_key` (`init_by_array`, which is
//! how `random.seed(n)` seeds for an integer `n`), `from_state` (a generator from a raw
//! state, for kata 6), `next_u32` (`random.getrandbits(32)`), `next_f64`
//! (`random.random()`) and `randbelow` (the integer draw behind `random.randint`).
//!
//! **Why.** Reproducible simulations, tests and game replays need a generator that gives the
//! same numbers for the same seed, on every machine, forever. Matching a reference
//! implementation bit for bit is also how you prove that you understood an algorithm: any
//! slip in a shift or a mask shows up in the first output. And knowing exactly how the state
//! turns into outputs is what kata 6 needs to run the machine backwards.
//!
//! **Python → Rust.** `random.seed(42)` does not call `init_genrand(42)`: it calls
//! `init_by_array` with the key `[42]` (a non-negative integer's 32-bit words, least
//! significant first, so `2**32 + 5` is the key `[5, 1]`; `0` is the key `[0]`). An empty
//! key seeds like `[0]`. Python's ints are unbounded; here all arithmetic is on `u32` and
//! wraps (`wrapping_mul`, `wrapping_add`), exactly as the C reference does with
//! `unsigned long` masked to 32 bits.
//!
//! The algorithm (the reference `mt19937ar.c` by Matsumoto and Nishimura):
//! - State: 624 words `mt` and an index; `N = 624`, `M = 397`, matrix `0x9908_b0df`,
//!   upper mask `0x8000_0000`, lower mask `0x7fff_ffff`.
//! - `init_genrand(s)`: `mt[0] = s`, then `mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >> 30)) + i`;
//!   the index starts at 624 (the first draw twists).
//! - `init_by_array(key)`: `init_genrand(19650218)`, then with `i = 1, j = 0`, for
//!   `max(624, key.len())` steps `mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1664525)) + key[j] + j`,
//!   `i += 1; j += 1`, and when `i == 624` set `mt[0] = mt[623]; i = 1`, when `j == key.len()`
//!   set `j = 0`; then for 623 steps `mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1566083941)) - i`,
//!   `i += 1`, wrapping `i` the same way; finally `mt[0] = 0x8000_0000`.
//! - Twist (when the index reaches 624): for each `k`, `y = (mt[k] & upper) | (mt[k+1] & lower)`
//!   (indices mod 624), `mt[k] = mt[k+397] ^ (y >> 1) ^ (if y is odd { matrix } else { 0 })`;
//!   the index goes back to 0.
//! - Output: `y = mt[index]`, `index += 1`, then temper: `y ^= y >> 11`,
//!   `y ^= (y << 7) & 0x9d2c_5680`, `y ^= (y << 15) & 0xefc6_0000`, `y ^= y >> 18`.
//! - `from_state(state)`: the state as given, index 624 (the next draw twists it first).
//! - `next_f64`: `a = next_u32() >> 5`, `b = next_u32() >> 6`,
//!   `(a * 67108864 + b) / 9007199254740992` (53 random bits in `[0, 1)`).
//! - `randbelow(n)`: with `k` the bit length of `n`, draw `r = next_u32() >> (32 - k)` until
//!   `r < n` (Python's `_randbelow_with_getrandbits`; no modulo, so no bias).
//!   `random.randint(a, b)` is `a + randbelow(b - a + 1)`.
//!
//! **The tests check.**
//! - `new(seed)` is `init_genrand`: the reference outputs of `new(5489)`, the first and the
//!   10,000th (which shows an error in the twist's wrap-around). Checked by
//!   `init_genrand_5489_gives_the_reference_first_output`,
//!   `init_genrand_5489_gives_the_reference_ten_thousandth_output`.
//! - `from_key(key)` is `init_by_array`: the reference outputs for the key
//!   `[0x123, 0x234, 0x345, 0x456]`, Python's `random.seed(n)` + `getrandbits(32)` for several
//!   `n` (0, 42, 5489 and one past 2³²), across several twists, and the empty key seeding like
//!   `[0]`. Checked by `init_by_array_gives_the_reference_outputs`,
//!   `from_key_reproduces_pythons_random_seed`, `python_seed_42_keeps_matching_across_twists`,
//!   `an_empty_key_seeds_like_the_key_zero`.
//! - A key longer than the state (630, 1,000, 1,250 and 10,000 words: `random.seed` of a huge
//!   integer) is mixed in whole, the first loop running `max(624, key.len())` steps. Checked by
//!   `every_word_of_a_key_longer_than_the_state_is_mixed_in`.
//! - `from_state(state)` twists the given state before the first draw. Checked by
//!   `from_state_twists_the_given_state_before_the_first_draw`.
//! - `next_f64` is Python's `random.random()`: 53 bits from two draws. Checked by
//!   `random_random_is_53_bits_from_two_draws`.
//! - `randbelow(n)` is Python's rejection sampling on the top `bit_length(n)` bits (no modulo),
//!   drawing even for `n = 1` and drawing again for a result `>= n` (for `n = 5` the draws
//!   whose top 3 bits are 5 are rejected; a power of two such as 256 takes 9 bits, no
//!   shortcut); `1 + randbelow(6)` reproduces the article's dice roll. Checked by
//!   `randbelow_matches_pythons_rejection_sampling`,
//!   `randbelow_one_consumes_draws_until_the_top_bit_is_zero`,
//!   `the_articles_dice_roll_is_reproduced`.
//! - `randbelow` keeps drawing however long the run of rejections: from states (`from_state`
//!   of 624 equal words) whose draws are rejected 1,246 and 1,869 times in a row, it returns
//!   Python's value and leaves the stream where Python does (no cap on the tries with a
//!   modulo fallback). Checked by `randbelow_draws_again_however_long_the_run_of_rejections`.
//!
//! **Not checked.** How the wrapping is written: arithmetic widened to `u64` and masked with
//! `& 0xffff_ffff` (Python's way, with its unbounded ints) gives the same bits as `u32`
//! `wrapping_mul`/`wrapping_add`/`wrapping_sub`, so no output tells them apart. Sizes past
//! the largest the tests use: a key longer than 10,000 words (a version that drops the words
//! past some length above that is not caught), and a run of more than 1,869 rejections in a
//! row (a cap on `randbelow`'s tries above that, with a modulo fallback, is not caught).

use std::num::NonZeroU32;

/// The number of 32-bit words of state.
pub const STATE_WORDS: usize = 624;

/// The 32-bit Mersenne Twister (MT19937), as in Python's `random` module.
#[derive(Debug, Clone)]
pub struct Mt19937 {
    // Your state here: the 624 words, and where the next output comes from.
}

impl Mt19937 {
    /// A generator seeded with the reference `init_genrand(seed)`.
    pub fn new(seed: u32) -> Self {
        todo!("seed a Mersenne Twister with init_genrand({seed})")
    }

    /// A generator seeded with the reference `init_by_array(key)`, as Python's `random.seed`.
    pub fn from_key(key: &[u32]) -> Self {
        todo!("seed a Mersenne Twister with init_by_array({key:?})")
    }

    /// A generator whose next draw twists `state` first (as right after seeding).
    pub fn from_state(state: [u32; STATE_WORDS]) -> Self {
        todo!(
            "a Mersenne Twister from the state starting {:?}",
            &state[..4]
        )
    }

    /// The next 32 random bits (Python's `random.getrandbits(32)`).
    pub fn next_u32(&mut self) -> u32 {
        todo!("draw 32 bits from {self:?}")
    }

    /// A float in `[0, 1)` with 53 random bits (Python's `random.random()`).
    pub fn next_f64(&mut self) -> f64 {
        todo!("draw a float from {self:?}")
    }

    /// A uniform integer in `0..n` by rejection, as Python's `_randbelow_with_getrandbits`.
    pub fn randbelow(&mut self, n: NonZeroU32) -> u32 {
        todo!("draw an integer below {n} from {self:?}")
    }
}
