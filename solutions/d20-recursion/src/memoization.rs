//! # Kata 5: memoization
//!
//! **Build** [`ways_to_climb`]: how many ordered sequences of step sizes taken from `steps`
//! add up to exactly `n` (with steps `[1, 2]`, `n = 3` has 3: 1+1+1, 1+2, 2+1). And
//! [`ways_to_climb_traced`], the same count reporting each subproblem it works out, so the
//! tests can see that none is worked out twice.
//!
//! **Why.** The recursion is short: the ways to climb `n` are the ways to climb `n - s`,
//! summed over every step `s`. But the two calls for `n - 1` and `n - 2` both need `n - 3`,
//! and so on down: the naive recursion does exponential work (for `n = 90` and steps
//! `[1, 2]`, about 10^19 calls, centuries). Remember each answer the first time and every
//! subproblem is solved once: 90 sums.
//!
//! **Python → Rust.** Python adds a cache with the `@lru_cache` decorator. Rust has no
//! decorator in std: the cache is a value you own and pass around, a `HashMap<u32, u128>`
//! or, since the subproblems are `0..=n`, a `Vec<Option<u128>>`. A cached recursion is
//! still `n` frames deep (kata 2's lesson applies: the tests ask for `n = 100,000` on a
//! small stack); filling the table from 0 upwards gives the same counts with no recursion
//! at all. The cache belongs to the call: made inside it, dropped when the answer is
//! known (a `static` map, like `@lru_cache` on a module-level function, grows for ever). Python's integers grow without bound; a `u128`
//! does not, so every addition is `checked_add`, and a count that does not fit is an error.
//!
//! **The tests check.**
//! - The counts, against a table and against listing every sequence. Checked by
//!   `counts_the_ordered_sequences_of_steps`, `agrees_with_listing_every_sequence`.
//! - `n = 0` has exactly one way (take no step), whatever the steps. Checked by
//!   `counts_the_ordered_sequences_of_steps`.
//! - A step of 0 is [`ClimbError::ZeroStep`] with its index in `steps` (it would let a
//!   sequence grow forever without climbing); this is checked before anything else. Checked
//!   by `a_zero_step_is_an_error`, `a_zero_step_is_refused_even_with_nothing_to_climb`.
//! - Duplicates in `steps` count once: `[1, 1]` allows the same sequences as `[1]`. Checked by
//!   `duplicate_steps_count_once`.
//! - A count that does not fit in `u128` is [`ClimbError::Overflow`] with the `n` asked for,
//!   never a wrapped or saturated number. Only the counts `n` needs matter: with steps `[2, 4]`
//!   an odd `n` has 0 ways, even when the counts of the even numbers below it do not fit in
//!   `u128`. A count of exactly `u128::MAX` (`n = 129` with every step from 1 to 128) is an
//!   answer; 2^128 (steps 1 to 129) is an error. Checked by
//!   `the_largest_count_that_fits_in_u128_is_exact`,
//!   `a_count_past_u128_is_an_error_not_a_wrapped_number`,
//!   `a_count_a_few_past_the_limit_is_an_error_too`,
//!   `counts_that_n_does_not_need_cannot_overflow_it`,
//!   `overflows_exactly_where_exact_counting_does` (every addition in the table is checked,
//!   not only the last one), `an_overflow_is_found_by_checked_add_not_by_a_panic` (no panic
//!   starts to unwind: a plain + caught with catch_unwind wraps in a release build).
//! - `ways_to_climb_traced` calls `on_solve(k)` once each time it computes the count for `k`
//!   (with `1 <= k <= n`) from the counts below it, not when it reads a count it already has;
//!   the base case `k = 0` is not reported. The tests fail at the first `k` reported twice.
//!   Checked by `solves_each_subproblem_once`, `never_solves_a_subproblem_twice`.
//! - When it reports `k`, the call holds the counts it works `k` out from: at least 16 bytes
//!   of heap (a `u128`) for each of the `min(k, largest step)` counts below `k` (a table of
//!   every count below `k`, or of the last `largest step` of them). The test's `on_solve`
//!   reads how much heap its thread holds, for every n from 1 to 64 with steps `[1, 3, 64]`:
//!   reporting the subproblems from a loop of their own while the answer comes another way
//!   (listing every sequence for small n, say) holds none. Checked by
//!   `each_subproblem_is_solved_with_the_counts_below_it_in_hand`.
//! - `ways_to_climb(90, &[1, 2])` answers at once (`4660046610375530309`). Checked by
//!   `answers_n_90_at_once`.
//! - No recursion: `ways_to_climb(100_000, &[1])` (one way) and `ways_to_climb_traced` for the
//!   same run on a 256 KiB stack, on the calling thread, each using no more of it than for
//!   `n = 2^14`, within 512 bytes (the test paints the stack: a loop over a block of stairs
//!   that first calls itself for the stairs below is `n / block` frames deep). And for any n (27 to 300, steps
//!   from 1 to 3) `ways_to_climb_traced` solves every subproblem at the same stack depth (the
//!   test's `on_solve` compares the addresses of its own locals; a cached recursion, even one
//!   warmed up every few stairs to stay shallow, solves each k a frame deeper). Checked by
//!   `fills_the_table_without_recursion_on_a_256_kib_stack`,
//!   `every_subproblem_is_solved_at_the_same_stack_depth`.
//! - Neither function goes deeper into the stack for a larger `n`: the most stack each uses
//!   (the test paints the stack below it and looks for the lowest byte written) is the same,
//!   within 512 bytes, for n = 1, 5, 20, 60, 300 and 2,000. A cached recursion run first and
//!   reported afterwards from one loop, or warmed up every few stairs, goes deeper. Checked by
//!   `no_call_goes_deeper_for_a_larger_n`.
//! - Nor for more steps: each count is summed over the steps in a loop, so the most stack
//!   each function uses is the same, within 512 bytes, for `n = 2w - 1` with the `w` steps
//!   `w..=2w - 1` (one way), w = 1 to 1,000 (a sum over the steps by a call per step goes a
//!   frame deeper per step). Checked by `no_call_goes_deeper_for_more_steps`.
//! - Nothing outlives the call: once `ways_to_climb` returns, it holds no heap it allocated,
//!   whether the count fit (`n = 97`) or overflowed (`n = 1777`, and `n = 100,003`): a cache
//!   of answers in a `static` keeps them, even one kept only for big `n`. Checked by `the_cache_is_gone_when_the_call_returns`.
//! - Each call works its answer out afresh: asked twice, the second call holds at its peak
//!   as much heap as the first and at least 16 bytes for each of the `min(n, largest step)`
//!   counts below `n` it needs, at small and large n alike (`n = 10` with steps `[1, 2]`,
//!   `n = 1` with `[1]`, `n = 40` with `[3, 1, 2]`, and `n = 65,576` with `[65_536, 1]`: 42
//!   ways, 1 MiB of counts, too many for a frame). A cache of answers that outlives the call
//!   answers from memory, even one in a `static` or `thread_local!` array that never touches
//!   the heap or holds only small n. Checked by `a_second_call_works_the_answer_out_again`.
//! - The table belongs to the call, not to the program: two calls on two threads work at the
//!   same time (each, when it reports `k = 1`, waits at most 5 s for the other to report its
//!   own; a table shared behind one lock makes one call wait for the other). Checked by
//!   `two_calls_at_once_do_not_wait_for_each_other`.
//! - `on_solve` may itself call `ways_to_climb`: the inner call has its own table and both
//!   answers are right (a thread-local cache would be borrowed twice, or shared). Checked by
//!   `a_count_asked_for_while_solving_another_has_its_own_table`.
//!
//! **Not checked.** That the untraced `ways_to_climb` uses the cache for small `n`: only
//!   `ways_to_climb_traced` reports its work, and a separate uncached recursion for small `n`
//!   differs only in time, which the tests do not measure. Nor a recursion so shallow (one
//!   extra frame) that it fits the 512 bytes the stack-use check allows, nor one that takes
//!   a frame only every 25,000 stairs or more (the largest n checked is 100,000: a few
//!   frames, within those 512 bytes). Nor a cache of answers kept only for `n` above
//!   100,003, the largest `n` whose heap after the call is checked. Nor where the call
//!   keeps its own table while it runs: a table per call, kept in a slot of a `static` array
//!   taken at the start and emptied at the end, is still that call's alone (no other call
//!   sees it, nothing of it outlives the call, and a lock taken only for each access is
//!   never held while the test waits), so no test can tell it from a local `Vec`.

/// Why the ways could not be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClimbError {
    /// `steps[index]` is 0.
    #[error("step {index} is 0: a step must climb at least 1")]
    ZeroStep {
        /// The index of the zero in `steps`.
        index: usize,
    },
    /// The number of ways to climb `n` does not fit in a `u128`.
    #[error("the number of ways to climb {n} does not fit in a u128")]
    Overflow {
        /// The `n` asked for.
        n: u32,
    },
}

/// The number of ordered sequences of steps from `steps` that sum to exactly `n`.
pub fn ways_to_climb(n: u32, steps: &[u32]) -> Result<u128, ClimbError> {
    ways_to_climb_traced(n, steps, &mut |_| {})
}

/// [`ways_to_climb`], calling `on_solve(k)` each time the count for `k >= 1` is computed.
pub fn ways_to_climb_traced(
    n: u32,
    steps: &[u32],
    on_solve: &mut dyn FnMut(u32),
) -> Result<u128, ClimbError> {
    if let Some(index) = steps.iter().position(|&step| step == 0) {
        return Err(ClimbError::ZeroStep { index });
    }
    let mut distinct = steps.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    // ways[k]: the count for k, or None once it no longer fits in a u128. Filled from 0 up,
    // so each k is computed once, from counts already in the table, without recursion.
    let mut ways: Vec<Option<u128>> = vec![Some(1)];
    for k in 1..=n {
        on_solve(k);
        let count = distinct
            .iter()
            .filter_map(|&step| k.checked_sub(step))
            .try_fold(0u128, |total, rest| total.checked_add(ways[rest as usize]?));
        ways.push(count);
    }
    ways[n as usize].ok_or(ClimbError::Overflow { n })
}
