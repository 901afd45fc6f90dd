//! The room document (`GET /api/room`, each `event: room`, and what the dashboard draws):
//! per learner their katas, per kata how hard it is for the room, and who is stuck, computed
//! from the room in memory at a given moment. Only facts from the snapshots and what the
//! server saw itself (when a snapshot arrived, when work on a kata began, since when it looks
//! stuck).

use std::collections::{HashMap, HashSet};

use serde::{Serialize, Serializer};

use crate::plan::RoomPlan;
use crate::snapshot::Cell;
use crate::state::{Learner, Room};

/// The room document's version.
pub const SCHEMA_VERSION: u32 = 1;

/// Why a kata is in the stuck list.
pub const WHY_CHECKS: &str = "many checks, little progress";
/// Why a kata is in the stuck list.
pub const WHY_TIME_BOX: &str = "past its time box";

/// The whole document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Unix seconds when it was computed.
    pub generated_at: u64,
    /// Unix seconds when the room was first started (the plan's clock starts there).
    pub started_at: u64,
    /// The plan, if the server follows one.
    pub plan: Option<RoomPlan>,
    /// Learners in the order they joined.
    pub learners: Vec<LearnerDoc>,
    /// The room's katas in curriculum order.
    pub katas: Vec<KataDoc>,
    /// Stuck learners, the longest stuck first.
    pub stuck: Vec<Stuck>,
}

/// One learner.
#[derive(Debug, Clone, Serialize)]
pub struct LearnerDoc {
    /// The name they joined with.
    pub name: String,
    /// Revoked by the facilitator.
    pub revoked: bool,
    /// Seconds since their last snapshot arrived; null: none yet.
    pub snapshot_age_secs: Option<u64>,
    /// The sequence number of their last snapshot.
    pub last_seq: Option<i64>,
    /// The kata they are on, as their runner says.
    pub current_kata: Option<String>,
    /// Green katas among the room's.
    pub green: usize,
    /// The room's katas their snapshot has.
    pub total: usize,
    /// Kata id → cell, in the room's kata order.
    #[serde(serialize_with = "as_map")]
    pub katas: Vec<(String, CellDoc)>,
}

/// One learner's kata.
#[derive(Debug, Clone, Serialize)]
pub struct CellDoc {
    /// The runner's status word.
    pub status: String,
    /// Hints taken before green.
    pub hints_used: u32,
    /// The solution was shown before green.
    pub solution_peeked: bool,
    /// Checks up to the first green.
    pub checks: u32,
    /// Tests passing at the last check.
    pub tests_passed: u64,
    /// Tests at the last check.
    pub tests_total: u64,
    /// Seconds from the first edit to green.
    pub time_to_green_secs: Option<u64>,
    /// The failing test at the last check.
    pub failing_test: Option<String>,
}

/// One kata across the room (revoked learners are not counted).
#[derive(Debug, Clone, Serialize)]
pub struct KataDoc {
    /// `suite/kata`.
    pub id: String,
    /// The suite.
    pub suite: String,
    /// Learners green on it.
    pub green: usize,
    /// Learners whose snapshot has it.
    pub learners: usize,
    /// Learners stuck on it now.
    pub stuck: usize,
    /// The median time from first edit to green (solution not shown), lower middle.
    pub median_time_to_green_secs: Option<u64>,
}

/// A learner stuck on a kata.
#[derive(Debug, Clone, Serialize)]
pub struct Stuck {
    /// The learner.
    pub name: String,
    /// `suite/kata`.
    pub kata: String,
    /// Seconds since it looked stuck.
    pub for_secs: u64,
    /// Checks so far.
    pub checks: u32,
    /// The failing test at the last check.
    pub failing_test: Option<String>,
    /// [`WHY_CHECKS`] or [`WHY_TIME_BOX`].
    pub why: &'static str,
}

fn as_map<S: Serializer>(cells: &[(String, CellDoc)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(cells.iter().map(|(k, v)| (k, v)))
}

/// The room's katas: the plan's, else every kata of the (not revoked) learners' snapshots in
/// the order first seen.
pub fn kata_ids(room: &Room) -> Vec<String> {
    if let Some(plan) = &room.plan {
        return plan.katas.iter().map(|k| k.id.clone()).collect();
    }
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for l in room.learners.iter().filter(|l| !l.revoked) {
        for cell in l.latest.iter().flat_map(|s| &s.snapshot.katas) {
            if seen.insert(cell.id.as_str()) {
                ids.push(cell.id.clone());
            }
        }
    }
    ids
}

/// A learner's cells by kata id (built once per document: the grid is learners × katas).
type Cells<'a> = HashMap<&'a str, &'a Cell>;

fn cells(l: &Learner) -> Cells<'_> {
    l.latest
        .iter()
        .flat_map(|s| &s.snapshot.katas)
        .map(|c| (c.id.as_str(), c))
        .collect()
}

/// The document at `now`.
pub fn build(room: &Room, now: u64) -> Document {
    let ids = kata_ids(room);
    let by_learner: Vec<Cells<'_>> = room.learners.iter().map(cells).collect();
    let stuck = stuck(room, &by_learner, &ids, now);
    let learners = room
        .learners
        .iter()
        .zip(&by_learner)
        .map(|(l, cells)| {
            let katas: Vec<(String, CellDoc)> = ids
                .iter()
                .filter_map(|id| {
                    cells.get(id.as_str()).map(|c| {
                        (
                            id.clone(),
                            CellDoc {
                                status: c.status.clone(),
                                hints_used: c.hints_used,
                                solution_peeked: c.solution_peeked,
                                checks: c.checks,
                                tests_passed: c.tests_passed,
                                tests_total: c.tests_total,
                                time_to_green_secs: c.time_to_green_secs,
                                failing_test: c.failing_test.clone(),
                            },
                        )
                    })
                })
                .collect();
            LearnerDoc {
                name: l.name.clone(),
                revoked: l.revoked,
                snapshot_age_secs: l.latest.as_ref().map(|s| now.saturating_sub(s.received_at)),
                last_seq: l.latest.as_ref().map(|s| s.seq),
                current_kata: l
                    .latest
                    .as_ref()
                    .and_then(|s| s.snapshot.current_kata.clone()),
                green: katas.iter().filter(|(_, c)| c.status == "green").count(),
                total: katas.len(),
                katas,
            }
        })
        .collect();
    let active: Vec<&Cells<'_>> = room
        .learners
        .iter()
        .zip(&by_learner)
        .filter(|(l, _)| !l.revoked)
        .map(|(_, cells)| cells)
        .collect();
    let mut stuck_on: HashMap<&str, usize> = HashMap::new();
    for s in &stuck {
        *stuck_on.entry(s.kata.as_str()).or_default() += 1;
    }
    let katas = ids
        .iter()
        .map(|id| {
            let cells: Vec<&Cell> = active
                .iter()
                .filter_map(|c| c.get(id.as_str()).copied())
                .collect();
            let mut times: Vec<u64> = cells
                .iter()
                .filter(|c| c.green() && !c.solution_peeked)
                .filter_map(|c| c.time_to_green_secs)
                .collect();
            times.sort_unstable();
            KataDoc {
                id: id.clone(),
                suite: id
                    .split_once('/')
                    .map_or(id.as_str(), |(s, _)| s)
                    .to_string(),
                green: cells.iter().filter(|c| c.green()).count(),
                learners: cells.len(),
                stuck: stuck_on.get(id.as_str()).copied().unwrap_or(0),
                median_time_to_green_secs: (!times.is_empty())
                    .then(|| times[(times.len() - 1) / 2]),
            }
        })
        .collect();
    Document {
        schema_version: SCHEMA_VERSION,
        generated_at: now,
        started_at: room.started_at,
        plan: room.plan.clone(),
        learners,
        katas,
        stuck,
    }
}

/// Who is stuck where: many checks with at most half the tests passing (since the first
/// snapshot that showed it), or work begun and not green past the plan's time box (since the
/// box ran out). One line per learner and kata, the longest first.
fn stuck(room: &Room, by_learner: &[Cells<'_>], ids: &[String], now: u64) -> Vec<Stuck> {
    let plan = room.plan.as_ref();
    let mut out = Vec::new();
    for (l, cells) in room.learners.iter().zip(by_learner) {
        if l.revoked {
            continue;
        }
        for id in ids {
            let Some(c) = cells.get(id.as_str()) else {
                continue;
            };
            if c.green() {
                continue;
            }
            let marks = l.marks.get(id).copied().unwrap_or_default();
            let by_checks = c
                .many_checks()
                .then(|| marks.stuck_since.unwrap_or(now))
                .map(|since| (since, WHY_CHECKS));
            let by_box = match (
                plan.and_then(|p: &RoomPlan| p.time_box(id)),
                marks.started_at,
            ) {
                (Some(secs), Some(start)) if c.in_progress() && start + secs <= now => {
                    Some((start + secs, WHY_TIME_BOX))
                }
                _ => None,
            };
            let earliest = match (by_checks, by_box) {
                (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
                (a, b) => a.or(b),
            };
            if let Some((since, why)) = earliest {
                out.push(Stuck {
                    name: l.name.clone(),
                    kata: id.clone(),
                    for_secs: now.saturating_sub(since),
                    checks: c.checks,
                    failing_test: c.failing_test.clone(),
                    why,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        b.for_secs
            .cmp(&a.for_secs)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.kata.cmp(&b.kata))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlannedKata;
    use crate::snapshot::Snapshot;
    use crate::state::{Change, Latest, Marks};
    use std::sync::Arc;

    fn cell(id: &str, status: &str, checks: u32, passed: u64, total: u64) -> Cell {
        Cell {
            time_to_green_secs: (status == "green").then_some(u64::from(checks) * 60),
            failing_test: (status != "green").then(|| format!("{id}::fails")),
            ..Cell::sample(id, status, checks, passed, total)
        }
    }

    /// A learner of a test room: name, cells, marks.
    type TestLearner<'a> = (&'a str, Vec<Cell>, Vec<(&'a str, Marks)>);

    fn room(plan: Option<RoomPlan>, learners: &[TestLearner<'_>]) -> Room {
        let mut room = Room::new(1000, plan);
        for (i, (name, cells, marks)) in learners.iter().enumerate() {
            let id = i as i64 + 1;
            room.apply(Change::Learner {
                id,
                name: name.to_string(),
            });
            room.apply(Change::Snapshot {
                learner_id: id,
                latest: Latest {
                    seq: id,
                    received_at: 1990,
                    body: Arc::from("{}"),
                    snapshot: Arc::new(Snapshot {
                        current_kata: cells.first().map(|c| c.id.clone()),
                        katas: cells.clone(),
                    }),
                },
                marks: marks.iter().map(|(k, m)| (k.to_string(), *m)).collect(),
            });
        }
        room
    }

    #[test]
    fn katas_are_the_union_in_first_seen_order_and_difficulty_counts_greens() {
        let r = room(
            None,
            &[
                (
                    "ada",
                    vec![cell("s/a", "green", 3, 4, 4), cell("s/b", "red", 1, 1, 4)],
                    vec![],
                ),
                (
                    "bo",
                    vec![
                        cell("s/a", "green", 5, 4, 4),
                        cell("t/c", "not_started", 0, 0, 0),
                    ],
                    vec![],
                ),
            ],
        );
        let d = build(&r, 2000);
        let ids: Vec<&str> = d.katas.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["s/a", "s/b", "t/c"]);
        assert_eq!(d.katas[0].green, 2);
        assert_eq!(d.katas[0].median_time_to_green_secs, Some(180));
        assert_eq!(d.katas[2].suite, "t");
        assert_eq!(d.learners[0].green, 1);
        assert_eq!(d.learners[0].snapshot_age_secs, Some(10));
        assert_eq!(d.learners[1].current_kata.as_deref(), Some("s/a"));
    }

    #[test]
    fn the_stuck_list_names_the_failing_test_and_puts_the_longest_first() {
        let stuck = Marks {
            started_at: Some(1100),
            stuck_since: Some(1500),
        };
        let r = room(
            None,
            &[
                (
                    "ada",
                    vec![cell("s/a", "red", 9, 1, 5)],
                    vec![("s/a", stuck)],
                ),
                (
                    "bo",
                    vec![cell("s/a", "red", 12, 0, 5)],
                    vec![(
                        "s/a",
                        Marks {
                            stuck_since: Some(1200),
                            ..stuck
                        },
                    )],
                ),
                ("cy", vec![cell("s/a", "red", 20, 4, 5)], vec![]),
            ],
        );
        let d = build(&r, 2000);
        let names: Vec<&str> = d.stuck.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["bo", "ada"]);
        assert_eq!(d.stuck[0].for_secs, 800);
        assert_eq!(d.stuck[1].failing_test.as_deref(), Some("s/a::fails"));
        assert_eq!(d.stuck[1].why, WHY_CHECKS);
        assert_eq!(d.katas[0].stuck, 2);
    }

    #[test]
    fn a_plan_gives_the_katas_and_flags_work_past_its_time_box() {
        let plan = RoomPlan {
            title: "T".into(),
            minutes: None,
            katas: vec![
                PlannedKata {
                    id: "s/b".into(),
                    time_box_secs: Some(600),
                },
                PlannedKata {
                    id: "s/a".into(),
                    time_box_secs: None,
                },
            ],
        };
        let started = Marks {
            started_at: Some(1200),
            stuck_since: None,
        };
        let r = room(
            Some(plan),
            &[(
                "ada",
                vec![
                    cell("s/a", "red", 2, 1, 4),
                    cell("s/b", "red", 2, 3, 4),
                    cell("x/y", "red", 1, 0, 1),
                ],
                vec![("s/a", started), ("s/b", started)],
            )],
        );
        let d = build(&r, 2000);
        let ids: Vec<&str> = d.katas.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["s/b", "s/a"]);
        assert_eq!(d.learners[0].total, 2);
        assert_eq!(d.stuck.len(), 1);
        assert_eq!(d.stuck[0].kata, "s/b");
        assert_eq!(d.stuck[0].why, WHY_TIME_BOX);
        assert_eq!(d.stuck[0].for_secs, 200);
    }

    #[test]
    fn revoked_learners_are_listed_but_not_counted() {
        let mut r = room(None, &[("ada", vec![cell("s/a", "red", 9, 0, 4)], vec![])]);
        r.apply(Change::Revoke { learner_id: 1 });
        let d = build(&r, 2000);
        assert!(d.learners[0].revoked);
        assert!(d.stuck.is_empty());
        assert!(d.katas.is_empty());
    }
}
