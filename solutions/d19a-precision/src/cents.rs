//! # Kata 4 — money as integer cents
//!
//! **Build** [`Cents`], an amount of money as a whole number of cents: a strict parser,
//! a `$10.50` display, overflow-checked addition, and two ways to split a bill,
//! [`allocate`] (equal parts) and [`allocate_by_ratio`] (weighted parts).
//!
//! **Why.** Integers never round. Storing `$10.50` as `1050` keeps every sum exact, but two
//! new failures appear at the edges: input that is not a plain amount (`"1,000"`,
//! `"1e3"`, `"0.005"`) must be refused rather than guessed at, and division must not
//! lose a cent — `$100 / 3` is `$33.34 + $33.33 + $33.33`, not three times `$33.33`.
//! An `i64` also has a limit, and release builds wrap silently on overflow.
//!
//! **Python → Rust.** Python's `int` never overflows, so the article's "integers never
//! suffer from loss" is the whole story there. In Rust it is not: `i64` holds about
//! ±92 quadrillion dollars and `+` wraps in release builds, so the newtype offers
//! [`Cents::checked_add`], which reports the overflow as an error. The parse errors are a
//! `thiserror` enum, so callers can tell a typo from a sub-cent amount.
//!
//! **Grammar.** An optional `-` or `+`, one or more digits, then optionally a point and one
//! or more digits; digits past the cents are allowed only if they are zeros (`"1.500"` is
//! `$1.50`, `"1.505"` is a sub-cent amount). No spaces, exponents or separators.
//!
//! **Which error.** The empty string is `Empty`. Input outside the grammar is `Exponent` if
//! it is a plain decimal, an `e` or `E`, and a whole number with an optional sign (`"1e3"`,
//! `"2.5E-2"`, but not `"xe5"` or `"5e"`); else `Separator` if removing every `,` and `_`
//! makes it a plain decimal (`"1,000.00"`, `"1_000"`, but not `"1,2.3.4"`); else
//! `NotANumber`. Input inside the grammar is `SubCent` if a non-zero digit follows the
//! cents, else `OutOfRange` if it does not fit in an `i64` of cents.
//!
//! **The tests check.**
//! - a table of good and bad inputs, one error variant each, and that parsing never panics,
//!   not even a panic it catches itself (plain `*` and `+` inside `catch_unwind` to find an
//!   amount too large: overflow checks are on in debug builds only, and a release build wraps
//!   silently; the tests count every panic raised on the way). Checked by `parses_plain_amounts_into_whole_cents`,
//!   `refuses_input_that_is_not_a_plain_amount`,
//!   `parse_never_panics`.
//! - whole-dollar amounts of every length up to the `i64` limit parse exactly, including the
//!   16- and 17-digit ones a double cannot hold, and so do amounts with cents of 16 digits
//!   (`"99999999999999.99"`, `"-70368744177664.99"`), where an `f64` of the amount is off by
//!   more than half a cent (the digits are read into an integer, not parsed as `f64` and
//!   scaled). Checked by `whole_dollar_amounts_of_any_length_parse_exactly`,
//!   `parses_plain_amounts_into_whole_cents`, `display_and_parse_round_trip`.
//! - a non-zero digit any number of places past the cents is `SubCent`, also 400 places past,
//!   where the tail as an `f64` is 0 (the fraction is read as decimal digits, not as a float
//!   within a tolerance). Checked by
//!   `a_non_zero_digit_however_far_past_the_cents_is_sub_cent`,
//!   `refuses_input_that_is_not_a_plain_amount`.
//! - the display, also of amounts just past 2^46 dollars and just under 2^53 cents
//!   (`Cents(7036874417766499)` is `$70368744177664.99`), where `cents as f64 / 100.0` is more
//!   than half a cent off; and a parse/display round trip for any amount and, in every case,
//!   for one amount of each length from 1 to 19 digits, each with non-zero cents (the length
//!   is drawn first). Checked by `displays_as_dollars_and_two_digit_cents`,
//!   `display_and_parse_round_trip`, `renders_a_split_bill`.
//! - exact addition right up to both ends of `i64` (`Cents(i64::MIN) + Cents(0)` is not an
//!   overflow, so the check is not an `f64` sum compared with the limits), and overflow in both
//!   directions, reported without a panic raised on the way (a plain `+` inside `catch_unwind`
//!   only works where overflow checks are on). Checked by `adds_without_rounding`, `reports_overflow_instead_of_wrapping`,
//!   `reports_negative_overflow_too`.
//! - equal parts sum to the total and differ by at most a cent, larger first. Checked by
//!   `allocates_every_cent_larger_parts_first`, `refuses_to_split_into_zero_parts`,
//!   `equal_parts_sum_to_the_total_and_differ_by_at_most_a_cent`.
//! - weighted parts sum to the total, each within a cent of its share, leftovers to the largest
//!   remainders. Checked by `allocates_by_ratio_with_largest_remainders`,
//!   `refuses_ratios_that_weigh_nothing`,
//!   `ratio_parts_sum_to_the_total_and_stay_within_a_cent_of_their_share`.
//! - the remainders are exact on small bills too: remainders equal in integers
//!   (`total * ratio % sum`) are a tie, settled earliest first, although the fractional parts of
//!   `f64` shares (or of `Decimal` shares rounded to 28 digits) differ in the last digit
//!   (`$100` by `[1, 1, 4]` is `[1667, 1667, 6666]`, `$10` by `[1, 7, 7]` is
//!   `[67, 467, 466]`), for every total from -50 to 50 cents by every three ratios up to 7, and
//!   for the ten largest debts and credits by the same ratios (where `total * ratio` no longer
//!   fits an `i64`), and for large weights one apart (1 cent by `[4294967294, 4294967295]` is
//!   `[0, 1]`), whose shares differ by less than a billionth, so a float share compared to nine
//!   places ties; and on bills of 17 to 19 digits split by large weights a few apart, pinned
//!   (`i64::MAX` by `[4294967294, 4294967293, 4294967295]` gives the odd cent to the third part)
//!   and generated, where the shares' fractional parts differ by 10^-9 or less,
//!   so a fraction of a `Decimal` share rounded to the places its 28 digits leave ranks them
//!   wrong. Checked by `allocates_by_ratio_with_largest_remainders`,
//!   `ratio_parts_sum_to_the_total_and_stay_within_a_cent_of_their_share`,
//!   `every_small_bill_in_three_parts_gives_the_odd_cents_to_the_largest_exact_remainders`,
//!   `small_bills_give_the_odd_cents_to_the_largest_exact_remainders`,
//!   `bills_near_the_ends_of_i64_in_three_parts_give_the_odd_cents_to_the_largest_exact_remainders`.
//!
//! **Not checked.** A float detour in `parse` kept to amounts of 15 digits or fewer: `f64`
//! parsing rounds correctly and a double holds every such amount to well under half a cent, so
//! `(input.parse::<f64>()? * 100.0).round()` gives the same cents there and no test can tell;
//! the tests catch it on 16 digits and more. Likewise the two cent digits alone read as a
//! float (`"0.xy"` parsed as `f64`, times 100, rounded), and a `Display` that prints amounts
//! below 2^46 dollars (7,036,874,417,766,400 cents) as `cents as f64 / 100.0` with `{:.2}`: the
//! double is within 2^-8 of a dollar (under half a cent) of the amount there, so the printed
//! cents are right and no test can tell; the tests catch the display detour from just past
//! 2^46 dollars up (`Cents(7036874417766499)`, amounts under 2^53 cents, `i64::MIN`). Do not: the lesson is that money never
//! passes through a float as a value the float cannot hold exactly (a decimal fraction of a
//! dollar here), not that it may where the error happens to round away.
//! Nor a `Display` that keeps the whole dollars as an integer and prints only the cents
//! through a float (`(cents % 100) as f64 / 100.0` with `{:.2}`, its leading `0` dropped):
//! each of the hundred fractions 0.00 to 0.99 lands far closer than half a cent to itself, so
//! the two printed digits are always right, at every amount, and no output can tell. It is
//! still wrong: a decimal fraction of a dollar passes through binary floating point (0.07 has
//! no exact double), and comes out right only because two digits survive `{:.2}`, a habit
//! that breaks as soon as the digits or the format change. Do not: print the cents as the
//! integer `cents % 100` with `{:02}`.
//! Nor an `allocate` that divides in `f64` below 2^53 cents (`(total as f64 / parts as f64)
//! .floor()`): both operands are exact there and the quotient `q` is correctly rounded; to
//! round up onto the next integer, `q` (in `[2^e, 2^(e+1))`) must lie within `2^(e-53)` of it,
//! but it lies at least `1 / parts` below, which forces `total = q * parts >= 2^53`. So the
//! floor is always the integer quotient and no test can tell; the tests catch it above 2^53.
//! Likewise an `allocate_by_ratio` that floors each share as `(total * ratio) as f64 / weight
//! as f64` while `|total * ratio|` is below 2^53: the same argument holds (and for a weight of
//! 2^53 or more the quotient's magnitude is below 1 and still floors right); the tests catch it
//! where `total * ratio` passes 2^53 (the bills near the ends of `i64`). Nor an
//! `allocate_by_ratio` that ranks the leftover cents by `remainder as f64 / weight as f64`:
//! while the sum of the ratios is below 2^53 both convert exactly, and two different remainders
//! differ by `1 / weight`, more than a unit in the last place of a quotient below 1, so the
//! floats keep the integer order and equal remainders still tie. Only a sum of 2^53 or more
//! (over two million ratios of `u32::MAX`) could misorder them; the tests keep the sum below
//! 2^35 (at most seven ratios), so no test can tell. Do not: divide and compare in integers
//! (`div_euclid`, `rem_euclid`), with no float to reason about.
//! Nor a sub-cent tail judged by parsing the digits after the cents as `f64` and comparing
//! with `0.0`: a string of decimal digits parses to zero exactly when every digit is `0`, so the
//! answer is always right (the amount itself never goes through the float). Nor a
//! `checked_add` that adds with `wrapping_add` and tells a wrap by comparing the result with an
//! `f64` sum of the operands: without a wrap the two are within about 2^11 of each other, with
//! one about 2^64 apart, so any threshold in between always decides right and no test can tell.
//! Do not: `i64::checked_add` (or `overflowing_add`) says it exactly, with no float to reason
//! about.
//!
//! **Not a dodge.** Reading an amount that passed the grammar and sub-cent checks with
//! `rust_decimal::Decimal::from_str`, then `* 100` and `to_i64`: `Decimal` is exact base-10
//! arithmetic (never a binary float), its 28 digits hold every amount an `i64` of cents can
//! (19 digits), and it reads any number of leading zeros and of zeros past the cents to the
//! same value, so the cents are those of reading the digits into an integer. Nor `checked_add`
//! adding in an `f64` while both amounts are below 2^52 cents (exact there): see the suite
//! brief, *Whole numbers in an `f64`*.

use std::fmt;

/// Errors from parsing, adding and splitting amounts of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The input was the empty string.
    #[error("an amount of money cannot be empty")]
    Empty,
    /// The input had non-zero digits past the cents, e.g. `"0.005"`.
    #[error("{0:?} has a fraction of a cent: at most two non-zero decimal places")]
    SubCent(String),
    /// The input used exponent notation, e.g. `"1e3"`.
    #[error("{0:?} uses exponent notation: write the amount out in full")]
    Exponent(String),
    /// The input used thousands separators, e.g. `"1,000.00"`.
    #[error("{0:?} has thousands separators: write the digits without them")]
    Separator(String),
    /// The input was not a plain decimal amount at all.
    #[error("{0:?} is not an amount of money")]
    NotANumber(String),
    /// The amount does not fit in an `i64` number of cents.
    #[error("{0:?} is outside the range of i64 cents")]
    OutOfRange(String),
    /// Adding two amounts overflowed `i64`.
    #[error("adding {left} and {right} overflows i64 cents")]
    Overflow {
        /// The left operand.
        left: Cents,
        /// The right operand.
        right: Cents,
    },
    /// A bill cannot be split into zero parts.
    #[error("cannot split an amount into zero parts")]
    ZeroParts,
    /// There are no ratios, or they are all zero, so no part can receive money.
    #[error("cannot split an amount by ratios that are all zero")]
    ZeroRatios,
}

/// An amount of money as a whole number of cents (`Cents(1050)` is `$10.50`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cents(pub i64);

impl Cents {
    /// Parses a plain decimal amount such as `"10.50"`, `"-3.05"` or `"7"`.
    pub fn parse(input: &str) -> Result<Cents, MoneyError> {
        if input.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, body) = split_sign(input);
        if !is_plain_decimal(body) {
            return Err(classify_malformed(input, body));
        }
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let cents =
            cents_of_fraction(fraction).ok_or_else(|| MoneyError::SubCent(input.to_owned()))?;
        let out_of_range = || MoneyError::OutOfRange(input.to_owned());
        let magnitude = digits_value(whole)
            .and_then(|units| units.checked_mul(100))
            .and_then(|value| value.checked_add(cents))
            .ok_or_else(out_of_range)?;
        let signed = if negative { -magnitude } else { magnitude };
        i64::try_from(signed).map(Cents).map_err(|_| out_of_range())
    }

    /// Adds two amounts, reporting overflow instead of wrapping.
    pub fn checked_add(self, other: Cents) -> Result<Cents, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Cents)
            .ok_or(MoneyError::Overflow {
                left: self,
                right: other,
            })
    }
}

impl fmt::Display for Cents {
    /// Writes `$10.50`, `-$3.05`; honours width and alignment (`{:>8}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        f.pad(&format!(
            "{sign}${}.{:02}",
            magnitude / 100,
            magnitude % 100
        ))
    }
}

/// Splits `total` into `parts` amounts that sum to it and differ by at most one cent,
/// larger parts first.
pub fn allocate(total: Cents, parts: usize) -> Result<Vec<Cents>, MoneyError> {
    if parts == 0 {
        return Err(MoneyError::ZeroParts);
    }
    let count = i64::try_from(parts).map_err(|_| MoneyError::OutOfRange(parts.to_string()))?;
    let base = total.0.div_euclid(count);
    let extra = total.0.rem_euclid(count);
    Ok((0..count)
        .map(|i| Cents(if i < extra { base + 1 } else { base }))
        .collect())
}

/// Splits `total` in proportion to `ratios`; the parts sum exactly to `total`, each within
/// one cent of its exact share (leftover cents go to the largest remainders, then the
/// earliest parts).
pub fn allocate_by_ratio(total: Cents, ratios: &[u32]) -> Result<Vec<Cents>, MoneyError> {
    let weight: i128 = ratios.iter().map(|&r| i128::from(r)).sum();
    if weight == 0 {
        return Err(MoneyError::ZeroRatios);
    }
    let total = i128::from(total.0);
    let exact: Vec<(i128, i128)> = ratios
        .iter()
        .map(|&r| {
            let scaled = total * i128::from(r);
            (scaled.div_euclid(weight), scaled.rem_euclid(weight))
        })
        .collect();
    let floors: i128 = exact.iter().map(|&(floor, _)| floor).sum();
    let leftover = usize::try_from(total - floors).unwrap_or(0);
    let mut by_remainder: Vec<usize> = (0..exact.len()).collect();
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(exact[i].1));
    let mut shares: Vec<i128> = exact.iter().map(|&(floor, _)| floor).collect();
    for &i in by_remainder.iter().take(leftover) {
        shares[i] += 1;
    }
    // Every share lies between 0 and `total`, so it fits in an i64 like `total` does.
    Ok(shares.into_iter().map(|s| Cents(s as i64)).collect())
}

/// Strips one leading `-` or `+`; returns whether the amount is negative.
fn split_sign(input: &str) -> (bool, &str) {
    match input.as_bytes().first() {
        Some(b'-') => (true, &input[1..]),
        Some(b'+') => (false, &input[1..]),
        _ => (false, input),
    }
}

/// True for `digits` or `digits.digits`.
fn is_plain_decimal(body: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match body.split_once('.') {
        Some((whole, fraction)) => all_digits(whole) && all_digits(fraction),
        None => all_digits(body),
    }
}

/// Names what is wrong with a body that is not a plain decimal.
fn classify_malformed(input: &str, body: &str) -> MoneyError {
    if let Some((mantissa, exponent)) = body.split_once(['e', 'E']) {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        if is_plain_decimal(mantissa) && is_plain_decimal(exponent) && !exponent.contains('.') {
            return MoneyError::Exponent(input.to_owned());
        }
    }
    let without_separators: String = body.chars().filter(|&c| c != ',' && c != '_').collect();
    // `body` itself is malformed, so if dropping separators fixes it, there were some.
    if is_plain_decimal(&without_separators) {
        return MoneyError::Separator(input.to_owned());
    }
    MoneyError::NotANumber(input.to_owned())
}

/// The cents in a fraction's digits, or `None` if a non-zero digit follows the cents.
fn cents_of_fraction(fraction: &str) -> Option<i128> {
    let (cents, rest) = fraction.split_at(fraction.len().min(2));
    if rest.bytes().any(|b| b != b'0') {
        return None;
    }
    let padded = format!("{cents:0<2}");
    digits_value(&padded)
}

/// The value of a string of ASCII digits, or `None` if it overflows `i128`.
fn digits_value(digits: &str) -> Option<i128> {
    digits.bytes().try_fold(0_i128, |value, digit| {
        value.checked_mul(10)?.checked_add(i128::from(digit - b'0'))
    })
}
