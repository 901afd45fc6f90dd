//! Dodge: a zero step is not refused: the count for k asks for the count for k - 0 = k, which is not cached yet, and the recursion never ends.
//! Caught by: a_zero_step_is_an_error, a_zero_step_is_refused_even_with_nothing_to_climb

use std::collections::HashMap;

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
    let mut distinct = steps.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut memo = HashMap::new();
    ways(n, &distinct, &mut memo, on_solve).ok_or(ClimbError::Overflow { n })
}

fn ways(
    k: u32,
    steps: &[u32],
    memo: &mut HashMap<u32, u128>,
    on_solve: &mut dyn FnMut(u32),
) -> Option<u128> {
    if k == 0 {
        return Some(1);
    }
    if let Some(&known) = memo.get(&k) {
        return Some(known);
    }
    on_solve(k);
    let mut total: u128 = 0;
    for &step in steps {
        if let Some(rest) = k.checked_sub(step) {
            total = total.checked_add(ways(rest, steps, memo, on_solve)?)?;
        }
    }
    memo.insert(k, total);
    Some(total)
}
