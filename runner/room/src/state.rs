//! The room in memory: learners in the order they joined, their tokens, their latest
//! snapshot and what the room noticed about each of their katas (when work on it began,
//! since when it looks stuck). Loaded from the database at start; afterwards changed only by
//! the writer, after each commit ([`crate::writer`]), so it never shows what is not stored.

use std::collections::HashMap;
use std::sync::Arc;

use crate::plan::RoomPlan;
use crate::snapshot::{Cell, Snapshot};
use crate::token;

/// The whole room.
#[derive(Debug, Default)]
pub struct Room {
    /// Unix seconds when the room was first started on its directory (the plan's clock).
    pub started_at: u64,
    /// The plan the server was started with.
    pub plan: Option<RoomPlan>,
    /// Learners in the order they joined.
    pub learners: Vec<Learner>,
    tokens: Vec<TokenEntry>,
}

/// One learner.
#[derive(Debug, Clone)]
pub struct Learner {
    /// The database row id.
    pub id: i64,
    /// The name they joined with (unique in the room).
    pub name: String,
    /// The facilitator revoked them.
    pub revoked: bool,
    /// Their latest snapshot.
    pub latest: Option<Latest>,
    /// Per kata id, what the room noticed.
    pub marks: Arc<HashMap<String, Marks>>,
}

/// A learner's latest snapshot.
#[derive(Debug, Clone)]
pub struct Latest {
    /// Its sequence number (the database's, across the room).
    pub seq: i64,
    /// Unix seconds when the server stored it.
    pub received_at: u64,
    /// The body as posted (for the cohort export).
    pub body: Arc<str>,
    /// What the room reads of it.
    pub snapshot: Arc<Snapshot>,
}

/// What the room noticed about one kata of one learner, across snapshots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    /// The first snapshot showing work on it (a check, red or not compiling), not green.
    pub started_at: Option<u64>,
    /// The first snapshot of the current run of snapshots where it looks stuck (many checks,
    /// at most half the tests passing); none when the last one does not.
    pub stuck_since: Option<u64>,
}

#[derive(Debug, Clone)]
struct TokenEntry {
    token: String,
    learner_id: i64,
}

/// A change the writer made durable, to apply in memory.
#[derive(Debug, Clone)]
pub enum Change {
    /// A learner joined for the first time.
    Learner {
        /// Row id.
        id: i64,
        /// Name.
        name: String,
    },
    /// A token was issued.
    Token {
        /// The token.
        token: String,
        /// Whose.
        learner_id: i64,
    },
    /// A snapshot was stored, with the marks it changed.
    Snapshot {
        /// Whose.
        learner_id: i64,
        /// The snapshot.
        latest: Latest,
        /// Kata id → its marks now (only those that changed).
        marks: Vec<(String, Marks)>,
    },
    /// A learner and all their tokens were revoked.
    Revoke {
        /// Whose.
        learner_id: i64,
    },
}

impl Room {
    /// An empty room.
    pub fn new(started_at: u64, plan: Option<RoomPlan>) -> Self {
        Self {
            started_at,
            plan,
            learners: Vec::new(),
            tokens: Vec::new(),
        }
    }

    /// The learner a token belongs to, if the token is known and neither it nor its learner
    /// is revoked. Every known token is compared, in constant time each: how long this takes
    /// says nothing about how close a guess was.
    pub fn learner_by_token(&self, presented: &str) -> Option<&Learner> {
        let mut found = None;
        for entry in &self.tokens {
            if token::eq(entry.token.as_bytes(), presented.as_bytes()) {
                found = Some(entry.learner_id);
            }
        }
        let learner = self.learner(found?)?;
        (!learner.revoked).then_some(learner)
    }

    /// A learner by row id.
    pub fn learner(&self, id: i64) -> Option<&Learner> {
        self.learners.iter().find(|l| l.id == id)
    }

    /// A learner by name.
    pub fn learner_by_name(&self, name: &str) -> Option<&Learner> {
        self.learners.iter().find(|l| l.name == name)
    }

    /// Applies a stored change.
    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Learner { id, name } => {
                if self.learner(id).is_none() {
                    self.learners.push(Learner {
                        id,
                        name,
                        revoked: false,
                        latest: None,
                        marks: Arc::default(),
                    });
                }
            }
            Change::Token { token, learner_id } => {
                self.tokens.push(TokenEntry { token, learner_id });
            }
            Change::Snapshot {
                learner_id,
                latest,
                marks,
            } => {
                if let Some(l) = self.learners.iter_mut().find(|l| l.id == learner_id) {
                    l.latest = Some(latest);
                    if !marks.is_empty() {
                        Arc::make_mut(&mut l.marks).extend(marks);
                    }
                }
            }
            Change::Revoke { learner_id } => {
                self.tokens.retain(|t| t.learner_id != learner_id);
                if let Some(l) = self.learners.iter_mut().find(|l| l.id == learner_id) {
                    l.revoked = true;
                }
            }
        }
    }

    /// A copy to read without holding the lock: the learners (their snapshots and marks
    /// shared, not copied), no tokens.
    pub fn view(&self) -> Room {
        Room {
            started_at: self.started_at,
            plan: self.plan.clone(),
            learners: self.learners.clone(),
            tokens: Vec::new(),
        }
    }

    /// A learner marked revoked at load.
    pub fn load_revoked(&mut self, learner_id: i64) {
        self.apply(Change::Revoke { learner_id });
    }

    /// A mark read back at load.
    pub fn load_marks(&mut self, learner_id: i64, kata: String, marks: Marks) {
        if let Some(l) = self.learners.iter_mut().find(|l| l.id == learner_id) {
            Arc::make_mut(&mut l.marks).insert(kata, marks);
        }
    }
}

/// The marks a new snapshot changes, given the ones it had (`before`), at `now`. With a
/// plan, only the plan's katas are followed.
pub fn marks_after(
    before: &HashMap<String, Marks>,
    snapshot: &Snapshot,
    plan: Option<&RoomPlan>,
    now: u64,
) -> Vec<(String, Marks)> {
    let follows = |cell: &Cell| plan.is_none_or(|p| p.katas.iter().any(|k| k.id == cell.id));
    snapshot
        .katas
        .iter()
        .filter(|cell| follows(cell))
        .filter_map(|cell| {
            let old = before.get(&cell.id).copied().unwrap_or_default();
            let new = Marks {
                started_at: old.started_at.or_else(|| cell.in_progress().then_some(now)),
                stuck_since: cell.many_checks().then(|| old.stuck_since.unwrap_or(now)),
            };
            (new != old).then(|| (cell.id.clone(), new))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(cells: &[(&str, &str, u32, u64, u64)]) -> Snapshot {
        Snapshot {
            current_kata: None,
            katas: cells
                .iter()
                .map(|&(id, status, checks, passed, total)| {
                    Cell::sample(id, status, checks, passed, total)
                })
                .collect(),
        }
    }

    #[test]
    fn work_starts_the_clock_once_and_stuck_runs_from_the_first_stuck_snapshot() {
        let mut marks = HashMap::new();
        let s1 = snapshot(&[("a/x", "red", 1, 0, 4), ("a/y", "not_started", 0, 0, 0)]);
        let c1 = marks_after(&marks, &s1, None, 100);
        assert_eq!(
            c1,
            [(
                "a/x".to_string(),
                Marks {
                    started_at: Some(100),
                    stuck_since: None
                }
            )]
        );
        marks.extend(c1);
        let s2 = snapshot(&[("a/x", "red", 9, 1, 4)]);
        let c2 = marks_after(&marks, &s2, None, 200);
        assert_eq!(c2[0].1.started_at, Some(100));
        assert_eq!(c2[0].1.stuck_since, Some(200));
        marks.extend(c2);
        assert!(marks_after(&marks, &s2, None, 300).is_empty(), "no change");
        let s3 = snapshot(&[("a/x", "red", 10, 3, 4)]);
        let c3 = marks_after(&marks, &s3, None, 400);
        assert_eq!(c3[0].1.stuck_since, None, "progress ends the stuck run");
    }

    #[test]
    fn a_revoked_learners_tokens_stop_matching() {
        let mut room = Room::new(0, None);
        room.apply(Change::Learner {
            id: 1,
            name: "ada".into(),
        });
        room.apply(Change::Token {
            token: "a".repeat(32),
            learner_id: 1,
        });
        assert_eq!(room.learner_by_token(&"a".repeat(32)).unwrap().name, "ada");
        assert!(room.learner_by_token(&"b".repeat(32)).is_none());
        room.apply(Change::Revoke { learner_id: 1 });
        assert!(room.learner_by_token(&"a".repeat(32)).is_none());
        assert!(room.learner_by_name("ada").unwrap().revoked);
    }
}
