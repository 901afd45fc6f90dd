//! The watch loop itself, independent of terminals and file systems: it reads [`Input`]s
//! from a channel and writes to any [`Write`], so tests drive it with plain values.

use std::collections::{HashSet, VecDeque};
use std::io::{self, Write};
use std::sync::mpsc::Receiver;
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
    /// How long the learner took from starting the kata to green, when green and known.
    pub elapsed_to_green: Option<Duration>,
}

/// What watch mode needs from the runner core. Errors are the core's to render: a check
/// that could not run is a red [`Verdict`] whose `rendered` text says why.
pub trait WatchHooks {
    /// Builds and tests the current kata (and records the check in the progress file).
    fn check_current(&mut self) -> Verdict;
    /// Makes the next kata current; returns its id, or `None` when every kata is done.
    fn next_kata(&mut self) -> Option<String>;
    /// The next hint for the current kata, rendered (and recorded as used).
    fn hint(&mut self) -> String;
    /// The list of katas with their state, rendered.
    fn list(&mut self) -> String;
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
pub fn drive<H: WatchHooks + ?Sized>(
    hooks: &mut H,
    inputs: &Receiver<Input>,
    out: &mut dyn Write,
    presentation: Presentation,
) -> io::Result<WatchExit> {
    let mut session = Session {
        hooks,
        out,
        presentation,
        checks: 0,
    };
    if session.check(true, None)? == Flow::AllDone {
        return Ok(WatchExit::AllDone);
    }
    let mut queued = VecDeque::new();
    loop {
        let input = match queued.pop_front() {
            Some(input) => input,
            None => match inputs.recv() {
                Ok(input) => input,
                Err(_) => return Ok(WatchExit::InputClosed),
            },
        };
        let flow = match input {
            Input::Changed(change) => {
                // Saves made while the last check ran: one re-check covers them all.
                while let Ok(next) = inputs.try_recv() {
                    if !matches!(next, Input::Changed(_)) {
                        queued.push_back(next);
                    }
                }
                session.check(true, Some(change.first_seen))?
            }
            Input::Key(Key::Hint) => session.show(&|h| h.hint())?,
            Input::Key(Key::List) => session.show(&|h| h.list())?,
            Input::Key(Key::Next) => session.skip()?,
            Input::Key(Key::Quit) => return Ok(WatchExit::Quit),
            Input::Eof => return Ok(WatchExit::InputClosed),
            Input::Signal => return Ok(WatchExit::Signal),
        };
        if flow == Flow::AllDone {
            return Ok(WatchExit::AllDone);
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    AllDone,
}

struct Session<'a, H: ?Sized> {
    hooks: &'a mut H,
    out: &'a mut dyn Write,
    presentation: Presentation,
    checks: usize,
}

impl<H: WatchHooks + ?Sized> Session<'_, H> {
    /// Checks the current kata; while it is green, announces it and moves on (each kata
    /// at most once, so a core that keeps returning a green kata cannot loop forever).
    fn check(&mut self, clear: bool, saved_at: Option<Instant>) -> io::Result<Flow> {
        if clear {
            if self.presentation.interactive {
                self.out.write_all(CLEAR.as_bytes())?;
            } else if self.checks > 0 {
                // Plain output keeps the history: a rule separates the checks.
                writeln!(self.out, "\n{RULE}\n")?;
            }
        }
        let mut seen = HashSet::new();
        loop {
            let verdict = self.hooks.check_current();
            self.checks += 1;
            write_block(self.out, &verdict.rendered)?;
            if let Some(saved_at) = saved_at.filter(|_| self.presentation.timing && seen.is_empty())
            {
                self.out.flush()?;
                let took = saved_at.elapsed().as_secs_f64();
                writeln!(self.out, "⏱ save → verdict: {took:.3} s")?;
            }
            if !verdict.green {
                break;
            }
            match verdict.elapsed_to_green {
                Some(took) => writeln!(
                    self.out,
                    "✓ {} is green, in {}.",
                    verdict.kata_id,
                    format_elapsed(took)
                )?,
                None => writeln!(self.out, "✓ {} is green.", verdict.kata_id)?,
            }
            seen.insert(verdict.kata_id);
            match self.hooks.next_kata() {
                None => {
                    writeln!(self.out, "Every kata is green. Well done!")?;
                    self.out.flush()?;
                    return Ok(Flow::AllDone);
                }
                Some(next) if seen.contains(&next) => break,
                Some(next) => writeln!(self.out, "\n→ next kata: {next}\n")?,
            }
        }
        self.footer()?;
        Ok(Flow::Continue)
    }

    /// Skips to the next kata and checks it.
    fn skip(&mut self) -> io::Result<Flow> {
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
                self.check(false, None)
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

/// Writes `text`, ending it with a newline if it has none.
fn write_block(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A duration for people: `850ms`, `42s`, `3m 07s`, `2h 05m`.
pub fn format_elapsed(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
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
        assert_eq!(format_elapsed(Duration::from_millis(850)), "850ms");
        assert_eq!(format_elapsed(Duration::from_secs(42)), "42s");
        assert_eq!(format_elapsed(Duration::from_secs(187)), "3m 07s");
        assert_eq!(format_elapsed(Duration::from_secs(7500)), "2h 05m");
    }
}
