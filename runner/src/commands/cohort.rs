//! `cargo kata cohort <snapshot.json>… [--html <file>]`: merges learners' `report --json`
//! snapshots into a table (stdout) and a self-contained HTML heatmap. Needs no kata
//! repository. Exit code 0; 2 for a file that is not a snapshot this runner reads.

use std::path::{Path, PathBuf};

use super::EXIT_OK;
use crate::error::{Error, Result};
use crate::report::{cohort, html};

/// Runs the command.
pub fn run(files: &[PathBuf], html_out: Option<&Path>) -> Result<i32> {
    let c = cohort::Cohort::load(files)?;
    print!("{}", cohort::render_text(&c));
    if let Some(path) = html_out {
        crate::fsx::replace_atomically(path, html::render(&c).as_bytes())
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        println!("\nheatmap: {} (open it in a browser)", path.display());
    }
    Ok(EXIT_OK)
}
