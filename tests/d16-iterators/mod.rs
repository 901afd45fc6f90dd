//! The d16-iterators suite: compiled into kata-d16-iterators (where it must fail) and
//! solution-d16-iterators (where it must pass).

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d16-iterators/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// F0..=F93, every Fibonacci number that fits in a `u64`, computed without the code under test.
pub(crate) fn fibonacci_numbers() -> Vec<u64> {
    let mut fib = vec![0_u64, 1];
    while let Some(next) = fib[fib.len() - 1].checked_add(fib[fib.len() - 2]) {
        fib.push(next);
    }
    fib
}

/// Checks that `got`, what `call` yielded, is every Fibonacci number up to `limit`, then stop.
#[cfg(feature = "held-out")]
pub(crate) fn check_fibonacci_up_to(
    call: &str,
    limit: u64,
    got: &[u64],
) -> Result<(), proptest::test_runner::TestCaseError> {
    let expected: Vec<u64> = fibonacci_numbers()
        .into_iter()
        .take_while(|&f| f <= limit)
        .collect();
    proptest::prop_assert_eq!(
        got,
        &expected[..],
        "{} yielded {} numbers ending in {:?}: it must yield every Fibonacci number from 0 up \
         to and including the limit (1 twice), then stop",
        call,
        got.len(),
        got.last()
    );
    Ok(())
}

/// Limits where the stream's length changes (each Fibonacci number and its neighbours, the
/// top of `u64`) are where off-by-one and overflow bugs live; uniform `u64`s almost never
/// land there, so they are mixed with small limits and the boundaries themselves.
pub(crate) fn interesting_limits() -> impl proptest::strategy::Strategy<Value = u64> {
    use proptest::strategy::Strategy as _;
    proptest::prop_oneof![
        0_u64..200,
        proptest::sample::select(fibonacci_numbers()).prop_flat_map(|f| {
            proptest::sample::select(vec![f.saturating_sub(1), f, f.saturating_add(1)])
        }),
        proptest::strategy::Just(u64::MAX),
        proptest::arbitrary::any::<u64>(),
    ]
}

/// Defines a run-time probe of whether `T` implements a trait (so that a missing or extra impl
/// fails one test instead of the whole build): an inherent method is picked before a trait
/// method of the same name, and the inherent one exists only where `T` has the trait.
macro_rules! trait_probe {
    ($(#[$doc:meta])* $probe:ident, $fallback:ident, $method:ident, $($bound:tt)+) => {
        $(#[$doc])*
        pub(crate) struct $probe<T>(pub(crate) std::marker::PhantomData<T>);

        /// The answer for types without the trait (unused where every probed type has it).
        #[allow(dead_code)]
        pub(crate) trait $fallback {
            fn $method(&self) -> bool {
                false
            }
        }

        impl<T> $fallback for $probe<T> {}

        impl<T: $($bound)+> $probe<T> {
            #[allow(dead_code)] // unused where no probed type has the trait
            pub(crate) fn $method(&self) -> bool {
                true
            }
        }
    };
}

trait_probe!(
    /// Whether `T` implements `FusedIterator`, found at run time.
    FusedProbe, NotFused, is_fused, std::iter::FusedIterator
);
trait_probe!(
    /// Whether `T` implements `ExactSizeIterator`: an inherent `len()` does not make it one.
    ExactSizeProbe, NotExactSize, is_exact_size, ExactSizeIterator
);
trait_probe!(
    /// Whether `T` is itself an `Iterator` (a cursor), not only something that makes one.
    IteratorProbe, NotIterator, is_iterator, Iterator
);
trait_probe!(
    /// Whether `T` is `Copy` (a walker that is must not be: passing it by value would copy it).
    CopyProbe, NotCopy, is_copy, Copy
);

/// The type name of a value, to see what an iterator is built from.
pub(crate) fn type_name_of<T>(_: &T) -> &'static str {
    std::any::type_name::<T>()
}

/// The crate's name as type names spell it (closures and helpers of the code under test).
pub(crate) fn own_crate() -> &'static str {
    module_path!().split("::").next().unwrap_or_default()
}

/// The paths (`a::b::C`) in a type's name as `std::any::type_name` writes it.
pub(crate) fn paths_in_type_name(type_name: &str) -> impl Iterator<Item = &str> {
    type_name
        .split(|c: char| "<>,()[]&; ".contains(c))
        .filter(|path| path.contains("::"))
}

/// How many more times a test calls `next()` once a stream has returned `None`.
pub(crate) const CALLS_AFTER_THE_END: usize = 1_000;

/// Walks `stream` to its first `None` (at most `cap` items: a stream that never ends fails
/// fast), then calls `next()` [`CALLS_AFTER_THE_END`] more times. Returns the first of those
/// calls that gave an item, as (call number after the end, counting from 1, item), or `None` if
/// the stream stayed spent, the exhaustion contract of the suite (a spent Python iterator
/// raises `StopIteration` forever).
pub(crate) fn first_item_after_the_end<I: Iterator>(
    mut stream: I,
    cap: usize,
) -> Option<(usize, I::Item)> {
    let walked = stream.by_ref().take(cap).count();
    assert!(
        walked < cap || stream.next().is_none(),
        "the stream did not end within {cap} items"
    );
    (1..=CALLS_AFTER_THE_END).find_map(|call| stream.next().map(|item| (call, item)))
}

/// The sizes a sweep tries: every size from `from` to `dense`, then sizes growing by a quarter
/// (odd, off round numbers: 1.25 times the last, rounded up to odd) up to `most`. A shortcut
/// switched on only between two sizes must fit in a gap of under a quarter of the size.
pub(crate) fn sizes_to_try(from: usize, dense: usize, most: usize) -> Vec<usize> {
    let mut sizes: Vec<usize> = (from..=dense).collect();
    let mut size = dense + 1;
    while size <= most {
        sizes.push(size);
        size = (size + size / 4) | 1;
    }
    sizes
}

mod heap; // a counting global allocator: measures the heap a piece of code holds

#[cfg(any(not(feature = "one-kata"), feature = "delegation"))]
mod delegation;
#[cfg(any(not(feature = "one-kata"), feature = "generator_shortcut"))]
mod generator_shortcut;
#[cfg(any(not(feature = "one-kata"), feature = "iterable_vs_iterator"))]
mod iterable_vs_iterator;
// Used by generator_shortcut: left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "iterator_struct",
        any(feature = "all-tests", not(any(feature = "generator_shortcut")))
    )
))]
mod iterator_struct;
#[cfg(any(not(feature = "one-kata"), feature = "lazy_pipeline"))]
mod lazy_pipeline;
#[cfg(any(not(feature = "one-kata"), feature = "streaming_file"))]
mod streaming_file;
