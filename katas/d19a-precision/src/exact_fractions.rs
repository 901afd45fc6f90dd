//! # Kata 7 — exact fractions
//!
//! **Build** [`as_integer_ratio`], the exact value of a double as a fraction of two big
//! integers (Python's `float.as_integer_ratio`), and [`reciprocal_round_trip`], which
//! computes `(1 / d) × d` in `f64`, `Decimal` and `Ratio<i64>` side by side.
//!
//! **Why.** When a result must be exact whatever the operations (a solver, a
//! reconciliation, a test oracle), neither binary nor decimal fractions will do: 1/3 has
//! no finite expansion in either base. Rationals are exact for `+ - × ÷`, at the price of
//! growing numerators and a `gcd` on every step.
//!
//! **Python → Rust.** `fractions.Fraction` becomes `num_rational::Ratio` (`Ratio<i64>`
//! for small values, `BigRational` when they may grow); `int` becomes
//! `num_bigint::BigInt`. One claim does not carry over literally: `1/3 * 3` happens to
//! round back to exactly `1.0` in `f64` (in Python too). The float failure shows with
//! other divisors, e.g. `(1/49) × 49 = 0.9999999999999999`; `Decimal` gives
//! `0.9999999999999999999999999999` for `d = 3`; `Ratio` is exactly 1 for every `d`.
//!
//! **The tests check.**
//! - known ratios in lowest terms with a positive denominator, signed zero, the extremes of the
//!   range. Checked by `gives_the_exact_ratio_in_lowest_terms`.
//! - `None` for NaN and infinities. Checked by `has_no_ratio_for_nan_or_infinity`.
//! - an exact, reduced ratio for any finite double, the generator choosing half of the time a
//!   double next to a power of two (`2^k`, or just below or above it, for random `k`).
//!   Checked by `the_ratio_is_exact_and_reduced`.
//! - every bit of the doubles just below, at and just above `2^k` for small and large, positive
//!   and negative `k` (`7.999999999999999` is `9007199254740991 / 2^50`): an exponent found with
//!   `log2().floor()` is one too high there, since `log2` rounds up just under a power of two.
//!   Checked by `doubles_next_to_a_power_of_two_keep_all_their_bits`,
//!   `gives_the_exact_ratio_in_lowest_terms`.
//! - the three number types on `(1 / d) × d`, and the zero divisor. Checked by
//!   `a_third_times_three_is_one_only_for_ratio_and_by_luck_for_f64`,
//!   `a_forty_ninth_times_forty_nine_misses_one_in_f64`,
//!   `ratio_round_trips_exactly_for_every_divisor`, `a_zero_divisor_is_an_error`.
//!
//! **Not checked.** That the `ratio` field is computed: `(1 / d) × d` is exactly 1 for every
//! `d`, so a constant `Ratio::one()` (or the float rounded, `Ratio::from_integer(x.round())`)
//! cannot be told apart from the computation. Nor how `as_integer_ratio` finds its exact
//! fraction: printing the double with all its decimal digits (`{:.1074}`, exact in Rust) and
//! reducing `digits / 10^k` gives the same lowest terms; the lesson's way reads the mantissa
//! and the power of two from the bits (`to_bits`), which is what the digits come from. Two
//! other exact routes give the same answers and are not told apart either:
//! `BigRational::from_float` (the library reads the bits for you), and doubling the value until
//! `fract()` is zero, then splitting the whole number into base-2^32 digits with `%` and `/`
//! (every step is exact in `f64`, because doubling and taking whole parts of a double never
//! round). They are correct; they just hide what the exact fraction is made of.
//!
//! **Not a dodge.** The exponent guessed from `log2().floor()` and corrected in both
//! directions, the mantissa then found by scaling with `powi` (exact: multiplying a double by a
//! power of two never rounds) instead of read from `to_bits`: the same exact fraction, like the
//! doubling route above.

use num_bigint::BigInt;
use num_rational::Ratio;
use rust_decimal::Decimal;

/// `(1 / d) × d` computed three ways.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundTrip {
    /// Computed in binary floating point.
    pub float: f64,
    /// Computed in `rust_decimal::Decimal` (28 significant digits).
    pub decimal: Decimal,
    /// Computed with exact rationals.
    pub ratio: Ratio<i64>,
}

/// Errors from exact-fraction arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FractionError {
    /// The divisor was zero.
    #[error("cannot take the reciprocal of zero")]
    DivisionByZero,
}

/// Returns `x` as `(numerator, denominator)` in lowest terms with a positive denominator,
/// or `None` for NaN and infinities.
pub fn as_integer_ratio(x: f64) -> Option<(BigInt, BigInt)> {
    todo!("turn {x:e} into a ratio of two integers")
}

/// Computes `(1 / d) × d` in `f64`, `Decimal` and `Ratio<i64>`.
pub fn reciprocal_round_trip(d: i32) -> Result<RoundTrip, FractionError> {
    todo!("compute (1 / {d}) × {d} three ways")
}
