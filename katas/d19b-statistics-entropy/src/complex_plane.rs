//! # Kata 4: the complex plane
//!
//! **Build** `real_sqrt` (a square root that refuses negative numbers), `complex_sqrt` (a
//! square root that always has an answer, in the complex plane), `polar` (a complex number
//! as magnitude and phase) and `from_polar` (back again), with `num_complex::Complex64`.
//!
//! **Why.** A negative number under a square root is a bug in real arithmetic and a
//! fact of life in signal processing and electrical engineering (impedance, phasors, FFTs).
//! Code must choose which world it lives in and say so in its types: a real square root that
//! silently returns NaN poisons every later computation without a trace.
//!
//! **Python → Rust.** `math.sqrt(-1)` raises `ValueError: math domain error`, but Rust's
//! `f64::sqrt(-1.0)` does not fail: it returns NaN. So `real_sqrt` must check and return
//! `Err(DomainError { x })` for any `x < 0` (NaN stays NaN, and `-0.0` gives `-0.0`, as in
//! Python). `cmath.sqrt(-1)` is `1j`; here `complex_sqrt(-1.0)` is `Complex64::new(0.0, 1.0)`.
//! `cmath.polar(z)` is `(abs(z), phase(z))`; Rust has `Complex64::norm` and `Complex64::arg`.
//!
//! **The tests check.**
//! - `real_sqrt(x)` is `Err(DomainError { x })` exactly when `x < 0.0` (even `-1e-300`, where
//!   `f64::sqrt` quietly gives NaN); otherwise the root, with `-0.0` giving `-0.0` and NaN
//!   staying NaN, whatever its sign bit. Checked by `the_real_square_root_of_minus_one_is_a_domain_error`,
//!   `rust_floats_do_not_fail_on_negative_roots_they_return_nan`,
//!   `real_sqrt_of_a_non_negative_number_is_its_root`,
//!   `negative_zero_keeps_its_sign_and_nan_stays_nan`.
//! - `complex_sqrt(x)` is the principal root: for `x < 0` it is `i·√(-x)` exactly (a zero real
//!   part), for `x >= 0` it is `√x`. Checked by `complex_sqrt_always_has_an_answer`.
//! - `polar(z)` returns `(r, phi)` with `r >= 0` and `phi` in `[-π, π]`, in the quadrant of `z`
//!   (`polar(-1 - 1i).1` is `-3π/4`; pinned magnitudes within 1e-15 relative, phases within
//!   1e-15 absolute). Checked by `polar_gives_magnitude_and_phase_in_the_right_quadrant`.
//! - The magnitude never squares first: it must not overflow when `re² + im²` would
//!   (`polar(1e200 + 1e200i).0` is about 1.414e200) nor underflow when it would
//!   (`polar(1e-200 + 1e-200i).0` is about 1.414e-200). Checked by
//!   `polar_does_not_overflow_for_huge_components`,
//!   `polar_does_not_underflow_for_tiny_components`.
//! - Nor at any scale in between: `(x + yi)·2^e` has the magnitude `hypot(x, y)·2^e` within
//!   1e-15 relative for every `e` from -1020 to 1020 (where `re² + im²` is subnormal it keeps
//!   only some of its digits). Checked by `every_binary_exponent_keeps_the_magnitudes_digits`.
//! - `from_polar(r, phi)` is `r·(cos phi + i sin phi)`, and `from_polar(polar(z))` is `z` within
//!   1e-12 relative to `|z|`. Checked by `from_polar_turns_magnitude_and_phase_back_into_a_number`,
//!   `from_polar_undoes_polar`.
//!
//! **Not checked.** Whether `real_sqrt` tests `x < 0` before taking the root or turns the NaN of
//! `f64::sqrt` into the error afterwards: both return the same thing for every `x`, and no NaN
//! escapes either way. A magnitude computed as `sqrt(re² + im²)` when that sum is a normal
//! number, and rescaled by the larger component otherwise (overflow, subnormal or zero): that
//! is how `hypot` implementations work (a fast path, with the rescue wherever squaring would
//! lose digits), it is within an ulp or two of `hypot` everywhere, and the tests accept it.
//! Results built by hand instead of with `num_complex`'s methods (a sign test and `i·√(-x)` for
//! `complex_sqrt`, `hypot` and `atan2` for `polar`, `r·cos` and `r·sin` for `from_polar`): they
//! are the same numbers computed the same stable way, and the tests see only numbers.

use num_complex::Complex64;
use thiserror::Error;

/// A real square root of a negative number was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Error)]
#[error("math domain error: no real square root of {x}")]
pub struct DomainError {
    /// The negative number.
    pub x: f64,
}

/// The real square root of `x`, or `DomainError` when `x < 0`.
pub fn real_sqrt(x: f64) -> Result<f64, DomainError> {
    todo!("the real square root of {x}")
}

/// The principal complex square root of the real number `x`.
pub fn complex_sqrt(x: f64) -> Complex64 {
    todo!("the complex square root of {x}")
}

/// `z` as `(magnitude, phase)`, the phase in `[-π, π]`.
pub fn polar(z: Complex64) -> (f64, f64) {
    todo!("{z} in polar form")
}

/// The complex number with magnitude `r` and phase `phi`.
pub fn from_polar(r: f64, phi: f64) -> Complex64 {
    todo!("the complex number of magnitude {r} and phase {phi}")
}
