//! Kata 6: a secret file that is private from its first moment (Unix only).

// The solution names libc and the stub does not: loaded here, before any path names it, so
// that the learner's first use does not recompile the whole test binary (docs/authoring.md,
// "Crates only the solution names").
extern crate libc as _;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use rstest::rstest;

#[cfg(target_os = "linux")]
use super::open_flags_of;
use super::{contents, put, temp_dir};
use crate::secrets::{SecretError, write_secret, write_secret_with};

/// The permission bits of the file at `path` (not following a symlink).
fn mode_of(path: &Path) -> u32 {
    fs::symlink_metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or_else(|e| panic!("cannot stat {}: {e}", path.display()))
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("cannot chmod {}: {e}", path.display()));
}

/// A public function that writes a secret. A lesson both share is tested through each: one
/// written on its own, instead of calling the other, must keep it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `write_secret(path, bytes)`.
    Bytes,
    /// `write_secret_with(path, fill)`.
    Fill,
}

impl Via {
    fn name(self) -> &'static str {
        match self {
            Via::Bytes => "write_secret",
            Via::Fill => "write_secret_with",
        }
    }

    /// Writes `bytes` to `path` through this function; with `write_secret_with`, `during`
    /// runs inside `fill`, before the bytes are written (with `write_secret` it never runs).
    fn write(self, path: &Path, bytes: &[u8], during: impl FnOnce()) -> Result<(), SecretError> {
        match self {
            Via::Bytes => write_secret(path, bytes),
            Via::Fill => write_secret_with(path, |out| {
                during();
                out.write_all(bytes)
            }),
        }
    }
}

#[rstest]
fn creates_the_file_with_mode_0600_and_the_bytes(#[values(Via::Bytes, Via::Fill)] via: Via) {
    let dir = temp_dir();
    let path = dir.path().join("db.env");
    let got = via.write(&path, b"API_KEY=123\n", || ());
    assert!(got.is_ok(), "{} gave {got:?}", via.name());
    assert_eq!(
        contents(&path),
        "API_KEY=123\n",
        "the file must hold the secret"
    );
    assert_eq!(
        mode_of(&path),
        0o600,
        "a secret must be readable and writable by its owner only (0600)"
    );
}

#[rstest]
fn the_file_is_0600_already_while_it_is_being_written() {
    let dir = temp_dir();
    let path = dir.path().join("db.env");
    let mut mode_while_writing = None;
    let got = write_secret_with(&path, |out| {
        mode_while_writing = Some(mode_of(&path));
        out.write_all(b"API_KEY=123\n")
    });
    assert!(got.is_ok(), "write_secret_with gave {got:?}");
    assert_eq!(
        mode_while_writing,
        Some(0o600),
        "while the secret was being written the file had mode {mode_while_writing:?} (decimal): \
         creating it with the default mode and chmod-ing it afterwards leaves a window in \
         which anyone can open it; give the mode to open() (OpenOptionsExt::mode)"
    );
}

/// Linux only: what the kernel saw, read from `/proc` and inotify.
#[cfg(target_os = "linux")]
mod kernel {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// Gives `dir` a default ACL that grants its owner, group and everyone else read and
    /// write: a file created in it gets the mode given to `open`, and the umask is ignored.
    pub fn grant_everyone_by_default(dir: &Path) {
        // The xattr form of `setfacl -d -m u::rw,g::rw,o::rw`: version 2, then (tag, perm, id)
        // for the owner (1), the group (4) and the others (0x20).
        let mut acl = 2_u32.to_le_bytes().to_vec();
        for tag in [0x01_u16, 0x04, 0x20] {
            acl.extend(tag.to_le_bytes());
            acl.extend(6_u16.to_le_bytes());
            acl.extend(u32::MAX.to_le_bytes());
        }
        let dir_c = CString::new(dir.as_os_str().as_bytes()).expect("no NUL in a temp path");
        // SAFETY: both strings are valid C strings and `acl` is readable for its length.
        let set = unsafe {
            libc::setxattr(
                dir_c.as_ptr(),
                c"system.posix_acl_default".as_ptr(),
                acl.as_ptr().cast(),
                acl.len(),
                0,
            )
        };
        assert_eq!(
            set,
            0,
            "the test's file system must support POSIX ACLs (cannot set a default ACL on {}: {})",
            dir.display(),
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(target_os = "linux")]
#[rstest]
fn a_new_secret_gets_its_mode_from_open_not_from_a_chmod(
    #[values(Via::Bytes, Via::Fill)] via: Via,
) {
    let dir = temp_dir();
    let path = dir.path().join("db.env");
    let watch = super::inotify::DirWatch::on(dir.path(), libc::IN_ATTRIB);
    let got = via.write(&path, b"API_KEY=123\n", || ());
    assert!(got.is_ok(), "{} gave {got:?}", via.name());
    let chmods = watch.events();
    assert_eq!(
        (chmods, mode_of(&path)),
        (0, 0o600),
        "the kernel saw {chmods} attribute change(s) on the new secret: it was created with \
         another mode and chmod-ed to 0600, and until then anyone could open it. Give 0o600 \
         to open() itself (OpenOptionsExt::mode), so the file is born private"
    );
}

/// The secret's path in `dir`: free, or (when `existing`) holding an older 0600 secret.
#[cfg(target_os = "linux")]
fn secret_path(dir: &Path, existing: bool) -> std::path::PathBuf {
    let path = dir.join("db.env");
    if existing {
        put(&path, "OLD_KEY=a much longer old secret\n");
        set_mode(&path, 0o600);
    }
    path
}

#[cfg(target_os = "linux")]
#[rstest]
#[case::a_new_secret(false)]
#[case::over_an_existing_private_file(true)]
fn the_secret_is_opened_with_o_nofollow(
    #[case] existing: bool,
    #[values(Via::Bytes, Via::Fill)] via: Via,
) {
    use super::{Refused, refuse_for_this_thread};
    let dir = temp_dir();
    let path = secret_path(dir.path(), existing);
    let mut flags = None;
    // On a thread of its own, every open for writing or creating without O_NOFOLLOW fails
    // at once; reading opens (and the ones with O_NOFOLLOW) work.
    let bits = |flags: libc::c_int| u32::try_from(flags).expect("small flags");
    let writing = bits(libc::O_WRONLY | libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC);
    let nofollow = bits(libc::O_NOFOLLOW);
    let got = super::on_a_thread_of_its_own(|| {
        let mut refused = vec![
            Refused::WithBitsWithout(libc::SYS_openat, 2, writing, nofollow),
            Refused::Every(libc::SYS_openat2),
        ];
        #[cfg(target_arch = "x86_64")]
        refused.extend([
            Refused::WithBitsWithout(libc::SYS_open, 1, writing, nofollow),
            Refused::Every(libc::SYS_creat),
        ]);
        refuse_for_this_thread(&refused, FOLLOWING_OPEN_REFUSED);
        via.write(&path, b"API_KEY=123\n", || {
            flags = Some(open_flags_of(&path))
        })
    });
    assert!(
        got.is_ok() && contents(&path) == "API_KEY=123\n",
        "{} gave {got:?} on a thread where every open for writing without O_NOFOLLOW fails \
         with error {FOLLOWING_OPEN_REFUSED}: it opened the secret without O_NOFOLLOW. \
         Checking for a symlink first (symlink_metadata) and then opening the path leaves a \
         moment in which one can be planted and followed; let open() itself refuse a symlink \
         (custom_flags(libc::O_NOFOLLOW)), whether the file is new or not",
        via.name()
    );
    let Some(flags) = flags else {
        return;
    };
    assert!(
        !flags.is_empty(),
        "while fill runs, the process holds the secret open"
    );
    let octal: Vec<String> = flags.iter().map(|f| format!("{f:o}")).collect();
    assert!(
        flags.iter().all(|f| f & libc::O_NOFOLLOW != 0),
        "while fill wrote, the secret was open with flags {octal:?} (octal, one per \
         descriptor), one of them without O_NOFOLLOW: checking for a symlink first (or \
         opening carefully once) and then opening the path again leaves a moment in which one \
         can be planted, and overwriting an existing secret is no safer than creating one; \
         write through the one descriptor that open() itself made refuse a symlink \
         (custom_flags(libc::O_NOFOLLOW)), whether the file is new or not"
    );
}

#[cfg(target_os = "linux")]
#[rstest]
#[case::a_new_secret(false)]
#[case::over_an_existing_private_file(true)]
fn a_failed_careful_open_is_an_error_and_nothing_else_is_opened(
    #[case] existing: bool,
    #[values(Via::Bytes, Via::Fill)] via: Via,
) {
    use super::{Refused, refuse_for_this_thread};
    let dir = temp_dir();
    let path = secret_path(dir.path(), existing);
    let before = contents(&path);
    // On a thread of its own, every open with O_NOFOLLOW fails with EIO (a disk error, say);
    // other opens would work.
    let nofollow = u32::try_from(libc::O_NOFOLLOW).expect("small flags");
    let got = super::on_a_thread_of_its_own(|| {
        let mut refused = vec![
            Refused::WithBitsWithout(libc::SYS_openat, 2, nofollow, 0),
            Refused::Every(libc::SYS_openat2),
        ];
        #[cfg(target_arch = "x86_64")]
        refused.push(Refused::WithBitsWithout(libc::SYS_open, 1, nofollow, 0));
        refuse_for_this_thread(&refused, libc::EIO);
        via.write(&path, b"API_KEY=123\n", || {})
    });
    let failed = matches!(&got, Err(SecretError::Io(e)) if e.raw_os_error() == Some(libc::EIO));
    assert!(
        failed && contents(&path) == before,
        "{} gave {got:?} and the path now holds {:?} (before: {before:?}) when the open with \
         O_NOFOLLOW failed with EIO: it opened the path again another way. A plain reopen \
         follows a symlink and creates the file with the default mode before a chmod: the \
         very races the careful open exists to close. Return the error as SecretError::Io",
        via.name(),
        contents(&path)
    );
}

/// The error the test's seccomp filter gives an open for writing without `O_NOFOLLOW`.
#[cfg(target_os = "linux")]
const FOLLOWING_OPEN_REFUSED: i32 = libc::ELIBBAD;

/// The open and close events of a file, by name.
#[cfg(target_os = "linux")]
fn open_close_names(masks: &[u32]) -> Vec<&'static str> {
    masks
        .iter()
        .map(|mask| match *mask {
            libc::IN_OPEN => "open",
            libc::IN_CLOSE_WRITE | libc::IN_CLOSE_NOWRITE => "close",
            _ => "other",
        })
        .collect()
}

#[cfg(target_os = "linux")]
#[rstest]
#[case::a_new_secret(false)]
#[case::over_an_existing_private_file(true)]
fn the_path_is_opened_once_and_the_secret_written_through_that_descriptor(
    #[case] existing: bool,
    #[values(Via::Bytes, Via::Fill)] via: Via,
) {
    let dir = temp_dir();
    let path = secret_path(dir.path(), existing);
    let watch = super::inotify::DirWatch::on(dir.path(), libc::IN_OPEN | libc::IN_CLOSE);
    // write_secret has no fill to look from: all its events count as after it.
    let mut at_fill = (Vec::new(), 1);
    let got = via.write(&path, b"API_KEY=123\n", || {
        at_fill = (watch.masks(), open_flags_of(&path).len());
    });
    let after_fill = watch.masks();
    assert!(got.is_ok(), "{} gave {got:?}", via.name());
    let seen = (
        open_close_names(&at_fill.0),
        at_fill.1,
        open_close_names(&after_fill),
    );
    let once = match via {
        Via::Bytes => (vec![], 1, vec!["open", "close"]),
        Via::Fill => (vec!["open"], 1, vec!["close"]),
    };
    assert_eq!(
        seen,
        once,
        "{}: (the kernel's open/close events on the secret's path before fill, the descriptors \
         held on it while fill wrote, the events after fill) were {seen:?}: the path must be \
         opened exactly once, before fill, and closed after it. A second open of the path \
         (a reopen after the checks, even with O_NOFOLLOW, or fs::write) opens whatever sits \
         there by then: a symlink or another file swapped in after the checks gets the \
         secret. Open once (O_NOFOLLOW, mode 0600), check the type and mode on that \
         descriptor (File::metadata), and write through it",
        via.name()
    );
    assert_eq!(contents(&path), "API_KEY=123\n");
}

#[cfg(target_os = "linux")]
#[rstest]
fn a_new_secret_is_0600_where_a_default_acl_replaces_the_umask(
    #[values(Via::Bytes, Via::Fill)] via: Via,
) {
    let dir = temp_dir();
    kernel::grant_everyone_by_default(dir.path());
    let path = dir.path().join("db.env");
    let got = via.write(&path, b"API_KEY=123\n", || ());
    assert!(
        got.is_ok(),
        "{} gave {got:?} in a directory whose default ACL grants everyone read and write: \
         there the kernel ignores the umask and keeps the mode given to open(), so a secret \
         made private through the (process-wide) umask is born readable by all. Give 0o600 \
         to open() itself (OpenOptionsExt::mode)",
        via.name()
    );
    let mode = mode_of(&path);
    assert_eq!(
        mode, 0o600,
        "in a directory whose default ACL grants everyone read and write, the new secret got \
         mode {mode:o}: there the kernel ignores the umask and keeps the mode given to open(), \
         so a secret made private through the (process-wide) umask is readable by all. Give \
         0o600 to open() itself (OpenOptionsExt::mode)"
    );
}

#[rstest]
fn overwrites_an_existing_private_file(#[values(Via::Bytes, Via::Fill)] via: Via) {
    let dir = temp_dir();
    let path = dir.path().join("db.env");
    put(&path, "OLD_KEY=a much longer old secret\n");
    set_mode(&path, 0o600);
    let got = via.write(&path, b"KEY=new\n", || ());
    assert!(got.is_ok(), "{} over a 0600 file gave {got:?}", via.name());
    assert_eq!(
        contents(&path),
        "KEY=new\n",
        "an existing 0600 file is replaced by the new secret (truncated first)"
    );
}

#[rstest]
#[case::world_readable(0o644)]
#[case::group_readable(0o640)]
#[case::owner_execute(0o700)]
#[case::owner_read_only(0o400)]
#[case::no_permission_at_all(0o000)]
fn refuses_an_existing_file_with_other_permissions(
    #[case] mode: u32,
    #[values(Via::Bytes, Via::Fill)] via: Via,
) {
    let dir = temp_dir();
    let path = dir.path().join("db.env");
    put(&path, "OLD=1\n");
    set_mode(&path, mode);
    let got = via.write(&path, b"KEY=new\n", || ());
    assert!(
        matches!(got, Err(SecretError::TooOpen { mode: m }) if m == mode),
        "{} over a file with mode {mode:o} gave {got:?}: only a mode of exactly 0600 is \
         overwritten (a wider one: others may already hold it open; a narrower one, even a \
         subset of 0600: someone locked it on purpose), so it must be \
         SecretError::TooOpen {{ mode: {mode:o} }}",
        via.name()
    );
    assert_eq!(
        contents(&path),
        "OLD=1\n",
        "a refused file must keep its content"
    );
}

#[rstest]
fn refuses_to_follow_a_symlink_planted_at_the_path(#[values(Via::Bytes, Via::Fill)] via: Via) {
    let dir = temp_dir();
    let victim = dir.path().join("authorized_keys");
    put(&victim, "ssh-ed25519 AAAA admin\n");
    let path = dir.path().join("db.env");
    symlink(&victim, &path).unwrap_or_else(|e| panic!("cannot plant the symlink: {e}"));
    let got = via.write(&path, b"KEY=new\n", || ());
    assert!(
        matches!(&got, Err(SecretError::Symlink(p)) if *p == path),
        "{} through a planted symlink gave {got:?}: it must refuse with SecretError::Symlink \
         (open with O_NOFOLLOW)",
        via.name()
    );
    assert_eq!(
        contents(&victim),
        "ssh-ed25519 AAAA admin\n",
        "the symlink's target must be untouched"
    );
}

#[rstest]
fn refuses_a_dangling_symlink_instead_of_creating_its_target(
    #[values(Via::Bytes, Via::Fill)] via: Via,
) {
    let dir = temp_dir();
    let target = dir.path().join("created-by-attacker");
    let path = dir.path().join("db.env");
    symlink(&target, &path).unwrap_or_else(|e| panic!("cannot plant the symlink: {e}"));
    let got = via.write(&path, b"KEY=new\n", || ());
    assert!(
        matches!(&got, Err(SecretError::Symlink(_))),
        "{} through a dangling symlink gave {got:?}: it must be SecretError::Symlink",
        via.name()
    );
    assert!(
        !target.exists(),
        "the dangling symlink's target was created: the secret went where the attacker chose"
    );
}

#[rstest]
fn refuses_a_directory_at_the_path(#[values(Via::Bytes, Via::Fill)] via: Via) {
    let dir = temp_dir();
    let path = dir.path().join("db.env");
    fs::create_dir(&path).unwrap_or_else(|e| panic!("cannot create the directory: {e}"));
    let got = via.write(&path, b"KEY=new\n", || ());
    assert!(
        matches!(&got, Err(SecretError::NotAFile(p)) if *p == path),
        "{} onto a directory gave {got:?}: it must be SecretError::NotAFile",
        via.name()
    );
}

#[rstest]
fn a_missing_directory_is_an_io_error(#[values(Via::Bytes, Via::Fill)] via: Via) {
    let dir = temp_dir();
    let path = dir.path().join("no-such-dir/db.env");
    let got = via.write(&path, b"KEY=new\n", || ());
    assert!(
        matches!(got, Err(SecretError::Io(_))),
        "{} into a missing directory gave {got:?}: it must be SecretError::Io",
        via.name()
    );
}
