//! The d18c-filesystem suite: compiled into kata-d18c-filesystem (where it must fail) and
//! solution-d18c-filesystem (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d18c-filesystem/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

mod heap; // a counting global allocator: measures the heap every thread holds

/// Set in a child process of [`alone_in_a_child_process`] to the name of the test it runs.
const ALONE_VAR: &str = "D18C_FILESYSTEM_ALONE_IN_A_CHILD";

/// Whether this process is a child of [`alone_in_a_child_process`], running one test alone.
pub(crate) fn in_a_child_process() -> bool {
    std::env::var_os(ALONE_VAR).is_some()
}

/// Runs the test `test` of `module` (pass `module_path!()`) again, alone in a child process
/// of this test binary set up by `configure` (a working directory, say), for what only a
/// whole process shows: counters of every thread (its heap, `/proc/self/io`) that another
/// test running beside it would disturb, or the working directory. Returns `true` in the
/// child, which goes on with the test; in the parent it waits for the child, fails with the
/// child's own message if the child failed, and returns `false`.
pub(crate) fn alone_in_a_child_process(
    module: &str,
    test: &str,
    configure: impl FnOnce(&mut std::process::Command),
) -> bool {
    let inside = module.split_once("::").map_or(module, |(_, rest)| rest);
    let name = format!("{inside}::{test}");
    if std::env::var_os(ALONE_VAR).is_some_and(|running| running == *name) {
        return true;
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("no test binary path: {e}"));
    let mut child = std::process::Command::new(exe);
    child
        .args([name.as_str(), "--exact", "--test-threads=1", "--nocapture"])
        .env(ALONE_VAR, &name);
    configure(&mut child);
    let out = child
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} in a child process: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test}, run alone in a child process (so that nothing else runs in the process it \
         measures), failed there:\n{}",
        String::from_utf8_lossy(&out.stderr).trim_end()
    );
    false
}

/// A fresh temp dir for one test; it is deleted when the test drops it.
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temp dir: {e}"))
}

/// Writes `contents` to `path`, panicking with the path on failure (test setup only).
pub(crate) fn put(path: &std::path::Path, contents: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    std::fs::write(path, contents)
        .unwrap_or_else(|e| panic!("cannot write test file {}: {e}", path.display()));
}

/// The contents of `path` as text, or a description of why it cannot be read.
pub(crate) fn contents(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("<unreadable: {e}>"))
}

/// A directory name, plain or not UTF-8 (Unix: any bytes but `/` and NUL make a name).
pub(crate) fn dir_name(not_utf8: bool) -> std::ffi::OsString {
    #[cfg(unix)]
    if not_utf8 {
        use std::os::unix::ffi::OsStrExt;
        return std::ffi::OsStr::from_bytes(b"caf\xe9-\xff").to_owned();
    }
    let _ = not_utf8;
    "plain".into()
}

/// The names in `dir`, sorted.
pub(crate) fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Linux only: the open flags (`O_APPEND`, `O_NOFOLLOW`, ...) of every descriptor of this
/// process that refers to `path`, from `/proc/self/fdinfo`.
#[cfg(target_os = "linux")]
pub(crate) fn open_flags_of(path: &std::path::Path) -> Vec<i32> {
    let Ok(wanted) = path.canonicalize() else {
        return Vec::new();
    };
    let fds = std::fs::read_dir("/proc/self/fd").expect("Linux lists descriptors in /proc");
    fds.flatten()
        .filter(|entry| std::fs::read_link(entry.path()).is_ok_and(|target| target == wanted))
        .filter_map(|entry| {
            let info = std::path::Path::new("/proc/self/fdinfo").join(entry.file_name());
            let info = std::fs::read_to_string(info).ok()?;
            let flags = info.lines().find_map(|l| l.strip_prefix("flags:"))?;
            i32::from_str_radix(flags.trim(), 8).ok()
        })
        .collect()
}

/// Linux only: which calls of a system call [`refuse_for_this_thread`] refuses.
#[cfg(target_os = "linux")]
pub(crate) enum Refused {
    /// Every call of it.
    Every(libc::c_long),
    /// The calls whose argument number `.1` (from 0; its low 32 bits) is `.2`.
    WithArg(libc::c_long, u32, u32),
    /// The calls whose argument number `.1` has none of the bits of `.2` set.
    WithoutBits(libc::c_long, u32, u32),
    /// The calls whose argument number `.1` has a bit of `.2` set and none of `.3`.
    WithBitsWithout(libc::c_long, u32, u32, u32),
}

/// Runs `f` on a scoped thread of its own, where a filter from [`refuse_for_this_thread`]
/// touches no other test, and returns its result; a panic in `f` is the caller's panic.
#[cfg(target_os = "linux")]
pub(crate) fn on_a_thread_of_its_own<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(f)
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Linux only: from now on, every call `refused` names, made by the calling thread (or a
/// thread it starts), fails with `errno` without running (a seccomp filter; no other thread
/// is affected).
#[cfg(target_os = "linux")]
pub(crate) fn refuse_for_this_thread(refused: &[Refused], errno: i32) {
    let op = |code: u32, k: u32, jt: u8, jf: u8| libc::sock_filter {
        code: u16::try_from(code).expect("a BPF opcode fits in 16 bits"),
        jt,
        jf,
        k,
    };
    let load = |offset: u32| op(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, offset, 0, 0);
    // struct seccomp_data: the call's number at 0, its arguments (u64 each) from 16.
    let arg = |n: u32| load(16 + 8 * n + if cfg!(target_endian = "big") { 4 } else { 0 });
    let is = |k: u32, jt: u8, jf: u8| op(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K, k, jt, jf);
    let refuse = op(
        libc::BPF_RET | libc::BPF_K,
        libc::SECCOMP_RET_ERRNO | errno.unsigned_abs(),
        0,
        0,
    );
    let nr = |call: libc::c_long| u32::try_from(call).expect("a system call number");
    let mut program = Vec::new();
    for rule in refused {
        // Each block: the call's number, then (when it matches) a test, then the refusal.
        program.push(load(0));
        match *rule {
            Refused::Every(call) => program.push(is(nr(call), 0, 1)),
            Refused::WithArg(call, n, value) => {
                program.extend([is(nr(call), 0, 3), arg(n), is(value, 0, 1)]);
            }
            Refused::WithoutBits(call, n, bits) => program.extend([
                is(nr(call), 0, 3),
                arg(n),
                op(libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K, bits, 1, 0),
            ]),
            Refused::WithBitsWithout(call, n, with, without) => program.extend([
                is(nr(call), 0, 4),
                arg(n),
                op(libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K, with, 0, 2),
                op(libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K, without, 1, 0),
            ]),
        }
        program.push(refuse);
    }
    program.push(op(
        libc::BPF_RET | libc::BPF_K,
        libc::SECCOMP_RET_ALLOW,
        0,
        0,
    ));
    let filter = libc::sock_fprog {
        len: u16::try_from(program.len()).expect("a short program"),
        filter: program.as_mut_ptr(),
    };
    // SAFETY: plain prctl calls on the calling thread; `filter` points at a valid program
    // for the whole call.
    let installed = unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
            && libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &raw const filter,
            ) == 0
    };
    assert!(
        installed,
        "test setup: cannot install the seccomp filter: {}",
        std::io::Error::last_os_error()
    );
}

/// Linux only: what the kernel reports about a directory, through inotify.
#[cfg(target_os = "linux")]
pub(crate) mod inotify {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// Watches a directory for the events in a mask (`libc::IN_ATTRIB`: a chmod; creating and
    /// writing are not; `libc::IN_DELETE`: a name removed from it; a rename over it is not;
    /// `libc::IN_OPEN`, `libc::IN_CLOSE`: a file in it opened, closed).
    pub struct DirWatch(i32);

    impl DirWatch {
        pub fn on(dir: &Path, mask: u32) -> Self {
            // SAFETY: plain system calls; the descriptor is owned by the watch and closed in
            // its Drop.
            let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
            assert!(fd >= 0, "inotify_init1 failed");
            let dir = CString::new(dir.as_os_str().as_bytes()).expect("no NUL in a temp path");
            // SAFETY: `dir` is a valid C string and `fd` an inotify descriptor.
            let wd = unsafe { libc::inotify_add_watch(fd, dir.as_ptr(), mask) };
            assert!(wd >= 0, "inotify_add_watch failed");
            Self(fd)
        }

        /// How many watched events happened in the directory since the last look.
        pub fn events(&self) -> usize {
            self.masks().len()
        }

        /// The masks of the watched events that happened in the directory since the last
        /// look, in order. The kernel merges an event into the one before it when both are
        /// the same and that one was not read yet.
        pub fn masks(&self) -> Vec<u32> {
            let mut buf = [0u8; 4096];
            let mut masks = Vec::new();
            loop {
                // SAFETY: `buf` is writable for its whole length.
                let n = unsafe { libc::read(self.0, buf.as_mut_ptr().cast(), buf.len()) };
                let Ok(n) = usize::try_from(n) else {
                    return masks;
                };
                let mut at = 0;
                while at < n {
                    // SAFETY: the kernel wrote whole events; read_unaligned copes with any
                    // alignment of the buffer.
                    let event: libc::inotify_event =
                        unsafe { std::ptr::read_unaligned(buf.as_ptr().add(at).cast()) };
                    masks.push(event.mask);
                    at += std::mem::size_of::<libc::inotify_event>() + event.len as usize;
                }
            }
        }
    }

    impl Drop for DirWatch {
        fn drop(&mut self) {
            // SAFETY: the watch owns this descriptor.
            unsafe { libc::close(self.0) };
        }
    }
}

/// Makes a FIFO at `fifo` and binds a Unix socket at `socket`: two entries that are neither a
/// directory, a symlink nor a regular file. The socket's path exists while the returned
/// listener lives.
pub(crate) fn fifo_and_socket(
    fifo: &std::path::Path,
    socket: &std::path::Path,
) -> std::os::unix::net::UnixListener {
    let path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes())
        .expect("a temp path has no NUL");
    // SAFETY: `path` is a NUL-terminated path that lives across the call.
    let made = unsafe { libc::mkfifo(path.as_ptr(), 0o644) };
    assert_eq!(
        made,
        0,
        "test setup: cannot mkfifo: {}",
        std::io::Error::last_os_error()
    );
    std::os::unix::net::UnixListener::bind(socket)
        .unwrap_or_else(|e| panic!("test setup: cannot bind a Unix socket: {e}"))
}

#[cfg(any(not(feature = "one-kata"), feature = "appenders"))]
mod appenders;
#[cfg(any(not(feature = "one-kata"), feature = "atomic_write"))]
mod atomic_write;
#[cfg(any(not(feature = "one-kata"), feature = "log_purger"))]
mod log_purger;
#[cfg(any(not(feature = "one-kata"), feature = "paths_as_values"))]
mod paths_as_values;
#[cfg(any(not(feature = "one-kata"), feature = "portable_names"))]
mod portable_names;
#[cfg(any(not(feature = "one-kata"), feature = "safe_join"))]
mod safe_join;
#[cfg(all(unix, any(not(feature = "one-kata"), feature = "secrets")))]
mod secrets;
#[cfg(any(not(feature = "one-kata"), feature = "stream_lines"))]
mod stream_lines;
#[cfg(any(not(feature = "one-kata"), feature = "walk_tree"))]
mod walk_tree;
