//! Kata 5: a `Descriptor` guard over a raw file descriptor, and more files than the
//! descriptor limit.
//!
//! The limit tests lower `RLIMIT_NOFILE`, which is process-wide: `cargo test` runs tests
//! as threads of one process, so each of them re-runs this test binary as a child process
//! (only that test, `--exact`) and lowers the limit there. The parent only checks that
//! the child passed.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;

use rstest::rstest;

use crate::descriptor_limit::{Descriptor, FdError, total_bytes};

/// Set in the child process to the name of the test it must run.
const CHILD_ENV: &str = "D17_DESCRIPTOR_LIMIT_CHILD";

/// The soft `RLIMIT_NOFILE` the child lowers itself to.
const LOWERED_LIMIT: u64 = 32;

/// Runs `body` in a child process whose soft descriptor limit is `LOWERED_LIMIT`. In the
/// parent, re-runs the test named `test` in a child and asserts that it passed.
fn with_lowered_limit(test: &str, body: impl FnOnce(u64)) {
    if std::env::var(CHILD_ENV).as_deref() == Ok(test) {
        body(lower_soft_limit(LOWERED_LIMIT));
        return;
    }
    let module = module_path!()
        .split_once("::")
        .map_or(module_path!(), |(_crate, path)| path);
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    let out = Command::new(exe)
        .args([
            "--exact",
            &format!("{module}::{test}"),
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD_ENV, test)
        .output()
        .expect("the test binary can run itself");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the child process that ran {test} with a descriptor limit of {LOWERED_LIMIT} \
         failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Lowers this process's soft `RLIMIT_NOFILE` to `limit` (never raises it); returns the
/// soft limit now in force.
fn lower_soft_limit(limit: u64) -> u64 {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `rl` is a valid, writable rlimit.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) };
    assert_eq!(got, 0, "getrlimit(RLIMIT_NOFILE) failed");
    rl.rlim_cur = rl.rlim_cur.min(limit);
    // SAFETY: `rl` is a valid rlimit whose soft limit does not exceed its hard limit.
    let set = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &rl) };
    assert_eq!(set, 0, "setrlimit(RLIMIT_NOFILE) failed");
    rl.rlim_cur
}

/// `count` files in `dir`, file `i` holding `i + 1` bytes.
fn make_files(dir: &Path, count: usize) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let path = dir.join(format!("part-{i:04}.log"));
            std::fs::write(&path, vec![b'x'; i + 1]).expect("the temp dir is writable");
            path
        })
        .collect()
}

/// Whether `fd` is an open descriptor of this process.
fn is_open(fd: i32) -> bool {
    // SAFETY: F_GETFD only queries the descriptor table; any number is allowed.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

#[test]
fn reads_a_file_through_a_descriptor() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("data.txt");
    std::fs::write(&path, "the first line\nthe second line\n").expect("writable");
    let got = Descriptor::open(&path).and_then(|mut fd| fd.read_all());
    assert_eq!(
        got.ok().as_deref(),
        Some(&b"the first line\nthe second line\n"[..]),
        "Descriptor::open then read_all must return the whole file"
    );
}

/// Makes a named pipe (FIFO) at `path`; returns the path.
fn make_fifo(path: &Path) -> PathBuf {
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("no NUL");
    // SAFETY: `c_path` is a valid C string.
    assert_eq!(
        unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) },
        0,
        "mkfifo failed"
    );
    path.to_owned()
}

/// Makes a FIFO, starts a thread that opens it for writing and hands the open end to
/// `feed`, and reads the FIFO with `Descriptor::open` then `read_all`: the bytes read, or
/// the error as text.
fn read_a_fifo_fed_by(
    feed: impl FnOnce(std::fs::File) -> std::io::Result<()> + Send + 'static,
) -> Result<Vec<u8>, String> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let fifo = make_fifo(&dir.path().join("stream"));
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || feed(std::fs::OpenOptions::new().write(true).open(&fifo)?))
    };
    let got = Descriptor::open(&fifo).and_then(|mut fd| fd.read_all());
    if got.is_ok() {
        // The descriptor is closed by now: the writer has finished or got EPIPE.
        let _ = writer.join();
    }
    got.map_err(|e| e.to_string())
}

#[test]
fn read_all_reads_until_the_end_not_once() {
    const SIZE: usize = 1 << 20;
    // A pipe holds at most 64 KiB: the writer hands over 1 MiB in many pieces, so no single
    // read can return it all, however large its buffer.
    let got = read_a_fifo_fed_by(|mut out| {
        use std::io::Write;
        out.write_all(&vec![b'x'; SIZE])
    });
    let len = got.as_ref().map(Vec::len);
    assert_eq!(
        len,
        Ok(SIZE),
        "read_all returned {len:?} bytes of a 1 MiB stream: one read returns what is \
         available, not the whole file; call read until it returns 0"
    );
}

/// The writer sends each piece only once the reader has taken everything before it (the
/// pipe's `FIONREAD` count is back to 0), so each `read` returns one piece, a short read
/// that is not the end (Linux: a pipe's write end answers `FIONREAD`).
#[cfg(target_os = "linux")]
#[test]
fn read_all_keeps_reading_after_a_short_read() {
    const PIECES: [(u8, usize); 4] = [(b'a', 3), (b'b', 5000), (b'c', 1), (b'd', 70)];
    let got = read_a_fifo_fed_by(|mut out| {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        for (byte, len) in PIECES {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            loop {
                let mut unread: libc::c_int = 0;
                // SAFETY: FIONREAD writes one c_int to `unread`, which outlives the call.
                let ok = unsafe { libc::ioctl(out.as_raw_fd(), libc::FIONREAD, &mut unread) };
                if ok != 0 || unread == 0 || std::time::Instant::now() > deadline {
                    break;
                }
                std::thread::yield_now();
            }
            out.write_all(&vec![byte; len])?;
        }
        Ok(())
    });
    let expected: Vec<u8> = PIECES
        .iter()
        .flat_map(|&(byte, len)| std::iter::repeat_n(byte, len))
        .collect();
    let len = got.as_ref().map(Vec::len);
    assert!(
        got.as_ref() == Ok(&expected),
        "read_all returned {len:?} bytes of a stream of {} sent in pieces of 3, 5000, 1 and \
         70 bytes (each sent once the one before was read): a read that returns fewer bytes \
         than the buffer holds is not the end of the file (a pipe or a socket returns what \
         has arrived so far); only a read that returns 0 is",
        expected.len()
    );
}

/// Takes the file at `path` away after it was opened.
fn remove_it(path: &Path) {
    std::fs::remove_file(path).expect("the file can be removed");
}

/// Puts another file with other content at `path` after the first was opened.
fn replace_it(path: &Path) {
    let other = path.with_extension("new");
    std::fs::write(&other, "another file that now has the name").expect("writable");
    std::fs::rename(&other, path).expect("the new file can take the name");
}

#[rstest]
#[case::removed_after_open(remove_it)]
#[case::replaced_after_open(replace_it)]
fn read_all_reads_the_open_file_not_whatever_has_its_name_now(#[case] change: fn(&Path)) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("data.txt");
    std::fs::write(&path, "the content of the opened file").expect("writable");
    let mut fd = Descriptor::open(&path).expect("the file exists");
    change(&path);
    let got = fd.read_all().map_err(|e| e.to_string());
    assert_eq!(
        got.as_deref().map(String::from_utf8_lossy),
        Ok("the content of the opened file".into()),
        "the file was opened, then its name was removed or given to another file: read_all \
         must read through the guard's own descriptor (libc::read on it), which still holds \
         the opened file; reading by path again opens whatever has the name now"
    );
}

#[test]
fn total_bytes_adds_up_the_sizes() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let paths = make_files(dir.path(), 4);
    let got = total_bytes(&paths).ok();
    assert_eq!(
        got,
        Some(1 + 2 + 3 + 4),
        "total_bytes of files of 1..=4 bytes"
    );
}

/// `/proc` files report a size of 0 to `stat` but read as their content (Linux only).
#[cfg(target_os = "linux")]
#[test]
fn total_bytes_counts_the_bytes_read_not_the_size_stat_reports() {
    let path = PathBuf::from("/proc/self/cmdline");
    let content = std::fs::read(&path).expect("Linux has /proc/self/cmdline");
    let stat_size = std::fs::metadata(&path).map(|m| m.len()).ok();
    let got = total_bytes(std::slice::from_ref(&path)).ok();
    assert_eq!(
        (got, stat_size),
        (Some(content.len() as u64), Some(0)),
        "total_bytes of /proc/self/cmdline ({} bytes of content, size 0 for stat) must \
         open it through a Descriptor and count what read_all reads: metadata().len() is \
         the size the file system claims, not the bytes, and opens no descriptor",
        content.len()
    );
}

#[test]
fn total_bytes_of_no_files_is_zero() {
    let got = total_bytes(&[]).ok();
    assert_eq!(got, Some(0), "no files hold no bytes");
}

#[test]
fn an_empty_file_reads_as_nothing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("empty");
    std::fs::write(&path, "").expect("writable");
    let got = Descriptor::open(&path)
        .and_then(|mut fd| fd.read_all())
        .ok();
    assert_eq!(got, Some(Vec::new()), "an empty file reads as zero bytes");
}

#[test]
fn a_missing_file_is_an_open_error_with_the_path() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("missing.log");
    let got = Descriptor::open(&path).map(|fd| fd.raw());
    assert!(
        matches!(&got, Err(FdError::Open { path: p, source }) if *p == path && source.kind() == ErrorKind::NotFound),
        "opening a missing file gave {got:?}: it must be FdError::Open with the path and \
         the OS error (ErrorKind::NotFound)"
    );
}

#[test]
fn a_path_with_a_nul_byte_is_rejected() {
    let path = PathBuf::from("bad\0name");
    let got = Descriptor::open(&path).map(|fd| fd.raw());
    assert!(
        matches!(&got, Err(FdError::NulInPath(p)) if *p == path),
        "a path with a NUL byte cannot be passed to the OS: got {got:?}, expected \
         FdError::NulInPath"
    );
}

#[test]
fn reading_a_directory_is_a_read_error() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let got = Descriptor::open(dir.path()).and_then(|mut fd| fd.read_all());
    assert!(
        matches!(&got, Err(FdError::Read { path, source })
            if path == dir.path() && source.raw_os_error() == Some(libc::EISDIR)),
        "a directory opens read-only but cannot be read: read_all must return FdError::Read \
         with the path and the OS error (EISDIR), got {got:?}"
    );
}

#[test]
fn descriptors_are_opened_close_on_exec() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let paths = make_files(dir.path(), 1);
    let fd = Descriptor::open(&paths[0]).expect("the file exists");
    // SAFETY: F_GETFD only reads the flags of a descriptor this test owns.
    let flags = unsafe { libc::fcntl(fd.raw(), libc::F_GETFD) };
    assert!(
        flags >= 0 && flags & libc::FD_CLOEXEC != 0,
        "descriptor flags {flags:#x}: open with O_CLOEXEC, so a child process started by \
         another thread cannot inherit (and keep open) the descriptor"
    );
}

#[rstest]
#[case::first_file_missing(0)]
#[case::last_file_missing(3)]
fn total_bytes_stops_at_the_first_missing_file(#[case] missing: usize) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut paths = make_files(dir.path(), 4);
    paths[missing] = dir.path().join("gone.log");
    let got = total_bytes(&paths);
    assert!(
        matches!(&got, Err(FdError::Open { path, .. }) if *path == paths[missing]),
        "file {missing} is missing: total_bytes must return FdError::Open for it, got {got:?}"
    );
}

#[test]
fn dropping_a_descriptor_closes_it() {
    // In a single-threaded child: no other thread can reuse the number after the close.
    with_lowered_limit("dropping_a_descriptor_closes_it", |_| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let paths = make_files(dir.path(), 1);
        let fd = Descriptor::open(&paths[0]).expect("the file exists");
        let raw = fd.raw();
        let open_before = is_open(raw);
        drop(fd);
        assert_eq!(
            (open_before, is_open(raw)),
            (true, false),
            "descriptor {raw} must be open while its guard lives and closed once the guard \
             is dropped (libc::close in Drop)"
        );
    });
}

#[test]
fn read_all_leaves_the_closing_to_drop() {
    // In a single-threaded child: nothing else opens a descriptor while the test looks.
    with_lowered_limit("read_all_leaves_the_closing_to_drop", |_| {
        use std::os::fd::AsRawFd;
        let dir = tempfile::tempdir().expect("a temp dir");
        let paths = make_files(dir.path(), 1);
        let mut fd = Descriptor::open(&paths[0]).expect("the file exists");
        let raw = fd.raw();
        let read = fd.read_all().map(|bytes| bytes.len()).ok();
        let open_after_read = is_open(raw);
        // Takes the lowest free number: `raw` itself if read_all closed it.
        let bystander = std::fs::File::open("/dev/null").expect("/dev/null opens");
        drop(fd);
        let bystander_open = is_open(bystander.as_raw_fd());
        assert_eq!(
            (read, open_after_read, bystander_open),
            (Some(1), true, true),
            "(bytes read, descriptor {raw} still open after read_all, a file opened after \
             read_all still open after the guard's drop): read_all must not close the \
             descriptor; the guard owns it until Drop closes it, exactly once (a second close \
             of the same number closes whatever file got that number in between)"
        );
    });
}

/// `close` made to fail with `EINTR` on demand: a seccomp filter on the calling thread
/// traps `close` of one descriptor number into a `SIGSYS` handler, which counts the call
/// and sets its return value (`EINTR` the first time, success after), without closing.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod interrupted_close {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// How many `close` calls the filter trapped.
    pub static CLOSES: AtomicUsize = AtomicUsize::new(0);

    extern "C" fn on_sigsys(_: libc::c_int, _: *mut libc::siginfo_t, context: *mut libc::c_void) {
        let earlier = CLOSES.fetch_add(1, Ordering::SeqCst);
        let ret: i64 = if earlier == 0 {
            -i64::from(libc::EINTR)
        } else {
            0
        };
        // SAFETY: the kernel hands an SA_SIGINFO handler a valid ucontext_t; the register
        // written here is the trapped system call's return value when the handler returns.
        let context = unsafe { &mut *context.cast::<libc::ucontext_t>() };
        #[cfg(target_arch = "x86_64")]
        {
            context.uc_mcontext.gregs[libc::REG_RAX as usize] = ret;
        }
        #[cfg(target_arch = "aarch64")]
        {
            context.uc_mcontext.regs[0] = ret as u64;
        }
    }

    fn op(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
        libc::sock_filter {
            code: code as u16,
            jt,
            jf,
            k,
        }
    }

    /// From now on `close(fd)` on the calling thread is trapped (this thread only: call it
    /// in a child process).
    pub fn trap_closes_of(fd: i32) {
        // SAFETY: a zeroed sigaction is valid; the handler has the SA_SIGINFO signature.
        let handled = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                on_sigsys;
            action.sa_sigaction = handler as libc::sighandler_t;
            action.sa_flags = libc::SA_SIGINFO;
            libc::sigaction(libc::SIGSYS, &action, std::ptr::null_mut())
        };
        assert_eq!(handled, 0, "sigaction(SIGSYS) failed");
        let load = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
        let equal = libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K;
        let ret = libc::BPF_RET | libc::BPF_K;
        // seccomp_data: the system call number at offset 0, the low half of its first
        // argument at offset 16 (little-endian).
        let mut filter = [
            op(load, 0, 0, 0),
            op(equal, libc::SYS_close as u32, 0, 3),
            op(load, 16, 0, 0),
            op(equal, fd as u32, 0, 1),
            op(ret, libc::SECCOMP_RET_TRAP, 0, 0),
            op(ret, libc::SECCOMP_RET_ALLOW, 0, 0),
        ];
        let program = libc::sock_fprog {
            len: filter.len() as u16,
            filter: filter.as_mut_ptr(),
        };
        // SAFETY: plain prctl calls; `program` points to a valid filter that outlives them.
        let installed = unsafe {
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
                && libc::prctl(
                    libc::PR_SET_SECCOMP,
                    libc::SECCOMP_MODE_FILTER,
                    &program as *const libc::sock_fprog,
                ) == 0
        };
        assert!(
            installed,
            "installing the seccomp filter failed: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[test]
fn dropping_a_descriptor_calls_close_once_even_when_it_reports_eintr() {
    // In a child process: the filter and the handler stay behind.
    with_lowered_limit(
        "dropping_a_descriptor_calls_close_once_even_when_it_reports_eintr",
        |_| {
            let dir = tempfile::tempdir().expect("a temp dir");
            let paths = make_files(dir.path(), 1);
            let fd = Descriptor::open(&paths[0]).expect("the file exists");
            interrupted_close::trap_closes_of(fd.raw());
            drop(fd);
            let calls = interrupted_close::CLOSES.load(std::sync::atomic::Ordering::SeqCst);
            assert_eq!(
                calls, 1,
                "the guard's drop called close {calls} time(s) when the first call reported EINTR: \
             close exactly once and ignore its EINTR (on Linux the descriptor is already \
             released then, and a retry closes whatever file another thread was just given \
             that number); unlike read, close is never retried"
            );
        },
    );
}

/// The `openat` system call of this architecture (glibc's `open` calls it).
#[cfg(target_os = "linux")]
const OPENAT: &str = if cfg!(target_arch = "aarch64") {
    "56"
} else {
    "257"
};

/// Waits until thread `tid` of this process is blocked in `openat` (opening a named pipe
/// waits for the pipe's writer); `TimedOut` after 10 s.
#[cfg(target_os = "linux")]
fn wait_until_blocked_in_open(tid: &str) -> std::io::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let syscall = format!("/proc/self/task/{tid}/syscall");
    loop {
        let now = std::fs::read_to_string(&syscall)?;
        if now.split_whitespace().next() == Some(OPENAT) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(ErrorKind::TimedOut.into());
        }
        std::thread::yield_now();
    }
}

/// Which of `paths` this process holds open (`/proc/self/fd` links to them).
#[cfg(target_os = "linux")]
fn held_open_among(paths: &[PathBuf]) -> Vec<PathBuf> {
    std::fs::read_dir("/proc/self/fd")
        .expect("Linux lists its descriptors in /proc/self/fd")
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|target| paths.contains(target))
        .collect()
}

/// `total_bytes` over named pipes fed one after another by a writer thread. Opening a
/// pipe's read end waits for a writer, so the writer sees each open while it waits: the
/// calling thread blocked in `openat`. At that moment, which cannot pass until the writer
/// opens its end, the process must hold none of the other pipes open: each file is read
/// and closed before the next is opened, however many descriptors are free (Linux: the
/// test reads `/proc/self/task/<tid>/syscall` and `/proc/self/fd`).
#[cfg(target_os = "linux")]
#[test]
fn total_bytes_closes_each_file_before_it_opens_the_next() {
    use std::io::Write;
    const FILES: usize = 5;
    let dir = tempfile::tempdir().expect("a temp dir");
    let base = dir.path().canonicalize().expect("the temp dir exists");
    let fifos: Vec<PathBuf> = (0..FILES)
        .map(|i| make_fifo(&base.join(format!("pipe-{i}"))))
        .collect();
    let reader = std::fs::read_link("/proc/thread-self").expect("Linux has /proc/thread-self");
    let reader = reader
        .file_name()
        .expect("a thread id")
        .to_string_lossy()
        .into_owned();
    let writer = {
        let fifos = fifos.clone();
        std::thread::spawn(move || -> std::io::Result<Vec<(usize, Vec<PathBuf>)>> {
            let mut held_while_opening = Vec::new();
            for (i, fifo) in fifos.iter().enumerate() {
                wait_until_blocked_in_open(&reader)?;
                let held = held_open_among(&fifos);
                if !held.is_empty() {
                    held_while_opening.push((i, held));
                }
                let mut out = std::fs::OpenOptions::new().write(true).open(fifo)?;
                out.write_all(&vec![b'x'; i + 1])?;
            }
            Ok(held_while_opening)
        })
    };
    let got = total_bytes(&fifos).map_err(|e| e.to_string());
    // Only a total that read every pipe lets the writer finish.
    let held = got
        .is_ok()
        .then(|| writer.join().expect("the writer does not panic"));
    assert!(
        matches!(got, Ok(15)) && matches!(&held, Some(Ok(v)) if v.is_empty()),
        "total_bytes over {FILES} pipes of 1..=5 bytes gave {got:?}; files still held open \
         while it opened file i, as (i, [held]): {held:?}: total_bytes held a file open \
         while it opened the next (a batch, a Vec of open files, opening until EMFILE, \
         opening the next before closing this one); open, read and close each file before \
         opening the next, so the process never holds more than one of them"
    );
}

#[test]
fn total_bytes_reads_more_files_than_the_descriptor_limit() {
    with_lowered_limit(
        "total_bytes_reads_more_files_than_the_descriptor_limit",
        |limit| {
            let files = usize::try_from(limit * 4).expect("small");
            let dir = tempfile::tempdir().expect("a temp dir");
            let paths = make_files(dir.path(), files);
            let got = total_bytes(&paths);
            let expected = (files * (files + 1) / 2) as u64;
            assert!(
                matches!(got, Ok(n) if n == expected),
                "total_bytes over {files} files with a descriptor limit of {limit} gave {got:?}: \
             each file must be closed before the next is opened, so the process never holds \
             more than one of them (a leaked or hoarded descriptor ends in EMFILE, 'too many \
             open files')"
            );
        },
    );
}

/// Fills this process's descriptor table up to its soft limit with `/dev/null`s, then gives
/// back `free` of them: afterwards exactly `free` descriptors can be opened. Returns the
/// fillers (drop them to give the rest back).
fn leave_only_free_descriptors(free: usize) -> Vec<std::fs::File> {
    let mut fillers = Vec::new();
    loop {
        match std::fs::File::open("/dev/null") {
            Ok(file) => fillers.push(file),
            Err(e) if e.raw_os_error() == Some(libc::EMFILE) => break,
            Err(e) => panic!("cannot open /dev/null: {e}"),
        }
    }
    assert!(
        fillers.len() >= free,
        "only {} descriptors were free under the lowered limit",
        fillers.len()
    );
    fillers.truncate(fillers.len() - free);
    fillers
}

#[test]
fn total_bytes_needs_only_one_free_descriptor() {
    with_lowered_limit("total_bytes_needs_only_one_free_descriptor", |limit| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let files = 20;
        let paths = make_files(dir.path(), files);
        let fillers = leave_only_free_descriptors(1);
        let got = total_bytes(&paths);
        // Give the table back before anything else (the temp dir's removal opens
        // descriptors too).
        drop(fillers);
        let expected = (files * (files + 1) / 2) as u64;
        assert!(
            matches!(got, Ok(n) if n == expected),
            "with the descriptor table full but for one slot (limit {limit}), total_bytes \
             over {files} files gave {got:?}: it held more than one descriptor at once (a \
             batch or a Vec of open files); open, read and close each file before opening \
             the next, so a single free descriptor is enough"
        );
    });
}

#[test]
fn a_thousand_opened_and_dropped_descriptors_leave_room() {
    with_lowered_limit(
        "a_thousand_opened_and_dropped_descriptors_leave_room",
        |limit| {
            let dir = tempfile::tempdir().expect("a temp dir");
            let paths = make_files(dir.path(), 1);
            for round in 0..1000 {
                let fd = Descriptor::open(&paths[0]);
                assert!(
                    fd.is_ok(),
                    "open number {round} failed with a limit of {limit}: {:?}; every dropped \
                 Descriptor must give its descriptor back",
                    fd.err()
                );
            }
        },
    );
}

#[test]
fn a_failing_total_leaks_no_descriptor() {
    with_lowered_limit("a_failing_total_leaks_no_descriptor", |limit| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut paths = make_files(dir.path(), 3);
        paths.push(dir.path().join("gone.log"));
        for _ in 0..limit * 2 {
            let got = total_bytes(&paths);
            assert!(
                matches!(got, Err(FdError::Open { .. })),
                "the 4th file is missing, so total_bytes must fail with FdError::Open, got \
                 {got:?} (EMFILE here means the earlier failing calls leaked descriptors)"
            );
            if let Err(FdError::Open { source, .. }) = &got {
                assert_eq!(source.kind(), ErrorKind::NotFound, "got {source}: a leak?");
            }
        }
    });
}
