//! Dodge: real_sqrt wraps f64::sqrt as it is, so a negative input gives Ok(NaN) instead of the domain error.
//! Caught by: the_real_square_root_of_minus_one_is_a_domain_error, rust_floats_do_not_fail_on_negative_roots_they_return_nan

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
    Ok(x.sqrt())
}

/// The principal complex square root of the real number `x`.
pub fn complex_sqrt(x: f64) -> Complex64 {
    Complex64::new(x, 0.0).sqrt()
}

/// `z` as `(magnitude, phase)`, the phase in `[-π, π]`.
pub fn polar(z: Complex64) -> (f64, f64) {
    z.to_polar()
}

/// The complex number with magnitude `r` and phase `phi`.
pub fn from_polar(r: f64, phi: f64) -> Complex64 {
    Complex64::from_polar(r, phi)
}
