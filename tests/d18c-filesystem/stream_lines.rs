//! Kata 4: a lazy scan of a log that keeps going past a bad line.

use std::fs::File;
use std::io::{BufWriter, Write};
#[cfg(unix)]
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::sync::mpsc;
#[cfg(unix)]
use std::thread;
#[cfg(unix)]
use std::time::Duration;

use rstest::rstest;

use super::heap::heap_of_the_whole_process;
use super::{alone_in_a_child_process, put, temp_dir};
use crate::stream_lines::{Critical, LineError, ScanError, critical_lines};

/// The most extra heap a scan may hold at once, whatever the file size.
const HEAP_BOUND: usize = 64 * 1024;

/// One item of a scan as text: `3: text` for a match, `3: invalid UTF-8` for a bad line.
fn describe(item: Result<Critical, LineError>) -> String {
    match item {
        Ok(Critical { line, text }) => format!("{line}: {text}"),
        Err(LineError::InvalidUtf8 { line }) => format!("{line}: invalid UTF-8"),
        Err(LineError::Read { line, source }) => format!("{line}: read error {source}"),
    }
}

/// Every item of a scan as text (see [`describe`]).
fn scan(path: &Path, needle: &str) -> Vec<String> {
    match critical_lines(path, needle) {
        Ok(lines) => lines.map(describe).collect(),
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
    put(
        &path,
        "CRITICAL a\r\nINFO b\r\nCRITICAL tab\t \r\nCRITICAL cr\r\r\nCRITICAL two  \nCRITICAL c ",
    );
    let got = scan(&path, "CRITICAL");
    assert_eq!(
        got,
        [
            "1: CRITICAL a",
            "3: CRITICAL tab\t ",
            "4: CRITICAL cr\r",
            "5: CRITICAL two  ",
            "6: CRITICAL c "
        ],
        "`\\r\\n` endings are removed like `\\n`, exactly one line ending and nothing else \
         (the line's own trailing spaces, tabs and a stray `\\r` before the ending are its \
         text: not trim_end), and the last line counts without a newline"
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
fn a_line_holding_a_real_replacement_character_is_valid_text() {
    let dir = temp_dir();
    let path = dir.path().join("replacement.log");
    put(
        &path,
        "CRITICAL sensor \u{FFFD} offline\nINFO \u{FFFD} decoded earlier\n".as_bytes(),
    );
    let got = scan(&path, "CRITICAL");
    assert_eq!(
        got,
        ["1: CRITICAL sensor \u{FFFD} offline"],
        "both lines are valid UTF-8 that contain U+FFFD (the replacement character, written \
         on purpose): line 1 matches and line 2 does not, and neither is an \
         Err(LineError::InvalidUtf8). Decode each line strictly (std::str::from_utf8); a \
         lossy copy cannot tell a real U+FFFD from a bad byte"
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
    let test = "scans_a_file_of_megabytes_in_flat_memory";
    if !alone_in_a_child_process(module_path!(), test, |_| {}) {
        return;
    }
    let dir = temp_dir();
    short_log_first(dir.path());
    let (path, expected) = write_big_log(dir.path());
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let (got, heap) = heap_of_the_whole_process(|| {
        critical_lines(&path, "CRITICAL").map(|lines| lines.filter(Result::is_ok).count())
    });
    assert!(
        matches!(got, Ok(n) if n == expected),
        "the scan of the {size}-byte log gave {got:?} matches; {expected} lines are critical"
    );
    assert!(
        heap.peak < HEAP_BOUND,
        "taking the matches of a {size}-byte file one at a time held {} bytes of heap at its \
         peak, every thread of the process counted: a streaming scan holds one buffer and one \
         line, so it must stay under {HEAP_BOUND} bytes whatever the file size (no \
         fs::read_to_string, no Vec of lines or of matches, not on a helper thread either)",
        heap.peak
    );
}

/// How long the writer of the named pipe waits for the first match before it writes the rest
/// anyway: only a scan that reads to the end before yielding anything waits for it.
#[cfg(unix)]
const PIPE_WATCHDOG: Duration = Duration::from_secs(5);

#[cfg(unix)]
#[rstest]
fn the_first_match_comes_before_the_rest_of_the_file_is_read() {
    let dir = temp_dir();
    short_log_first(dir.path());
    let path = dir.path().join("live.log");
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL in a path");
    // SAFETY: `c_path` is a valid C string.
    let made = unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) };
    assert_eq!(made, 0, "cannot make a named pipe at {}", path.display());
    let (first_taken, wait_for_first) = mpsc::channel::<()>();
    let writer = {
        let path = path.clone();
        // Read-write, so that opening never blocks; the scan sees the end of the file once
        // this thread closes it.
        thread::spawn(move || -> bool {
            let mut pipe = File::options()
                .read(true)
                .write(true)
                .open(&path)
                .unwrap_or_else(|e| panic!("cannot open the named pipe: {e}"));
            let _ = pipe.write_all(b"INFO boot\nCRITICAL disk full\n");
            let waited = wait_for_first.recv_timeout(PIPE_WATCHDOG).is_ok();
            let _ = pipe.write_all(b"INFO later\nCRITICAL fan stopped\n");
            waited
        })
    };
    let (first, rest) = match critical_lines(&path, "CRITICAL") {
        Ok(mut lines) => {
            let first = lines.next().map(describe);
            let _ = first_taken.send(());
            (first, lines.map(describe).collect::<Vec<_>>())
        }
        Err(error) => panic!("critical_lines on a named pipe failed: {error}"),
    };
    let first_came_first = writer.join().unwrap_or(false);
    assert!(
        first_came_first,
        "the scan of a named pipe holding `INFO boot`, `CRITICAL disk full` gave nothing for \
         {} s, until the writer gave up and wrote the rest: it reads to the end of the file \
         before yielding the first match. Read line by line and yield each match as soon as \
         it is read (a 10 GB log, or a log still being written, has no end to wait for)",
        PIPE_WATCHDOG.as_secs()
    );
    assert_eq!(
        (first.as_deref(), rest.as_slice()),
        (
            Some("2: CRITICAL disk full"),
            &["4: CRITICAL fan stopped".to_owned()][..]
        ),
        "a named pipe (whose rest is written only after the first match was taken) must scan \
         like a file: a stream has no size to map and cannot be rewound, so read it through a \
         BufReader, a buffer at a time"
    );
}

/// Writes at `path` a log of exactly `size` bytes (9 or more) whose first line is
/// `CRITICAL` and whose rest is filler lines of up to 64 bytes; returns how many.
fn put_log_of_size(path: &Path, size: usize) -> usize {
    let mut log = b"CRITICAL\n".to_vec();
    let mut filler_lines = 0;
    while log.len() < size {
        let length = (size - log.len()).min(64);
        log.extend(std::iter::repeat_n(b'.', length - 1));
        log.push(b'\n');
        filler_lines += 1;
    }
    put(path, &log);
    filler_lines
}

/// A regular file of exactly `size` bytes whose first line is `CRITICAL` and whose rest is
/// filler lines; the line `CRITICAL appended` is added at its end only after the first match
/// was taken. A lazy scan reads that line when it gets there; one that read the file to its
/// end before yielding the first match (whole, or up to its size when it was opened) never
/// sees it.
#[rstest]
#[case::the_first_line_alone(9)]
#[case::a_hundred_bytes(100)]
#[case::under_one_buffer(8_191)]
#[case::just_over_one_buffer(8_193)]
#[case::sixteen_kib(16 * 1024)]
#[case::just_over_sixteen_kib(16 * 1024 + 1)]
#[case::just_over_64_kib(64 * 1024 + 1)]
#[case::three_mib(3 * 1024 * 1024)]
fn a_regular_file_of_any_size_is_scanned_lazily(#[case] size: usize) {
    let dir = temp_dir();
    short_log_first(dir.path());
    let path = dir.path().join("growing.log");
    let filler_lines = put_log_of_size(&path, size);
    let mut lines = critical_lines(&path, "CRITICAL")
        .unwrap_or_else(|error| panic!("critical_lines on a {size}-byte file failed: {error}"));
    let first = lines.next().map(describe);
    let mut appender = File::options()
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot append to {}: {e}", path.display()));
    appender
        .write_all(b"CRITICAL appended\n")
        .unwrap_or_else(|e| panic!("cannot append to {}: {e}", path.display()));
    let rest: Vec<String> = lines.map(describe).collect();
    assert_eq!(
        (first.as_deref(), rest.as_slice()),
        (
            Some("1: CRITICAL"),
            &[format!("{}: CRITICAL appended", filler_lines + 2)][..]
        ),
        "a {size}-byte log whose first line is `CRITICAL` got the line `CRITICAL appended` \
         written at its end after the first match was taken, and the scan never gave it: it \
         read the file to its end before yielding the first match (a small file slurped \
         whole, matches collected up front). Read every file, whatever its size, a line at a \
         time through a BufReader and yield each match as soon as it is read: a log still \
         being written has no end to wait for"
    );
}

/// Writes a log of `lines` lines in which every `every`-th line is critical (and, when
/// `latin1`, every line ends in `café` written in Latin-1, so no line is UTF-8); returns its
/// path.
fn write_quiet_log(dir: &Path, lines: u32, every: u32, latin1: bool) -> PathBuf {
    let path = dir.join("quiet.log");
    let file =
        File::create(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    let mut out = BufWriter::new(file);
    for i in 0..lines {
        let level = if i % every == 0 { "CRITICAL" } else { "INFO" };
        let tail: &[u8] = if latin1 { b" caf\xe9\n" } else { b"\n" };
        write!(
            out,
            "2026-04-04T14:36:54Z {level} worker={i:06} request handled in 12ms"
        )
        .and_then(|()| out.write_all(tail))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    out.flush()
        .unwrap_or_else(|e| panic!("cannot flush {}: {e}", path.display()));
    path
}

#[rstest]
fn the_line_buffer_is_reused_not_allocated_per_line() {
    const LINES: u32 = 20_000;
    let test = "the_line_buffer_is_reused_not_allocated_per_line";
    if !alone_in_a_child_process(module_path!(), test, |_| {}) {
        return;
    }
    let dir = temp_dir();
    short_log_first(dir.path());
    // 20 matches, then every line a match: only the matches' own texts may add requests;
    // then every line not UTF-8: an error item owns nothing, so those add none.
    for (every, latin1) in [(1000, false), (1, false), (1, true)] {
        let path = write_quiet_log(dir.path(), LINES, every, latin1);
        let (matches, bad) = if latin1 {
            (0, LINES as usize)
        } else {
            ((LINES / every) as usize, 0)
        };
        let (got, heap) = heap_of_the_whole_process(|| {
            critical_lines(&path, "CRITICAL").map(|lines| {
                lines.fold((0, 0), |(ok, bad), item| match item {
                    Ok(_) => (ok + 1, bad),
                    Err(_) => (ok, bad + 1),
                })
            })
        });
        assert!(
            got.as_ref().is_ok_and(|&n| n == (matches, bad)),
            "the scan gave {got:?} (matches, errors); expected ({matches}, {bad})"
        );
        assert!(
            heap.requests < matches + 1000,
            "scanning {LINES} lines ({matches} of them matches, {bad} not UTF-8) asked the \
             allocator {} times, every thread of the process counted: a buffer per line, or \
             per item (a fresh Vec at each next(), regrown from nothing for every match), or a \
             lossy copy of each bad line (String::from_utf8_lossy allocates for every line that \
             is not UTF-8); keep one Vec<u8> in the iterator for the whole scan, clear() it \
             before each read_until and check it in place with str::from_utf8, so only each \
             match's own String (and the buffer's growth) allocates",
            heap.requests
        );
    }
}

/// What the whole process has read so far, from Linux's `/proc/self/io` (every thread, the
/// ones that ended included): `(bytes passed to read and pread, read system calls)`.
#[cfg(target_os = "linux")]
fn process_reads() -> (u64, u64) {
    use std::io::Read;
    // One read system call, which the counts it returns do not include yet.
    let mut bytes = [0; 4096];
    let read = File::open("/proc/self/io").and_then(|mut io| io.read(&mut bytes));
    let io = read.map_or("", |n| std::str::from_utf8(&bytes[..n]).unwrap_or(""));
    let field = |name: &str| -> u64 {
        io.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("/proc/self/io has no {name}"))
    };
    (field("rchar:"), field("syscr:"))
}

#[cfg(target_os = "linux")]
#[rstest]
fn reads_the_file_a_buffer_at_a_time_not_byte_by_byte() {
    let test = "reads_the_file_a_buffer_at_a_time_not_byte_by_byte";
    if !alone_in_a_child_process(module_path!(), test, |_| {}) {
        return;
    }
    let dir = temp_dir();
    short_log_first(dir.path());
    // Small files first: before the first match, one read, the one that brings the first
    // line in (each look at the counts costs one read of its own).
    let own = process_reads().1.abs_diff(process_reads().1);
    let small = dir.path().join("small.log");
    for size in [9, 8_193, 60 * 1024] {
        put_log_of_size(&small, size);
        let before = process_reads().1;
        let first = critical_lines(&small, "CRITICAL").map(|mut lines| lines.next().map(describe));
        let reads = process_reads().1 - before - own;
        assert!(
            matches!(&first, Ok(Some(text)) if text == "1: CRITICAL") && reads == 1,
            "opening a {size}-byte log whose first line is `CRITICAL` and taking the first \
             match gave {first:?} after {reads} read system calls, every thread of the process \
             counted: it read on to the end of the file before yielding it (read_to_end, \
             read_to_string, or reading until a read returns nothing, which is a second read \
             even for a 9-byte file). Small files are streamed too: the BufReader's first \
             read brings the first line in, and its match is yielded then"
        );
    }
    let path = write_quiet_log(dir.path(), 20_000, 1000, false);
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let before = process_reads();
    let got = critical_lines(&path, "CRITICAL").map(|lines| lines.filter(Result::is_ok).count());
    let after = process_reads();
    let (bytes, reads) = (after.0 - before.0, after.1 - before.1);
    assert!(
        matches!(got, Ok(20)),
        "the scan gave {got:?} matches; 20 lines are critical"
    );
    assert!(
        bytes >= size,
        "scanning a {size}-byte file passed only {bytes} bytes through read system calls, \
         every thread of the process counted: it maps the file (mmap) or reads it some other \
         way. Read it through a BufReader, a buffer at a time: a stream (a pipe, a socket, \
         stdin) cannot be mapped, and a mapped 10 GB log piles up in memory as it is scanned"
    );
    assert!(
        (size / 65_536..size / 512).contains(&reads),
        "scanning a {size}-byte file took {reads} read system calls, every thread of the \
         process counted: fewer than {} is more than 64 KiB per call (the file read whole, or \
         in huge pieces), {} or more is under 512 bytes per call (a few bytes at a time). \
         Read the file through a BufReader with its default buffer (8 KiB), one system call \
         per buffer, not per line or per byte",
        size / 65_536,
        size / 512
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): random logs
/// whose lines (multi-byte characters, CRLF, bad bytes, empty lines) fall across the reader's
/// buffer boundaries, and one line longer than any buffer.
#[cfg(feature = "held-out")]
mod held_out {
    use proptest::prelude::*;

    use super::{put, scan, short_log_first, temp_dir};

    /// One line of a generated log: filler of this many characters, maybe the needle at a
    /// position in it, maybe a byte that is not UTF-8, and its ending.
    #[derive(Debug, Clone)]
    struct Line {
        filler: usize,
        needle_at: Option<usize>,
        bad_byte: bool,
        crlf: bool,
    }

    fn line() -> impl Strategy<Value = Line> {
        (
            prop_oneof![0_usize..40, 0_usize..3_000],
            prop::option::weighted(0.5, 0_usize..3_000),
            prop::bool::weighted(0.1),
            any::<bool>(),
        )
            .prop_map(|(filler, needle_at, bad_byte, crlf)| Line {
                filler,
                needle_at: needle_at.map(|at| at.min(filler)),
                bad_byte,
                crlf,
            })
    }

    /// The log's bytes and what the scan must give for it (test oracle).
    fn render(lines: &[Line], last_newline: bool) -> (Vec<u8>, Vec<String>) {
        let (mut bytes, mut expected) = (Vec::new(), Vec::new());
        for (i, line) in lines.iter().enumerate() {
            // 'é' is two bytes, so buffer boundaries also fall inside characters.
            let mut text: String = (0..line.filler)
                .map(|k| if k % 3 == 0 { 'é' } else { 'x' })
                .collect();
            if let Some(at) = line.needle_at {
                let at = text
                    .char_indices()
                    .nth(at)
                    .map_or(text.len(), |(byte, _)| byte);
                text.insert_str(at, "CRITICAL");
            }
            let mut raw = text.clone().into_bytes();
            if line.bad_byte {
                raw.insert(raw.len() / 2, 0xff);
                expected.push(format!("{}: invalid UTF-8", i + 1));
            } else if line.needle_at.is_some() {
                expected.push(format!("{}: {text}", i + 1));
            }
            bytes.extend_from_slice(&raw);
            let last = i + 1 == lines.len();
            if !last || last_newline {
                bytes.extend_from_slice(if line.crlf { b"\r\n" } else { b"\n" });
            }
        }
        (bytes, expected)
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn any_log_scans_line_by_line_whatever_the_buffer_boundaries(
            lines in prop::collection::vec(line(), 0..60),
            last_newline in any::<bool>(),
        ) {
            let dir = temp_dir();
            let path = dir.path().join("random.log");
            let (bytes, expected) = render(&lines, last_newline);
            put(&path, &bytes);
            let got = scan(&path, "CRITICAL");
            let first_difference = (0..got.len().max(expected.len()))
                .find(|&i| got.get(i) != expected.get(i))
                .map(|i| (got.get(i), expected.get(i)));
            prop_assert!(
                first_difference.is_none(),
                "scanning a {}-byte log of {} lines gave {} items, {} expected; the first that \
                 differs (got, expected) is {:?}: split on \\n only (drop a \\r before it), \
                 decode each whole line (never each buffer), number the lines from 1 and report \
                 a bad line as an error without stopping",
                bytes.len(), lines.len(), got.len(), expected.len(), first_difference
            );
        }
    }

    #[test]
    fn a_line_longer_than_any_buffer_is_one_line() {
        let dir = temp_dir();
        short_log_first(dir.path());
        let path = dir.path().join("long-line.log");
        let long = format!("{}CRITICAL at the end", "x".repeat(300_000));
        put(&path, format!("INFO start\n{long}\nCRITICAL after\n"));
        let got = scan(&path, "CRITICAL");
        let expected = [format!("2: {long}"), "3: CRITICAL after".to_owned()];
        assert!(
            got == expected,
            "scanning a log whose line 2 is {} bytes long gave {} items ({:?}...): read_until \
             grows the line buffer until the newline, so a line is one line however many \
             buffers it spans, and the next line is line 3",
            long.len(),
            got.len(),
            got.iter()
                .map(|item| item.chars().take(40).collect::<String>())
                .collect::<Vec<_>>()
        );
    }
}
