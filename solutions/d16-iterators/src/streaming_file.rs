//! # Kata 4: streaming a big file
//!
//! **Build** `count_matching_lines(path, needle)`: how many lines of a text file contain
//! `needle`, reading the file one line at a time.
//!
//! **Why.** `std::fs::read_to_string` on a log of tens of gigabytes asks for tens of
//! gigabytes of RAM; the kernel's out-of-memory killer ends the process, or the machine
//! swaps to a halt. Reading through a buffer keeps memory at the size of the buffer plus
//! the longest line, however large the file. (One endless line would still fill memory:
//! that file needs chunked reading, which is not this kata.)
//!
//! **Python → Rust.** Python's `for line in open(path)` streams because a file object is an
//! iterator over its lines. In Rust, wrap the [`std::fs::File`] in a
//! [`std::io::BufReader`]; [`std::io::BufRead`] gives `lines()`, an iterator of
//! `io::Result<String>`: each line can fail (unreadable disk, invalid UTF-8), and the
//! error names which line. Python's `sys.getsizeof` shows an object's size; Rust tests
//! measure heap use directly with a counting global allocator, which is what the tests of
//! this kata do.
//!
//! **The tests check.**
//! - counts on small files, including a last line without a newline, lines that hold the
//!   character U+FFFD (valid UTF-8: not a bad line) and an empty file. Checked by
//!   `counts_the_lines_that_contain_the_needle`,
//!   `counts_every_line_of_text_however_it_ends_and_whatever_it_holds`,
//!   `counts_nothing_in_an_empty_file`.
//! - a file of about 2 MB (140,000 short lines, six of every seven matching: nothing may be kept
//!   per line or per match, not even one bit: 17 KiB) is counted with less than 20 KiB of extra
//!   heap (a buffer of up to 16 KiB and one line), on the calling thread
//!   and in the whole process (every thread counts, measured in a test process of its own: a
//!   helper thread that reads the whole file is seen). Checked by
//!   `counts_a_2_megabyte_file_in_constant_memory`,
//!   `the_whole_process_stays_in_constant_memory_not_just_the_calling_thread`.
//! - on Linux, counting a file of about 7 MB raises the process's peak resident memory (`VmHWM`,
//!   heap, thread stacks, statics and mappings alike) by less than 1 MiB: the file never sits in
//!   memory whole; and the process itself reads the file's bytes once (`rchar` of
//!   `/proc/self/io` grows by at least the file size and less than 1.5 times it: no second pass,
//!   no other program such as `grep` doing the reading). Checked by
//!   `the_file_never_sits_in_memory_whole_not_on_a_stack_nor_in_a_static`.
//! - on Linux, smaller files never sit in memory whole either: in a process of its own, the first
//!   count (of a 4-line file) raises peak resident memory by less than 1 MiB (no fixed buffer of
//!   about that size on a stack, in a static or on a helper thread), and counting files of about
//!   40, 90, 300 and 600 KiB (smallest first), 900 KiB or 2 MB after it raises it by less than a
//!   quarter of the file (or 16 KiB): no size threshold below which a file is read whole, into a
//!   static or anywhere else. Checked by
//!   `a_smaller_file_never_sits_in_memory_whole_either`.
//! - small files stream too: files of about 128, 512 and 900 KiB are counted with less heap than a
//!   quarter of their size. Checked by `a_small_file_is_streamed_too_not_read_whole`.
//! - a file whose second line is not UTF-8 is counted (to `StreamError::Read` for line 2) with
//!   exactly the same heap whatever its size, from 33,001 bytes, then sizes about a quarter apart,
//!   up to 16 MiB: the count reads one buffer and stops at the bad line, never the whole file
//!   first, at any size; and on Linux the calling thread reads less than 32 KiB of each such file
//!   (`rchar` of `/proc/thread-self/io`): it does not read on to the end and return the error
//!   afterwards. Checked by `a_file_of_any_size_is_counted_in_the_same_heap`.
//! - on Linux, small files (about 40, 90, 300 and 900 KiB) go through a small buffer, on the heap
//!   or the stack alike: counting one makes at least one read call per 16 KiB of it (`syscr` of
//!   `/proc/self/io`, in a test process of its own), so no read brings in more than 16 KiB on
//!   average (a `BufReader` reads 8 KiB at a time); and at most one per KiB (plus 4), so the file
//!   is not read a byte at a time (`File::bytes()` without a buffer); and the process reads each
//!   file's bytes once (`rchar` grows by at least the file size and less than 1.5 times it: no
//!   validating first pass, at any size). Checked by
//!   `a_small_file_is_read_through_a_small_buffer_not_in_one_go`.
//! - on Linux, the count runs no other program (perl, grep, cat, a shell), streaming or not:
//!   while it counts the files of about 40 KiB to 7 MB above, the process starts no child process
//!   that it waits for (the page faults of its waited-for children, `cminflt` and `cmajflt` of
//!   `/proc/self/stat`, do not grow: any program that runs faults pages in, and a grandchild's
//!   waited-for parent is such a child), and it has no child process left, running or exited and
//!   not waited for (found in `/proc` by its parent's pid). Checked by
//!   `a_small_file_is_read_through_a_small_buffer_not_in_one_go`,
//!   `the_file_never_sits_in_memory_whole_not_on_a_stack_nor_in_a_static`.
//! - typed errors: a missing file (with its path), an empty needle, a needle that spans lines, a
//!   line that is not UTF-8 (with its 1-based number, whether or not it contains the needle,
//!   also in a file where no line matches). Checked by
//!   `a_missing_file_is_a_typed_error_naming_the_path`, `an_empty_needle_is_rejected`,
//!   `a_needle_with_a_line_break_is_rejected`,
//!   `a_line_that_is_not_utf8_is_a_typed_error_with_its_number`.
//!
//! **Not checked.** Resident memory, bytes read and read calls where `/proc` cannot be read (not
//! Linux): there only the heap is measured. A file under 32 KiB read whole: two read calls
//! either way, and a `BufReader`'s own buffer is 8 KiB, so it is a small constant buffer too. Reading in batches of a few hundred lines: memory stays bounded by
//! the batch, not the file, so it is not a violation the tests could tell from one line at a time.
//! Reading on past a bad line on another thread than the caller's: only the calling thread's
//! reads are counted for a file with a bad line.
//! A child process the kernel reaps unwaited (`SIGCHLD` ignored): its page faults are not added to
//! this process; the `rchar` checks still ask the process to read each file's bytes itself.
//! A shortcut switched on only at file sizes the tests do not try: the heap is compared over files
//! of 33,001 bytes and sizes about a quarter apart up to 16 MiB (33,002, 41,253, 51,567, …), and
//! measured once over files of about 128, 512 and 900 KiB and 2 MB.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Why a file could not be counted.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The needle is empty: every line would match, which is never what was meant.
    #[error("the needle is empty: every line would match")]
    EmptyNeedle,
    /// The needle contains a line break, so no single line can contain it.
    #[error("the needle {0:?} contains a line break: no single line can contain it")]
    NeedleSpansLines(String),
    /// The file could not be opened.
    #[error("cannot open {path}: {source}", path = .path.display())]
    Open {
        /// The file asked for.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A line could not be read (an I/O error, or text that is not UTF-8).
    #[error("cannot read line {line} of {path}: {source}", path = .path.display())]
    Read {
        /// The file being read.
        path: PathBuf,
        /// The 1-based number of the line that failed.
        line: usize,
        /// What went wrong.
        source: io::Error,
    },
}

/// The number of lines of the file at `path` that contain `needle`, read line by line.
pub fn count_matching_lines(path: &Path, needle: &str) -> Result<u64, StreamError> {
    if needle.is_empty() {
        return Err(StreamError::EmptyNeedle);
    }
    if needle.contains(['\n', '\r']) {
        return Err(StreamError::NeedleSpansLines(needle.to_owned()));
    }
    let file = File::open(path).map_err(|source| StreamError::Open {
        path: path.to_owned(),
        source,
    })?;
    BufReader::new(file)
        .lines()
        .enumerate()
        .try_fold(0, |count, (index, line)| {
            let line = line.map_err(|source| StreamError::Read {
                path: path.to_owned(),
                line: index + 1,
                source,
            })?;
            Ok(count + u64::from(line.contains(needle)))
        })
}
