//! Dodge: Kahan–Neumaier compensated summation: one running error term instead of exact
//! partials. Close on most inputs, wrong where the lost bits do not fit in one term.
//! Caught by: fsum_keeps_what_a_neumaier_loop_loses, fsum_rounds_the_exact_sum_once, fsum_agrees_with_an_exact_rational_sum

/// Adds the values left to right with `+`, rounding after every step.
pub fn naive_sum(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |total, &x| total + x)
}

/// Returns the exact sum of the values, correctly rounded to the nearest `f64`.
pub fn fsum(values: &[f64]) -> f64 {
    let mut sum = 0.0_f64;
    let mut compensation = 0.0_f64;
    for &x in values {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            compensation += (sum - t) + x;
        } else {
            compensation += (x - t) + sum;
        }
        sum = t;
    }
    sum + compensation
}

/// Two-sum of `a` and `b` with `|a| >= |b|`: the rounded sum and its exact error.
fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let hi = a + b;
    (hi, b - (hi - a))
}

/// Folds `value` into the partials, keeping them exact and non-overlapping.
/// Returns the infinity produced if a partial overflowed.
fn add_to_partials(partials: &mut Vec<f64>, value: f64) -> Option<f64> {
    let mut x = value;
    let mut kept = 0;
    for i in 0..partials.len() {
        let y = partials[i];
        let (big, small) = if x.abs() < y.abs() { (y, x) } else { (x, y) };
        let (hi, lo) = fast_two_sum(big, small);
        if lo != 0.0 {
            partials[kept] = lo;
            kept += 1;
        }
        x = hi;
    }
    partials.truncate(kept);
    if x.is_infinite() {
        return Some(x);
    }
    if x != 0.0 {
        partials.push(x);
    }
    None
}

/// Adds the partials from the largest down, rounding once, with the half-way fix.
fn round_partials(partials: &[f64]) -> f64 {
    let Some((&top, rest)) = partials.split_last() else {
        return 0.0;
    };
    let mut hi = top;
    let mut lo = 0.0;
    let mut remaining = rest;
    while let Some((&y, below)) = remaining.split_last() {
        remaining = below;
        let x = hi;
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    // We only get here after a break, so `lo != 0`: `hi + lo` was a tie broken to even.
    // If the partials below push in the same direction as `lo`, the exact sum lies past
    // the half-way point: round the other way.
    if let Some(&next) = remaining.last()
        && lo.is_sign_positive() == next.is_sign_positive()
    {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}
