//! # Kata 3: a lazy log pipeline
//!
//! **Build** the two stages of a log pipeline and a report at its end. Log lines look like
//! `10.0.0.5 - 404 ERROR`: an IP address, a dash, a status code, then free text, the fields
//! separated by any run of whitespace (spaces or tabs).
//!
//! - `filter_status(lines, code)` keeps the lines whose status field is `code`;
//! - `extract_ips(lines)` turns each line into its IP address, or a [`LogError`];
//! - `top_ips_report(lines, code, top)` runs both and renders who hit `code` most.
//!
//! **Why.** A pipeline that collects into a `Vec` between stages holds the whole log in
//! memory at every stage, and it cannot start answering until it has read everything: on
//! a 50 GB file or an endless stream it never answers at all. Stages that take and return
//! iterators pass one line at a time from the source to the consumer, and stop pulling the
//! moment the consumer stops asking.
//!
//! **Python → Rust.** The article chains generator functions (`for line in stream: if …:
//! yield line`). In Rust a stage is a function that takes `impl IntoIterator` and returns
//! `impl Iterator`, built from the lazy adaptors `filter` and `map`; nothing runs until a
//! consumer pulls. Two fixes to the article's version: match the status *field*, not the
//! substring `"404"` anywhere in the line (a path like `/404.html` is not an error), and
//! return a typed error for a line whose first field is not an IP address instead of
//! passing garbage on. A line that has no parsable status simply does not match.
//!
//! **The tests check.**
//! - `filter_status` keeps exactly the lines whose parsed status field is `code`, in order; a
//!   `404` in the address, a path, a longer number or the free text (also as ` - 404 `) does not
//!   count, malformed lines are skipped, and any run of spaces or tabs separates the fields.
//!   Checked by `keeps_only_the_lines_with_the_requested_status`,
//!   `matches_the_status_field_not_a_substring_of_the_line`,
//!   `skips_malformed_lines_instead_of_panicking`,
//!   `finds_the_status_field_whatever_whitespace_separates_the_fields`.
//! - `top_ips_report` counts the same lines as `filter_status` (the parsed status field, not a
//!   substring; any whitespace between fields). Checked by
//!   `the_report_counts_the_lines_whose_parsed_status_field_matches`.
//! - `extract_ips` parses IPv4 and IPv6, and gives `LogError::BadIp` or `LogError::EmptyLine`.
//!   Checked by `extracts_ipv4_and_ipv6_addresses`,
//!   `reports_a_first_field_that_is_not_an_ip_as_a_typed_error`,
//!   `reports_a_blank_line_as_a_typed_error`.
//! - `filter_status` and `extract_ips` over a spent source keep returning `None` once they have
//!   (1,000 more calls). Checked by `both_stages_stay_spent_once_they_have_returned_none`.
//! - building the pipeline pulls no line; the first match pulls no line after it, also from a
//!   source whose `size_hint` is exact and short (as a `Vec`'s is: no stage collects a small input
//!   first); it works on an endless source. Checked by `building_the_pipeline_pulls_no_lines`,
//!   `taking_the_first_match_pulls_no_line_after_it`, `runs_over_an_endless_source`.
//! - over the sources a caller most often has (a borrowed slice or `Vec`, a `Vec` or an array
//!   moved in), building the pipeline and taking its first match allocates nothing: no stage
//!   filters an in-memory input into a `Vec` first. Checked by
//!   `the_pipeline_over_a_slice_or_a_vec_allocates_nothing_before_its_first_match`.
//! - every `next()` pulls the source only up to its own match, over sources of 1 to 2^40 lines
//!   whose `size_hint` is exact, an upper bound or unknown: no stage reads ahead, before the first
//!   match or after it, however short or long the input says it is. Checked by
//!   `every_match_pulls_the_source_only_up_to_its_own_line`.
//! - no stage asks its source for its `size_hint` while the pipeline is built or walked (sources
//!   of 1 to 2^40 lines, exact or an upper bound), nor does `top_ips_report` (sources of 1 to
//!   5,000 lines): a lazy stage or report has no use for the input's length, so no length,
//!   however short, long or in between, can make it collect or copy first. Checked by
//!   `no_stage_asks_the_source_how_long_it_is`.
//! - `top_ips_report` holds one line at a time (at most 2 source lines alive at once, over logs of
//!   3, 30 and 3,000 lines: short logs stream too), never the whole log; nor a copy of the lines'
//!   text (even once per distinct text, or per distinct first field) or a `Vec` of a stage's items
//!   or `Result`s: over 6,000 distinct lines from 2 IPs (one written three ways, counted as one
//!   `IpAddr`) and 1,500 first fields that are not IPs, each different, made one at a time, it
//!   holds under 8 KiB of heap at its peak.
//!   Checked by
//!   `the_report_holds_one_line_at_a_time_not_the_whole_log`,
//!   `the_report_keeps_no_copy_of_the_lines_or_of_their_results`.
//! - `top_ips_report` holds exactly the same heap at its peak over logs of every length tried
//!   (every length from 1 to 64 lines, then about a quarter longer each time up to 5,000), when
//!   every line is a 404 without an IP, each text different and all of one length, and when every
//!   line is a 404 from one IPv6 address written a different way each time (hex digits in either
//!   case, leading zeros, `::` or the zero groups written out): it counts each line's result, by
//!   its parsed `IpAddr`, as it streams by and drops it before pulling the next, never a `Vec` of
//!   the results, lines or copies (not even one copy per way an address is written), not even a
//!   batch of a few at a time. Checked by `the_report_holds_the_same_heap_however_long_the_log`.
//! - `top_ips_report` tallies each line before it pulls the next: stopped as it pulls line k + 1
//!   of a log of 404s from k different IPv6 addresses (every k from 1 to 64, then about a quarter
//!   more each time up to 600), it has held at least 16 bytes of heap an address, what a tally of
//!   k addresses needs; results gathered in a batch, even one on the stack, and tallied later
//!   leave the tally behind; and it has held exactly the same heap whether the k addresses are
//!   written short (`::1`, `::2`, …) or long (39 characters), and made at most k / 2 + 8
//!   allocations (an `IpAddr` lives inside the table, which allocates only as it grows: a
//!   `HashMap` about 10 times for 600 addresses): the tally is keyed by the parsed `IpAddr`, not
//!   by a `String` of it (`ip.to_string()`, the field as written, or text in a `String` of a
//!   fixed capacity), nor does it allocate per line. Checked by
//!   `the_report_tallies_each_address_before_pulling_the_next_line`.
//! - the lazy pipeline gives the same result as an eager `Vec` computation for any log. Checked by
//!   `gives_the_same_result_as_an_eager_vec_computation`.
//! - the rendered report, ties broken by the lower `IpAddr` value (not its text). Checked by
//!   `renders_the_top_ips_of_a_log_as_a_table`, `renders_an_empty_table_when_no_line_matches`,
//!   `ties_in_the_report_go_to_the_lower_ip_not_the_lower_text`.
//!
//! **Not checked.** Whether `top_ips_report` is built from `filter_status` and `extract_ips` or
//! re-parses each line in one loop of its own: it returns only a `String`, so the stages it uses
//! cannot be seen; the tests check that it counts the same lines, streams and keeps no copy.
//! A shortcut switched on only at log lengths the tests do not try is not seen: the report's heap
//! is compared over every length from 1 to 64 lines, then lengths about a quarter apart up to
//! 5,000 lines, and once over 6,000.
//! What the report keeps on the stack is not measured: a batch of results kept there is seen only
//! through the tally it holds back (under 16 bytes of heap an address already pulled), so a batch
//! of 4 or fewer, or one behind a tally given its room in advance (`HashMap::with_capacity`), is
//! not seen. A tally keyed by the address's text kept off the heap (in a fixed-size array of
//! bytes) is not told from one keyed by `IpAddr`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::IpAddr;

/// Why a log line gave no IP address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// The line has no fields at all.
    #[error("empty log line: expected \"<ip> - <status> <text>\"")]
    EmptyLine,
    /// The first field of the line is not an IPv4 or IPv6 address.
    #[error("{field:?} is not an IP address (in line {line:?})")]
    BadIp {
        /// The first field, as found.
        field: String,
        /// The whole line.
        line: String,
    },
}

/// The status code of a line: its third whitespace-separated field, if it is a number.
fn status_of(line: &str) -> Option<u16> {
    line.split_whitespace().nth(2)?.parse().ok()
}

/// The IP address in the first field of a line.
fn ip_of(line: &str) -> Result<IpAddr, LogError> {
    let field = line.split_whitespace().next().ok_or(LogError::EmptyLine)?;
    field.parse().map_err(|_| LogError::BadIp {
        field: field.to_owned(),
        line: line.to_owned(),
    })
}

/// The lines whose status field equals `code`, lazily, in their original order.
pub fn filter_status<I, S>(lines: I, code: u16) -> impl Iterator<Item = S>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    lines
        .into_iter()
        .filter(move |line| status_of(line.as_ref()) == Some(code))
}

/// The IP address of each line, lazily; a line without one gives a [`LogError`].
pub fn extract_ips<I, S>(lines: I) -> impl Iterator<Item = Result<IpAddr, LogError>>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    lines.into_iter().map(|line| ip_of(line.as_ref()))
}

/// A text table of the `top` IPs with the most `code` lines (ties: lower IP first).
///
/// The layout (the snapshot `snapshots/d16-iterators/top_ips_report.snap` holds it):
///
/// ```text
/// status 404: 9 lines, 5 distinct IPs, 1 without an IP
/// rank  ip                        lines
///    1  10.0.0.5                      3
///    2  10.0.0.9                      2
/// ```
///
/// The first line counts the `code` lines, the distinct IPs among them and those whose
/// IP did not parse. Then a header and one row per IP, most lines first: the rank
/// right-aligned in 4 columns, the IP left-aligned in 24, the count right-aligned in 5,
/// two spaces between columns, every line ending in `\n`.
pub fn top_ips_report<I, S>(lines: I, code: u16, top: usize) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut hits: HashMap<IpAddr, usize> = HashMap::new();
    let mut unreadable = 0_usize;
    for ip in extract_ips(filter_status(lines, code)) {
        match ip {
            Ok(ip) => *hits.entry(ip).or_default() += 1,
            Err(_) => unreadable += 1,
        }
    }
    let matching = hits.values().sum::<usize>() + unreadable;
    let mut ranked: Vec<(IpAddr, usize)> = hits.into_iter().collect();
    ranked.sort_by(|(ip_a, n_a), (ip_b, n_b)| n_b.cmp(n_a).then(ip_a.cmp(ip_b)));

    let mut report = format!(
        "status {code}: {matching} lines, {} distinct IPs, {unreadable} without an IP\n",
        ranked.len()
    );
    report.push_str("rank  ip                        lines\n");
    for (rank, (ip, count)) in ranked.into_iter().take(top).enumerate() {
        // Writing to a String cannot fail.
        let _ = writeln!(report, "{:>4}  {ip:<24}  {count:>5}", rank + 1);
    }
    report
}
