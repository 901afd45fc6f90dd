//! `cargo kata watch`: re-check the current kata on every save under `katas/`.
//!
//! The pieces, each testable alone: [`filter`] decides which events are a learner's
//! save, [`debounce`] turns a burst of events into one [`Change`], [`notifier`] connects
//! both to `notify`, [`session`] is the loop over inputs, and [`terminal`] handles raw
//! mode and keys. [`run`] puts them together.

pub mod debounce;
pub mod filter;
pub mod notifier;
pub mod session;
pub mod terminal;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

pub use debounce::{Change, DEFAULT_QUIET, Debouncer};
pub use notifier::SourceWatcher;
pub use session::{Input, Key, Presentation, Verdict, WatchExit, WatchHooks, drive};

use crate::error::WatchError;

/// How to watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchOptions {
    /// The repository root; `<root>/katas/` is watched.
    pub root: PathBuf,
    /// Quiet period that ends a burst of events ([`DEFAULT_QUIET`] by default).
    pub quiet: Duration,
    /// Whether stdin and stdout are a terminal: keys, raw mode and screen clearing.
    pub interactive: bool,
    /// Print the time from each save to its verdict (see [`Presentation::timing`]).
    pub timing: bool,
    /// Read commands at all (`--no-keys` turns this off): keys on a terminal, else lines
    /// on standard input. Either way watch mode goes on until it is interrupted.
    pub keys: bool,
}

impl WatchOptions {
    /// Options for `root`, with the default quiet period, `interactive` detected from
    /// stdin and stdout, and `timing` on when `KATA_WATCH_TIMING=1` (used by
    /// `runner/scripts/measure-loop.sh --watch`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        use std::io::IsTerminal;
        Self {
            root: root.into(),
            quiet: DEFAULT_QUIET,
            interactive: io::stdin().is_terminal() && io::stdout().is_terminal(),
            timing: std::env::var_os("KATA_WATCH_TIMING").is_some_and(|v| v == "1"),
            keys: true,
        }
    }
}

/// Watches `<root>/katas/` and runs the learner's loop on stdout until the learner quits
/// (`q`, Ctrl-C), a signal arrives, or every kata is green. Without a terminal (or without
/// keys) it says so first, and the end of standard input does not stop it.
///
/// On a terminal, raw mode is restored on every exit path, panics included. SIGINT,
/// SIGTERM and SIGHUP end the loop cleanly ([`WatchExit::Signal`]) while it runs, and keep
/// their default effect afterwards.
pub fn run<H: WatchHooks + ?Sized>(
    opts: &WatchOptions,
    hooks: &mut H,
) -> Result<WatchExit, WatchError> {
    let (tx, rx) = mpsc::channel();
    let changes = tx.clone();
    let _watcher = SourceWatcher::start(
        &opts.root.join(crate::layout::KATAS),
        opts.quiet,
        move |change| changes.send(Input::Changed(change)).is_ok(),
    )?;
    let _signals = terminal::SignalRoute::install(tx.clone()).map_err(WatchError::Signals)?;
    let interactive = opts.interactive && opts.keys;
    let presentation = Presentation {
        interactive,
        timing: opts.timing,
    };
    if interactive {
        let _raw = terminal::RawMode::enable().map_err(WatchError::Terminal)?;
        let stop = Arc::new(AtomicBool::new(false));
        terminal::spawn_key_reader(tx, Arc::clone(&stop)).map_err(WatchError::Thread)?;
        let mut out = terminal::RawNewlines(io::stdout().lock());
        let result = drive(hooks, &rx, &mut out, presentation);
        stop.store(true, Ordering::Relaxed);
        let _ = out.flush();
        result.map_err(WatchError::Output)
    } else {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", plain_banner(opts.keys)).map_err(WatchError::Output)?;
        if opts.keys {
            terminal::spawn_stdin_line_reader(tx).map_err(WatchError::Thread)?;
        } else {
            drop(tx);
        }
        drive(hooks, &rx, &mut out, presentation).map_err(WatchError::Output)
    }
}

/// What plain (no keys) watch mode says before its first check: how long it runs and how
/// to stop it.
pub fn plain_banner(lines_are_commands: bool) -> String {
    if lines_are_commands {
        "watching katas/ for saves until interrupted (Ctrl-C); commands, one a line on \
         stdin: h hint, n next kata, l list, q quit"
            .to_string()
    } else {
        "watching katas/ for saves until interrupted (Ctrl-C); no keys".to_string()
    }
}
