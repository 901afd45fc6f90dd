//! Kata 6: Amdahl's law.

use crate::amdahl::{AmdahlError, amdahl_speedup, cores_needed, max_speedup, speedup_table};
use proptest::prelude::*;
use rstest::rstest;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[rstest]
#[case::nothing_parallel(0.0, 8, 1.0)]
#[case::everything_parallel(1.0, 8, 8.0)]
#[case::half_on_two_cores(0.5, 2, 4.0 / 3.0)]
#[case::the_articles_eight_cores(0.95, 8, 1.0 / (0.05 + 0.95 / 8.0))]
#[case::one_core_is_no_speedup(0.9, 1, 1.0)]
fn computes_the_speedup(#[case] p: f64, #[case] cores: usize, #[case] expected: f64) {
    let got = amdahl_speedup(p, cores);
    assert!(
        got.is_ok_and(|s| close(s, expected)),
        "amdahl_speedup({p}, {cores}) gave {got:?}, expected {expected}: \
         1 / ((1 - p) + p / cores)"
    );
}

#[rstest]
#[case::forty_nine_cores(49)]
#[case::ninety_eight_cores(98)]
#[case::a_hundred_and_three_cores(103)]
fn perfectly_parallel_work_never_beats_one_core_per_core(#[case] cores: usize) {
    let got = amdahl_speedup(1.0, cores);
    assert!(
        got.is_ok_and(|s| s <= cores as f64 && close(s, cores as f64)),
        "amdahl_speedup(1.0, {cores}) gave {got:?}: in f64, 1 / (1 / {cores}) rounds to just \
         above {cores}, and no job runs faster than one core per core. Clamp the result to \
         1.0..=cores"
    );
}

#[rstest]
#[case::half(0.5, 2.0)]
#[case::ninety_five(0.95, 20.0)]
#[case::nothing_parallel(0.0, 1.0)]
#[case::everything_parallel(1.0, f64::INFINITY)]
#[case::all_but_one_part_in_2_pow_53(1.0 - f64::EPSILON / 2.0, 2_f64.powi(53))]
fn the_serial_part_caps_the_speedup(#[case] p: f64, #[case] expected: f64) {
    let got = max_speedup(p);
    assert!(
        got.is_ok_and(|s| s == expected || close(s, expected)),
        "max_speedup({p}) gave {got:?}, expected {expected}: 1 / (1 - p), infinite for p = 1. \
         The ceiling is the limit of the law as the cores grow without end, where p / n \
         vanishes; a huge finite core count still adds p / n, which is not nothing beside a \
         serial part this small"
    );
}

#[rstest]
#[case::negative(-0.1)]
#[case::above_one(1.5)]
#[case::not_a_number(f64::NAN)]
#[case::infinite(f64::INFINITY)]
fn a_fraction_outside_zero_to_one_is_an_error(#[case] p: f64) {
    let results = [
        amdahl_speedup(p, 4).map(|_| ()),
        max_speedup(p).map(|_| ()),
        cores_needed(p, 2.0).map(|_| ()),
        speedup_table(&[p], &[1]).map(|_| ()),
    ];
    for got in results {
        assert!(
            matches!(got, Err(AmdahlError::InvalidFraction(_))),
            "a parallel fraction of {p} gave {got:?}: every function must refuse it with \
             AmdahlError::InvalidFraction instead of computing a meaningless speedup"
        );
    }
}

#[test]
fn zero_cores_is_an_error() {
    let got = amdahl_speedup(0.5, 0);
    assert_eq!(
        got,
        Err(AmdahlError::NoCores),
        "amdahl_speedup(0.5, 0) gave {got:?}: zero cores run nothing"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn the_speedup_is_at_least_one_and_at_most_cores_and_the_cap(
        p in prop_oneof![Just(0.0), Just(1.0), 0.0_f64..=1.0, 0.99_f64..1.0],
        cores in prop_oneof![1_usize..10, Just(1_000_000)],
    ) {
        let speedup = amdahl_speedup(p, cores)
            .map_err(|e| TestCaseError::fail(format!("amdahl_speedup({p}, {cores}): {e}")))?;
        let cap = max_speedup(p)
            .map_err(|e| TestCaseError::fail(format!("max_speedup({p}): {e}")))?;
        let slack = 1.0 + 1e-12;
        prop_assert!(speedup * slack >= 1.0, "{} cores at p = {} slowed the job down: {}",
            cores, p, speedup);
        prop_assert!(speedup <= cores as f64 * slack,
            "amdahl_speedup({}, {}) = {} beats one core per core", p, cores, speedup);
        prop_assert!(speedup <= cap * slack,
            "amdahl_speedup({}, {}) = {} beats the cap 1 / (1 - p) = {}", p, cores, speedup, cap);
    }

    #[test]
    fn more_cores_never_slow_the_job_down(
        p in 0.0_f64..=1.0,
        cores in 1_usize..1_000,
    ) {
        let fewer = amdahl_speedup(p, cores);
        let more = amdahl_speedup(p, cores + 1);
        prop_assert!(matches!((fewer, more), (Ok(f), Ok(m)) if m >= f),
            "amdahl_speedup({}, _) fell from {:?} to {:?} with one more core", p, fewer, more);
    }
}

#[rstest]
#[case::the_articles_five_and_a_half(0.95, 5.5, Some(8))]
#[case::already_there(0.9, 1.0, Some(1))]
#[case::perfectly_parallel(1.0, 8.0, Some(8))]
#[case::nothing_parallel_cannot_speed_up(0.0, 1.5, None)]
#[case::the_cap_itself_is_never_reached(0.5, 2.0, None)]
#[case::beyond_the_cap(0.9, 11.0, None)]
#[case::thousands_of_cores(0.9999, 3_000.0, Some(4_286))]
fn finds_the_fewest_cores_that_reach_a_target(
    #[case] p: f64,
    #[case] target: f64,
    #[case] expected: Option<usize>,
) {
    let got = super::guarded(
        "cores_needed blocked: it searched for a core count that does not exist; a target \
         at or above 1 / (1 - p) is unreachable, answer None",
        move || cores_needed(p, target),
    );
    assert_eq!(
        got,
        Ok(expected),
        "cores_needed({p}, {target}) gave {got:?}: the smallest n with \
         amdahl_speedup(p, n) >= target, or None if no n reaches it"
    );
}

#[rstest]
#[case::a_thousand(0.9, 1_000)]
#[case::three(0.5, 3)]
#[case::an_odd_count(0.95, 123_457)]
#[case::every_core_counts(1.0, 64)]
#[case::a_billion(0.999, 1_000_000_000)]
#[case::beyond_what_f64_can_tell_apart(0.9, 1_000_000_000_000)]
fn asking_for_the_speedup_of_n_cores_needs_at_most_n_cores(#[case] p: f64, #[case] n: usize) {
    let target = amdahl_speedup(p, n).unwrap_or_else(|e| panic!("amdahl_speedup({p}, {n}): {e}"));
    let got = super::guarded(
        "cores_needed took too long: solve the law for n, then settle the last steps by \
         bisection, not by stepping one core at a time",
        move || cores_needed(p, target),
    );
    let reaches = |cores: usize| amdahl_speedup(p, cores).is_ok_and(|s| s >= target);
    assert!(
        matches!(got, Ok(Some(needed)) if needed <= n && reaches(needed) && (needed == 1 || !reaches(needed - 1))),
        "cores_needed({p}, {target}) gave {got:?}: {n} cores give exactly that speedup, so \
         the answer is the smallest count (at most {n}) whose amdahl_speedup reaches it. The \
         formula's estimate can be off by rounding: check it against amdahl_speedup itself"
    );
}

#[rstest]
#[case::below_one(0.5)]
#[case::zero(0.0)]
#[case::not_a_number(f64::NAN)]
#[case::infinite(f64::INFINITY)]
fn a_target_that_is_not_a_finite_number_of_at_least_one_is_an_error(#[case] target: f64) {
    let got = cores_needed(0.9, target);
    assert!(
        matches!(got, Err(AmdahlError::InvalidTarget(_))),
        "cores_needed(0.9, {target}) gave {got:?}: it must be AmdahlError::InvalidTarget"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn cores_needed_agrees_with_amdahl_speedup(
        p in prop_oneof![Just(0.0), Just(1.0), 0.0_f64..=1.0, 0.999_f64..1.0],
        share_of_the_cap in prop_oneof![0.0_f64..1.0, 0.999_f64..1.0, Just(1.0), 1.0_f64..1.5],
    ) {
        let cap = max_speedup(p)
            .map_err(|e| TestCaseError::fail(format!("max_speedup({p}): {e}")))?;
        let target = if cap.is_finite() { 1.0 + (cap - 1.0) * share_of_the_cap } else { 1.0 + 1e4 * share_of_the_cap };
        let got = super::guarded("cores_needed blocked", move || cores_needed(p, target))
            .map_err(|e| TestCaseError::fail(format!("cores_needed({p}, {target}): {e}")))?;
        let reaches = |n: usize| amdahl_speedup(p, n).is_ok_and(|s| s >= target);
        match got {
            Some(n) => {
                prop_assert!(reaches(n),
                    "cores_needed({}, {}) = {} but that many cores do not reach the target",
                    p, target, n);
                prop_assert!(n == 1 || !reaches(n - 1),
                    "cores_needed({}, {}) = {} but {} cores already reach the target",
                    p, target, n, n - 1);
            }
            None => prop_assert!(!reaches(1 << 40),
                "cores_needed({}, {}) said no core count reaches the target, but 2^40 cores do",
                p, target),
        }
    }
}

#[test]
fn renders_a_speedup_table() {
    let table = speedup_table(&[0.5, 0.9, 0.95, 0.99, 1.0], &[1, 2, 4, 8, 16, 64]);
    let table = table.unwrap_or_else(|e| panic!("speedup_table failed: {e}"));
    assert_suite_snapshot!("speedup_table", table);
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the law
/// itself for any fraction and core count (not only the bounds), and tables of other
/// fractions and core counts, empty ones included.
#[cfg(feature = "held-out")]
mod held_out {
    use super::close;
    use crate::amdahl::{amdahl_speedup, max_speedup, speedup_table};
    use proptest::prelude::*;

    /// Fractions in hundredths, so that each one's `p=0.xx` header is exact.
    fn fractions() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec((0_u32..=100).prop_map(|h| f64::from(h) / 100.0), 0..5)
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn the_speedup_is_the_law_for_any_fraction_and_core_count(
            p in prop_oneof![Just(0.0), Just(1.0), 0.0_f64..=1.0, 0.999_f64..1.0],
            cores in prop_oneof![1_usize..100, 100_usize..1_000_000_000, Just(usize::MAX)],
        ) {
            let n = cores as f64;
            let law = (1.0 / ((1.0 - p) + p / n)).clamp(1.0, n);
            let got = amdahl_speedup(p, cores);
            prop_assert!(got.is_ok_and(|s| close(s, law)),
                "amdahl_speedup({}, {}) gave {:?}, but 1 / ((1 - p) + p / cores), clamped to \
                 1.0..=cores, is {}", p, cores, got, law);
        }

        #[test]
        fn a_table_of_any_fractions_and_core_counts_shows_each_speedup(
            fractions in fractions(),
            cores in prop::collection::vec(1_usize..=99_999, 0..6),
        ) {
            let cell = |speedup: Result<f64, _>| {
                speedup.map(|s| format!("{s:>8.2}")).unwrap_or_else(|e| format!("error: {e}"))
            };
            let mut expected = vec![fractions.iter().fold("cores".to_owned(), |row, p| {
                format!("{row}{:>8}", format!("p={p:.2}"))
            })];
            for &n in &cores {
                expected.push(fractions.iter().fold(format!("{n:>5}"), |row, &p| {
                    row + &cell(amdahl_speedup(p, n))
                }));
            }
            expected.push(fractions.iter().fold("  max".to_owned(), |row, &p| {
                row + &cell(max_speedup(p))
            }));
            let table = speedup_table(&fractions, &cores)
                .map_err(|e| TestCaseError::fail(format!("speedup_table failed: {e}")))?;
            let rows: Vec<&str> = table.lines().collect();
            prop_assert_eq!(&rows, &expected,
                "speedup_table({:?}, {:?}) is laid out otherwise: a header `cores` then \
                 `p=0.xx` per fraction, one row per core count, a last row `max`; the first \
                 column right-aligned in 5, every cell in 8 with two decimals (`inf` for an \
                 infinite maximum)", &fractions, &cores);
        }
    }
}
