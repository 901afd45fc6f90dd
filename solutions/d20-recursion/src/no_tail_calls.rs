//! # Kata 6: no tail calls
//!
//! **Build** two functions that are *defined* by tail recursion, as loops:
//!
//! ```text
//! gcd(a, 0) = a
//! gcd(a, b) = gcd(b, a % b)                        (Euclid)
//!
//! sum_to(n, term) = go(1, 0)
//!   go(k, total) = total                   if k > n
//!   go(k, total) = go(k + 1, total + term(k))       (an accumulator)
//! ```
//!
//! - [`gcd`]: the greatest common divisor (`gcd(0, 0) = 0`);
//! - [`gcd_traced`]: the same, calling `on_round(a, b)` at the start of every round that
//!   still has work to do (`b != 0`), with the pair that round works on: `gcd_traced(12, 18,
//!   …)` reports `(12, 18)`, `(18, 12)`, `(12, 6)` and returns 6;
//! - [`sum_to`]: `term(1) + term(2) + … + term(n)` as a `u128`, calling `term` once per `k`,
//!   in order (0 for `n = 0`). It cannot overflow: at most 2^64 terms below 2^64 each.
//!
//! **Why.** In a tail call the caller has nothing left to do, so a compiler *may* reuse its
//! frame, turning the recursion into a jump. Languages that promise this (Scheme, Erlang)
//! let you write loops as recursion. Where it is not promised, a tail-recursive `sum_to`
//! over ten million terms takes ten million frames and crashes.
//!
//! **Python → Rust.** Python never eliminates tail calls, by design. Rust does not promise
//! it either: LLVM often turns simple self tail calls into loops in an optimised (release)
//! build, but not in a debug build (what `cargo test` runs), and never when a value with a
//! `Drop` is still alive at the call. A reserved keyword, `become`, for guaranteed tail
//! calls exists only as an unstable experiment. Code that is correct only when an optimiser
//! happens to be kind is not correct: write the loop. The arguments the tail call would
//! pass on are the whole state: they become variables that each turn of the loop updates.
//!
//! **The tests check.**
//! - `gcd` values, including 0 and `u64::MAX`, and that the result divides both and leaves
//!   coprime quotients. Checked by `finds_the_greatest_common_divisor`,
//!   `the_gcd_divides_both_and_leaves_coprime_quotients`.
//! - The rounds `gcd_traced` reports, none when `b` is already 0. Checked by
//!   `reports_each_round_with_the_pair_it_works_on`, `no_round_runs_when_b_is_already_zero`.
//! - `sum_to` calls `term` once per `k` in order, gives 0 for no terms and a `u128` that
//!   cannot overflow. Checked by `sums_the_terms_in_order_calling_each_once`,
//!   `the_sum_of_no_terms_is_zero`, `the_total_is_a_u128_that_cannot_overflow`.
//! - Every round and every term runs at the same stack depth (the test's callback compares
//!   the addresses of its own locals: a recursive version reaches the callback one frame
//!   deeper each time; `sum_to` is probed over 2^21 terms, so a recursion that adds a batch
//!   of terms per frame shows too). Small inputs too: `gcd_traced` on every Fibonacci pair
//!   (F(k+1), F(k)) from k = 2 (1 round) to 92, and `sum_to` for every n from 1 to 99 and
//!   any n up to 5,000, with terms `u64::MAX - k` that leave a `u64` total at every other
//!   term (a call for the rest of the sum at each overflow goes a frame deeper each time; a
//!   version that recurses only below a size threshold fails, unless
//!   the recursion is so shallow, 2 or 3 calls, that its frames fit in the 128-byte slack).
//!   Checked by `every_round_runs_at_the_same_stack_depth`,
//!   `every_term_is_asked_for_at_the_same_stack_depth`,
//!   `every_round_runs_at_the_same_stack_depth_for_every_fibonacci_pair`,
//!   `every_term_is_asked_for_at_the_same_stack_depth_from_n_1_up`,
//!   `every_term_is_asked_for_at_the_same_stack_depth_for_any_n`.
//! - `sum_to` asks for every term from its own frame, within 2 KiB of stack below its
//!   caller's (a recursion by halves asks from the same depth each time, but many frames
//!   down). And the first term sits at the same depth for every `n`, from 1 to `u64::MAX`
//!   (the test's term stops the sum by unwinding at `k = 1`: a split of `1..=n` in halves
//!   reaches its first chunk `log2(n / chunk)` frames down, whatever the chunk size). Checked
//!   by `every_term_is_asked_for_just_below_the_caller`,
//!   `the_first_term_is_asked_for_at_the_same_depth_whatever_n`.
//! - Neither `gcd` nor `gcd_traced` uses more stack for more rounds: the test paints the
//!   stack below it and finds the deepest byte each call wrote, for every Fibonacci pair from
//!   1 round to 91 and every pair (3 * 2^s, 2^s) for s = 1 to 62; the figures must agree
//!   within 128 bytes (a recursive `gcd`, or a `gcd_traced` that reports its rounds from a
//!   loop but returns a recursion's answer, goes a frame deeper per round; taking common
//!   factors of 2 out by a recursion goes a frame deeper per factor). Checked by `gcd_uses_the_same_stack_for_every_fibonacci_pair`.
//! - `gcd_traced` keeps no list of rounds on the heap: it makes no heap allocation (a
//!   recursion that notes the pairs in a `Vec` and replays them afterwards does).
//!   Checked by `gcd_traced_keeps_no_list_of_rounds`.
//! - `sum_to` over 10,000,000 terms runs on a 256 KiB stack, on the calling thread, and asks
//!   for its first term, every 65,536th and its last at one stack depth, within 128 bytes (a
//!   tail call after each batch of terms, even millions of them, goes a frame deeper per
//!   batch). Checked by `sums_ten_million_terms_on_a_256_kib_stack`.
//! - `sum_to` keeps only the running total, not the terms: summing 100,000 terms, and the
//!   10,000,000 terms on the small stack, makes no heap allocation at all (no stored terms, no
//!   boxed thunk for a trampoline, whether per tail call or per batch of terms). Checked by
//!   `summing_keeps_only_the_running_total_not_the_terms`,
//!   `sums_ten_million_terms_on_a_256_kib_stack`.
//!
//! **Not checked.** A recursion of 2 or 3 calls whose frames fit the 128-byte slack of the
//! depth and stack-use checks: so also a tail call only every 5,000,000 terms or more, and a
//! trampoline that boxes its tail call only every 10,000,000 terms or more (the largest n
//! checked is 10,000,000: one frame deep, or no box at all). Nor code that recurses only in
//! a build the tests never make: they build in debug only (what `cargo test` runs), so a
//! `sum_to` or `gcd` that is a loop under `#[cfg(debug_assertions)]` and a self tail call
//! under `#[cfg(not(debug_assertions))]` passes them. It is wrong all the same: that a
//! release build turns the tail call into a jump is the optimiser's choice, with that
//! compiler and those flags, not a promise of the language; one value with a `Drop` alive at
//! the call, or another LLVM, and the release build is the one that overflows its stack.
//!
//! **Not a dodge.** A fixed array of terms in `sum_to`'s own frame, filled and summed a batch
//! at a time (Python's `sum` of a list, a few terms long): it is still one loop over a bounded
//! state, with no recursion and no heap, so no test tells it from the running total. Nor a
//! `u64` total with a count of the times it wrapped (`overflowing_add`, then the count shifted
//! 64 bits up and the total added): at most `u64::MAX` terms means at most that many carries,
//! so the count cannot wrap and the answer is exact for every input. The lesson is the loop,
//! not the integer width: exact arithmetic by any means is fine.

/// The greatest common divisor of `a` and `b`, by Euclid's algorithm as a loop.
pub fn gcd(a: u64, b: u64) -> u64 {
    gcd_traced(a, b, &mut |_, _| {})
}

/// [`gcd`], calling `on_round(a, b)` at the start of every round with `b != 0`.
pub fn gcd_traced(mut a: u64, mut b: u64, on_round: &mut dyn FnMut(u64, u64)) -> u64 {
    while b != 0 {
        on_round(a, b);
        (a, b) = (b, a % b);
    }
    a
}

/// `term(1) + … + term(n)`, calling `term` once per `k` in order, as a loop.
pub fn sum_to(n: u64, mut term: impl FnMut(u64) -> u64) -> u128 {
    let mut total: u128 = 0;
    for k in 1..=n {
        total += u128::from(term(k));
    }
    total
}
