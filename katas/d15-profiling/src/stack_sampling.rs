//! # Kata 3: what a sampling profiler does with its samples
//!
//! **Build** the two reports a sampling profiler makes from the call stacks it caught.
//! A sample is one stack, outermost frame first: `["main", "parse", "read"]` means `read`
//! was running, called by `parse`, called by `main`.
//!
//! - [`fold_stacks`] writes the *folded-stack* format flamegraph tools read: one line per
//!   distinct stack, frames joined by `;`, a space, and how many samples had that stack
//!   (`main;parse;read 42`). Lines are sorted (byte order) and each ends in `\n`; no
//!   samples give an empty string.
//! - [`shares`] reports per function its *self* share (samples where it was the innermost
//!   frame, i.e. running its own code) and its *total* share (samples where it was anywhere
//!   on the stack, i.e. it or something it called was running), see [`Share`].
//!
//! **The tests check.**
//! - [`fold_stacks`] writes one line per distinct stack, sorted, each ending in `\n`, and
//!   nothing for no samples. Checked by `folds_identical_stacks_into_one_counted_line`,
//!   `folds_a_larger_profile`, `folding_no_samples_gives_no_lines`.
//! - The lines sort in the byte order of the lines, not frame by frame: `main;json.decoder`
//!   comes before `main;json;loads` ('.' is below ';'). Checked by
//!   `lines_sort_by_their_bytes_not_frame_by_frame`.
//! - Shares are in tenths of a percent: 1000 means 100.0 %; a function's self and total shares
//!   are exact on small profiles. Checked by `gives_each_function_its_self_and_total_share`.
//! - A function that appears several times on one stack (recursion) counts **once** for that
//!   sample in its total share (direct recursion `walk;walk` and mutual `walk;visit;walk`
//!   alike), so no total share exceeds 1000. Checked by
//!   `a_recursive_function_counts_once_per_sample_in_its_total`,
//!   `self_shares_sum_to_100_percent_and_totals_stay_within_it`.
//! - The self shares of a non-empty profile **sum to exactly 1000**. Rounding each share on
//!   its own does not guarantee that (three equal thirds round to 333 + 333 + 333), so use the
//!   largest-remainder method: give each function the floor of its exact share, then hand the
//!   tenths still missing, one each, to the functions with the largest remainders (ties: the
//!   smaller name first, among 60 or 90 functions too). Checked by
//!   `rounded_self_shares_still_add_up_to_100_percent`,
//!   `the_missing_tenths_go_to_the_largest_remainders`,
//!   `equal_remainders_go_to_the_smaller_names`,
//!   `equal_remainders_are_compared_exactly_not_as_floats` (exact ties stay ties: on 6
//!   samples, and on 18,946, where f64 remainders rounded to 1e-9 still split an exact tie;
//!   compare the integer remainders, count * 1000 modulo samples),
//!   `self_shares_sum_to_100_percent_and_totals_stay_within_it`,
//!   `every_self_share_is_its_largest_remainder_apportionment`.
//! - A total share is the exact share rounded to the nearest tenth, halves up: 2 samples of 3
//!   are 667 (not 666), 1 of 16 is 63 (62.5 rounded up, not cut off or rounded to even),
//!   23 of 80 is 288 (exactly 287.5: work in integers; the f64 fraction `23.0 / 80.0`, times
//!   100, times 10, is 287.49999999999994 and rounds to 287).
//!   Checked by `a_total_share_is_rounded_to_the_nearest_tenth_halves_up`,
//!   `every_total_share_is_its_exact_share_rounded_half_up`.
//! - [`SampleReport::shares`] lists every function seen, most self share first (then most
//!   total share, then by name); [`SampleReport::share`] of a function never seen is 0 / 0;
//!   no samples give an empty report. Checked by
//!   `gives_each_function_its_self_and_total_share`, `a_function_never_sampled_has_no_share`,
//!   `no_samples_give_an_empty_report`.
//! - A stack with no frames is [`SampleError::EmptyStack`]; a frame name that is empty or
//!   contains `;` or any whitespace (`char::is_whitespace`: a newline, `\r`, `\u{a0}`,
//!   `\u{3000}` too) would break the folded format and is
//!   [`SampleError::BadFrame`], from both functions. Checked by `refuses_an_empty_stack`,
//!   `refuses_a_frame_that_would_break_the_folded_format`.
//!
//! **Not checked.** How a total share is computed, as long as it is exact. One `f64`
//! division `count * 1000 / samples`, or the percentage `count * 100 / samples` times ten,
//! followed by `f64::round` lands on the same tenth as integer arithmetic for any profile
//! that fits in memory (the division is correctly rounded, and an exact half times ten stays
//! exact), so the tests cannot tell it from integers; the f64 *fraction* `count / samples`
//! first, then times 100 and 10, is what goes wrong (23 of 80 gives 287), unless it is nudged
//! up by a tiny epsilon (say 1e-9) before rounding: that too lands on the exact tenth below
//! hundreds of millions of samples, more than a test can build. Likewise f64 self-share
//! remainders rounded to a coarse grid (1e-6) before the ties are broken: they misorder a tie
//! only on profiles of hundreds of thousands of samples. And f64 remainders compared with a
//! tolerance (equal within 1e-9, or 1e-7): equal integer remainders come out within about
//! 1e-13 of each other and distinct ones at least `1 / samples` apart, so below
//! `1 / tolerance` samples (ten million for 1e-7) the tolerance orders them exactly as
//! integers do, and `shares` takes every sample as a stack, so no test can build that many.
//!
//! **Why.** A tracing profiler pays on every call; a sampling profiler looks at the stack a
//! few hundred times a second and pays almost nothing, which is why it is the one you can
//! run in production. The price is statistics: a function that runs between two samples
//! is never seen, and the figures are shares of samples, not exact times.
//!
//! **Python → Rust.** py-spy samples a Python process from outside. For Rust programs the
//! samplers are `perf` (Linux), Instruments/`sample` (macOS) and `cargo flamegraph`, which
//! wraps them; all of them go through the folded format this kata writes, so you can feed
//! your output to `inferno-flamegraph` or `flamegraph.pl`.

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
        todo!("look up {name:?} among {} shares", self.shares.len())
    }
}

/// The samples in folded-stack format: `a;b;c <count>` per distinct stack, sorted.
pub fn fold_stacks(samples: &[&[&str]]) -> Result<String, SampleError> {
    todo!("fold {} sampled stacks", samples.len())
}

/// The self and total share of every function in `samples`.
pub fn shares(samples: &[&[&str]]) -> Result<SampleReport, SampleError> {
    todo!("compute the shares of {} sampled stacks", samples.len())
}
