//! The d19a-precision suite: compiled into kata-d19a-precision (where it must fail) and
//! solution-d19a-precision (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

mod heap;

/// The counting allocator, so a test can count the heap requests of a kata function; inside
/// the rounding test's signal handler it serves requests from a lock-free arena instead.
#[global_allocator]
static COUNTING: heap::SuiteHeap = heap::SuiteHeap;

/// `insta::assert_snapshot!` into `snapshots/d19a-precision/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// The exact value of a finite double as a big rational (test oracle, independent of the
/// katas: `num_rational` converts the bits exactly).
pub(crate) fn exact(x: f64) -> num_rational::BigRational {
    num_rational::BigRational::from_float(x).expect("test oracle takes finite doubles only")
}

pub(crate) use kata_test_support::panics_raised_by;

/// `2^k` as a double, exactly, for `k` in `-1074..=1023` (built from the bits).
pub(crate) fn power_of_two(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(u64::try_from(k + 1023).unwrap_or(0) << 52)
    } else {
        f64::from_bits(1_u64 << (k + 1074).clamp(0, 51))
    }
}

/// Exponents whose neighbours of `2^k` the exact-value katas pin: small and large, positive
/// and negative, normal and subnormal (`log2` rounds up just under most of them).
pub(crate) const POWERS_PINNED: [i32; 17] = [
    2, 3, 4, 10, 52, 53, 54, 100, 512, 1023, -1, -4, -52, -100, -1000, -1022, -1030,
];

/// Any finite double, half of the time one next to a power of two (`2^k` itself, or the double
/// just below or just above it), where a leading-bit position guessed with `log2` is off by one.
pub(crate) fn finite_doubles() -> impl proptest::strategy::Strategy<Value = f64> {
    use proptest::prelude::*;
    let near_a_power =
        (-1074_i32..=1023, -1_i8..=1, any::<bool>()).prop_map(|(k, step, negative)| {
            let power = power_of_two(k);
            let x = match step {
                -1 => power.next_down(),
                1 => power.next_up(),
                _ => power,
            };
            if negative { -x } else { x }
        });
    prop_oneof![
        prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
        near_a_power,
    ]
}

#[cfg(any(not(feature = "one-kata"), feature = "cents"))]
mod cents;
#[cfg(any(not(feature = "one-kata"), feature = "exact_expansion"))]
mod exact_expansion;
#[cfg(any(not(feature = "one-kata"), feature = "exact_fractions"))]
mod exact_fractions;
#[cfg(any(not(feature = "one-kata"), feature = "fee_totals"))]
mod fee_totals;
#[cfg(any(not(feature = "one-kata"), feature = "fsum"))]
mod fsum;
#[cfg(any(not(feature = "one-kata"), feature = "is_close"))]
mod is_close;
#[cfg(any(not(feature = "one-kata"), feature = "rounding"))]
mod rounding;
