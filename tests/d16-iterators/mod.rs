//! The d16-iterators suite: compiled into kata-d16-iterators (where it must fail) and
//! solution-d16-iterators (where it must pass).

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
            snapshot_path => "../../snapshots/d16-iterators",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

mod heap; // a counting global allocator: measures the heap a piece of code holds

mod delegation;
mod generator_shortcut;
mod iterable_vs_iterator;
mod iterator_struct;
mod lazy_pipeline;
mod streaming_file;
