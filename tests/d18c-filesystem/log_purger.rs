//! Kata 8: a purge of old logs with an injected clock, a dry run and per-file errors.

use std::cell::Cell;
use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use filetime::FileTime;
use rstest::rstest;

use super::{names_in, put, temp_dir};
use crate::log_purger::{PurgeError, PurgeReport, purge_logs, purge_logs_with};

const DAY: Duration = Duration::from_secs(86_400);

/// 2030-01-01T00:00:00Z: far from the real clock, so a purge that reads it gets it wrong.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_893_456_000)
}

/// Writes `name` in `dir`, modified `age` before [`now`] and last read at [`now`].
fn log_aged(dir: &Path, name: &str, age: Duration) {
    let path = dir.join(name);
    put(&path, name);
    let modified = FileTime::from_system_time(now() - age);
    let accessed = FileTime::from_system_time(now());
    filetime::set_file_times(&path, accessed, modified)
        .unwrap_or_else(|e| panic!("cannot set the times of {}: {e}", path.display()));
}

/// A log dir: two old logs, a young one, an old non-log, an old log in a subdirectory, and
/// a directory whose name ends in `.log`.
fn log_dir(dir: &Path) {
    log_aged(dir, "app-2029-11-01.log", 61 * DAY);
    log_aged(dir, "app-2029-12-01.log", 31 * DAY);
    log_aged(dir, "app-2029-12-31.log", DAY);
    log_aged(dir, "notes.txt", 100 * DAY);
    fs::create_dir(dir.join("archive")).unwrap_or_else(|e| panic!("cannot mkdir: {e}"));
    log_aged(&dir.join("archive"), "old.log", 100 * DAY);
    fs::create_dir(dir.join("rotated.log")).unwrap_or_else(|e| panic!("cannot mkdir: {e}"));
    filetime::set_file_mtime(
        dir.join("rotated.log"),
        FileTime::from_system_time(now() - 100 * DAY),
    )
    .unwrap_or_else(|e| panic!("cannot set the mtime of rotated.log: {e}"));
}

fn purge(dir: &Path, dry_run: bool) -> PurgeReport {
    Via::Plain.purge(dir, dry_run)
}

/// A public function that purges. A lesson both share is tested through each: one written
/// on its own, instead of calling the other, must keep it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `purge_logs(…)`.
    Plain,
    /// `purge_logs_with(…, fs::remove_file)`.
    With,
}

impl Via {
    fn name(self) -> &'static str {
        match self {
            Via::Plain => "purge_logs",
            Via::With => "purge_logs_with",
        }
    }

    fn run(
        self,
        dir: &Path,
        older_than: Duration,
        now: SystemTime,
        dry_run: bool,
    ) -> Result<PurgeReport, PurgeError> {
        match self {
            Via::Plain => purge_logs(dir, older_than, now, dry_run),
            Via::With => {
                purge_logs_with(dir, older_than, now, dry_run, |path| fs::remove_file(path))
            }
        }
    }

    /// Purges the logs of `dir` older than 30 days at [`now`].
    fn purge(self, dir: &Path, dry_run: bool) -> PurgeReport {
        self.run(dir, 30 * DAY, now(), dry_run)
            .unwrap_or_else(|e| panic!("{}({}) failed: {e}", self.name(), dir.display()))
    }
}

#[rstest]
fn deletes_the_logs_modified_before_the_cutoff_and_keeps_the_rest(
    #[values(Via::Plain, Via::With)] via: Via,
) {
    let dir = temp_dir();
    log_dir(dir.path());
    let report = via.purge(dir.path(), false);
    assert_eq!(
        report.purged,
        ["app-2029-11-01.log", "app-2029-12-01.log"],
        "the two logs modified more than 30 days before `now` (2030-01-01, passed in: not \
         the real clock; by modification time, not access time) must be purged, sorted"
    );
    assert_eq!(
        report.kept, 1,
        "one .log file is young enough to keep (the directory rotated.log is not a file)"
    );
    assert_eq!(
        names_in(dir.path()),
        ["app-2029-12-31.log", "archive", "notes.txt", "rotated.log"],
        "the old logs must be gone; other files and directories (even one named rotated.log) \
         are never touched"
    );
    assert!(
        dir.path().join("archive/old.log").exists(),
        "subdirectories are not entered"
    );
}

#[cfg(unix)]
#[rstest]
fn only_regular_files_whose_extension_is_log_are_purged(#[values(Via::Plain, Via::With)] via: Via) {
    let dir = temp_dir();
    let logs = dir.path().join("logs");
    fs::create_dir(&logs).unwrap_or_else(|e| panic!("cannot mkdir: {e}"));
    log_aged(dir.path(), "elsewhere.log", 100 * DAY);
    std::os::unix::fs::symlink(dir.path().join("elsewhere.log"), logs.join("link.log"))
        .unwrap_or_else(|e| panic!("cannot create a symlink: {e}"));
    for name in [".log", "app.log.gz", "APP.LOG", "real.log"] {
        log_aged(&logs, name, 100 * DAY);
    }
    // Neither a directory nor a symlink, and not a regular file either: a FIFO and a socket.
    let _socket = super::fifo_and_socket(&logs.join("pipe.log"), &logs.join("socket.log"));
    for name in ["pipe.log", "socket.log"] {
        // By path (utimensat): opening a FIFO to set its times would wait for a writer.
        let old = FileTime::from_system_time(now() - 100 * DAY);
        filetime::set_symlink_file_times(logs.join(name), old, old)
            .unwrap_or_else(|e| panic!("cannot set the times of {name}: {e}"));
    }
    let report = via.purge(&logs, false);
    assert_eq!(
        (report.purged.as_slice(), report.kept),
        (&["real.log".to_owned()][..], 0),
        "only real.log is a regular file whose extension (Path::extension) is exactly `log`: \
         link.log is a symlink (DirEntry::metadata does not follow it), pipe.log a FIFO and \
         socket.log a socket (keep only Metadata::is_file, not \"neither a directory nor a \
         symlink\"), `.log` has no extension, app.log.gz ends in gz, APP.LOG is another \
         extension"
    );
    assert_eq!(
        names_in(&logs),
        [
            ".log",
            "APP.LOG",
            "app.log.gz",
            "link.log",
            "pipe.log",
            "socket.log"
        ],
        "everything but real.log must still be there"
    );
}

#[rstest]
fn a_dry_run_deletes_nothing_and_never_calls_remove() {
    let dir = temp_dir();
    log_dir(dir.path());
    let before = names_in(dir.path());
    let calls = Cell::new(0);
    let got = purge_logs_with(dir.path(), 30 * DAY, now(), true, |path| {
        calls.set(calls.get() + 1);
        fs::remove_file(path)
    });
    let Ok(report) = got else {
        panic!("the dry run failed: {got:?}");
    };
    assert_eq!(calls.get(), 0, "a dry run must never call remove");
    assert_eq!(
        names_in(dir.path()),
        before,
        "a dry run must delete nothing"
    );
    assert_eq!(
        report.purged,
        ["app-2029-11-01.log", "app-2029-12-01.log"],
        "a dry run reports what it would delete"
    );
    let report = purge(dir.path(), true);
    assert_eq!(
        (names_in(dir.path()), report.purged.as_slice()),
        (
            before,
            &["app-2029-11-01.log", "app-2029-12-01.log"].map(String::from)[..]
        ),
        "a dry run of purge_logs must delete nothing too, and report what it would delete"
    );
}

#[rstest]
fn the_cutoff_itself_is_kept_and_so_is_the_future(#[values(Via::Plain, Via::With)] via: Via) {
    let dir = temp_dir();
    log_aged(dir.path(), "at-cutoff.log", 30 * DAY);
    log_aged(
        dir.path(),
        "just-before.log",
        30 * DAY + Duration::from_secs(1),
    );
    let future = dir.path().join("future.log");
    put(&future, "clock skew");
    filetime::set_file_mtime(&future, FileTime::from_system_time(now() + DAY))
        .unwrap_or_else(|e| panic!("cannot set the mtime: {e}"));
    let report = via.purge(dir.path(), false);
    assert_eq!(
        report.purged,
        ["just-before.log"],
        "a file is purged only when modified strictly before now - older_than; one modified \
         at the cutoff, or in the future, is kept"
    );
    assert_eq!(report.kept, 2);
}

/// A log modified on 1969-12-31, purged with a cutoff in 2029 and with one exactly at the
/// epoch (`now` 30 days after it): before 1970 is before both.
#[rstest]
#[case::cutoff_in_2029(now())]
#[case::cutoff_at_the_epoch(UNIX_EPOCH + 30 * DAY)]
fn a_log_modified_before_1970_is_purged(
    #[case] at: SystemTime,
    #[values(Via::Plain, Via::With)] via: Via,
) {
    let dir = temp_dir();
    let path = dir.path().join("from-1969.log");
    put(&path, "from-1969.log");
    filetime::set_file_mtime(&path, FileTime::from_system_time(UNIX_EPOCH - DAY))
        .unwrap_or_else(|e| panic!("cannot set the mtime: {e}"));
    let stored = fs::metadata(&path).and_then(|meta| meta.modified());
    assert!(
        stored.as_ref().is_ok_and(|mtime| *mtime < UNIX_EPOCH),
        "the test's file system must keep an mtime before 1970, got {stored:?}"
    );
    let report = via
        .run(dir.path(), 30 * DAY, at, false)
        .unwrap_or_else(|e| panic!("{} failed: {e}", via.name()));
    assert_eq!(
        (report.purged, report.failed),
        (vec!["from-1969.log".to_owned()], vec![]),
        "a log last modified on 1969-12-31 is older than the cutoff {:?} and must be purged, \
         not kept nor reported as a failure: compare the SystemTime values themselves, with \
         no conversion to a duration since the epoch (duration_since(UNIX_EPOCH) fails before \
         1970, and clamping it to zero makes 1969 equal to a cutoff at the epoch)",
        report.cutoff
    );
}

/// Cutoffs that are not whole seconds: at .5 s an f64 of a 2029 timestamp cannot tell 1 ns
/// apart; at .001000001 s and .000001001 s whole milliseconds or microseconds cannot either.
#[rstest]
#[case::half_a_second(500_000_000)]
#[case::a_nanosecond_past_a_millisecond(1_000_001)]
#[case::a_nanosecond_past_a_microsecond(1_001)]
fn a_file_modified_a_nanosecond_before_the_cutoff_is_purged(
    #[case] nanos: u64,
    #[values(Via::Plain, Via::With)] via: Via,
) {
    let dir = temp_dir();
    let now = now() + Duration::from_nanos(nanos);
    let cutoff = now - 30 * DAY;
    let path = dir.path().join("a-hair-old.log");
    put(&path, "old");
    let modified = cutoff - Duration::from_nanos(1);
    filetime::set_file_mtime(&path, FileTime::from_system_time(modified))
        .unwrap_or_else(|e| panic!("cannot set the mtime: {e}"));
    let stored = fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .unwrap_or_else(|e| panic!("cannot read the mtime back: {e}"));
    assert_eq!(
        stored, modified,
        "the test's file system must keep nanosecond modification times"
    );
    let report = via
        .run(dir.path(), 30 * DAY, now, false)
        .unwrap_or_else(|e| panic!("{} failed: {e}", via.name()));
    assert_eq!(
        report.purged,
        ["a-hair-old.log"],
        "a file modified 1 ns before a cutoff {nanos} ns past a whole second was kept: \
         compare the SystemTime values themselves, not float seconds (an f64 of a 2029 \
         timestamp cannot tell 1 ns apart) nor whole milliseconds or microseconds"
    );
}

/// Every kind of removal failure, not only the article's `PermissionError`: a file in use
/// (EBUSY), a read-only filesystem (EROFS), a disk error (EIO).
#[rstest]
#[case::permission_denied(io::Error::from(io::ErrorKind::PermissionDenied))]
#[case::busy(io::Error::from_raw_os_error(libc::EBUSY))]
#[case::read_only_filesystem(io::Error::from_raw_os_error(libc::EROFS))]
#[case::disk_error(io::Error::from_raw_os_error(libc::EIO))]
fn a_failed_removal_is_recorded_and_the_purge_goes_on(#[case] error: io::Error) {
    let dir = temp_dir();
    log_aged(dir.path(), "a.log", 40 * DAY);
    log_aged(dir.path(), "locked.log", 40 * DAY);
    log_aged(dir.path(), "z.log", 40 * DAY);
    let (kind, shown) = (error.kind(), error.to_string());
    let mut error = Some(error);
    let got = purge_logs_with(dir.path(), 30 * DAY, now(), false, |path| {
        if path.ends_with("locked.log") {
            Err(error
                .take()
                .unwrap_or_else(|| io::Error::other("removed twice")))
        } else {
            fs::remove_file(path)
        }
    });
    let Ok(report) = got else {
        panic!(
            "removing locked.log failed with `{shown}` and the whole purge failed: {got:?}. \
             Any failed removal (not only a permission error: a busy file, a read-only \
             filesystem, a disk error) is one entry in report.failed, and the purge goes on"
        );
    };
    assert_eq!(
        report.failed,
        [("locked.log".to_owned(), kind)],
        "the file that could not be removed (`{shown}`) must be recorded with the error kind"
    );
    assert_eq!(
        report.purged,
        ["a.log", "z.log"],
        "the files before and after the locked one must still be purged"
    );
    assert_eq!(names_in(dir.path()), ["locked.log"]);
    let left = fs::read_to_string(dir.path().join("locked.log")).unwrap_or_default();
    assert_eq!(
        left, "locked.log",
        "locked.log could not be removed and its content changed: a failed removal is \
         recorded and the file left alone (never truncated or rewritten)"
    );
}

#[rstest]
fn a_file_gone_before_its_metadata_is_read_is_recorded_and_the_purge_goes_on() {
    let dir = temp_dir();
    let names = ["a.log", "b.log"];
    for name in names {
        log_aged(dir.path(), name, 40 * DAY);
    }
    // Another cleaner, racing this one: the first removal takes both files, so the purge
    // finds the second one gone, whether it reads its metadata before or after.
    let got = purge_logs_with(dir.path(), 30 * DAY, now(), false, |path| {
        fs::remove_file(path)?;
        for name in names {
            let _ = fs::remove_file(dir.path().join(name));
        }
        Ok(())
    });
    let Ok(report) = got else {
        panic!(
            "a log that vanished during the purge made the whole purge fail: {got:?}; a file \
             whose metadata cannot be read is one failure, recorded in report.failed"
        );
    };
    let mut seen: Vec<&str> = report.purged.iter().map(String::as_str).collect();
    seen.extend(report.failed.iter().map(|(name, _)| name.as_str()));
    seen.sort_unstable();
    let kinds: Vec<io::ErrorKind> = report.failed.iter().map(|(_, kind)| *kind).collect();
    assert!(
        (report.purged.len(), kinds.as_slice(), seen.as_slice())
            == (1, &[io::ErrorKind::NotFound][..], &names[..]),
        "of two old logs, the second vanished once the first was removed; the report says \
         purged {:?}, failed {:?}, kept {}: one is purged and the other is in report.failed \
         with NotFound, whether its metadata or its removal failed. A file that cannot be \
         examined is not skipped in silence (the operator must learn it was left) and does \
         not stop the purge",
        report.purged,
        report.failed,
        report.kept
    );
}

/// What the seccomp filter of [`purge_logs_records_what_the_system_refuses_and_goes_on`]
/// refuses on the purging thread.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy)]
enum Refusal {
    /// Every removal of a file fails with `EBUSY` (a file in use).
    Removal,
    /// Every read of a file's metadata (`statx`) fails with `EACCES`, not `ENOENT`.
    Metadata,
}

#[cfg(target_os = "linux")]
#[rstest]
#[case::removal(Refusal::Removal, libc::EBUSY, &["a.log"], 1)]
#[case::metadata(Refusal::Metadata, libc::EACCES, &["a.log", "b.log"], 0)]
fn purge_logs_records_what_the_system_refuses_and_goes_on(
    #[case] refusal: Refusal,
    #[case] errno: i32,
    #[case] failed: &[&str],
    #[case] kept: usize,
) {
    use super::{Refused, refuse_for_this_thread};
    let dir = temp_dir();
    log_aged(dir.path(), "a.log", 40 * DAY);
    log_aged(dir.path(), "b.log", DAY);
    // On a thread of its own, every such call fails at once (a seccomp filter): the real
    // remove_file and metadata reads of purge_logs meet it.
    let got = super::on_a_thread_of_its_own(|| {
        // One metadata read first, so that std knows statx works and does not fall
        // back to another call when the filter refuses it.
        let _ = fs::symlink_metadata(dir.path());
        let mut refused = vec![];
        match refusal {
            Refusal::Removal => {
                refused.push(Refused::Every(libc::SYS_unlinkat));
                #[cfg(target_arch = "x86_64")]
                refused.push(Refused::Every(libc::SYS_unlink));
            }
            Refusal::Metadata => {
                refused.push(Refused::Every(libc::SYS_statx));
                // And std's fallback when it thinks statx is missing (a stat that
                // does not follow a link; listing a folder's own fstat still works).
                #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
                refused.push(Refused::WithArg(
                    libc::SYS_newfstatat,
                    3,
                    u32::try_from(libc::AT_SYMLINK_NOFOLLOW).expect("a small flag"),
                ));
            }
        }
        refuse_for_this_thread(&refused, errno);
        purge_logs(dir.path(), 30 * DAY, now(), false)
    });
    let kind = io::Error::from_raw_os_error(errno).kind();
    let failed: Vec<(String, io::ErrorKind)> = failed
        .iter()
        .map(|name| ((*name).to_owned(), kind))
        .collect();
    assert!(
        matches!(&got, Ok(report)
            if report.failed == failed && report.purged.is_empty() && report.kept == kept),
        "purge_logs, on a thread where every {refusal:?} call fails with error {errno} \
         ({kind:?}), gave {got:?}: {failed:?} must be in report.failed, each with that kind \
         (the error's own kind, not one assumed), none in purged, {kept} kept, and the purge \
         must go on. purge_logs written on its own must record what it could not examine or \
         remove as purge_logs_with does (skipping it in silence hides from the operator that \
         the disk was not freed); the simplest way is to call purge_logs_with with \
         fs::remove_file"
    );
}

#[rstest]
fn renders_a_real_run_report() {
    let dir = temp_dir();
    log_dir(dir.path());
    let report = purge(dir.path(), false);
    assert_suite_snapshot!("log_purger_real_run", report.to_string());
}

#[rstest]
fn renders_a_dry_run_report_with_a_failure() {
    let dir = temp_dir();
    log_dir(dir.path());
    // A cutoff on a leap day, one second before midnight, to exercise the UTC rendering.
    let report = PurgeReport {
        failed: vec![("locked.log".to_owned(), io::ErrorKind::PermissionDenied)],
        cutoff: UNIX_EPOCH + Duration::from_secs(1_709_251_199),
        ..purge(dir.path(), true)
    };
    assert_suite_snapshot!("log_purger_dry_run", report.to_string());
}

#[rstest]
fn a_missing_directory_is_an_error(#[values(Via::Plain, Via::With)] via: Via) {
    let dir = temp_dir();
    let missing = dir.path().join("no-such-dir");
    let got = via.run(&missing, 30 * DAY, now(), true);
    assert!(
        matches!(&got, Err(PurgeError::ReadDir { path, .. }) if *path == missing),
        "{} of a missing directory gave {got:?}: it must be PurgeError::ReadDir",
        via.name()
    );
}

#[rstest]
fn a_cutoff_before_the_epoch_is_an_error(#[values(Via::Plain, Via::With)] via: Via) {
    let dir = temp_dir();
    let got = via.run(dir.path(), 30 * DAY, UNIX_EPOCH + 10 * DAY, true);
    assert!(
        matches!(got, Err(PurgeError::CutoffBeforeEpoch)),
        "{} 30 days before 1970-01-11 gave {got:?}: it must be PurgeError::CutoffBeforeEpoch",
        via.name()
    );
}

#[rstest]
#[case::epoch(0, "1970-01-01T00:00:00Z")]
#[case::leap_day_2000(951_827_696, "2000-02-29T12:34:56Z")]
#[case::day_after_a_leap_day(951_868_800, "2000-03-01T00:00:00Z")]
#[case::new_years_eve(1_735_689_599, "2024-12-31T23:59:59Z")]
#[case::no_leap_day_in_2100(4_107_485_350, "2100-02-28T08:09:10Z")]
#[case::march_2100(4_107_542_400, "2100-03-01T00:00:00Z")]
#[case::new_years_eve_2399(13_569_379_201, "2399-12-31T00:00:01Z")]
#[case::last_day_of_a_400_year_cycle(13_574_649_487, "2400-02-29T23:58:07Z")]
fn the_first_line_names_the_cutoff_in_utc(#[case] secs: u64, #[case] expected: &str) {
    let report = PurgeReport {
        dry_run: false,
        cutoff: UNIX_EPOCH + Duration::from_secs(secs),
        purged: Vec::new(),
        kept: 0,
        failed: Vec::new(),
    };
    let text = report.to_string();
    assert_eq!(
        text.lines().next(),
        Some(format!("purge .log files modified before {expected}").as_str()),
        "the report's first line must name the cutoff as a UTC timestamp (use the given \
         format_utc), whatever the date"
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): a cutoff at
/// the epoch itself and at `now`, many files in no particular order, and a real run's report
/// with a failure.
#[cfg(feature = "held-out")]
mod held_out {
    use std::fs;
    use std::io;
    use std::path::Path;
    use std::time::{Duration, UNIX_EPOCH};

    use filetime::FileTime;

    use super::{
        DAY, PurgeReport, log_aged, names_in, now, purge_logs, purge_logs_with, put, temp_dir,
    };

    /// A real purge of `dir` (older than 30 days at [`now`]) in which removing any of the
    /// files named in `locked` fails with a permission error.
    fn purge_with_locked(dir: &Path, locked: &[&str]) -> PurgeReport {
        let got = purge_logs_with(dir, 30 * DAY, now(), false, |path| {
            if locked.iter().any(|name| path.ends_with(name)) {
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            } else {
                fs::remove_file(path)
            }
        });
        got.unwrap_or_else(|e| panic!("locked files made the whole purge fail: {e}"))
    }

    #[test]
    fn a_cutoff_exactly_at_the_epoch_is_not_before_it() {
        let dir = temp_dir();
        let now = UNIX_EPOCH + 30 * DAY;
        let path = dir.path().join("fresh.log");
        put(&path, "fresh");
        filetime::set_file_mtime(&path, FileTime::from_system_time(now))
            .unwrap_or_else(|e| panic!("cannot set the mtime: {e}"));
        let got = purge_logs(dir.path(), 30 * DAY, now, false);
        assert!(
            matches!(&got, Ok(report) if report.cutoff == UNIX_EPOCH
                && report.purged.is_empty() && report.kept == 1),
            "purging with older_than 30 days at 1970-01-31 gave {got:?}: the cutoff is \
             1970-01-01T00:00:00Z, the epoch itself, which is not before the epoch; only a \
             cutoff earlier than that is PurgeError::CutoffBeforeEpoch"
        );
    }

    #[test]
    fn an_age_of_zero_purges_what_was_modified_before_now() {
        let dir = temp_dir();
        log_aged(dir.path(), "a-second-ago.log", Duration::from_secs(1));
        log_aged(dir.path(), "right-now.log", Duration::ZERO);
        let got = purge_logs(dir.path(), Duration::ZERO, now(), false).map(|r| (r.purged, r.kept));
        assert!(
            matches!(&got, Ok((purged, 1)) if purged == &["a-second-ago.log"]),
            "purging with older_than 0 gave (purged, kept) {got:?}: the cutoff is now itself, so \
             a file modified a second before is purged and one modified at now is kept"
        );
    }

    #[test]
    fn names_come_out_sorted_whatever_order_the_directory_lists_them_in() {
        let dir = temp_dir();
        let names = [
            "m.log",
            "c.log",
            "x.log",
            "a.log",
            "q.log",
            "locked-b.log",
            "z.log",
            "f.log",
            "locked-a.log",
            "k.log",
            "young.log",
        ];
        for name in names {
            let age = if name == "young.log" { DAY } else { 40 * DAY };
            log_aged(dir.path(), name, age);
        }
        let report = purge_with_locked(dir.path(), &["locked-a.log", "locked-b.log"]);
        let denied = io::ErrorKind::PermissionDenied;
        assert_eq!(
            (
                report.purged.as_slice(),
                report.failed.as_slice(),
                report.kept
            ),
            (
                &[
                    "a.log", "c.log", "f.log", "k.log", "m.log", "q.log", "x.log", "z.log"
                ]
                .map(String::from)[..],
                &[
                    ("locked-a.log".to_owned(), denied),
                    ("locked-b.log".to_owned(), denied)
                ][..],
                1
            ),
            "purged and failed must list the names sorted (the directory lists them in whatever \
             order it likes), and kept counts the young log"
        );
        assert_eq!(
            names_in(dir.path()),
            ["locked-a.log", "locked-b.log", "young.log"],
            "only the locked files and the young one may be left"
        );
    }

    #[test]
    fn a_real_run_reports_its_failures_after_the_count() {
        let dir = temp_dir();
        log_aged(dir.path(), "old.log", 40 * DAY);
        log_aged(dir.path(), "stuck.log", 40 * DAY);
        let report = purge_with_locked(dir.path(), &["stuck.log"]);
        let text = report.to_string();
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                "purge .log files modified before 2029-12-02T00:00:00Z",
                "deleted old.log",
                "kept 0 file(s)",
                "failed stuck.log: permission denied",
            ],
            "the report of a real run with one failure rendered as {text:?}: the cutoff line, one \
             `deleted` line per file, the kept count, then one `failed <name>: <error kind>` line \
             per failure"
        );
    }
}
