//! # Kata 6 — comparing floats
//!
//! **Build** [`is_close`] with exactly the semantics of Python's `math.isclose`.
//!
//! **Why.** `0.1 + 0.2 == 0.3` is false, so an `==` on computed floats is a coin toss:
//! a test passes on one machine and fails after a harmless refactor reorders a sum.
//! Comparing within a tolerance says what "equal" means for the domain.
//!
//! **Python → Rust.** `std` has no `isclose`. The rule: `a` and `b` are close when
//! `|a - b| <= max(rel_tol * max(|a|, |b|), abs_tol)`. The relative part scales with
//! the larger magnitude, which makes the test symmetric; it is useless near zero, which is
//! what `abs_tol` is for. Equal values (including equal infinities) are close, an infinity
//! is close to nothing else, NaN is close to nothing, and a negative tolerance is a bug in
//! the caller: Python raises `ValueError`, this function panics.
//!
//! **The tests check.**
//! - a table of edge cases (the larger tolerance, not their sum, whichever of the two is larger
//!   when both are non-zero; the larger magnitude; NaN, infinities, inclusive boundaries; no
//!   absolute floor but `abs_tol`: `1e-20` and `2e-20`, `1e-35` and `2e-35`, or the two
//!   smallest subnormals are not close with `abs_tol` 0), and `0.1 + 0.2` against `0.3`.
//!   Checked by `follows_python_isclose`, `the_classic_sum_is_close_but_not_equal`.
//! - the distance is `|a - b|`, signs included: values of opposite sign are as far apart as
//!   their difference (`-1.0` and `1.0` are 2 apart, not 0), and a finite non-zero number is
//!   not close to its negation. Checked by
//!   `values_of_opposite_sign_are_as_far_apart_as_their_difference`,
//!   `a_nonzero_number_is_not_close_to_its_negation`.
//! - for two negatives, `rel_tol` scales with the larger magnitude, not the larger value
//!   (`max(a, b)` is then the one nearer zero). Checked by
//!   `two_negatives_scale_by_the_larger_magnitude_not_the_larger_value`.
//! - no tolerance but the two given: values one to eight ulps apart, at any exponent (near
//!   `1.0`, at `1e300`, among subnormals), are not close with both tolerances zero or with a
//!   `rel_tol` below `f64::EPSILON` (no ulp slack, no `rel_tol` raised to `f64::EPSILON`;
//!   `is_close(1.0, 1.0 + f64::EPSILON, 0.0, 0.0)` is false, as in Python). Checked by
//!   `follows_python_isclose`, `neighbouring_doubles_are_close_only_within_the_given_tolerances`.
//! - symmetry for any pair and for pairs near the tolerance; every number is close to itself.
//!   Checked by `is_symmetric`, `is_symmetric_for_pairs_near_the_tolerance`,
//!   `every_number_is_close_to_itself`.
//! - the panics for negative tolerances. Checked by `a_negative_relative_tolerance_panics`,
//!   `a_negative_absolute_tolerance_panics`.
//!
//! **Not checked.** The arithmetic of the relative test: `diff / max(|a|, |b|) <= rel_tol` is
//! Python's rule `diff <= rel_tol * max(|a|, |b|)` rounded differently, so the two can differ
//! only within an ulp of the boundary, where the tests do not sit; that is not a different rule.

/// True if `a` and `b` are within `rel_tol` (relative) or `abs_tol` (absolute) of each other.
///
/// # Panics
///
/// If either tolerance is negative; the message says tolerances must be non-negative.
pub fn is_close(a: f64, b: f64, rel_tol: f64, abs_tol: f64) -> bool {
    if rel_tol < 0.0 || abs_tol < 0.0 {
        panic!("tolerances must be non-negative, got rel_tol {rel_tol} and abs_tol {abs_tol}");
    }
    if a == b {
        return true;
    }
    if a.is_infinite() || b.is_infinite() {
        return false;
    }
    let diff = (a - b).abs();
    diff <= (rel_tol * b).abs() || diff <= (rel_tol * a).abs() || diff <= abs_tol
}
