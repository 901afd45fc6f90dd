//! Every exit code the runner ends with, in one place: scripts and CI read them.

/// Success: the kata is green, the suites are proven, the command did what was asked.
pub const EXIT_OK: i32 = 0;
/// A verdict, not a failure of the runner: a kata is not green, verify found a problem, a
/// solution stays hidden until green.
pub const EXIT_RED: i32 = 1;
/// The runner could not do what was asked: bad input (unknown kata, malformed manifest, a
/// bad flag value) or a failure around it (git, cargo or the file system).
pub const EXIT_ERROR: i32 = 2;
/// Watch mode ended by Ctrl-C: 128 + SIGINT, as shells report an interrupted program.
pub const EXIT_INTERRUPTED: i32 = 128 + 2;
/// The reader of our output went away (`cargo kata verify --json | head`): 128 + SIGPIPE,
/// as shells report a program killed by a closed pipe.
pub const EXIT_PIPE: i32 = 128 + 13;

/// The exit code of a process ended by `signal`, as shells report it.
pub const fn signalled(signal: i32) -> i32 {
    128 + signal
}

/// The byte a process can exit with: codes outside 0..=255 become [`EXIT_RED`].
pub fn to_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(EXIT_RED as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signal_codes_are_128_plus_the_signal_number() {
        assert_eq!(EXIT_INTERRUPTED, signalled(2));
        assert_eq!(EXIT_PIPE, signalled(13));
    }

    #[test]
    fn a_code_that_does_not_fit_a_byte_is_a_plain_failure() {
        assert_eq!(to_byte(EXIT_PIPE), 141);
        assert_eq!(to_byte(-1), 1);
        assert_eq!(to_byte(300), 1);
    }
}
