//! Dodge: round every tie away from zero (the school rule) where banker's rounding is asked
//! for: right on every value that is not exactly half-way.
//! Caught by: rounds_ties_by_policy, half_even_has_no_bias_over_consecutive_ties

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds `value` to `dp` decimal places, ties to the even neighbour (banker's rounding).
pub fn round_half_even(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Rounds `value` to `dp` decimal places, ties away from zero (Python's `ROUND_HALF_UP`).
pub fn round_half_up(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Keeps `digits` significant digits of `value`, ties to even (Python: `prec = digits`,
/// then unary `+`).
///
/// # Panics
///
/// If `digits` is zero, with a message saying at least one significant digit is needed; if
/// the rounded value is too large for `Decimal` (e.g. the maximum rounded to one digit),
/// with the message `"rounding {value} to {digits} significant digits overflows Decimal"`.
pub fn round_significant(value: Decimal, digits: u32) -> Decimal {
    assert!(
        digits > 0,
        "round_significant needs at least one significant digit, got 0"
    );
    value
        .round_sf_with_strategy(digits, RoundingStrategy::MidpointNearestEven)
        .unwrap_or_else(|| {
            panic!("rounding {value} to {digits} significant digits overflows Decimal")
        })
}
