//! `cargo kata cohort <snapshot.json>… [--html <file>]`: merges learners' `report --json`
//! snapshots into a table (stdout) and a self-contained HTML heatmap; `--from-artifacts <dir>`
//! reads them from downloaded GitHub Actions artifacts instead (the newest per learner, with
//! its age). Needs no kata repository. Exit code 0; 2 for a file that is not a snapshot this
//! runner reads (with `--from-artifacts`, such files are skipped and named on stderr).

use std::path::{Path, PathBuf};

use super::EXIT_OK;
use crate::error::{Error, Result};
use crate::report::{cohort, html};

/// Runs the command.
pub fn run(files: &[PathBuf], html_out: Option<&Path>) -> Result<i32> {
    let c = cohort::Cohort::load(files)?;
    print!("{}", cohort::render_text(&c));
    write_html(&c, html_out)?;
    Ok(EXIT_OK)
}

/// `--from-artifacts <dir>`: one row per learner, their newest snapshot, its age.
pub fn run_artifacts(dir: &Path, html_out: Option<&Path>) -> Result<i32> {
    let a = cohort::load_artifacts(dir)?;
    for why in &a.skipped {
        eprintln!("note: skipped {why}");
    }
    let older = a.read - a.cohort.learners.len();
    eprintln!(
        "read {} snapshot{} from {}: {} learner{}{}",
        a.read,
        if a.read == 1 { "" } else { "s" },
        dir.display(),
        a.cohort.learners.len(),
        if a.cohort.learners.len() == 1 {
            ""
        } else {
            "s"
        },
        if older > 0 {
            format!(
                " ({older} older snapshot{} replaced by a newer one)",
                if older == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    print!(
        "{}",
        cohort::render_text_aged(&a.cohort, crate::state::now())
    );
    write_html(&a.cohort, html_out)?;
    Ok(EXIT_OK)
}

fn write_html(c: &cohort::Cohort, html_out: Option<&Path>) -> Result<()> {
    if let Some(path) = html_out {
        crate::fsx::replace_atomically(path, html::render(c).as_bytes())
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        println!("\nheatmap: {} (open it in a browser)", path.display());
    }
    Ok(())
}
