//! One module per subcommand; each takes the shared [`Ctx`] and returns the exit code.

pub mod check;
pub mod cohort;
pub mod dodge;
pub mod exam;
pub mod hint;
pub mod list;
pub mod lock;
pub mod new;
pub mod overview;
pub mod plan;
pub mod report;
pub mod reset;
pub mod restore;
pub mod room;
pub mod solution;
pub mod verify;
pub mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crate::check::Settings;
use crate::error::Result;
use crate::manifest::Manifest;
use crate::render::Style;
use crate::state::{self, Progress};

pub use crate::exit::{EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_RED};

/// What every command needs.
#[derive(Debug)]
pub struct Ctx {
    /// The repository root.
    pub root: PathBuf,
    /// The curriculum.
    pub manifest: Manifest,
    /// Colours on stdout.
    pub style: Style,
    /// Per-test timeout.
    pub timeout: Duration,
    /// Print JSON instead of text.
    pub json: bool,
    /// The workshop plan `manifest` was restricted to, if any.
    pub plan: Option<crate::plan::Plan>,
}

impl Ctx {
    /// Check settings for this context (rustc colours follow stdout's).
    pub fn settings(&self) -> Settings {
        Settings {
            root: self.root.clone(),
            color: self.style.color,
            timeout: self.timeout,
            progress_bar: std::io::stderr().is_terminal() && !self.json,
        }
    }

    /// Loads progress, telling the learner (on stderr) if a corrupt file was set aside.
    pub fn load_progress(&self) -> Progress {
        let loaded = state::load(&self.root);
        if let Some(note) = loaded.note {
            eprintln!("note: {note}");
        }
        loaded.progress
    }

    /// Saves progress; a failure to save is reported but does not change the verdict.
    pub fn save_progress(&self, progress: &mut Progress) {
        if let Err(e) = state::save(&self.root, progress) {
            eprintln!("warning: progress not saved: {e}");
        }
    }
}

/// Prints a value as pretty JSON.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(crate::error::Error::Json)?;
    println!("{text}");
    Ok(())
}

/// [`EXIT_OK`], or [`EXIT_RED`] when a kata's suite has tests that are not the ones shipped
/// (`list` and `report` show it; a script or CI must not read the page as a pass).
pub fn exit_unless_shipped(rows: &[crate::domain::Row<'_>]) -> i32 {
    if rows
        .iter()
        .any(|r| r.status == crate::domain::Status::TestsModified)
    {
        EXIT_RED
    } else {
        EXIT_OK
    }
}
