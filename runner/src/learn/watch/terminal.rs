//! Terminal handling for watch mode: raw mode that is always restored, single-key
//! commands, and the stdin-EOF stop signal used without a terminal.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;

use super::session::{Input, Key};

/// Raw mode for as long as this guard lives: restored on drop, on early return and, via
/// a panic hook, before a panic message is printed.
#[derive(Debug)]
pub struct RawMode(());

impl RawMode {
    /// Enables raw mode (and installs the restoring panic hook once per process).
    pub fn enable() -> io::Result<Self> {
        install_panic_restore();
        terminal::enable_raw_mode()?;
        Ok(Self(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Nothing more can be done if the terminal refuses; the shell's `reset` can.
        let _ = terminal::disable_raw_mode();
    }
}

fn install_panic_restore() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = terminal::disable_raw_mode();
            previous(info);
        }));
    });
}

/// The watch command for a key press, if it is one.
pub fn key_command(key: &KeyEvent) -> Option<Key> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c' | 'd') if ctrl => Some(Key::Quit),
        _ if ctrl => None,
        KeyCode::Char('h' | 'H') => Some(Key::Hint),
        KeyCode::Char('n' | 'N') => Some(Key::Next),
        KeyCode::Char('l' | 'L') => Some(Key::List),
        KeyCode::Char('q' | 'Q') | KeyCode::Esc => Some(Key::Quit),
        _ => None,
    }
}

/// Reads keys on a background thread and sends their commands until `stop` is set or
/// the receiver is gone. A terminal read error is sent as [`Input::Eof`].
pub fn spawn_key_reader(tx: Sender<Input>, stop: Arc<AtomicBool>) -> io::Result<()> {
    thread::Builder::new()
        .name("kata-watch-keys".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                // Poll with a timeout so the thread notices `stop` and ends.
                match event::poll(Duration::from_millis(100)) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(_) => {
                        let _ = tx.send(Input::Eof);
                        return;
                    }
                }
                let input = match event::read() {
                    Ok(Event::Key(key)) => key_command(&key).map(Input::Key),
                    Ok(_) => None,
                    Err(_) => Some(Input::Eof),
                };
                if let Some(input) = input
                    && tx.send(input).is_err()
                {
                    return;
                }
            }
        })
        .map(drop)
}

/// The watch command for a line typed on a standard input that is not a terminal (`q`,
/// `h`, `n`, `l`, or the words `quit`, `hint`, `next`, `list`).
pub fn line_command(line: &str) -> Option<Key> {
    match line.trim().to_ascii_lowercase().as_str() {
        "h" | "hint" => Some(Key::Hint),
        "n" | "next" => Some(Key::Next),
        "l" | "list" => Some(Key::List),
        "q" | "quit" => Some(Key::Quit),
        _ => None,
    }
}

/// Without a terminal: reads standard input line by line on a background thread and sends
/// the commands it names ([`line_command`]); its end stops nothing (watch mode goes on
/// until it is interrupted or told `q`).
pub fn spawn_stdin_line_reader(tx: Sender<Input>) -> io::Result<()> {
    thread::Builder::new()
        .name("kata-watch-lines".into())
        .spawn(move || {
            for line in io::stdin().lines() {
                let Ok(line) = line else { return };
                if let Some(key) = line_command(&line)
                    && tx.send(Input::Key(key)).is_err()
                {
                    return;
                }
            }
        })
        .map(drop)
}

/// Without a terminal: reads (and discards) standard input on a background thread and
/// sends [`Input::Eof`] when it ends, so `cmd | cargo kata watch` stops with `cmd`.
pub fn spawn_stdin_eof_reader(tx: Sender<Input>) -> io::Result<()> {
    thread::Builder::new()
        .name("kata-watch-stdin".into())
        .spawn(move || {
            let mut stdin = io::stdin();
            let mut buf = [0u8; 4096];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = tx.send(Input::Eof);
        })
        .map(drop)
}

/// While alive, SIGINT, SIGTERM and SIGHUP stop watch mode through the input channel
/// (as [`Input::Signal`]), so raw mode is restored and the core can finish cleanly. Once
/// dropped, those signals regain their default effect (the process ends).
///
/// On a terminal in raw mode, Ctrl-C is a key, not a signal; this covers `kill`, a
/// closed terminal, and Ctrl-C without a terminal. Not on Windows (the default applies).
#[derive(Debug)]
pub struct SignalRoute(());

#[cfg(unix)]
mod signals {
    use std::io;
    use std::sync::mpsc::Sender;

    use super::Input;

    /// Signals go through the runner's one listener (which also kills test processes).
    pub fn set(tx: Option<Sender<Input>>) {
        crate::interrupt::set_route(tx.map(|tx| {
            Box::new(move || tx.send(Input::Signal).is_ok()) as Box<dyn Fn() -> bool + Send>
        }));
    }

    pub fn ensure_listener() -> io::Result<()> {
        crate::interrupt::install()
    }
}

impl SignalRoute {
    /// Sends termination signals to `tx` until the returned guard is dropped.
    pub fn install(tx: Sender<Input>) -> io::Result<Self> {
        #[cfg(unix)]
        {
            signals::ensure_listener()?;
            signals::set(Some(tx));
        }
        #[cfg(not(unix))]
        drop(tx);
        Ok(Self(()))
    }
}

impl Drop for SignalRoute {
    fn drop(&mut self) {
        #[cfg(unix)]
        signals::set(None);
    }
}

/// A writer for raw mode, where `\n` no longer returns the cursor: writes `\r\n` for
/// every `\n`.
#[derive(Debug)]
pub struct RawNewlines<W>(pub W);

impl<W: Write> Write for RawNewlines<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for (i, part) in buf.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.0.write_all(b"\r\n")?;
            }
            self.0.write_all(part)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn letters_map_to_commands() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            key_command(&press(KeyCode::Char('h'), none)),
            Some(Key::Hint)
        );
        assert_eq!(
            key_command(&press(KeyCode::Char('n'), none)),
            Some(Key::Next)
        );
        assert_eq!(
            key_command(&press(KeyCode::Char('l'), none)),
            Some(Key::List)
        );
        assert_eq!(
            key_command(&press(KeyCode::Char('q'), none)),
            Some(Key::Quit)
        );
        assert_eq!(key_command(&press(KeyCode::Char('x'), none)), None);
    }

    #[test]
    fn ctrl_c_quits_and_other_ctrl_keys_do_nothing() {
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            key_command(&press(KeyCode::Char('c'), ctrl)),
            Some(Key::Quit)
        );
        assert_eq!(key_command(&press(KeyCode::Char('h'), ctrl)), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_termination_signal_while_watching_stops_the_loop() {
        let (tx, rx) = std::sync::mpsc::channel();
        let route = SignalRoute::install(tx).unwrap();
        signal_hook::low_level::raise(signal_hook::consts::SIGHUP).unwrap();
        // Deadlock guard only: the listener forwards the signal at once.
        let got = rx.recv_timeout(Duration::from_secs(20));
        drop(route);
        assert_eq!(got, Ok(Input::Signal), "SIGHUP must become a stop request");
    }

    #[test]
    fn raw_newlines_return_the_cursor() {
        let mut w = RawNewlines(Vec::new());
        w.write_all(b"a\nb\n").unwrap();
        assert_eq!(w.0, b"a\r\nb\r\n");
    }
}
