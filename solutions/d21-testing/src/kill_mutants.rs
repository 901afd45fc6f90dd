//! # Kata 6: kill the mutants
//!
//! **Build** `is_leap_year`, then the part that matters: `judge_leap_year`, a checker
//! that accepts a correct leap-year function and rejects every subtly wrong one, naming an
//! input it gets wrong.
//!
//! **Why it matters.** A test suite is only as good as the bugs it would catch. The
//! article's point: coverage measures which lines ran, not what was checked. `is_leap_year`
//! is one line, so `assert!(is_leap_year(2024))` gives it 100% line coverage, yet that test
//! passes for `y % 4 == 0` (forgets centuries), for `y % 100 != 0` dropped, for
//! `% 400` changed to `% 40`, and for a function that always answers `true`. Mutation
//! testing makes exactly those small changes (`cargo mutants` on this crate does) and asks
//! whether some test fails. Here you are the test suite: your judge must kill them all.
//!
//! **Python → Rust.** Python has mutmut; Rust has `cargo-mutants`, which swaps operators
//! (`==`/`!=`, `&&`/`||`, `%`/`/`), replaces function bodies with `true`, `false` or
//! `Default::default()`, and reruns the tests. A `fn(i32) -> bool` pointer lets the judge
//! take any implementation, right or wrong, without generics.
//!
//! **Rules.**
//! - Gregorian rules, proleptic (applied to every year, before 1582 and below 1 too; year
//!   0 is 1 BC and is a leap year): divisible by 4, except centuries, except multiples of
//!   400.
//! - `judge_leap_year` returns `Ok(())` when the candidate agrees with the rules on every
//!   year it probes, and `Err(message)` naming a year (as a plain decimal number) where it
//!   does not, or where it panicked; that year is the only number in the message. It never
//!   panics itself.
//! - The judge may call the candidate at most [`MAX_PROBES`] (16) times. Comparing the
//!   candidate with the rules on twenty thousand years would kill every mutant without a
//!   thought; the skill this kata trains is choosing the few years where the rules turn
//!   (each kind of year, each constant, each side of zero), as a good test suite does.
//!
//! **The tests check.**
//! - `is_leap_year` on the boundaries: centuries, multiples of 400, year 0, negative years,
//!   before the reform, and every year in ±100,000 (no extra rule such as Herschel's
//!   4000-year one). Checked by `is_leap_year_follows_the_proleptic_gregorian_rules`,
//!   `is_leap_year_agrees_with_the_rules_on_every_year_far_from_today`.
//! - the judge accepts the correct function and equivalent rewrites of it. Checked by
//!   `accepts_correct_implementations`.
//! - the judge asks at most `MAX_PROBES` years, from whatever thread or forked process it
//!   asks (a counting candidate that opens a file by its path for each question and appends a
//!   byte, so a forked child that points the files it inherited elsewhere still counts).
//!   Checked by `the_judge_asks_about_at_most_max_probes_years`.
//! - it rejects each of twenty mutants (constants, operators, negated tests, one-sided
//!   remainders that only fail on negative years, Julian rules before 1582, no year 0,
//!   remainders of a negative year taken as unsigned), and eight that are wrong on one kind
//!   of year (odd, a multiple of 4 that is not a century, a century that is not a multiple of
//!   400, a multiple of 400) on one side of zero only, with a message naming a year on which
//!   that mutant is really wrong, and no other number; and every mutant that changes one of
//!   the constants 4, 100, 400 to another number from 1 to 1,000 and is wrong on some year
//!   in ±4,000 (thousands: probes fitted to the listed mutants miss some). Checked by
//!   `rejects_a_mutant_naming_a_year_it_gets_wrong`,
//!   `rejects_every_mutant_that_changes_one_constant`.
//! - a candidate that panics (with a message of its own that names no year) is rejected,
//!   naming the year it panicked on, and the panic does not escape. Checked by
//!   `a_panicking_candidate_is_rejected_not_propagated`.

use std::panic;

/// The most years `judge_leap_year` may ask a candidate about.
pub const MAX_PROBES: usize = 16;

/// The years where the rules turn, each with a reason: every kind of year, each constant's
/// neighbourhood, both sides of zero and of the 1582 reform.
const PROBES: [i32; 13] = [
    2020, // divisible by 4 and by 20, not a century: leap (kills `% 100` → `% 20`, `% 10`)
    2023, // odd: common
    2022, // even, not divisible by 4: common (kills `% 4` → `% 2`)
    1900, // a century: common (kills "forgets centuries" and `% 100` → `% 1000`)
    2000, // divisible by 400: leap (kills "forgets 400")
    1800, // a century divisible by 40 but not 400 (kills `% 400` → `% 40`)
    1500, // a century before the reform: common in the proleptic calendar
    300,  // a century below 400 (kills `% 400` → `/ 400`)
    0,    // year 0 (1 BC): leap
    -4,   // a negative leap year
    -1,   // a negative common year
    -100, // a negative century: common
    -400, // a negative multiple of 400: leap
];

const _: () = assert!(
    PROBES.len() <= MAX_PROBES,
    "the judge's probes exceed its budget"
);

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// `Ok` if `candidate` is a correct leap-year function, else `Err` naming a year it fails.
pub fn judge_leap_year(candidate: fn(i32) -> bool) -> Result<(), String> {
    PROBES
        .iter()
        .try_for_each(|&year| judge_one(candidate, year))
}

/// Compares the candidate with the rules on one year, containing any panic.
fn judge_one(candidate: fn(i32) -> bool, year: i32) -> Result<(), String> {
    let expected = is_leap_year(year);
    match panic::catch_unwind(|| candidate(year)) {
        Ok(got) if got == expected => Ok(()),
        Ok(got) => Err(format!(
            "wrong for year {year}: the candidate said {got}, the Gregorian rules say {expected}"
        )),
        Err(_) => Err(format!("the candidate panicked on year {year}")),
    }
}
