//! # Kata 1: the iterator struct
//!
//! **Build** `Fibonacci`, a struct that implements [`Iterator`] and hands out the
//! Fibonacci numbers `0, 1, 1, 2, 3, 5, …` that are less than or equal to a limit.
//!
//! **Why.** An iterator is a cursor that owns only the state it needs for the next step:
//! here two numbers, whatever the length of the stream. Code that walks such a cursor
//! runs in constant memory. And a stream of fixed-width integers must end before its
//! arithmetic overflows: a `u64` addition past `u64::MAX` panics in a debug build and
//! silently wraps to garbage in a release build.
//!
//! **Python → Rust.** The article's iterator class keeps its state in `__init__`,
//! returns itself from `__iter__` and computes in `__next__`, raising `StopIteration` at the
//! end. In Rust the struct holds the state, `Iterator::next` returns `Some(value)` or
//! `None`, and `for` calls `IntoIterator::into_iter` first, which every iterator implements
//! by returning itself: Python's `__iter__ → self`. Python integers never overflow, so the
//! Python version needs no end but the limit; yours also ends after the largest Fibonacci
//! number that fits in a `u64` (`checked_add`). Once it has returned `None` it must keep
//! returning `None`, and it says so by implementing [`FusedIterator`].
//!
//! **When the struct earns its keep.** The article keeps a class for iterators that need more
//! than "next": a `.reset()` or a `.seek()`. The same holds in Rust: the closure-built stream
//! of kata 2 can only be pulled, while a struct can have methods of its own. `restart`
//! rewinds the stream to its start with the same limit, even after it has finished.
//! And a struct can have more than one constructor: `starting_with(first, second, limit)` runs
//! the same rule (each number the sum of the two before it) from any two numbers (`2, 1` gives
//! the Lucas numbers), ending at the first number above the limit or the first sum that does
//! not fit in a `u64`. From such a start no count of steps tells where a `u64` runs out: only
//! `checked_add` does. `new(limit)` is `starting_with(0, 1, limit)`.
//!
//! **The tests check.**
//! - the numbers for small limits, the limit inclusive. Checked by
//!   `yields_the_fibonacci_numbers_up_to_an_inclusive_limit`.
//! - `next` hands out one number per call, then `None`. Checked by
//!   `next_hands_out_one_number_per_call_then_none`.
//! - `u64::MAX` as the limit ends the stream at the 94th number instead of overflowing. Checked by
//!   `stops_at_the_largest_fibonacci_number_that_fits_in_u64`.
//! - a finished stream stays finished, for any limit and any start (also one whose first number is
//!   above the limit and a later one below it), and `Fibonacci` implements `FusedIterator`.
//!   Checked by `stays_exhausted_once_it_has_returned_none`,
//!   `promises_to_stay_exhausted_by_implementing_fused_iterator`,
//!   `each_number_is_the_sum_of_the_two_before_it`,
//!   `starts_from_any_two_numbers_with_the_same_rule`,
//!   `ends_exactly_where_a_sum_overflows_from_any_start`.
//! - the recurrence law for any limit: starts 0, 1, each number the sum of the two before, none
//!   above the limit, none missing. Checked by `each_number_is_the_sum_of_the_two_before_it`.
//! - the struct is small (at most 64 bytes, so no table of the 94 numbers: two `u128`s, the limit
//!   and the start already take all 64) and the stream never allocates, at any limit and from any
//!   start (every limit where a stream's length changes and every power of two: no short stream
//!   listed up front either). Checked by `holds_the_state_of_one_step_not_a_table_of_numbers`,
//!   `runs_without_touching_the_heap`.
//! - `Fibonacci` is not `Copy`: a stream used by value is moved and spent after one pass, never
//!   silently copied so that a second pass starts over (it may be `Clone`). Checked by
//!   `a_stream_is_not_copy_so_a_walk_by_value_spends_it`.
//! - `restart` rewinds a stream, half-way through or finished, to its start with the same limit.
//!   Checked by `restart_rewinds_a_stream_half_way_through_to_zero`,
//!   `restart_revives_a_finished_stream_with_the_same_limit`,
//!   `restart_rewinds_to_the_two_numbers_it_started_with`.
//! - `starting_with` follows the rule from any two numbers, up to an inclusive limit. Checked by
//!   `starts_from_any_two_numbers_with_the_same_rule`.
//! - from any two starting numbers the stream ends exactly where the next sum would overflow a
//!   `u64` (a fixed count of 94 is right from `0, 1` only: `1, 1`, `0, 2`, `1, 2` and `2, 1` end
//!   elsewhere); a sum of exactly `u64::MAX` fits and is handed out (`u64::MAX - 1, 1` ends at
//!   `u64::MAX`). Checked by `ends_where_the_next_sum_would_overflow_not_after_a_fixed_count`,
//!   `a_start_like_the_classic_one_ends_at_its_own_overflow`,
//!   `ends_exactly_where_a_sum_overflows_from_any_start`.
//! - from `0, 0` the stream gives zeros for ever (no sum overflows, none passes the limit).
//!   Checked by `from_two_zeros_the_stream_gives_zeros_for_ever`.
//!
//! **Not checked.** How `next` computes its number: a struct that wraps a std adaptor in a
//! named type, or one that recomputes each number from its index by a closed formula for any
//! start, behaves the same; so does the work per step (also one that replays the rule from the
//! start up to its index on every call: quadratic work, the same output and a small struct). Nor
//! a few numbers worked out ahead into a small batch held in the struct (a `[u64; 4]` and its
//! cursor fit in 64 bytes): the same output, and the bound cannot be tighter, since an honest
//! state kept in `u128`s needs all 64 bytes. Likewise a `static` table of the 94
//! Fibonacci numbers that fit in a `u64`, read for the `(0, 1)` start only (other starts run the
//! rule): it lives outside the struct and gives the same stream. The same for a count of 94 steps
//! (with `wrapping_add`) kept for the `(0, 1)` start only: from that start 94 numbers is exactly
//! where the next sum overflows, so no output tells the count from `checked_add`, and a counter
//! field fits in the struct's size. Do not: the lesson is that the struct's fields are the state,
//! `next` applies the rule, and the end comes from the overflow itself. Nor is a state kept in `u128`
//! checked: its sums cannot overflow before the limit (at most `u64::MAX`) ends the stream, so it
//! ends at the same number without `checked_add`; that is another honest way never to overflow.
//! Nor is a count of the numbers that fit, worked out up front for each start and then counted
//! down, seen when its cap lies above the longest stream the tests take: every start but `0, 0`
//! ends within 94 numbers, and from `0, 0` the tests take 10,000 zeros.
//!
//! **Not a dodge.** Adding with `wrapping_add` (or `overflowing_add`) and ending the stream when
//! the sum comes out smaller than an addend: that carry test is exactly the overflow that
//! `checked_add` reports (it is built on `overflowing_add`), so the end still comes from the
//! overflow itself, from any start, and the wrapped number is never handed out.

use std::iter::FusedIterator;

/// The Fibonacci numbers `0, 1, 1, 2, 3, 5, …` up to and including a limit.
#[derive(Debug, Clone)]
pub struct Fibonacci {
    /// The number `next` hands out, `None` once the stream is over.
    current: Option<u64>,
    /// The number after `current`, `None` when it does not fit in a `u64`.
    following: Option<u64>,
    /// The largest number the stream may hand out.
    limit: u64,
    /// The two numbers the stream started with, for `restart`.
    start: (u64, u64),
}

impl Fibonacci {
    /// A stream of the Fibonacci numbers that are `<= limit`, starting at 0.
    pub fn new(limit: u64) -> Self {
        Self::starting_with(0, 1, limit)
    }

    /// The numbers `first, second, first + second, …` that are `<= limit`: the same rule from
    /// any two starting numbers, ending at the first number above the limit or the first sum
    /// past `u64::MAX`.
    pub fn starting_with(first: u64, second: u64, limit: u64) -> Self {
        Self {
            current: Some(first),
            following: Some(second),
            limit,
            start: (first, second),
        }
    }

    /// Rewinds the stream to its first number, keeping its limit (also after it has returned
    /// `None`).
    pub fn restart(&mut self) {
        *self = Self::starting_with(self.start.0, self.start.1, self.limit);
    }
}

impl Iterator for Fibonacci {
    type Item = u64;

    /// The next Fibonacci number, or `None` past the limit or past `u64::MAX`.
    fn next(&mut self) -> Option<u64> {
        let current = self.current.filter(|&n| n <= self.limit)?;
        self.current = self.following;
        self.following = self.following.and_then(|n| n.checked_add(current));
        Some(current)
    }
}

impl FusedIterator for Fibonacci {}
