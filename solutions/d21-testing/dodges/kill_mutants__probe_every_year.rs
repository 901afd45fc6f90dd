//! Dodge: the judge compares the candidate with the rules on every year from -10,000 to
//! 10,000: it kills every mutant without choosing a single boundary case.
//! Caught by: the_judge_asks_about_at_most_max_probes_years

use std::panic;

/// The most years `judge_leap_year` may ask a candidate about.
pub const MAX_PROBES: usize = 16;

/// The first year the judge probes. It probes every year from here to [`LAST_YEAR`]: all
/// four kinds of year, many times over, on both sides of zero.
const FIRST_YEAR: i32 = -10_000;
/// The last year the judge probes.
const LAST_YEAR: i32 = 10_000;

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// `Ok` if `candidate` is a correct leap-year function, else `Err` naming a year it fails.
pub fn judge_leap_year(candidate: fn(i32) -> bool) -> Result<(), String> {
    (FIRST_YEAR..=LAST_YEAR).try_for_each(|year| judge_one(candidate, year))
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
