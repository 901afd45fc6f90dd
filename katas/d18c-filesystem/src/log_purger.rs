//! # Kata 8: the log purger
//!
//! **Build** `purge_logs_with(dir, older_than, now, dry_run, remove)`: delete the `.log`
//! files of `dir` last modified before `now - older_than`, or, in a dry run, only say which
//! ones it would delete; a file that cannot be deleted is recorded and the purge goes on.
//! `purge_logs(…)` is the same with [`std::fs::remove_file`] as `remove`.
//!
//! **Why.** A cleanup job runs unattended on a production box. It must be testable without
//! waiting thirty days (so "now" is a parameter), previewable (a dry run that provably
//! deletes nothing), and robust: one locked file must not stop it from freeing the disk.
//!
//! **Python → Rust.** The article insists on timezone-aware UTC datetimes. Rust's
//! [`std::time::SystemTime`] has no timezone to get wrong: it is an instant, counted from the
//! Unix epoch in UTC, and [`std::fs::Metadata::modified`] returns one. `now - older_than` is
//! `SystemTime - Duration` ([`std::time::SystemTime::checked_sub`]); comparing two
//! `SystemTime`s needs no conversion. Taking `now` as a parameter instead of calling
//! `SystemTime::now()` inside is what makes the purge testable (the tests set mtimes with
//! the `filetime` crate). Python catches `PermissionError` in the loop; in Rust the loop
//! matches on each `io::Result` and pushes failures into the report.
//!
//! The removal step is a parameter so that the tests can make one deletion fail: this suite
//! runs as root in CI, and root deletes files in a read-only directory anyway.
//!
//! **Two doors, one lesson.** Each rule below that does not need a `remove` of the test's
//! own is tested through both `purge_logs` and `purge_logs_with` (with
//! `fs::remove_file`): one written on its own, instead of calling the other, must keep
//! every rule too. The simplest way is for `purge_logs` to call `purge_logs_with`.
//!
//! **The tests check.**
//! - Only regular files directly in `dir` whose extension ([`std::path::Path::extension`]) is
//!   exactly `log` are considered: subdirectories are not entered, a directory named
//!   `x.log`, a symlink named `x.log` (`DirEntry::metadata` does not follow it), a FIFO or a
//!   Unix socket named `x.log` (keep `Metadata::is_file`, not "neither a directory nor a
//!   symlink"), `.log` (no extension), `x.log.gz` and `X.LOG` are never touched nor counted.
//!   Checked by
//!   `deletes_the_logs_modified_before_the_cutoff_and_keeps_the_rest`,
//!   `only_regular_files_whose_extension_is_log_are_purged`.
//! - A file is purged when its modification time (not its access time, and with `now` as
//!   given, not the real clock) is strictly before the cutoff `now - older_than`; a file
//!   modified at the cutoff or later (even in the future) is kept, and one modified before
//!   1970 is purged (an instant before the epoch compares like any other, also with a
//!   cutoff exactly at the epoch). Checked by
//!   `deletes_the_logs_modified_before_the_cutoff_and_keeps_the_rest`,
//!   `the_cutoff_itself_is_kept_and_so_is_the_future`, `a_log_modified_before_1970_is_purged`.
//! - The comparison keeps every nanosecond (compare `SystemTime` values, not float seconds,
//!   nor whole milliseconds or microseconds): a file modified 1 ns before a cutoff that is
//!   not a whole second (.5 s, .001000001 s, .000001001 s past one) is purged. Checked by
//!   `a_file_modified_a_nanosecond_before_the_cutoff_is_purged`.
//! - `PurgeReport::purged` lists the purged (or, in a dry run, the would-be purged) file
//!   names, sorted; `kept` counts the `.log` files kept; `failed` lists the file names whose
//!   metadata or removal failed, sorted, each with the `io::ErrorKind`, and the purge goes on
//!   after a failure of any kind (a removal refused with a permission error, a busy file,
//!   a read-only filesystem or a disk error: not only the article's `PermissionError`),
//!   leaving the file that could not be removed untouched (its content intact); a
//!   file that vanished once listed (its metadata fails with `NotFound`) is one failure,
//!   never skipped in silence nor a reason to stop. Checked by
//!   `a_failed_removal_is_recorded_and_the_purge_goes_on`,
//!   `a_file_gone_before_its_metadata_is_read_is_recorded_and_the_purge_goes_on`,
//!   `deletes_the_logs_modified_before_the_cutoff_and_keeps_the_rest`.
//! - `purge_logs` records the failures of its real removal and metadata reads too, each
//!   with its own kind: with every removal of a file refused (`EBUSY`) for the calling
//!   thread (a seccomp filter; Linux), the old log is in `failed` with `ResourceBusy`; with
//!   every metadata read (`statx`) refused (`EACCES`), each `.log` file is in `failed` with
//!   `PermissionDenied` (not an assumed `NotFound`); none in `purged`, and the purge goes
//!   on. Checked by `purge_logs_records_what_the_system_refuses_and_goes_on`.
//! - A dry run never calls `remove` and deletes nothing (`purge_logs`' dry run neither).
//!   Checked by `a_dry_run_deletes_nothing_and_never_calls_remove`.
//! - A `dir` that cannot be listed gives `PurgeError::ReadDir`; an `older_than` that reaches
//!   before the Unix epoch gives `PurgeError::CutoffBeforeEpoch`. Checked by
//!   `a_missing_directory_is_an_error`, `a_cutoff_before_the_epoch_is_an_error`.
//! - The report renders with `Display` exactly as the snapshots show (the given
//!   [`format_utc`] writes the cutoff, example below). Checked by `renders_a_real_run_report`,
//!   `renders_a_dry_run_report_with_a_failure`, `the_first_line_names_the_cutoff_in_utc`.
//!
//! For example:
//!
//! ```text
//! dry run: purge .log files modified before 2030-01-01T00:00:00Z
//! would delete app-1.log
//! would delete app-2.log
//! kept 1 file(s)
//! failed locked.log: permission denied
//! ```
//!
//! A real run says `deleted` instead of `would delete`, and its first line starts with
//! `purge` instead of `dry run: purge`.
//!
//! **Not checked.** How the `.log` test is written: `Path::extension() == "log"` and a
//! lossy-name `ends_with(".log")` that also rules out the bare name `.log` pick the same
//! files (a non-UTF-8 name still ends in the bytes `.log`), so no test tells them apart.
//! What the purge does when `Metadata::modified` itself fails (a fallback to the access time
//! or the real clock there would break the rule above): on Linux, once the metadata is read,
//! `modified` cannot fail (std fills it from `statx`), and the test that refuses `statx`
//! makes the metadata read fail before it; no test reaches that path.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Why a purge could not run.
#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    /// The directory could not be listed.
    #[error("cannot list {}: {source}", path.display())]
    ReadDir {
        /// The directory given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// `now - older_than` is before 1970-01-01.
    #[error("the cutoff falls before the Unix epoch")]
    CutoffBeforeEpoch,
}

/// What a purge did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeReport {
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Files modified strictly before this instant are purged.
    pub cutoff: SystemTime,
    /// The names of the files purged (or that would be), sorted.
    pub purged: Vec<String>,
    /// How many `.log` files were young enough to keep.
    pub kept: usize,
    /// The names of the files that could not be examined or removed, sorted, with why.
    pub failed: Vec<(String, io::ErrorKind)>,
}

/// Purges the old `.log` files of `dir` with [`std::fs::remove_file`].
pub fn purge_logs(
    dir: &Path,
    older_than: Duration,
    now: SystemTime,
    dry_run: bool,
) -> Result<PurgeReport, PurgeError> {
    todo!(
        "purge (dry run: {dry_run}) the .log files of {} older than {older_than:?} at {}",
        dir.display(),
        format_utc(now)
    )
}

/// Purges the `.log` files of `dir` modified before `now - older_than`, removing each with
/// `remove` (never called in a dry run), going on after a failure.
pub fn purge_logs_with(
    dir: &Path,
    older_than: Duration,
    now: SystemTime,
    dry_run: bool,
    _remove: impl FnMut(&Path) -> io::Result<()>,
) -> Result<PurgeReport, PurgeError> {
    todo!(
        "purge (dry run: {dry_run}) the .log files of {} older than {older_than:?} at {}",
        dir.display(),
        format_utc(now)
    )
}

impl fmt::Display for PurgeReport {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("render the report {self:?}")
    }
}

/// `time` as an ISO 8601 UTC timestamp to the second, like `2030-01-01T00:00:00Z`
/// (given: not part of the kata). Instants before 1970 print as the epoch.
pub fn format_utc(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (rest / 3600, rest / 60 % 60, rest % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// The proleptic Gregorian date `days` days after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}
