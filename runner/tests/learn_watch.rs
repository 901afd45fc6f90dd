//! Watch mode against a real temporary workspace: every kind of editor save is exactly
//! one change, and the loop reacts to changes and keys as a learner expects.

use std::collections::VecDeque;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use kata_runner::learn::watch::{
    Change, Input, Key, Presentation, SourceWatcher, Verdict, WatchExit, WatchHooks, drive,
};

/// Deadlock guard only: a change normally arrives within the 100 ms quiet period.
const GUARD: Duration = Duration::from_secs(20);

struct Workspace {
    _tmp: tempfile::TempDir,
    src: PathBuf,
    _watcher: SourceWatcher,
    changes: Receiver<Change>,
    fences: usize,
}

impl Workspace {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let katas = tmp.path().join("katas");
        let src = katas.join("d16-iterators/src");
        fs::create_dir_all(&src).unwrap();
        fs::write(src.join("lib.rs"), "pub mod take_while;\n").unwrap();
        fs::write(src.join("take_while.rs"), "// stub\n").unwrap();
        let src = src.canonicalize().unwrap();
        let (tx, changes) = mpsc::channel();
        let watcher = SourceWatcher::start(&katas, Duration::from_millis(100), move |c| {
            tx.send(c).is_ok()
        })
        .expect("watch the temp workspace");
        Self {
            _tmp: tmp,
            src,
            _watcher: watcher,
            changes,
            fences: 0,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.src.join(name)
    }

    fn next_change(&self, what: &str) -> Change {
        self.changes
            .recv_timeout(GUARD)
            .unwrap_or_else(|e| panic!("no change reported after {what}: {e}"))
    }

    /// Asserts that `save` is reported as exactly one change of `take_while.rs`: the
    /// change arrives, and the next change is only the fence file written afterwards
    /// (a second change from the same save would arrive first, or merge with the fence).
    fn assert_one_change(&mut self, what: &str, save: impl FnOnce(&Path)) {
        let kata = self.path("take_while.rs");
        save(&kata);
        let change = self.next_change(what);
        assert_eq!(
            change.paths,
            vec![kata],
            "{what}: one change of the kata file"
        );
        self.assert_fence_is_next(what);
    }

    /// Writes a fresh `.rs` file and asserts that the next change is exactly that file.
    fn assert_fence_is_next(&mut self, what: &str) {
        self.fences += 1;
        let fence = self.path(&format!("fence_{}.rs", self.fences));
        fs::write(&fence, "// fence\n").unwrap();
        let change = self.next_change("the fence write");
        assert_eq!(
            change.paths,
            vec![fence],
            "{what} produced a second change: saves must be debounced into one"
        );
    }
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn chmod(_path: &Path, _mode: u32) {}

#[test]
fn a_plain_write_is_one_change() {
    let mut ws = Workspace::new();
    ws.assert_one_change("a plain write", |kata| {
        fs::write(kata, "pub fn f() {}\n").unwrap();
    });
}

#[test]
fn write_to_temp_then_rename_then_chmod_is_one_change() {
    let mut ws = Workspace::new();
    ws.assert_one_change("write-to-temp + rename + chmod", |kata| {
        let tmp = kata.with_file_name(".take_while.rs.tmp4711");
        fs::write(&tmp, "pub fn g() {}\n").unwrap();
        fs::rename(&tmp, kata).unwrap();
        chmod(kata, 0o644);
    });
}

#[test]
fn a_vim_save_with_probe_swap_and_backup_is_one_change() {
    let mut ws = Workspace::new();
    ws.assert_one_change("a vim save", |kata| {
        let dir = kata.parent().unwrap();
        fs::write(dir.join(".take_while.rs.swp"), "swap").unwrap();
        fs::write(dir.join("4913"), "").unwrap();
        fs::remove_file(dir.join("4913")).unwrap();
        let backup = dir.join("take_while.rs~");
        fs::rename(kata, &backup).unwrap();
        fs::write(kata, "pub fn h() {}\n").unwrap();
        chmod(kata, 0o644);
        fs::remove_file(&backup).unwrap();
        fs::write(dir.join(".take_while.rs.swp"), "swap 2").unwrap();
    });
}

#[test]
fn emacs_and_jetbrains_saves_are_one_change_each() {
    let mut ws = Workspace::new();
    ws.assert_one_change("an emacs save", |kata| {
        let dir = kata.parent().unwrap();
        fs::write(dir.join("#take_while.rs#"), "autosave").unwrap();
        fs::write(dir.join(".#take_while.rs"), "lock").unwrap();
        fs::rename(kata, dir.join("take_while.rs~")).unwrap();
        fs::write(kata, "pub fn e() {}\n").unwrap();
        fs::remove_file(dir.join("#take_while.rs#")).unwrap();
        fs::remove_file(dir.join(".#take_while.rs")).unwrap();
    });
    ws.assert_one_change("a JetBrains safe write", |kata| {
        let dir = kata.parent().unwrap();
        let tmp = dir.join("take_while.rs___jb_tmp___");
        let old = dir.join("take_while.rs___jb_old___");
        fs::write(&tmp, "pub fn j() {}\n").unwrap();
        fs::rename(kata, &old).unwrap();
        fs::rename(&tmp, kata).unwrap();
        fs::remove_file(&old).unwrap();
    });
}

#[test]
fn files_that_are_not_rust_sources_trigger_nothing() {
    let mut ws = Workspace::new();
    let dir = ws.src.clone();
    fs::write(dir.join(".take_while.rs.swp"), "swap").unwrap();
    fs::write(dir.join("notes.md"), "notes").unwrap();
    fs::write(dir.parent().unwrap().join("Cargo.toml"), "[package]").unwrap();
    fs::read_to_string(dir.join("take_while.rs")).unwrap();
    ws.assert_fence_is_next("writing swap files, notes and reading the kata");
}

#[test]
fn consecutive_saves_are_separate_changes() {
    let mut ws = Workspace::new();
    for i in 0..3 {
        ws.assert_one_change(&format!("save {i}"), |kata| {
            fs::write(kata, format!("// version {i}\n")).unwrap();
        });
    }
}

#[test]
fn a_missing_katas_directory_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = SourceWatcher::start(
        &tmp.path().join("katas"),
        Duration::from_millis(100),
        |_| true,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("katas"),
        "the message names the directory: {err}"
    );
}

/// A core stand-in: scripted verdicts, counted calls.
#[derive(Default)]
struct FakeCore {
    verdicts: VecDeque<Verdict>,
    next: VecDeque<Option<String>>,
    checks: usize,
    hints: usize,
    lists: usize,
}

fn red(kata: &str) -> Verdict {
    Verdict {
        green: false,
        rendered: format!("{kata}: 0 passed; 2 failed"),
        kata_id: kata.to_owned(),
        elapsed_to_green: None,
    }
}

fn green(kata: &str, secs: u64) -> Verdict {
    Verdict {
        green: true,
        rendered: format!("{kata}: 2 passed; 0 failed"),
        kata_id: kata.to_owned(),
        elapsed_to_green: Some(Duration::from_secs(secs)),
    }
}

impl WatchHooks for FakeCore {
    type Job = Box<dyn FnOnce() -> Verdict + Send>;
    fn check_current_job(&mut self) -> Self::Job {
        let verdict = self.check_current();
        Box::new(move || verdict)
    }
    fn check_current(&mut self) -> Verdict {
        self.checks += 1;
        self.verdicts
            .pop_front()
            .expect("a scripted verdict for every check")
    }
    fn next_kata(&mut self) -> Option<String> {
        self.next.pop_front().expect("a scripted next kata")
    }
    fn hint(&mut self) -> String {
        self.hints += 1;
        format!("hint {}", self.hints)
    }
    fn list(&mut self) -> String {
        self.lists += 1;
        "take_while  red\nfold  red".to_owned()
    }
}

fn run_loop<H: WatchHooks>(
    core: &mut H,
    inputs: Vec<Input>,
    interactive: bool,
) -> (WatchExit, String) {
    let (tx, rx) = mpsc::channel();
    for input in inputs {
        tx.send(input).unwrap();
    }
    drop(tx);
    let mut out = Vec::new();
    let presentation = Presentation {
        interactive,
        timing: false,
    };
    let exit = drive(core, &rx, &mut out, presentation).unwrap();
    (exit, String::from_utf8(out).unwrap())
}

fn changed() -> Input {
    Input::Changed(Change {
        paths: vec![PathBuf::from("katas/d16/src/take_while.rs")],
        first_seen: Instant::now(),
    })
}

#[test]
fn each_change_rechecks_and_green_moves_on_with_the_time_taken() {
    let mut core = FakeCore {
        verdicts: [red("take_while"), green("take_while", 187), red("fold")].into(),
        next: [Some("fold".to_owned())].into(),
        ..FakeCore::default()
    };
    let (exit, out) = run_loop(&mut core, vec![changed(), Input::Eof], false);
    assert_eq!(
        exit,
        WatchExit::InputClosed,
        "EOF on stdin stops watch mode"
    );
    assert_eq!(
        core.checks, 3,
        "initial check, the save, then the next kata"
    );
    assert!(
        out.contains("✓ take_while is green, 3m 07s from its first edit."),
        "{out}"
    );
    assert!(out.contains("→ next kata: fold"), "{out}");
    assert!(
        out.trim_end().ends_with("fold: 0 passed; 2 failed"),
        "{out}"
    );
    assert!(
        !out.contains('\x1b'),
        "no escape codes without a terminal: {out:?}"
    );
}

#[test]
fn keys_show_hints_list_skip_and_quit() {
    let mut core = FakeCore {
        verdicts: [red("take_while"), red("fold")].into(),
        next: [Some("fold".to_owned())].into(),
        ..FakeCore::default()
    };
    let inputs = vec![
        Input::Key(Key::Hint),
        Input::Key(Key::Hint),
        Input::Key(Key::List),
        Input::Key(Key::Next),
        Input::Key(Key::Quit),
        changed(),
    ];
    let (exit, out) = run_loop(&mut core, inputs, true);
    assert_eq!(exit, WatchExit::Quit);
    assert_eq!(
        (core.hints, core.lists, core.checks),
        (2, 1, 2),
        "q stops before the change"
    );
    assert!(out.contains("hint 1") && out.contains("hint 2"), "{out}");
    assert!(out.contains("→ skipped to fold"), "{out}");
    assert!(
        out.starts_with("\x1b[2J"),
        "a terminal is cleared before a check"
    );
    assert!(
        out.contains("h hint · n next kata · l list · q quit"),
        "{out}"
    );
}

#[test]
fn saves_queued_during_a_check_are_one_recheck_and_keys_keep_their_order() {
    let mut core = FakeCore {
        verdicts: [red("fold"), red("fold")].into(),
        ..FakeCore::default()
    };
    let inputs = vec![
        changed(),
        Input::Key(Key::Hint),
        changed(),
        Input::Key(Key::List),
        changed(),
        Input::Signal,
    ];
    let (exit, out) = run_loop(&mut core, inputs, false);
    assert_eq!(exit, WatchExit::Signal, "a signal stops watch mode");
    assert_eq!(
        core.checks, 2,
        "the initial check and one re-check for three saves"
    );
    assert_eq!((core.hints, core.lists), (1, 1));
    let (hint, list) = (
        out.find("hint 1").unwrap(),
        out.find("take_while  red").unwrap(),
    );
    assert!(hint < list, "keys are handled in order: {out}");
}

#[test]
fn the_last_green_kata_ends_watch_mode() {
    let mut core = FakeCore {
        verdicts: [red("fold"), green("fold", 42)].into(),
        next: [None].into(),
        ..FakeCore::default()
    };
    let (exit, out) = run_loop(&mut core, vec![changed(), changed()], false);
    assert_eq!(exit, WatchExit::AllDone);
    assert_eq!(
        core.checks, 2,
        "nothing is checked after every kata is green"
    );
    assert!(out.contains("Every kata is green"), "{out}");
}

#[test]
fn katas_already_green_are_passed_once_and_never_in_a_loop() {
    let mut core = FakeCore {
        verdicts: [green("take_while", 1), green("fold", 1)].into(),
        next: [Some("fold".to_owned()), Some("take_while".to_owned())].into(),
        ..FakeCore::default()
    };
    let (exit, out) = run_loop(&mut core, vec![], false);
    assert_eq!(exit, WatchExit::InputClosed);
    assert_eq!(
        core.checks, 2,
        "each green kata is checked once, then the loop waits"
    );
    assert!(out.contains("✓ fold is green"), "{out}");
}

/// A core whose first check is green and whose check of the next kata (`fold`) waits, on
/// its own thread, until the loop has handled a hint (or cancelled the check): it proves
/// that the loop serves keys while the next kata is checked.
struct GatedCore {
    checks: usize,
    hints: usize,
    cancelled: usize,
    gate: mpsc::Sender<()>,
    gated: Option<Receiver<()>>,
}

impl GatedCore {
    fn new() -> Self {
        let (gate, gated) = mpsc::channel();
        Self {
            checks: 0,
            hints: 0,
            cancelled: 0,
            gate,
            gated: Some(gated),
        }
    }
}

impl WatchHooks for GatedCore {
    type Job = Box<dyn FnOnce() -> Verdict + Send>;
    fn check_current(&mut self) -> Verdict {
        self.checks += 1;
        match self.checks {
            1 => green("take_while", 60),
            _ => red("fold (checked again after the save)"),
        }
    }
    fn check_current_job(&mut self) -> Self::Job {
        self.checks += 1;
        let gated = self.gated.take().expect("one background check");
        Box::new(move || match gated.recv_timeout(GUARD) {
            Ok(()) => red("fold"),
            Err(_) => red("fold, checked only after the loop stopped waiting for keys"),
        })
    }
    fn cancel(&mut self) {
        self.cancelled += 1;
        let _ = self.gate.send(());
    }
    fn next_kata(&mut self) -> Option<String> {
        Some("fold".to_owned())
    }
    fn hint(&mut self) -> String {
        self.hints += 1;
        let _ = self.gate.send(());
        format!("hint {}", self.hints)
    }
    fn list(&mut self) -> String {
        String::new()
    }
}

#[test]
fn a_green_is_shown_at_once_and_keys_work_while_the_next_kata_is_checked() {
    let mut core = GatedCore::new();
    let (exit, out) = run_loop(&mut core, vec![Input::Key(Key::Hint), Input::Eof], false);
    assert_eq!(exit, WatchExit::InputClosed);
    let at = |what: &str| {
        out.find(what)
            .unwrap_or_else(|| panic!("{what:?} is missing from:\n{out}"))
    };
    assert!(
        at("✓ take_while is green") < at("hint 1") && at("hint 1") < at("fold: 0 passed"),
        "the green verdict first, then the hint asked for while the next kata was checked, \
         then the next kata's verdict:\n{out}"
    );
}

#[test]
fn quitting_while_the_next_kata_is_checked_stops_that_check() {
    let mut core = GatedCore::new();
    let (exit, out) = run_loop(&mut core, vec![Input::Key(Key::Quit)], false);
    assert_eq!(exit, WatchExit::Quit);
    assert_eq!(core.cancelled, 1, "q stops the check in the background");
    assert!(
        !out.contains("fold: 0 passed"),
        "a stopped check shows no verdict:\n{out}"
    );
}

#[test]
fn a_save_while_the_next_kata_is_checked_replaces_that_verdict() {
    let mut core = GatedCore::new();
    let inputs = vec![Input::Key(Key::Hint), changed(), Input::Eof];
    let (exit, out) = run_loop(&mut core, inputs, false);
    assert_eq!(exit, WatchExit::InputClosed);
    assert!(
        !out.contains("fold: 0 passed"),
        "the background check read the file before the save: its verdict is dropped:\n{out}"
    );
    assert!(
        out.contains("fold (checked again after the save)"),
        "the save is checked:\n{out}"
    );
}

#[test]
fn a_real_save_drives_the_loop() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("katas/d16/src");
    fs::create_dir_all(&src).unwrap();
    let kata = src.join("take_while.rs");
    fs::write(&kata, "// stub\n").unwrap();

    let (tx, rx) = mpsc::channel();
    let changes = tx.clone();
    let _watcher = SourceWatcher::start(
        &tmp.path().join("katas"),
        Duration::from_millis(100),
        move |c| changes.send(Input::Changed(c)).is_ok(),
    )
    .unwrap();

    // The core saves the kata during the first check (as a learner would after reading
    // it) and stops the loop from the second check: one save, one re-check.
    struct SavingCore {
        kata: PathBuf,
        stop: mpsc::Sender<Input>,
        checks: usize,
    }
    impl WatchHooks for SavingCore {
        type Job = Box<dyn FnOnce() -> Verdict + Send>;
        fn check_current_job(&mut self) -> Self::Job {
            let verdict = self.check_current();
            Box::new(move || verdict)
        }
        fn check_current(&mut self) -> Verdict {
            self.checks += 1;
            match self.checks {
                1 => fs::write(&self.kata, "pub fn f() {}\n").unwrap(),
                _ => self.stop.send(Input::Eof).unwrap(),
            }
            red("take_while")
        }
        fn next_kata(&mut self) -> Option<String> {
            None
        }
        fn hint(&mut self) -> String {
            String::new()
        }
        fn list(&mut self) -> String {
            String::new()
        }
    }
    let mut core = SavingCore {
        kata,
        stop: tx,
        checks: 0,
    };
    let (done_tx, done) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let presentation = Presentation {
            interactive: false,
            timing: true,
        };
        let exit = drive(&mut core, &rx, &mut out, presentation);
        let _ = done_tx.send((exit.unwrap(), core.checks, String::from_utf8(out).unwrap()));
    });
    // Deadlock guard only: the loop ends as soon as the re-check has run.
    let (exit, checks, out) = done.recv_timeout(GUARD).expect("the save was never seen");
    assert_eq!(exit, WatchExit::InputClosed);
    assert_eq!(checks, 2, "the save must trigger exactly one re-check");
    assert_eq!(
        out.matches("⏱ save → verdict: ").count(),
        1,
        "with timing on, the re-check after the save reports its time: {out}"
    );
}
