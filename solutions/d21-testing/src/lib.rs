//! # d21-testing: code that can be tested, and tests that catch bugs
//!
//! Source article: "Python Pytest Architecture: Fixtures, Mocking & Property Testing
//! (2026)", day 21 of the series "Logic & Legacy", at
//! <https://dev.to/kaushikcoderpy/python-pytest-architecture-fixtures-mocking-property-testing-2026-4k4e>.
//!
//! The article's thesis: a test suite states a system's invariants in executable form, so
//! that a team can change the code without fear. These katas take its ideas one at a time.
//! In the first five you write code that is *easy to test* and meet the test doubles and
//! tools that test it; in the last two you write the checks yourself.
//!
//! | the article's idea | kata |
//! | --- | --- |
//! | pass the payment client in (Humble Object), assert how it was called | [`humble_checkout`] |
//! | a stub answers (state verification), a mock also records calls (behaviour verification) | [`stub_vs_mock`] |
//! | a fixture sets up isolated state and guarantees teardown | [`teardown_fixture`] |
//! | fake the HTTP service instead of calling the internet | [`fake_http`] |
//! | property testing: laws over generated inputs, shrinking | [`rle_laws`] |
//! | coverage is a vanity number; mutation testing shows what tests catch | [`kill_mutants`] |
//! | the load-testing sketch: what to report about latencies | [`percentiles`] |
//!
//! ## What does not carry over to Rust
//!
//! - **Patching.** `unittest.mock.patch("pkg.module.name")` swaps a global while the program
//!   runs. Rust cannot swap anything at run time, but it can at compile time: a
//!   `#[cfg(test)] use fake_client as client;` (or the `mockall_double` crate's `#[double]`)
//!   puts a double in place of a type for the test build only. That is still patching by
//!   name, with the same fragility; the seam the article recommends, and katas 1 and 2
//!   practise, is a trait passed in.
//! - **`yield` fixtures.** Rust's teardown is `Drop`, which runs on normal exit *and* while
//!   a failed assertion's panic unwinds; rstest's `#[fixture]` provides injection by
//!   argument name. Kata 3 shows the teardown running under `catch_unwind`.
//! - **Runner choice** (unittest, pytest, nose, doctest). Rust has one built-in harness:
//!   `#[test]` functions, plus doctests: examples in `///` comments that `cargo test`
//!   compiles and runs (the solution's `rle_laws.rs` has one). The katas use
//!   `#[test]` only, because the runner checks one named test at a time. The
//!   plugins the article lists map to crates: rstest (fixtures, tables), proptest
//!   (Hypothesis), insta (snapshots), mockall (`unittest.mock`), wiremock
//!   (`requests-mock`), criterion (timing), cargo-mutants (mutation testing).
//! - **BDD, browser, exploratory and acceptance testing** are about who writes the tests
//!   and which process drives them, not about code; they have no kata here.
//! - **Dynamic `Mock()` objects** accept any call; a mockall mock is generated from the
//!   trait, so a call the code could not make is a compile error, and a call nobody
//!   expected fails the test at once instead of returning another `Mock`.

#[cfg(any(not(feature = "one-kata"), feature = "fake_http"))]
pub mod fake_http;
#[cfg(any(not(feature = "one-kata"), feature = "humble_checkout"))]
pub mod humble_checkout;
#[cfg(any(not(feature = "one-kata"), feature = "kill_mutants"))]
pub mod kill_mutants;
#[cfg(any(not(feature = "one-kata"), feature = "percentiles"))]
pub mod percentiles;
#[cfg(any(not(feature = "one-kata"), feature = "rle_laws"))]
pub mod rle_laws;
#[cfg(any(not(feature = "one-kata"), feature = "stub_vs_mock"))]
pub mod stub_vs_mock;
#[cfg(any(not(feature = "one-kata"), feature = "teardown_fixture"))]
pub mod teardown_fixture;

#[cfg(test)]
#[path = "../../../tests/d21-testing/mod.rs"]
mod suite;
