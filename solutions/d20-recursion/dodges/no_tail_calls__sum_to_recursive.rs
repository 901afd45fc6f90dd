//! Dodge: sum_to keeps the accumulator recursion go(k, total), one frame per term: ten million terms overflow any thread's stack.
//! Caught by: every_term_is_asked_for_at_the_same_stack_depth, sums_ten_million_terms_on_a_256_kib_stack

/// The greatest common divisor of `a` and `b`, by Euclid's algorithm as a loop.
pub fn gcd(a: u64, b: u64) -> u64 {
    gcd_traced(a, b, &mut |_, _| {})
}

/// [`gcd`], calling `on_round(a, b)` at the start of every round with `b != 0`.
pub fn gcd_traced(mut a: u64, mut b: u64, on_round: &mut dyn FnMut(u64, u64)) -> u64 {
    while b != 0 {
        on_round(a, b);
        (a, b) = (b, a % b);
    }
    a
}

/// `term(1) + … + term(n)`, calling `term` once per `k` in order, as a loop.
pub fn sum_to(n: u64, mut term: impl FnMut(u64) -> u64) -> u128 {
    go(1, n, 0, &mut term)
}

fn go(k: u64, n: u64, total: u128, term: &mut dyn FnMut(u64) -> u64) -> u128 {
    if k > n {
        return total;
    }
    let total = total + u128::from(term(k));
    go(k + 1, n, total, term)
}
