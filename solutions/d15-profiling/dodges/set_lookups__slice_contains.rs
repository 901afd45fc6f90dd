//! Dodge: each needle is looked up with the slice's contains, a linear scan: right answers, n × m comparisons.
//! Caught by: found_needles_cost_about_one_comparison_each, absent_needles_cost_almost_no_comparison

use std::hash::Hash;

/// Whether every needle is in the haystack.
pub fn contains_all<T: Hash + Eq>(haystack: &[T], needles: &[T]) -> bool {
    needles.iter().all(|needle| haystack.contains(needle))
}

/// The needles not in the haystack, each value once, in order of first appearance.
pub fn missing<'n, T: Hash + Eq>(haystack: &[T], needles: &'n [T]) -> Vec<&'n T> {
    let mut reported: Vec<&T> = Vec::new();
    for needle in needles {
        if !haystack.contains(needle) && !reported.contains(&needle) {
            reported.push(needle);
        }
    }
    reported
}
