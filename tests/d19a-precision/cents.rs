use crate::cents::{Cents, MoneyError, allocate, allocate_by_ratio};
use proptest::prelude::*;
use rstest::rstest;

#[rstest]
#[case::dollars_and_cents("10.50", 1050)]
#[case::negative("-3.05", -305)]
#[case::whole_dollars("7", 700)]
#[case::one_decimal_place("0.5", 50)]
#[case::explicit_plus("+1.99", 199)]
#[case::zero_cents_past_the_cents("1.500", 150)]
#[case::many_zeros_past_the_cents("0.1000000000000000000000000000000", 10)]
#[case::negative_zero("-0", 0)]
#[case::sixteen_digits_of_dollars("9999999999999999", 999_999_999_999_999_900)]
#[case::dollars_a_double_cannot_hold("9007199254740993", 900_719_925_474_099_300)]
#[case::largest("92233720368547758.07", i64::MAX)]
#[case::smallest("-92233720368547758.08", i64::MIN)]
#[case::sixteen_digits_with_cents("99999999999999.99", 9_999_999_999_999_999)]
#[case::cents_a_double_cannot_hold("-70368744177664.99", -7_036_874_417_766_499)]
fn parses_plain_amounts_into_whole_cents(#[case] input: &str, #[case] cents: i64) {
    let got = Cents::parse(input);
    assert_eq!(
        got,
        Ok(Cents(cents)),
        "Cents::parse({input:?}) gave {got:?}: the amount is exactly {cents} cents"
    );
}

#[rstest]
#[case::empty("", MoneyError::Empty)]
#[case::sub_cent("0.005", MoneyError::SubCent("0.005".into()))]
#[case::sub_cent_negative("-1.239", MoneyError::SubCent("-1.239".into()))]
#[case::sub_cent_far_past_the_cents("1.000000000001", MoneyError::SubCent("1.000000000001".into()))]
#[case::sub_cent_past_twenty_zeros("-0.10000000000000000000001", MoneyError::SubCent("-0.10000000000000000000001".into()))]
#[case::sub_cent_past_four_hundred_zeros(&sub_cent_past(400), MoneyError::SubCent(sub_cent_past(400)))]
#[case::exponent("1e3", MoneyError::Exponent("1e3".into()))]
#[case::exponent_with_sign("2.5E-2", MoneyError::Exponent("2.5E-2".into()))]
#[case::comma_separator("1,000.00", MoneyError::Separator("1,000.00".into()))]
#[case::underscore_separator("1_000", MoneyError::Separator("1_000".into()))]
#[case::word("ten", MoneyError::NotANumber("ten".into()))]
#[case::word_with_an_e("free", MoneyError::NotANumber("free".into()))]
#[case::letters_before_an_exponent("xe5", MoneyError::NotANumber("xe5".into()))]
#[case::exponent_without_digits("5e", MoneyError::NotANumber("5e".into()))]
#[case::separators_and_two_points("1,2.3.4", MoneyError::NotANumber("1,2.3.4".into()))]
#[case::currency_sign("$5", MoneyError::NotANumber("$5".into()))]
#[case::dangling_point("10.", MoneyError::NotANumber("10.".into()))]
#[case::leading_point(".5", MoneyError::NotANumber(".5".into()))]
#[case::lone_sign("-", MoneyError::NotANumber("-".into()))]
#[case::two_points("1.2.3", MoneyError::NotANumber("1.2.3".into()))]
#[case::space(" 5", MoneyError::NotANumber(" 5".into()))]
#[case::just_too_big("92233720368547758.08", MoneyError::OutOfRange("92233720368547758.08".into()))]
#[case::just_too_small("-92233720368547758.09", MoneyError::OutOfRange("-92233720368547758.09".into()))]
#[case::huge("1000000000000000000000000000000000000000000", MoneyError::OutOfRange("1000000000000000000000000000000000000000000".into()))]
fn refuses_input_that_is_not_a_plain_amount(#[case] input: &str, #[case] error: MoneyError) {
    let got = without_a_panic(&format!("Cents::parse({input:?})"), || Cents::parse(input));
    assert_eq!(
        got,
        Err(error.clone()),
        "Cents::parse({input:?}) gave {got:?}: refuse it with {error:?} ({error}) instead of guessing"
    );
}

/// Runs `f`, failing the test if a panic was raised on the way, even one `f` caught itself.
fn without_a_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let (out, raised) = super::panics_raised_by(f);
    assert_eq!(
        raised, 0,
        "{what} panicked {raised} time(s) on the way and caught it: plain `+` and `*` panic on \
         overflow only where overflow checks are on (debug builds); a release build wraps \
         silently to a wrong amount that no catch_unwind sees, so detect overflow as a value \
         with checked_add / checked_mul"
    );
    out
}

/// `"1.00"`, then `zeros` zeros and a 1: a fraction of a cent far below what an `f64` holds.
fn sub_cent_past(zeros: usize) -> String {
    format!("1.00{}1", "0".repeat(zeros))
}

#[rstest]
#[case::dollars_and_cents(1050, "$10.50")]
#[case::negative(-305, "-$3.05")]
#[case::only_cents(7, "$0.07")]
#[case::zero(0, "$0.00")]
#[case::most_negative(i64::MIN, "-$92233720368547758.08")]
#[case::just_past_two_to_the_46_dollars(7_036_874_417_766_499, "$70368744177664.99")]
#[case::just_under_two_to_the_53_cents(-9_007_199_254_740_899, "-$90071992547408.99")]
fn displays_as_dollars_and_two_digit_cents(#[case] cents: i64, #[case] expected: &str) {
    let got = Cents(cents).to_string();
    assert_eq!(
        got, expected,
        "Cents({cents}) displayed as {got:?}: dollars, a point, two digits of cents, sign before \
         the $; take the dollars and cents apart with integer / and %, never print `cents as f64 \
         / 100.0` (past 2^46 dollars the double is more than half a cent off)"
    );
}

#[rstest]
#[case::a_debit_and_a_credit(1050, -305, 745)]
#[case::the_largest_and_nothing(i64::MAX, 0, i64::MAX)]
#[case::the_smallest_and_nothing(i64::MIN, 0, i64::MIN)]
#[case::up_to_the_largest(i64::MAX - 1, 1, i64::MAX)]
#[case::down_to_the_smallest(i64::MIN + 1, -1, i64::MIN)]
#[case::a_thousand_cents_inside(i64::MAX - 1000, 999, i64::MAX - 1)]
#[case::the_two_ends(i64::MAX, i64::MIN, -1)]
fn adds_without_rounding(#[case] left: i64, #[case] right: i64, #[case] sum: i64) {
    let got = Cents(left).checked_add(Cents(right));
    assert_eq!(
        got,
        Ok(Cents(sum)),
        "{left} + {right} cents gave {got:?}: integer cents add exactly to {sum}, right up to \
         the ends of i64; let the integer addition decide overflow (i64::checked_add), not an \
         f64 sum, which rounds every total within about 1000 cents of the limit to 2^63"
    );
}

#[test]
fn reports_overflow_instead_of_wrapping() {
    let got = without_a_panic("Cents(i64::MAX).checked_add(Cents(1))", || {
        Cents(i64::MAX).checked_add(Cents(1))
    });
    assert_eq!(
        got,
        Err(MoneyError::Overflow {
            left: Cents(i64::MAX),
            right: Cents(1)
        }),
        "adding a cent to i64::MAX cents gave {got:?}: report the overflow, never wrap to a debt"
    );
}

#[test]
fn reports_negative_overflow_too() {
    let got = without_a_panic("Cents(i64::MIN).checked_add(Cents(-1))", || {
        Cents(i64::MIN).checked_add(Cents(-1))
    });
    assert!(
        matches!(got, Err(MoneyError::Overflow { .. })),
        "adding -1 cent to i64::MIN cents gave {got:?}: below the range is an overflow as well"
    );
}

#[rstest]
#[case::a_hundred_dollars_three_ways(10_000, 3, &[3334, 3333, 3333])]
#[case::even_split(900, 3, &[300, 300, 300])]
#[case::fewer_cents_than_parts(2, 4, &[1, 1, 0, 0])]
#[case::negative_total(-100, 3, &[-33, -33, -34])]
#[case::one_part(-7, 1, &[-7])]
fn allocates_every_cent_larger_parts_first(
    #[case] total: i64,
    #[case] parts: usize,
    #[case] expected: &[i64],
) {
    let got = allocate(Cents(total), parts);
    let expected: Vec<Cents> = expected.iter().copied().map(Cents).collect();
    assert_eq!(
        got,
        Ok(expected.clone()),
        "allocate({total}, {parts}) gave {got:?}, expected {expected:?}: no cent lost, parts \
         differ by at most one, larger first"
    );
}

#[test]
fn refuses_to_split_into_zero_parts() {
    let got = allocate(Cents(100), 0);
    assert_eq!(
        got,
        Err(MoneyError::ZeroParts),
        "allocate(100, 0) gave {got:?}: zero parts is an error"
    );
}

#[rstest]
#[case::seventy_thirty(100, &[70, 30], &[70, 30])]
#[case::thirds(100, &[1, 1, 1], &[34, 33, 33])]
#[case::largest_remainder_wins(100, &[1, 2], &[33, 67])]
#[case::equal_remainders_go_first(5, &[3, 7], &[2, 3])]
#[case::zero_ratio_gets_nothing(10, &[0, 1, 0], &[0, 10, 0])]
#[case::negative_total(-100, &[1, 2], &[-33, -67])]
#[case::huge_ratios(1, &[u32::MAX, u32::MAX], &[1, 0])]
#[case::a_cent_by_two_large_weights_one_apart(1, &[4_294_967_294, 4_294_967_295], &[0, 1])]
#[case::three_cents_by_two_large_weights_one_apart(3, &[4_294_967_294, 4_294_967_295], &[1, 2])]
#[case::the_largest_amount(i64::MAX, &[1, 2], &[3_074_457_345_618_258_602, 6_148_914_691_236_517_205])]
#[case::a_hundred_dollars_one_one_four(10_000, &[1, 1, 4], &[1667, 1667, 6666])]
#[case::ten_dollars_one_four_one(1000, &[1, 4, 1], &[167, 667, 166])]
#[case::a_debt_of_a_dollar_one_seven_seven(-100, &[1, 7, 7], &[-6, -47, -47])]
#[case::two_cents_four_one_one(2, &[4, 1, 1], &[2, 0, 0])]
#[case::ten_dollars_one_seven_seven(1000, &[1, 7, 7], &[67, 467, 466])]
#[case::beyond_a_doubles_integers(9_007_199_254_740_995, &[1, 1, 1], &[3_002_399_751_580_332, 3_002_399_751_580_332, 3_002_399_751_580_331])]
#[case::a_debt_near_the_end_of_i64_four_one_one(-5_623_804_039_993_514_980, &[4, 1, 1], &[-3_749_202_693_329_009_986, -937_300_673_332_252_497, -937_300_673_332_252_497])]
#[case::the_largest_amount_by_large_weights_one_apart(i64::MAX, &[4_294_967_294, 4_294_967_293, 4_294_967_295], &[3_074_457_345_618_258_602, 3_074_457_344_902_430_719, 3_074_457_346_334_086_486])]
#[case::the_largest_debt_by_large_weights_one_apart(i64::MIN, &[4_294_967_295, 4_294_967_294, 4_294_967_293], &[-3_074_457_346_334_086_486, -3_074_457_345_618_258_603, -3_074_457_344_902_430_719])]
fn allocates_by_ratio_with_largest_remainders(
    #[case] total: i64,
    #[case] ratios: &[u32],
    #[case] expected: &[i64],
) {
    let got = allocate_by_ratio(Cents(total), ratios);
    let expected: Vec<Cents> = expected.iter().copied().map(Cents).collect();
    assert_eq!(
        got,
        Ok(expected.clone()),
        "allocate_by_ratio({total}, {ratios:?}) gave {got:?}, expected {expected:?}: floor each \
         exact share, then hand the leftover cents to the largest remainders, earliest first; \
         remainders equal in exact arithmetic (total * ratio % sum) are a tie even where an \
         f64 share's fractional parts differ in the last bit, so compute them with integers"
    );
}

#[rstest]
#[case::all_zero(&[0, 0])]
#[case::none(&[])]
fn refuses_ratios_that_weigh_nothing(#[case] ratios: &[u32]) {
    let got = allocate_by_ratio(Cents(100), ratios);
    assert_eq!(
        got,
        Err(MoneyError::ZeroRatios),
        "allocate_by_ratio(100, {ratios:?}) gave {got:?}: with no weight, nothing can be split"
    );
}

#[test]
fn renders_a_split_bill() {
    let total = Cents::parse("100.00").expect("100.00 is a plain amount");
    let shares = allocate(total, 3).expect("three parts is a valid split");
    let lines: Vec<String> = shares
        .iter()
        .enumerate()
        .map(|(i, share)| format!("guest {}: {share:>8}", i + 1))
        .chain(std::iter::once(format!("total:   {total:>8}")))
        .collect();
    assert_suite_snapshot!("cents_split_bill", lines.join("\n"));
}

/// Amounts where cents bite: a few cents either side of zero (`-$0.05`), whole dollars, and
/// the ends of `i64`; uniform `i64`s are almost always quadrillions of dollars.
fn amounts() -> impl Strategy<Value = i64> {
    prop_oneof![
        -1_000_i64..1_000,
        (-1_000_i64..1_000).prop_map(|dollars| dollars * 100),
        Just(i64::MIN),
        Just(i64::MAX),
        any::<i64>(),
    ]
}

/// One amount of each length, 1 to 19 digits (the length drawn first, so every magnitude up to
/// the `i64` limit is tried in every case, not only the quadrillions a uniform `i64` gives),
/// each with non-zero cents and a random sign.
fn one_amount_of_each_length() -> impl Strategy<Value = Vec<i64>> {
    (1_u32..=19)
        .map(|digits| {
            let low = if digits == 1 {
                1
            } else {
                10_i64.pow(digits - 1)
            };
            let high = 10_i64
                .checked_pow(digits)
                .map_or(i64::MAX, |limit| limit - 1);
            (low..=high, any::<bool>()).prop_map(|(magnitude, negative)| {
                let magnitude = if magnitude % 100 == 0 {
                    magnitude + 1
                } else {
                    magnitude
                };
                if negative { -magnitude } else { magnitude }
            })
        })
        .collect::<Vec<_>>()
}

/// Ratios with zeros and small weights (where rounding decides who gets the odd cent), and
/// some large ones.
fn ratios() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(prop_oneof![0_u32..5, any::<u32>()], 1..8)
}

/// A bill of 17 to 19 digits (either sign) split by two to four weights of at least 2^31, a few
/// apart, the total one more than a multiple of their sum: the exact remainders are then the
/// weights themselves, so the shares' fractional parts differ by less than 10^-9 and only exact
/// remainders rank them.
fn large_weights_a_few_apart_on_a_large_bill() -> impl Strategy<Value = (i64, Vec<u32>)> {
    (
        2_147_483_648_u32..4_294_967_280,
        prop::collection::vec(0_u32..16, 2..5),
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(|(base, offsets, pick, negative)| {
            let ratios: Vec<u32> = offsets.iter().map(|&d| base + d).collect();
            let weight: i64 = ratios.iter().map(|&r| i64::from(r)).sum();
            let (low, high) = (10_i64.pow(16) / weight + 1, (i64::MAX - 1) / weight);
            let multiple = weight * (low + i64::try_from(pick % (high - low) as u64).unwrap_or(0));
            (if negative { 1 - multiple } else { multiple + 1 }, ratios)
        })
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn display_and_parse_round_trip(cents in amounts(), longer in one_amount_of_each_length()) {
        for cents in std::iter::once(cents).chain(longer) {
            let shown = Cents(cents).to_string();
            let got = Cents::parse(&shown.replacen('$', "", 1));
            prop_assert_eq!(
                got.clone(), Ok(Cents(cents)),
                "Cents({}) displays as {} but parses back (without the $) as {:?}: at every \
                 length, display with integer / and % and parse the digits into an integer \
                 (from 16 digits on, an f64 of the amount is off by more than half a cent)",
                cents, shown, got
            );
        }
    }

    #[test]
    fn a_non_zero_digit_however_far_past_the_cents_is_sub_cent(
        dollars in 0_u32..1_000_000, cents in "[0-9]{2}", zeros in 0_usize..40, digit in 1_u8..10, tail in "[0-9]{0,6}"
    ) {
        let input = format!("{dollars}.{cents}{}{digit}{tail}", "0".repeat(zeros));
        let got = Cents::parse(&input);
        prop_assert_eq!(
            got.clone(), Err(MoneyError::SubCent(input.clone())),
            "Cents::parse({:?}) gave {:?}: a non-zero digit past the cents is a fraction of a cent, \
             however small; read the fraction as decimal digits, never as a float with a tolerance",
            input, got
        );
    }

    #[test]
    fn whole_dollar_amounts_of_any_length_parse_exactly(dollars in 0_i64..=92_233_720_368_547_758, negative in any::<bool>()) {
        let input = format!("{}{dollars}", if negative { "-" } else { "" });
        let cents = if negative { -dollars * 100 } else { dollars * 100 };
        let got = Cents::parse(&input);
        prop_assert_eq!(
            got.clone(), Ok(Cents(cents)),
            "Cents::parse({:?}) gave {:?}, not {} cents: a double holds about 16 digits, so an \
             amount parsed as f64 and scaled by 100 loses the last ones; read the digits into \
             an integer", input, got, cents
        );
    }

    #[test]
    fn parse_never_panics(input in "\\PC{0,24}") {
        let _ = Cents::parse(&input);
    }

    #[test]
    fn equal_parts_sum_to_the_total_and_differ_by_at_most_a_cent(
        total in amounts(), parts in 1_usize..50
    ) {
        let shares = allocate(Cents(total), parts)
            .map_err(|e| TestCaseError::fail(format!("allocate({total}, {parts}) failed: {e}")))?;
        let sum: i128 = shares.iter().map(|c| i128::from(c.0)).sum();
        let sorted = shares.windows(2).all(|w| w[0] >= w[1]);
        let spread = shares[0].0.abs_diff(shares[parts - 1].0);
        prop_assert!(
            shares.len() == parts && sum == i128::from(total) && sorted && spread <= 1,
            "allocate({}, {}) gave {:?}: {} parts summing to the total, larger first, at most one cent apart",
            total, parts, shares, parts
        );
    }

    #[test]
    fn ratio_parts_sum_to_the_total_and_stay_within_a_cent_of_their_share(
        (total, ratios) in prop_oneof![(amounts(), ratios()), large_weights_a_few_apart_on_a_large_bill()]
    ) {
        prop_assume!(ratios.iter().any(|&r| r > 0));
        let shares = allocate_by_ratio(Cents(total), &ratios)
            .map_err(|e| TestCaseError::fail(format!("allocate_by_ratio failed: {e}")))?;
        let weight: i128 = ratios.iter().map(|&r| i128::from(r)).sum();
        let sum: i128 = shares.iter().map(|c| i128::from(c.0)).sum();
        let close = shares.iter().zip(&ratios).all(|(share, &r)| {
            (i128::from(share.0) * weight - i128::from(total) * i128::from(r)).abs() < weight
        });
        prop_assert!(
            shares.len() == ratios.len() && sum == i128::from(total) && close,
            "allocate_by_ratio({}, {:?}) gave {:?}: the parts must sum to the total and each be \
             within one cent of total * ratio / sum(ratios)", total, ratios, shares
        );
        split_by_exact_remainders(total, &ratios).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn small_bills_give_the_odd_cents_to_the_largest_exact_remainders(
        total in -100_000_i64..100_000, ratios in prop::collection::vec(0_u32..8, 1..6)
    ) {
        prop_assume!(ratios.iter().any(|&r| r > 0));
        split_by_exact_remainders(total, &ratios).map_err(TestCaseError::fail)?;
    }
}

/// Splits every total of `totals` by every three ratios up to 7, panicking at the first split
/// that does not give the odd cents to the largest exact remainders.
fn splits_in_three_parts_by_exact_remainders(totals: impl Iterator<Item = i64>) {
    for total in totals {
        for ratios in (1_u32..8 * 8 * 8).map(|n| [n / 64, n / 8 % 8, n % 8]) {
            if let Err(message) = split_by_exact_remainders(total, &ratios) {
                panic!("{message}");
            }
        }
    }
}

#[test]
fn every_small_bill_in_three_parts_gives_the_odd_cents_to_the_largest_exact_remainders() {
    // Every total from -50 to 50 cents by every three ratios up to 7 (about 170 of these
    // 51,000 splits have equal exact remainders on shares of different size, where the
    // fractional part of an f64 or a rounded Decimal share differs in its last digit).
    splits_in_three_parts_by_exact_remainders(-50_i64..=50);
}

#[test]
fn bills_near_the_ends_of_i64_in_three_parts_give_the_odd_cents_to_the_largest_exact_remainders() {
    // The ten largest debts and credits, where `total * ratio` no longer fits an i64: a share
    // of 19 digits keeps one fewer fractional digit in a 28-digit Decimal than one of 18.
    splits_in_three_parts_by_exact_remainders((0..10).flat_map(|k| [i64::MIN + k, i64::MAX - k]));
}

/// Compares `allocate_by_ratio` with [`exact_ratio_split`], describing a difference.
fn split_by_exact_remainders(total: i64, ratios: &[u32]) -> Result<(), String> {
    let (got, expected) = (
        allocate_by_ratio(Cents(total), ratios),
        exact_ratio_split(total, ratios),
    );
    if got == Ok(expected.clone()) {
        return Ok(());
    }
    Err(format!(
        "allocate_by_ratio({total}, {ratios:?}) gave {got:?}, expected {expected:?}: floor each \
         exact share and hand the leftover cents to the largest exact remainders \
         (total * ratio % sum), earliest first on a tie; the fractional part of a share computed \
         in f64 or Decimal differs in its last digit between shares of different size and \
         breaks exact ties, even on small bills, so rank the integer remainders"
    ))
}

/// The split by largest remainders, in `i128` (test oracle): floors of `total * r / sum`, then
/// one cent each to the largest remainders, earliest first on a tie.
fn exact_ratio_split(total: i64, ratios: &[u32]) -> Vec<Cents> {
    let weight: i128 = ratios.iter().map(|&r| i128::from(r)).sum();
    let scaled: Vec<i128> = ratios
        .iter()
        .map(|&r| i128::from(total) * i128::from(r))
        .collect();
    let mut parts: Vec<i128> = scaled.iter().map(|s| s.div_euclid(weight)).collect();
    let leftover = i128::from(total) - parts.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..ratios.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(scaled[i].rem_euclid(weight)));
    for &i in order
        .iter()
        .take(usize::try_from(leftover).expect("leftover below the part count"))
    {
        parts[i] += 1;
    }
    parts
        .into_iter()
        .map(|p| Cents(i64::try_from(p).expect("a share lies between 0 and the total")))
        .collect()
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): leading
/// zeros and signed zeros, more inputs where the stated order of the errors decides, width and
/// alignment beyond `{:>8}`, and equal weights splitting like equal parts.
#[cfg(feature = "held-out")]
mod held_out {
    use super::{Cents, MoneyError, allocate, allocate_by_ratio, amounts};
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case::leading_zeros_are_not_out_of_range(
        "0000000000000000000000000000000000000000001.00",
        100
    )]
    #[case::leading_zeros_before_the_largest("00000000000000000000092233720368547758.07", i64::MAX)]
    #[case::zeros_past_the_smallest("-92233720368547758.0800000", i64::MIN)]
    #[case::negative_zero_with_cents("-0.00", 0)]
    #[case::plus_zero("+0", 0)]
    #[case::one_cent_with_a_leading_zero("00.01", 1)]
    #[case::one_place_negative("-7.5", -750)]
    fn parses_amounts_at_the_edges_of_the_grammar(#[case] input: &str, #[case] cents: i64) {
        let got = Cents::parse(input);
        assert_eq!(
            got,
            Ok(Cents(cents)),
            "Cents::parse({input:?}) gave {got:?}: it is inside the grammar and worth exactly \
             {cents} cents (leading zeros add no value, and zeros past the cents are allowed)"
        );
    }

    #[rstest]
    #[case::separators_win_over_a_sub_cent("1,000.005", MoneyError::Separator("1,000.005".into()))]
    #[case::a_leading_underscore("_1", MoneyError::Separator("_1".into()))]
    #[case::a_signed_separator("-1,5", MoneyError::Separator("-1,5".into()))]
    #[case::exponent_with_a_plus("1e+3", MoneyError::Exponent("1e+3".into()))]
    #[case::negative_exponent_amount("-1E-3", MoneyError::Exponent("-1E-3".into()))]
    #[case::fractional_exponent("1.5e2.0", MoneyError::NotANumber("1.5e2.0".into()))]
    #[case::separators_and_an_exponent("1,000e3", MoneyError::NotANumber("1,000e3".into()))]
    #[case::exponent_without_a_mantissa("e5", MoneyError::NotANumber("e5".into()))]
    #[case::two_signs("--5", MoneyError::NotANumber("--5".into()))]
    #[case::mixed_signs("+-5", MoneyError::NotANumber("+-5".into()))]
    #[case::lone_plus("+", MoneyError::NotANumber("+".into()))]
    #[case::only_a_separator(",", MoneyError::NotANumber(",".into()))]
    #[case::a_space_inside("1 000", MoneyError::NotANumber("1 000".into()))]
    #[case::sub_cent_wins_over_out_of_range(
        "1000000000000000000000000.001",
        MoneyError::SubCent("1000000000000000000000000.001".into())
    )]
    #[case::out_of_range_with_zero_cents(
        "-92233720368547758.0900",
        MoneyError::OutOfRange("-92233720368547758.0900".into())
    )]
    fn classifies_bad_input_in_the_stated_order(#[case] input: &str, #[case] error: MoneyError) {
        let got = Cents::parse(input);
        assert_eq!(
            got,
            Err(error.clone()),
            "Cents::parse({input:?}) gave {got:?}, expected {error:?}: outside the grammar, \
             Exponent, then Separator, then NotANumber; inside it, SubCent before OutOfRange"
        );
    }

    #[test]
    fn honours_left_and_centre_alignment_and_never_cuts_an_amount() {
        let got = (
            format!("[{:<9}]", Cents(1050)),
            format!("[{:^10}]", Cents(-305)),
            format!("[{:>3}]", Cents(123_456)),
        );
        assert_eq!(
            got,
            (
                "[$10.50   ]".to_owned(),
                "[  -$3.05  ]".to_owned(),
                "[$1234.56]".to_owned()
            ),
            "Cents formatted with {{:<9}}, {{:^10}} and {{:>3}} gave {got:?}: the whole amount \
             ($, sign and cents included) is padded to the width and aligned as asked, and a \
             width narrower than the amount never cuts it (Formatter::pad)"
        );
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn equal_weights_split_like_equal_parts(
            total in amounts(), parts in 1_usize..30, weight in prop_oneof![1_u32..4, any::<u32>().prop_filter("non-zero", |w| *w > 0)]
        ) {
            let by_ratio = allocate_by_ratio(Cents(total), &vec![weight; parts]);
            let equal = allocate(Cents(total), parts);
            prop_assert_eq!(
                by_ratio.clone(), equal.clone(),
                "allocate_by_ratio({}, {} parts of weight {}) gave {:?} but allocate({}, {}) gave \
                 {:?}: with equal weights every remainder is equal, so the leftover cents go to \
                 the earliest parts, exactly as an equal split hands them out",
                total, parts, weight, by_ratio, total, parts, equal
            );
        }
    }
}
