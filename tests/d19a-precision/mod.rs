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
