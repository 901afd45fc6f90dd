//! Kata 7: walking a tree with an explicit stack, surviving unreadable directories.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::thread;

use rstest::rstest;

use super::{alone_in_a_child_process, put, temp_dir};
use crate::walk_tree::{Walk, WalkError, find_files, find_files_with};

/// `paths` relative to `root`, with `/` separators, one per line (portable for snapshots).
fn relative(root: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap_or(p);
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

/// A public function that walks a tree. A lesson both share is tested through each: one
/// written on its own, instead of calling the other, must keep it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `find_files(root, extension)`.
    Plain,
    /// `find_files_with(root, extension, fs::read_dir)`.
    Lister,
}

impl Via {
    fn name(self) -> &'static str {
        match self {
            Via::Plain => "find_files",
            Via::Lister => "find_files_with",
        }
    }

    fn find(self, root: &Path, extension: &str) -> Result<Walk, WalkError> {
        match self {
            Via::Plain => find_files(root, extension),
            Via::Lister => find_files_with(root, extension, |dir| fs::read_dir(dir)),
        }
    }

    fn walk(self, root: &Path, extension: &str) -> Walk {
        self.find(root, extension).unwrap_or_else(|e| {
            panic!(
                "{}({}, {extension:?}) failed: {e}",
                self.name(),
                root.display()
            )
        })
    }
}

/// A small project tree with logs at several depths and decoys.
fn project(root: &Path) {
    for name in [
        "app.log",
        "README.md",
        "logs/2026/04/app.log",
        "logs/2026/04/app.log.1",
        "logs/2026/05/worker.log",
        "logs/archive/old.LOG",
        "logs/archive/notes.txt",
        "src/main.rs",
        "src/deep/er/still/debug.log",
        "empty-dir/.keep",
        "weird name/a b.log",
    ] {
        put(&root.join(name), name);
    }
}

#[rstest]
fn finds_every_matching_file_sorted(#[values(Via::Plain, Via::Lister)] via: Via) {
    let dir = temp_dir();
    project(dir.path());
    let found = via.walk(dir.path(), "log");
    assert!(
        found.warnings.is_empty(),
        "no directory of this tree is unreadable, yet the walk warned: {:?}",
        found.warnings
    );
    assert_suite_snapshot!(
        "walk_tree_project_logs",
        relative(dir.path(), &found.files).join("\n")
    );
}

/// A deterministic pseudo-random tree: directories up to 5 deep, files of three kinds.
fn generated(root: &Path) {
    let mut state: u32 = 0x2026_0404;
    let mut next = move |bound: u32| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (state >> 16) % bound
    };
    for i in 0..120 {
        let depth = next(6);
        let mut path = root.to_owned();
        for _ in 0..depth {
            path.push(format!("d{}", next(4)));
        }
        let ext = ["csv", "txt", "csv.gz"][next(3) as usize];
        put(&path.join(format!("f{i}.{ext}")), "x");
    }
}

/// The regular files under `root` whose extension is `extension`, sorted, as the `walkdir`
/// crate finds them: the reference the walks are compared with.
fn walkdir_files(root: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    files
}

#[rstest]
fn agrees_with_walkdir_on_a_generated_tree(#[values(Via::Plain, Via::Lister)] via: Via) {
    let dir = temp_dir();
    // The empty tree first: a walk that is not written yet fails here, before the tree is.
    assert_eq!(
        via.walk(dir.path(), "csv").files,
        Vec::<PathBuf>::new(),
        "{} found files in an empty directory",
        via.name()
    );
    generated(dir.path());
    let found = via.walk(dir.path(), "csv");
    let expected = walkdir_files(dir.path(), "csv");
    assert!(
        !expected.is_empty(),
        "the generated tree should hold .csv files"
    );
    assert_eq!(
        found.files,
        expected,
        "{} must find exactly the regular .csv files walkdir finds, sorted",
        via.name()
    );
}

#[rstest]
fn compares_the_extension_exactly(#[values(Via::Plain, Via::Lister)] via: Via) {
    let dir = temp_dir();
    for name in [
        "a.log",
        "b.LOG",
        "c.log.1",
        "d.catalog",
        "log",
        ".log",
        "e.log",
    ] {
        put(&dir.path().join(name), "x");
    }
    let found = via.walk(dir.path(), "log");
    assert_eq!(
        relative(dir.path(), &found.files),
        ["a.log", "e.log"],
        "only names whose extension (Path::extension, after the last dot) is exactly \"log\" \
         match: not LOG, not .log.1, not catalog, and `.log` is a hidden name without one"
    );
}

#[rstest]
#[case::empty("")]
#[case::with_dot(".log")]
#[case::two_parts("tar.gz")]
fn refuses_a_bad_extension(#[case] extension: &str, #[values(Via::Plain, Via::Lister)] via: Via) {
    let dir = temp_dir();
    let got = via.find(dir.path(), extension).map(|w| w.files);
    assert!(
        matches!(&got, Err(WalkError::BadExtension(e)) if e == extension),
        "{}(_, {extension:?}) gave {got:?}: the extension is given without a dot and \
         cannot be empty, so it must be WalkError::BadExtension",
        via.name()
    );
}

#[rstest]
#[case::permission_denied(io::ErrorKind::PermissionDenied)]
#[case::deleted_mid_walk(io::ErrorKind::NotFound)]
#[case::input_output_error(io::ErrorKind::Other)]
fn skips_a_directory_that_cannot_be_listed_and_warns(#[case] kind: io::ErrorKind) {
    let dir = temp_dir();
    project(dir.path());
    let locked = dir.path().join("logs/2026");
    let found = find_files_with(dir.path(), "log", |path| {
        if path == locked {
            Err(io::Error::from(kind))
        } else {
            fs::read_dir(path)
        }
    });
    let Ok(found) = found else {
        panic!(
            "one directory below the root that could not be listed ({kind:?}) made the whole \
             walk fail: {found:?}. Any listing error below the root (not only \
             PermissionDenied: a folder deleted mid-walk, an I/O error) is a WalkWarning, and \
             the walk goes on"
        );
    };
    assert_eq!(
        relative(dir.path(), &found.files),
        [
            "app.log",
            "src/deep/er/still/debug.log",
            "weird name/a b.log"
        ],
        "the files outside the unreadable directory must all be found"
    );
    let warned: Vec<&PathBuf> = found.warnings.iter().map(|w| &w.path).collect();
    assert_eq!(
        warned,
        [&locked],
        "the unreadable directory must be reported once as a WalkWarning with its path"
    );
    assert_eq!(
        found.warnings[0].error.kind(),
        kind,
        "the warning must carry the lister's error"
    );
}

#[rstest]
fn the_lister_is_the_only_source_of_what_a_folder_holds() {
    let dir = temp_dir();
    let (root, empty) = (dir.path().join("root"), dir.path().join("empty"));
    project(&root);
    fs::create_dir(&empty).unwrap_or_else(|e| panic!("cannot mkdir: {e}"));
    // The lister says `logs` is empty, though the disk holds folders and logs in it.
    let hidden = root.join("logs");
    let found = find_files_with(&root, "log", |path| {
        fs::read_dir(if path == hidden { &empty } else { path })
    });
    let found = found.unwrap_or_else(|e| panic!("find_files_with failed: {e}"));
    assert!(
        found.warnings.is_empty()
            && relative(&root, &found.files)
                == [
                    "app.log",
                    "src/deep/er/still/debug.log",
                    "weird name/a b.log"
                ],
        "the lister listed `logs` as an empty folder, yet the walk found {:?} (warnings {:?}): \
         it read the disk itself (fs::read_dir beside the lister, or a walk of its own to find \
         the folders first). What a folder holds is what `list` returns, and nothing else: \
         push the folders of each listing on the stack and take each entry from it",
        relative(&root, &found.files),
        found.warnings
    );
}

#[rstest]
fn a_root_that_does_not_exist_is_an_error(#[values(Via::Plain, Via::Lister)] via: Via) {
    let dir = temp_dir();
    let root = dir.path().join("missing");
    let got = via.find(&root, "log").map(|w| w.files);
    assert!(
        matches!(&got, Err(WalkError::Root { path, .. }) if *path == root),
        "{} on a missing root gave {got:?}: with nothing to walk it must be WalkError::Root, \
         not an empty answer",
        via.name()
    );
}

#[rstest]
fn a_root_that_is_a_file_is_an_error(#[values(Via::Plain, Via::Lister)] via: Via) {
    let dir = temp_dir();
    let root = dir.path().join("app.log");
    put(&root, "x");
    let got = via.find(&root, "log").map(|w| w.files);
    assert!(
        matches!(&got, Err(WalkError::Root { .. })),
        "{} on a file gave {got:?}: a file cannot be listed, so it is WalkError::Root",
        via.name()
    );
}

#[cfg(unix)]
#[rstest]
fn reports_only_regular_files_and_follows_no_symlink(#[values(Via::Plain, Via::Lister)] via: Via) {
    let dir = temp_dir();
    let root = dir.path().join("root");
    put(&root.join("a/real.log"), "x");
    put(&dir.path().join("outside/elsewhere.log"), "x");
    let link = |target: &Path, at: &str| {
        std::os::unix::fs::symlink(target, root.join(at))
            .unwrap_or_else(|e| panic!("cannot create the symlink {at}: {e}"));
    };
    link(&root, "a/loop");
    link(&root.join("a/real.log"), "alias.log");
    link(&dir.path().join("outside"), "out");
    // Neither a directory nor a symlink, and not a regular file either: a FIFO and a socket.
    let _socket = super::fifo_and_socket(&root.join("a/pipe.log"), &root.join("socket.log"));
    let found = via.walk(&root, "log");
    assert_eq!(
        relative(&root, &found.files),
        ["a/real.log"],
        "only regular files are reported (DirEntry::file_type().is_file()): not a FIFO \
         (a/pipe.log) nor a socket (socket.log), though neither is a directory nor a symlink; \
         and symlinks must be neither entered (a/loop points back at the root: following it \
         never ends) nor reported (alias.log); DirEntry::file_type does not follow links"
    );
}

/// Linux refuses a path of this many bytes or more in a system call (`PATH_MAX`).
#[cfg(target_os = "linux")]
const PATH_MAX: usize = 4096;

#[cfg(target_os = "linux")]
#[rstest]
fn entry_types_come_from_the_listing_not_from_a_stat_of_each_path(
    #[values(Via::Plain, Via::Lister)] via: Via,
) {
    use std::os::unix::ffi::OsStrExt;
    let dir = temp_dir();
    let root = dir.path().join("root");
    // A directory whose own path is legal but close to PATH_MAX...
    let mut deep = root.clone();
    while deep.as_os_str().len() + 2 < PATH_MAX - 150 {
        let room = PATH_MAX - 150 - deep.as_os_str().len() - 1;
        deep.push("d".repeat(room.min(200)));
    }
    // ...holding a file whose full path is longer than PATH_MAX: made in a short folder,
    // then the folder is moved in (no system call ever names the long path).
    let name = format!("{}.log", "f".repeat(240));
    let staging = dir.path().join("staging");
    put(&staging.join(&name), "x");
    fs::create_dir_all(&deep).unwrap_or_else(|e| panic!("cannot create the deep folder: {e}"));
    fs::rename(&staging, deep.join("in"))
        .unwrap_or_else(|e| panic!("cannot move the folder into the deep one: {e}"));
    let file = deep.join("in").join(&name);
    assert!(
        deep.join("in").as_os_str().len() < PATH_MAX && file.as_os_str().len() > PATH_MAX,
        "test setup: the folder's path must be legal and the file's too long"
    );
    let found = via.walk(&root, "log");
    let warned: Vec<_> = found.warnings.iter().map(|w| w.error.to_string()).collect();
    assert!(
        found.files == [file.clone()] && warned.is_empty(),
        "{} found {} file(s) and warned {warned:?} for a folder it could list: the \
         listing of that folder names a file whose full path ({} bytes) is longer than \
         PATH_MAX, so any call that names the file by its path fails (ENAMETOOLONG). Take \
         each entry's type from the listing (DirEntry::file_type, which the directory read \
         already returned) instead of asking the disk again per entry \
         (fs::symlink_metadata(entry.path())): that is what scandir is for",
        via.name(),
        found.files.len(),
        file.as_os_str().as_bytes().len()
    );
}

/// How deep the tree of [`walks_a_deep_tree_from_one_stack_frame`] is, and the stack of the
/// thread that walks it: a walk that needs a stack frame per level (hundreds of bytes each)
/// does not fit, a loop over a `Vec` needs a few frames in all.
const DEEP: usize = 1000;
const SMALL_STACK: usize = 64 * 1024;

#[rstest]
fn walks_a_deep_tree_from_one_stack_frame() {
    let test = "walks_a_deep_tree_from_one_stack_frame";
    // A walk that recurses overflows the stack, which aborts the whole process: in a child.
    if !alone_in_a_child_process(module_path!(), test, |_| {}) {
        return;
    }
    let dir = temp_dir();
    let mut deep = dir.path().to_owned();
    for _ in 0..DEEP {
        deep.push("d");
        fs::create_dir(&deep).unwrap_or_else(|e| panic!("cannot create a deep folder: {e}"));
    }
    put(&deep.join("bottom.log"), "x");
    // Said before the walk: if it overflows the stack, this is the last word of the process.
    eprintln!(
        "walking a {DEEP}-deep tree with find_files_with, then with find_files, on a thread \
         with a {} KiB stack: a walk that recurses (into the lister, or into fs::read_dir to \
         find the folders first) needs a stack frame per level and overflows it, in either \
         function (one written on its own must not recurse either). Keep the directories \
         still to visit in a Vec and loop, so that depth costs heap, not stack",
        SMALL_STACK / 1024
    );
    let root = dir.path().to_owned();
    let walker = thread::Builder::new()
        .name(format!("walk on a {} KiB stack", SMALL_STACK / 1024))
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let frames = RefCell::new(BTreeSet::new());
            let found = find_files_with(&root, "log", |path| {
                let marker = 0_u8;
                frames
                    .borrow_mut()
                    .insert(std::ptr::addr_of!(marker) as usize);
                fs::read_dir(path)
            })
            .map(|walk| walk.files);
            let plain = find_files(&root, "log").map(|walk| walk.files);
            (found, frames.into_inner(), plain)
        })
        .expect("the walking thread starts");
    let (found, frames, plain) = walker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    assert!(
        matches!(&found, Ok(files) if *files == [deep.join("bottom.log")]),
        "find_files_with on a {DEEP}-deep tree gave {} file(s) (or an error): {:?}",
        found.as_ref().map_or(0, Vec::len),
        found.as_ref().err()
    );
    assert!(
        matches!(&plain, Ok(files) if *files == [deep.join("bottom.log")]),
        "find_files on a {DEEP}-deep tree gave {} file(s) (or an error): {:?}",
        plain.as_ref().map_or(0, Vec::len),
        plain.as_ref().err()
    );
    let spread = frames.last().unwrap_or(&0) - frames.first().unwrap_or(&0);
    assert!(
        spread < 1024,
        "the lister ran at {} different stack depths spanning {spread} bytes over {} \
         directories: the walk recurses. Keep the directories still to visit in a Vec and \
         loop, so every listing happens from the same frame and depth costs heap, not stack",
        frames.len(),
        DEEP + 1
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): another
/// tree (hidden folders, folders named like matches, deeper levels) against `walkdir`, and two
/// unreadable folders at different depths.
#[cfg(feature = "held-out")]
mod held_out {
    use std::collections::BTreeSet;
    use std::fs;
    use std::io;
    use std::path::{Path, PathBuf};

    use super::{Via, find_files_with, project, put, relative, temp_dir, walkdir_files};

    /// A deterministic tree unlike the visible one: up to 8 levels, hidden folders, folders
    /// whose names end in `.txt`, and files whose extensions differ only in case or position.
    fn another_tree(root: &Path) {
        let mut state: u64 = 0x5eed_d18c;
        let mut next = move |bound: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % bound
        };
        let folders = [".git", "notes.txt", "a", "b b", "Ünïcode"];
        let names = ["f{i}.txt", "f{i}.TXT", "f{i}.txt.bak", "f{i}", ".f{i}.txt"];
        for i in 0..150 {
            let mut path = root.to_owned();
            for _ in 0..next(9) {
                path.push(folders[usize::try_from(next(5)).unwrap_or(0)]);
            }
            let name = names[usize::try_from(next(5)).unwrap_or(0)].replace("{i}", &i.to_string());
            put(&path.join(name), "x");
        }
    }

    #[test]
    fn agrees_with_walkdir_on_a_tree_with_hidden_and_misleading_folders() {
        let dir = temp_dir();
        // The empty tree first: a walk that is not written yet fails here, before the tree is.
        assert_eq!(
            Via::Plain.walk(dir.path(), "txt").files,
            Vec::<PathBuf>::new(),
            "find_files found files in an empty directory"
        );
        another_tree(dir.path());
        let found = Via::Plain.walk(dir.path(), "txt");
        let expected = walkdir_files(dir.path(), "txt");
        let (got, want) = (
            relative(dir.path(), &found.files),
            relative(dir.path(), &expected),
        );
        assert!(
            got == want,
            "find_files(root, \"txt\") found {} files, walkdir {}; only in find_files: {:?}; only \
             in walkdir: {:?}. Folders are entered whatever their names (.git, notes.txt) and \
             never reported; only regular files whose extension is exactly \"txt\" count",
            got.len(),
            want.len(),
            got.iter().filter(|p| !want.contains(p)).collect::<Vec<_>>(),
            want.iter().filter(|p| !got.contains(p)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn two_unreadable_folders_each_warn_once_and_hide_only_their_own_files() {
        let dir = temp_dir();
        project(dir.path());
        let locked: BTreeSet<PathBuf> =
            [dir.path().join("logs/2026/05"), dir.path().join("src/deep")].into();
        let found = find_files_with(dir.path(), "log", |path| {
            if locked.contains(path) {
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            } else {
                fs::read_dir(path)
            }
        });
        let Ok(found) = found else {
            panic!("two unreadable directories made the whole walk fail: {found:?}");
        };
        let warned: BTreeSet<PathBuf> = found.warnings.iter().map(|w| w.path.clone()).collect();
        assert_eq!(
            (
                relative(dir.path(), &found.files),
                found.warnings.len(),
                warned
            ),
            (
                vec![
                    "app.log".to_owned(),
                    "logs/2026/04/app.log".to_owned(),
                    "weird name/a b.log".to_owned()
                ],
                2,
                locked
            ),
            "with logs/2026/05 and src/deep unreadable, the walk must find every .log outside \
             them and add exactly one WalkWarning for each of the two folders"
        );
    }
}
