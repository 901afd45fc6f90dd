//! The learner's record of work, `.kata/history.jsonl`: append-only, one JSON object a line,
//! each chained to the line before it by a hash, so an edited or cut record is found and
//! named ("record edited at event N") instead of silently believed.
//!
//! A line is `{"n":…,"at":…,"kata":…,"event":…,…,"hash":"…"}`: `n` counts from 1, `at` is
//! Unix seconds (for `first_edit`, the kata file's modification time), `hash` is FNV-1a over
//! the previous line's hash, a newline and the line's own text without its `hash` field.
//! `.kata/history.head` keeps the number and hash of the last event written, so a record cut
//! short at a line boundary is found too.
//!
//! This module reads, checks, repairs and appends; the caller ([`crate::state`]) holds the lock
//! `.kata/progress.lock` around [`repair`] and [`append`], and folds the events into counts.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::Status;
use crate::state::Fnv;

/// The record inside `.kata/`.
pub const LOG_FILE: &str = "history.jsonl";
/// The number and hash of the record's last event, inside `.kata/`.
pub const HEAD_FILE: &str = "history.head";
/// Events found edited are moved to `history.jsonl.edited-<secs>-<nanos>` next to the record.
pub const EDITED_PREFIX: &str = "history.jsonl.edited-";

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The counts of a progress file written before this record existed, carried over once.
    Imported {
        /// Checks up to green.
        checks: u32,
        /// Hints before green.
        hints_used: u32,
        /// The solution was shown before green.
        peeked: bool,
        /// Checks after green.
        practice_checks: u32,
        /// Hints after green.
        practice_hints: u32,
        /// When the kata's clock started, if it had.
        first_edit: Option<u64>,
        /// The first green, if any.
        green_at: Option<u64>,
    },
    /// The kata file seen changed from its stub for the first time; `at` is the file's
    /// modification time then.
    FirstEdit,
    /// A learner's check; `practice` when the kata was already green. The verdict, unless the
    /// files changed while it ran (then only the check counts).
    Check {
        /// After green.
        practice: bool,
        /// The verdict's status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<Status>,
        /// Tests that passed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        passed: Option<usize>,
        /// Tests that did not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failed: Option<usize>,
    },
    /// A hint shown; `practice` when the kata was already green.
    Hint {
        /// After green.
        practice: bool,
    },
    /// The reference solution shown: before green (`--peek`) or after.
    Solution {
        /// Shown before the kata was green.
        before_green: bool,
    },
    /// The kata's first green verdict.
    Green,
    /// `cargo kata reset`: the stub put back (the learner's file backed up).
    Reset,
    /// `cargo kata restore`: a backup put back.
    Restore,
    /// An exam started.
    ExamStart,
    /// An exam ended.
    ExamEnd,
    /// The record was found edited or cut: events from `at_event` on were not counted.
    RecordEdited(RecordEdit),
    /// An event this version of the runner does not know (written by a newer one).
    #[serde(other)]
    Unknown,
}

/// What a `record_edited` event says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordEdit {
    /// The first event not counted: it and every later one were changed, cut or lost.
    pub at_event: u64,
    /// What was found.
    pub why: String,
    /// The file (in `.kata/`) the lines from that event on were moved to, if any were left.
    #[serde(default)]
    pub moved_to: Option<String>,
    /// The katas those lines name; `None` when that is unknown (lines cut off or unreadable),
    /// so any kata may miss work.
    #[serde(default)]
    pub katas: Option<Vec<String>>,
}

/// A found edit, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// The first event not counted.
    pub at_event: u64,
    /// Unix seconds when the runner found it.
    pub found_at: u64,
    /// What was found.
    pub why: String,
    /// Where the lines from that event on were moved (in `.kata/`), if any were left.
    pub moved_to: Option<String>,
    /// The katas those lines name; `None`: unknown (see [`Edit::affects`]).
    pub katas: Option<Vec<String>>,
}

impl Edit {
    /// Whether `kata` (`suite/kata`), first edited at `first_edit`, may be missing work
    /// because of this edit: it is named in the lines moved aside, or, when those are
    /// unknown, it was not first edited after the edit was found.
    pub fn affects(&self, kata: &str, first_edit: Option<u64>) -> bool {
        match &self.katas {
            Some(katas) => katas.iter().any(|k| k == kata),
            None => first_edit.is_none_or(|t| t < self.found_at),
        }
    }

    /// One sentence for the learner.
    pub fn describe(&self) -> String {
        let moved = match &self.moved_to {
            Some(f) => format!("; the lines from there on were moved to .kata/{f}"),
            None => String::new(),
        };
        format!(
            "record edited at event {}: {}; events from {} on are not counted{moved}",
            self.at_event, self.why, self.at_event
        )
    }
}

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// 1, 2, 3, … in the order written.
    pub n: u64,
    /// Unix seconds.
    pub at: u64,
    /// `suite/kata`, for events about one kata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kata: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
    /// The chain hash (the line's last field; not part of the hashed text).
    #[serde(skip)]
    pub hash: String,
}

/// An event to append: its kata, its time and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct New {
    /// `suite/kata`, for events about one kata.
    pub kata: Option<String>,
    /// Unix seconds.
    pub at: u64,
    /// What happened.
    pub event: Event,
}

/// Where the record stopped being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The first event not counted.
    pub at_event: u64,
    /// What was found.
    pub why: String,
}

/// The record as read: the events that check out, and what is wrong after them.
#[derive(Debug, Clone, Default)]
pub struct Log {
    /// The record (or its head) exists: counts come from it, not from the progress file.
    pub exists: bool,
    /// The file could not be read (not: does not exist); nothing is trusted or written.
    pub unreadable: Option<String>,
    /// The events up to the first that does not check out.
    pub entries: Vec<Entry>,
    /// Set when the record was edited or cut after `entries`.
    pub damage: Option<Damage>,
    /// Bytes of the file that hold `entries`.
    valid_bytes: usize,
}

impl Log {
    /// The hash the next event chains to.
    pub fn last_hash(&self) -> &str {
        self.entries.last().map_or("", |e| e.hash.as_str())
    }

    /// Every edit found so far, oldest first (the record's `record_edited` events).
    pub fn edits(&self) -> Vec<Edit> {
        self.entries
            .iter()
            .filter_map(|e| match &e.event {
                Event::RecordEdited(r) => Some(Edit {
                    at_event: r.at_event,
                    found_at: e.at,
                    why: r.why.clone(),
                    moved_to: r.moved_to.clone(),
                    katas: r.katas.clone(),
                }),
                _ => None,
            })
            .collect()
    }
}

/// The record's last event as written: detects a record cut at a line boundary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Head {
    n: u64,
    hash: String,
}

/// `<dir>/history.jsonl`.
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join(LOG_FILE)
}

fn head_path(dir: &Path) -> PathBuf {
    dir.join(HEAD_FILE)
}

fn read_head(dir: &Path) -> Option<Head> {
    let text = std::fs::read_to_string(head_path(dir)).ok()?;
    serde_json::from_str(&text).ok()
}

/// The chain: FNV-1a over the previous hash, a newline and this line's text without its hash.
fn chain(prev: &str, body: &str) -> String {
    let mut h = Fnv::default();
    h.write(prev.as_bytes());
    h.write(b"\n");
    h.write(body.as_bytes());
    h.hex()
}

const HASH_KEY: &str = ",\"hash\":\"";
/// `,"hash":"` + 16 hex digits + `"}`.
const HASH_SUFFIX_LEN: usize = HASH_KEY.len() + 16 + 2;

/// One line (without its newline) checked against the previous hash and its expected number.
fn check_line(line: &[u8], prev: &str, n: u64) -> std::result::Result<Entry, String> {
    let line = std::str::from_utf8(line).map_err(|_| "it is not text".to_string())?;
    let split = line
        .len()
        .checked_sub(HASH_SUFFIX_LEN)
        .ok_or_else(|| "it has no hash".to_string())?;
    let (head, suffix) = match (line.get(..split), line.get(split..)) {
        (Some(h), Some(s)) => (h, s),
        _ => return Err("it has no hash".to_string()),
    };
    let hash = suffix
        .strip_prefix(HASH_KEY)
        .and_then(|s| s.strip_suffix("\"}"))
        .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| "it has no hash".to_string())?;
    let body = format!("{head}}}");
    if chain(prev, &body) != hash {
        return Err("its hash does not follow from its text and the events before it".into());
    }
    let mut entry: Entry =
        serde_json::from_str(&body).map_err(|e| format!("it is not an event ({e})"))?;
    if entry.n != n {
        return Err(format!("it is numbered {}", entry.n));
    }
    entry.hash = hash.to_string();
    Ok(entry)
}

/// Reads and checks the record in `dir` (`.kata/`). Never writes.
pub fn read(dir: &Path) -> Log {
    let head = read_head(dir);
    let bytes = match std::fs::read(log_path(dir)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Log {
                exists: true,
                unreadable: Some(format!("{}: {e}", log_path(dir).display())),
                ..Log::default()
            };
        }
    };
    let exists = log_path(dir).exists() || head.is_some();
    let mut log = Log {
        exists,
        ..Log::default()
    };
    let mut start = 0;
    while start < bytes.len() {
        let n = log.entries.len() as u64 + 1;
        let Some(len) = bytes[start..].iter().position(|&b| b == b'\n') else {
            log.damage = Some(Damage {
                at_event: n,
                why: format!("the line of event {n} is cut short"),
            });
            break;
        };
        match check_line(&bytes[start..start + len], log.last_hash(), n) {
            Ok(entry) => {
                log.entries.push(entry);
                start += len + 1;
                log.valid_bytes = start;
            }
            Err(why) => {
                log.damage = Some(Damage {
                    at_event: n,
                    why: format!("line {n} was changed: {why}"),
                });
                break;
            }
        }
    }
    if let Some(head) = head {
        let count = log.entries.len() as u64;
        if head.n > count && log.damage.is_none() {
            log.damage = Some(Damage {
                at_event: count + 1,
                why: format!("the record ends at event {count} but had {} events", head.n),
            });
        } else if head.n >= 1
            && head.n <= count
            && log.entries[(head.n - 1) as usize].hash != head.hash
        {
            // The chain holds but is not the one written: rewritten from an unknown point.
            log.damage = Some(Damage {
                at_event: 1,
                why: format!(
                    "the events were rewritten (event {} is not the one written)",
                    head.n
                ),
            });
            log.entries.clear();
            log.valid_bytes = 0;
        }
    }
    log
}

/// A sortable, unique-enough stamp: seconds and nanoseconds.
fn stamp() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}-{:09}", d.as_secs(), d.subsec_nanos())
}

/// The katas the moved-aside lines name; `None` when a line is not readable as an event.
fn katas_named(tail: &[u8]) -> Option<Vec<String>> {
    let mut katas = BTreeSet::new();
    for line in tail.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let value: serde_json::Value = serde_json::from_slice(line).ok()?;
        let object = value.as_object()?;
        if let Some(k) = object.get("kata") {
            katas.insert(k.as_str()?.to_string());
        }
    }
    Some(katas.into_iter().collect())
}

/// When the record in `dir` is damaged: moves the lines from the first bad event on to
/// `history.jsonl.edited-<stamp>` (never deleted), keeps the events before it, and appends a
/// chained `record_edited` event saying so. `None` when there was nothing to repair. The
/// caller holds the progress lock.
pub fn repair(dir: &Path, now: u64) -> std::io::Result<Option<Edit>> {
    let log = read(dir);
    if let Some(why) = &log.unreadable {
        return Err(std::io::Error::other(why.clone()));
    }
    let Some(damage) = log.damage.clone() else {
        return Ok(None);
    };
    let path = log_path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    let tail = bytes.get(log.valid_bytes..).unwrap_or_default();
    let (moved_to, katas) = if tail.is_empty() {
        (None, None)
    } else {
        let name = format!("{EDITED_PREFIX}{}", stamp());
        crate::fsx::write_new_durable(&dir.join(&name), tail)?;
        crate::fsx::replace_atomically(&path, &bytes[..log.valid_bytes])?;
        (Some(name), katas_named(tail))
    };
    let edit = RecordEdit {
        at_event: damage.at_event,
        why: damage.why,
        moved_to,
        katas,
    };
    let kept = Log {
        exists: true,
        damage: None,
        ..log
    };
    append(
        dir,
        &kept,
        vec![New {
            kata: None,
            at: now,
            event: Event::RecordEdited(edit.clone()),
        }],
    )?;
    Ok(Some(Edit {
        at_event: edit.at_event,
        found_at: now,
        why: edit.why,
        moved_to: edit.moved_to,
        katas: edit.katas,
    }))
}

/// Appends `events` after `log` (as read under the lock the caller holds), syncs the file and
/// records the new head; returns the entries written.
pub fn append(dir: &Path, log: &Log, events: Vec<New>) -> std::io::Result<Vec<Entry>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(why) = &log.unreadable {
        return Err(std::io::Error::other(why.clone()));
    }
    let mut prev = log.last_hash().to_string();
    let mut n = log.entries.len() as u64;
    let mut text = String::new();
    let mut written = Vec::with_capacity(events.len());
    for New { kata, at, event } in events {
        n += 1;
        let mut entry = Entry {
            n,
            at,
            kata,
            event,
            hash: String::new(),
        };
        let body = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        let hash = chain(&prev, &body);
        text.push_str(&body[..body.len() - 1]);
        text.push_str(&format!("{HASH_KEY}{hash}\"}}\n"));
        entry.hash.clone_from(&hash);
        prev = hash;
        written.push(entry);
    }
    let path = log_path(dir);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    file.write_all(text.as_bytes())?;
    file.sync_data()?;
    drop(file);
    let head = Head { n, hash: prev };
    let head_text = serde_json::to_string(&head).map_err(std::io::Error::other)?;
    crate::fsx::replace_atomically(&head_path(dir), (head_text + "\n").as_bytes())?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("kata-history-{name}-"))
            .tempdir()
            .unwrap()
    }

    fn hint(kata: &str, at: u64) -> New {
        New {
            kata: Some(kata.to_string()),
            at,
            event: Event::Hint { practice: false },
        }
    }

    fn write_three(d: &Path) {
        let log = read(d);
        append(
            d,
            &log,
            vec![hint("s/a", 1), hint("s/b", 2), hint("s/a", 3)],
        )
        .unwrap();
    }

    /// Three events written, then the log's text replaced by `edit` of it.
    fn three_then_edited(name: &str, edit: impl FnOnce(&str) -> String) -> tempfile::TempDir {
        let d = dir(name);
        write_three(d.path());
        let path = log_path(d.path());
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(&text)).unwrap();
        d
    }

    #[test]
    fn appended_events_read_back_in_order_with_their_numbers() {
        let d = dir("roundtrip");
        write_three(d.path());
        let log = read(d.path());
        assert!(log.damage.is_none() && log.exists);
        let ns: Vec<u64> = log.entries.iter().map(|e| e.n).collect();
        assert_eq!(ns, [1, 2, 3]);
        assert_eq!(log.entries[1].kata.as_deref(), Some("s/b"));
        let text = std::fs::read_to_string(log_path(d.path())).unwrap();
        assert!(
            text.starts_with(
                "{\"n\":1,\"at\":1,\"kata\":\"s/a\",\"event\":\"hint\",\"practice\":false,\"hash\":\""
            ),
            "{text}"
        );
    }

    #[test]
    fn a_changed_line_is_found_at_its_event_and_the_events_before_are_kept() {
        let d = three_then_edited("changed", |text| text.replacen("\"at\":2", "\"at\":9", 1));
        let log = read(d.path());
        assert_eq!(log.entries.len(), 1);
        assert_eq!(log.damage.as_ref().map(|d| d.at_event), Some(2));
    }

    #[test]
    fn a_record_cut_at_a_line_boundary_is_found_by_its_head() {
        let d = three_then_edited("cut", |text| {
            text.lines().take(2).map(|l| format!("{l}\n")).collect()
        });
        let log = read(d.path());
        assert_eq!(log.entries.len(), 2);
        assert_eq!(log.damage.as_ref().map(|d| d.at_event), Some(3));
    }

    #[test]
    fn a_record_cut_inside_a_line_is_found_at_that_event() {
        let d = three_then_edited("cut-inside", |text| {
            let second_line_ends = text.match_indices('\n').nth(1).unwrap().0;
            text[..second_line_ends - 5].to_string()
        });
        let log = read(d.path());
        assert_eq!(log.entries.len(), 1);
        assert_eq!(log.damage.as_ref().map(|d| d.at_event), Some(2));
    }

    #[test]
    fn a_deleted_record_is_found_by_its_head() {
        let d = dir("deleted");
        write_three(d.path());
        std::fs::remove_file(log_path(d.path())).unwrap();
        let log = read(d.path());
        assert!(log.exists, "its head remains");
        assert_eq!(log.damage.as_ref().map(|d| d.at_event), Some(1));
    }

    #[test]
    fn repair_moves_the_bad_lines_aside_and_records_the_edit_in_the_chain() {
        let d = three_then_edited("repair", |text| text.replacen("s/b", "s/c", 1));
        let edit = repair(d.path(), 50).unwrap().expect("damage found");
        assert_eq!(edit.at_event, 2);
        assert_eq!(
            edit.katas.as_deref(),
            Some(&["s/a".to_string(), "s/c".to_string()][..])
        );
        let moved = std::fs::read_to_string(d.path().join(edit.moved_to.as_ref().unwrap()));
        assert_eq!(moved.unwrap().lines().count(), 2, "never deleted");
        let log = read(d.path());
        assert!(log.damage.is_none(), "{:?}", log.damage);
        assert_eq!(log.entries.len(), 2);
        assert_eq!(log.edits().len(), 1);
        assert_eq!(log.edits()[0].found_at, 50);
        assert!(repair(d.path(), 60).unwrap().is_none(), "repaired once");
    }

    #[test]
    fn an_event_of_a_newer_runner_is_read_and_ignored_not_called_an_edit() {
        let d = dir("newer");
        let log = read(d.path());
        append(
            d.path(),
            &log,
            vec![New {
                kata: None,
                at: 1,
                event: Event::ExamStart,
            }],
        )
        .unwrap();
        let path = log_path(d.path());
        let text = std::fs::read_to_string(&path).unwrap();
        let body = text.trim_end().replace("exam_start", "teleported");
        let body = &body[..body.len() - HASH_SUFFIX_LEN];
        let body = format!("{body}}}");
        let line = format!(
            "{}{HASH_KEY}{}\"}}\n",
            &body[..body.len() - 1],
            chain("", &body)
        );
        std::fs::write(&path, line).unwrap();
        std::fs::remove_file(head_path(d.path())).unwrap();
        let log = read(d.path());
        assert!(log.damage.is_none(), "{:?}", log.damage);
        assert_eq!(log.entries[0].event, Event::Unknown);
    }
}
