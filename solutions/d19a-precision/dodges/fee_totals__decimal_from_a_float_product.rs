//! Dodge: multiply in `f64` and convert the product to `Decimal` at the end: the type says
//! Decimal, but the arithmetic was binary and the error came along.
//! Caught by: the_decimal_total_never_passes_through_a_float

use rust_decimal::Decimal;

/// Adds `fee` to an `f64` total `count` times, as a naive billing loop does.
pub fn float_fee_total(count: u64, fee: f64) -> f64 {
    (0..count).fold(0.0, |total, _| total + fee)
}

/// Returns the exact total of `count` fees of `fee`.
///
/// # Panics
///
/// If the total is too large for `Decimal`, with the message
/// `"{count} fees of {fee} overflow the Decimal range"`.
pub fn decimal_fee_total(count: u64, fee: Decimal) -> Decimal {
    use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
    let product = fee.to_f64().unwrap_or(f64::NAN) * count as f64;
    Decimal::from_f64(product)
        .unwrap_or_else(|| panic!("{count} fees of {fee} overflow the Decimal range"))
}
