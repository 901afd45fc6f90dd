//! The watch loop itself, independent of terminals and file systems: it reads [`Input`]s
//! from a channel and writes to any [`Write`], so tests drive it with plain values.

use std::collections::{HashSet, VecDeque};
use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::thread::Scope;
use std::time::{Duration, Instant};

use super::debounce::Change;

/// What the core reports after checking the current kata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether every test of the kata passed.
    pub green: bool,
    /// The rendered result (test output, compiler errors), printed as is.
    pub rendered: String,
    /// The kata that was checked.
    pub kata_id: String,
    /// How long the learner took from the kata file's first edit to green, when green and
    /// known.
    pub elapsed_to_green: Option<Duration>,
}

/// What watch mode needs from the runner core. Errors are the core's to render: a check
/// that could not run is a red [`Verdict`] whose `rendered` text says why.
pub trait WatchHooks {
    /// A check of the current kata that another thread can run while the loop goes on
    /// serving keys (after a green, the next kata is checked this way).
    type Job: FnOnce() -> Verdict + Send;
    /// Builds and tests the current kata (and records the check in the progress file).
    fn check_current(&mut self) -> Verdict;
    /// The same check as [`WatchHooks::check_current`], as a job to run elsewhere. What
    /// must happen in order (deciding whether the check counts) happens here, not in it.
    fn check_current_job(&mut self) -> Self::Job;
    /// Stops a running job's build and tests now: the learner quit while it ran.
    fn cancel(&mut self) {}
    /// Makes the next kata current; returns its id, or `None` when every kata is done.
    fn next_kata(&mut self) -> Option<String>;
    /// The next hint for the current kata, rendered (and recorded as used).
    fn hint(&mut self) -> String;
    /// The list of katas with their state, rendered.
    fn list(&mut self) -> String;
    /// Checks every kata other than the current one whose files `change` saved: each is
    /// shown whatever kata is current, so a solved kata broken again turns red at once.
    /// None by default.
    fn check_saved(&mut self, change: &Change) -> Vec<Verdict> {
        let _ = change;
        Vec::new()
    }
    /// Whether a green current kata makes the next one current. `watch <kata>` stays on its
    /// kata, green or not, until `n`. Yes by default.
    fn moves_on(&self) -> bool {
        true
    }
}

/// A command typed while watching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `h`: show the next hint.
    Hint,
    /// `n`: skip to the next kata.
    Next,
    /// `l`: list the katas.
    List,
    /// `q`, `Esc` or Ctrl-C: stop watching.
    Quit,
}

/// Everything the loop reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Files under `katas/` were saved.
    Changed(Change),
    /// A key was pressed (terminal only).
    Key(Key),
    /// Standard input ended (without a terminal, this is how watch mode is stopped).
    Eof,
    /// SIGINT, SIGTERM or SIGHUP arrived.
    Signal,
}

/// Why watch mode stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchExit {
    /// The learner pressed `q` or Ctrl-C.
    Quit,
    /// Standard input ended, or every input source is gone.
    InputClosed,
    /// Every kata is green.
    AllDone,
    /// A termination signal arrived (the CLI may exit with 130).
    Signal,
}

/// How the loop presents itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presentation {
    /// Clear the screen before each re-check and show the key help (terminal only).
    pub interactive: bool,
    /// After each re-check caused by a save, print `⏱ save → verdict: 0.532 s` (the
    /// time from the save's first file event to the printed verdict; for measuring).
    pub timing: bool,
}

const CLEAR: &str = "\x1b[2J\x1b[3J\x1b[H";
const RULE: &str = "────────────────────────────────────────";
const KEYS: &str = "watching katas/ · h hint · n next kata · l list · q quit";

/// Runs the loop: checks the current kata once, then reacts to inputs until the learner
/// quits, input ends, a signal arrives or every kata is green. Changes already queued
/// when a re-check starts are covered by it (one check, not one per queued save); keys
/// are handled in the order they were pressed.
///
/// After a green the verdict is shown at once, and the next kata is checked on another
/// thread: hints and the list answer meanwhile, `q` and signals stop that check, and a
/// save (or `n`) waits for it, then replaces its verdict with a check of its own.
pub fn drive<H: WatchHooks + ?Sized>(
    hooks: &mut H,
    inputs: &Receiver<Input>,
    out: &mut dyn Write,
    presentation: Presentation,
) -> io::Result<WatchExit> {
    std::thread::scope(|scope| {
        let mut session = Session {
            hooks,
            out,
            presentation,
            checks: 0,
            seen: HashSet::new(),
            background: None,
        };
        session.drive(scope, inputs)
    })
}

#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    AllDone,
}

/// What the loop waits for: an input, or the verdict of the check running in the background.
enum Event {
    Input(Input),
    Prepared(Verdict),
    Closed,
}

struct Session<'a, H: ?Sized> {
    hooks: &'a mut H,
    out: &'a mut dyn Write,
    presentation: Presentation,
    checks: usize,
    /// Katas seen green since the last check the learner asked for: each is passed once.
    seen: HashSet<String>,
    /// The verdict of the check running in the background, when one runs.
    background: Option<Receiver<Verdict>>,
}

impl<'scope, 'env, H> Session<'_, H>
where
    H: WatchHooks + ?Sized,
    H::Job: 'scope,
{
    fn drive(
        &mut self,
        scope: &'scope Scope<'scope, 'env>,
        inputs: &Receiver<Input>,
    ) -> io::Result<WatchExit> {
        if self.check(scope, true, None)? == Flow::AllDone {
            return Ok(WatchExit::AllDone);
        }
        let mut queued = VecDeque::new();
        loop {
            let event = match queued.pop_front() {
                Some(input) => Event::Input(input),
                None => self.next_event(inputs),
            };
            let input = match event {
                Event::Prepared(verdict) => {
                    if self.report(scope, verdict, None)? == Flow::AllDone {
                        return Ok(WatchExit::AllDone);
                    }
                    continue;
                }
                Event::Closed => return Ok(WatchExit::InputClosed),
                Event::Input(input) => input,
            };
            let flow = match input {
                Input::Changed(mut change) => {
                    // Saves made while the last check ran: one re-check covers them all.
                    while let Ok(next) = inputs.try_recv() {
                        match next {
                            Input::Changed(more) => change.paths.extend(more.paths),
                            other => queued.push_back(other),
                        }
                    }
                    change.paths.sort();
                    change.paths.dedup();
                    // A check in the background read the files before this save.
                    self.discard_background();
                    let others = self.hooks.check_saved(&change);
                    let flow = self.check(scope, true, Some(change.first_seen))?;
                    self.show_others(others)?;
                    flow
                }
                Input::Key(Key::Hint) => self.show(&|h| h.hint())?,
                Input::Key(Key::List) => self.show(&|h| h.list())?,
                Input::Key(Key::Next) => {
                    self.discard_background();
                    self.skip(scope)?
                }
                Input::Key(Key::Quit) => return Ok(self.stop(WatchExit::Quit)),
                Input::Signal => return Ok(self.stop(WatchExit::Signal)),
                Input::Eof => {
                    // The next kata's verdict is on its way: show it before leaving.
                    if let Some(verdict) = self.finish_background() {
                        self.report(scope, verdict, None)?;
                    }
                    return Ok(WatchExit::InputClosed);
                }
            };
            if flow == Flow::AllDone {
                return Ok(WatchExit::AllDone);
            }
        }
    }

    /// The next input, or the background check's verdict, whichever comes first. When
    /// every input source is gone, a background check still delivers its verdict.
    fn next_event(&mut self, inputs: &Receiver<Input>) -> Event {
        let Some(verdicts) = &self.background else {
            return inputs.recv().map_or(Event::Closed, Event::Input);
        };
        match select(inputs, verdicts) {
            Selected::Input(input) => Event::Input(input),
            Selected::Verdict(verdict) => {
                self.background = None;
                Event::Prepared(verdict)
            }
            Selected::InputsClosed => match self.finish_background() {
                Some(verdict) => Event::Prepared(verdict),
                None => Event::Closed,
            },
            Selected::Lost => {
                // The check's thread ended without a verdict (it panicked): the scope
                // reports that when the loop ends; until then, keys and saves go on.
                self.background = None;
                self.next_event(inputs)
            }
        }
    }

    /// Checks the current kata; while it is green, announces it and moves on (each kata
    /// at most once, so a core that keeps returning a green kata cannot loop forever).
    fn check(
        &mut self,
        scope: &'scope Scope<'scope, 'env>,
        clear: bool,
        saved_at: Option<Instant>,
    ) -> io::Result<Flow> {
        if clear {
            if self.presentation.interactive {
                self.out.write_all(CLEAR.as_bytes())?;
            } else if self.checks > 0 {
                // Plain output keeps the history: a rule separates the checks.
                writeln!(self.out, "\n{RULE}\n")?;
            }
        }
        self.seen.clear();
        let verdict = self.hooks.check_current();
        self.checks += 1;
        self.report(scope, verdict, saved_at)
    }

    /// Shows a verdict. A green one is announced, and the next kata is made current and
    /// checked in the background.
    fn report(
        &mut self,
        scope: &'scope Scope<'scope, 'env>,
        verdict: Verdict,
        saved_at: Option<Instant>,
    ) -> io::Result<Flow> {
        write_block(self.out, &verdict.rendered)?;
        if let Some(saved_at) = saved_at.filter(|_| self.presentation.timing) {
            self.out.flush()?;
            let took = saved_at.elapsed().as_secs_f64();
            writeln!(self.out, "⏱ save → verdict: {took:.3} s")?;
        }
        if verdict.green && !self.hooks.moves_on() {
            writeln!(
                self.out,
                "✓ {} is green. Watching it until you press n.",
                verdict.kata_id
            )?;
        } else if verdict.green {
            match verdict.elapsed_to_green {
                Some(took) => writeln!(
                    self.out,
                    "✓ {} is green, {} from its first edit.",
                    verdict.kata_id,
                    format_elapsed(took)
                )?,
                None => writeln!(self.out, "✓ {} is green.", verdict.kata_id)?,
            }
            self.seen.insert(verdict.kata_id);
            match self.hooks.next_kata() {
                None => {
                    writeln!(self.out, "Every kata is green. Well done!")?;
                    self.out.flush()?;
                    return Ok(Flow::AllDone);
                }
                Some(next) if self.seen.contains(&next) => {}
                Some(next) => {
                    writeln!(self.out, "\n→ next kata: {next}\n")?;
                    self.out.flush()?;
                    let job = self.hooks.check_current_job();
                    self.checks += 1;
                    let (tx, rx) = mpsc::channel();
                    scope.spawn(move || {
                        // The loop may have stopped waiting for it (a quit, a save).
                        let _ = tx.send(job());
                    });
                    self.background = Some(rx);
                    return Ok(Flow::Continue);
                }
            }
        }
        self.footer()?;
        Ok(Flow::Continue)
    }

    /// Shows the verdicts of the other katas saved with this change, below the current one.
    fn show_others(&mut self, others: Vec<Verdict>) -> io::Result<()> {
        for v in others {
            writeln!(self.out, "\n{RULE}\nalso saved: {}\n", v.kata_id)?;
            write_block(self.out, &v.rendered)?;
            if v.green {
                writeln!(self.out, "✓ {} is green.", v.kata_id)?;
            } else {
                writeln!(self.out, "✗ {} is not green.", v.kata_id)?;
            }
        }
        self.out.flush()
    }

    /// Waits for the background check, if one runs, and returns its verdict.
    fn finish_background(&mut self) -> Option<Verdict> {
        self.background.take().and_then(|rx| rx.recv().ok())
    }

    /// Waits for the background check and drops its verdict: what comes next replaces it.
    fn discard_background(&mut self) {
        self.finish_background();
    }

    /// Ends the loop: a check still running in the background is stopped first.
    fn stop(&mut self, why: WatchExit) -> WatchExit {
        if self.background.is_some() {
            self.hooks.cancel();
            self.discard_background();
        }
        why
    }

    /// Skips to the next kata and checks it.
    fn skip(&mut self, scope: &'scope Scope<'scope, 'env>) -> io::Result<Flow> {
        match self.hooks.next_kata() {
            None => {
                writeln!(self.out, "No kata left to skip to. Every kata is done.")?;
                self.out.flush()?;
                Ok(Flow::AllDone)
            }
            Some(next) => {
                if self.presentation.interactive {
                    self.out.write_all(CLEAR.as_bytes())?;
                }
                writeln!(self.out, "→ skipped to {next}\n")?;
                self.check(scope, false, None)
            }
        }
    }

    /// Prints what a hook renders (a hint, the list) below the current output.
    fn show(&mut self, render: &dyn Fn(&mut H) -> String) -> io::Result<Flow> {
        let text = render(self.hooks);
        writeln!(self.out)?;
        write_block(self.out, &text)?;
        self.footer()?;
        Ok(Flow::Continue)
    }

    fn footer(&mut self) -> io::Result<()> {
        if self.presentation.interactive {
            writeln!(self.out, "\n{KEYS}")?;
        }
        self.out.flush()
    }
}

/// How often the loop looks for the background check's verdict while it waits for input.
const POLL: Duration = Duration::from_millis(20);

enum Selected {
    Input(Input),
    Verdict(Verdict),
    InputsClosed,
    Lost,
}

/// Waits for an input or a verdict, whichever comes first; an input already waiting comes
/// before a verdict (the learner's keys and saves first). std's channels have no select:
/// the verdict is looked for between waits of [`POLL`] for input.
fn select(inputs: &Receiver<Input>, verdicts: &Receiver<Verdict>) -> Selected {
    loop {
        match inputs.try_recv() {
            Ok(input) => return Selected::Input(input),
            Err(TryRecvError::Disconnected) => return Selected::InputsClosed,
            Err(TryRecvError::Empty) => {}
        }
        match verdicts.try_recv() {
            Ok(verdict) => return Selected::Verdict(verdict),
            Err(TryRecvError::Disconnected) => return Selected::Lost,
            Err(TryRecvError::Empty) => {}
        }
        match inputs.recv_timeout(POLL) {
            Ok(input) => return Selected::Input(input),
            Err(RecvTimeoutError::Disconnected) => return Selected::InputsClosed,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// Writes `text`, ending it with a newline if it has none.
fn write_block(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A duration for people: `850ms`, `42s`, `3m 07s`, `2h 05m` (and `under a second` for the
/// zero of a record kept in whole seconds).
pub fn format_elapsed(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 if d.is_zero() => "under a second".to_string(),
        0 => format!("{}ms", d.as_millis()),
        1..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_times_read_naturally() {
        assert_eq!(format_elapsed(Duration::ZERO), "under a second");
        assert_eq!(format_elapsed(Duration::from_millis(850)), "850ms");
        assert_eq!(format_elapsed(Duration::from_secs(42)), "42s");
        assert_eq!(format_elapsed(Duration::from_secs(187)), "3m 07s");
        assert_eq!(format_elapsed(Duration::from_secs(7500)), "2h 05m");
    }
}
