//! The terminal: one rule for colour and one for hyperlinks, used by every screen.
//!
//! Colour is on when the stream is a terminal and `NO_COLOR` is unset or empty (no-color.org:
//! "when present and not an empty string"). Hyperlinks (OSC 8, as rustlings prints them for
//! `file:line`) need colour on as well and a `TERM` other than `dumb`: a pipe, a log file or
//! `NO_COLOR` gets plain `file:line` text, byte for byte what a terminal shows.

use std::io::IsTerminal;
use std::path::Path;

use crate::domain::Status;

/// How one screen is written: plain, or with colours and links.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours on.
    pub color: bool,
    /// OSC-8 hyperlinks on `file:line` (only ever with colour).
    pub links: bool,
}

/// The environment the rule reads, apart from the process, so that it can be tested.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// The stream is a terminal.
    pub terminal: bool,
    /// `NO_COLOR`'s value, if set.
    pub no_color: Option<&'a str>,
    /// `TERM`'s value, if set.
    pub term: Option<&'a str>,
}

impl Style {
    /// No colours, no links: JSON, files, tests.
    pub const PLAIN: Self = Self {
        color: false,
        links: false,
    };

    /// The style for stdout in this process.
    pub fn detect() -> Self {
        let no_color = std::env::var("NO_COLOR").ok();
        let term = std::env::var("TERM").ok();
        Self::for_env(Env {
            terminal: std::io::stdout().is_terminal(),
            no_color: no_color.as_deref(),
            term: term.as_deref(),
        })
    }

    /// The rule itself.
    pub fn for_env(env: Env<'_>) -> Self {
        let color = env.terminal && env.no_color.is_none_or(str::is_empty);
        Self {
            color,
            links: color && env.term != Some("dumb"),
        }
    }

    /// Colours only (a diff, a screen without locations).
    pub fn colored(color: bool) -> Self {
        Self {
            color,
            links: false,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Green text.
    pub fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    /// Red text.
    pub fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    /// Yellow text.
    pub fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    /// Cyan text (diff hunk headers).
    pub fn cyan(&self, t: &str) -> String {
        self.paint("36", t)
    }
    /// Bold text.
    pub fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    /// Dim text.
    pub fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }

    /// A status word in its colour.
    pub fn status(&self, s: Status) -> String {
        match s {
            Status::Green => self.green(s.label()),
            Status::Red => self.red(s.label()),
            Status::DoesNotCompile => self.yellow(s.label()),
            Status::NotStarted => self.dim(s.label()),
            Status::NotCurrent => self.yellow(s.label()),
            Status::TestsModified => self.red(s.label()),
        }
    }

    /// `file:line` as the learner reads it; with links on, a click opens the file (`file` is
    /// relative to `root`, or absolute).
    pub fn location(&self, root: &Path, file: &str, line: u32) -> String {
        let text = format!("{file}:{line}");
        if !self.links {
            return text;
        }
        let path = root.join(file);
        let path = path.canonicalize().unwrap_or(path);
        hyperlink(&format!("file://{}", path.display()), &text)
    }
}

/// `text` as an OSC-8 hyperlink to `url`.
pub fn hyperlink(url: &str, text: &str) -> String {
    format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(
        terminal: bool,
        no_color: Option<&'static str>,
        term: Option<&'static str>,
    ) -> Env<'static> {
        Env {
            terminal,
            no_color,
            term,
        }
    }

    #[test]
    fn a_terminal_gets_colours_and_links() {
        let s = Style::for_env(env(true, None, Some("xterm-256color")));
        assert!(s.color && s.links);
    }

    #[test]
    fn a_pipe_gets_neither() {
        assert_eq!(
            Style::for_env(env(false, None, Some("xterm"))),
            Style::PLAIN
        );
    }

    #[test]
    fn no_color_with_a_value_turns_both_off() {
        assert_eq!(Style::for_env(env(true, Some("1"), None)), Style::PLAIN);
    }

    #[test]
    fn an_empty_no_color_leaves_colour_on_as_no_color_org_says() {
        assert!(Style::for_env(env(true, Some(""), None)).color);
    }

    #[test]
    fn a_dumb_terminal_gets_colours_but_no_links() {
        let s = Style::for_env(env(true, None, Some("dumb")));
        assert!(s.color && !s.links);
    }

    #[test]
    fn a_location_without_links_is_plain_file_colon_line() {
        let s = Style::colored(true);
        assert_eq!(
            s.location(Path::new("/r"), "katas/a/src/b.rs", 7),
            "katas/a/src/b.rs:7"
        );
    }

    #[test]
    fn a_location_with_links_wraps_the_same_text_in_osc_8() {
        let s = Style {
            color: true,
            links: true,
        };
        let text = s.location(Path::new("/nowhere"), "k/x.rs", 3);
        assert_eq!(
            text,
            "\x1b]8;;file:///nowhere/k/x.rs\x1b\\k/x.rs:3\x1b]8;;\x1b\\"
        );
    }

    #[test]
    fn plain_style_paints_nothing() {
        assert_eq!(Style::PLAIN.red("x"), "x");
        assert_eq!(Style::colored(true).red("x"), "\x1b[31mx\x1b[0m");
    }
}
