//! Kata 9: appenders that take turns through an exclusive file lock.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use rstest::rstest;

use super::{contents, temp_dir};
use crate::appenders::{AppendError, append_record, try_append_record};

/// Set in a child process: the file to append to, and the worker's number.
const PATH_VAR: &str = "D18C_APPEND_PATH";
const WORKER_VAR: &str = "D18C_APPEND_WORKER";
/// Records per worker (thread or process).
const RECORDS: usize = 300;

/// Record `seq` of worker `id`: long enough that pieces of two records would be visible.
fn record(id: usize, seq: usize) -> String {
    format!("worker={id:02} seq={seq:05} {}", "#".repeat(120))
}

/// The two entry points: the record-integrity tests run over both (`try_append_record`
/// with the lock free must keep every rule `append_record` keeps).
#[derive(Debug, Clone, Copy)]
enum Entry {
    Append,
    TryAppend,
}

impl Entry {
    fn name(self) -> &'static str {
        match self {
            Entry::Append => "append_record",
            Entry::TryAppend => "try_append_record",
        }
    }

    fn call(self, path: &Path, line: &str) -> Result<(), AppendError> {
        match self {
            Entry::Append => append_record(path, line),
            Entry::TryAppend => try_append_record(path, line),
        }
    }
}

fn append_all(path: &Path, id: usize) {
    for seq in 0..RECORDS {
        if let Err(e) = append_record(path, &record(id, seq)) {
            panic!("worker {id}: append_record failed at record {seq}: {e}");
        }
    }
}

#[rstest]
fn appends_each_record_as_one_line() {
    // In a child process started by the test below, this test is the worker.
    if let (Ok(path), Ok(id)) = (std::env::var(PATH_VAR), std::env::var(WORKER_VAR)) {
        let id = id
            .parse()
            .unwrap_or_else(|e| panic!("bad worker id {id:?}: {e}"));
        append_all(Path::new(&path), id);
        return;
    }
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    for line in ["ID_9948,40.00", "ID_9949,12.50"] {
        let got = append_record(&path, line);
        assert!(got.is_ok(), "append_record({line:?}) gave {got:?}");
    }
    assert_eq!(
        contents(&path),
        "ID_9948,40.00\nID_9949,12.50\n",
        "each call appends the line and a newline, creating the file the first time"
    );
}

#[rstest]
#[case::newline("a\nb")]
#[case::carriage_return("a\rb")]
#[case::trailing_newline("a\n")]
fn refuses_a_record_with_a_line_break(
    #[case] line: &str,
    #[values(Entry::Append, Entry::TryAppend)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let got = entry.call(&path, line);
    let name = entry.name();
    assert!(
        matches!(got, Err(AppendError::LineBreak)),
        "{name}({line:?}) gave {got:?}: a line break would split the record, so it \
         must be AppendError::LineBreak"
    );
    assert!(
        !path.exists() || contents(&path).is_empty(),
        "nothing may be written"
    );
}

/// Opens `path` as a second, independent writer would.
fn other_handle(path: &Path) -> File {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()))
}

/// `try_append_record(path, line)`, called while the test holds a lock on `path`: on Linux
/// on a thread where every sleep (`nanosleep`, `clock_nanosleep`) fails at once (a seccomp
/// filter), so a call that naps and tries again before giving up fails the test.
fn try_append_while_held(path: &Path, line: &str) -> Result<(), AppendError> {
    #[cfg(target_os = "linux")]
    {
        use super::{Refused, refuse_for_this_thread};
        let got = thread::scope(|scope| {
            scope
                .spawn(|| {
                    refuse_for_this_thread(
                        &[
                            Refused::Every(libc::SYS_nanosleep),
                            Refused::Every(libc::SYS_clock_nanosleep),
                        ],
                        libc::EPERM,
                    );
                    try_append_record(path, line)
                })
                .join()
        });
        got.unwrap_or_else(|_| {
            panic!(
                "try_append_record, while another handle held the lock, tried to sleep (on a \
                 thread where every sleep fails at once, and it panicked): it naps and tries \
                 again before giving up. The call that never waits returns AppendError::Busy \
                 at once, after one File::try_lock; the caller decides whether to retry"
            )
        })
    }
    #[cfg(not(target_os = "linux"))]
    try_append_record(path, line)
}

#[rstest]
fn try_append_gives_up_while_another_writer_holds_the_lock() {
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let holder = other_handle(&path);
    holder
        .lock()
        .unwrap_or_else(|e| panic!("the test cannot take the lock: {e}"));
    let got = try_append_while_held(&path, "ID_1,1.00");
    assert!(
        matches!(got, Err(AppendError::Busy)),
        "try_append_record while another handle holds an exclusive lock on the file gave \
         {got:?}: it must take the lock on the data file itself (File::try_lock) and return \
         AppendError::Busy"
    );
    assert_eq!(contents(&path), "", "a busy try must write nothing");
    drop(holder);
    let got = try_append_record(&path, "ID_1,1.00");
    assert!(
        got.is_ok(),
        "once the lock is released, try_append_record gave {got:?}"
    );
    assert_eq!(contents(&path), "ID_1,1.00\n");
}

/// The error the test's seccomp filter gives a lock call that would wait.
#[cfg(target_os = "linux")]
const WAITING_LOCK_REFUSED: i32 = libc::EDEADLK;

#[cfg(target_os = "linux")]
#[rstest]
fn try_append_never_makes_a_lock_call_that_waits() {
    use super::{Refused, refuse_for_this_thread};
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let bits = |flags: libc::c_int| u32::try_from(flags).expect("small flags");
    // On a thread of its own, every lock call that would wait for the lock (flock without
    // LOCK_NB, fcntl F_SETLKW or F_OFD_SETLKW) fails at once; trying, and unlocking, work.
    let got = super::on_a_thread_of_its_own(|| {
        refuse_for_this_thread(
            &[
                Refused::WithoutBits(libc::SYS_flock, 1, bits(libc::LOCK_NB | libc::LOCK_UN)),
                Refused::WithArg(libc::SYS_fcntl, 1, bits(libc::F_SETLKW)),
                Refused::WithArg(libc::SYS_fcntl, 1, bits(libc::F_OFD_SETLKW)),
            ],
            WAITING_LOCK_REFUSED,
        );
        try_append_record(&path, "ID_1,1.00")
    });
    assert!(
        got.is_ok() && contents(&path) == "ID_1,1.00\n",
        "with the lock free, try_append_record gave {got:?} and the file holds {:?}, on a \
         thread where every lock call that waits (flock without LOCK_NB) fails with error \
         {WAITING_LOCK_REFUSED}: it made one. The call that never waits must never ask for the \
         lock the waiting way: take it with File::try_lock and write the record under that very \
         lock. Trying, letting go and then taking it with File::lock leaves a gap in which \
         another writer can take it, and then the call that never waits waits",
        contents(&path)
    );
}

#[cfg(target_os = "linux")]
#[rstest]
fn a_lock_call_that_fails_is_an_error_and_nothing_is_written(
    #[values(Entry::Append, Entry::TryAppend)] entry: Entry,
) {
    use super::{Refused, refuse_for_this_thread};
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let bits = |flags: libc::c_int| u32::try_from(flags).expect("small flags");
    // On a thread of its own, every call that takes a lock (flock with LOCK_EX or LOCK_SH,
    // fcntl F_SETLK(W) or F_OFD_SETLK(W)) fails with ENOLCK: a filesystem without locks.
    let got = super::on_a_thread_of_its_own(|| {
        let mut refused = vec![Refused::WithBitsWithout(
            libc::SYS_flock,
            1,
            bits(libc::LOCK_EX | libc::LOCK_SH),
            0,
        )];
        for command in [
            libc::F_SETLK,
            libc::F_SETLKW,
            libc::F_OFD_SETLK,
            libc::F_OFD_SETLKW,
        ] {
            refused.push(Refused::WithArg(libc::SYS_fcntl, 1, bits(command)));
        }
        refuse_for_this_thread(&refused, libc::ENOLCK);
        entry.call(&path, "ID_1,1.00")
    });
    let refused = matches!(&got, Err(AppendError::Io(e)) if e.raw_os_error() == Some(libc::ENOLCK));
    assert!(
        refused && !contents(&path).contains("ID_1"),
        "{} gave {got:?} and the file holds {:?} when the lock could not be taken (ENOLCK, \
         as on a filesystem without locks): a record appended without the lock can interleave \
         with another writer's. Return the lock's error as AppendError::Io and write nothing",
        entry.name(),
        contents(&path)
    );
}

#[rstest]
fn try_append_gives_up_while_a_reader_holds_a_shared_lock() {
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let reader = other_handle(&path);
    reader
        .lock_shared()
        .unwrap_or_else(|e| panic!("the test cannot take a shared lock: {e}"));
    let got = try_append_while_held(&path, "ID_1,1.00");
    assert!(
        matches!(got, Err(AppendError::Busy)),
        "try_append_record while another handle holds a shared lock gave {got:?}: a writer \
         needs the lock for itself (File::try_lock, exclusive), or two writers holding \
         shared locks interleave their records"
    );
    assert_eq!(contents(&path), "", "a busy try must write nothing");
}

#[rstest]
fn the_lock_is_released_when_append_returns(
    #[values(Entry::Append, Entry::TryAppend)] entry: Entry,
) {
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let got = entry.call(&path, "ID_1,1.00");
    assert!(got.is_ok(), "{} gave {got:?}", entry.name());
    let other = other_handle(&path);
    assert!(
        other.try_lock().is_ok() && contents(&path) == "ID_1,1.00\n",
        "after {} returned, another handle could not lock the file (or the file holds {:?}): \
         the lock must be released (unlock, or drop the File) before returning",
        entry.name(),
        contents(&path)
    );
}

/// Makes a named pipe at `path` and opens it for reading and writing (which never blocks),
/// its buffer one page, holding `room` bytes less than it can: the next write of more than
/// `room` bytes blocks until the test reads.
#[cfg(target_os = "linux")]
fn nearly_full_pipe(path: &Path, room: usize) -> File {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::AsRawFd;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL in a path");
    // SAFETY: `c_path` is a valid C string.
    let made = unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) };
    assert_eq!(made, 0, "cannot make a named pipe at {}", path.display());
    let pipe = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap_or_else(|e| panic!("cannot open the named pipe: {e}"));
    // SAFETY: plain fcntl calls on a descriptor the test owns.
    let size = unsafe {
        libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, 4096);
        libc::fcntl(pipe.as_raw_fd(), libc::F_GETPIPE_SZ)
    };
    let size = usize::try_from(size).expect("a pipe has a size");
    (&pipe)
        .write_all(&vec![b'.'; size - room])
        .unwrap_or_else(|e| panic!("cannot fill the named pipe: {e}"));
    // From now on the test's reads must not block: the writer may be done.
    // SAFETY: as above.
    unsafe {
        libc::fcntl(
            pipe.as_raw_fd(),
            libc::F_SETFL,
            libc::O_RDWR | libc::O_NONBLOCK,
        )
    };
    pipe
}

/// Reads what `pipe` holds until `finished` says the writer returned; gives the bytes read
/// and what the writer returned.
#[cfg(target_os = "linux")]
fn drain_until_done<T>(pipe: &File, finished: &mpsc::Receiver<T>) -> (Vec<u8>, T) {
    let mut bytes = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let done = finished.try_recv().ok();
        let mut chunk = [0_u8; 8192];
        while let Ok(n @ 1..) = (&*pipe).read(&mut chunk) {
            bytes.extend_from_slice(&chunk[..n]);
        }
        if let Some(done) = done {
            return (bytes, done);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "append_record never returned after the pipe was drained"
        );
        thread::yield_now();
    }
}

#[cfg(target_os = "linux")]
#[rstest]
fn the_lock_is_held_until_the_newline_is_written(
    #[values(Entry::Append, Entry::TryAppend)] entry: Entry,
) {
    const LINE: &str = "ID_3,3.00";
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    // Room for the record's text but not for its newline: a writer that writes them
    // separately blocks before the newline; one that writes both at once blocks before both.
    let pipe = nearly_full_pipe(&path, LINE.len());
    let (done, finished) = mpsc::channel();
    let (tid_tx, tid_rx) = mpsc::channel();
    let writer = {
        let path = path.clone();
        thread::spawn(move || {
            let _ = tid_tx.send(own_thread_id());
            let _ = done.send(entry.call(&path, LINE).map_err(|e| e.to_string()));
        })
    };
    let name = entry.name();
    let tid = tid_rx.recv_timeout(Duration::from_secs(10)).ok().flatten();
    let early = wait_until_asleep_or_done(tid.as_deref(), &finished);
    assert!(
        early.is_none(),
        "{name}({LINE:?}) to a pipe with room for {} bytes returned {early:?}: the \
         record is {} bytes with its newline, so it must wait for room",
        LINE.len(),
        LINE.len() + 1
    );
    // The writer is blocked in a write of its record: its lock must still be held.
    let free_while_writing = pipe.try_lock().is_ok();
    // The test's own descriptor has no O_APPEND: the writer's must.
    let flags = super::open_flags_of(&path);
    let (written, got) = drain_until_done(&pipe, &finished);
    let _ = writer.join();
    assert!(
        !free_while_writing,
        "while {name} was blocked writing its record, the file was not locked: it lets \
         the lock go before the record is complete (the text written, the newline not yet), \
         and another writer can slip in between. Hold the lock until the newline is written \
         (unlock, or drop the File, after the last byte)"
    );
    let octal: Vec<String> = flags.iter().map(|f| format!("{f:o}")).collect();
    assert!(
        flags.iter().any(|f| f & libc::O_APPEND != 0),
        "while {name} was blocked writing its record, no descriptor of the file had O_APPEND \
         (flags {octal:?}, octal, the test's own included): open the file in append mode \
         (OpenOptions::append), so that where the record goes is decided at each write, under \
         the lock; a seek to the end before locking is stale as soon as another writer appends"
    );
    assert_eq!(got, Ok(()), "{name} failed");
    assert!(
        written.ends_with(format!("{LINE}\n").as_bytes()),
        "{name} must write the line and its newline"
    );
}

#[rstest]
fn append_waits_while_another_writer_holds_the_lock() {
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let LockedWriter {
        holder,
        writer,
        finished,
        tid,
    } = writer_behind_a_held_lock(&path, Hold::Exclusive);
    // The writer either goes to sleep (waiting for the lock) or returns: see which.
    let early = wait_until_asleep_or_done(tid.as_deref(), &finished);
    assert!(
        early.is_none(),
        "append_record returned {early:?} while another writer held the lock: it must wait \
         for an exclusive lock (File::lock) before writing"
    );
    assert_eq!(
        contents(&path),
        "",
        "append_record wrote before it had the lock (another writer held it): take the lock \
         before the first byte"
    );
    // While it waits for the lock, append_record already holds the file open: see how.
    #[cfg(target_os = "linux")]
    {
        let flags = super::open_flags_of(&path);
        let octal: Vec<String> = flags.iter().map(|f| format!("{f:o}")).collect();
        assert!(
            flags.len() >= 2 && flags.iter().all(|f| f & libc::O_APPEND != 0),
            "while append_record waited for the lock, the file was open with flags {octal:?} \
             (octal, one per descriptor, the lock holder's included), one of them without \
             O_APPEND: open the file in append mode (OpenOptions::append), so that every write \
             goes to the end of the file as it is at that moment, even past a writer that \
             takes no lock; a seek to the end is stale as soon as that writer appends"
        );
    }
    (&holder)
        .write_all(b"ID_1,1.00\n")
        .unwrap_or_else(|e| panic!("the lock holder cannot write its record: {e}"));
    drop(holder);
    let got = finished
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("append_record never returned after the lock was freed: {e}"));
    let _ = writer.join();
    assert_eq!(got, Ok(()), "append_record failed after waiting");
    assert_eq!(
        contents(&path),
        "ID_1,1.00\nID_2,2.00\n",
        "the lock holder appended ID_1 while append_record waited for the lock: the waiting \
         record must come after it, not over it. Where a record goes must be decided under \
         the lock: open in append mode (OpenOptions::append), never seek to the end before \
         locking"
    );
}

#[rstest]
fn append_waits_while_a_reader_holds_a_shared_lock() {
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let LockedWriter {
        holder,
        writer,
        finished,
        tid,
    } = writer_behind_a_held_lock(&path, Hold::Shared);
    let early = wait_until_asleep_or_done(tid.as_deref(), &finished);
    assert!(
        early.is_none(),
        "append_record returned {early:?} while a reader held a shared lock on the file: a \
         writer needs the lock for itself (File::lock, exclusive); with shared locks two \
         appenders hold the lock together and exclude nobody"
    );
    assert_eq!(
        contents(&path),
        "",
        "append_record wrote while a reader held a shared lock: take the exclusive lock \
         (File::lock) before the first byte"
    );
    drop(holder);
    let got = finished
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("append_record never returned after the lock was freed: {e}"));
    let _ = writer.join();
    assert_eq!(got, Ok(()), "append_record failed after waiting");
    assert_eq!(contents(&path), "ID_2,2.00\n");
}

/// The number of the `flock` system call, and names for the calls a poller sleeps in.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const SYSCALLS: (u64, &[(u64, &str)]) = (
    73,
    &[
        (7, "poll"),
        (23, "select"),
        (24, "sched_yield"),
        (35, "nanosleep"),
        (202, "futex"),
        (230, "clock_nanosleep"),
        (270, "pselect6"),
        (271, "ppoll"),
    ],
);
#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
const SYSCALLS: (u64, &[(u64, &str)]) = (
    32,
    &[
        (72, "pselect6"),
        (73, "ppoll"),
        (98, "futex"),
        (101, "nanosleep"),
        (115, "clock_nanosleep"),
        (124, "sched_yield"),
    ],
);

/// The system call thread `tid` is blocked in, or `None` while it runs.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
fn blocked_in_syscall(tid: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/syscall")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[test]
fn a_waiting_append_is_blocked_in_the_lock_call_not_in_a_sleep() {
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let LockedWriter {
        holder,
        writer,
        finished,
        tid,
    } = writer_behind_a_held_lock(&path, Hold::Exclusive);
    let tid = tid.expect("Linux shows the thread in /proc");
    let early = wait_until_asleep_or_done(Some(&tid), &finished);
    assert!(
        early.is_none(),
        "append_record returned {early:?} while another writer held the lock: it must wait \
         for an exclusive lock (File::lock) before writing"
    );
    let (flock, names) = SYSCALLS;
    let mut seen = BTreeSet::new();
    // Only a wrong version waits for this deadline: a blocking lock is seen at the first look.
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    let in_lock = loop {
        match blocked_in_syscall(&tid) {
            Some(call) if call == flock => break true,
            Some(call) => {
                seen.insert(call);
            }
            None => {}
        }
        if std::time::Instant::now() > deadline {
            break false;
        }
        thread::yield_now();
    };
    drop(holder);
    let got = finished
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("append_record never returned after the lock was freed: {e}"));
    let _ = writer.join();
    let seen: Vec<String> = seen
        .iter()
        .map(
            |call| match names.iter().find(|(number, _)| number == call) {
                Some((_, name)) => (*name).to_owned(),
                None => format!("system call {call}"),
            },
        )
        .collect();
    assert!(
        in_lock,
        "while another writer held the lock, the waiting writer slept in {seen:?}, never in \
         flock: it polls (try_lock, sleep, try again) whatever its nap; block in File::lock, \
         which sleeps in the kernel until the lock is free and wakes at once"
    );
    assert_eq!(got, Ok(()), "append_record failed after waiting");
}

/// How many times thread `tid` gave up the CPU by itself (each sleep or wait counts one).
#[cfg(target_os = "linux")]
fn voluntary_switches(tid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/self/task/{tid}/status"))
        .expect("a live thread has a status file");
    status
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("status counts voluntary context switches")
}

#[cfg(target_os = "linux")]
#[test]
fn a_waiting_append_sleeps_in_the_lock_instead_of_polling() {
    let dir = temp_dir();
    let path = dir.path().join("sales.csv");
    let LockedWriter {
        holder,
        writer,
        finished,
        tid,
    } = writer_behind_a_held_lock(&path, Hold::Exclusive);
    let tid = tid.expect("Linux shows the thread in /proc");
    let early = wait_until_asleep_or_done(Some(&tid), &finished);
    assert!(
        early.is_none(),
        "append_record returned {early:?} while another writer held the lock: it must wait \
         for an exclusive lock (File::lock) before writing"
    );
    let before = voluntary_switches(&tid);
    // Not synchronisation: the window in which a polling writer would wake up again and again.
    let window = Duration::from_millis(200);
    thread::sleep(window);
    let woke = voluntary_switches(&tid) - before;
    drop(holder);
    let got = finished
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("append_record never returned after the lock was freed: {e}"));
    let _ = writer.join();
    assert!(
        woke <= 2,
        "the waiting writer woke up {woke} times in {} ms while the lock stayed taken: it \
         polls (try_lock, sleep, try again); block in File::lock, which sleeps until the \
         lock is free",
        window.as_millis()
    );
    assert_eq!(got, Ok(()), "append_record failed after waiting");
}

/// Another handle holding the lock on a file, and a writer thread appending to it meanwhile.
struct LockedWriter {
    /// The other writer's handle, locked: drop it to free the lock.
    holder: File,
    /// The thread calling `append_record`.
    writer: thread::JoinHandle<()>,
    /// What `append_record` returned, once it returns.
    finished: mpsc::Receiver<Result<(), String>>,
    /// The writer thread's kernel id, where `/proc` shows it.
    tid: Option<String>,
}

/// The kind of lock the other handle holds.
#[derive(Debug, Clone, Copy)]
enum Hold {
    /// Another writer's exclusive lock (`File::lock`).
    Exclusive,
    /// A reader's shared lock (`File::lock_shared`).
    Shared,
}

/// Locks `path` through another handle, then starts a thread that appends `ID_2,2.00` to it.
fn writer_behind_a_held_lock(path: &Path, hold: Hold) -> LockedWriter {
    let holder = other_handle(path);
    match hold {
        Hold::Exclusive => holder.lock(),
        Hold::Shared => holder.lock_shared(),
    }
    .unwrap_or_else(|e| panic!("the test cannot take the {hold:?} lock: {e}"));
    let (done, finished) = mpsc::channel();
    let (tid_tx, tid_rx) = mpsc::channel();
    let writer = {
        let path = path.to_path_buf();
        thread::spawn(move || {
            let _ = tid_tx.send(own_thread_id());
            let got = append_record(&path, "ID_2,2.00").map_err(|e| e.to_string());
            let _ = done.send(got);
        })
    };
    let tid = tid_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the writer thread starts");
    LockedWriter {
        holder,
        writer,
        finished,
        tid,
    }
}

/// The kernel's id of the calling thread, where `/proc` shows it (Linux).
fn own_thread_id() -> Option<String> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    Some(link.file_name()?.to_string_lossy().into_owned())
}

/// Waits until thread `tid` sleeps (blocked, for example on a file lock) and returns `None`,
/// or until it sends its result, which it returns. Without `/proc` (not Linux), gives the
/// thread 50 ms instead: code that does not wait usually returns within them.
fn wait_until_asleep_or_done<T>(tid: Option<&str>, finished: &mpsc::Receiver<T>) -> Option<T> {
    let Some(tid) = tid else {
        return finished.recv_timeout(Duration::from_millis(50)).ok();
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(result) = finished.try_recv() {
            return Some(result);
        }
        let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat"));
        let state = stat.ok().and_then(|stat| {
            let after_name = stat.rfind(')').map(|at| stat[at + 1..].to_owned())?;
            after_name.trim_start().chars().next()
        });
        match state {
            Some('S') => return None,
            // The thread is gone: its result is in the channel.
            None => return finished.recv_timeout(Duration::from_secs(10)).ok(),
            Some(_) => {}
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the writer neither waited nor returned within 10 s"
        );
        thread::yield_now();
    }
}

/// This test's name as the test harness sees it, to run it alone in a child process.
fn worker_test_name() -> String {
    let module = module_path!();
    let inside = module.split_once("::").map_or(module, |(_, rest)| rest);
    format!("{inside}::appends_each_record_as_one_line")
}

fn spawn_worker(path: &Path, id: usize) -> std::process::Child {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("no test binary path: {e}"));
    Command::new(exe)
        .args([
            worker_test_name().as_str(),
            "--exact",
            "--test-threads=1",
            "-q",
        ])
        .env(PATH_VAR, path)
        .env(WORKER_VAR, id.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start worker process {id}: {e}"))
}

#[rstest]
fn threads_and_processes_appending_together_leave_only_whole_lines() {
    let dir = temp_dir();
    let path: PathBuf = dir.path().join("sales.csv");
    let (processes, threads) = (2, 4);
    let children: Vec<_> = (0..processes).map(|id| spawn_worker(&path, id)).collect();
    thread::scope(|scope| {
        for id in processes..processes + threads {
            let path = &path;
            scope.spawn(move || append_all(path, id));
        }
    });
    for (id, mut child) in children.into_iter().enumerate() {
        let status = child
            .wait()
            .unwrap_or_else(|e| panic!("cannot wait for worker process {id}: {e}"));
        assert!(status.success(), "worker process {id} failed: {status}");
    }
    let text = contents(&path);
    let mut seen = BTreeSet::new();
    let mut broken = Vec::new();
    for line in text.lines() {
        let id_seq = line
            .strip_prefix("worker=")
            .and_then(|rest| Some((rest.get(..2)?.parse().ok()?, rest.get(7..12)?.parse().ok()?)));
        match id_seq {
            Some((id, seq)) if line == record(id, seq) && seen.insert((id, seq)) => {}
            _ => broken.push(line.chars().take(60).collect::<String>()),
        }
    }
    let expected = (processes + threads) * RECORDS;
    assert!(
        broken.is_empty() && seen.len() == expected,
        "{} workers appended {expected} records; the file holds {} whole records and {} \
         broken or repeated lines (first: {:?}): every record must be written while holding \
         an exclusive lock on the file",
        processes + threads,
        seen.len(),
        broken.len(),
        broken.first()
    );
}
