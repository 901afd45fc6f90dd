//! Kata 3: a lazy log pipeline, `filter_status` then `extract_ips`.

use std::cell::Cell;
use std::net::IpAddr;
use std::rc::Rc;

use crate::lazy_pipeline::{LogError, extract_ips, filter_status, top_ips_report};
use proptest::prelude::*;
use rstest::rstest;

use super::heap::{count_allocations, peak_heap};

/// The most heap `top_ips_report` may hold at once over a long log from a few IPs.
const HEAP_BOUND: usize = 8 * 1024;

const LOG: [&str; 6] = [
    "192.168.1.1 - 200 OK",
    "10.0.0.5 - 404 ERROR",
    "172.16.0.2 - 200 OK",
    "10.0.0.9 - 404 ERROR",
    "10.0.0.5 - 500 CRASH",
    "10.0.0.5 - 404 ERROR",
];

/// A source that counts the lines it hands out and stops the test if asked for more
/// than `cap`, so an eager stage fails fast instead of eating the machine's memory. It reports
/// its inner source's exact `size_hint`, as a `Vec` or an array does: a stage that goes eager
/// when it knows the input is small is seen too.
struct Counted<I> {
    inner: I,
    pulled: Rc<Cell<usize>>,
    cap: usize,
}

impl<I: Iterator> Iterator for Counted<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let pulled = self.pulled.get() + 1;
        assert!(
            pulled <= self.cap,
            "the pipeline asked for more than {} lines: a stage is reading its whole input \
             (collecting into a Vec?) instead of passing lines through one at a time",
            self.cap
        );
        self.pulled.set(pulled);
        self.inner.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        HINTS_ASKED.with(|asked| asked.set(asked.get() + 1));
        self.inner.size_hint()
    }
}

thread_local! {
    /// How many times a [`Counted`] source of this test's thread was asked for its `size_hint`.
    static HINTS_ASKED: Cell<usize> = const { Cell::new(0) };
}

/// `inner`, counting into `pulled`, allowed to hand out at most `cap` lines.
fn counted<I: Iterator>(inner: I, pulled: &Rc<Cell<usize>>, cap: usize) -> Counted<I> {
    Counted {
        inner,
        pulled: Rc::clone(pulled),
        cap,
    }
}

fn ip(text: &str) -> IpAddr {
    text.parse()
        .unwrap_or_else(|e| panic!("test data {text:?} is not an IP: {e}"))
}

#[rstest]
#[case::not_found(404, &["10.0.0.5 - 404 ERROR", "10.0.0.9 - 404 ERROR", "10.0.0.5 - 404 ERROR"])]
#[case::ok(200, &["192.168.1.1 - 200 OK", "172.16.0.2 - 200 OK"])]
#[case::no_line_has_this_status(503, &[])]
fn keeps_only_the_lines_with_the_requested_status(#[case] code: u16, #[case] expected: &[&str]) {
    let got: Vec<&str> = filter_status(LOG, code).collect();
    assert_eq!(
        got, expected,
        "filter_status(LOG, {code}) kept {got:?}: it must keep exactly the lines whose status \
         field is {code}, in their original order"
    );
}

/// Lines with "404" everywhere but in the status field, and one real 404 at the end.
const SUBSTRING_TRAPS: [&str; 7] = [
    "192.168.0.1 - 200 OK GET /errors/404.html",
    "10.1.1.404 - 200 OK",
    "10.0.0.7 - 4040 UNKNOWN",
    "10.0.0.6 - 200 OK retried 404 times",
    "10.0.0.3 - 502 BAD GATEWAY upstream said - 404 - not found",
    "10.0.0.4 - 500 ERROR proxy answered - 404",
    "10.0.0.8 - 404 ERROR",
];

/// Three 404 lines whose fields are separated by runs of spaces or tabs, then a 200.
const WIDE_GAPS: [&str; 4] = [
    "10.0.0.1  -  404  ERROR",
    "10.0.0.2\t-\t404\tERROR",
    "10.0.0.3 -   404",
    "10.0.0.4 - 200 OK",
];

#[test]
fn matches_the_status_field_not_a_substring_of_the_line() {
    let got: Vec<&str> = filter_status(SUBSTRING_TRAPS, 404).collect();
    assert_eq!(
        got,
        ["10.0.0.8 - 404 ERROR"],
        "filter_status(_, 404) kept {got:?}: \"404\" inside a path, an address, a longer \
         number or the free text (even as \" - 404 \", after a dash like the status's) is not \
         a 404 status; compare the parsed third field with the code"
    );
}

#[test]
fn finds_the_status_field_whatever_whitespace_separates_the_fields() {
    let got: Vec<&str> = filter_status(WIDE_GAPS, 404).collect();
    assert_eq!(
        got,
        &WIDE_GAPS[..3],
        "filter_status(_, 404) kept {got:?}: fields are separated by any run of whitespace \
         (spaces or tabs), so the status is the third field however wide the gaps; searching \
         the line for \" - 404 \" is a substring match, not a parsed field"
    );
}

#[rstest]
#[case::substring_traps(&SUBSTRING_TRAPS, "status 404: 1 lines, 1 distinct IPs, 0 without an IP")]
#[case::wide_gaps(&WIDE_GAPS, "status 404: 3 lines, 3 distinct IPs, 0 without an IP")]
fn the_report_counts_the_lines_whose_parsed_status_field_matches(
    #[case] log: &[&str],
    #[case] header: &str,
) {
    let report = top_ips_report(log, 404, 3);
    let first = report.lines().next();
    assert_eq!(
        first,
        Some(header),
        "top_ips_report over {log:?} began {first:?}: the report counts the same lines as \
         filter_status, those whose parsed third field is the code; \"404\" in a path, an \
         address or the free text does not count, and any run of whitespace separates the \
         fields (run the report through filter_status rather than a substring search)"
    );
}

#[test]
fn skips_malformed_lines_instead_of_panicking() {
    let lines = [
        "",
        "garbage",
        "10.0.0.1 -",
        "10.0.0.1 - ERROR 404",
        "10.0.0.1 - 70000 TOO-BIG",
        "10.0.0.1 - -404 NEGATIVE",
        "10.0.0.1 - 404 ERROR",
    ];
    let got: Vec<&str> = filter_status(lines, 404).collect();
    assert_eq!(
        got,
        ["10.0.0.1 - 404 ERROR"],
        "filter_status kept {got:?}: a line without a numeric status field cannot have status \
         404, so it must be skipped (without panicking), and only the well-formed 404 kept"
    );
}

#[test]
fn extracts_ipv4_and_ipv6_addresses() {
    let lines = ["10.0.0.5 - 404 ERROR", "2001:db8::1 - 404 ERROR"];
    let got: Vec<Result<IpAddr, LogError>> = extract_ips(lines).collect();
    assert_eq!(
        got,
        [Ok(ip("10.0.0.5")), Ok(ip("2001:db8::1"))],
        "extract_ips gave {got:?}: the first whitespace-separated field of each line must be \
         parsed as an IpAddr (v4 or v6)"
    );
}

#[test]
fn both_stages_stay_spent_once_they_have_returned_none() {
    let filtered = super::first_item_after_the_end(filter_status(LOG, 404), 100);
    let extracted = super::first_item_after_the_end(extract_ips(LOG), 100);
    assert!(
        filtered.is_none() && extracted.is_none(),
        "over a log that is spent, after returning None filter_status gave {filtered:?} and \
         extract_ips gave {extracted:?} (call number after the end, item): a stage must stay \
         spent, as a Python generator raises StopIteration forever; the lazy adaptors filter \
         and map over a spent source keep that promise"
    );
}

#[test]
fn reports_a_first_field_that_is_not_an_ip_as_a_typed_error() {
    let got: Vec<Result<IpAddr, LogError>> = extract_ips(["10.0.0.300 - 404 ERROR"]).collect();
    assert_eq!(
        got,
        [Err(LogError::BadIp {
            field: "10.0.0.300".to_owned(),
            line: "10.0.0.300 - 404 ERROR".to_owned(),
        })],
        "extract_ips gave {got:?}: a field that does not parse as an IP must become \
         LogError::BadIp with the field and the line, not a panic and not a silent skip"
    );
}

#[test]
fn reports_a_blank_line_as_a_typed_error() {
    let got: Vec<Result<IpAddr, LogError>> = extract_ips(["", "   "]).collect();
    assert_eq!(
        got,
        [Err(LogError::EmptyLine), Err(LogError::EmptyLine)],
        "extract_ips gave {got:?}: a line with no fields has no IP; it must become \
         LogError::EmptyLine"
    );
}

#[test]
fn building_the_pipeline_pulls_no_lines() {
    let pulled = Rc::new(Cell::new(0));
    let pipeline = extract_ips(filter_status(counted(LOG.into_iter(), &pulled, 100), 404));
    let before_use = pulled.get();
    drop(pipeline);
    assert_eq!(
        before_use, 0,
        "building the pipeline already read {before_use} lines: stages must only describe \
         the work; lines are read when a consumer (for, next, collect) asks for them, also \
         when the source's size_hint says it is short"
    );
}

#[test]
fn taking_the_first_match_pulls_no_line_after_it() {
    let pulled = Rc::new(Cell::new(0));
    let first = extract_ips(filter_status(counted(LOG.into_iter(), &pulled, 100), 404)).next();
    assert_eq!(
        (first, pulled.get()),
        (Some(Ok(ip("10.0.0.5"))), 2),
        "asking for the first 404 IP must read lines only up to the first 404 line (the \
         2nd of the log) and stop: a lazy pipeline pulls one line at a time on demand, also \
         from a source whose size_hint says it is short (no collecting small inputs first)"
    );
}

#[test]
fn runs_over_an_endless_source() {
    let pulled = Rc::new(Cell::new(0));
    let endless = counted(LOG.into_iter().cycle(), &pulled, 10_000);
    let got: Vec<Result<IpAddr, LogError>> =
        extract_ips(filter_status(endless, 500)).take(2).collect();
    assert_eq!(
        (got, pulled.get()),
        (vec![Ok(ip("10.0.0.5")), Ok(ip("10.0.0.5"))], 11),
        "two 500 IPs from an endless repeat of the log must come from reading 11 lines (the \
         500 is the 5th line of every 6): a lazy pipeline ends when its consumer does"
    );
}

/// The log as the sources a caller most often has: borrowed from a slice or a `Vec`, or moved
/// out of a `Vec` or an array.
#[derive(Debug, Clone, Copy)]
enum InMemory {
    SliceOfStr,
    VecOfStringByRef,
    VecOfStrByValue,
    ArrayByValue,
}

#[rstest]
fn the_pipeline_over_a_slice_or_a_vec_allocates_nothing_before_its_first_match(
    #[values(
        InMemory::SliceOfStr,
        InMemory::VecOfStringByRef,
        InMemory::VecOfStrByValue,
        InMemory::ArrayByValue
    )]
    source: InMemory,
) {
    let owned: Vec<String> = LOG.iter().map(|line| (*line).to_owned()).collect();
    let by_value = LOG.to_vec();
    let first = |source| match source {
        InMemory::SliceOfStr => extract_ips(filter_status(LOG[..].iter(), 404)).next(),
        InMemory::VecOfStringByRef => extract_ips(filter_status(owned.iter(), 404)).next(),
        InMemory::VecOfStrByValue => extract_ips(filter_status(by_value, 404)).next(),
        InMemory::ArrayByValue => extract_ips(filter_status(LOG, 404)).next(),
    };
    let (got, heap) = peak_heap(|| first(source));
    assert_eq!(
        got,
        Some(Ok(ip("10.0.0.5"))),
        "the first 404 IP of the log ({source:?})"
    );
    assert_eq!(
        heap, 0,
        "building the pipeline over the log ({source:?}) and taking its first 404 IP allocated \
         {heap} bytes: a lazy stage passes each line on as it is pulled, whatever the source \
         (a borrowed slice is already in memory, but filtering it into a Vec first is still \
         an eager stage); filter and map allocate nothing"
    );
}

/// How a source tells its length: exactly (a `Vec`, an array), by an upper bound only (a
/// filtered `Vec`), or not at all (a generator).
#[derive(Debug, Clone, Copy)]
enum Hint {
    Exact,
    UpperBound,
    Unknown,
}

/// The first `lines` lines of the log repeated, telling its length as `hint` says.
fn log_of(lines: usize, hint: Hint) -> Box<dyn Iterator<Item = &'static str>> {
    let mut source = LOG.into_iter().cycle().take(lines);
    match hint {
        Hint::Exact => Box::new(source),
        Hint::UpperBound => Box::new(source.filter(|_| true)),
        Hint::Unknown => Box::new(std::iter::from_fn(move || source.next())),
    }
}

/// How many 404s `every_match_pulls_the_source_only_up_to_its_own_line` takes at most.
const MATCHES_WALKED: usize = 400;

#[rstest]
fn every_match_pulls_the_source_only_up_to_its_own_line(
    #[values(1, 2, 6, 63, 64, 65, 1_000, 1 << 40)] lines: usize,
    #[values(Hint::Exact, Hint::UpperBound, Hint::Unknown)] hint: Hint,
) {
    let pulled = Rc::new(Cell::new(0));
    let source = counted(log_of(lines, hint), &pulled, 3 * MATCHES_WALKED);
    let mut pipeline = extract_ips(filter_status(source, 404));
    // The 404s are the 2nd, 4th and 6th line of every 6 (1-based positions in the source).
    let positions = (1..=lines)
        .filter(|at| LOG[(at - 1) % LOG.len()].contains(" 404 "))
        .take(MATCHES_WALKED);
    let mut read = vec![pulled.get()];
    let mut expected = vec![0];
    for position in positions {
        let item = pipeline.next();
        read.push(pulled.get());
        expected.push(position);
        assert!(
            item.is_some(),
            "a {lines}-line log ended after {} of its 404 lines",
            read.len() - 2
        );
    }
    if let Some(at) = read.iter().zip(&expected).position(|(a, b)| a != b) {
        let when = if at == 0 {
            "once built".to_owned()
        } else {
            format!("after yielding its 404 number {at}")
        };
        panic!(
            "over a {lines}-line source ({hint:?} size_hint) the pipeline had pulled {} lines \
             {when}, not {}: each next() must pull lines only up to its own match and hand it \
             on; reading ahead (collecting the rest of a source whose length is known, short \
             or long, before the first match or after it) keeps lines the consumer may never \
             ask for",
            read[at], expected[at]
        );
    }
}

#[rstest]
fn no_stage_asks_the_source_how_long_it_is(
    #[values(1, 6, 100, 500, 999, 5_000, 1 << 40)] lines: usize,
    #[values(Hint::Exact, Hint::UpperBound)] hint: Hint,
) {
    let pulled = Rc::new(Cell::new(0));
    HINTS_ASKED.with(|asked| asked.set(0));
    let source = counted(log_of(lines, hint), &pulled, 3 * MATCHES_WALKED);
    let walked = extract_ips(filter_status(source, 404))
        .take(MATCHES_WALKED)
        .count();
    let asked = HINTS_ASKED.with(Cell::get);
    assert_eq!(
        asked, 0,
        "building and walking the pipeline over a {lines}-line source ({hint:?} size_hint) \
         asked the source for its size_hint {asked} times ({walked} 404s walked): a lazy stage \
         passes each line on whatever the input's length, so it has no use for it; a stage \
         that checks the length can go eager for some lengths (collecting a mid-sized input \
         first), which is still reading ahead"
    );
    if lines > REPORTED_LINES {
        return;
    }
    // The report reads the whole log: only the logs it can finish.
    let source = counted(log_of(lines, hint), &pulled, usize::MAX);
    let report = top_ips_report(source, 404, 3);
    let asked = HINTS_ASKED.with(Cell::get);
    assert_eq!(
        asked,
        0,
        "top_ips_report over a {lines}-line source ({hint:?} size_hint) asked the source for \
         its size_hint {asked} times (its report began {:?}): the report streams each line \
         through the stages whatever the log's length, so it has no use for it; a report that \
         checks the length can copy a short log (or one of some other length) first",
        report.lines().next()
    );
}

/// The longest source `no_stage_asks_the_source_how_long_it_is` runs `top_ips_report` over.
const REPORTED_LINES: usize = 5_000;

/// A log line that counts how many lines are alive at once (made and not yet dropped).
struct Tracked {
    text: String,
    alive: Rc<Cell<usize>>,
}

impl Tracked {
    fn new(text: String, alive: &Rc<Cell<usize>>, most_alive: &Rc<Cell<usize>>) -> Self {
        alive.set(alive.get() + 1);
        most_alive.set(most_alive.get().max(alive.get()));
        Tracked {
            text,
            alive: Rc::clone(alive),
        }
    }
}

impl AsRef<str> for Tracked {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.alive.set(self.alive.get() - 1);
    }
}

#[rstest]
#[case::three_lines(3, "status 404: 2 lines, 2 distinct IPs, 0 without an IP\n")]
#[case::thirty_lines(30, "status 404: 20 lines, 20 distinct IPs, 0 without an IP\n")]
#[case::three_thousand_lines(3_000, "status 404: 2000 lines, 35 distinct IPs, 0 without an IP\n")]
fn the_report_holds_one_line_at_a_time_not_the_whole_log(#[case] lines: u32, #[case] header: &str) {
    let alive = Rc::new(Cell::new(0));
    let most_alive = Rc::new(Cell::new(0));
    let tracker = Rc::clone(&most_alive);
    let source = (0..lines).map(|i| {
        let status = if i % 3 == 0 { 200 } else { 404 };
        Tracked::new(
            format!("10.0.{}.{} - {status} ERROR", i % 7, i % 5),
            &alive,
            &tracker,
        )
    });
    let report = top_ips_report(source, 404, 3);
    let held = most_alive.get();
    assert!(
        report.starts_with(header),
        "the report of {lines} generated lines began {:?}, not {header:?}",
        report.lines().next()
    );
    assert!(
        held <= 2,
        "top_ips_report held {held} of {lines} log lines alive at once: the report must pull \
         each line through filter_status and extract_ips and drop it before the next one \
         (count as the lines stream by), for a short log as for a long one; collecting a stage \
         into a Vec keeps the whole log in memory"
    );
}

#[test]
fn the_report_keeps_no_copy_of_the_lines_or_of_their_results() {
    // One address written three ways: the same IpAddr, so one row.
    let spellings = ["2001:db8::9", "2001:db8:0::9", "2001:0db8:0:0:0:0:0:9"];
    // 6,000 lines, each text different (a request number at the end), made one at a time;
    // the lines without an IP each have a first field of their own.
    let source = (0..6_000_usize).map(|i| match i % 4 {
        0 => format!("10.0.0.5 - 404 ERROR #{i}"),
        1 => format!("192.168.1.1 - 200 OK #{i}"),
        2 => format!("host-{i} - 404 ERROR #{i}"),
        _ => format!("{} - 404 ERROR #{i}", spellings[i / 4 % spellings.len()]),
    });
    let (report, heap) = peak_heap(|| top_ips_report(source, 404, 3));
    assert!(
        report.starts_with("status 404: 4500 lines, 2 distinct IPs, 1500 without an IP\n"),
        "the report of 6,000 lines (3 of every 4 with status 404, one of those without an IP, \
         one with 2001:db8::9 written in 3 ways) began {:?}: an address is counted by its \
         parsed IpAddr value, one row however its text is written",
        report.lines().next()
    );
    assert!(
        heap < HEAP_BOUND,
        "top_ips_report over 6,000 distinct lines from 2 IPs held {heap} bytes of heap at its \
         peak: counting as the lines stream by needs a map of the distinct IPs and the report, \
         under {HEAP_BOUND} bytes; copying the lines' text (even once per distinct line, or \
         per distinct first field), or collecting the IPs or the Results of a stage into a \
         Vec, grows with the log"
    );
}

/// The logs of 404s over which the report must hold the same heap at every length.
#[derive(Debug, Clone, Copy)]
enum Repeated {
    /// Lines without an IP, each text different and all of one length, made one at a time:
    /// the report holds one line and its one `LogError` (two copies of its text) at a time.
    HostsWithoutAnIp,
    /// Lines from one IPv6 address, fe80::a:b, written a different way on each line (see
    /// [`fe80_a_b_written`]), borrowed from a `Vec`: one `IpAddr` in the tally, one row.
    OneAddressWrittenAnew,
}

impl Repeated {
    /// What every line of such a log is, for the messages.
    fn lines(self) -> &'static str {
        match self {
            Repeated::HostsWithoutAnIp => "without an IP, each text different, all of one length",
            Repeated::OneAddressWrittenAnew => {
                "from one IPv6 address, fe80::a:b, written a different way on each line"
            }
        }
    }
}

/// The `i`-th way (all different) to write the IPv6 address fe80::a:b: the hex letters in either
/// case, `a` and `b` with up to 3 leading zeros, the five zero groups as `::` or written out
/// with 1 to 4 digits each (262,400 ways).
fn fe80_a_b_written(i: usize) -> String {
    let cased = |text: &str, upper: bool| {
        if upper {
            text.to_uppercase()
        } else {
            text.to_owned()
        }
    };
    let digit = |letter: &str, way: usize| {
        cased(&format!("{letter:0>width$}", width = way % 4 + 1), way >= 4)
    };
    let fe80 = ["fe80", "FE80", "Fe80", "fE80"][i % 4];
    let (a, b) = (digit("a", i / 4 % 8), digit("b", i / 32 % 8));
    match i / 256 {
        0 => format!("{fe80}::{a}:{b}"),
        zeros => {
            let widths = (0..5).map(|group| "0".repeat(((zeros - 1) >> (2 * group)) & 3) + "0");
            format!("{fe80}:{}:{a}:{b}", widths.collect::<Vec<_>>().join(":"))
        }
    }
}

/// The longest log `the_report_holds_the_same_heap_however_long_the_log` tries.
const LONGEST_REPEATED: usize = 5_000;

#[rstest]
fn the_report_holds_the_same_heap_however_long_the_log(
    #[values(Repeated::HostsWithoutAnIp, Repeated::OneAddressWrittenAnew)] log: Repeated,
) {
    let written: Vec<String> = match log {
        Repeated::HostsWithoutAnIp => Vec::new(),
        Repeated::OneAddressWrittenAnew => (0..LONGEST_REPEATED)
            .map(|i| format!("{} - 404 ERROR", fe80_a_b_written(i)))
            .collect(),
    };
    let peak_over = |lines: usize| match log {
        Repeated::HostsWithoutAnIp => {
            let source = (0..lines).map(|i| {
                format!("host-{i:07}-with-a-name-long-enough-to-outweigh-the-report - 404 ERROR")
            });
            peak_heap(|| top_ips_report(source, 404, 3))
        }
        Repeated::OneAddressWrittenAnew => peak_heap(|| top_ips_report(&written[..lines], 404, 3)),
    };
    let (_, one_line) = peak_over(1);
    for lines in super::sizes_to_try(1, 64, LONGEST_REPEATED) {
        let (report, heap) = peak_over(lines);
        let header = match log {
            Repeated::HostsWithoutAnIp => {
                format!("status 404: {lines} lines, 0 distinct IPs, {lines} without an IP\n")
            }
            Repeated::OneAddressWrittenAnew => {
                format!("status 404: {lines} lines, 1 distinct IPs, 0 without an IP\n")
            }
        };
        assert!(
            report.starts_with(&header),
            "the report of {lines} 404 lines ({}) began {:?}, not {header:?}: an address is \
             counted by its parsed IpAddr value, one row however its text is written",
            log.lines(),
            report.lines().next()
        );
        assert_eq!(
            heap,
            one_line,
            "top_ips_report held {heap} bytes of heap at its peak over a log of {lines} 404 \
             lines ({}), but {one_line} over a log of one such line: the report must count \
             each line's result as it streams by, by its parsed IpAddr, and drop it before \
             pulling the next, for every length of log; collecting the results (or the lines, \
             or copies of their text, even one per way an address is written: ::a, 0::A, ...) \
             into a Vec or a map, all at once or a batch at a time, holds more the more lines \
             there are (lengths tried: every one from 1 to 64, then about a quarter longer each \
             time up to 5,000)",
            log.lines()
        );
    }
}

/// Unwinds out of the report where the source stops it: no panic hook runs and no message is
/// made, so the only heap it adds is the unwinder's fixed few bytes.
struct Stopped;

/// The most lines `the_report_tallies_each_address_before_pulling_the_next_line` lets through.
const TALLIED: usize = 600;

/// The most heap `top_ips_report` held at once, and how many allocations it made, before it
/// pulled line `tallied + 1` of `log`, where the source stops it (two runs).
fn figures_when_stopped_at_line(log: &[String], tallied: usize) -> (usize, usize) {
    let stopped_report = || {
        let stop = std::iter::from_fn(|| -> Option<&String> {
            std::panic::resume_unwind(Box::new(Stopped))
        });
        let source = log[..tallied].iter().chain(stop);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            top_ips_report(source, 404, 3)
        }))
    };
    let check = |finished: std::thread::Result<String>| match finished {
        Err(stopped) if stopped.is::<Stopped>() => {}
        Err(panicked) => std::panic::resume_unwind(panicked),
        Ok(report) => panic!(
            "top_ips_report returned {:?} without pulling line {} of the log",
            report.lines().next(),
            tallied + 1
        ),
    };
    let (finished, heap) = peak_heap(stopped_report);
    check(finished);
    let (finished, allocations) = count_allocations(stopped_report);
    check(finished);
    (heap, allocations)
}

#[test]
fn the_report_tallies_each_address_before_pulling_the_next_line() {
    // Every line a 404 from an IPv6 address of its own: spread over the whole address space
    // (written in about 39 characters), or the first ones (::1, ::2, ...: 3 to 5 characters).
    let log_of = |address: fn(u128) -> u128| -> Vec<String> {
        (1..=TALLIED as u128)
            .map(|i| format!("{} - 404 ERROR", std::net::Ipv6Addr::from(address(i))))
            .collect()
    };
    let long = log_of(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835));
    let short = log_of(|i| i);
    for tallied in super::sizes_to_try(1, 64, TALLIED) {
        let (heap, allocations) = figures_when_stopped_at_line(&long, tallied);
        let needed = 16 * tallied;
        assert!(
            heap >= needed,
            "stopped as it pulled line {} of a log of 404s from different IPv6 addresses, \
             top_ips_report had held {heap} bytes of heap at most: a tally of the {tallied} \
             addresses it had already pulled needs at least {needed} (16 bytes an address), so \
             it had not counted them yet; count each line's result as it streams by, before \
             pulling the next line, never gathering results in a batch (on the stack or the \
             heap) to tally later",
            tallied + 1
        );
        let (short_heap, _) = figures_when_stopped_at_line(&short, tallied);
        assert_eq!(
            short_heap,
            heap,
            "stopped as it pulled line {} of a log of 404s from {tallied} different IPv6 \
             addresses, top_ips_report had held {short_heap} bytes of heap when the addresses \
             are written short (::1, ::2, ...) but {heap} when written long (39 characters): \
             its tally holds text, a String per address (ip.to_string(), or the field as \
             written); tally by the parsed IpAddr, which takes the same room however the \
             address is written",
            tallied + 1
        );
        let most = tallied / 2 + 8;
        assert!(
            allocations <= most,
            "stopped as it pulled line {} of a log of 404s from {tallied} different IPv6 \
             addresses, top_ips_report had made {allocations} allocations, more than {most} \
             (half the addresses, plus 8): about one per address, so each address (or line) \
             got a heap block of its own, such as a String of its text, whatever its capacity; \
             tally by the parsed IpAddr, which lives inside the table, so the tally allocates \
             only when its table grows (a HashMap about 10 times for 600 addresses)",
            tallied + 1
        );
    }
}

#[test]
fn ties_in_the_report_go_to_the_lower_ip_not_the_lower_text() {
    let log = [
        "10.0.0.10 - 404 ERROR",
        "9.0.0.1 - 404 ERROR",
        "10.0.0.9 - 404 ERROR",
        "::1 - 404 ERROR",
    ];
    let report = top_ips_report(log, 404, 4);
    let order: Vec<&str> = report
        .lines()
        .skip(2)
        .filter_map(|row| row.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        order,
        ["9.0.0.1", "10.0.0.9", "10.0.0.10", "::1"],
        "four IPs with one line each were ranked {order:?}: ties go to the lower IP address \
         (compare IpAddr values: every IPv4 before IPv6, 9.0.0.1 before 10.0.0.9 before \
         10.0.0.10), not to the text that sorts first"
    );
}

#[test]
fn renders_the_top_ips_of_a_log_as_a_table() {
    let log = [
        "10.0.0.5 - 404 ERROR",
        "192.168.1.1 - 200 OK",
        "2001:db8::7 - 404 ERROR",
        "10.0.0.9 - 404 ERROR",
        "10.0.0.5 - 404 ERROR",
        "not-an-ip - 404 ERROR",
        "10.0.0.9 - 404 ERROR",
        "172.16.0.2 - 404 ERROR",
        "10.0.0.5 - 404 ERROR",
        "10.0.0.5 - 500 CRASH",
        "10.0.0.10 - 404 ERROR",
    ];
    assert_suite_snapshot!("top_ips_report", top_ips_report(log, 404, 4));
}

#[test]
fn renders_an_empty_table_when_no_line_matches() {
    assert_suite_snapshot!("top_ips_report_empty", top_ips_report(LOG, 418, 3));
}

/// A log line's parts: an address (or a token that is not one), a status and some text.
fn record() -> impl Strategy<Value = (String, u16, String)> {
    let address = prop_oneof![
        any::<std::net::Ipv4Addr>().prop_map(|a| a.to_string()),
        any::<std::net::Ipv6Addr>().prop_map(|a| a.to_string()),
        "[a-z]{1,8}",
    ];
    let status = prop_oneof![Just(200_u16), Just(404), Just(500), any::<u16>()];
    // Free text with spaces, and sometimes a status-like word in it.
    let text = prop_oneof![
        "[A-Za-z0-9/. ]{0,12}",
        Just("retried 404 times".to_owned()),
        Just("upstream 500 200".to_owned()),
        Just("proxy said - 404 - then - 500".to_owned()),
        Just("upstream - 200".to_owned()),
    ];
    (address, status, text)
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn gives_the_same_result_as_an_eager_vec_computation(
        records in prop::collection::vec(record(), 0..40),
        code in prop_oneof![Just(200_u16), Just(404), Just(500)],
    ) {
        let lines: Vec<String> = records
            .iter()
            .map(|(address, status, text)| format!("{address} - {status} {text}"))
            .collect();

        // Eager: every stage materialises a Vec before the next one starts.
        let mut matching: Vec<(&String, &String)> = Vec::new();
        for ((address, status, _), line) in records.iter().zip(&lines) {
            if *status == code {
                matching.push((address, line));
            }
        }
        let mut eager: Vec<Result<IpAddr, LogError>> = Vec::new();
        for (address, line) in matching {
            eager.push(address.parse().map_err(|_| LogError::BadIp {
                field: address.clone(),
                line: line.clone(),
            }));
        }

        let lazy: Vec<Result<IpAddr, LogError>> =
            extract_ips(filter_status(lines.iter(), code)).collect();
        prop_assert_eq!(&lazy, &eager,
            "for status {} the lazy pipeline gave {:?} but the eager computation gave {:?}: \
             laziness must change when the work happens, never the result", code, &lazy, &eager);
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): the report
/// of any log (other statuses, lines without an IP, ties, a `top` below, at or above the
/// number of IPs, zero), rendered here from the layout its doc states.
#[cfg(feature = "held-out")]
mod held_out {
    use std::collections::HashMap;
    use std::net::IpAddr;

    use super::ip;
    use crate::lazy_pipeline::top_ips_report;
    use proptest::prelude::*;

    /// A few addresses, so that counts repeat and tie; one is not an IP at all.
    const ADDRESSES: [&str; 8] = [
        "10.0.0.5",
        "10.0.0.10",
        "9.0.0.1",
        "192.168.1.1",
        "::1",
        "2001:db8::7",
        "10.0.0.9",
        "not-an-ip",
    ];

    /// The report as its doc lays it out, counted here from `(address, status)` pairs.
    fn expected_report(lines: &[(&str, u16)], code: u16, top: usize) -> String {
        let mut hits: HashMap<IpAddr, usize> = HashMap::new();
        let (mut matching, mut unreadable) = (0, 0);
        for &(address, status) in lines {
            if status == code {
                matching += 1;
                match address.parse::<IpAddr>() {
                    Ok(_) => *hits.entry(ip(address)).or_default() += 1,
                    Err(_) => unreadable += 1,
                }
            }
        }
        let mut ranked: Vec<(IpAddr, usize)> = hits.into_iter().collect();
        ranked.sort_by(|(a, m), (b, n)| n.cmp(m).then(a.cmp(b)));
        let mut report = format!(
            "status {code}: {matching} lines, {} distinct IPs, {unreadable} without an IP\n",
            ranked.len()
        );
        report.push_str("rank  ip                        lines\n");
        for (rank, (ip, count)) in ranked.into_iter().take(top).enumerate() {
            report.push_str(&format!(
                "{:>4}  {:<24}  {count:>5}\n",
                rank + 1,
                ip.to_string()
            ));
        }
        report
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn reports_the_top_ips_of_any_log(
            lines in prop::collection::vec(
                (prop::sample::select(ADDRESSES.to_vec()), prop::sample::select(vec![200_u16, 404, 500])),
                0..60,
            ),
            code in prop::sample::select(vec![200_u16, 404, 500]),
            top in prop_oneof![0_usize..9, Just(usize::MAX)],
        ) {
            let log: Vec<String> = lines
                .iter()
                .map(|(address, status)| format!("{address} - {status} GET /index.html"))
                .collect();
            let got = top_ips_report(log.iter(), code, top);
            let expected = expected_report(&lines, code, top);
            prop_assert_eq!(&got, &expected,
                "top_ips_report(_, {}, {}) rendered another report for {} lines: count the \
                 lines with status {}, the distinct IPs among them and those without an IP; \
                 then the `top` IPs with the most lines, ties to the lower IpAddr",
                code, top, log.len(), code);
        }
    }
}
