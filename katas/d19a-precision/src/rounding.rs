//! # Kata 3 — rounding is a policy
//!
//! **Build** three rounding functions on `rust_decimal::Decimal`:
//! [`round_half_even`] and [`round_half_up`] to a number of decimal places, and
//! [`round_significant`] to a number of significant digits.
//!
//! **Why.** Which way a tie goes is a business rule, not arithmetic. Rounding every
//! `.5` away from zero pushes a long ledger of ties upward by half a unit per tie;
//! banker's rounding (ties to the even neighbour) sends half of them down, so the bias
//! cancels. A system that picks the mode by accident gets a slow, one-sided drift.
//!
//! **Python → Rust.** Python's `decimal` keeps the mode in a thread-global context
//! (`getcontext().rounding`, `getcontext().prec`) that any library can change under you.
//! Rust has no global context: the policy is an argument (a `RoundingStrategy`), visible
//! at every call site.
//! `ROUND_HALF_UP` in Python means ties *away from zero* (`-2.5` → `-3`).
//!
//! Because `Decimal::from_str("2.675")` is exactly 2.675, it rounds to 2.68 under both
//! policies; Python's float `round(2.675, 2)` gives 2.67 because the double is
//! 2.67499999…; the tests show both.
//!
//! **The tests check** tables of ties and non-ties in both modes, the bias of a long
//! series of ties, significant-digit rounding with carries, and the zero-digits panic.

use rust_decimal::Decimal;

/// Rounds `value` to `dp` decimal places, ties to the even neighbour (banker's rounding).
pub fn round_half_even(value: Decimal, dp: u32) -> Decimal {
    todo!("round {value} to {dp} places, ties to even")
}

/// Rounds `value` to `dp` decimal places, ties away from zero (Python's `ROUND_HALF_UP`).
pub fn round_half_up(value: Decimal, dp: u32) -> Decimal {
    todo!("round {value} to {dp} places, ties away from zero")
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
    todo!("keep {digits} digits of {value}")
}
