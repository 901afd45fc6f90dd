//! Kata 5: headroom, and sizing a pool by its workload.

use std::io;
use std::num::NonZeroUsize;

use crate::headroom::{
    HeadroomError, MAX_IO_THREADS, Workload, pool_size, worker_count, worker_count_for,
    worker_count_here,
};
use proptest::prelude::*;
use rstest::rstest;

#[rstest]
#[case::one_core(1, 1)]
#[case::two_cores(2, 1)]
#[case::three_cores(3, 2)]
#[case::four_cores(4, 3)]
#[case::five_cores(5, 4)]
#[case::eight_cores(8, 6)]
#[case::ten_cores(10, 8)]
#[case::sixteen_cores(16, 12)]
#[case::sixty_four_cores(64, 51)]
fn leaves_a_fifth_of_the_cores_free(#[case] cores: usize, #[case] expected: usize) {
    let got = worker_count(cores);
    assert_eq!(
        got,
        Ok(expected),
        "worker_count({cores}) gave {got:?}: the most workers that leave at least 20 % of \
         the cores free (5 * (cores - workers) >= cores), and never fewer than one"
    );
}

#[test]
fn zero_cores_is_an_error() {
    let got = worker_count(0);
    assert_eq!(
        got,
        Err(HeadroomError::NoCores),
        "worker_count(0) gave {got:?}: it must be HeadroomError::NoCores"
    );
}

#[rstest]
#[case::the_largest_usize(usize::MAX)]
#[case::one_below_it(usize::MAX - 1)]
#[case::past_what_an_f64_holds_exactly((1 << 60) + 3)]
#[case::where_f64_first_rounds_wrong(2_251_799_813_683_251)]
fn does_not_overflow_or_round_on_a_huge_core_count(#[case] cores: usize) {
    // The largest w with 5 * (cores - w) >= cores is floor(4 * cores / 5), computed here in
    // u128 so that nothing overflows.
    let exact =
        usize::try_from(u128::try_from(cores).unwrap_or(u128::MAX) * 4 / 5).unwrap_or(usize::MAX);
    let got = worker_count(cores);
    assert_eq!(
        got,
        Ok(exact),
        "worker_count({cores}) gave {got:?}: compute the free cores in integers, without \
         multiplying the core count first (cores * 4 overflows) and without floating point \
         (cores as f64 * 0.8 rounds wrong past about 2^50: 0.8 is not exact in binary)"
    );
}

#[test]
fn sizes_this_machine_from_available_parallelism() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let got = worker_count_here();
    assert_eq!(
        Ok(got),
        worker_count(cores),
        "worker_count_here() gave {got} on a machine whose available_parallelism is {cores}"
    );
}

#[rstest]
#[case::sixteen_cores(16, 12)]
#[case::five_cores(5, 4)]
#[case::one_core(1, 1)]
fn sizes_a_pool_from_what_the_machine_reports(#[case] cores: usize, #[case] expected: usize) {
    let reported = NonZeroUsize::new(cores).ok_or_else(|| io::Error::other("no cores"));
    let got = worker_count_for(reported);
    assert_eq!(
        got, expected,
        "worker_count_for(Ok({cores})) gave {got}: it must be worker_count({cores}) = \
         {expected}, the cores available_parallelism reported minus the headroom"
    );
}

#[test]
fn a_machine_that_cannot_tell_gets_one_worker() {
    let got = worker_count_for(Err(io::Error::other("cgroup files unreadable")));
    assert_eq!(
        got, 1,
        "worker_count_for(Err(_)) gave {got}: when available_parallelism cannot tell, start \
         one worker (a guess of many could take the whole machine), never panic"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn keeps_twenty_percent_free_with_as_many_workers_as_possible(
        cores in prop_oneof![1_usize..40, 1_000_usize..1_100],
    ) {
        let workers = worker_count(cores)
            .map_err(|e| TestCaseError::fail(format!("worker_count({cores}) failed: {e}")))?;
        prop_assert!(workers >= 1, "worker_count({}) gave no worker at all", cores);
        if cores >= 2 {
            prop_assert!(5 * (cores - workers) >= cores,
                "worker_count({}) = {} leaves less than 20 % of the cores free", cores, workers);
            prop_assert!(workers + 1 == cores || 5 * (cores - workers - 1) < cores,
                "worker_count({}) = {} wastes cores: {} workers would still leave 20 % free",
                cores, workers, workers + 1);
        }
    }
}

#[rstest]
#[case::sixteen_cores(16, 12)]
#[case::two_cores(2, 1)]
fn a_cpu_bound_pool_gets_the_headroom_count(#[case] cores: usize, #[case] expected: usize) {
    let got = pool_size(Workload::CpuBound, cores);
    assert_eq!(
        got,
        Ok(expected),
        "pool_size(CpuBound, {cores}) gave {got:?}: computing threads each occupy a core, so \
         the pool gets worker_count({cores})"
    );
}

#[rstest]
#[case::more_waits_than_cores(20, 2, 20)]
#[case::fewer_waits_than_cores(3, 16, 3)]
#[case::no_waits_still_one_thread(0, 4, 1)]
#[case::capped(10_000, 8, MAX_IO_THREADS)]
fn an_io_bound_pool_is_sized_by_its_waits_not_by_the_cores(
    #[case] waits: usize,
    #[case] cores: usize,
    #[case] expected: usize,
) {
    let got = pool_size(Workload::IoBound { waits }, cores);
    assert_eq!(
        got,
        Ok(expected),
        "pool_size(IoBound {{ waits: {waits} }}, {cores}) gave {got:?}: waiting threads use no \
         core, so the pool gets one thread per wait, between 1 and MAX_IO_THREADS"
    );
}

#[rstest]
#[case::cpu(Workload::CpuBound)]
#[case::io(Workload::IoBound { waits: 5 })]
fn a_pool_on_zero_cores_is_an_error(#[case] workload: Workload) {
    let got = pool_size(workload, 0);
    assert_eq!(
        got,
        Err(HeadroomError::NoCores),
        "pool_size({workload:?}, 0) gave {got:?}: it must be HeadroomError::NoCores"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the
/// headroom count for any core count a `usize` holds, through all three entry points, and an
/// I/O pool around its cap on any machine.
#[cfg(feature = "held-out")]
mod held_out {
    use super::*;

    /// The largest `w` with `5 * (cores - w) >= cores`, at least one: `4 * cores / 5` in u128.
    fn four_fifths(cores: usize) -> usize {
        let exact = u128::try_from(cores).unwrap_or(u128::MAX) * 4 / 5;
        usize::try_from(exact).unwrap_or(usize::MAX).max(1)
    }

    /// Core counts everywhere in `usize`, with the places where rounding and overflow bite.
    fn core_counts() -> impl Strategy<Value = usize> {
        prop_oneof![
            1_usize..200,
            any::<usize>().prop_map(|c| c.max(1)),
            ((1_usize << 53) - 20..(1_usize << 53) + 20),
            (usize::MAX / 5 - 10..usize::MAX / 5 + 10),
            (usize::MAX - 20..=usize::MAX),
        ]
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn any_core_count_gets_four_fifths_of_it_rounded_down_and_at_least_one(
            cores in core_counts(),
        ) {
            let expected = four_fifths(cores);
            let reported = NonZeroUsize::new(cores).ok_or_else(|| io::Error::other("no cores"));
            let got = (
                worker_count(cores),
                worker_count_for(reported),
                pool_size(Workload::CpuBound, cores),
            );
            prop_assert_eq!(&got, &(Ok(expected), expected, Ok(expected)),
                "for {} cores (worker_count, worker_count_for, pool_size(CpuBound)) gave {:?}: \
                 all three must be the most workers that leave 20 % of the cores free \
                 ({}), computed in integers without overflow", cores, &got, expected);
        }

        #[test]
        fn an_io_pool_is_its_waits_clamped_to_the_cap_on_any_machine(
            waits in prop_oneof![
                0_usize..=2 * MAX_IO_THREADS,
                MAX_IO_THREADS - 1..=MAX_IO_THREADS + 1,
                any::<usize>(),
            ],
            cores in core_counts(),
        ) {
            let got = pool_size(Workload::IoBound { waits }, cores);
            let expected = waits.clamp(1, MAX_IO_THREADS);
            prop_assert_eq!(got, Ok(expected),
                "pool_size(IoBound {{ waits: {} }}, {}) gave {:?}: one thread per wait, between \
                 1 and MAX_IO_THREADS, whatever the number of cores", waits, cores, got);
        }
    }
}
