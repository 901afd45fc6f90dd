//! Dodge: from_key seeds with init_genrand of the key's first word, which is what random.seed(n) is often assumed to do, so it never matches Python.
//! Caught by: init_by_array_gives_the_reference_outputs, from_key_reproduces_pythons_random_seed, python_seed_42_keeps_matching_across_twists, random_random_is_53_bits_from_two_draws, the_articles_dice_roll_is_reproduced

use std::num::NonZeroU32;

/// The number of 32-bit words of state.
pub const STATE_WORDS: usize = 624;
/// The twist's middle offset.
const M: usize = 397;
/// The twist matrix's last row.
const MATRIX_A: u32 = 0x9908_b0df;
/// The most significant bit of a word.
const UPPER_MASK: u32 = 0x8000_0000;
/// The 31 least significant bits of a word.
const LOWER_MASK: u32 = 0x7fff_ffff;

/// The 32-bit Mersenne Twister (MT19937), as in Python's `random` module.
#[derive(Debug, Clone)]
pub struct Mt19937 {
    /// The 624 words of state.
    state: [u32; STATE_WORDS],
    /// The next word to temper; `STATE_WORDS` means "twist first".
    index: usize,
}

impl Mt19937 {
    /// A generator seeded with the reference `init_genrand(seed)`.
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; STATE_WORDS];
        state[0] = seed;
        for i in 1..STATE_WORDS {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Self::from_state(state)
    }

    /// A generator seeded with the reference `init_by_array(key)`, as Python's `random.seed`.
    pub fn from_key(key: &[u32]) -> Self {
        Self::new(key.first().copied().unwrap_or(0))
    }

    /// The reference `init_by_array`, unused.
    pub fn init_by_array(key: &[u32]) -> Self {
        let key = if key.is_empty() { &[0][..] } else { key };
        let mut mt = Self::new(19_650_218).state;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..STATE_WORDS.max(key.len()) {
            let prev = mt[i - 1];
            mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= STATE_WORDS {
                mt[0] = mt[STATE_WORDS - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..STATE_WORDS - 1 {
            let prev = mt[i - 1];
            mt[i] =
                (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= STATE_WORDS {
                mt[0] = mt[STATE_WORDS - 1];
                i = 1;
            }
        }
        mt[0] = UPPER_MASK;
        Self::from_state(mt)
    }

    /// A generator whose next draw twists `state` first (as right after seeding).
    pub fn from_state(state: [u32; STATE_WORDS]) -> Self {
        Self {
            state,
            index: STATE_WORDS,
        }
    }

    /// Regenerates all 624 words of state.
    fn twist(&mut self) {
        for k in 0..STATE_WORDS {
            let y = (self.state[k] & UPPER_MASK) | (self.state[(k + 1) % STATE_WORDS] & LOWER_MASK);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            self.state[k] = self.state[(k + M) % STATE_WORDS] ^ (y >> 1) ^ mag;
        }
        self.index = 0;
    }

    /// The next 32 random bits (Python's `random.getrandbits(32)`).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= STATE_WORDS {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// A float in `[0, 1)` with 53 random bits (Python's `random.random()`).
    pub fn next_f64(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// A uniform integer in `0..n` by rejection, as Python's `_randbelow_with_getrandbits`.
    pub fn randbelow(&mut self, n: NonZeroU32) -> u32 {
        let bits = u32::BITS - n.get().leading_zeros();
        loop {
            let r = self.next_u32() >> (u32::BITS - bits);
            if r < n.get() {
                return r;
            }
        }
    }
}
