use crate::fee_totals::{decimal_fee_total, float_fee_total};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn ten_cents() -> Decimal {
    Decimal::from_str("0.10").expect("0.10 is a valid decimal literal")
}

#[rstest::rstest]
#[case::a_million(1_000_000, 100_000.000_001_332_88)]
#[case::ten_million(10_000_000, 999_999.999_838_975_4)]
fn float_fees_leak_a_fraction_of_a_cent(#[case] count: u64, #[case] drifted: f64) {
    let got = float_fee_total(count, 0.10);
    assert_eq!(
        got, drifted,
        "float_fee_total({count}, 0.10) gave {got}: one += per fee rounds at every fee and \
         drifts to {drifted}, however many fees there are (a single multiplication would hide \
         the leak)"
    );
}

#[test]
fn a_million_decimal_fees_are_exact() {
    let got = decimal_fee_total(1_000_000, ten_cents());
    assert_eq!(
        got,
        Decimal::from(100_000),
        "decimal_fee_total(1_000_000, 0.10) gave {got}: base-10 arithmetic holds 0.10 exactly, \
         so a million of them are exactly 100000"
    );
}

#[rstest::rstest]
#[case::three_fees_of_seven_cents(3, "0.07", "0.21")]
#[case::a_million_and_three_fees_of_thirteen_cents(1_000_003, "0.13", "130000.39")]
#[case::a_fee_with_a_tenth_of_a_cent(7, "0.295", "2.065")]
#[case::more_digits_than_a_float_holds(987_654_321, "0.0123456789", "12193263.1112635269")]
#[case::a_cent_fee_nearly_a_billion_times(999_999_999, "999999.99", "999999989000000.01")]
#[case::sixteen_digits_a_float_rounds_back_wrong(5_683_427_276_077, "0.838", "4762712057352.526")]
#[case::a_count_past_two_to_the_53(9_007_199_254_740_993, "0.01", "90071992547409.93")]
#[case::twenty_three_digits(123_456_789_012_345, "0.0123456789", "1524157875171.4595060205")]
#[case::ten_places_of_pi(77_777_777_777, "3.1415926535", "244346095269.7787612695")]
#[case::a_fee_of_twenty_digits(3, "0.12345678901234567891", "0.37037036703703703673")]
#[case::a_fee_of_eighteen_digits(7, "9.87654321098765432", "69.13580247691358024")]
#[case::a_fee_of_seventeen_digits(7, "999999999999999.99", "6999999999999999.93")]
#[case::a_fee_of_sixteen_digits(3, "90071992547409.93", "270215977642229.79")]
#[case::a_long_fee_a_billion_times(
    1_000_000_007,
    "0.000000123456789012345678",
    "123.456789876543201086419746"
)]
#[case::just_inside_the_range(2, "39614081257132168796771975167", "79228162514264337593543950334")]
#[case::exactly_the_maximum(3, "26409387504754779197847983445", "79228162514264337593543950335")]
fn the_decimal_total_never_passes_through_a_float(
    #[case] count: u64,
    #[case] fee: &str,
    #[case] expected: &str,
) {
    let fee = Decimal::from_str(fee).expect("a valid decimal literal");
    let got = decimal_fee_total(count, fee);
    assert_eq!(
        got.to_string(),
        expected,
        "{count} fees of {fee} gave {got}: multiply the Decimals themselves, with no f64 on the \
         way (not for the fee, the product or an overflow estimate); a float brings the binary \
         error along (3 × 0.07 is 0.21000000000000002 in f64, a fee of 16 or more digits may \
         not survive the round trip: 90071992547409.93 comes back as 90071992547409.9; and a total just \
         inside the range looks like the maximum)"
    );
}

#[test]
fn the_float_and_decimal_totals_disagree_at_scale() {
    let float = float_fee_total(1_000_000, 0.10);
    let decimal = decimal_fee_total(1_000_000, ten_cents());
    let gap = Decimal::from_f64_retain(float).expect("the float total is finite") - decimal;
    assert!(
        gap > Decimal::ZERO && gap < Decimal::new(1, 5),
        "the float total {float} and the decimal total {decimal} differ by {gap}: the float \
         leaks upward by about 1.3e-6 over a million fees"
    );
}

#[test]
fn no_transactions_collect_nothing() {
    let (float, decimal) = (float_fee_total(0, 0.10), decimal_fee_total(0, ten_cents()));
    assert!(
        float == 0.0 && decimal.is_zero(),
        "zero fees gave {float} and {decimal}: an empty batch totals zero"
    );
}

/// `2^95`: two of them are `2^96`, one more than `Decimal::MAX`, although as `f64`s the
/// product and the maximum are the same number.
fn half_of_two_to_the_96() -> Decimal {
    Decimal::from_i128_with_scale(1 << 95, 0)
}

/// Just past the edge too: an overflow judged from an `f64` estimate lets `2 × 2^95` through
/// (it equals `Decimal::MAX` as a double), and `Decimal`'s own `*` then panics with its own
/// message instead of this reason; use `checked_mul`.
#[rstest::rstest]
#[case::far_beyond(u64::MAX, Decimal::MAX)]
#[case::one_past_the_maximum(2, half_of_two_to_the_96())]
#[should_panic(expected = "overflow the Decimal range")]
fn a_total_beyond_the_decimal_range_panics_with_a_reason(#[case] count: u64, #[case] fee: Decimal) {
    decimal_fee_total(count, fee);
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn the_decimal_total_is_exactly_count_times_fee(count in 0_u64..5_000, cents in 0_i64..100_000) {
        let fee = Decimal::new(cents, 2);
        let got = decimal_fee_total(count, fee);
        prop_assert_eq!(
            got, fee * Decimal::from(count),
            "decimal_fee_total({}, {}) gave {}: Decimal adds cents without error", count, fee, got
        );
    }

    #[test]
    fn the_decimal_total_keeps_every_digit_of_a_long_product(
        (count, mantissa) in prop_oneof![
            (1_000_000_000_u64..100_000_000_000_000, 1_000_000_i64..10_000_000_000),
            // Fees of 19 digits, more than a double holds, so even the fee alone cannot pass
            // through an f64 (and back with Decimal::from_f64) unchanged.
            (1_u64..1_000_000_000, 1_000_000_000_000_000_000_i64..=i64::MAX),
            // Fees of 16 and 17 digits: a double holds only 15 for sure, so many of these do
            // not come back from an f64 (rounded to the fee's places) as they went in.
            (1_u64..1_000_000, 1_000_000_000_000_000_i64..100_000_000_000_000_000),
            // Fees and counts whose digits total 10 to 16 (the number of digits drawn first):
            // around the 16 a double almost holds, where a float product rounded back to the
            // fee's places is right at 15 digits and wrong on some of 16.
            (1_u32..=13, 10_u32..=16).prop_flat_map(|(count_digits, digits)| {
                let of_digits = |d: u32| 10_i64.pow(d - 1)..10_i64.pow(d);
                (
                    of_digits(count_digits).prop_map(|count| count.unsigned_abs()),
                    of_digits(digits.saturating_sub(count_digits).max(1)),
                )
            }),
        ],
        scale in 4_u32..=10,
    ) {
        let fee = Decimal::new(mantissa, scale);
        let exact = Decimal::from_i128_with_scale(i128::from(mantissa) * i128::from(count), scale);
        let got = decimal_fee_total(count, fee);
        prop_assert_eq!(
            got, exact,
            "decimal_fee_total({}, {}) gave {}, not {}: the product (or the fee itself) has more \
             digits than an f64 holds (about 16), so any detour through a float loses the last \
             ones; multiply the Decimals", count, fee, got, exact
        );
    }

    #[test]
    fn the_float_total_is_the_running_sum(
        // Short batches, and batches of 2,000 to 100,000 fees (below the big-batch test's).
        count in prop_oneof![0_u64..2_000, 2_000_u64..=100_000],
        fee in 0.0_f64..1000.0,
    ) {
        let (got, expected) = (float_fee_total(count, fee), running_sum(count, fee));
        prop_assert_eq!(
            got.to_bits(), expected.to_bits(),
            "float_fee_total({}, {}) gave {}: it must add the fee one transaction at a time ({})",
            count, fee, got, expected
        );
    }
}

/// `fee` added to `0.0` `count` times, one `+=` at a time (test oracle).
fn running_sum(count: u64, fee: f64) -> f64 {
    let mut total = 0.0;
    for _ in 0..count {
        total += fee;
    }
    total
}

proptest! {
    // A few cases: each adds up to 200,000 fees twice.
    #![proptest_config(ProptestConfig { cases: 6, ..super::proptest_config() })]

    #[test]
    fn a_batch_past_a_hundred_thousand_fees_drifts_like_the_running_sum(
        count in 100_001_u64..200_000,
        cents in (1_u32..10_000).prop_filter("not a multiple of a quarter", |c| c % 25 != 0),
    ) {
        let fee = f64::from(cents) / 100.0;
        let (got, expected) = (float_fee_total(count, fee), running_sum(count, fee));
        prop_assert_eq!(
            got.to_bits(), expected.to_bits(),
            "float_fee_total({}, {}) gave {}, but one += per fee gives {} (and one multiplication \
             {}): the drift comes from rounding at every fee, in a batch of any size and any fee, \
             so do every addition (no fee * count for big batches, no table of known figures)",
            count, fee, got, expected, fee * count as f64
        );
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the exact
/// edge of the `Decimal` range, and the running float sum over longer batches of cent fees.
#[cfg(feature = "held-out")]
mod held_out {
    use super::{decimal_fee_total, float_fee_total, running_sum};
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    #[test]
    fn one_fee_of_the_largest_decimal_is_not_an_overflow() {
        let got = (
            decimal_fee_total(1, Decimal::MAX),
            decimal_fee_total(0, Decimal::MAX),
        );
        assert_eq!(
            got,
            (Decimal::MAX, Decimal::ZERO),
            "one and zero fees of Decimal::MAX gave {got:?}: the total is the fee itself and \
             zero, both inside the range, so neither may panic"
        );
    }

    #[test]
    #[should_panic(expected = "overflow the Decimal range")]
    fn two_fees_of_the_largest_decimal_overflow() {
        decimal_fee_total(2, Decimal::MAX);
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn the_float_total_is_the_running_sum_of_any_batch_of_cent_fees(
            count in 2_000_u64..100_000, cents in 1_u32..10_000
        ) {
            let fee = f64::from(cents) / 100.0;
            let (got, expected) = (float_fee_total(count, fee), running_sum(count, fee));
            prop_assert_eq!(
                got.to_bits(), expected.to_bits(),
                "float_fee_total({}, {}) gave {}, but adding the fee once per transaction gives \
                 {}: the leak comes from one rounding per +=, so the loop must do every one",
                count, fee, got, expected
            );
        }
    }
}
