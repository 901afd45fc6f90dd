//! Dodge: the total share counts every frame, so a function three frames deep on one stack is counted three times.
//! Caught by: a_recursive_function_counts_once_per_sample_in_its_total, self_shares_sum_to_100_percent_and_totals_stay_within_it

use std::collections::BTreeMap;

/// A sample that cannot be folded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    /// A sample with no frames.
    #[error("sample {index} is an empty stack")]
    EmptyStack {
        /// The sample's position in the input.
        index: usize,
    },
    /// A frame name that is empty or contains `;` or whitespace.
    #[error("sample {index} has the frame {frame:?}, which is empty or holds ';' or whitespace")]
    BadFrame {
        /// The sample's position in the input.
        index: usize,
        /// The offending frame name.
        frame: String,
    },
}

/// One function's share of the samples, in tenths of a percent (1000 = 100.0 %).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// The function.
    pub name: String,
    /// Samples where it was the innermost frame.
    pub self_tenths: u32,
    /// Samples where it was anywhere on the stack (once per sample).
    pub total_tenths: u32,
}

/// The shares of every function seen in a set of samples.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SampleReport {
    /// How many samples the report is made of.
    pub samples: usize,
    /// Every function seen: most self share first, then most total share, then by name.
    pub shares: Vec<Share>,
}

impl SampleReport {
    /// The share of `name`; 0 / 0 for a function never seen.
    pub fn share(&self, name: &str) -> Share {
        self.shares
            .iter()
            .find(|s| s.name == name)
            .cloned()
            .unwrap_or_else(|| Share {
                name: name.to_owned(),
                self_tenths: 0,
                total_tenths: 0,
            })
    }
}

/// Checks every sample: at least one frame, every frame a valid folded-format name.
fn validate(samples: &[&[&str]]) -> Result<(), SampleError> {
    for (index, stack) in samples.iter().enumerate() {
        if stack.is_empty() {
            return Err(SampleError::EmptyStack { index });
        }
        if let Some(frame) = stack
            .iter()
            .find(|f| f.is_empty() || f.contains(|c: char| c == ';' || c.is_whitespace()))
        {
            return Err(SampleError::BadFrame {
                index,
                frame: (*frame).to_owned(),
            });
        }
    }
    Ok(())
}

/// The samples in folded-stack format: `a;b;c <count>` per distinct stack, sorted.
pub fn fold_stacks(samples: &[&[&str]]) -> Result<String, SampleError> {
    validate(samples)?;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for stack in samples {
        *counts.entry(stack.join(";")).or_default() += 1;
    }
    Ok(counts
        .into_iter()
        .map(|(stack, count)| format!("{stack} {count}\n"))
        .collect())
}

/// `count / samples` in tenths of a percent, rounded half up.
fn rounded_tenths(count: usize, samples: usize) -> u32 {
    let tenths = (2 * count * 1000 + samples) / (2 * samples);
    u32::try_from(tenths).unwrap_or(u32::MAX)
}

/// Splits 1000 tenths among `counts` (which sum to `samples`) by largest remainder.
fn apportion(counts: &BTreeMap<&str, usize>, samples: usize) -> BTreeMap<String, u32> {
    let mut shares: BTreeMap<String, u32> = BTreeMap::new();
    let mut remainders: Vec<(usize, &str)> = Vec::new();
    let mut given = 0;
    for (&name, &count) in counts {
        let floor = count * 1000 / samples;
        given += floor;
        shares.insert(name.to_owned(), u32::try_from(floor).unwrap_or(u32::MAX));
        remainders.push((count * 1000 % samples, name));
    }
    // Largest remainder first; among equals the smaller name (a stable sort keeps name order).
    remainders.sort_by_key(|&(remainder, _)| std::cmp::Reverse(remainder));
    for (_, name) in remainders.into_iter().take(1000 - given) {
        if let Some(share) = shares.get_mut(name) {
            *share += 1;
        }
    }
    shares
}

/// The self and total share of every function in `samples`.
pub fn shares(samples: &[&[&str]]) -> Result<SampleReport, SampleError> {
    validate(samples)?;
    if samples.is_empty() {
        return Ok(SampleReport::default());
    }
    let mut leaf_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for stack in samples {
        if let Some(leaf) = stack.last() {
            *leaf_counts.entry(leaf).or_default() += 1;
        }
        for &name in stack.iter() {
            *total_counts.entry(name).or_default() += 1;
        }
    }
    let self_shares = apportion(&leaf_counts, samples.len());
    let mut shares: Vec<Share> = total_counts
        .iter()
        .map(|(&name, &count)| Share {
            name: name.to_owned(),
            self_tenths: self_shares.get(name).copied().unwrap_or(0),
            total_tenths: rounded_tenths(count, samples.len()),
        })
        .collect();
    shares.sort_by(|a, b| {
        b.self_tenths
            .cmp(&a.self_tenths)
            .then(b.total_tenths.cmp(&a.total_tenths))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(SampleReport {
        samples: samples.len(),
        shares,
    })
}
