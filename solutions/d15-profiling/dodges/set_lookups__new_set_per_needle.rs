//! Dodge: builds the hash set anew for every needle: each lookup is O(1), but every needle re-hashes the whole haystack.
//! Caught by: found_needles_cost_about_one_comparison_each, absent_needles_cost_almost_no_comparison

use std::collections::HashSet;
use std::hash::Hash;

/// Whether every needle is in the haystack.
pub fn contains_all<T: Hash + Eq>(haystack: &[T], needles: &[T]) -> bool {
    needles
        .iter()
        .all(|needle| haystack.iter().collect::<HashSet<&T>>().contains(needle))
}

/// The needles not in the haystack, each value once, in order of first appearance.
pub fn missing<'n, T: Hash + Eq>(haystack: &[T], needles: &'n [T]) -> Vec<&'n T> {
    let mut reported: HashSet<&T> = HashSet::new();
    needles
        .iter()
        .filter(|needle| {
            !haystack.iter().collect::<HashSet<&T>>().contains(needle) && reported.insert(needle)
        })
        .collect()
}
