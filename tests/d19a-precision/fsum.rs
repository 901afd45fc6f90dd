use crate::fsum::{fsum, naive_sum};
use num_rational::BigRational;
use num_traits::Signed;
use proptest::prelude::*;
use rstest::rstest;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

#[test]
fn naive_sum_drifts_over_a_million_fees_of_ten_cents() {
    let fees = vec![0.1; 1_000_000];
    let got = naive_sum(&fees);
    assert_eq!(
        got, 100_000.000_001_332_88,
        "naive_sum gave {got}: the plain left-to-right loop rounds after every +, \
         and a million roundings of 0.1 drift to 100000.00000133288"
    );
}

#[test]
fn fsum_recovers_a_million_fees_of_ten_cents_exactly() {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || sender.send(fsum(&vec![0.1; 1_000_000])));
    // A deadlock guard, not a speed test: a correct fsum takes well under a second.
    let got = match receiver.recv_timeout(Duration::from_secs(30)) {
        Ok(got) => got,
        Err(RecvTimeoutError::Disconnected) => panic!("fsum panicked on a million 0.1s"),
        Err(RecvTimeoutError::Timeout) => panic!(
            "fsum did not finish a million 0.1s in 30 s: the partials list must stay short, \
             so drop every partial whose two-sum error is zero"
        ),
    };
    assert_eq!(
        got, 100_000.0,
        "fsum gave {got}: the exact sum of a million copies of the double 0.1 rounds to 100000.0"
    );
}

#[test]
fn naive_sum_of_ten_tenths_misses_one() {
    let got = naive_sum(&[0.1; 10]);
    assert_eq!(
        got, 0.999_999_999_999_999_9,
        "naive_sum of ten 0.1s gave {got}; adding left to right gives 0.9999999999999999"
    );
}

#[test]
fn naive_sum_of_nothing_is_zero() {
    let got = naive_sum(&[]);
    assert!(
        got == 0.0 && got.is_sign_positive(),
        "naive_sum of an empty slice gave {got}; the empty sum is +0.0"
    );
}

#[rstest]
#[case::cancellation(&[1e100, 1.0, -1e100], 1.0)]
#[case::cancellation_twice(&[1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50], 1e-100)]
#[case::swallowed_then_cancelled(&[2e16, 1.0, 1.0, -2e16], 2.0)]
#[case::ten_tenths(&[0.1; 10], 1.0)]
#[case::empty(&[], 0.0)]
#[case::half_way_pushed_up(&[1.0, f64::EPSILON / 2.0, f64::EPSILON / 2.0 / 1_152_921_504_606_846_976.0], 1.0 + f64::EPSILON)]
#[case::half_way_pushed_down(&[1.0, -f64::EPSILON / 4.0, -f64::EPSILON / 4.0 / 1_152_921_504_606_846_976.0], 1.0 - f64::EPSILON / 2.0)]
#[case::partials_that_add_exactly(&[5.960464477539063e-8, 1.0658141036401503e-14, -824633720832.0, 6291456.0, 824633720832.0], 6_291_456.000_000_06)]
#[case::tie_stays_even(&[1.0, f64::EPSILON / 2.0], 1.0)]
#[case::largest_finite(&[f64::MAX, -f64::MAX, f64::MAX], f64::MAX)]
#[case::sorting_does_not_save_one_correction(&[-0.5000000000000001, -9007199254740992.0, -2.6020852139652106e-18, 9007199254740994.0], 1.4999999999999998)]
#[case::cancelled_to_a_small_number(&[4503599627370497.0, 1.8014398509481984e16, -3.000000000000001, -9.0, -7.806255641895632e-18, -2.251799813685248e16], -11.000000000000002)]
#[case::a_tiny_value_decides_the_last_bit(&[9.0, 4.3368086899420185e-18, -1.8014398509481984e16], -1.8014398509481974e16)]
#[case::a_tiny_value_decides_the_last_bit_again(&[-8.106479329266893e16, 1.8014398509481988e16, 1.5612511283791264e-17], -6.3050394783186936e16)]
#[case::a_tiny_value_decides_under_a_cancelling_block(&[-2.2592895673633305e-45, -3.150406071786627e-62, 7.255466677322353e-91, -1.7523694816561112e-46, 2.4345265155289415e-45], -1.4818559717776267e-61)]
#[case::a_tie_decided_under_three_values_that_cancel_again(&[536870912.0, -2.5108406941546723e58, 1.8831305206160042e58, 7.737125245533627e25, 7.230285367780581e41, 6.277101735386681e57], 7.230285367780583e41)]
fn fsum_rounds_the_exact_sum_once(#[case] values: &[f64], #[case] expected: f64) {
    let got = fsum(values);
    assert_eq!(
        got, expected,
        "fsum({values:?}) gave {got:e}, expected {expected:e}: keep exact partials (two-sum) \
         and round only once at the end, fixing up the half-way case"
    );
}

/// One correction term cannot hold two separate small amounts far apart in magnitude.
const LOST_BY_ONE_CORRECTION: &[f64] = &[1.0, 1e100, 1e-100, -1e100, -1.0];

/// Nor after sorting by magnitude: x (even last bit), half an ulp of x and a value 2^-59 times
/// that half deciding the tie, under 2^k, 3*2^k and -2^(k+2) (2^k 53 binades above x), which
/// cancel only after all three are in, so four partials are needed at once, also when the
/// inputs are sorted from the smallest magnitude up.
const LOST_EVEN_SORTED: &[f64] = &[
    -8.720301752336693e-106,
    4.078315292499078e-56,
    -5.026911708464872e-88,
    1.2234945877497233e-55,
    -1.6313261169996311e-55,
    -5.210865024023688e-72,
];

#[rstest]
#[case::once(LOST_BY_ONE_CORRECTION, 1e-100, 1)]
#[case::in_a_list_of_fifteen_thousand(LOST_BY_ONE_CORRECTION, 1e-100, 3_000)]
#[case::in_a_list_of_three_hundred_thousand(LOST_BY_ONE_CORRECTION, 1e-100, 60_000)]
#[case::even_sorted_by_magnitude(LOST_EVEN_SORTED, -5.210865024023689e-72, 1)]
#[case::even_sorted_by_magnitude_in_a_long_list(LOST_EVEN_SORTED, -5.210865024023689e-72, 4_096)]
fn fsum_keeps_what_a_neumaier_loop_loses(
    #[case] pattern: &[f64],
    #[case] pattern_sum: f64,
    #[case] repeats: usize,
) {
    // The long lists check that long inputs get the same exact method as short ones (the
    // sorted pattern is repeated a power of two times, so its sum scales exactly).
    let values = pattern.repeat(repeats);
    let (got, expected) = (fsum(&values), repeats as f64 * pattern_sum);
    assert_eq!(
        got,
        expected,
        "fsum of {pattern:?} repeated {repeats} times ({} values) gave {got:e}: the exact sum \
         rounds to {expected:e}; a single compensation term, or a fixed few partials even after \
         sorting the inputs by magnitude, loses it; a list of as many partials as the running \
         sum needs does not, however long the list",
        values.len()
    );
}

#[rstest]
#[case::once(1)]
#[case::in_a_list_of_fifteen_thousand(200)]
fn fsum_keeps_as_many_partials_as_the_magnitudes_need(#[case] repeats: usize) {
    // 38 powers of two from 2^1023 down to 2^-975, each 2^54 below the last (no two share a
    // bit, so each stays a partial of its own: about as many as doubles allow), then all but
    // the smallest taken away again; the long list repeats that pattern.
    let powers: Vec<f64> = (0..38_u64)
        .map(|k| f64::from_bits((2046 - 54 * k) << 52))
        .collect();
    let smallest = powers[powers.len() - 1];
    let values: Vec<f64> = powers
        .iter()
        .copied()
        .chain(powers[..powers.len() - 1].iter().map(|p| -p))
        .collect::<Vec<f64>>()
        .repeat(repeats);
    let (got, expected) = (fsum(&values), repeats as f64 * smallest);
    assert_eq!(
        got, expected,
        "fsum of 2^1023, 2^969, ..., 2^-975 and then minus all but the last ({repeats} \
         times) gave {got:e}, expected {expected:e}: the exact running sum needed 38 partials at once; keep every \
         non-zero partial (the list grows as the magnitudes need), never cap it at a few \
         correction terms"
    );
}

/// 5/3 with an even last bit (1.6666666666666665), half an ulp of it (2^-53) and 2^-113 pushing
/// the sum past that tie, then every power of two from 2^1 to 2^52 added and taken away again.
/// Sorted from the smallest magnitude up, each power in turn passes over the 5/3 and splits off
/// its bits below the power's last place as a partial of their own, so the running sum needs 29
/// partials at once; merging the two smallest drops the 2^-113 that decides the tie.
fn a_value_split_by_every_power_of_two() -> Vec<f64> {
    let mut values = vec![two_to_the(-113), two_to_the(-53), 1.666_666_666_666_666_5];
    for e in 1..=52 {
        values.extend([two_to_the(e), -two_to_the(e)]);
    }
    values
}

/// Sorted from the largest magnitude down: (3 * 2^52 + 4) * 2^100 and -2^100, whose sum lies
/// exactly half-way between two doubles; three 0.2s and six -0.1s, which cancel exactly, but
/// whose running sum 0.2 + 0.2 + 0.2 is not a double, so its rounding error is a fourth partial
/// until the -0.1s arrive; and -1e-30, which decides the tie downward. Three partials lose that
/// error, which then outweighs the -1e-30 and decides the tie upward.
fn a_cancelling_ledger_under_a_tie() -> Vec<f64> {
    let unit = two_to_the(100);
    let mut values = vec![13_510_798_882_111_492.0 * unit, -unit];
    values.extend([0.2, -0.1, -0.1].repeat(3));
    values.push(-1e-30);
    values
}

#[rstest]
#[case::smallest_first_a_value_split_by_every_power_of_two(
    a_value_split_by_every_power_of_two(),
    5.0 / 3.0
)]
#[case::largest_first_a_cancelling_ledger_under_a_tie(
    a_cancelling_ledger_under_a_tie(),
    13_510_798_882_111_490.0 * two_to_the(100)
)]
fn fsum_keeps_as_many_partials_as_a_sorted_list_needs(
    #[case] values: Vec<f64>,
    #[case] expected: f64,
) {
    let got = fsum(&values);
    assert_eq!(
        got,
        expected,
        "fsum of {} values ({values:?}) gave {got:e}, expected {expected:e}: sorted by magnitude \
         (smallest first, or largest first) this list's exact running sum still needs more \
         partials at once than a fixed few (a large value passing over a finer one splits it, a \
         cancelling block leaves a rounding error behind until it cancels); sorting does not \
         bound the partials: keep every non-zero one",
        values.len()
    );
}

/// The first `len` values of a mix whose exact running sum needs several partials at once
/// (tenths, billions and billionths, a half-ulp and the tiny value behind it), so that both
/// the adding and the final rounding (with its half-way fix-up) have work to do.
fn mixed_values(len: u32) -> Vec<f64> {
    (0..len)
        .map(|i| match i % 4 {
            0 => 1.0,
            1 => f64::EPSILON / 2.0,
            2 => f64::EPSILON / 2.0 / 1_152_921_504_606_846_976.0,
            _ => f64::from(i % 97) * 0.1 - f64::from(i % 13) * 1e-9 + f64::from(i % 5) * 1e9,
        })
        .collect()
}

#[rstest]
#[case::every_length_from_one_to_a_hundred(1..=100)]
#[case::a_thousand_values(1_000..=1_000)]
#[case::ten_thousand_values(10_000..=10_000)]
#[case::three_hundred_thousand_values(300_000..=300_000)]
fn fsum_keeps_a_few_f64_partials_not_a_big_number_per_input(
    #[case] lengths: std::ops::RangeInclusive<u32>,
) {
    for len in lengths {
        let values = mixed_values(len);
        let (_, allocations) = kata_test_support::heap::count_allocations(|| fsum(&values));
        assert!(
            allocations <= 4,
            "fsum of {len} values made {allocations} heap allocations (at most 4 expected, for \
             a list of any length: a Vec<f64> of partials growing to 16 doubles makes 3): the \
             exact sum lives in a short Vec<f64> of partials (two-sum keeps each rounding error \
             as a double) and is rounded by adding the partials from the largest down in f64 \
             with the half-way fix-up, never through a big rational or big integer, neither \
             per input nor for the final rounding, however short the list"
        );
    }
}

#[rstest]
#[case::nan(&[1.0, f64::NAN, 2.0])]
#[case::opposite_infinities(&[f64::INFINITY, 1.0, f64::NEG_INFINITY])]
fn fsum_gives_nan_for_nan_or_opposite_infinities(#[case] values: &[f64]) {
    let got = fsum(values);
    assert!(
        got.is_nan(),
        "fsum({values:?}) gave {got}: NaN in, or +inf meeting -inf, must give NaN"
    );
}

#[rstest]
#[case::positive(&[1.0, f64::INFINITY, -1e308], f64::INFINITY)]
#[case::negative(&[f64::NEG_INFINITY, 5.0, f64::NEG_INFINITY], f64::NEG_INFINITY)]
#[case::overflowing_sum(&[f64::MAX, f64::MAX], f64::INFINITY)]
fn fsum_gives_infinity_for_infinite_input_or_overflow(
    #[case] values: &[f64],
    #[case] expected: f64,
) {
    let got = fsum(values);
    assert_eq!(
        got, expected,
        "fsum({values:?}) gave {got}: infinities of one sign (or a sum beyond f64::MAX) \
         give that infinity"
    );
}

/// `2^e` for a normal exponent, exactly.
fn two_to_the(e: i32) -> f64 {
    f64::from_bits(u64::try_from(e + 1023).unwrap_or(0) << 52)
}

/// A tie decided under a cancelling block, shuffled: x (even last bit, not a power of two),
/// half an ulp of x and a value 2^-54..2^-60 times that half pushing the sum past the tie, plus
/// 2^k, 3*2^k and -2^(k+2) for 2^k 53 binades above x. Even sorted from the smallest magnitude
/// up, the block's pending 2^(k+2) and the three values below it need four partials at once;
/// merging any two (or one correction term) drops the value that decides the tie.
fn a_tie_decided_under_a_cancelling_block() -> impl Strategy<Value = Vec<f64>> {
    (-900_i32..900, 1_u64..1 << 51, 54_i32..=60, any::<bool>())
        .prop_map(|(e, mantissa, behind, negative)| {
            let sign = if negative { -1.0 } else { 1.0 };
            let x = f64::from_bits(two_to_the(e).to_bits() | mantissa << 1);
            let block = two_to_the(e + 53);
            vec![
                sign * x,
                sign * two_to_the(e - 53),
                sign * two_to_the(e - 53 - behind),
                block,
                3.0 * block,
                -4.0 * block,
            ]
        })
        .prop_shuffle()
}

/// Finite doubles over a wide but non-overflowing range, with exact cancellations mixed in;
/// a third of the lists are a tie decided under a cancelling block.
fn summands() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![2 => mixed_summands(), 1 => a_tie_decided_under_a_cancelling_block()]
}

/// Finite doubles over a wide but non-overflowing range, with exact cancellations mixed in.
fn mixed_summands() -> impl Strategy<Value = Vec<f64>> {
    let finite = prop_oneof![
        prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
        -1e6..1e6_f64,
        (-1000_i64..1000).prop_map(|c| c as f64 / 100.0),
    ]
    .prop_filter("no values near the overflow edge", |x| x.abs() < 1e300);
    (
        prop::collection::vec(finite.clone(), 0..12),
        prop::collection::vec(finite, 0..6),
    )
        .prop_map(|(mut values, cancelled)| {
            values.extend(cancelled.iter().map(|x| -x));
            values.extend(cancelled);
            values
        })
        .prop_shuffle()
}

/// True if `got` is the double nearest to `exact` (ties to an even last bit).
fn is_correctly_rounded(got: f64, exact: &BigRational) -> bool {
    let distance = |x: f64| (crate::suite::exact(x) - exact).abs();
    let here = distance(got);
    let up = distance(got.next_up());
    let down = distance(got.next_down());
    let even = got.to_bits().is_multiple_of(2);
    (here < up || (here == up && even)) && (here < down || (here == down && even))
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn fsum_agrees_with_an_exact_rational_sum(values in summands()) {
        let exact_sum: BigRational = values.iter().map(|&x| crate::suite::exact(x)).sum();
        let got = fsum(&values);
        prop_assert!(
            got.is_finite() && is_correctly_rounded(got, &exact_sum),
            "fsum({:?}) gave {:e}, which is not the double nearest the exact sum {}",
            values, got, exact_sum
        );
    }

    #[test]
    fn fsum_does_not_depend_on_the_order(
        (values, shuffled) in summands().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
    ) {
        let (a, b) = (fsum(&values), fsum(&shuffled));
        prop_assert_eq!(
            a, b,
            "fsum gave {:e} for {:?} but {:e} for the same values reordered: the exact sum \
             has no order", a, values, b
        );
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): half-way
/// sums generated at every magnitude, and lists whose values span the whole exponent range.
#[cfg(feature = "held-out")]
mod held_out {
    use super::{BigRational, fsum, is_correctly_rounded, two_to_the};
    use proptest::prelude::*;

    /// Finite doubles of every exponent (their bits drawn uniformly), each list holding
    /// pairs that cancel exactly.
    fn every_exponent() -> impl Strategy<Value = Vec<f64>> {
        let finite = any::<u64>()
            .prop_map(f64::from_bits)
            .prop_filter("finite, away from the overflow edge", |x| {
                x.is_finite() && x.abs() < 1e300
            });
        (
            prop::collection::vec(finite.clone(), 10..40),
            prop::collection::vec(finite, 0..10),
        )
            .prop_map(|(mut values, cancelled)| {
                values.extend(cancelled.iter().map(|x| -x));
                values.extend(cancelled);
                values
            })
            .prop_shuffle()
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn a_half_way_sum_is_decided_by_the_tiny_value_behind_it_at_any_magnitude(
            exponent in -900_i32..900,
            mantissa in 0_u64..1 << 52,
            behind in prop_oneof![Just(0_i32), 1_i32..60],
            above in any::<bool>(),
            negative in any::<bool>(),
            order in 0_usize..6,
        ) {
            // x, half an ulp of x, and (unless `behind` is 0) a tiny value 2^-behind times
            // smaller than that half, pushing the exact sum just above or below the tie.
            let x = f64::from_bits(u64::try_from(exponent + 1023).unwrap_or(0) << 52 | mantissa);
            let half = two_to_the(exponent - 53);
            let tiny = if behind == 0 { 0.0 } else { two_to_the(exponent - 53 - behind) };
            let tiny = if above { tiny } else { -tiny };
            let up = if behind == 0 { mantissa % 2 == 1 } else { above };
            let expected = if up { x.next_up() } else { x };
            let mut values = [x, half, tiny];
            values.rotate_left(order % 3);
            if order >= 3 {
                values.swap(0, 1);
            }
            let sign = if negative { -1.0 } else { 1.0 };
            let values: Vec<f64> = values.iter().map(|v| sign * v).collect();
            let got = fsum(&values);
            prop_assert_eq!(
                got, sign * expected,
                "fsum({:?}) gave {:e}, expected {:e}: the exact sum lies half an ulp above {:e}, \
                 give or take a tiny amount (or exactly half-way, then the tie goes to the even \
                 last bit); round the exact sum once, fixing up the half-way case at any magnitude",
                values, got, sign * expected, sign * x
            );
        }

        #[test]
        fn lists_spanning_every_exponent_sum_to_the_nearest_double(values in every_exponent()) {
            let exact: BigRational = values.iter().map(|&x| crate::suite::exact(x)).sum();
            let got = fsum(&values);
            prop_assert!(
                got.is_finite() && is_correctly_rounded(got, &exact),
                "fsum of {} values from 5e-324 to 1e300 in size gave {:e}, which is not the double \
                 nearest their exact sum: the partials must stay exact across every exponent \
                 (values: {:?})", values.len(), got, values
            );
        }
    }
}
