//! # Kata 5 — fees at scale with `Decimal`
//!
//! **Build** the article's forge: [`float_fee_total`] collects a flat fee `count` times in
//! an `f64`, one `+=` per transaction, and [`decimal_fee_total`] collects it in
//! `rust_decimal::Decimal`, exactly.
//!
//! **Why.** A fee of 0.10 is stored as 0.1000000000000000055…; each addition rounds the
//! running total again, and the errors do not cancel. After a million transactions the
//! float total is `100000.00000133288`, not `100000`: a reconciliation job that compares
//! it with the bank's figure flags a discrepancy nobody can explain.
//!
//! **Python → Rust.** Python's `Decimal` is arbitrary-precision base-10 arithmetic in
//! software; Rust's `rust_decimal::Decimal` is a 96-bit integer with a base-10 scale, so it
//! is exact for money but has a maximum (about 7.9 × 10^28). Build the fee from a string
//! (`Decimal::from_str("0.10")` or the `dec!` macro), never from an `f64`.
//!
//! **The tests check.**
//! - the drift of the float total for a million and for ten million fees, bit for bit the
//!   running sum of one `+=` per fee (also for up to 100,000 fees of any amount below 1000, and
//!   for random batches of 100,001 to 200,000 fees of any cent amount that is not a multiple
//!   of a quarter, so no table of known figures answers). Checked by
//!   `float_fees_leak_a_fraction_of_a_cent`, `the_float_total_is_the_running_sum`,
//!   `a_batch_past_a_hundred_thousand_fees_drifts_like_the_running_sum`,
//!   `the_float_and_decimal_totals_disagree_at_scale`.
//! - the decimal total is exactly `count × fee`, also for fees of 16 to 20 significant digits
//!   (more than a double holds for sure, so the fee itself cannot pass through an `f64`, e.g.
//!   `Decimal::from_f64(fee.to_f64())`, even rounded back to its places:
//!   `90071992547409.93` comes back as `90071992547409.9`), for a cent fee nearly a billion times (999,999,999 fees
//!   of `999999.99`, 17 digits), for fees and counts whose digits total 10 to 16, where a
//!   float product rounded back to the fee's places starts to go wrong (5683427276077 fees of
//!   `0.838` are `4762712057352.526`, not `.53`), and for totals just inside the range. Checked by `a_million_decimal_fees_are_exact`,
//!   `the_decimal_total_never_passes_through_a_float`,
//!   `the_decimal_total_is_exactly_count_times_fee`,
//!   `the_decimal_total_keeps_every_digit_of_a_long_product`.
//! - the empty batch. Checked by `no_transactions_collect_nothing`.
//! - the overflow panic, far past the range and one past `Decimal::MAX` (`2 × 2^95`, which an
//!   `f64` estimate cannot tell from the maximum). Checked by
//!   `a_total_beyond_the_decimal_range_panics_with_a_reason`.
//!
//! **Not checked.** A float fast path kept to short products: when the fee's digits and the
//! count's digits total 15 or fewer, `fee.to_f64() * count` is within a fraction of the last
//! place, so rounding it back to the fee's places (`round_dp`, `rescale`) gives exactly
//! `count × fee`, and no test can tell it from the Decimal product; the tests catch the detour
//! on longer products and whenever the result is not rounded back. Do not: the lesson is that
//! the total is computed in base 10, not that a float may be used where its error rounds away.
//! Not a dodge at all: a fee of 15 significant digits or fewer passed through an `f64` and back
//! (`Decimal::from_f64(fee.to_f64())`, rescaled to the fee's places) before the `Decimal`
//! product. A double holds every such fee to well under half a unit of its last place, so the
//! round trip restores the fee exactly and the total is still `count × fee` in base 10; no
//! output can differ. Only fees of 15 digits or fewer round-trip exactly: "a double holds 17
//! digits" is a myth for this purpose (17 digits identify a double, not the other way round),
//! and the tests' fees of 16 to 20 digits catch the round trip on longer fees.
//! Nor the float total past ten million fees: the article's 100 million additions take most of
//! a second in a debug build, so a loop that switches to one `fee * count` above some count
//! larger than ten million goes unseen; nor one that switches above 200,000 fees (the largest
//! random batch the tests add) and answers the article's two figures for 0.10 (a million and
//! ten million fees) from a table. Do not: the drift is the point at every scale.
//! Nor how the running sum is computed: inside one binade every `+=` adds the same rounded
//! increment (the fee rounded to that binade's spacing, unless it falls half-way), so a loop
//! that jumps over whole runs with one multiplication of that increment, and adds one fee at a
//! time near each binade's edge and at half-way fees, gives the loop's bits exactly and no test
//! can tell (only the time taken differs). It still reproduces every rounding, so it is not
//! the float-free shortcut the tests catch (`fee * count`); prefer the plain loop, which shows
//! the leak as it happens.
//! Nor how the overflow is found: `Decimal`'s panicking `*` inside `catch_unwind`, re-raised
//! with the required message, gives the same totals and the same panic as `checked_mul` (only
//! an extra message on stderr differs). Prefer `checked_mul`: the overflow as a value.
//!
//! **Not a dodge.** Integer minor units: the fee's `i128` mantissa times the count, checked,
//! rebuilt as a `Decimal` at the fee's scale (`Decimal::try_from_i128_with_scale`). That is exact
//! base-10 arithmetic (the article's other option, money as whole units of its smallest
//! place), never a binary float, so it gives `count × fee` exactly wherever the product's
//! mantissa fits 96 bits. (Past that, with trailing zeros in the fee, `Decimal`'s own product
//! may still fit by dropping them; the tests do not go there.) Nor that product taken in an
//! `f64` while it stays below 2^53 (exact there): see the suite brief, *Whole numbers in an
//! `f64`*.

use rust_decimal::Decimal;

/// Adds `fee` to an `f64` total `count` times, as a naive billing loop does.
pub fn float_fee_total(count: u64, fee: f64) -> f64 {
    todo!("collect {count} fees of {fee} in an f64")
}

/// Returns the exact total of `count` fees of `fee`.
///
/// # Panics
///
/// If the total is too large for `Decimal`, with the message
/// `"{count} fees of {fee} overflow the Decimal range"`.
pub fn decimal_fee_total(count: u64, fee: Decimal) -> Decimal {
    todo!("collect {count} fees of {fee} in a Decimal")
}
