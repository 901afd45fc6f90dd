//! A live line on stderr while tests run, so a slow check is never a silent screen:
//! `5/8 tests done, 2 running for 6 s`.

use std::io::Write;
use std::time::Duration;

/// How long tests may run before the line appears: a fast check draws nothing.
const QUIET: Duration = Duration::from_secs(1);

/// The line, drawn in place (`\r`) when enabled (stderr is a terminal).
#[derive(Debug)]
pub struct Line {
    enabled: bool,
    drawn: bool,
}

impl Line {
    /// A line that draws only when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            drawn: false,
        }
    }

    /// Redraws the line: `done` of `total` finished, `running` still running, the oldest
    /// for `oldest`. Nothing is drawn until a test has run for a second.
    pub fn tests(&mut self, done: usize, total: usize, running: usize, oldest: Option<Duration>) {
        let Some(oldest) = oldest.filter(|o| *o >= QUIET) else {
            return;
        };
        if !self.enabled {
            return;
        }
        self.drawn = true;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K  {}", text(done, total, running, oldest));
        let _ = err.flush();
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}

/// `5/8 tests done, 2 running for 6 s`.
pub fn text(done: usize, total: usize, running: usize, oldest: Duration) -> String {
    format!(
        "{done}/{total} tests done, {running} running for {} s",
        oldest.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_what_is_done_and_how_long_the_oldest_runs() {
        assert_eq!(
            text(5, 8, 2, Duration::from_millis(6_400)),
            "5/8 tests done, 2 running for 6 s"
        );
    }
}
