//! Dodge: the bottom-up table gives up at the first count that does not fit, even one that n never uses (an odd n with even steps).
//! Caught by: counts_that_n_does_not_need_cannot_overflow_it

/// Why the ways could not be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClimbError {
    /// `steps[index]` is 0.
    #[error("step {index} is 0: a step must climb at least 1")]
    ZeroStep {
        /// The index of the zero in `steps`.
        index: usize,
    },
    /// The number of ways to climb `n` does not fit in a `u128`.
    #[error("the number of ways to climb {n} does not fit in a u128")]
    Overflow {
        /// The `n` asked for.
        n: u32,
    },
}

/// The number of ordered sequences of steps from `steps` that sum to exactly `n`.
pub fn ways_to_climb(n: u32, steps: &[u32]) -> Result<u128, ClimbError> {
    ways_to_climb_traced(n, steps, &mut |_| {})
}

/// [`ways_to_climb`], calling `on_solve(k)` each time the count for `k >= 1` is computed.
pub fn ways_to_climb_traced(
    n: u32,
    steps: &[u32],
    on_solve: &mut dyn FnMut(u32),
) -> Result<u128, ClimbError> {
    if let Some(index) = steps.iter().position(|&step| step == 0) {
        return Err(ClimbError::ZeroStep { index });
    }
    let mut distinct = steps.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    // ways[k]: the count for k, or None once it no longer fits in a u128. Filled from 0 up,
    // so each k is computed once, from counts already in the table, without recursion.
    let mut ways: Vec<u128> = vec![1];
    for k in 1..=n {
        on_solve(k);
        let count = distinct
            .iter()
            .filter_map(|&step| k.checked_sub(step))
            .try_fold(0u128, |total, rest| total.checked_add(ways[rest as usize]))
            .ok_or(ClimbError::Overflow { n })?;
        ways.push(count);
    }
    Ok(ways[n as usize])
}
