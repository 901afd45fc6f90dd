//! Dodge: polar computes the magnitude as sqrt(re² + im²), which overflows to infinity long before the magnitude does.
//! Caught by: polar_does_not_overflow_for_huge_components

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
    if x < 0.0 {
        Err(DomainError { x })
    } else {
        Ok(x.sqrt())
    }
}

/// The principal complex square root of the real number `x`.
pub fn complex_sqrt(x: f64) -> Complex64 {
    Complex64::new(x, 0.0).sqrt()
}

/// `z` as `(magnitude, phase)`, the phase in `[-π, π]`.
pub fn polar(z: Complex64) -> (f64, f64) {
    ((z.re * z.re + z.im * z.im).sqrt(), z.im.atan2(z.re))
}

/// The complex number with magnitude `r` and phase `phi`.
pub fn from_polar(r: f64, phi: f64) -> Complex64 {
    Complex64::from_polar(r, phi)
}
