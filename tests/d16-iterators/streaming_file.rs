//! Kata 4: counting the matching lines of a big file in constant memory.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::streaming_file::{StreamError, count_matching_lines};
use rstest::{fixture, rstest};
use tempfile::TempDir;

use super::heap::{alone, peak_heap, peak_heap_of_process};

/// The most extra heap the count may hold at once, whatever the file size: a buffer of up to
/// 16 KiB and one line fit; a bit per line of the 140,000-line file (17 KiB) beside the buffer
/// does not.
const HEAP_BOUND: usize = 20 * 1024;

/// A temp dir that lives as long as the test, and the path of a file written in it.
fn write_file(dir: &TempDir, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, contents)
        .unwrap_or_else(|e| panic!("cannot write test file {}: {e}", path.display()));
    path
}

#[fixture]
fn dir() -> TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temp dir: {e}"))
}

const SMALL_LOG: &str = "192.168.1.1 - 200 OK\n\
                         10.0.0.5 - 404 ERROR\n\
                         172.16.0.2 - 200 OK\n\
                         10.0.0.9 - 404 ERROR\n";

#[rstest]
#[case::status_code("404", 2)]
#[case::whole_word("OK", 2)]
#[case::prefix_of_several_lines("10.0.0.", 2)]
#[case::every_line(" - ", 4)]
#[case::no_line("503", 0)]
fn counts_the_lines_that_contain_the_needle(
    dir: TempDir,
    #[case] needle: &str,
    #[case] expected: u64,
) {
    let path = write_file(&dir, "access.log", SMALL_LOG.as_bytes());
    let got = count_matching_lines(&path, needle);
    assert!(
        matches!(got, Ok(n) if n == expected),
        "count_matching_lines(_, {needle:?}) gave {got:?}: {expected} lines of the small log \
         contain {needle:?}"
    );
}

#[rstest]
#[case::a_last_line_without_a_newline("a 404\nb 200\nc 404")]
#[case::the_character_u_fffd_in_a_line("a 404 \u{FFFD}\nb \u{FFFD} 200\nc 404\n")]
fn counts_every_line_of_text_however_it_ends_and_whatever_it_holds(
    dir: TempDir,
    #[case] text: &str,
) {
    let path = write_file(&dir, "access.log", text.as_bytes());
    let got = count_matching_lines(&path, "404");
    assert!(
        matches!(got, Ok(2)),
        "count over {text:?} gave {got:?}: 2 lines contain 404; the last line counts even \
         without a trailing newline, and U+FFFD is a character like any other in \
         valid UTF-8, not a sign of a bad line: let lines() decide which line is not UTF-8 \
         (a lossy decode that looks for U+FFFD afterwards calls a valid line bad)"
    );
}

#[rstest]
fn counts_nothing_in_an_empty_file(dir: TempDir) {
    let path = write_file(&dir, "empty.log", b"");
    let got = count_matching_lines(&path, "404");
    assert!(
        matches!(got, Ok(0)),
        "count over an empty file gave {got:?}: a file with no lines has no matching line"
    );
}

/// Writes `lines` log lines (every 7th a 404) through `write_line`; returns how many are 404s.
fn write_log(
    path: &Path,
    lines: u32,
    write_line: impl Fn(&mut BufWriter<File>, u32, u32) -> std::io::Result<()>,
) -> u64 {
    let file =
        File::create(path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    let mut out = BufWriter::new(file);
    let mut expected = 0;
    for i in 0..lines {
        let status = if i % 7 == 0 { 404 } else { 200 };
        expected += u64::from(status == 404);
        write_line(&mut out, i, status)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    out.flush()
        .unwrap_or_else(|e| panic!("cannot flush {}: {e}", path.display()));
    expected
}

/// The needle counted in the big log: most of its lines contain it.
const BIG_NEEDLE: &str = " 200 ";

/// Writes about 2 MB (30 times the heap bound) of 140,000 short log lines, six of every seven
/// with status 200: anything kept per line or per match (a `Vec` of flags, of line numbers)
/// outgrows the bound. Returns the path and how many lines contain [`BIG_NEEDLE`].
fn write_big_log(dir: &Path) -> (PathBuf, u64) {
    const LINES: u32 = 140_000;
    let path = dir.join("big.log");
    let not_found = write_log(&path, LINES, |out, i, status| {
        writeln!(out, "{i:06} - {status} x")
    });
    (path, u64::from(LINES) - not_found)
}

/// A file's size in bytes, 0 if it cannot be read.
fn size_of(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Checks the count over a big file of `size` bytes in which `expected` lines have status 404.
fn assert_counted(got: &Result<u64, StreamError>, size: u64, expected: u64) {
    assert!(
        matches!(got, Ok(n) if *n == expected),
        "count over the {size}-byte file gave {got:?}; {expected} of its lines contain the \
         needle"
    );
}

/// Checks the count over the small log first: a stub fails here, before megabytes are written.
fn warm_up_on_the_small_log(dir: &TempDir) {
    let small = write_file(dir, "access.log", SMALL_LOG.as_bytes());
    let warm_up = count_matching_lines(&small, " 404 ");
    assert!(
        matches!(warm_up, Ok(2)),
        "count over the 4-line log gave {warm_up:?}; 2 of its lines have status 404"
    );
}

#[rstest]
fn counts_a_2_megabyte_file_in_constant_memory(dir: TempDir) {
    // The small log first: a count that is not written yet fails here, in a millisecond,
    // before 2 MB are written.
    let small = write_file(&dir, "access.log", SMALL_LOG.as_bytes());
    let warm_up = count_matching_lines(&small, " 404 ");
    assert!(
        matches!(warm_up, Ok(2)),
        "count over the 4-line log gave {warm_up:?}; 2 of its lines have status 404, and the \
         big file is only worth measuring once the small one is right"
    );
    let (path, expected) = write_big_log(dir.path());
    let size = size_of(&path);
    let (got, heap) = peak_heap(|| count_matching_lines(&path, BIG_NEEDLE));
    assert_counted(&got, size, expected);
    let (_, eager_heap) = peak_heap(|| fs::read_to_string(&path).map(|text| text.len()));
    assert!(
        heap < HEAP_BOUND,
        "counting a {size}-byte file held {heap} bytes of heap at its peak (reading it whole \
         holds {eager_heap}): a streaming count keeps one buffer and one line, so it must stay \
         under {HEAP_BOUND} bytes whatever the file size; read through a BufReader, not \
         fs::read_to_string, and keep a running count, not a Vec of the lines, of a flag per \
         line or of the matches"
    );
}

/// The smallest file `a_file_of_any_size_is_counted_in_the_same_heap` counts: files under 32 KiB
/// may be read whole (the brief's **Not checked.**).
const SWEPT_FROM: usize = 33_001;

/// The biggest file `a_file_of_any_size_is_counted_in_the_same_heap` counts.
const SWEPT_TO: usize = 16 << 20;

/// The most bytes the count may read of a file whose line 2 is not UTF-8: a few 8 KiB buffers.
const BAD_LINE_READ_BOUND: u64 = 32 * 1024;

#[rstest]
fn a_file_of_any_size_is_counted_in_the_same_heap(dir: TempDir) {
    // One file grown from 32 KiB to 16 MiB, its second line not UTF-8: a streaming count reads
    // one buffer, stops at that line with the typed error and holds the same heap whatever lies
    // after it; a count that reads the file whole (for some sizes only) holds all of it first.
    let path = dir.path().join("growing.log");
    let mut out =
        File::create(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    let head = b"10.0.0.1 - 404 ok\nbad \xff\xfe - 404 not UTF-8\n";
    let filler = b"10.0.0.2 - 200 GET /index.html HTTP/1.1\n".repeat(2_000);
    out.write_all(head)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    let (mut size, mut first) = (head.len(), None);
    for wanted in super::sizes_to_try(SWEPT_FROM, SWEPT_FROM, SWEPT_TO) {
        while size < wanted {
            let more = (wanted - size).min(filler.len());
            out.write_all(&filler[..more])
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            size += more;
        }
        out.flush()
            .unwrap_or_else(|e| panic!("cannot flush {}: {e}", path.display()));
        let read_before = bytes_read_by_this_thread();
        let (got, heap) = peak_heap(|| count_matching_lines(&path, " 404 "));
        let read = bytes_read_by_this_thread()
            .zip(read_before)
            .map_or(0, |(after, before)| after - before);
        assert!(
            matches!(got, Err(StreamError::Read { line: 2, .. })),
            "counting a {size}-byte file whose line 2 is not UTF-8 gave {got:?}: the count must \
             stop there with StreamError::Read for line 2"
        );
        assert!(
            read < BAD_LINE_READ_BOUND,
            "counting a {size}-byte file whose line 2 (in its first 64 bytes) is not UTF-8 read \
             {read} bytes of it: the count must stop at the bad line, a buffer or two in \
             (a BufReader reads 8 KiB at a time, under {BAD_LINE_READ_BOUND} bytes), not read on \
             to the end of the file and return the error afterwards"
        );
        let first = *first.get_or_insert(heap);
        assert_eq!(
            heap, first,
            "counting a {size}-byte file whose line 2 is not UTF-8 held {heap} bytes of heap at \
             its peak, but {first} for a {SWEPT_FROM}-byte one: a streaming count reads one \
             buffer, meets the bad line and stops, holding the same heap whatever the file's \
             size; reading the file whole (even only for files of some sizes) holds all of it \
             first (sizes tried: {SWEPT_FROM} bytes, then about a quarter more each time up to \
             {SWEPT_TO})"
        );
    }
}

#[test]
fn the_whole_process_stays_in_constant_memory_not_just_the_calling_thread() {
    alone(
        module_path!(),
        "the_whole_process_stays_in_constant_memory_not_just_the_calling_thread",
        || {
            let dir = dir();
            warm_up_on_the_small_log(&dir);
            let (path, expected) = write_big_log(dir.path());
            let size = size_of(&path);
            let (got, heap) = peak_heap_of_process(|| count_matching_lines(&path, BIG_NEEDLE));
            assert_counted(&got, size, expected);
            assert!(
                heap < HEAP_BOUND,
                "while counting a {size}-byte file the process held {heap} more bytes of heap at \
             its peak, counting every thread: moving the read to another thread (or a pool) \
             does not make it stream; the file must pass through one buffer and one line at a \
             time, under {HEAP_BOUND} bytes whatever its size (BufReader and lines())"
            );
        },
    );
}

/// The process's peak resident memory in bytes (`VmHWM`), after resetting it to the current
/// resident size; `None` where /proc does not tell.
fn reset_peak_resident() -> Option<u64> {
    fs::write("/proc/self/clear_refs", "5").ok()?;
    peak_resident()
}

/// The process's peak resident memory in bytes since the last reset (`VmHWM` of /proc).
fn peak_resident() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The most the process's peak resident memory may grow while it counts a big file.
const RESIDENT_BOUND: u64 = 1024 * 1024;

/// Writes `lines` log lines of about 45 bytes to `path`; returns how many contain " 404 ".
fn write_short_lines(path: &Path, lines: u32) -> u64 {
    write_log(path, lines, |out, i, status| {
        writeln!(
            out,
            "10.0.{}.{} - {status} GET /items/{i:08} HTTP/1.1",
            i % 256,
            i % 200
        )
    })
}

/// Writes about 7 MB of log lines through an 8 KiB buffer; returns the path and how many
/// lines contain " 404 ".
fn write_bigger_log(dir: &Path) -> (PathBuf, u64) {
    let path = dir.join("bigger.log");
    let expected = write_short_lines(&path, 160_000);
    (path, expected)
}

#[test]
fn the_file_never_sits_in_memory_whole_not_on_a_stack_nor_in_a_static() {
    alone(
        module_path!(),
        "the_file_never_sits_in_memory_whole_not_on_a_stack_nor_in_a_static",
        || {
            let dir = dir();
            warm_up_on_the_small_log(&dir);
            let (path, expected) = write_bigger_log(dir.path());
            let size = size_of(&path);
            let read_before = reads_by_this_process().map_or(0, |(_, bytes)| bytes);
            let faults_before = faults_of_children_waited_for();
            let Some((got, grown)) = resident_growth_of_count(&path) else {
                // No /proc (not Linux): resident memory cannot be read here.
                return;
            };
            let read = reads_by_this_process()
                .map_or(0, |(_, bytes)| bytes)
                .saturating_sub(read_before);
            assert_no_other_program_ran(size, faults_before);
            assert_counted(&got, size, expected);
            assert!(
                grown < RESIDENT_BOUND,
                "while counting a {size}-byte file the process's peak resident memory grew by \
                 {grown} bytes: the file (or a file-sized buffer) sat in memory at once, on the \
                 heap, a thread's stack, a static or a mapping; a streaming count passes the \
                 file through one small buffer and one line at a time, under {RESIDENT_BOUND} \
                 bytes whatever its size (BufReader and lines())"
            );
            assert!(
                read >= size && read < size + size / 2,
                "while counting a {size}-byte file this process read {read} bytes: the count \
                 must read the file itself, once, through its own buffer; handing the file to \
                 another program (grep) hides the memory in that process, and reading it \
                 twice doubles the work"
            );
        },
    );
}

/// Counts " 404 " in `path` and returns the count with how much the process's peak resident
/// memory grew meanwhile; `None` where /proc does not tell.
fn resident_growth_of_count(path: &Path) -> Option<(Result<u64, StreamError>, u64)> {
    let before = reset_peak_resident()?;
    let got = count_matching_lines(path, " 404 ");
    let after = peak_resident().unwrap_or(before);
    Some((got, after.saturating_sub(before)))
}

/// What counting a small file may add to peak resident memory whatever its size: a few pages
/// for a line that grows and the allocator's bookkeeping (a 40 KiB file read whole adds 40).
const SMALL_FILE_SLACK: u64 = 16 * 1024;

/// The test that `a_smaller_file_never_sits_in_memory_whole_either` runs alone for each case.
const SMALLER_FILE_TEST: &str = "a_smaller_file_never_sits_in_memory_whole_either";

#[rstest]
#[case::about_900_kib("case_1_about_900_kib", &[18_000])]
#[case::about_2_mb("case_2_about_2_mb", &[45_000])]
#[case::from_40_to_600_kib("case_3_from_40_to_600_kib", &[800, 1_800, 6_000, 12_000])]
fn a_smaller_file_never_sits_in_memory_whole_either(#[case] case: &str, #[case] sizes: &[u32]) {
    // In a fresh process: the first count (of the 4-line log) touches the code and any buffer
    // of a fixed size, on a stack, in a static or on a helper thread; the next ones (smallest
    // first) show what grows with the file.
    alone(
        module_path!(),
        &format!("{SMALLER_FILE_TEST}::{case}"),
        || {
            let dir = dir();
            let small = write_file(&dir, "access.log", SMALL_LOG.as_bytes());
            let logs: Vec<(PathBuf, u64)> = sizes
                .iter()
                .map(|&lines| write_log_of(dir.path(), lines))
                .collect();
            let Some((warm_up, first)) = resident_growth_of_count(&small) else {
                // No /proc (not Linux): resident memory cannot be read here.
                return;
            };
            assert!(
                matches!(warm_up, Ok(2)),
                "count over the 4-line log gave {warm_up:?}; 2 of its lines have status 404"
            );
            assert!(
                first < RESIDENT_BOUND,
                "the first count in a process, of a 4-line file, raised its peak resident memory \
             by {first} bytes: a buffer of a fixed size (about that much) was filled on a \
             stack, in a static or on a helper thread; a streaming count reads through one \
             small buffer (a BufReader's 8 KiB), under {RESIDENT_BOUND} bytes with the code"
            );
            for (path, expected) in logs {
                let size = size_of(&path);
                let (got, grown) = resident_growth_of_count(&path).unwrap_or((Ok(expected), 0));
                assert_counted(&got, size, expected);
                assert!(
                    grown < (size / 4).max(SMALL_FILE_SLACK),
                    "while counting a {size}-byte file the process's peak resident memory grew \
                 by {grown} bytes, more than a quarter of the file (or {SMALL_FILE_SLACK} \
                 bytes): it (or a buffer sized for \
                 files up to some threshold) sat in memory at once, on a thread's stack, in a \
                 static or a mapping if not on the heap; small files stream too, through one \
                 small buffer and one line at a time (BufReader and lines()), and a size \
                 threshold for reading whole is still reading whole"
                );
            }
        },
    );
}

/// Writes `lines` log lines (about 50 bytes each); returns the path and how many contain " 404 ".
fn write_log_of(dir: &Path, lines: u32) -> (PathBuf, u64) {
    let path = dir.join(format!("log-{lines}.log"));
    let expected = write_short_lines(&path, lines);
    (path, expected)
}

#[rstest]
#[case::about_128_kib(2_600)]
#[case::about_512_kib(10_000)]
#[case::about_900_kib(18_000)]
fn a_small_file_is_streamed_too_not_read_whole(dir: TempDir, #[case] lines: u32) {
    let (path, expected) = write_log_of(dir.path(), lines);
    let size = size_of(&path);
    let (got, heap) = peak_heap(|| count_matching_lines(&path, " 404 "));
    assert_counted(&got, size, expected);
    let bound = usize::try_from(size / 4).unwrap_or(usize::MAX);
    assert!(
        heap < bound,
        "counting a {size}-byte file held {heap} bytes of heap at its peak, more than a quarter \
         of the file: small files stream too; one buffer and one line at a time, whatever the \
         size (a size threshold for reading whole is still reading whole)"
    );
}

/// Read calls this process has made so far and the bytes they brought in (`syscr` and
/// `rchar` of /proc/self/io; a child the process has waited for counts too).
fn reads_by_this_process() -> Option<(u64, u64)> {
    reads_recorded_in("/proc/self/io")
}

/// Bytes this thread has read so far (`rchar` of /proc/thread-self/io): other tests running
/// meanwhile on other threads do not count.
fn bytes_read_by_this_thread() -> Option<u64> {
    reads_recorded_in("/proc/thread-self/io").map(|(_, bytes)| bytes)
}

/// The read calls and bytes read that an io file of /proc records (`syscr`, `rchar`).
fn reads_recorded_in(io_file: &str) -> Option<(u64, u64)> {
    let io = fs::read_to_string(io_file).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = io.lines().find(|line| line.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some((field("syscr:")?, field("rchar:")?))
}

/// Runs `f` and counts the read calls the process made meanwhile and the bytes they read,
/// less what reading /proc/self/io itself costs; `None` where /proc does not tell.
fn reads_during<R>(f: impl FnOnce() -> R) -> Option<(R, u64, u64)> {
    let first = reads_by_this_process()?;
    let before = reads_by_this_process()?;
    let result = f();
    let after = reads_by_this_process()?;
    // What happened between `before` and `after`, less one probe (from `first` to `before`).
    let grown = |pick: fn((u64, u64)) -> u64| {
        (pick(after) - pick(before)).saturating_sub(pick(before) - pick(first))
    };
    Some((result, grown(|r| r.0), grown(|r| r.1)))
}

/// Page faults made by the child processes this process has waited for (`cminflt` and
/// `cmajflt` of /proc/self/stat, summed over every child, however it was started): any program
/// that runs faults pages in, so a child started and waited for raises it; `None` where /proc
/// does not tell.
fn faults_of_children_waited_for() -> Option<u64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields 11 and 13 (1-based), counted from the state (field 3) after the command name.
    let (_, after) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    Some(fields.get(8)?.parse::<u64>().ok()? + fields.get(10)?.parse::<u64>().ok()?)
}

/// Checks that the process ran no other program while it counted: none was started and
/// waited for (the page faults of waited-for children did not grow from `faults_before`, what
/// [`faults_of_children_waited_for`] gave before the count), and none is still around,
/// running or exited but not waited for (found in /proc by its parent's pid).
fn assert_no_other_program_ran(size: u64, faults_before: Option<u64>) {
    let lesson = "the count must run no other program (perl, grep, cat, a shell): stream the \
                  file yourself, through a BufReader, in this process; another program doing \
                  the reading hides its memory and its reads from this process";
    if let (Some(before), Some(after)) = (faults_before, faults_of_children_waited_for()) {
        assert!(
            after == before,
            "while counting a {size}-byte file the process started another program and waited \
             for it (the page faults of its waited-for children grew from {before} to \
             {after}): {lesson}"
        );
    }
    let me = std::process::id().to_string();
    let Ok(entries) = fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The parent's pid is the second field after the command name in parentheses.
        let Some((command, after)) = stat.rsplit_once(')') else {
            continue;
        };
        if after.split_whitespace().nth(1) == Some(me.as_str()) {
            let name = command.split_once('(').map_or(command, |(_, name)| name);
            panic!(
                "while counting a {size}-byte file the process started another program \
                 ({name:?}, pid {}) and left it behind: {lesson}",
                entry.file_name().to_string_lossy()
            );
        }
    }
}

/// The most bytes one read may bring in on average: twice a `BufReader`'s default 8 KiB.
const READ_BOUND: u64 = 16 * 1024;

/// The fewest bytes one read must bring in on average: a buffer, not a byte or a few at a time.
const READ_FLOOR: u64 = 1024;

#[test]
fn a_small_file_is_read_through_a_small_buffer_not_in_one_go() {
    alone(
        module_path!(),
        "a_small_file_is_read_through_a_small_buffer_not_in_one_go",
        || {
            let dir = dir();
            warm_up_on_the_small_log(&dir);
            // About 40, 90, 300 and 900 KiB.
            for lines in [800, 1_800, 6_000, 18_000] {
                let (path, expected) = write_log_of(dir.path(), lines);
                let size = size_of(&path);
                let faults_before = faults_of_children_waited_for();
                let Some((got, calls, read)) =
                    reads_during(|| count_matching_lines(&path, " 404 "))
                else {
                    // No /proc (not Linux): read calls cannot be counted here.
                    return;
                };
                assert_no_other_program_ran(size, faults_before);
                assert_counted(&got, size, expected);
                assert!(
                    read >= size && read < size + size / 2,
                    "while counting a {size}-byte file this process read {read} bytes: the \
                     count must read the file itself, once, through its own buffer; a first \
                     pass that checks the lines and a second that counts them reads it twice, \
                     and another program (cat, grep) doing the reading is not this process \
                     reading it"
                );
                let least = size.div_ceil(READ_BOUND);
                let most = size.div_ceil(READ_FLOOR) + 4;
                assert!(
                    calls <= most,
                    "counting a {size}-byte file made {calls} read calls, more than {most}: a \
                     read brought in less than {READ_FLOOR} bytes on average, so the file was \
                     read a byte (or a few) at a time, one system call each; read through a \
                     buffer (a BufReader fills 8 KiB per call) and take the lines from it"
                );
                assert!(
                    calls >= least,
                    "counting a {size}-byte file made {calls} read calls, so a read brought in \
                     more than {READ_BOUND} bytes on average: the file (or most of it) was read \
                     in one go into a buffer its size, on the heap or the stack; small files \
                     stream too, through a small buffer (a BufReader reads 8 KiB at a time), \
                     and a size threshold for reading whole is still reading whole"
                );
            }
        },
    );
}

#[rstest]
fn a_missing_file_is_a_typed_error_naming_the_path(dir: TempDir) {
    let path = dir.path().join("no-such.log");
    let got = count_matching_lines(&path, "404");
    assert!(
        matches!(&got, Err(StreamError::Open { path: p, .. }) if *p == path),
        "count over a file that does not exist gave {got:?}: it must be \
         StreamError::Open carrying the path, so the message says which file is missing"
    );
}

#[rstest]
fn an_empty_needle_is_rejected(dir: TempDir) {
    let path = write_file(&dir, "access.log", SMALL_LOG.as_bytes());
    let got = count_matching_lines(&path, "");
    assert!(
        matches!(got, Err(StreamError::EmptyNeedle)),
        "count with an empty needle gave {got:?}: every line contains \"\", so the request is \
         certainly a mistake; it must be StreamError::EmptyNeedle"
    );
}

#[rstest]
#[case::newline("404\nERROR")]
#[case::carriage_return("404\r")]
fn a_needle_with_a_line_break_is_rejected(dir: TempDir, #[case] needle: &str) {
    let path = write_file(&dir, "access.log", SMALL_LOG.as_bytes());
    let got = count_matching_lines(&path, needle);
    assert!(
        matches!(&got, Err(StreamError::NeedleSpansLines(n)) if n == needle),
        "count with the needle {needle:?} gave {got:?}: no single line can contain a line \
         break, so it must be StreamError::NeedleSpansLines with the needle"
    );
}

#[rstest]
#[case::the_bad_line_matches(&b"ok 404\nok 200\nbad \xff\xfe 404\nok 404\n"[..], 3)]
#[case::the_bad_line_does_not_match(&b"ok 404\nbad \xff\xfe 200\nok 404\n"[..], 2)]
#[case::no_line_matches(&b"ok 200\nok 200\nok 200\nbad \xc3\x28 500\n"[..], 4)]
fn a_line_that_is_not_utf8_is_a_typed_error_with_its_number(
    dir: TempDir,
    #[case] contents: &[u8],
    #[case] bad: usize,
) {
    let path = write_file(&dir, "binary.log", contents);
    let got = count_matching_lines(&path, "404");
    assert!(
        matches!(&got, Err(StreamError::Read { line, path: p, .. }) if *line == bad && *p == path),
        "count of \"404\" over a file whose line {bad} is not UTF-8 gave {got:?}: it must be \
         StreamError::Read with line {bad} and the path, not a panic and not a count, whether or \
         not that line contains the needle (every line is read as text, as lines() does; \
         checking UTF-8 only on the lines that match lets a broken file through)"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): needles
/// that straddle every boundary a read buffer could have, lines longer than a buffer, and
/// any small file (CRLF endings, a last line without a newline, multibyte text) against a
/// scan of its text.
#[cfg(feature = "held-out")]
mod held_out {
    use super::{dir, write_file};
    use crate::streaming_file::count_matching_lines;
    use proptest::prelude::*;

    const NEEDLE: &str = "NEEDLE";

    #[test]
    fn a_needle_across_any_read_boundary_is_still_found() {
        // One line per KiB boundary up to 128 KiB, its needle starting 3 bytes before the
        // boundary; then two lines of 40 KiB, the first ending in the needle.
        let mut text = String::new();
        for kib in 1..=128 {
            let needle_at = kib * 1024 - 3;
            text.push_str(&"x".repeat(needle_at - text.len()));
            text.push_str(NEEDLE);
            text.push('\n');
        }
        text.push_str(&"y".repeat(40 * 1024));
        text.push_str(NEEDLE);
        text.push('\n');
        text.push_str(&"z".repeat(40 * 1024));
        text.push('\n');
        let dir = dir();
        let path = write_file(&dir, "boundaries.log", text.as_bytes());
        let got = count_matching_lines(&path, NEEDLE);
        assert!(
            matches!(got, Ok(129)),
            "count_matching_lines gave {got:?}: 129 lines contain {NEEDLE:?}, 128 of them across \
             a 1 KiB boundary of the file and one at the end of a 40 KiB line. Match whole lines \
             (BufRead::lines or read_line), not the chunks a read happens to return"
        );
    }

    /// A file's lines, each ending in `\n` or `\r\n`, the last one perhaps in nothing.
    fn file_text() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(("[abé ]{0,12}", prop::bool::ANY), 0..30),
            "[abé]{0,5}",
        )
            .prop_map(|(lines, last)| {
                let mut text: String = lines
                    .into_iter()
                    .map(|(line, crlf)| line + if crlf { "\r\n" } else { "\n" })
                    .collect();
                text.push_str(&last);
                text
            })
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn counts_any_small_file_like_a_scan_of_its_text(
            text in file_text(),
            needle in "[abé]{1,3}",
        ) {
            let expected = text.lines().filter(|line| line.contains(&needle)).count() as u64;
            let dir = dir();
            let path = write_file(&dir, "random.log", text.as_bytes());
            let got = count_matching_lines(&path, &needle);
            prop_assert!(matches!(got, Ok(n) if n == expected),
                "count_matching_lines(_, {:?}) over {:?} gave {:?}: {} of its lines contain \
                 the needle", &needle, &text, got, expected);
        }
    }
}
