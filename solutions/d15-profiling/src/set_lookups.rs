//! # Kata 7: list lookups against set lookups
//!
//! **Build** two membership queries over a haystack that are fast whatever its size:
//!
//! - [`contains_all`]: is every needle somewhere in the haystack?
//! - [`missing`]: the needles that are not in the haystack, each value once, in the order
//!   of its first appearance among the needles.
//!
//! Put the haystack into a `HashSet` once, then ask the set. `haystack.contains(x)` on a
//! slice compares `x` with element after element: m lookups in n items cost up to n × m
//! comparisons. A hash set hashes each item once to build, then each lookup hashes the
//! needle and compares it with the one or two items in its bucket.
//!
//! Rules: with an empty needle list `contains_all` is `true` and `missing`
//! is empty; with an empty haystack every needle is missing. The tests count the calls to
//! `Hash::hash` and `PartialEq::eq` made on their keys: for n haystack items and m needles,
//! at most a few hashes per item and per needle, and at most about two comparisons per
//! needle, whatever n and m are: a few needles in a big haystack go through the set too.
//!
//! **Why.** A membership test inside a loop is the classic hidden O(n²): it is fast on the
//! ten-item test data and falls over on the production table.
//!
//! **Python → Rust.** The article profiles `x in list` against `x in set`. Rust is the same:
//! `<[T]>::contains` is a linear scan, `HashSet::contains` a hash lookup; the bench
//! `profiling` in the solution crate reproduces the article's 50,000-item comparison.
//! Counting `eq` calls instead of timing makes the difference a deterministic test: the
//! comparisons are the cost, and they do not depend on the machine.
//!
//! **The tests check.**
//! - `contains_all` answers on small inputs: duplicates, no needles (`true`), an empty
//!   haystack. Checked by `says_whether_every_needle_is_in_the_haystack`.
//! - `missing` lists each missing value once, in order of first appearance; with an empty
//!   haystack every distinct needle is missing. Checked by
//!   `lists_each_missing_needle_once_in_order`, `with_an_empty_haystack_every_needle_is_missing`.
//! - Both agree with a naive scan on any small input. Checked by `agrees_with_a_linear_scan`.
//! - Membership is decided by equality, not by hash alone: with a key type whose values all
//!   hash alike, a needle that is not in the haystack is still missing. Checked by
//!   `equal_hashes_are_not_equal_values`.
//! - Counted on 2,000 items and 2,000 needles: at most about two comparisons per needle and a
//!   few hashes per item and per needle, found or absent (a slice scan, or a new set per
//!   needle, or a `Vec` of reported needles, costs millions). Checked by
//!   `found_needles_cost_about_one_comparison_each`,
//!   `absent_needles_cost_almost_no_comparison`.
//! - Small inputs go through a set too: in every haystack of 3 to 16 items, 16 absent needles
//!   make at most 32 comparisons, and 16 needles equal to the last item fewer than the 16 × n
//!   a scan makes. Checked by `small_inputs_go_through_a_set_too`.
//! - Neither few needles nor a big haystack is an excuse to scan: m needles (1 to 15) in
//!   2^(m+1) + 1 items (5 to 65,537), found or absent, take part in at most 2m + 2
//!   comparisons. Checked by `a_few_needles_cost_a_few_comparisons_in_any_haystack`.
//!
//! **Not checked.** A scan of a haystack of one or two items: it makes no more comparisons
//! than a set would, and a size that small cannot hide an n × m cost. Nor a scan kept for
//! haystacks bigger than the tests build (more than 65,537 items). Nor a scan per needle
//! that the counters cannot see: comparing precomputed hashes (calling `eq` only on a
//! match), or a `Vec` of the needles already reported scanned by hash first, makes as few
//! comparisons and hashes as a set while doing n × m work. Only
//! the time shows it, and time is the bench's claim (`cargo bench -p solution-d15-profiling -- lookup`),
//! never a timed test's.
//!
//! **Not a dodge.** Any index built once over the haystack answers the lesson, not only a
//! `HashSet`: the items' hashes sorted once and searched by bisection, with `eq` called only
//! on a hash match, hashes each item once and compares about once per needle, as a set does.

use std::collections::HashSet;
use std::hash::Hash;

/// Whether every needle is in the haystack.
pub fn contains_all<T: Hash + Eq>(haystack: &[T], needles: &[T]) -> bool {
    let set: HashSet<&T> = haystack.iter().collect();
    needles.iter().all(|needle| set.contains(needle))
}

/// The needles not in the haystack, each value once, in order of first appearance.
pub fn missing<'n, T: Hash + Eq>(haystack: &[T], needles: &'n [T]) -> Vec<&'n T> {
    let set: HashSet<&T> = haystack.iter().collect();
    let mut reported: HashSet<&T> = HashSet::new();
    needles
        .iter()
        .filter(|needle| !set.contains(needle) && reported.insert(needle))
        .collect()
}
