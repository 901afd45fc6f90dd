//! File operations that never lose a learner's bytes: durable new files and atomic
//! replacement.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to a file that must not exist yet (`create_new`), flushes it to disk
/// and syncs its directory. Fails with [`io::ErrorKind::AlreadyExists`] rather than
/// overwriting anything.
pub fn write_new_durable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        // A partial backup is worse than none: the caller must not proceed.
        let _ = fs::remove_file(path);
        return Err(e);
    }
    sync_dir(path)
}

/// Replaces `path` with `bytes` atomically: a temporary file in the same directory is
/// written, synced, given `path`'s permissions and renamed over it. Readers see the old
/// or the new contents, never a mix; a failure leaves `path` untouched.
pub fn replace_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let guard = crate::interrupt::TempPath::register(temp_sibling(path)?);
    let tmp = guard.path();
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(tmp)?;
        file.write_all(bytes)?;
        if let Ok(meta) = fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(tmp, path)?;
        sync_dir(path)
    })();
    // The guard removes the temporary file on failure (and on an interrupt meanwhile).
    drop(guard);
    result
}

/// Creates `dir` and its missing parents, syncing each new directory's parent so the new
/// names survive a crash.
pub fn create_dir_all_durable(dir: &Path) -> io::Result<()> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .collect();
    fs::create_dir_all(dir)?;
    for created in missing.iter().rev() {
        sync_dir(created)?;
    }
    Ok(())
}

/// A fresh hidden name next to `path` (hidden and not `.rs`: watch mode ignores it).
fn temp_sibling(path: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", path.display()),
        )
    })?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp_name = format!(".{}.kata-{}-{n}.tmp", name.to_string_lossy(), process::id());
    Ok(path.with_file_name(tmp_name))
}

/// Syncs the directory holding `path` so a new name survives a crash (Unix only; other
/// systems make renames durable on their own terms).
fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_durable_file_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.rs");
        write_new_durable(&p, b"first").unwrap();
        let err = write_new_durable(&p, b"second").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(
            fs::read(&p).unwrap(),
            b"first",
            "the backup must stay intact"
        );
    }

    #[test]
    fn nested_directories_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join(".kata/backups/d16/take_while");
        create_dir_all_durable(&deep).unwrap();
        assert!(deep.is_dir());
        create_dir_all_durable(&deep).unwrap();
    }

    #[test]
    fn atomic_replacement_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.rs");
        fs::write(&p, "old").unwrap();
        replace_atomically(&p, b"new").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec!["k.rs"],
            "the temporary file must be renamed away"
        );
    }
}
