//! Kata 3: joining a user's path to a root without ever leaving it.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rstest::rstest;

use super::{dir_name, put, temp_dir};
use crate::safe_join::{PathError, safe_join};

#[rstest]
#[case::plain("a/b", "a/b")]
#[case::dot("a/./b", "a/b")]
#[case::double_slash("a//b", "a/b")]
#[case::dot_dot_inside("inner/../b", "b")]
#[case::trailing_slash("a/b/", "a/b")]
#[case::dotted_name("..hidden/x", "..hidden/x")]
#[case::name_with_dots("a..b", "a..b")]
fn joins_the_normalised_user_path_to_the_root(
    #[case] user: &str,
    #[case] below: &str,
    #[values(false, true)] root_not_utf8: bool,
) {
    let dir = temp_dir();
    let root = dir.path().join(dir_name(root_not_utf8));
    std::fs::create_dir(&root).unwrap_or_else(|e| panic!("cannot create the root: {e}"));
    let got = safe_join(&root, user);
    assert!(
        matches!(&got, Ok(p) if *p == root.join(below)),
        "safe_join({root:?}, {user:?}) gave {got:?}: it must be root/{below}, the user path \
         normalised lexically (names merely containing dots are ordinary names), joined as \
         a Path: a root whose name is not UTF-8 keeps its bytes (to_string_lossy and \
         format! would turn them into U+FFFD, another path than the one checked)"
    );
}

#[rstest]
fn the_empty_path_is_the_root_itself() {
    let dir = temp_dir();
    let got = safe_join(dir.path(), "");
    assert!(
        matches!(&got, Ok(p) if p == dir.path()),
        "safe_join(root, \"\") gave {got:?}: nothing below the root is the root"
    );
}

#[rstest]
#[case::parent("..")]
#[case::classic("../../etc/passwd")]
#[case::hidden_in_the_middle("a/../../etc")]
#[case::out_and_back_in_by_the_roots_own_name("a/../../{root}/b")]
#[case::straight_back_in_by_the_roots_own_name("../{root}")]
#[case::after_dots("./../x")]
#[case::deep("a/b/c/../../../../x")]
fn refuses_a_dot_dot_that_climbs_above_the_root(#[case] user: &str) {
    let dir = temp_dir();
    let user = &with_root_name(dir.path(), user);
    let got = safe_join(dir.path(), user);
    assert!(
        matches!(&got, Err(PathError::EscapesRoot(p)) if p == user),
        "safe_join(root, {user:?}) gave {got:?}: a `..` that climbs above the root, even for \
         a moment, must be PathError::EscapesRoot with the user path, also when it comes back \
         in by the root's own name (joining first and checking the normalised result only \
         sees where the path ends, not that it left the root on the way)"
    );
}

/// `user` with `{root}` replaced by the root directory's own name, so that a path can climb
/// out of the root and come straight back into it.
fn with_root_name(root: &Path, user: &str) -> String {
    let name = root.file_name().expect("a temp dir has a name");
    user.replace("{root}", &name.to_string_lossy())
}

#[rstest]
#[case::etc("/etc/passwd")]
#[case::double("//etc")]
#[case::root_only("/")]
fn refuses_an_absolute_user_path(#[case] user: &str) {
    let dir = temp_dir();
    let got = safe_join(dir.path(), user);
    assert!(
        matches!(&got, Err(PathError::Absolute(p)) if p == user),
        "safe_join(root, {user:?}) gave {got:?}: joining an absolute path replaces the root, \
         so it must be PathError::Absolute"
    );
}

#[rstest]
fn accepts_a_path_that_does_not_exist_yet() {
    let dir = temp_dir();
    let got = safe_join(dir.path(), "uploads/2026/new.bin");
    assert!(
        matches!(&got, Ok(p) if *p == dir.path().join("uploads/2026/new.bin")),
        "safe_join gave {got:?} for a path to be created: the check must work without the \
         file existing (not fs::canonicalize on the whole path)"
    );
}

/// A root dir and a secret outside it, in one temp dir.
#[cfg(unix)]
fn root_and_outside() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = temp_dir();
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    put(&root.join("inner/file.txt"), "inside");
    put(&outside.join("secret.txt"), "secret");
    (dir, root, outside)
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link)
        .unwrap_or_else(|e| panic!("cannot create the symlink {}: {e}", link.display()));
}

/// `root/inner/hop` leads outside; `root/first` leads to it (`target`), or through it.
#[cfg(unix)]
#[rstest]
#[case::to_the_link("inner/hop", "first/secret.txt")]
#[case::through_the_link_to_a_file_beyond("inner/hop/secret.txt", "first")]
fn refuses_a_chain_of_two_symlinks_whose_second_leads_outside(
    #[case] target: &str,
    #[case] user: &str,
) {
    let (_dir, root, outside) = root_and_outside();
    symlink(&outside, &root.join("inner/hop"));
    symlink(Path::new(target), &root.join("first"));
    let got = safe_join(&root, user);
    assert!(
        matches!(&got, Err(PathError::SymlinkEscapes(p)) if *p == root.join("first")),
        "safe_join(root, {user:?}) gave {got:?}: root/first -> {target}, and root/inner/hop \
         is a symlink to a directory outside the root; reading one hop (read_link), or \
         following links by hand on the text of their targets, misses the links inside a \
         target: resolve the link all the way (canonicalize) and check where it really \
         lands, PathError::SymlinkEscapes naming root/first"
    );
}

/// `root/ok` leads inside (to `root/inner`), and `root/inner/out` leads outside: the path
/// goes through both, the harmless one first.
#[cfg(unix)]
#[rstest]
#[case::to_a_file_that_exists("ok/out/secret.txt")]
#[case::to_a_file_not_created_yet("ok/out/new.txt")]
fn refuses_a_symlink_that_leads_outside_behind_one_that_stays_inside(#[case] user: &str) {
    let (_dir, root, outside) = root_and_outside();
    symlink(&root.join("inner"), &root.join("ok"));
    symlink(&outside, &root.join("inner/out"));
    let got = safe_join(&root, user);
    assert!(
        matches!(&got, Err(PathError::SymlinkEscapes(p))
            if *p == root.join("ok/out") || *p == root.join("inner/out")),
        "safe_join(root, {user:?}) gave {got:?}: root/ok -> root/inner stays inside, but \
         root/inner/out is a symlink to a directory outside the root, and the path goes \
         through it. Check every symlink on the way, not only the first one met: \
         PathError::SymlinkEscapes naming root/ok/out"
    );
}

#[cfg(unix)]
#[rstest]
#[case::to_a_file_that_exists("out/back/file.txt")]
#[case::to_a_file_not_created_yet("out/back/new.txt")]
fn refuses_a_path_that_leaves_through_one_symlink_and_comes_back_through_another(
    #[case] user: &str,
) {
    let (_dir, root, outside) = root_and_outside();
    symlink(&outside, &root.join("out"));
    symlink(&root.join("inner"), &outside.join("back"));
    let got = safe_join(&root, user);
    assert!(
        matches!(&got, Err(PathError::SymlinkEscapes(p)) if *p == root.join("out")),
        "safe_join(root, {user:?}) gave {got:?}: root/out is a symlink to a directory outside \
         the root, and outside/back leads back into root/inner, so the whole path resolves \
         inside; but it passes through a directory the root does not control (whoever owns \
         it can change `back` at any time). Check every symlink on the way, not only where \
         the deepest existing part lands: PathError::SymlinkEscapes naming root/out"
    );
}

#[cfg(unix)]
#[rstest]
fn refuses_a_symlink_that_leads_outside_the_root() {
    let (_dir, root, outside) = root_and_outside();
    symlink(&outside, &root.join("escape"));
    let got = safe_join(&root, "escape/secret.txt");
    assert!(
        matches!(&got, Err(PathError::SymlinkEscapes(p)) if *p == root.join("escape")),
        "safe_join(root, \"escape/secret.txt\") gave {got:?}: root/escape is a symlink to a \
         directory outside the root; the text is harmless but the disk is not, so it must be \
         PathError::SymlinkEscapes naming root/escape"
    );
}

#[cfg(unix)]
#[rstest]
fn refuses_a_new_file_under_a_symlink_that_leads_outside_the_root() {
    let (_dir, root, outside) = root_and_outside();
    symlink(&outside, &root.join("escape"));
    let got = safe_join(&root, "escape/upload.bin");
    assert!(
        matches!(&got, Err(PathError::SymlinkEscapes(p)) if *p == root.join("escape")),
        "safe_join(root, \"escape/upload.bin\") gave {got:?}: the file does not exist yet, but \
         writing it would create it outside the root through the symlink root/escape; check \
         every existing component, not only a full path that exists"
    );
    assert!(
        !outside.join("upload.bin").exists(),
        "nothing may be created outside"
    );
}

#[cfg(unix)]
#[rstest]
fn refuses_a_symlink_to_a_file_outside_the_root() {
    let (_dir, root, outside) = root_and_outside();
    symlink(
        &outside.join("secret.txt"),
        &root.join("inner/innocent.txt"),
    );
    let got = safe_join(&root, "inner/innocent.txt");
    assert!(
        matches!(&got, Err(PathError::SymlinkEscapes(p)) if *p == root.join("inner/innocent.txt")),
        "safe_join gave {got:?}: the last component is a symlink to a file outside the root; \
         every existing component must be checked, the last one included"
    );
}

#[cfg(unix)]
#[rstest]
fn refuses_a_relative_symlink_that_climbs_out() {
    let (_dir, root, _outside) = root_and_outside();
    symlink(Path::new("../../outside"), &root.join("inner/up"));
    let got = safe_join(&root, "inner/up/secret.txt");
    assert!(
        matches!(&got, Err(PathError::SymlinkEscapes(_))),
        "safe_join gave {got:?}: root/inner/up -> ../../outside leaves the root once resolved"
    );
}

#[cfg(unix)]
#[rstest]
#[case::letter_appended("rootx")]
#[case::dash_suffix("root-backup")]
#[case::dot_suffix("root.old")]
fn refuses_a_symlink_into_a_sibling_whose_name_extends_the_roots(#[case] sibling: &str) {
    let (dir, root, _outside) = root_and_outside();
    let neighbour = dir.path().join(sibling);
    put(&neighbour.join("secret.txt"), "secret");
    symlink(&neighbour, &root.join("next-door"));
    let got = safe_join(&root, "next-door/secret.txt");
    assert!(
        matches!(&got, Err(PathError::SymlinkEscapes(p)) if *p == root.join("next-door")),
        "safe_join gave {got:?}: root/next-door leads to {sibling}, a sibling of the root whose \
         name starts with the root's name; it is outside the root. Compare paths by whole \
         components (Path::starts_with), not as strings"
    );
}

#[cfg(unix)]
#[rstest]
#[case::root_as_it_is(false)]
#[case::root_given_through_a_symlink(true)]
fn accepts_a_symlink_that_stays_inside_the_root(#[case] root_through_a_link: bool) {
    let (dir, real_root, _outside) = root_and_outside();
    symlink(&real_root.join("inner"), &real_root.join("shortcut"));
    let root = if root_through_a_link {
        let link = dir.path().join("published");
        symlink(&real_root, &link);
        link
    } else {
        real_root.clone()
    };
    let got = safe_join(&root, "shortcut/file.txt");
    assert!(
        matches!(&got, Ok(p) if *p == root.join("shortcut/file.txt")),
        "safe_join({}, \"shortcut/file.txt\") gave {got:?}: root/shortcut points inside the \
         root, so it is fine, and the result keeps the link's name (it is not canonicalised). \
         The root may itself be reached through a symlink (here {}, as macOS's /var is): \
         compare a link's resolved target with the resolved root, not with the root as given",
        root.display(),
        real_root.display()
    );
}

/// `root/later` dangles: its target is missing outside the root, or missing at a path
/// inside the root whose text looks safe but which `root/inner/out` (a link outside)
/// would send outside once created.
#[cfg(unix)]
#[rstest]
#[case::target_outside(false)]
#[case::target_text_inside_but_through_a_link_outside(true)]
fn refuses_a_dangling_symlink(#[case] text_looks_inside: bool) {
    let (_dir, root, outside) = root_and_outside();
    let target = if text_looks_inside {
        symlink(&outside, &root.join("inner/out"));
        root.canonicalize().unwrap().join("inner/out/new")
    } else {
        outside.join("not-yet")
    };
    symlink(&target, &root.join("later"));
    let got = safe_join(&root, "later");
    assert!(
        matches!(&got, Err(PathError::BrokenSymlink(p)) if *p == root.join("later")),
        "safe_join gave {got:?} for root/later -> {}: a symlink that cannot be resolved could \
         be pointed anywhere once its target appears (its text proves nothing: a link on the \
         way can lead outside); it must be PathError::BrokenSymlink",
        target.display()
    );
}

#[rstest]
fn a_missing_root_is_an_error() {
    let dir = temp_dir();
    let root = dir.path().join("no-such-root");
    let got = safe_join(&root, "a");
    assert!(
        matches!(&got, Err(PathError::Root { path, .. }) if *path == root),
        "safe_join gave {got:?} for a root that does not exist: it must be PathError::Root"
    );
}

/// User paths built from the components where traversal bites, the root's own name
/// (`{root}`, see [`with_root_name`]) included.
fn user_path() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(
        prop_oneof![
            Just("a"),
            Just("b"),
            Just(".."),
            Just("."),
            Just(""),
            Just("{root}")
        ],
        0..8,
    )
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn accepts_exactly_the_paths_that_never_climb_above_the_root(parts in user_path()) {
        let dir = temp_dir();
        let user = with_root_name(dir.path(), &parts.join("/"));
        let mut depth = 0_i32;
        let mut climbs = false;
        for part in &parts {
            match *part {
                ".." => { depth -= 1; climbs |= depth < 0; }
                "." | "" => {}
                _ => depth += 1,
            }
        }
        let absolute = user.starts_with('/');
        let got = safe_join(dir.path(), &user);
        match &got {
            Ok(path) => {
                prop_assert!(!climbs && !absolute, "safe_join accepted {:?}, which leaves the root", user);
                prop_assert!(path.starts_with(dir.path()), "{:?} gave {:?}, outside the root", user, path);
                prop_assert!(
                    path.components().all(|c| !matches!(c, std::path::Component::ParentDir)),
                    "{:?} gave {:?}: the result must be normalised", user, path
                );
            }
            Err(PathError::Absolute(_)) => prop_assert!(absolute, "{:?} is not absolute", user),
            Err(error) => prop_assert!(climbs && !absolute, "safe_join refused {:?} ({:?}), which stays inside", user, error),
        }
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): a symlink
/// loop, links to the root itself and to a parent inside it, and a root that is itself reached
/// through a symlink.
#[cfg(feature = "held-out")]
#[cfg(unix)] // every case here is about symlinks
mod held_out {
    use std::path::Path;

    use super::{PathError, root_and_outside, safe_join, symlink};

    #[test]
    fn a_symlink_loop_is_refused_as_broken() {
        let (_dir, root, _outside) = root_and_outside();
        symlink(Path::new("ping"), &root.join("pong"));
        symlink(Path::new("pong"), &root.join("ping"));
        let got = safe_join(&root, "ping/file.txt");
        assert!(
            matches!(&got, Err(PathError::BrokenSymlink(p)) if *p == root.join("ping")),
            "safe_join(root, \"ping/file.txt\") gave {got:?}: root/ping -> pong -> ping never \
             resolves (the system gives up with a loop error), so it must be \
             PathError::BrokenSymlink naming root/ping"
        );
    }

    #[test]
    fn links_to_the_root_itself_and_to_a_parent_inside_it_stay_inside() {
        let (_dir, root, _outside) = root_and_outside();
        symlink(&root, &root.join("home"));
        symlink(Path::new(".."), &root.join("inner/up"));
        let got = (
            safe_join(&root, "home/inner/file.txt"),
            safe_join(&root, "inner/up/inner/file.txt"),
        );
        assert!(
            matches!(&got, (Ok(a), Ok(b))
                if *a == root.join("home/inner/file.txt")
                    && *b == root.join("inner/up/inner/file.txt")),
            "safe_join gave {got:?}: root/home leads to the root itself and root/inner/up (..) \
             back to it; the root is inside the root (Path::starts_with is true for equal paths), \
             so both are accepted and keep the links' names"
        );
    }

    #[test]
    fn a_root_reached_through_a_symlink_judges_links_by_the_real_root() {
        let (dir, real_root, outside) = root_and_outside();
        let root = dir.path().join("published");
        symlink(&real_root, &root);
        symlink(&real_root.join("inner"), &real_root.join("by-real-path"));
        symlink(&root.join("inner"), &real_root.join("by-link-path"));
        symlink(&outside, &real_root.join("escape"));
        let got = (
            safe_join(&root, "by-real-path/file.txt"),
            safe_join(&root, "by-link-path/file.txt"),
            safe_join(&root, "escape/secret.txt"),
        );
        assert!(
            matches!(&got, (Ok(a), Ok(b), Err(PathError::SymlinkEscapes(c)))
                if *a == root.join("by-real-path/file.txt")
                    && *b == root.join("by-link-path/file.txt")
                    && *c == root.join("escape")),
            "with the root given as the symlink {} to {}, safe_join gave {got:?}: a link's \
             resolved target is a real path, so compare it with the resolved root \
             (canonicalize both); links into the root, however they name it, are fine, and the \
             link to the outside is still PathError::SymlinkEscapes",
            root.display(),
            real_root.display()
        );
    }
}
