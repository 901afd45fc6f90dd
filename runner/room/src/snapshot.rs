//! A learner's snapshot as the room reads it: the `cargo kata report --json` document,
//! checked (a JSON object, `schema_version` 2, a `katas` array of objects with an `id`) and
//! read leniently (every other field has a default, so a runner that writes more or fewer
//! fields still reports). Nothing in it is trusted: ids, statuses and test names are checked
//! for form and length here, and escaped wherever they are shown.

use serde::Deserialize;
use serde_json::Value;

/// The snapshot's schema this server reads (the runner's).
pub const SCHEMA_VERSION: u64 = kata_runner::report::SCHEMA_VERSION as u64;

/// The largest snapshot body, in bytes (413 above).
pub const MAX_BODY: usize = 1 << 20;

/// The most katas one snapshot may list (the curriculum has under a hundred).
pub const MAX_KATAS: usize = 1000;

/// The longest kata id (`suite/kata`).
pub const MAX_ID: usize = 100;

/// A failing test's name is cut to this many characters.
pub const MAX_TEST_NAME: usize = 300;

/// Why a body is not a snapshot (400).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Malformed {
    /// Not JSON at all.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// JSON, but not an object.
    #[error("not a JSON object: send the output of `cargo kata report --json`")]
    NotObject,
    /// Another schema (or none).
    #[error("schema_version {found}, this room reads {SCHEMA_VERSION}: update the runner")]
    Schema {
        /// What the body says, as JSON text.
        found: String,
    },
    /// No `katas` array.
    #[error("no `katas` array: send the output of `cargo kata report --json`")]
    NoKatas,
    /// Too many katas.
    #[error("{0} katas: at most {MAX_KATAS}")]
    TooManyKatas(usize),
    /// A field has the wrong type.
    #[error("not a report snapshot: {0}")]
    Shape(String),
    /// A kata id that is not `suite/kata`.
    #[error("kata {index}: id {id:?} is not `suite/kata`")]
    BadId {
        /// Its position in `katas`.
        index: usize,
        /// The id, cut to 40 characters.
        id: String,
    },
    /// A status that is not a word.
    #[error("kata {index}: status {status:?} is not a status")]
    BadStatus {
        /// Its position in `katas`.
        index: usize,
        /// The status, cut to 40 characters.
        status: String,
    },
}

/// What the room keeps of a snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// The kata the learner is on, if the runner says (and it is a `suite/kata` id).
    pub current_kata: Option<String>,
    /// One cell per kata, in the snapshot's order, no id twice.
    pub katas: Vec<Cell>,
}

/// One kata of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Cell {
    /// `suite/kata`.
    pub id: String,
    /// The runner's status word (`green`, `red`, `does_not_compile`, `not_started`, …).
    #[serde(default = "not_started")]
    pub status: String,
    /// Hints taken before green.
    #[serde(default)]
    pub hints_used: u32,
    /// The solution was shown before green.
    #[serde(default)]
    pub solution_peeked: bool,
    /// Checks up to the first green.
    #[serde(default)]
    pub checks: u32,
    /// Tests that passed at the last check.
    #[serde(default)]
    pub tests_passed: u64,
    /// Tests at the last check.
    #[serde(default)]
    pub tests_total: u64,
    /// Seconds from the first edit to green.
    #[serde(default)]
    pub time_to_green_secs: Option<u64>,
    /// The first failing test's name at the last check.
    #[serde(default)]
    pub failing_test: Option<String>,
}

fn not_started() -> String {
    "not_started".into()
}

impl Cell {
    /// A cell for tests: no hints, no peek, no time, no failing test.
    #[cfg(test)]
    pub(crate) fn sample(id: &str, status: &str, checks: u32, passed: u64, total: u64) -> Cell {
        Cell {
            id: id.into(),
            status: status.into(),
            hints_used: 0,
            solution_peeked: false,
            checks,
            tests_passed: passed,
            tests_total: total,
            time_to_green_secs: None,
            failing_test: None,
        }
    }

    /// Green.
    pub fn green(&self) -> bool {
        self.status == "green"
    }

    /// Many checks without a green and at most half the tests passing (the runner's rule,
    /// `kata_runner::report::is_stuck`).
    pub fn many_checks(&self) -> bool {
        !self.green()
            && self.checks >= kata_runner::report::STUCK_CHECKS
            && self.tests_passed.saturating_mul(2) <= self.tests_total
    }

    /// Work has begun on it and it is not green: the time box's clock runs.
    pub fn in_progress(&self) -> bool {
        !self.green()
            && (self.checks > 0 || self.status == "red" || self.status == "does_not_compile")
    }
}

/// The envelope, read in one pass over the body (fields the room does not use are skipped).
#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    schema_version: Option<Value>,
    #[serde(default)]
    katas: Option<Vec<Cell>>,
    #[serde(default)]
    current_kata: Option<Value>,
}

/// Whether `id` has the form `suite/kata` (letters, digits, `_`, `-`, `.`; at most
/// [`MAX_ID`] characters).
pub fn is_kata_id(id: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    };
    id.len() <= MAX_ID && id.split_once('/').is_some_and(|(s, k)| part(s) && part(k))
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Checks and reads a snapshot body.
pub fn parse(body: &[u8]) -> Result<Snapshot, Malformed> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Ok(_) => Malformed::NotObject,
                Err(e) => Malformed::NotJson(e.to_string()),
            },
        );
    }
    let raw: Raw = serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => Malformed::Shape(e.to_string()),
        _ => Malformed::NotJson(e.to_string()),
    })?;
    match &raw.schema_version {
        Some(v) if v.as_u64() == Some(SCHEMA_VERSION) => {}
        other => {
            return Err(Malformed::Schema {
                found: other
                    .as_ref()
                    .map_or("none".into(), |v| cut(&v.to_string(), 20)),
            });
        }
    }
    let Some(cells) = raw.katas else {
        return Err(Malformed::NoKatas);
    };
    if cells.len() > MAX_KATAS {
        return Err(Malformed::TooManyKatas(cells.len()));
    }
    let mut katas: Vec<Cell> = Vec::with_capacity(cells.len());
    for (index, mut cell) in cells.into_iter().enumerate() {
        if !is_kata_id(&cell.id) {
            return Err(Malformed::BadId {
                index,
                id: cut(&cell.id, 40),
            });
        }
        if cell.status.is_empty()
            || cell.status.len() > 32
            || !cell
                .status
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_')
        {
            return Err(Malformed::BadStatus {
                index,
                status: cut(&cell.status, 40),
            });
        }
        cell.tests_passed = cell.tests_passed.min(cell.tests_total);
        cell.failing_test = cell
            .failing_test
            .filter(|t| !t.is_empty())
            .map(|t| cut(&t, MAX_TEST_NAME));
        if katas.iter().all(|k| k.id != cell.id) {
            katas.push(cell);
        }
    }
    Ok(Snapshot {
        current_kata: raw
            .current_kata
            .as_ref()
            .and_then(Value::as_str)
            .filter(|k| is_kata_id(k))
            .map(str::to_string),
        katas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runner_snapshot_is_read_with_defaults_for_missing_fields() {
        let s = parse(
            br#"{"schema_version":2,"current_kata":"d16-iterators/gen","learner":"Ada","katas":[
                {"id":"d16-iterators/gen","status":"red","checks":9,"tests_passed":1,"tests_total":5,
                 "failing_test":"suite::gen::yields_lazily","extra":[1,2]},
                {"id":"d16-iterators/other"}]}"#,
        )
        .unwrap();
        assert_eq!(s.current_kata.as_deref(), Some("d16-iterators/gen"));
        assert_eq!(s.katas.len(), 2);
        assert!(s.katas[0].many_checks());
        assert_eq!(
            s.katas[0].failing_test.as_deref(),
            Some("suite::gen::yields_lazily")
        );
        assert_eq!(s.katas[1].status, "not_started");
        assert!(!s.katas[1].in_progress());
    }

    #[test]
    fn anything_else_is_malformed_with_a_reason() {
        for (body, want) in [
            (&b"nope"[..], "not JSON"),
            (b"[1]", "not a JSON object"),
            (br#"{"katas":[]}"#, "schema_version none"),
            (br#"{"schema_version":1,"katas":[]}"#, "schema_version 1"),
            (br#"{"schema_version":2}"#, "no `katas`"),
            (br#"{"schema_version":2,"katas":null}"#, "no `katas`"),
            (
                br#"{"schema_version":2,"katas":{}}"#,
                "not a report snapshot",
            ),
            (br#"{"schema_version":2,"katas":[]"#, "not JSON"),
            (
                br#"{"schema_version":2,"katas":[1]}"#,
                "not a report snapshot",
            ),
            (
                br#"{"schema_version":2,"katas":[{"id":"x","status":"red"}]}"#,
                "is not `suite/kata`",
            ),
            (
                br#"{"schema_version":2,"katas":[{"id":"a/<b>"}]}"#,
                "is not `suite/kata`",
            ),
            (
                br#"{"schema_version":2,"katas":[{"id":"a/b","status":"<i>"}]}"#,
                "is not a status",
            ),
            (
                br#"{"schema_version":2,"katas":[{"id":"a/b","checks":-1}]}"#,
                "not a report snapshot",
            ),
        ] {
            let e = parse(body).unwrap_err().to_string();
            assert!(e.contains(want), "{}: {e}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn a_long_failing_test_name_is_cut_and_a_bad_current_kata_dropped() {
        let long = "t".repeat(1000);
        let body = format!(
            r#"{{"schema_version":2,"current_kata":"<script>","katas":[{{"id":"a/b","failing_test":"{long}"}}]}}"#
        );
        let s = parse(body.as_bytes()).unwrap();
        assert_eq!(s.current_kata, None);
        assert_eq!(
            s.katas[0].failing_test.as_ref().unwrap().chars().count(),
            MAX_TEST_NAME + 1
        );
    }

    #[test]
    fn stuck_needs_many_checks_and_at_most_half_the_tests() {
        let cell = |checks, passed, total, status: &str| {
            Cell::sample("a/b", status, checks, passed, total)
        };
        assert!(cell(8, 2, 4, "red").many_checks());
        assert!(!cell(8, 3, 4, "red").many_checks());
        assert!(!cell(7, 0, 4, "red").many_checks());
        assert!(!cell(30, 4, 4, "green").many_checks());
    }
}
