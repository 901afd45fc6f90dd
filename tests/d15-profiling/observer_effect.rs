//! Kata 5: the overhead of a profiler, from supplied run times.

use std::time::Duration;

use crate::observer_effect::{OverheadError, calibrated, overhead_ratio};
use proptest::prelude::*;
use rstest::rstest;

fn ms(list: &[u64]) -> Vec<Duration> {
    list.iter().map(|&m| Duration::from_millis(m)).collect()
}

fn ratio(profiled: &[u64], unprofiled: &[u64]) -> f64 {
    overhead_ratio(&ms(profiled), &ms(unprofiled))
        .unwrap_or_else(|e| panic!("overhead_ratio refused valid runs: {e}"))
}

fn assert_close(got: f64, expected: f64, why: &str) {
    assert!(
        (got - expected).abs() < 1e-9,
        "overhead_ratio gave {got}, expected {expected}: {why}"
    );
}

#[test]
fn gives_the_ratio_of_profiled_to_unprofiled_time() {
    assert_close(
        ratio(&[14, 28, 42], &[10, 20, 30]),
        1.4,
        "every profiled run took 40 % longer than its unprofiled twin",
    );
}

#[test]
fn takes_the_mean_of_the_two_middle_ratios_of_an_even_count() {
    assert_close(
        ratio(&[11, 12, 14, 20], &[10, 10, 10, 10]),
        1.3,
        "the ratios 1.1, 1.2, 1.4, 2.0 have two middles, 1.2 and 1.4: their mean is 1.3",
    );
}

#[test]
fn ignores_one_disturbed_run() {
    assert_close(
        ratio(&[15, 15, 15, 15, 400], &[10, 10, 10, 10, 10]),
        1.5,
        "one profiled run was hit by a 385 ms pause from another process: the median of the \
         ratios stays at 1.5, where a mean (of ratios or of times) jumps to 9.2",
    );
}

#[test]
fn ignores_two_disturbed_runs_of_five() {
    assert_close(
        ratio(&[15, 15, 15, 400, 400], &[10, 10, 10, 10, 10]),
        1.5,
        "two of five profiled runs were hit by a 385 ms pause: the median of the ratios stays \
         at 1.5; dropping the lowest and highest ratio and averaging the rest (a trimmed \
         mean) gives 14.3, because a second disturbed run survives the trim",
    );
}

#[test]
fn compares_each_run_with_its_own_twin() {
    assert_close(
        ratio(&[30, 22, 33], &[10, 20, 30]),
        1.1,
        "the pairs give 3.0, 1.1 and 1.1: the median ratio is 1.1; dividing the median \
         profiled time (30) by the median unprofiled time (20) gives 1.5 and mixes runs that \
         were not made together",
    );
}

#[test]
fn allows_a_profiled_run_that_came_out_faster() {
    assert_close(
        ratio(&[9], &[10]),
        0.9,
        "on a noisy machine a profiled run can be faster: 0.9 is a valid ratio, not an error",
    );
}

#[test]
fn keeps_the_fraction_of_runs_shorter_than_a_millisecond() {
    let profiled = [Duration::from_micros(750), Duration::from_nanos(1_500)];
    let unprofiled = [Duration::from_micros(500), Duration::from_nanos(1_000)];
    let got = overhead_ratio(&profiled, &unprofiled)
        .unwrap_or_else(|e| panic!("overhead_ratio refused runs under a millisecond: {e}"));
    assert_close(
        got,
        1.5,
        "750 µs against 500 µs and 1.5 µs against 1 µs are both 1.5: compare the durations \
         at full precision (Duration::as_secs_f64), not in whole milliseconds, where short \
         runs become 0 / 0",
    );
}

#[test]
fn keeps_the_fraction_of_runs_longer_than_a_millisecond() {
    let profiled = [Duration::from_micros(1_900), Duration::from_micros(3_500)];
    let unprofiled = [Duration::from_micros(1_200), Duration::from_micros(2_100)];
    let got = overhead_ratio(&profiled, &unprofiled)
        .unwrap_or_else(|e| panic!("overhead_ratio refused valid runs: {e}"));
    // 1.9 / 1.2 = 1.5833..., 3.5 / 2.1 = 1.6666...: the mean of the two.
    assert_close(
        got,
        (1.9 / 1.2 + 3.5 / 2.1) / 2.0,
        "1.9 ms against 1.2 ms and 3.5 ms against 2.1 ms: compare the durations at full \
         precision (Duration::as_secs_f64 or as_nanos), never in whole milliseconds, even \
         when both runs are longer than one (1 ms / 1 ms and 3 ms / 2 ms give 1.25)",
    );
}

#[rstest]
#[case::nothing(&[], &[], OverheadError::NoSamples)]
#[case::more_profiled(&[10, 11], &[10], OverheadError::LengthMismatch { profiled: 2, unprofiled: 1 })]
#[case::more_unprofiled(&[10], &[10, 11, 12], OverheadError::LengthMismatch { profiled: 1, unprofiled: 3 })]
#[case::zero_baseline(&[10, 12], &[10, 0], OverheadError::ZeroBaseline { index: 1 })]
fn refuses_runs_that_cannot_be_paired(
    #[case] profiled: &[u64],
    #[case] unprofiled: &[u64],
    #[case] expected: OverheadError,
) {
    assert_eq!(
        overhead_ratio(&ms(profiled), &ms(unprofiled)),
        Err(expected.clone()),
        "profiled {profiled:?} against unprofiled {unprofiled:?} has no meaningful ratio: \
         it must be {expected:?}"
    );
}

#[rstest]
#[case::subtracts_the_cost(1_000, 200, 2, 600)]
#[case::no_calls(1_000, 0, 2, 1_000)]
#[case::cost_exceeds_the_measurement(100, 200, 2, 0)]
#[case::cost_too_large_to_compute(1_000, u32::MAX, u64::MAX / 1_000, 0)]
fn calibration_removes_the_profiler_cost_per_call(
    #[case] measured: u64,
    #[case] calls: u32,
    #[case] per_call: u64,
    #[case] expected: u64,
) {
    let got = calibrated(
        Duration::from_micros(measured),
        calls,
        Duration::from_micros(per_call),
    );
    assert_eq!(
        got,
        Duration::from_micros(expected),
        "{measured} µs measured over {calls} calls at {per_call} µs of profiler cost each \
         leave {expected} µs (never less than zero)"
    );
}

#[test]
fn calibration_is_exact_to_the_nanosecond() {
    let measured = Duration::from_secs(100_000_000);
    let per_call = Duration::new(50_000_000, 1);
    let got = calibrated(measured, 1, per_call);
    assert_eq!(
        got,
        Duration::new(49_999_999, 999_999_999),
        "100,000,000 s measured, minus one call at 50,000,000 s + 1 ns, leaves \
         49,999,999.999999999 s, not {got:?}: a Duration is exact to the nanosecond, while \
         seconds in an f64 are rounded to 53 bits; multiply with Duration::checked_mul"
    );
}

/// `measured - calls × per_call` in whole nanoseconds, or zero if that is negative.
fn calibrated_in_nanos(measured: Duration, calls: u32, per_call: Duration) -> Duration {
    let cost = per_call.as_nanos() * u128::from(calls);
    let left = measured.as_nanos().saturating_sub(cost);
    Duration::new(
        u64::try_from(left / 1_000_000_000).unwrap_or(u64::MAX),
        u32::try_from(left % 1_000_000_000).unwrap_or(0),
    )
}

/// A run's duration in nanoseconds: under a microsecond, under a millisecond, a few
/// milliseconds with a fraction, or up to a minute.
fn run_nanos() -> impl Strategy<Value = u64> {
    prop_oneof![
        1_u64..1_000,
        1_000_u64..1_000_000,
        1_000_000_u64..20_000_000,
        1_u64..60_000_000_000,
    ]
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn the_ratio_is_the_median_of_the_pair_ratios(
        pairs in prop::collection::vec((run_nanos(), run_nanos()), 1..12),
    ) {
        let (on, off): (Vec<u64>, Vec<u64>) = pairs.iter().copied().unzip();
        let nanos = |list: &[u64]| -> Vec<Duration> {
            list.iter().map(|&n| Duration::from_nanos(n)).collect()
        };
        let got = overhead_ratio(&nanos(&on), &nanos(&off));
        let mut ratios: Vec<f64> = pairs.iter().map(|&(a, b)| a as f64 / b as f64).collect();
        ratios.sort_by(f64::total_cmp);
        let mid = ratios.len() / 2;
        let median = if ratios.len().is_multiple_of(2) {
            (ratios[mid - 1] + ratios[mid]) / 2.0
        } else {
            ratios[mid]
        };
        let close = got.as_ref().is_ok_and(|got| (got - median).abs() <= 1e-9 * median);
        prop_assert!(close,
            "overhead_ratio({:?} ns, {:?} ns) gave {:?}; the median of the pair ratios is {}: \
             compare each pair at full precision, sort the ratios and take the middle one (the \
             mean of the two middles for an even count), not a mean of any of them",
            on, off, got, median);
    }

    #[test]
    fn calibration_subtracts_exactly_in_nanoseconds(
        measured_secs in 0_u64..1 << 40,
        measured_nanos in 0_u32..1_000_000_000,
        calls in prop_oneof![0_u32..4, any::<u32>()],
        per_call_secs in prop_oneof![0_u64..4, 0_u64..1 << 30],
        per_call_nanos in 0_u32..1_000_000_000,
    ) {
        let measured = Duration::new(measured_secs, measured_nanos);
        let per_call = Duration::new(per_call_secs, per_call_nanos);
        let got = calibrated(measured, calls, per_call);
        let expected = calibrated_in_nanos(measured, calls, per_call);
        prop_assert_eq!(got, expected,
            "calibrated({:?}, {}, {:?}) must be exactly {:?}: subtract calls × per_call as \
             Durations (checked_mul, saturating_sub), never through f64 seconds",
            measured, calls, per_call, expected);
    }

    #[test]
    fn the_ratio_lies_between_the_smallest_and_largest_pair_and_ignores_units(
        pairs in prop::collection::vec((1_u64..1_000, 1_u64..1_000), 1..12),
        scale in 1_u64..50,
    ) {
        let (on, off): (Vec<u64>, Vec<u64>) = pairs.iter().copied().unzip();
        let got = overhead_ratio(&ms(&on), &ms(&off));
        prop_assert!(got.is_ok(), "overhead_ratio refused valid runs: {:?}", got);
        let got = got.unwrap_or(f64::NAN);
        let ratios: Vec<f64> = pairs.iter().map(|&(a, b)| a as f64 / b as f64).collect();
        let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(lo - 1e-9 <= got && got <= hi + 1e-9,
            "the median ratio {} is outside the pair ratios [{}, {}]", got, lo, hi);
        let scaled_on: Vec<u64> = on.iter().map(|m| m * scale).collect();
        let scaled_off: Vec<u64> = off.iter().map(|m| m * scale).collect();
        let scaled = overhead_ratio(&ms(&scaled_on), &ms(&scaled_off)).unwrap_or(f64::NAN);
        prop_assert!((scaled - got).abs() < 1e-9,
            "running everything {} times slower changed the ratio from {} to {}: a ratio has \
             no unit", scale, got, scaled);
    }
}
