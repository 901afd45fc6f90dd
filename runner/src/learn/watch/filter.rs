//! Which file-system events are a learner saving a kata: `.rs` files only, never an
//! editor's swap, backup, lock or temporary file, never anything the runner reads.

use std::path::{Component, Path, PathBuf};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind};

/// Whether `kind` can change a file's contents or name.
///
/// Opening or reading a file is not a change (the check itself reads every source file,
/// and must not trigger the next check); closing a file that was open for writing is. A
/// change of times or permissions alone is not either: the check itself sets the mtime of
/// the inputs whose bytes cargo has not seen (`crate::fresh`).
pub fn is_change_kind(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

/// Whether a file name is an editor's helper file rather than the file being edited.
///
/// Covers vim (`4913` probe files, `.swp`/`.swx`/`.swo`… swap files, `~` backups), emacs
/// (`.#name` locks, `#name#` autosaves) and JetBrains IDEs (`___jb_tmp___`,
/// `___jb_old___`), plus every hidden file.
pub fn is_editor_artifact(name: &str) -> bool {
    let vim_swap = name.len() > 4 && {
        let (rest, ext) = name.split_at(name.len() - 4);
        !rest.is_empty() && ext.starts_with(".sw") && ext.as_bytes()[3].is_ascii_lowercase()
    };
    name.is_empty()
        || name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.bytes().all(|b| b.is_ascii_digit())
        || vim_swap
}

/// Whether `path` (under the watched directory `root`) is a Rust source file a learner
/// edits: a `.rs` file that is not an editor artifact and not inside a hidden or `target`
/// directory.
pub fn is_source_path(root: &Path, path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if is_editor_artifact(name) || !name.ends_with(".rs") {
        return false;
    }
    let inner = path.strip_prefix(root).unwrap_or(path);
    let mut dirs = inner.parent().into_iter().flat_map(Path::components);
    !dirs.any(|c| match c {
        Component::Normal(d) => d
            .to_str()
            .is_none_or(|d| d.starts_with('.') || d == "target"),
        _ => false,
    })
}

/// The learner's source files that `event` touched; empty when it is not a change.
pub fn changed_sources(root: &Path, event: &Event) -> Vec<PathBuf> {
    if !is_change_kind(&event.kind) {
        return Vec::new();
    }
    event
        .paths
        .iter()
        .filter(|p| is_source_path(root, p))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RenameMode};

    fn root() -> PathBuf {
        PathBuf::from("/repo/katas")
    }

    #[test]
    fn a_change_of_times_alone_is_not_a_save() {
        use notify::event::MetadataKind;
        let times = EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any));
        assert!(
            !is_change_kind(&times),
            "fresh sets mtimes; that is no save"
        );
        assert!(is_change_kind(&EventKind::Modify(ModifyKind::Any)));
    }

    #[test]
    fn rust_sources_are_watched() {
        for p in [
            "/repo/katas/d16/src/lib.rs",
            "/repo/katas/d16/src/take_while.rs",
        ] {
            assert!(is_source_path(&root(), Path::new(p)), "{p} is a kata file");
        }
    }

    #[test]
    fn editor_artifacts_are_ignored() {
        for name in [
            "4913",
            "5036",
            ".fsum.rs.swp",
            ".fsum.rs.swx",
            "fsum.rs.swo",
            "fsum.rs~",
            ".#fsum.rs",
            "#fsum.rs#",
            "fsum.rs___jb_tmp___",
            "fsum.rs___jb_old___",
            "fsum.py",
            "Cargo.toml",
            ".rs",
        ] {
            let p = root().join("d19a/src").join(name);
            assert!(
                !is_source_path(&root(), &p),
                "{name} must not trigger a check"
            );
        }
    }

    #[test]
    fn hidden_and_target_directories_are_ignored() {
        for p in [
            "/repo/katas/d16/target/debug/build/x.rs",
            "/repo/katas/.git/x.rs",
        ] {
            assert!(
                !is_source_path(&root(), Path::new(p)),
                "{p} is not a kata file"
            );
        }
    }

    #[test]
    fn reading_a_file_is_not_a_change() {
        let open = Event::new(EventKind::Access(AccessKind::Open(AccessMode::Any)))
            .add_path(root().join("d16/src/lib.rs"));
        assert!(
            changed_sources(&root(), &open).is_empty(),
            "the check reads files"
        );
        let close_read = Event::new(EventKind::Access(AccessKind::Close(AccessMode::Read)))
            .add_path(root().join("d16/src/lib.rs"));
        assert!(changed_sources(&root(), &close_read).is_empty());
    }

    #[test]
    fn a_rename_onto_a_source_file_is_a_change_of_that_file() {
        let target = root().join("d16/src/lib.rs");
        let rename = Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(root().join("d16/src/lib.rs___jb_tmp___"))
            .add_path(target.clone());
        assert_eq!(changed_sources(&root(), &rename), vec![target]);
        let create = Event::new(EventKind::Create(CreateKind::File)).add_path(root().join("4913"));
        assert!(changed_sources(&root(), &create).is_empty());
    }
}
