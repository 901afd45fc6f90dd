//! Kata 5: replacing a file so that nobody ever sees half of it.

// The solution names tempfile and the stub does not: loaded here, before any path names it, so
// that the learner's first use does not recompile the whole test binary (docs/authoring.md,
// "Crates only the solution names").
extern crate tempfile as _;

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use rstest::rstest;

use super::{alone_in_a_child_process, contents, names_in, put, temp_dir};
use crate::atomic_write::{
    DiskSyncer, Syncer, WriteError, atomic_write, atomic_write_synced, atomic_write_with,
};

/// A public function that writes a file. A lesson they share is tested through each of them:
/// one written on its own, instead of calling the others, must keep it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// `atomic_write(path, bytes)`.
    Bytes,
    /// `atomic_write_with(path, fill)`, with the real syncer.
    With,
    /// `atomic_write_synced(path, syncer, fill)`, with a recording syncer.
    Synced,
}

impl Entry {
    fn name(self) -> &'static str {
        match self {
            Entry::Bytes => "atomic_write",
            Entry::With => "atomic_write_with",
            Entry::Synced => "atomic_write_synced",
        }
    }

    /// Writes `bytes` to `path` through this function.
    fn write(self, path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        match self {
            Entry::Bytes => atomic_write(path, bytes),
            _ => self.fill(path, |out| out.write_all(bytes)),
        }
    }

    /// Writes what `fill` writes to `path` through this function (not `atomic_write`).
    fn fill(
        self,
        path: &Path,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), WriteError> {
        match self {
            Entry::Bytes => unreachable!("test setup: atomic_write takes bytes, not a fill"),
            Entry::With => atomic_write_with(path, fill),
            Entry::Synced => atomic_write_synced(path, &mut Recorder::new(path), fill),
        }
    }
}

#[rstest]
fn creates_a_missing_file_with_the_new_content(
    #[values(Entry::Bytes, Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    let got = entry.write(&path, b"{\"port\": 8080}");
    assert!(got.is_ok(), "{} of a new file gave {got:?}", entry.name());
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
fn replaces_longer_old_content_completely(
    #[values(Entry::Bytes, Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(
        &path,
        "{\"port\": 8080, \"debug\": true, \"name\": \"a long old config\"}",
    );
    let got = entry.write(&path, b"{}");
    assert!(
        got.is_ok(),
        "{} over an existing file gave {got:?}",
        entry.name()
    );
    assert_eq!(
        contents(&path),
        "{}",
        "the new file replaces the old one whole: no tail of the longer old content remains"
    );
}

#[rstest]
fn the_target_keeps_its_old_content_while_the_new_one_is_written(
    #[values(Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let mut seen = String::new();
    let got = entry.fill(&path, |out| {
        out.write_all(b"new, first half")?;
        out.flush()?;
        seen = contents(&path);
        out.write_all(b", second half")
    });
    assert!(got.is_ok(), "{} gave {got:?}", entry.name());
    assert_eq!(
        seen, "old",
        "halfway through the write, a reader of the target saw {seen:?}: the new content \
         must go to a temp file, and the target change only at the rename"
    );
    assert_eq!(contents(&path), "new, first half, second half");
}

#[rstest]
fn a_reader_that_opened_the_old_file_still_reads_the_old_content_after_the_write(
    #[values(Entry::Bytes, Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old version, read by a reader that opened it first");
    let mut reader = File::open(&path).unwrap_or_else(|e| panic!("cannot open the target: {e}"));
    #[cfg(target_os = "linux")]
    let deletions = super::inotify::DirWatch::on(dir.path(), libc::IN_DELETE);
    let got = entry.write(&path, b"new");
    assert!(got.is_ok(), "{} gave {got:?}", entry.name());
    #[cfg(target_os = "linux")]
    assert_eq!(
        deletions.events(),
        0,
        "the kernel saw a name deleted from the directory during the write: the target was \
         removed before the rename, and for that moment a reader finds no file at all. \
         Rename the temp file over the target (NamedTempFile::persist): the rename replaces \
         it in one step"
    );
    let mut seen = String::new();
    reader
        .read_to_string(&mut seen)
        .unwrap_or_else(|e| panic!("the reader cannot read its open file: {e}"));
    assert_eq!(
        seen, "old version, read by a reader that opened it first",
        "a reader that opened the target before the write read {seen:?} from it afterwards: \
         the old file was rewritten in place (truncated, copied over), so a reader in the \
         middle sees the new bytes or a mix; rename the temp file over the target, which \
         swaps the name to the new file and leaves the old one whole for its readers"
    );
    assert_eq!(contents(&path), "new", "the name now gives the new content");
}

#[rstest]
fn a_new_file_does_not_appear_under_its_name_while_it_is_written(
    #[values(Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    let mut seen = None;
    let got = entry.fill(&path, |out| {
        out.write_all(b"new, first half")?;
        out.flush()?;
        seen = Some(std::fs::read_to_string(&path).ok());
        out.write_all(b", second half")
    });
    assert!(got.is_ok(), "{} of a new file gave {got:?}", entry.name());
    assert_eq!(
        seen,
        Some(None),
        "halfway through writing a file that did not exist yet, a reader found it under its \
         final name holding {seen:?}: a new file goes through a temp file and a rename too, \
         or a reader (or a crash) sees it half-written"
    );
    assert_eq!(contents(&path), "new, first half, second half");
}

#[rstest]
fn the_temp_file_sits_in_the_target_directory(#[values(Entry::With, Entry::Synced)] entry: Entry) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let (mut during, mut temp, mut unflushed) = (Vec::new(), Vec::new(), None);
    let temp_files = || {
        names_in(dir.path())
            .into_iter()
            .filter(|n| n != "config.json")
    };
    let got = entry.fill(&path, |out| {
        out.write_all(b"new, first half")?;
        out.flush()?;
        during = names_in(dir.path());
        temp = temp_files()
            .map(|name| contents(&dir.path().join(name)))
            .collect();
        // Then more than 64 KiB, 4 KiB at a time, and no flush.
        for _ in 0..=UNFLUSHED_BOUND / PIECE.len() {
            out.write_all(&PIECE)?;
        }
        unflushed = temp_files()
            .map(|name| fs::metadata(dir.path().join(name)).map_or(0, |meta| meta.len()))
            .next();
        out.write_all(b", second half")
    });
    assert!(got.is_ok(), "{} gave {got:?}", entry.name());
    assert_eq!(
        during.len(),
        2,
        "while writing, the target's directory held {during:?}: the temp file must be \
         created next to the target (same directory, so same filesystem, so the rename is \
         atomic), not in std::env::temp_dir()"
    );
    assert_eq!(
        temp,
        ["new, first half"],
        "fill had written and flushed \"new, first half\" when the temp file held {temp:?}: \
         fill must write straight into the temp file, so the new content streams to the disk \
         as it comes; collecting it in memory and copying it to the temp file afterwards \
         holds a file of any size in RAM (the article's RAM tsunami)"
    );
    let written = "new, first half".len() + (UNFLUSHED_BOUND / PIECE.len() + 1) * PIECE.len();
    assert!(
        unflushed.is_some_and(|len| len + UNFLUSHED_BOUND as u64 >= written as u64),
        "fill had written {written} bytes (the last {} of them without a flush) when the temp \
         file held {unflushed:?}: more than {} KiB of the new content was held in memory. A \
         buffer of up to 64 KiB between fill and the temp file is fine; a bigger one collects \
         the file in RAM, which streaming to the temp file is meant to avoid",
        written - "new, first half".len(),
        UNFLUSHED_BOUND / 1024
    );
    assert_eq!(
        contents(&path),
        format!(
            "new, first half{}, second half",
            "x".repeat(written - "new, first half".len())
        )
    );
}

/// The most of what `fill` wrote (without a flush) that may be missing from the temp file,
/// and the piece it writes at a time.
const UNFLUSHED_BOUND: usize = 64 * 1024;
static PIECE: [u8; 4 * 1024] = [b'x'; 4 * 1024];

#[rstest]
fn a_failing_writer_leaves_the_old_content_and_no_temp_file(
    #[values(Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old and complete");
    let got = entry.fill(&path, |out| {
        out.write_all(b"new but")?;
        Err(io::Error::other("disk full"))
    });
    assert!(
        matches!(got, Err(WriteError::Write(_))),
        "a fill that fails midway gave {got:?} from {}: it must be WriteError::Write",
        entry.name()
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
fn a_failing_writer_for_a_new_file_leaves_nothing(
    #[values(Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    let got = entry.fill(&path, |_| Err(io::Error::other("no data")));
    assert!(
        matches!(got, Err(WriteError::Write(_))),
        "{} gave {got:?}",
        entry.name()
    );
    assert!(
        names_in(dir.path()).is_empty(),
        "a failed write of a new file by {} left {:?}: neither the target nor a temp file may \
         exist",
        entry.name(),
        names_in(dir.path())
    );
}

#[rstest]
fn a_second_writer_during_the_first_uses_its_own_temp_file(
    #[values(Entry::Bytes, Entry::With, Entry::Synced)] second: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let mut inner = None;
    let outer = atomic_write_with(&path, |out| {
        out.write_all(b"outer")?;
        inner = Some(second.write(&path, b"inner"));
        Ok(())
    });
    let inner = inner.expect("fill ran");
    assert!(
        matches!((&outer, &inner), (Ok(()), Ok(()))),
        "two writes of one file (atomic_write_with, then {} while the first was filling its \
         temp file) gave {outer:?} and {inner:?}: both used the same temp file name, so the second clobbered \
         and renamed away the first one's temp file; let each write get a fresh, unique temp \
         file (NamedTempFile::new_in)",
        second.name()
    );
    assert_eq!(
        (contents(&path), names_in(dir.path())),
        ("outer".to_owned(), vec!["config.json".to_owned()]),
        "the write that finished last (the outer one) must win, and no temp file may be left"
    );
}

/// The error the test's seccomp filter gives an open that creates a file without `O_EXCL`.
#[cfg(target_os = "linux")]
const SHARED_CREATE_REFUSED: i32 = libc::ENOTUNIQ;

#[cfg(target_os = "linux")]
#[rstest]
fn the_temp_file_is_created_exclusively(
    #[values(Entry::Bytes, Entry::With, Entry::Synced)] entry: Entry,
) {
    use super::{Refused, refuse_for_this_thread};
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let bits = |flags: libc::c_int| u32::try_from(flags).expect("small flags");
    let (create, excl) = (bits(libc::O_CREAT), bits(libc::O_EXCL));
    // On a thread of its own, every open that may create a file but not exclusively (O_CREAT
    // without O_EXCL: File::create, OpenOptions::create) fails at once; other opens work.
    let got = super::on_a_thread_of_its_own(|| {
        let mut refused = vec![
            Refused::WithBitsWithout(libc::SYS_openat, 2, create, excl),
            Refused::Every(libc::SYS_openat2),
        ];
        #[cfg(target_arch = "x86_64")]
        refused.extend([
            Refused::WithBitsWithout(libc::SYS_open, 1, create, excl),
            Refused::Every(libc::SYS_creat),
        ]);
        refuse_for_this_thread(&refused, SHARED_CREATE_REFUSED);
        entry.write(&path, b"new")
    });
    assert!(
        got.is_ok() && contents(&path) == "new",
        "{} gave {got:?} (the file holds {:?}) on a thread where every open that \
         creates a file without O_EXCL fails with error {SHARED_CREATE_REFUSED}: it made one. \
         A temp file opened with File::create (or create(true)) under a name that is only \
         probably unique (from the clock, the pid, a counter) truncates and shares a file \
         another writer made under that name. Create it exclusively, as \
         NamedTempFile::new_in does (O_CREAT | O_EXCL, retrying another random name when one \
         exists)",
        entry.name(),
        contents(&path)
    );
}

/// A step the kernel refuses for the writing thread (a seccomp filter), and what it says.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy)]
enum Refuse {
    /// Every rename (`EXDEV`: the temp file on another device).
    Rename,
    /// Every exclusive create (`O_EXCL`: the temp file), `EACCES`; the target stays writable.
    TempCreate,
}

#[cfg(target_os = "linux")]
#[rstest]
fn a_refused_rename_or_temp_file_is_an_error_and_the_target_keeps_its_old_content(
    #[values(Refuse::Rename, Refuse::TempCreate)] refuse: Refuse,
    #[values(Entry::Bytes, Entry::With, Entry::Synced)] entry: Entry,
) {
    use super::{Refused, refuse_for_this_thread};
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let excl = u32::try_from(libc::O_EXCL).expect("small flags");
    let got = super::on_a_thread_of_its_own(|| {
        let (mut refused, errno) = match refuse {
            Refuse::Rename => (
                vec![
                    Refused::Every(libc::SYS_renameat),
                    Refused::Every(libc::SYS_renameat2),
                ],
                libc::EXDEV,
            ),
            Refuse::TempCreate => (
                vec![
                    Refused::WithBitsWithout(libc::SYS_openat, 2, excl, 0),
                    Refused::Every(libc::SYS_openat2),
                ],
                libc::EACCES,
            ),
        };
        #[cfg(target_arch = "x86_64")]
        refused.push(match refuse {
            Refuse::Rename => Refused::Every(libc::SYS_rename),
            Refuse::TempCreate => Refused::WithBitsWithout(libc::SYS_open, 1, excl, 0),
        });
        refuse_for_this_thread(&refused, errno);
        entry.write(&path, b"new")
    });
    let expected = match refuse {
        Refuse::Rename => matches!(got, Err(WriteError::Rename(_))),
        Refuse::TempCreate => matches!(got, Err(WriteError::Temp(_))),
    };
    assert!(
        expected && contents(&path) == "old",
        "{} gave {got:?} and left {:?} in the target when {refuse:?} was refused by the \
         kernel: the target changes only by the rename of a complete temp file. With no temp \
         file or no rename, return WriteError::Temp or WriteError::Rename and leave the old \
         content; copying over the target or rewriting it in place is the torn write this \
         kata replaces",
        entry.name(),
        contents(&path)
    );
}

/// One step a [`Recorder`] saw, with what was on the disk at that moment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// `sync_file` on a file of this many bytes, while the target held this text.
    SyncFile { len: u64, target: String },
    /// `sync_dir` on this directory, while the target held this text.
    SyncDir { dir: PathBuf, target: String },
}

/// A syncer that records each step and what the target holds then; it can be told to fail.
struct Recorder {
    target: PathBuf,
    steps: Vec<Step>,
    fail_file: bool,
    fail_dir: bool,
    panic_file: bool,
}

impl Recorder {
    fn new(target: &Path) -> Self {
        Self {
            target: target.to_owned(),
            steps: Vec::new(),
            fail_file: false,
            fail_dir: false,
            panic_file: false,
        }
    }

    fn target_text(&self) -> String {
        std::fs::read_to_string(&self.target).unwrap_or_else(|_| "<missing>".to_owned())
    }
}

impl Syncer for Recorder {
    fn sync_file(&mut self, file: &File) -> io::Result<()> {
        let len = file.metadata()?.len();
        let target = self.target_text();
        self.steps.push(Step::SyncFile { len, target });
        assert!(!self.panic_file, "the file sync crashed");
        if self.fail_file {
            return Err(io::Error::other("the disk refused the flush"));
        }
        Ok(())
    }

    fn sync_dir(&mut self, dir: &Path) -> io::Result<()> {
        let target = self.target_text();
        self.steps.push(Step::SyncDir {
            dir: dir.to_owned(),
            target,
        });
        if self.fail_dir {
            return Err(io::Error::other("the directory could not be flushed"));
        }
        Ok(())
    }
}

/// Where a write panics, before its rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PanicIn {
    Fill,
    FileSync,
    /// In the fill of `atomic_write_with` (with the real syncer).
    FillWith,
}

#[rstest]
#[case::in_fill(PanicIn::Fill)]
#[case::in_the_file_sync(PanicIn::FileSync)]
#[case::in_the_fill_of_atomic_write_with(PanicIn::FillWith)]
fn a_panic_before_the_rename_leaves_the_old_content_and_no_temp_file(#[case] at: PanicIn) {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let mut recorder = Recorder::new(&path);
    recorder.panic_file = at == PanicIn::FileSync;
    let got = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let fill = |out: &mut dyn Write| {
            out.write_all(b"half of the new")?;
            assert!(at == PanicIn::FileSync, "the writer crashed halfway");
            Ok(())
        };
        if at == PanicIn::FillWith {
            atomic_write_with(&path, fill)
        } else {
            atomic_write_synced(&path, &mut recorder, fill)
        }
    }));
    let crash = match at {
        PanicIn::Fill | PanicIn::FillWith => "the writer crashed halfway",
        PanicIn::FileSync => "the file sync crashed",
    };
    let payload = got.err().map(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
    });
    assert_eq!(
        payload,
        Some(Some(crash.to_owned())),
        "the panic in {at:?} must go on to the caller, unchanged"
    );
    assert_eq!(
        (contents(&path), names_in(dir.path())),
        ("old".to_owned(), vec!["config.json".to_owned()]),
        "a panic in {at:?} left a temp file behind: clean-up by hand on each error path misses \
         a panic (and a catch_unwind around fill alone misses one in sync_file); let an owner \
         (tempfile's NamedTempFile) delete the temp file in its Drop, which runs on every early \
         return and during unwinding too"
    );
}

#[rstest]
fn syncs_the_temp_file_before_the_rename_and_the_directory_after() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let mut recorder = Recorder::new(&path);
    let got = atomic_write_synced(&path, &mut recorder, |out| out.write_all(b"new content"));
    assert!(got.is_ok(), "atomic_write_synced gave {got:?}");
    assert_eq!(
        recorder.steps,
        [
            Step::SyncFile {
                len: 11,
                target: "old".to_owned()
            },
            Step::SyncDir {
                dir: dir.path().to_owned(),
                target: "new content".to_owned()
            },
        ],
        "the durable order is: write the temp file, sync_file on it (all 11 new bytes in it, \
         the target still old), rename, then sync_dir on the target's directory (the target \
         new). Without the first sync a power cut can leave the renamed file empty; without \
         the second it can forget the rename"
    );
}

#[rstest]
fn a_failed_file_sync_leaves_the_old_content_and_no_temp_file() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old and complete");
    let mut recorder = Recorder::new(&path);
    recorder.fail_file = true;
    let got = atomic_write_synced(&path, &mut recorder, |out| out.write_all(b"new"));
    assert!(
        matches!(got, Err(WriteError::Write(_))),
        "a sync_file that fails gave {got:?}: bytes that may not be on the disk must not be \
         renamed into place; it must be WriteError::Write"
    );
    assert_eq!(
        (contents(&path), names_in(dir.path())),
        (
            "old and complete".to_owned(),
            vec!["config.json".to_owned()]
        ),
        "after a failed sync the old content must be intact and the temp file gone"
    );
    assert!(
        !recorder
            .steps
            .iter()
            .any(|step| matches!(step, Step::SyncDir { .. })),
        "nothing was renamed, so there is no directory to sync: {:?}",
        recorder.steps
    );
}

#[rstest]
fn a_failed_rename_leaves_what_was_there_and_no_temp_file() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(
        &path.join("kept"),
        "a directory stands where the file would go",
    );
    let mut recorder = Recorder::new(&path);
    let got = atomic_write_synced(&path, &mut recorder, |out| out.write_all(b"new"));
    assert!(
        matches!(got, Err(WriteError::Rename(_))),
        "renaming a file over a directory fails, and the write gave {got:?}: it must be \
         WriteError::Rename"
    );
    assert_eq!(
        (names_in(dir.path()), names_in(&path), recorder.steps.len()),
        (vec!["config.json".to_owned()], vec!["kept".to_owned()], 1),
        "after a failed rename the temp file must be gone, what stood at the target intact, \
         and no directory synced (steps: {:?}): the clean-up must cover the rename step too, \
         as an owner's Drop does (NamedTempFile::persist hands the temp file back on failure)",
        recorder.steps
    );
}

#[rstest]
fn a_failed_directory_sync_is_reported_after_the_rename() {
    let dir = temp_dir();
    let path = dir.path().join("config.json");
    put(&path, "old");
    let mut recorder = Recorder::new(&path);
    recorder.fail_dir = true;
    let got = atomic_write_synced(&path, &mut recorder, |out| out.write_all(b"new"));
    assert!(
        matches!(got, Err(WriteError::DirSync(_))),
        "a sync_dir that fails gave {got:?}: the rename is not durable yet, so the caller \
         must hear it as WriteError::DirSync"
    );
    assert_eq!(
        contents(&path),
        "new",
        "the directory is synced after the rename, so the new content is already in place"
    );
}

#[rstest]
fn a_bare_file_name_is_written_in_the_working_directory_and_dot_is_synced() {
    let dir = temp_dir();
    let test = "a_bare_file_name_is_written_in_the_working_directory_and_dot_is_synced";
    // The child's working directory is this temp dir.
    if !alone_in_a_child_process(module_path!(), test, |child| {
        child.current_dir(dir.path());
    }) {
        assert_eq!(
            contents(&dir.path().join("config.json")),
            "new",
            "the bare name is relative to the working directory"
        );
        return;
    }
    let path = Path::new("config.json");
    let mut recorder = Recorder::new(path);
    let got = atomic_write_synced(path, &mut recorder, |out| out.write_all(b"new"));
    assert!(
        got.is_ok(),
        "atomic_write_synced(\"config.json\") gave {got:?}"
    );
    let synced: Vec<&Path> = recorder
        .steps
        .iter()
        .filter_map(|step| match step {
            Step::SyncDir { dir, .. } => Some(dir.as_path()),
            Step::SyncFile { .. } => None,
        })
        .collect();
    assert_eq!(
        synced,
        [Path::new(".")],
        "a bare file name has an empty parent: the directory that holds it is `.`"
    );
}

/// Paths that `open` accepts but `fsync` refuses (EINVAL): a device, and the files and
/// directories of `/proc`, which `stat` calls regular files and directories like any other.
#[cfg(target_os = "linux")]
#[rstest]
#[case::a_device("/dev/null", "/dev/null")]
#[case::procfs_which_stat_calls_a_file_and_a_directory("/proc/self/status", "/proc")]
fn the_disk_syncer_calls_fsync_on_the_file_and_the_directory(
    #[case] file: &str,
    #[case] dir: &str,
) {
    let temp = temp_dir();
    let path = temp.path().join("data.bin");
    put(&path, "data");
    let real_file = File::open(&path).expect("the file just written opens");
    let mut syncer = DiskSyncer;
    let real = (
        syncer.sync_file(&real_file).map_err(|e| e.kind()),
        syncer.sync_dir(temp.path()).map_err(|e| e.kind()),
    );
    assert_eq!(
        real,
        (Ok(()), Ok(())),
        "DiskSyncer must sync a real file and a real directory without error"
    );
    let unsyncable = File::open(file).unwrap_or_else(|e| panic!("{file} opens: {e}"));
    let refused = (
        syncer.sync_file(&unsyncable).map_err(|e| e.kind()),
        syncer.sync_dir(Path::new(dir)).map_err(|e| e.kind()),
    );
    assert_eq!(
        refused,
        (
            Err(io::ErrorKind::InvalidInput),
            Err(io::ErrorKind::InvalidInput)
        ),
        "the file {file} and the directory {dir} cannot be fsynced (the kernel answers \
         EINVAL), yet DiskSyncer said {refused:?}: it did not ask the kernel. sync_file must \
         call File::sync_all, and sync_dir must open the directory and call sync_all on it"
    );
}

/// The error the kernel gives the calling thread for every fsync and fdatasync once
/// [`make_fsync_fail`] ran: one that no real fsync of a local file gives.
#[cfg(target_os = "linux")]
const FSYNC_ERROR: i32 = libc::ENOTRECOVERABLE;

/// From now on, every `fsync` and `fdatasync` of the calling thread fails with
/// [`FSYNC_ERROR`] without reaching the disk (a seccomp filter; in a child process only).
#[cfg(target_os = "linux")]
fn make_fsync_fail() {
    use super::{Refused, refuse_for_this_thread};
    refuse_for_this_thread(
        &[
            Refused::Every(libc::SYS_fsync),
            Refused::Every(libc::SYS_fdatasync),
        ],
        FSYNC_ERROR,
    );
}

#[cfg(target_os = "linux")]
#[rstest]
fn the_disk_syncer_and_atomic_write_reach_fsync_for_a_real_file() {
    let test = "the_disk_syncer_and_atomic_write_reach_fsync_for_a_real_file";
    if !alone_in_a_child_process(module_path!(), test, |_| {}) {
        return;
    }
    let temp = temp_dir();
    let path = temp.path().join("config.json");
    put(&path, "old");
    let real_file = File::open(&path).expect("the file just written opens");
    make_fsync_fail();
    let mut syncer = DiskSyncer;
    let errno = |r: io::Result<()>| r.map_err(|e| e.raw_os_error());
    let synced = (
        errno(syncer.sync_file(&real_file)),
        errno(syncer.sync_dir(temp.path())),
    );
    let refused = |r: &Result<(), WriteError>| matches!(r, Err(WriteError::Write(e)) if e.raw_os_error() == Some(FSYNC_ERROR));
    let written = (
        atomic_write(&path, b"new"),
        atomic_write_with(&path, |out| out.write_all(b"newer")),
    );
    assert!(
        synced == (Err(Some(FSYNC_ERROR)), Err(Some(FSYNC_ERROR)))
            && refused(&written.0)
            && refused(&written.1)
            && contents(&path) == "old",
        "the test made every fsync and fdatasync of this thread fail (a seccomp filter \
         answering error {FSYNC_ERROR}); yet DiskSyncer's sync_file and sync_dir on a real \
         file and directory gave {synced:?}, and (atomic_write, atomic_write_with) gave \
         {written:?} (the file now holds {:?}). Each must come back with that error: \
         DiskSyncer must really call fsync (File::sync_all), not guess what the kernel would \
         say, and atomic_write and atomic_write_with must each sync through it before the \
         rename (then it is WriteError::Write and the old content stays); a streaming write is \
         no less in need of durability than a write of bytes",
        contents(&path)
    );
}

#[rstest]
#[case::root("/")]
#[case::dot_dot("sub/..")]
fn refuses_a_path_without_a_file_name(
    #[case] tail: &str,
    #[values(Entry::Bytes, Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = if tail == "/" {
        Path::new(tail).to_owned()
    } else {
        dir.path().join(tail)
    };
    let got = entry.write(&path, b"x");
    assert!(
        matches!(&got, Err(WriteError::NoFileName(p)) if *p == path),
        "{}({}) gave {got:?}: the path names no file, so it must be WriteError::NoFileName",
        entry.name(),
        path.display()
    );
}

#[rstest]
fn a_missing_directory_is_a_temp_error(
    #[values(Entry::Bytes, Entry::With, Entry::Synced)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("no-such-dir/config.json");
    let got = entry.write(&path, b"x");
    assert!(
        matches!(got, Err(WriteError::Temp(_))),
        "{} into a missing directory gave {got:?}: the temp file cannot be created, so it \
         must be WriteError::Temp",
        entry.name()
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
