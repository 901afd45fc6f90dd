//! The suite's counting global allocator: [`kata_test_support::heap`] measures what a closure
//! asks of the heap on the current thread.

#[global_allocator]
static COUNTING: kata_test_support::heap::Counting = kata_test_support::heap::Counting;

pub(crate) use kata_test_support::heap::{count_allocations, peak_heap};

/// Runs `f` and returns its result with the bytes of heap it left allocated when it returned
/// (on this thread; the result's own heap counts too), exactly: not a bound, so a leak of a
/// single byte shows.
///
/// After `f` a probe block far larger than anything a test holds is allocated and freed, so
/// the peak is `left + PROBE` (a leak check that cannot be passed by leaking little).
pub(crate) fn heap_left_behind<R>(f: impl FnOnce() -> R) -> (R, usize) {
    const PROBE: usize = 64 << 20;
    let (result, peak) = peak_heap(|| {
        let result = f();
        // black_box: the probe must really be allocated, not optimised away.
        drop(std::hint::black_box(Vec::<u8>::with_capacity(PROBE)));
        result
    });
    assert!(
        peak >= PROBE,
        "the counting allocator is not this test binary's global allocator"
    );
    (result, peak - PROBE)
}
