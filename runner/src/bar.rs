//! A textual progress bar on stderr while cargo compiles: a long build is never a silent wait.

use std::io::Write;

/// Counts compiled units against the expected total; draws only when something really compiles.
#[derive(Debug)]
pub struct Bar {
    enabled: bool,
    expected: usize,
    done: usize,
    drawn: bool,
}

const WIDTH: usize = 30;

impl Bar {
    /// A bar that draws on stderr when `enabled` (stderr is a terminal).
    pub fn new(enabled: bool, expected: usize) -> Self {
        Self {
            enabled,
            expected,
            done: 0,
            drawn: false,
        }
    }

    /// One unit finished; `fresh` units (already built) do not make the bar appear.
    pub fn unit(&mut self, name: &str, fresh: bool) {
        self.done += 1;
        if !self.enabled || (fresh && !self.drawn) {
            return;
        }
        self.drawn = true;
        let total = self.expected.max(self.done + 1);
        let filled = WIDTH * self.done / total;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K  building [{}{}] {}/{} {}",
            "=".repeat(filled),
            " ".repeat(WIDTH - filled),
            self.done,
            total,
            name
        );
        let _ = err.flush();
    }

    /// Clears the bar line.
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}
