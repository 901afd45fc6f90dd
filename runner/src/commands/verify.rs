//! `cargo kata verify [--suite <id>]…`: the facilitator's proof; ends with `verify: N passed, N failed`.

use super::{Ctx, EXIT_OK, EXIT_RED, print_json};
use crate::domain::Suite;
use crate::error::{Error, Result};
use crate::verify;

/// Proves the chosen suites (all by default, then stray folders are found too): prints each
/// stage's claim with its failed checks, or the JSON report; exit 1 if anything failed.
pub fn run(ctx: &Ctx, only: &[String], static_only: bool) -> Result<i32> {
    let suites: Vec<&Suite> = if only.is_empty() {
        ctx.manifest.suites.iter().collect()
    } else {
        only.iter()
            .map(|id| {
                ctx.manifest.suite(id).ok_or_else(|| Error::UnknownKata {
                    name: id.clone(),
                    suggestion: format!(
                        "; the suites are: {}",
                        ctx.manifest
                            .suites
                            .iter()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })
            })
            .collect::<Result<_>>()?
    };
    let ids: Vec<&str> = ctx.manifest.suites.iter().map(|s| s.id.as_str()).collect();
    let whole = only.is_empty().then_some(&ids[..]);
    let report = if static_only {
        verify::static_checks(&ctx.root, &suites, whole)
    } else {
        verify::verify(&ctx.settings(), &suites, whole)?
    };
    if ctx.json {
        print_json(&crate::json::Verify::new(&report))?;
    } else {
        print!("{}", crate::render::verify(&report, &suites, ctx.style));
    }
    if !ctx.json {
        println!("verify: {} passed, {} failed", report.passed, report.failed);
    }
    Ok(if report.failed == 0 {
        EXIT_OK
    } else {
        EXIT_RED
    })
}
