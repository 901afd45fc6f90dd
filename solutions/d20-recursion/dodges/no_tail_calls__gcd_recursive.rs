//! Dodge: gcd_traced stays tail-recursive, trusting the compiler to reuse the frame; debug builds never do, so each round takes a new frame.
//! Caught by: every_round_runs_at_the_same_stack_depth

/// The greatest common divisor of `a` and `b`, by Euclid's algorithm as a loop.
pub fn gcd(a: u64, b: u64) -> u64 {
    gcd_traced(a, b, &mut |_, _| {})
}

/// [`gcd`], calling `on_round(a, b)` at the start of every round with `b != 0`.
pub fn gcd_traced(a: u64, b: u64, on_round: &mut dyn FnMut(u64, u64)) -> u64 {
    if b == 0 {
        return a;
    }
    on_round(a, b);
    gcd_traced(b, a % b, on_round)
}

/// `term(1) + … + term(n)`, calling `term` once per `k` in order, as a loop.
pub fn sum_to(n: u64, mut term: impl FnMut(u64) -> u64) -> u128 {
    let mut total: u128 = 0;
    for k in 1..=n {
        total += u128::from(term(k));
    }
    total
}
