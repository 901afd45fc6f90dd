//! Dodge: each stage loops over its whole input into a `Vec` and returns its `into_iter()`:
//! the lines that come out are right, but the stage is eager (an endless log never ends).
//! Caught by: building_the_pipeline_pulls_no_lines, taking_the_first_match_pulls_no_line_after_it, runs_over_an_endless_source

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
    let kept: Vec<S> = lines
        .into_iter()
        .filter(|line| status_of(line.as_ref()) == Some(code))
        .collect();
    kept.into_iter()
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
