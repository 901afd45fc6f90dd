//! Kata 4: real and complex square roots, polar form and back.
//!
//! Every pinned value below was printed by CPython 3.11; the comment next to it names the
//! expression.

use std::f64::consts::PI;

use crate::complex_plane::*;
use num_complex::Complex64;
use proptest::prelude::*;
use rstest::rstest;

/// Relative tolerance for a round trip through polar form.
const ROUND_TRIP_TOLERANCE: f64 = 1e-12;

#[test]
fn the_real_square_root_of_minus_one_is_a_domain_error() {
    // math.sqrt(-1) raises ValueError('math domain error')
    assert_eq!(
        real_sqrt(-1.0),
        Err(DomainError { x: -1.0 }),
        "real_sqrt(-1.0) must fail: no real number squares to -1, and Rust's f64::sqrt would \
         silently return NaN instead"
    );
}

#[test]
fn rust_floats_do_not_fail_on_negative_roots_they_return_nan() {
    // This is the behaviour real_sqrt exists to replace: no error, just a poisoned value.
    let silent = (-1.0f64).sqrt();
    assert!(
        silent.is_nan(),
        "f64::sqrt(-1.0) gave {silent}: Rust floats follow IEEE 754 and return NaN"
    );
    assert!(
        real_sqrt(-1e-300).is_err(),
        "real_sqrt must catch even the smallest negative number, where f64::sqrt gives NaN"
    );
}

#[rstest]
// math.sqrt(16.0) == 4.0
#[case::perfect_square(16.0, 4.0)]
// math.sqrt(2.0) == 1.4142135623730951
#[case::irrational(2.0, std::f64::consts::SQRT_2)]
// math.sqrt(0.0) == 0.0
#[case::zero(0.0, 0.0)]
fn real_sqrt_of_a_non_negative_number_is_its_root(#[case] x: f64, #[case] want: f64) {
    assert_eq!(real_sqrt(x), Ok(want), "real_sqrt({x})");
}

#[test]
fn negative_zero_keeps_its_sign_and_nan_stays_nan() {
    // math.sqrt(-0.0) == -0.0 (IEEE 754: -0.0 is not below zero); math.sqrt(math.nan) is nan
    let zero = real_sqrt(-0.0);
    assert!(
        matches!(zero, Ok(z) if z == 0.0 && z.is_sign_negative()),
        "real_sqrt(-0.0) gave {zero:?}: -0.0 is not less than 0.0, and its root is -0.0"
    );
    // A NaN with its sign bit set (what 0.0 / 0.0 gives on x86-64) is still not below zero.
    for x in [f64::NAN, -f64::NAN] {
        let nan = real_sqrt(x);
        assert!(
            matches!(nan, Ok(n) if n.is_nan()),
            "real_sqrt({x:?}, sign bit {}) gave {nan:?}: NaN is not < 0.0, whatever its sign \
             bit, so it passes through as NaN (as in Python); test `x < 0.0`, not the sign",
            x.is_sign_negative()
        );
    }
}

#[rstest]
// cmath.sqrt(-1) == 1j
#[case::minus_one_is_i(-1.0, Complex64::new(0.0, 1.0))]
// cmath.sqrt(-4) == 2j
#[case::minus_four_is_2i(-4.0, Complex64::new(0.0, 2.0))]
// cmath.sqrt(-2) == 1.4142135623730951j
#[case::minus_two(-2.0, Complex64::new(0.0, std::f64::consts::SQRT_2))]
// cmath.sqrt(9) == (3+0j)
#[case::positive_stays_real(9.0, Complex64::new(3.0, 0.0))]
fn complex_sqrt_always_has_an_answer(#[case] x: f64, #[case] want: Complex64) {
    assert_eq!(
        complex_sqrt(x),
        want,
        "complex_sqrt({x}): the principal root of a negative real is i·√(-x), with a real part \
         of exactly 0"
    );
}

#[rstest]
// cmath.polar(3+4j) == (5.0, 0.9272952180016122)
#[case::the_articles_3_plus_4i(Complex64::new(3.0, 4.0), 5.0, 0.927_295_218_001_612_2)]
// cmath.polar(-1+0j) == (1.0, 3.141592653589793)
#[case::negative_real_axis(Complex64::new(-1.0, 0.0), 1.0, PI)]
// cmath.polar(complex(-1, -0.0)) == (1.0, -3.141592653589793)
#[case::negative_real_axis_from_below(Complex64::new(-1.0, -0.0), 1.0, -PI)]
// cmath.polar(-1-1j) == (1.4142135623730951, -2.356194490192345)
#[case::third_quadrant(Complex64::new(-1.0, -1.0), std::f64::consts::SQRT_2, -3.0 * PI / 4.0)]
// cmath.polar(-2+2j) == (2.8284271247461903, 2.356194490192345)
#[case::second_quadrant(Complex64::new(-2.0, 2.0), 2.0 * std::f64::consts::SQRT_2, 3.0 * PI / 4.0)]
// cmath.polar(0j) == (0.0, 0.0)
#[case::zero(Complex64::new(0.0, 0.0), 0.0, 0.0)]
fn polar_gives_magnitude_and_phase_in_the_right_quadrant(
    #[case] z: Complex64,
    #[case] magnitude: f64,
    #[case] phase: f64,
) {
    let (r, phi) = polar(z);
    assert!(
        (r - magnitude).abs() <= 1e-15 * magnitude.max(1.0) && (phi - phase).abs() <= 1e-15,
        "polar({z}) gave ({r}, {phi}), Python gives ({magnitude}, {phase}): the magnitude is \
         the distance from 0, the phase the angle from the positive real axis, in [-π, π] \
         and in the quadrant of z (atan2, not atan of im/re)"
    );
}

#[test]
fn polar_does_not_overflow_for_huge_components() {
    // cmath.polar(1e200+1e200j) == (1.414213562373095e+200, 0.7853981633974483)
    let (r, _) = polar(Complex64::new(1e200, 1e200));
    assert!(
        (r / 1.414_213_562_373_095e200 - 1.0).abs() <= 1e-15,
        "polar(1e200 + 1e200i) gave the magnitude {r}: re² + im² overflows to infinity, so \
         compute it without squaring first (hypot)"
    );
}

#[rstest]
// cmath.polar(1e-200+1e-200j)[0] == 1.414213562373095e-200
#[case::tiny_components(Complex64::new(1e-200, 1e-200), 1.414_213_562_373_095e-200)]
// cmath.polar(3e-170+4e-170j)[0] == 5e-170
#[case::tiny_three_four_five(Complex64::new(3e-170, -4e-170), 5e-170)]
// cmath.polar(1e300+1e-300j)[0] == 1e300
#[case::huge_and_tiny(Complex64::new(-1e300, 1e-300), 1e300)]
fn polar_does_not_underflow_for_tiny_components(#[case] z: Complex64, #[case] magnitude: f64) {
    let (r, _) = polar(z);
    assert!(
        (r / magnitude - 1.0).abs() <= 1e-15,
        "polar({z:e}) gave the magnitude {r:e}, Python gives {magnitude:e}: re² + im² underflows \
         to 0 (or overflows to infinity) long before the magnitude does, so never square first \
         (hypot scales the components)"
    );
}

/// `2^e`, exactly, for a normal exponent.
fn two_to_the(e: i32) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

#[test]
fn every_binary_exponent_keeps_the_magnitudes_digits() {
    // Scaling both components by a power of two scales the magnitude by it exactly, so the
    // magnitude of (x + yi)·2^e is hypot(x, y)·2^e, whatever e.
    for (x, y) in [(1.1, 1.7), (1.9, 1.3), (1.25, 1.0 / 3.0)] {
        let unscaled = f64::hypot(x, y);
        for e in -1020..=1020 {
            let scale = two_to_the(e);
            let z = Complex64::new(x * scale, y * scale);
            let (r, _) = polar(z);
            let magnitude = unscaled * scale;
            assert!(
                (r / magnitude - 1.0).abs() <= 1e-15,
                "polar({z:e}) gave the magnitude {r:e}, not {magnitude:e}: somewhere between \
                 the huge and the tiny, re² + im² loses digits (it is subnormal) or overflows; \
                 never square first (hypot scales the components)"
            );
        }
    }
}

#[test]
fn from_polar_turns_magnitude_and_phase_back_into_a_number() {
    // cmath.rect(2, math.pi/2) == (1.2246467991473532e-16+2j)
    let z = from_polar(2.0, PI / 2.0);
    assert!(
        z.re.abs() <= 1e-15 && (z.im - 2.0).abs() <= 1e-15,
        "from_polar(2, π/2) gave {z}: magnitude 2 at a right angle is 2i"
    );
}

/// Components from tiny to large, with zeros and negative zeros.
fn component() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        -1.0..1.0f64,
        -1e6..1e6f64,
        -1e150..1e150f64
    ]
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn from_polar_undoes_polar(re in component(), im in component()) {
        let z = Complex64::new(re, im);
        let (r, phi) = polar(z);
        let back = from_polar(r, phi);
        prop_assert!((back - z).norm() <= ROUND_TRIP_TOLERANCE * z.norm().max(f64::MIN_POSITIVE),
            "polar({}) = ({}, {}) and from_polar of that gave {}: the round trip must return \
             z within 1e-12 of its magnitude", z, r, phi, back);
        prop_assert!(r >= 0.0 && (-PI..=PI).contains(&phi),
            "polar({}) gave ({}, {}): the magnitude is never negative and the phase lies in [-π, π]",
            z, r, phi);
    }
}
