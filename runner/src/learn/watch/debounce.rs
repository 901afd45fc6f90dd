//! Turning a burst of file-system events into one re-check.
//!
//! Editors save in several steps (write a temporary file, rename it over the original,
//! restore permissions); each step is an event. The [`Debouncer`] collects the events of a
//! burst and releases one [`Change`] once the files have been quiet for a while, or almost
//! at once when the last event closed a source file written in place (the save is over). It
//! is pure: the caller passes the instants, so tests need neither sleeps nor a clock.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind};

use super::filter::changed_sources;

/// The quiet period used by watch mode unless told otherwise. Editors finish a save
/// within microseconds to a few milliseconds; this wait is part of every save-to-verdict
/// time, so it stays short.
pub const DEFAULT_QUIET: Duration = Duration::from_millis(50);

/// The wait after a source file opened for writing was closed, if nothing follows: an editor
/// that writes in place (or a shell's `>`) has finished, so only a chmod or a second file of
/// the same save can still come, within microseconds.
pub const AFTER_CLOSE: Duration = Duration::from_millis(3);

/// One save (or burst of saves): the learner's source files it touched, sorted (empty
/// when the watcher lost track of what changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The `.rs` files that changed, without duplicates.
    pub paths: Vec<PathBuf>,
    /// When the first event of the burst was seen: the save, for "save → verdict" times.
    pub first_seen: Instant,
}

/// Collects relevant events and releases one [`Change`] per burst.
#[derive(Debug)]
pub struct Debouncer {
    root: PathBuf,
    quiet: Duration,
    first_event: Option<Instant>,
    last_event: Option<Instant>,
    /// When the last relevant event closed a source file written to (`None` once another
    /// relevant event follows it).
    closed_at: Option<Instant>,
    paths: BTreeSet<PathBuf>,
}

impl Debouncer {
    /// A debouncer for events under `root` that waits for `quiet` without relevant events
    /// before releasing a change.
    pub fn new(root: impl Into<PathBuf>, quiet: Duration) -> Self {
        Self {
            root: root.into(),
            quiet,
            first_event: None,
            last_event: None,
            closed_at: None,
            paths: BTreeSet::new(),
        }
    }

    /// The watched directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Records `event`, seen at `at`. Events that touch no learner source file (swap
    /// files, reads, other extensions) are dropped and do not extend the burst.
    pub fn record(&mut self, event: &Event, at: Instant) {
        let paths = changed_sources(&self.root, event);
        if paths.is_empty() {
            return;
        }
        self.paths.extend(paths);
        self.touch(at);
        let closed = matches!(
            event.kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        self.closed_at = closed.then_some(at);
    }

    /// Records that something changed at `at` without knowing what (the event queue
    /// overflowed or reported an error): a re-check is the safe answer.
    pub fn record_unknown(&mut self, at: Instant) {
        self.touch(at);
        self.closed_at = None;
    }

    fn touch(&mut self, at: Instant) {
        self.first_event = Some(self.first_event.map_or(at, |first| first.min(at)));
        self.last_event = Some(self.last_event.map_or(at, |last| last.max(at)));
    }

    /// When the pending burst becomes a change if nothing else happens: [`AFTER_CLOSE`]
    /// after a closing write, the quiet period after any other event; `None` when nothing is
    /// pending.
    pub fn deadline(&self) -> Option<Instant> {
        let last = self.last_event?;
        Some(match self.closed_at {
            Some(closed) => closed + AFTER_CLOSE.min(self.quiet),
            None => last + self.quiet,
        })
    }

    /// Releases the pending change if the files have been quiet since the deadline.
    pub fn poll(&mut self, now: Instant) -> Option<Change> {
        let deadline = self.deadline()?;
        if now < deadline {
            return None;
        }
        self.last_event = None;
        self.closed_at = None;
        let first_seen = self.first_event.take().unwrap_or(deadline - self.quiet);
        let paths = std::mem::take(&mut self.paths).into_iter().collect();
        Some(Change { paths, first_seen })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::EventKind;
    use notify::event::{
        AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, ModifyKind, RemoveKind,
        RenameMode,
    };

    const QUIET: Duration = Duration::from_millis(120);

    fn dir() -> PathBuf {
        PathBuf::from("/repo/katas/d16/src")
    }

    fn ev(kind: EventKind, names: &[&str]) -> Event {
        names
            .iter()
            .fold(Event::new(kind), |e, n| e.add_path(dir().join(n)))
    }

    fn ms(base: Instant, n: u64) -> Instant {
        base + Duration::from_millis(n)
    }

    /// Feeds `(millisecond, event)` pairs and polls after each, like the watcher thread,
    /// then polls once more long after the last event. Returns every released change.
    fn replay(events: Vec<(u64, Event)>) -> Vec<Vec<PathBuf>> {
        let t0 = Instant::now();
        let mut d = debouncer();
        let mut out = Vec::new();
        let mut last = 0;
        for (at, e) in events {
            out.extend(d.poll(ms(t0, at)));
            d.record(&e, ms(t0, at));
            last = at;
        }
        out.extend(d.poll(ms(t0, last + 10_000)));
        out.into_iter().map(|c| c.paths).collect()
    }

    fn lib_change() -> Vec<PathBuf> {
        vec![dir().join("lib.rs")]
    }

    /// A debouncer over the test root with the tests' quiet period.
    fn debouncer() -> Debouncer {
        Debouncer::new("/repo/katas", QUIET)
    }

    /// Data written to the named files.
    fn written(names: &[&str]) -> Event {
        ev(EventKind::Modify(ModifyKind::Data(DataChange::Any)), names)
    }

    /// The named files, opened for writing, closed.
    fn closed_after_write(names: &[&str]) -> Event {
        ev(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            names,
        )
    }

    #[test]
    fn write_rename_and_chmod_of_one_save_are_one_change() {
        let changes = replay(vec![
            (0, ev(EventKind::Create(CreateKind::File), &["lib.rs.tmp"])),
            (
                1,
                ev(
                    EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                    &["lib.rs.tmp", "lib.rs"],
                ),
            ),
            (
                2,
                ev(
                    EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
                    &["lib.rs"],
                ),
            ),
        ]);
        assert_eq!(changes, vec![lib_change()], "one save must be one re-check");
    }

    #[test]
    fn vim_backup_and_rename_save_is_one_change() {
        let changes = replay(vec![
            (0, ev(EventKind::Create(CreateKind::File), &["4913"])),
            (0, ev(EventKind::Remove(RemoveKind::File), &["4913"])),
            (
                1,
                ev(
                    EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                    &["lib.rs", "lib.rs~"],
                ),
            ),
            (2, ev(EventKind::Create(CreateKind::File), &["lib.rs"])),
            (3, written(&["lib.rs"])),
            (4, closed_after_write(&["lib.rs"])),
            (5, ev(EventKind::Remove(RemoveKind::File), &["lib.rs~"])),
            (6, written(&[".lib.rs.swp"])),
        ]);
        assert_eq!(changes, vec![lib_change()]);
    }

    #[test]
    fn emacs_and_jetbrains_helper_files_alone_trigger_nothing() {
        let changes = replay(vec![
            (0, ev(EventKind::Create(CreateKind::File), &[".#lib.rs"])),
            (10, ev(EventKind::Create(CreateKind::File), &["#lib.rs#"])),
            (
                20,
                ev(EventKind::Create(CreateKind::File), &["lib.rs___jb_tmp___"]),
            ),
            (
                30,
                ev(EventKind::Remove(RemoveKind::File), &["lib.rs___jb_old___"]),
            ),
        ]);
        assert!(changes.is_empty(), "no .rs file changed: {changes:?}");
    }

    #[test]
    fn the_quiet_period_restarts_with_every_relevant_event() {
        let t0 = Instant::now();
        let mut d = debouncer();
        let write = written(&["lib.rs"]);
        d.record(&write, t0);
        assert_eq!(d.deadline(), Some(ms(t0, 120)));
        d.record(&write, ms(t0, 100));
        assert_eq!(d.poll(ms(t0, 150)), None, "still inside the burst");
        let change = d
            .poll(ms(t0, 220))
            .expect("released after the quiet period");
        assert_eq!(change.paths, lib_change());
        assert_eq!(
            change.first_seen, t0,
            "the save is the first event of the burst"
        );
        assert_eq!(d.poll(ms(t0, 10_000)), None, "released once");
        assert_eq!(d.deadline(), None);
    }

    #[test]
    fn a_closing_write_releases_the_change_without_the_quiet_period() {
        let t0 = Instant::now();
        let mut d = debouncer();
        let modify = written(&["lib.rs"]);
        let close = closed_after_write(&["lib.rs"]);
        d.record(&modify, t0);
        d.record(&close, ms(t0, 1));
        assert_eq!(d.deadline(), Some(ms(t0, 1) + AFTER_CLOSE));
        assert_eq!(
            d.poll(ms(t0, 1) + AFTER_CLOSE).map(|c| c.paths),
            Some(lib_change()),
            "a file closed after writing is a finished save"
        );
    }

    #[test]
    fn an_event_after_the_closing_write_brings_the_quiet_period_back() {
        let t0 = Instant::now();
        let mut d = debouncer();
        d.record(&closed_after_write(&["lib.rs.tmp.rs"]), t0);
        d.record(
            &ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["lib.rs.tmp.rs", "lib.rs"],
            ),
            ms(t0, 1),
        );
        assert_eq!(d.deadline(), Some(ms(t0, 121)), "the save may not be over");
    }

    #[test]
    fn irrelevant_events_do_not_extend_the_burst() {
        let t0 = Instant::now();
        let mut d = debouncer();
        d.record(&ev(EventKind::Create(CreateKind::File), &["lib.rs"]), t0);
        d.record(
            &ev(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                &["lib.rs"],
            ),
            ms(t0, 100),
        );
        assert_eq!(d.poll(ms(t0, 120)).map(|c| c.paths), Some(lib_change()));
    }

    #[test]
    fn a_lost_event_queue_still_triggers_one_recheck() {
        let t0 = Instant::now();
        let mut d = debouncer();
        d.record_unknown(t0);
        let change = d
            .poll(ms(t0, 120))
            .expect("an unknown change is still a change");
        assert!(change.paths.is_empty(), "nothing is known about which file");
    }

    #[test]
    fn two_saves_apart_are_two_changes() {
        let write = |name| written(&[name]);
        let changes = replay(vec![(0, write("lib.rs")), (500, write("map.rs"))]);
        assert_eq!(changes, vec![lib_change(), vec![dir().join("map.rs")]]);
    }

    #[test]
    fn files_saved_together_are_one_change_listing_both() {
        let changes = replay(vec![
            (0, ev(EventKind::Create(CreateKind::File), &["map.rs"])),
            (5, ev(EventKind::Create(CreateKind::File), &["lib.rs"])),
        ]);
        assert_eq!(
            changes,
            vec![vec![dir().join("lib.rs"), dir().join("map.rs")]]
        );
    }
}
