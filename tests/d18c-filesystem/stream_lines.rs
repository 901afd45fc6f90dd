//! Kata 4: a lazy scan of a log that keeps going past a bad line.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rstest::rstest;

use super::heap::{count_allocations, peak_heap};
use super::{put, temp_dir};
use crate::stream_lines::{Critical, LineError, ScanError, critical_lines};

/// The most extra heap a scan may hold at once, whatever the file size.
const HEAP_BOUND: usize = 64 * 1024;

/// Every item of a scan as text: `3: text` for a match, `3: invalid UTF-8` for a bad line.
fn scan(path: &Path, needle: &str) -> Vec<String> {
    match critical_lines(path, needle) {
        Ok(lines) => lines
            .map(|item| match item {
                Ok(Critical { line, text }) => format!("{line}: {text}"),
                Err(LineError::InvalidUtf8 { line }) => format!("{line}: invalid UTF-8"),
                Err(LineError::Read { line, source }) => format!("{line}: read error {source}"),
            })
            .collect(),
        Err(error) => panic!(
            "critical_lines({}, {needle:?}) failed: {error}",
            path.display()
        ),
    }
}

const LOG: &str = "INFO boot\n\
                   CRITICAL disk full\n\
                   WARN slow\n\
                   CRITICAL fan stopped\n\
                   INFO done\n";

/// The five-line log scanned first: a scan that is not written yet fails here, in a
/// millisecond, before megabytes are written for the memory tests.
fn short_log_first(dir: &Path) {
    let path = dir.join("short.log");
    put(&path, LOG);
    assert_eq!(
        scan(&path, "CRITICAL"),
        ["2: CRITICAL disk full", "4: CRITICAL fan stopped"],
        "the scan of the five-line log must be right before a big file is worth measuring"
    );
}

#[rstest]
fn yields_the_matching_lines_with_their_numbers() {
    let dir = temp_dir();
    let path = dir.path().join("app.log");
    put(&path, LOG);
    let got = scan(&path, "CRITICAL");
    assert_eq!(
        got,
        ["2: CRITICAL disk full", "4: CRITICAL fan stopped"],
        "the scan must yield each line containing the needle, numbered from 1, without its \
         line ending"
    );
}

#[rstest]
fn strips_crlf_and_reads_a_last_line_without_newline() {
    let dir = temp_dir();
    let path = dir.path().join("windows.log");
    put(&path, "CRITICAL a\r\nINFO b\r\nCRITICAL c");
    let got = scan(&path, "CRITICAL");
    assert_eq!(
        got,
        ["1: CRITICAL a", "3: CRITICAL c"],
        "`\\r\\n` endings are removed like `\\n`, and the last line counts without a newline"
    );
}

#[rstest]
fn an_empty_file_yields_nothing() {
    let dir = temp_dir();
    let path = dir.path().join("empty.log");
    put(&path, "");
    let got = scan(&path, "CRITICAL");
    assert!(
        got.is_empty(),
        "an empty file has no lines, but the scan gave {got:?}"
    );
}

#[rstest]
fn a_line_that_is_not_utf8_is_reported_and_the_scan_goes_on() {
    let dir = temp_dir();
    let path = dir.path().join("mixed.log");
    put(
        &path,
        b"CRITICAL one\nINFO \xff\xfe garbage\nCRITICAL \xc3 two\nCRITICAL three\n".as_slice(),
    );
    let got = scan(&path, "CRITICAL");
    assert_eq!(
        got,
        [
            "1: CRITICAL one",
            "2: invalid UTF-8",
            "3: invalid UTF-8",
            "4: CRITICAL three"
        ],
        "a line that is not UTF-8 must be an Err(LineError::InvalidUtf8) with its number, \
         and the lines after it must still be scanned (one bad byte must not end the scan)"
    );
}

#[rstest]
fn an_empty_needle_is_refused() {
    let dir = temp_dir();
    let path = dir.path().join("app.log");
    put(&path, LOG);
    let got = critical_lines(&path, "").map(|_| ());
    assert!(
        matches!(got, Err(ScanError::EmptyNeedle)),
        "critical_lines with an empty needle gave {got:?}: every line contains \"\", so it \
         must be ScanError::EmptyNeedle"
    );
}

#[rstest]
fn a_missing_file_is_refused_with_its_path() {
    let dir = temp_dir();
    let path = dir.path().join("missing.log");
    let got = critical_lines(&path, "CRITICAL").map(|_| ());
    assert!(
        matches!(&got, Err(ScanError::Open { path: p, .. }) if *p == path),
        "critical_lines on a missing file gave {got:?}: it must be ScanError::Open with the path"
    );
}

#[rstest]
fn a_read_error_is_reported_once_and_ends_the_scan() {
    let dir = temp_dir();
    // A directory opens like a file on Linux and macOS, but reading it fails (EISDIR).
    let Ok(lines) = critical_lines(dir.path(), "CRITICAL") else {
        return; // a system that refuses to open a directory at all is fine too
    };
    let items: Vec<_> = lines.take(3).collect();
    assert!(
        matches!(items.as_slice(), [Err(LineError::Read { line: 1, .. })]),
        "scanning a directory gave {items:?}: a read error must be one Err(LineError::Read) \
         for line 1, and then the iterator must end (retrying would fail forever)"
    );
}

/// Writes a log of about 4 MB in which every third line is critical; returns its path and
/// the number of critical lines.
fn write_big_log(dir: &Path) -> (PathBuf, usize) {
    let path = dir.join("big.log");
    let file =
        File::create(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    let mut out = BufWriter::new(file);
    let mut critical = 0;
    for i in 0_u32..80_000 {
        let level = if i % 3 == 0 { "CRITICAL" } else { "INFO" };
        critical += usize::from(i % 3 == 0);
        writeln!(
            out,
            "2026-04-04T14:36:54Z {level} worker={i:06} request handled in 12ms"
        )
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    out.flush()
        .unwrap_or_else(|e| panic!("cannot flush {}: {e}", path.display()));
    (path, critical)
}

#[rstest]
fn scans_a_file_of_megabytes_in_flat_memory() {
    let dir = temp_dir();
    short_log_first(dir.path());
    let (path, expected) = write_big_log(dir.path());
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let (got, heap) = peak_heap(|| {
        critical_lines(&path, "CRITICAL").map(|lines| lines.filter(Result::is_ok).count())
    });
    assert!(
        matches!(got, Ok(n) if n == expected),
        "the scan of the {size}-byte log gave {got:?} matches; {expected} lines are critical"
    );
    assert!(
        heap < HEAP_BOUND,
        "taking the matches of a {size}-byte file one at a time held {heap} bytes of heap at \
         its peak: a streaming scan holds one buffer and one line, so it must stay under \
         {HEAP_BOUND} bytes whatever the file size (no fs::read_to_string, no Vec of lines or \
         of matches)"
    );
}

#[rstest]
fn the_first_match_comes_before_the_rest_of_the_file_is_read() {
    let dir = temp_dir();
    short_log_first(dir.path());
    let (path, _) = write_big_log(dir.path());
    let (first, heap) = peak_heap(|| {
        critical_lines(&path, "CRITICAL")
            .map(|mut lines| lines.next().map(|item| item.map(|c| c.line)))
    });
    assert!(
        matches!(first, Ok(Some(Ok(1)))),
        "the first critical line is line 1, but the scan gave {first:?}"
    );
    assert!(
        heap < HEAP_BOUND,
        "getting the first of many matches in a big file held {heap} bytes of heap: the \
         iterator must be lazy and read only as far as the next match, not find every match \
         first"
    );
}

/// Writes a log of `lines` lines in which every 1000th line is critical; returns its path.
fn write_quiet_log(dir: &Path, lines: u32) -> PathBuf {
    let path = dir.join("quiet.log");
    let file =
        File::create(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    let mut out = BufWriter::new(file);
    for i in 0..lines {
        let level = if i % 1000 == 0 { "CRITICAL" } else { "INFO" };
        writeln!(
            out,
            "2026-04-04T14:36:54Z {level} worker={i:06} request handled in 12ms"
        )
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    out.flush()
        .unwrap_or_else(|e| panic!("cannot flush {}: {e}", path.display()));
    path
}

#[rstest]
fn the_line_buffer_is_reused_not_allocated_per_line() {
    const LINES: u32 = 20_000;
    let dir = temp_dir();
    short_log_first(dir.path());
    let path = write_quiet_log(dir.path(), LINES);
    let (got, allocations) = count_allocations(|| {
        critical_lines(&path, "CRITICAL").map(|lines| lines.filter(Result::is_ok).count())
    });
    assert!(
        matches!(got, Ok(20)),
        "the scan gave {got:?} matches; 20 lines are critical"
    );
    assert!(
        allocations < 1000,
        "scanning {LINES} lines (20 of them matches) asked the allocator {allocations} times: \
         one buffer per line; keep one Vec<u8> in the iterator and clear() it before each \
         read_until, so only the matches (and the buffer's growth) allocate"
    );
}

/// How many read system calls the calling thread has made (Linux `/proc/thread-self/io`).
#[cfg(target_os = "linux")]
fn read_syscalls() -> u64 {
    let io =
        std::fs::read_to_string("/proc/thread-self/io").expect("Linux has /proc/thread-self/io");
    io.lines()
        .find_map(|line| line.strip_prefix("syscr:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("the io file counts read system calls")
}

#[cfg(target_os = "linux")]
#[rstest]
fn reads_the_file_a_buffer_at_a_time_not_byte_by_byte() {
    let dir = temp_dir();
    short_log_first(dir.path());
    let path = write_quiet_log(dir.path(), 20_000);
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let before = read_syscalls();
    let got = critical_lines(&path, "CRITICAL").map(|lines| lines.filter(Result::is_ok).count());
    let reads = read_syscalls() - before;
    assert!(
        matches!(got, Ok(20)),
        "the scan gave {got:?} matches; 20 lines are critical"
    );
    assert!(
        reads < size / 512,
        "scanning a {size}-byte file took {reads} read system calls: it reads a few bytes at \
         a time; read the file through a BufReader with its default buffer (8 KiB), one \
         system call per buffer, not per line or per byte"
    );
}
