//! The d21-testing suite: compiled into kata-d21-testing (where it must fail) and
//! solution-d21-testing (where it must pass).

use std::time::Duration;

/// Proptest settings for this suite: no regression files in the repository, and a case
/// count that keeps a learner's check fast.
pub(crate) fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: 64,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// How long a test waits for work on another thread before it calls the code stuck.
/// A deadlock guard only: no passing test comes anywhere near it.
pub(crate) const GUARD: Duration = Duration::from_secs(20);

/// `insta::assert_snapshot!` with a name that does not depend on which crate runs it.
macro_rules! assert_suite_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => "../../snapshots/d21-testing",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

mod fake_http;
mod humble_checkout;
mod kill_mutants;
mod percentiles;
mod rle_laws;
mod stub_vs_mock;
mod teardown_fixture;
