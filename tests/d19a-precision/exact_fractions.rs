// The solution names num_traits and the stub does not: loaded here, before any path names it,
// so that the learner's first use does not recompile the whole test binary (docs/authoring.md,
// "Crates only the solution names").
extern crate num_traits as _;

use crate::exact_fractions::{FractionError, as_integer_ratio, reciprocal_round_trip};
use num_bigint::BigInt;
use num_rational::Ratio;
use num_traits::{One, Signed};
use proptest::prelude::*;
use rstest::rstest;
use rust_decimal::Decimal;
use std::str::FromStr;

fn big(text: &str) -> BigInt {
    BigInt::from_str(text).expect("test tables hold integer literals")
}

#[rstest]
#[case::one_tenth(0.1, "3602879701896397", "36028797018963968")]
#[case::a_half(0.5, "1", "2")]
#[case::negative(-2.5, "-5", "2")]
#[case::integer(3.0, "3", "1")]
#[case::ten_to_the_22(1e22, "10000000000000000000000", "1")]
#[case::just_under_eight(7.999_999_999_999_999, "9007199254740991", "1125899906842624")]
#[case::just_under_1024(1024.0_f64.next_down(), "9007199254740991", "8796093022208")]
#[case::zero(0.0, "0", "1")]
#[case::negative_zero(-0.0, "0", "1")]
#[case::smallest_subnormal(
    5e-324,
    "1",
    "202402253307310618352495346718917307049556649764142118356901358027430339567995346891960383701437124495187077864316811911389808737385793476867013399940738509921517424276566361364466907742093216341239767678472745068562007483424692698618103355649159556340810056512358769552333414615230502532186327508646006263307707741093494784"
)]
#[case::largest(
    f64::MAX,
    "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368",
    "1"
)]
fn gives_the_exact_ratio_in_lowest_terms(
    #[case] x: f64,
    #[case] numerator: &str,
    #[case] denominator: &str,
) {
    let got = as_integer_ratio(x);
    assert_eq!(
        got,
        Some((big(numerator), big(denominator))),
        "as_integer_ratio({x:e}) gave {got:?}: every finite double is an integer times a power \
         of two; reduce it to lowest terms with a positive denominator"
    );
}

/// `as_integer_ratio(x)` is exactly `x`, in lowest terms, with a positive denominator.
fn assert_exact_and_reduced(x: f64) {
    let got = as_integer_ratio(x);
    let ok = got.as_ref().is_some_and(|(n, d)| {
        d.is_positive()
            && Ratio::new(n.clone(), d.clone()).denom() == d
            && Ratio::new_raw(n.clone(), d.clone()) == crate::suite::exact(x)
    });
    assert!(
        ok,
        "as_integer_ratio({x:e}) gave {got:?}: it must equal the double exactly, in lowest \
         terms, with a positive denominator; read the exponent and the 52 stored bits from \
         to_bits (log2 rounds up just under a power of two, so a leading bit found with it is \
         off by one there)"
    );
}

#[test]
fn doubles_next_to_a_power_of_two_keep_all_their_bits() {
    for k in crate::suite::POWERS_PINNED {
        let power = crate::suite::power_of_two(k);
        for x in [power.next_down(), power, power.next_up()] {
            assert_exact_and_reduced(x);
            assert_exact_and_reduced(-x);
        }
    }
}

#[rstest]
#[case::nan(f64::NAN)]
#[case::infinity(f64::INFINITY)]
#[case::negative_infinity(f64::NEG_INFINITY)]
fn has_no_ratio_for_nan_or_infinity(#[case] x: f64) {
    let got = as_integer_ratio(x);
    assert_eq!(
        got, None,
        "as_integer_ratio({x}) gave {got:?}: NaN and infinities are not fractions"
    );
}

#[test]
fn a_third_times_three_is_one_only_for_ratio_and_by_luck_for_f64() {
    let got = reciprocal_round_trip(3).expect("3 is a valid divisor");
    assert_eq!(
        (got.float, got.decimal.to_string(), got.ratio),
        (
            1.0,
            "0.9999999999999999999999999999".to_owned(),
            Ratio::one()
        ),
        "(1/3) * 3 gave {got:?}: f64 rounds back to exactly 1.0 (luck, not exactness), Decimal \
         keeps 28 nines, Ratio is exactly 1"
    );
}

#[test]
fn a_forty_ninth_times_forty_nine_misses_one_in_f64() {
    let got = reciprocal_round_trip(49).expect("49 is a valid divisor");
    assert_eq!(
        (got.float, got.ratio),
        (0.999_999_999_999_999_9, Ratio::one()),
        "(1/49) * 49 gave {got:?}: in f64 it is 0.9999999999999999, with Ratio exactly 1"
    );
}

#[test]
fn a_zero_divisor_is_an_error() {
    let got = reciprocal_round_trip(0);
    assert_eq!(
        got,
        Err(FractionError::DivisionByZero),
        "reciprocal_round_trip(0) gave {got:?}: 1/0 has no value"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn the_ratio_is_exact_and_reduced(x in crate::suite::finite_doubles()) {
        assert_exact_and_reduced(x);
    }

    #[test]
    fn ratio_round_trips_exactly_for_every_divisor(
        d in prop_oneof![-100_i32..100, any::<i32>()].prop_filter("non-zero", |d| *d != 0)
    ) {
        let got = reciprocal_round_trip(d)
            .map_err(|e| TestCaseError::fail(format!("reciprocal_round_trip({d}) failed: {e}")))?;
        let expected_float = (1.0 / f64::from(d)) * f64::from(d);
        let expected_decimal = (Decimal::ONE / Decimal::from(d)) * Decimal::from(d);
        prop_assert!(
            got.ratio == Ratio::one() && got.float == expected_float && got.decimal == expected_decimal,
            "reciprocal_round_trip({}) gave {:?}: Ratio must be exactly 1; the f64 and Decimal \
             fields are (1/d)*d computed in those types", d, got
        );
    }
}
