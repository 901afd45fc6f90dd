//! What every suite's tests share, so that `tests/<suite>/mod.rs` holds only the suite's own
//! helpers and its gated `mod` lines.
//!
//! Each kata crate and each solution crate has this crate as a dev-dependency; the suite's
//! `tests/<suite>/mod.rs` (compiled into both) starts with:
//!
//! ```text
//! pub(crate) use kata_test_support::proptest_config;
//!
//! /// `insta::assert_snapshot!` into `snapshots/<suite>/` (see `kata_test_support`).
//! macro_rules! assert_suite_snapshot {
//!     ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
//! }
//! ```
//!
//! The local `macro_rules!` keeps the name in textual scope for the `mod` lines below it, as
//! the macro defined in each `mod.rs` before this crate did: test files are unchanged.

pub use insta;

pub mod heap;
pub mod threads;

/// The variable that tells a test process started by [`alone`] which test it is.
const ALONE: &str = "KATA_TEST_SUPPORT_ALONE";

/// Runs `body`, the test `module::name` (`module` is `module_path!()`), in a test process of
/// its own: the test binary is started again with only this test (`--exact`, one thread), so
/// that process-wide figures ([`heap::peak_heap_of_process`], threads, descriptors) count
/// nothing but `body`. In that process `body` runs directly; here its outcome is awaited and
/// a failure is reported with the message `body` gave.
pub fn alone(module: &str, name: &str, body: impl FnOnce()) {
    // `module_path!()` is the crate's name, then the path of the test module.
    let path = module.split_once("::").map_or(module, |(_, rest)| rest);
    let test = format!("{path}::{name}");
    if std::env::var(ALONE).is_ok_and(|wanted| wanted == test) {
        body();
        return;
    }
    let exe = std::env::current_exe()
        .unwrap_or_else(|e| panic!("cannot find the test binary to run {test} alone: {e}"));
    let output = std::process::Command::new(exe)
        .args([test.as_str(), "--exact", "--test-threads=1", "--nocapture"])
        .env(ALONE, &test)
        .env("RUST_BACKTRACE", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot start the test binary to run {test} alone: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{test} ran in a process of its own (so that every thread's figures are counted, and \
         only its own) and failed:\n{stderr}"
    );
}

/// Proptest settings for every suite: no regression files in the repository (a failing case
/// is printed, not saved), and a case count that keeps a learner's check fast.
pub fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: 64,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// Runs `f` and returns its result with how many panics were raised while it ran, caught ones
/// included (a panic hook, installed once and chained to the previous one, counts them): a
/// `catch_unwind` around overflowing arithmetic is seen even though `f` returns normally.
///
/// In a test process of its own (inside [`alone`]) the panics of every thread of the process
/// count, so a panic on a helper thread `f` starts (and joins) is seen too; elsewhere, where
/// other tests run at the same time and may panic on threads of their own, only the panics
/// raised on the calling thread count. Calls are serialised (one at a time in the process).
pub fn panics_raised_by<T>(f: impl FnOnce() -> T) -> (T, usize) {
    use std::cell::Cell;
    use std::sync::atomic::{AtomicUsize, Ordering};
    thread_local! {
        static RAISED_HERE: Cell<usize> = const { Cell::new(0) };
    }
    static RAISED_IN_PROCESS: AtomicUsize = AtomicUsize::new(0);
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            RAISED_IN_PROCESS.fetch_add(1, Ordering::SeqCst);
            let _ = RAISED_HERE.try_with(|raised| raised.set(raised.get() + 1));
            previous(info);
        }));
    });
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let every_thread = std::env::var_os(ALONE).is_some();
    let (here, in_process) = (RAISED_HERE.get(), RAISED_IN_PROCESS.load(Ordering::SeqCst));
    let out = f();
    let raised = if every_thread {
        RAISED_IN_PROCESS.load(Ordering::SeqCst) - in_process
    } else {
        RAISED_HERE.get() - here
    };
    (out, raised)
}

/// Where a test file's snapshots live, relative to that file (insta resolves a relative
/// `snapshot_path` from the directory of the file that asserts): `snapshots/<suite>/` at the
/// repository root, for `file` = `…/tests/<suite>/[<folder>/…]<kata>.rs`.
///
/// The suite is the folder right under `tests/` (the last `tests` component, so a kata crate's
/// `katas/<suite>/src/../../../tests/<suite>/x.rs` and a plain `tests/<suite>/x.rs` agree). A
/// path without `tests/` falls back to the file's own folder as the suite.
pub fn snapshot_dir(file: &str) -> String {
    let parts: Vec<&str> = file.split(['/', '\\']).collect();
    let folders = &parts[..parts.len().saturating_sub(1)];
    let (suite, depth) = match folders.iter().rposition(|p| *p == "tests") {
        Some(i) if i + 1 < folders.len() => (folders[i + 1], folders.len() - i),
        _ => (folders.last().copied().unwrap_or("."), 2),
    };
    format!("{}snapshots/{suite}", "../".repeat(depth))
}

/// `insta::assert_snapshot!(name, value)` stored as `snapshots/<suite>/<name>.snap`, whichever
/// crate (kata or solution) runs the test: no module prefix, no expression in the file.
#[macro_export]
macro_rules! assert_suite_snapshot {
    ($name:expr, $value:expr) => {
        $crate::insta::with_settings!({
            snapshot_path => $crate::snapshot_dir(file!()),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            $crate::insta::assert_snapshot!($name, $value);
        })
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suite_test_file_stores_its_snapshots_two_folders_up() {
        assert_eq!(
            snapshot_dir("tests/d16-iterators/lazy_pipeline.rs"),
            "../../snapshots/d16-iterators"
        );
    }

    #[test]
    fn the_kata_crates_path_to_the_same_file_gives_the_same_folder() {
        assert_eq!(
            snapshot_dir("katas/d16-iterators/src/../../../tests/d16-iterators/lazy_pipeline.rs"),
            "../../snapshots/d16-iterators"
        );
    }

    #[test]
    fn a_test_file_in_a_subfolder_climbs_one_more() {
        assert_eq!(
            snapshot_dir("tests/d21-testing/fixtures/report.rs"),
            "../../../snapshots/d21-testing"
        );
    }

    #[test]
    fn proptest_persists_no_failures() {
        let c = proptest_config();
        assert!(c.failure_persistence.is_none());
        assert_eq!(c.cases, 64);
    }
}
