//! The d18a-sqlite suite: compiled into kata-d18a-sqlite (where it must fail) and
//! solution-d18a-sqlite (where it must pass).

/// Proptest settings for this suite: no regression files in the repository, and a case
/// count that keeps a learner's check fast.
pub(crate) fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: 64,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// `insta::assert_snapshot!` with a name that does not depend on which crate runs it.
macro_rules! assert_suite_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => "../../snapshots/d18a-sqlite",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

/// A fresh temporary directory; every file a test touches lives in one.
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("the OS should give the test a temporary directory")
}

mod async_store;
mod bank;
mod commit;
mod crud;
mod dates;
mod injection;
mod joins;
mod locking;
