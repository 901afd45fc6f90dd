//! # Kata 2 — what the float really stores
//!
//! **Build** [`exact_decimal_expansion`]: the exact decimal value of a double, every digit,
//! in positional notation, as Python prints `format(Decimal(x), 'f')`.
//!
//! **Why.** `0.1` in source code is not one tenth: it is the nearest double,
//! `0.1000000000000000055511151231257827021181583404541015625`. `{}` and Python's
//! `repr` both print the *shortest* string that reads back to the same double, which hides
//! the error. Seeing the stored value explains every "0.1 + 0.2 != 0.3" bug report.
//!
//! **Python → Rust.** Every finite double is an integer times a power of two, so its
//! decimal expansion always ends. Python shows it with `Decimal(x)`. Rust's
//! `rust_decimal::Decimal` cannot: it holds at most 28 fractional digits, so
//! `Decimal::from_f64_retain(0.1)` keeps *some* of the binary error (the article's
//! "instantiation trap") while `Decimal::from_str("0.1")` is exactly one tenth. The full
//! expansion is a string you compute yourself.
//!
//! **Format.** No exponent, no trailing zeros after the point, no point for integers:
//! `1.0` → `1`, `1e22` → `10000000000000000000000`, `-0.0` → `-0`, NaN → `NaN`,
//! infinities → `Infinity` / `-Infinity`.
//!
//! **The tests check.**
//! - the format cases above, `0.1`, `0.3` and `1e23` digit for digit. Checked by
//!   `prints_every_digit_the_double_stores`.
//! - the smallest subnormal (1074 places) and the largest double (309 digits). Checked by
//!   `prints_all_digits_of_the_smallest_subnormal`, `largest_double_is_a_309_digit_integer`.
//! - every digit of the doubles just below, at and just above `2^k` for small and large,
//!   positive and negative `k` (`7.999999999999999` stores
//!   `7.99999999999999911182158029987476766109466552734375`): a leading bit found with
//!   `log2().floor()` is one too high there, since `log2` rounds up just under a power of two.
//!   Checked by `doubles_next_to_a_power_of_two_print_their_own_digits`,
//!   `prints_every_digit_the_double_stores`.
//! - the expansion is exactly the stored value, reads back to the same double, and has no
//!   exponent or trailing zero (for any finite double, half of the time one next to a power of
//!   two). Checked by `the_expansion_is_the_exact_value_of_the_double`,
//!   `the_expansion_reads_back_to_the_same_double`,
//!   `the_expansion_has_no_exponent_and_no_trailing_zero_after_the_point`.
//! - the instantiation trap, and `0.1 + 0.2` as stored. Checked by
//!   `decimal_from_a_string_is_exact_but_from_a_float_carries_the_binary_error`,
//!   `renders_the_classic_sum_as_stored`.

/// Returns every decimal digit of the value `x` actually stores.
pub fn exact_decimal_expansion(x: f64) -> String {
    todo!("write out every stored digit of {x:e}")
}
