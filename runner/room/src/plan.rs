//! The workshop plan a room follows (`--plan plans/<name>.toml`): the runner's plan format,
//! read the same way (`kata_runner::plan`, checked against the curriculum in `katas.toml`),
//! kept as the katas in order with their time boxes in seconds.

use std::path::Path;

use kata_runner::manifest::{Manifest, find_root};
use kata_runner::plan::Plan;
use serde::Serialize;

use crate::error::Result;

/// The plan as the room uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoomPlan {
    /// The session's title.
    pub title: String,
    /// The session's length in minutes, if the plan gives one.
    pub minutes: Option<u32>,
    /// The planned katas in order.
    pub katas: Vec<PlannedKata>,
}

/// One planned kata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedKata {
    /// `suite/kata`.
    pub id: String,
    /// Its time box in seconds, if the plan gives one.
    pub time_box_secs: Option<u64>,
}

impl RoomPlan {
    /// Reads a plan file; the curriculum is the repository's around the current directory
    /// (or `KATA_ROOT`), else the one around the plan file.
    pub fn load(path: &Path) -> Result<Self> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
        let near_plan = path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let root = find_root(&cwd).or_else(|e| near_plan.map_or(Err(e), |dir| find_root(&dir)))?;
        let manifest = Manifest::load(&root)?;
        Ok(Self::from_plan(&Plan::load(path, &manifest)?))
    }

    /// The room's view of a validated plan.
    pub fn from_plan(plan: &Plan) -> Self {
        Self {
            title: plan.title.clone(),
            minutes: plan.minutes,
            katas: plan
                .katas
                .iter()
                .map(|(id, minutes)| PlannedKata {
                    id: id.clone(),
                    time_box_secs: minutes.map(|m| u64::from(m) * 60),
                })
                .collect(),
        }
    }

    /// A kata's time box in seconds.
    pub fn time_box(&self, id: &str) -> Option<u64> {
        self.katas
            .iter()
            .find(|k| k.id == id)
            .and_then(|k| k.time_box_secs)
    }
}
