//! Kata 6: `is_leap_year`, and a judge that must kill a dozen mutants of it.

use std::sync::atomic::{AtomicI32, Ordering};

use rstest::rstest;

use crate::kill_mutants::*;

/// The rules, written here independently of the code under test.
fn truth(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

#[rstest]
#[case::ordinary_leap(2024, true)]
#[case::ordinary_common(2023, false)]
#[case::century_common(1900, false)]
#[case::quadricentennial(2000, true)]
#[case::future_century(2100, false)]
#[case::year_zero_is_1_bc(0, true)]
#[case::before_the_reform(1500, false)]
#[case::negative_leap(-4, true)]
#[case::negative_century(-100, false)]
#[case::negative_quadricentennial(-400, true)]
#[case::negative_common(-1, false)]
fn is_leap_year_follows_the_proleptic_gregorian_rules(#[case] year: i32, #[case] leap: bool) {
    assert_eq!(
        is_leap_year(year),
        leap,
        "year {year}: divisible by 4, except centuries, except multiples of 400 (for every year)"
    );
}

#[test]
fn is_leap_year_agrees_with_the_rules_on_every_year_far_from_today() {
    // Every year in ±100,000 (multiples of 4000 included) and the ends of i32.
    let years = (-100_000..=100_000).chain([i32::MIN, i32::MIN + 1, i32::MAX - 1, i32::MAX]);
    for year in years {
        assert_eq!(
            is_leap_year(year),
            truth(year),
            "year {year}: the proleptic Gregorian rules (divisible by 4, except centuries, except multiples of 400) hold for every year, with no extra rule"
        );
    }
}

// --- implementations the judge must accept ---

fn textbook(year: i32) -> bool {
    if year % 400 == 0 {
        true
    } else if year % 100 == 0 {
        false
    } else {
        year % 4 == 0
    }
}

fn euclidean(year: i32) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

#[rstest]
#[case::the_reference(truth)]
#[case::if_else_ladder(textbook)]
#[case::euclidean_remainders(euclidean)]
fn accepts_correct_implementations(#[case] candidate: fn(i32) -> bool) {
    let verdict = judge_leap_year(candidate);
    assert_eq!(
        verdict,
        Ok(()),
        "a correct leap-year function, however it is written, must be accepted"
    );
}

/// Where `counted_truth` writes one byte per question: a file it opens by its path for each
/// question and appends to, so that every question counts, from any thread and from any
/// process the judge forks (a counter in memory would be the child's own copy, and a child
/// can point the files it inherits elsewhere, never the path). Only
/// `the_judge_asks_about_at_most_max_probes_years` sets it.
static LEDGER: std::sync::Mutex<Option<std::path::PathBuf>> = std::sync::Mutex::new(None);

/// The rules, counting each question the judge asks.
fn counted_truth(year: i32) -> bool {
    use std::io::Write;
    let ledger = LEDGER.lock().map(|path| path.clone()).unwrap_or(None);
    if let Some(path) = ledger {
        std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .and_then(|mut ledger| ledger.write_all(b"?"))
            .expect("the question ledger takes a byte");
    }
    truth(year)
}

#[test]
fn the_judge_asks_about_at_most_max_probes_years() {
    let ledger = tempfile::NamedTempFile::new().expect("a temporary file");
    *LEDGER.lock().expect("the ledger's path") = Some(ledger.path().to_owned());
    let verdict = judge_leap_year(counted_truth);
    let asked = ledger
        .as_file()
        .metadata()
        .expect("the ledger's size")
        .len();
    assert_eq!(verdict, Ok(()), "the correct rules must be accepted");
    assert!(
        asked <= MAX_PROBES as u64,
        "the judge asked the candidate about {asked} years; its budget is MAX_PROBES \
         ({MAX_PROBES}): pick the years where the rules turn (centuries, multiples of 400, \
         year 0, negative years) instead of trying every year (every call counts: on any \
         thread, in any process the judge forks, whatever that process does with its files)"
    );
}

// --- mutants, as cargo-mutants and human slips produce them ---

fn always_true(_: i32) -> bool {
    true
}
fn always_false(_: i32) -> bool {
    false
}
fn forgets_centuries(y: i32) -> bool {
    y % 4 == 0
}
fn forgets_400(y: i32) -> bool {
    y % 4 == 0 && y % 100 != 0
}
fn and_or_swapped(y: i32) -> bool {
    y % 4 == 0 || (y % 100 != 0 && y % 400 == 0)
}
fn inner_or_becomes_and(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 && y % 400 == 0)
}
fn century_test_negated(y: i32) -> bool {
    y % 4 == 0 && (y % 100 == 0 || y % 400 == 0)
}
fn quad_test_negated(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 != 0)
}
/// The rules with other divisors for 4, 100 and 400: a mutated constant.
fn leap_with(y: i32, four: i32, hundred: i32, four_hundred: i32) -> bool {
    y % four == 0 && (y % hundred != 0 || y % four_hundred == 0)
}
fn positive_years_only(y: i32) -> bool {
    y > 0 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}
fn julian_before_1582(y: i32) -> bool {
    if y < 1582 { y % 4 == 0 } else { truth(y) }
}
fn year_shifted_by_one(y: i32) -> bool {
    truth(y + 1)
}
fn remainder_assumed_non_negative(y: i32) -> bool {
    // `!= 0` slipped to `> 0`: the same for every year >= 0, but Rust's `%` keeps the sign,
    // so -4 % 100 is -4 and a negative leap year becomes common.
    y % 4 == 0 && (y % 100 > 0 || y % 400 == 0)
}
fn remainder_becomes_division(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y / 400 == 0)
}
fn no_year_zero(y: i32) -> bool {
    // "There is no year 0": true of the historians' count, not of the proleptic calendar.
    y != 0 && truth(y)
}
#[allow(clippy::manual_is_multiple_of)] // the slip as a learner writes it
fn unsigned_remainders(y: i32) -> bool {
    // `as u32` to avoid negative remainders: -100 becomes 4,294,967,196, which is not a century.
    let y = y as u32;
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}
#[allow(clippy::manual_is_multiple_of)] // the slip as a learner writes it
fn unsigned_400_test(y: i32) -> bool {
    // Only the 400 test cast: -400 becomes 4,294,966,896, not a multiple of 400.
    y % 4 == 0 && (y % 100 != 0 || (y as u32) % 400 == 0)
}

/// The rules with the answer flipped on one kind of year (`kind`) on one side of zero only
/// (`after_0`: years above 0, else years below it): a slip that only shows on that kind and
/// side. Probes fitted to a list of mutants (none odd, none positive) miss some of these;
/// one year of each kind on each side of zero kills them all.
fn flipped_on(y: i32, kind: fn(i32) -> bool, after_0: bool) -> bool {
    let side = if after_0 { y > 0 } else { y < 0 };
    truth(y) != (side && kind(y))
}
fn odd(y: i32) -> bool {
    y % 2 != 0
}
fn leap_not_a_century(y: i32) -> bool {
    y % 4 == 0 && y % 100 != 0
}
fn common_century(y: i32) -> bool {
    y % 100 == 0 && y % 400 != 0
}
fn multiple_of_400(y: i32) -> bool {
    y % 400 == 0
}

/// Checks that the rejection `message` names a year on which `mutant` is really wrong, and
/// no other number: a list of every year probed would name a witness without finding one.
fn assert_names_a_wrong_year(message: &str, mutant: fn(i32) -> bool) {
    let numbers = numbers_in(message);
    let innocent: Vec<i32> = numbers
        .iter()
        .copied()
        .filter(|&year| mutant(year) == truth(year))
        .collect();
    assert!(
        !numbers.is_empty() && innocent.is_empty(),
        "the rejection {message:?} must name the year on which the mutant is wrong, and no \
         other number{}: judge the probes one by one and report the first that fails",
        if innocent.is_empty() {
            String::new()
        } else {
            format!(" (the mutant is right on {innocent:?})")
        }
    );
}

/// The years named in `message` (every decimal number in it, with its sign).
fn numbers_in(message: &str) -> Vec<i32> {
    let mut numbers = Vec::new();
    let mut current = String::new();
    for c in message.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '-' && current.is_empty()) {
            current.push(c);
        } else {
            if let Ok(n) = current.parse() {
                numbers.push(n);
            }
            current.clear();
        }
    }
    numbers
}

#[rstest]
#[case::always_true(always_true)]
#[case::always_false(always_false)]
#[case::forgets_centuries(forgets_centuries)]
#[case::forgets_400(forgets_400)]
#[case::and_or_swapped(and_or_swapped)]
#[case::inner_or_becomes_and(inner_or_becomes_and)]
#[case::century_test_negated(century_test_negated)]
#[case::quad_test_negated(quad_test_negated)]
#[case::constant_400_becomes_40(|y| leap_with(y, 4, 100, 40))]
#[case::constant_4_becomes_2(|y| leap_with(y, 2, 100, 400))]
#[case::constant_100_becomes_1000(|y| leap_with(y, 4, 1000, 400))]
#[case::constants_4_and_100_doubled(|y| leap_with(y, 8, 200, 400))]
#[case::positive_years_only(positive_years_only)]
#[case::julian_before_1582(julian_before_1582)]
#[case::year_shifted_by_one(year_shifted_by_one)]
#[case::remainder_becomes_division(remainder_becomes_division)]
#[case::remainder_assumed_non_negative(remainder_assumed_non_negative)]
#[case::no_year_zero(no_year_zero)]
#[case::unsigned_remainders(unsigned_remainders)]
#[case::unsigned_400_test(unsigned_400_test)]
#[case::odd_years_after_0_are_leap(|y| flipped_on(y, odd, true))]
#[case::odd_years_below_0_are_leap(|y| flipped_on(y, odd, false))]
#[case::leap_years_after_0_are_common(|y| flipped_on(y, leap_not_a_century, true))]
#[case::leap_years_below_0_are_common(|y| flipped_on(y, leap_not_a_century, false))]
#[case::forgets_centuries_after_0(|y| flipped_on(y, common_century, true))]
#[case::forgets_centuries_below_0(|y| flipped_on(y, common_century, false))]
#[case::forgets_400_after_0(|y| flipped_on(y, multiple_of_400, true))]
#[case::forgets_400_below_0(|y| flipped_on(y, multiple_of_400, false))]
fn rejects_a_mutant_naming_a_year_it_gets_wrong(#[case] mutant: fn(i32) -> bool) {
    let verdict = judge_leap_year(mutant);

    let message = match verdict {
        Err(message) => message,
        Ok(()) => {
            panic!(
                "the judge accepted a mutant: which year would tell it apart from the rules? \
                 Probe each kind of year (odd, a multiple of 4 that is not a century, a century \
                 that is not a multiple of 400, a multiple of 400) on each side of zero"
            )
        }
    };
    assert_names_a_wrong_year(&message, mutant);
}

/// The constants of [`mutated_constant`]: 4, 100 and 400, one of them changed by the test.
/// Statics, not a closure's captures, because a candidate is a plain `fn` pointer; only
/// `rejects_every_mutant_that_changes_one_constant` changes them.
static CONSTANTS: [AtomicI32; 3] = [AtomicI32::new(4), AtomicI32::new(100), AtomicI32::new(400)];

/// The rules with the divisors in [`CONSTANTS`].
fn mutated_constant(y: i32) -> bool {
    let [four, hundred, four_hundred] = CONSTANTS.each_ref().map(|c| c.load(Ordering::SeqCst));
    leap_with(y, four, hundred, four_hundred)
}

#[test]
fn rejects_every_mutant_that_changes_one_constant() {
    // Every mutant that changes 4, 100 or 400 to another number from 1 to 1,000: thousands of
    // them, far more than a set of probes fitted to the mutants listed above would kill.
    for (place, right) in [4, 100, 400].into_iter().enumerate() {
        for wrong in (1..=1_000).filter(|&k| k != right) {
            CONSTANTS[place].store(wrong, Ordering::SeqCst);
            match judge_leap_year(mutated_constant) {
                Err(message) => assert_names_a_wrong_year(&message, mutated_constant),
                Ok(()) => {
                    // Accepted: right only if the mutant agrees with the rules everywhere near.
                    let witness = (-4_000..=4_000).find(|&y| mutated_constant(y) != truth(y));
                    assert_eq!(
                        witness, None,
                        "the judge accepted the mutant that changes the constant {right} to \
                         {wrong}, which is wrong on the year {witness:?}: probe the years where the \
                         rules turn (a multiple of 4 that is not of 8 or 20, centuries of each \
                         kind, multiples of 400 on both sides of zero), not the years that happen \
                         to kill the listed mutants"
                    );
                }
            }
        }
        CONSTANTS[place].store(right, Ordering::SeqCst);
    }
}

fn panics_on_negative_years(y: i32) -> bool {
    // The panic's own message does not say which year: only the judge knows what it asked.
    assert!(y >= 0, "negative years are not supported");
    truth(y)
}

#[test]
fn a_panicking_candidate_is_rejected_not_propagated() {
    let verdict = std::panic::catch_unwind(|| judge_leap_year(panics_on_negative_years));

    match verdict {
        Ok(Err(message)) => {
            let numbers = numbers_in(&message);
            assert!(
                !numbers.is_empty() && numbers.iter().all(|&year| year < 0),
                "the rejection {message:?} must name the (negative) year the candidate panicked \
                 on, and no other number; the panic's own message does not say it: catch the \
                 panic around each probe, so the judge knows which year it was asking"
            );
        }
        Ok(Ok(())) => panic!("a candidate that panics on negative years was accepted"),
        Err(_) => {
            panic!("the judge let the candidate's panic escape: it must contain it (catch_unwind)")
        }
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): correct
/// rewrites that look nothing like the rules, mutants of each kind the brief names that the
/// visible list does not, and `is_leap_year` on any `i32`.
#[cfg(feature = "held-out")]
mod held_out {
    use super::*;
    use proptest::prelude::*;

    /// Divisible by 4 is the low two bits clear; a multiple of 4 is a century when it is a
    /// multiple of 25, and a century is a multiple of 400 when it is a multiple of 16.
    fn bit_tricks(year: i32) -> bool {
        year & 3 == 0 && (year % 25 != 0 || year & 15 == 0)
    }

    /// The rules applied to the year's place in the 400-year cycle.
    fn cycle_of_400(year: i32) -> bool {
        let place = year.rem_euclid(400);
        place == 0 || (place % 4 == 0 && place % 100 != 0)
    }

    #[rstest]
    #[case::bit_tricks(bit_tricks)]
    #[case::the_400_year_cycle(cycle_of_400)]
    fn accepts_correct_rewrites_that_look_nothing_like_the_rules(
        #[case] candidate: fn(i32) -> bool,
    ) {
        let verdict = judge_leap_year(candidate);
        assert_eq!(
            verdict,
            Ok(()),
            "the judge rejected a function that agrees with the rules on every i32: it must \
             judge what the candidate answers, not how it is written"
        );
    }

    fn year_shifted_back_by_one(y: i32) -> bool {
        truth(y.wrapping_sub(1))
    }
    fn leap_test_negated(y: i32) -> bool {
        y % 4 != 0 && (y % 100 != 0 || y % 400 == 0)
    }
    fn julian_before_year_1(y: i32) -> bool {
        if y < 1 { y % 4 == 0 } else { truth(y) }
    }
    fn multiples_of_400_only_from_year_1(y: i32) -> bool {
        y % 4 == 0 && (y % 100 != 0 || (y > 0 && y % 400 == 0))
    }
    fn remainder_of_100_becomes_division(y: i32) -> bool {
        y % 4 == 0 && (y / 100 != 0 || y % 400 == 0)
    }

    #[rstest]
    #[case::constant_4_becomes_8(|y| leap_with(y, 8, 100, 400))]
    #[case::constant_100_becomes_200(|y| leap_with(y, 4, 200, 400))]
    #[case::constant_400_becomes_800(|y| leap_with(y, 4, 100, 800))]
    #[case::year_shifted_back_by_one(year_shifted_back_by_one)]
    #[case::leap_test_negated(leap_test_negated)]
    #[case::julian_before_year_1(julian_before_year_1)]
    #[case::multiples_of_400_only_from_year_1(multiples_of_400_only_from_year_1)]
    #[case::remainder_of_100_becomes_division(remainder_of_100_becomes_division)]
    fn rejects_other_mutants_naming_a_year_they_get_wrong(#[case] mutant: fn(i32) -> bool) {
        let message = match judge_leap_year(mutant) {
            Err(message) => message,
            Ok(()) => panic!(
                "the judge accepted a mutant it had not seen among the visible ones: probe each \
                 kind of year (a multiple of 4 that is not of 8, a century that is not of 200, \
                 a multiple of 400 that is not of 800), each side of zero"
            ),
        };
        assert_names_a_wrong_year(&message, mutant);
    }

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        #[test]
        fn is_leap_year_agrees_with_the_rules_on_any_year(year in any::<i32>()) {
            prop_assert_eq!(is_leap_year(year), truth(year),
                "year {}: divisible by 4, except centuries, except multiples of 400, for every \
                 i32", year);
        }
    }
}
