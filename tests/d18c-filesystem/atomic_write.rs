//! Kata 5: replacing a file so that nobody ever sees half of it.

// The solution names tempfile and the stub does not: loaded here, before any path names it, so
// that the learner's first use does not recompile the whole test binary (docs/authoring.md,
// "Crates only the solution names").
extern crate tempfile as _;

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use rstest::rstest;

use super::{contents, names_in, put, temp_dir};
use crate::atomic_write::{WriteError, atomic_write, atomic_write_with};

#[rstest]
fn creates_a_missing_file_with_the_new_content() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    let got = atomic_write(&path, b"{\"port\": 8080}");
    assert!(got.is_ok(), "atomic_write of a new file gave {got:?}");
    assert_eq!(
        contents(&path),
        "{\"port\": 8080}",
        "after Ok(()) the file holds exactly the new bytes"
    );
    assert_eq!(
        names_in(dir.path()),
        ["config.json"],
        "after a successful write only the target is left in the directory"
    );
}

#[rstest]
fn replaces_longer_old_content_completely() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(
        &path,
        "{\"port\": 8080, \"debug\": true, \"name\": \"a long old config\"}",
    );
    let got = atomic_write(&path, b"{}");
    assert!(
        got.is_ok(),
        "atomic_write over an existing file gave {got:?}"
    );
    assert_eq!(
        contents(&path),
        "{}",
        "the new file replaces the old one whole: no tail of the longer old content remains"
    );
}

#[rstest]
fn the_target_keeps_its_old_content_while_the_new_one_is_written() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let mut seen = String::new();
    let got = atomic_write_with(&path, |out| {
        out.write_all(b"new, first half")?;
        out.flush()?;
        seen = contents(&path);
        out.write_all(b", second half")
    });
    assert!(got.is_ok(), "atomic_write_with gave {got:?}");
    assert_eq!(
        seen, "old",
        "halfway through the write, a reader of the target saw {seen:?}: the new content \
         must go to a temp file, and the target change only at the rename"
    );
    assert_eq!(contents(&path), "new, first half, second half");
}

#[rstest]
fn the_temp_file_sits_in_the_target_directory() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let mut during = Vec::new();
    let got = atomic_write_with(&path, |out| {
        during = names_in(dir.path());
        out.write_all(b"new")
    });
    assert!(got.is_ok(), "atomic_write_with gave {got:?}");
    assert_eq!(
        during.len(),
        2,
        "while writing, the target's directory held {during:?}: the temp file must be \
         created next to the target (same directory, so same filesystem, so the rename is \
         atomic), not in std::env::temp_dir()"
    );
}

#[rstest]
fn a_failing_writer_leaves_the_old_content_and_no_temp_file() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old and complete");
    let got = atomic_write_with(&path, |out| {
        out.write_all(b"new but")?;
        Err(io::Error::other("disk full"))
    });
    assert!(
        matches!(got, Err(WriteError::Write(_))),
        "a fill that fails midway gave {got:?}: it must be WriteError::Write"
    );
    assert_eq!(
        contents(&path),
        "old and complete",
        "after a failed write the old content must be intact"
    );
    assert_eq!(
        names_in(dir.path()),
        ["config.json"],
        "after a failed write no temp file may be left behind"
    );
}

#[rstest]
fn a_failing_writer_for_a_new_file_leaves_nothing() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    let got = atomic_write_with(&path, |_| Err(io::Error::other("no data")));
    assert!(matches!(got, Err(WriteError::Write(_))), "gave {got:?}");
    assert!(
        names_in(dir.path()).is_empty(),
        "a failed write of a new file left {:?}: neither the target nor a temp file may exist",
        names_in(dir.path())
    );
}

#[rstest]
#[case::root("/")]
#[case::dot_dot("sub/..")]
fn refuses_a_path_without_a_file_name(#[case] tail: &str) {
    let dir = temp_dir();
    let path = if tail == "/" {
        Path::new(tail).to_owned()
    } else {
        dir.path().join(tail)
    };
    let got = atomic_write(&path, b"x");
    assert!(
        matches!(&got, Err(WriteError::NoFileName(p)) if *p == path),
        "atomic_write({}) gave {got:?}: the path names no file, so it must be \
         WriteError::NoFileName",
        path.display()
    );
}

#[rstest]
fn a_missing_directory_is_a_temp_error() {
    let dir = temp_dir();
    let path = dir.path().join("no-such-dir/config.json");
    let got = atomic_write(&path, b"x");
    assert!(
        matches!(got, Err(WriteError::Temp(_))),
        "atomic_write into a missing directory gave {got:?}: the temp file cannot be \
         created, so it must be WriteError::Temp"
    );
}

/// Version `i` of the file: a header, a large body and a footer that repeats the number.
fn version(i: usize) -> String {
    format!("version {i:04}\n{}\nend {i:04}\n", "x".repeat(16 * 1024))
}

/// Whether `text` is one complete version.
fn is_complete(text: &str) -> bool {
    text.get(8..12)
        .and_then(|n| n.parse::<usize>().ok())
        .is_some_and(|i| text == version(i))
}

/// Sets the flag when dropped, so the reader stops even if the writer panics.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[rstest]
fn a_reader_polling_during_many_rewrites_sees_only_complete_versions() {
    let dir = temp_dir();
    let path = dir.path().join("state.txt");
    put(&path, version(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (started, ready) = mpsc::channel();
    let reader = {
        let (path, stop) = (path.clone(), Arc::clone(&stop));
        thread::spawn(move || {
            let mut reads = 0_usize;
            let mut torn = Vec::new();
            while reads == 0 || !stop.load(Ordering::SeqCst) {
                let text = contents(&path);
                if !is_complete(&text) {
                    torn.push(text.len());
                }
                reads += 1;
                if reads == 1 {
                    let _ = started.send(());
                }
            }
            (reads, torn)
        })
    };
    let stop_guard = StopOnDrop(Arc::clone(&stop));
    ready
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("the reader thread never started: {e}"));
    for i in 1..=40 {
        let got = atomic_write(&path, version(i).as_bytes());
        assert!(got.is_ok(), "rewrite {i} gave {got:?}");
    }
    drop(stop_guard);
    let (reads, torn) = reader
        .join()
        .unwrap_or_else(|_| panic!("the reader thread panicked"));
    assert!(
        torn.is_empty(),
        "a reader polling during 40 rewrites read the file {reads} times and saw {} \
         incomplete versions (sizes {torn:?}): with write-temp-then-rename a reader opens \
         either the old file or the new one, never a truncated one",
        torn.len()
    );
    assert_eq!(contents(&path), version(40), "the last version must win");
}
