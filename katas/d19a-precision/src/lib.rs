//! # Suite d19a-precision — floats, `Decimal` and integer cents
//!
//! Source article: *Python Math Stack: Decimal, Statistics & IEEE 754 Limits (2026)*,
//! series "Logic & Legacy",
//! <https://dev.to/kaushikcoderpy/python-math-stack-decimal-statistics-ieee-754-limits-2026-1b94>.
//!
//! The article's claim: a binary float cannot hold most decimal fractions, the error grows
//! with every operation, and money therefore needs base-10 arithmetic or whole cents; the
//! rounding mode is a business rule; floats are compared with a tolerance and summed with
//! compensation. Each kata makes you prove one of these in Rust.
//!
//! | idea in the article | kata |
//! | --- | --- |
//! | summing a million 0.10 fees leaks; `math.fsum` recovers the lost bits | [`fsum`] |
//! | `0.1` is stored as `0.1000000000000000055…`; the `Decimal(0.1)` trap | [`exact_expansion`] |
//! | banker's rounding versus half-up; the context's precision | [`rounding`] |
//! | store money as integer cents; only format at the edge | [`cents`] |
//! | the million-transaction forge with `Decimal` | [`fee_totals`] |
//! | never `==` on floats: `math.isclose` | [`is_close`] |
//! | `fractions.Fraction`: `1/3 × 3 == 1` | [`exact_fractions`] |
//! | "Decimal is 10x to 100x slower" | the criterion bench `sum_million` (see README) |
//!
//! ## What does not carry over to Rust
//!
//! - **No global decimal context.** Python's `getcontext()` is mutable, thread-wide
//!   state. `rust_decimal` takes the rounding strategy as an argument and has a fixed
//!   precision (a 96-bit integer, at most 28 fractional digits), so `Decimal(0.1)`'s full
//!   55-digit expansion cannot be held by a Rust `Decimal` at all; [`exact_expansion`]
//!   builds it as a string instead.
//! - **Integers overflow.** Python's `int` is unbounded, Rust's `i64` is not and `+` wraps
//!   in release builds, so [`cents`] uses checked arithmetic and typed errors.
//! - **Python 3.12 changed `sum()`.** The built-in `sum` of floats is now compensated, so
//!   the article's `sum()` output is from older Pythons. Rust's `Iterator::sum` of `f64`
//!   is still the plain loop ([`fsum::naive_sum`]).
//! - **`1/3 × 3` is exactly 1.0 in binary floating point** (the rounding happens to land
//!   on 1). The float failure is real for other divisors; [`exact_fractions`] shows which.
//! - **The article's 100-million-fee figure.** Adding a $0.10 fee 100,000,000 times in an
//!   `f64` (in Rust, and in CPython, whose `float` is the same IEEE 754 double) gives
//!   `9999999.98112945`: about 1.9 cents short, not the article's $0.19. The drift is real
//!   and grows with the count; [`fee_totals`] pins the figure for a million fees.
//! - **A decimal stored in a float column is a float again.** The article warns that a
//!   `Decimal` sent to a `FLOAT` column comes back as an IEEE 754 approximation. The same
//!   holds for SQLite's `REAL` (d18a-sqlite): store money as integer cents (kata [`cents`])
//!   or as the decimal's text, never as a binary float.
//! - **Speed.** `f64` addition is one instruction in Rust as in C; the bench measures how
//!   much slower `Decimal` and `Ratio<i64>` are when there is no interpreter overhead to
//!   hide the difference.
//!
//! ## Whole numbers in an `f64`
//!
//! Integer arithmetic carried out in an `f64` only where it is exact (operands and results
//! whole numbers below 2^53, division remainders likewise) is exact integer arithmetic in
//! another type: no test can tell it from integer code, and the suite does not count it as a
//! dodge. What the suite checks is that no value that is not an exact integer in binary (a
//! decimal fraction, a rounded quotient, a product beyond 2^53) passes through a float: the
//! tests catch that wherever it can change an output, and a kata's **Not checked.** names the
//! few places where a float's error provably rounds away. Integer types say the same with
//! nothing to prove, so prefer them.

#[cfg(any(not(feature = "one-kata"), feature = "cents"))]
pub mod cents;
#[cfg(any(not(feature = "one-kata"), feature = "exact_expansion"))]
pub mod exact_expansion;
#[cfg(any(not(feature = "one-kata"), feature = "exact_fractions"))]
pub mod exact_fractions;
#[cfg(any(not(feature = "one-kata"), feature = "fee_totals"))]
pub mod fee_totals;
#[cfg(any(not(feature = "one-kata"), feature = "fsum"))]
pub mod fsum;
#[cfg(any(not(feature = "one-kata"), feature = "is_close"))]
pub mod is_close;
#[cfg(any(not(feature = "one-kata"), feature = "rounding"))]
pub mod rounding;

#[cfg(test)]
#[path = "../../../tests/d19a-precision/mod.rs"]
mod suite;
