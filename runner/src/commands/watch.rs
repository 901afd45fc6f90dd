//! `cargo kata watch [kata]`: re-checks the current kata on every save, moves on when green.

use std::time::Duration;

use crate::learn::watch::{self, Verdict, WatchExit, WatchHooks, WatchOptions};

use super::{Ctx, EXIT_OK};
use crate::domain::KataRef;
use crate::domain::Status;
use crate::error::{Error, Result};
use crate::{render, status};

/// Watches from the named kata (or the first that is not green) until interrupted or quit;
/// with `keys` false, reads neither keys nor stdin. Ctrl-C exits with 130.
pub fn run(ctx: &Ctx, start: Option<&str>, keys: bool) -> Result<i32> {
    let current = match start {
        Some(name) => Some(ctx.manifest.kata(name)?),
        None => first_not_green(ctx, None)?,
    };
    let Some(current) = current else {
        println!("Every kata is green: nothing to watch. Well done!");
        return Ok(EXIT_OK);
    };
    let mut hooks = Hooks {
        ctx,
        current,
        last_seen: None,
        pinned: start.is_some(),
    };
    let mut options = WatchOptions::new(&ctx.root);
    options.keys = keys;
    match watch::run(&options, &mut hooks) {
        Ok(WatchExit::Signal) => Ok(super::EXIT_INTERRUPTED),
        Ok(_) => Ok(EXIT_OK),
        Err(e) => Err(Error::Watch(e)),
    }
}

/// The first kata (after `after`, in curriculum order) that is not green.
fn first_not_green<'m>(ctx: &'m Ctx, after: Option<&KataRef<'_>>) -> Result<Option<KataRef<'m>>> {
    let mut progress = ctx.load_progress();
    let statuses = status::refresh(&ctx.settings(), &ctx.manifest, &mut progress)?;
    ctx.save_progress(&mut progress);
    let start = after.map_or(0, |a| {
        statuses
            .rows
            .iter()
            .position(|r| r.kata.key() == a.key())
            .map_or(0, |i| i + 1)
    });
    Ok(statuses.rows[start..]
        .iter()
        .find(|r| r.status != Status::Green)
        .map(|r| r.kata))
}

/// The first kata after `after` (in curriculum order, then from the start) whose recorded
/// verdict is not green. Unlike [`first_not_green`] it builds nothing: right after a green,
/// the next kata's own check is the only build the learner waits for.
fn next_not_green_recorded<'m>(ctx: &'m Ctx, after: &KataRef<'_>) -> Option<KataRef<'m>> {
    let progress = ctx.load_progress();
    let katas = ctx.manifest.katas();
    let at = katas.iter().position(|k| k.key() == after.key())?;
    let green = |k: &KataRef<'_>| {
        progress
            .katas
            .get(&k.key())
            .and_then(|p| p.last_verdict.as_ref())
            .is_some_and(|v| v.status == Status::Green)
    };
    katas[at + 1..]
        .iter()
        .chain(katas[..at].iter())
        .find(|k| !green(k))
        .copied()
}

/// Checks `kata` and renders the verdict for watch mode.
fn check(ctx: &Ctx, kata: KataRef<'_>, counted: bool) -> Verdict {
    let kata_id = kata.key();
    let checked = super::check::check_rendered_as(ctx, kata, counted);
    super::room::after(ctx);
    match checked {
        Ok(r) => Verdict {
            green: r.green,
            // The exam's time left and the plan's time box, when they apply.
            rendered: r.text + &super::exam::clock(ctx, &kata),
            kata_id,
            elapsed_to_green: r.time_to_green_secs.map(Duration::from_secs),
        },
        Err(e) => Verdict {
            green: false,
            rendered: format!("{kata_id} could not be checked: {e}\n"),
            kata_id,
            elapsed_to_green: None,
        },
    }
}

struct Hooks<'c> {
    ctx: &'c Ctx,
    current: KataRef<'c>,
    /// The kata last checked and its file's hash then: a re-check of the same file (a save
    /// of another kata's file) is not the learner's check.
    last_seen: Option<(String, String)>,
    /// `watch <kata>`: stay on it, green or not, until `n`.
    pinned: bool,
}

impl Hooks<'_> {
    /// Whether this check of the current kata is the learner's work: its file differs from
    /// the stub and changed since watch last checked it.
    fn counted(&mut self) -> bool {
        let key = self.current.key();
        let hash = crate::state::file_hash(&self.ctx.root.join(&self.current.kata.file));
        let changed = self
            .last_seen
            .as_ref()
            .is_none_or(|(k, h)| *k != key || *h != hash);
        self.last_seen = Some((key, hash));
        changed && super::check::edited(self.ctx, &self.current)
    }
}

impl<'c> WatchHooks for Hooks<'c> {
    type Job = Box<dyn FnOnce() -> Verdict + Send + 'c>;

    fn check_current(&mut self) -> Verdict {
        self.check_current_job()()
    }

    fn check_current_job(&mut self) -> Self::Job {
        let (ctx, kata) = (self.ctx, self.current);
        let counted = self.counted();
        Box::new(move || check(ctx, kata, counted))
    }

    fn cancel(&mut self) {
        crate::interrupt::stop_checks();
    }

    fn moves_on(&self) -> bool {
        !self.pinned
    }

    fn check_saved(&mut self, change: &watch::Change) -> Vec<Verdict> {
        let root = &self.ctx.root;
        let saved: Vec<String> = change
            .paths
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        let of_kata = |k: &KataRef<'_>| {
            let modules = format!("{}/", k.file.trim_end_matches(".rs"));
            saved
                .iter()
                .any(|f| *f == k.file || f.starts_with(&modules))
        };
        self.ctx
            .manifest
            .katas()
            .into_iter()
            .filter(|k| k.key() != self.current.key() && of_kata(k))
            .map(|k| check(self.ctx, k, super::check::edited(self.ctx, &k)))
            .collect()
    }

    fn next_kata(&mut self) -> Option<String> {
        // `n` (or a green without a pin) releases `watch <kata>`'s pin.
        self.pinned = false;
        let next = next_not_green_recorded(self.ctx, &self.current)?;
        self.current = next;
        Some(next.key())
    }

    fn hint(&mut self) -> String {
        let hint = super::hint::next_hint_with(self.ctx, self.current, "press h again")
            .unwrap_or_else(|e| format!("no hint available: {e}\n"));
        super::room::after(self.ctx);
        hint
    }

    fn list(&mut self) -> String {
        let mut progress = self.ctx.load_progress();
        match status::refresh(&self.ctx.settings(), &self.ctx.manifest, &mut progress) {
            Ok(statuses) => {
                self.ctx.save_progress(&mut progress);
                render::list(&statuses.rows, self.ctx.style)
            }
            Err(e) => format!("cannot list the katas: {e}\n"),
        }
    }
}
