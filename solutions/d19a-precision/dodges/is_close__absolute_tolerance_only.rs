//! Dodge: compare the difference with the absolute tolerance only: fine near 1, wrong for
//! large numbers (where only a relative tolerance makes sense) and for tiny ones.
//! Caught by: follows_python_isclose

/// True if `a` and `b` are within `rel_tol` (relative) or `abs_tol` (absolute) of each other.
///
/// # Panics
///
/// If either tolerance is negative; the message says tolerances must be non-negative.
pub fn is_close(a: f64, b: f64, rel_tol: f64, abs_tol: f64) -> bool {
    if rel_tol < 0.0 || abs_tol < 0.0 {
        panic!("tolerances must be non-negative, got rel_tol {rel_tol} and abs_tol {abs_tol}");
    }
    if a == b {
        return true;
    }
    if a.is_infinite() || b.is_infinite() {
        return false;
    }
    let diff = (a - b).abs();
    diff <= abs_tol.max(rel_tol)
}
