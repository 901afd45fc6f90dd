//! A closed output pipe (`cargo kata verify --json | head`) ends the runner quietly.
//!
//! Rust ignores SIGPIPE, so a write to a closed pipe fails with `BrokenPipe`, and `print!`
//! turns that failure into a panic. A panic hook recognises it and ends the runner the way
//! other tools end when their reader goes away: no message, exit status 141 (128 + SIGPIPE),
//! after the same clean-up as an interrupt (test processes killed, temporary files removed).

use std::panic::PanicHookInfo;

pub use crate::exit::EXIT_PIPE;

/// Installs the hook; any other panic goes to the default hook.
pub fn install() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if is_broken_pipe_panic(info) {
            quit();
        }
        default(info);
    }));
}

/// Ends the runner as a closed pipe means to.
pub fn quit() -> ! {
    crate::interrupt::shut_down();
    std::process::exit(EXIT_PIPE)
}

/// Whether `e` says the reader of our output went away.
pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

fn is_broken_pipe_panic(info: &PanicHookInfo<'_>) -> bool {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or_default();
    is_broken_pipe_message(text)
}

/// `print!`'s panic message for a closed stdout or stderr.
fn is_broken_pipe_message(text: &str) -> bool {
    text.starts_with("failed printing to std")
        && (text.contains("Broken pipe") || text.contains("os error 32"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_print_failures_on_a_closed_pipe_count() {
        assert!(is_broken_pipe_message(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_broken_pipe_message(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_broken_pipe_message("Broken pipe"));
    }
}
