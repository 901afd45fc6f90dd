//! # Kata 2: names every filesystem accepts
//!
//! **Build** `validate_portable_name(name)`, which refuses a file name that Windows would
//! refuse (so a program written on Linux or macOS does not break when it ships there), and
//! `case_collisions(names)`, which finds names that are different on Linux but the same file
//! on a case-insensitive filesystem (Windows, and macOS by default).
//!
//! **Why.** Linux accepts any byte but `/` and NUL in a name. A tool that saves
//! `report: Q1?.txt` or `aux.json` works on the developer's laptop and fails on a Windows
//! server; a repository with `README.md` and `Readme.md` checks out as one file on a Mac.
//!
//! **Python → Rust.** `pathlib` fixes separators, not names, and neither does
//! [`std::path::Path`]: the rules below are yours to check, before touching the disk. A
//! `&str` is already valid UTF-8; the rules are about `char`s.
//!
//! The rules for a name apply in the order below: the first rule a name breaks gives the
//! error.
//!
//! **The tests check.**
//! - The empty name is refused: `NameError::Empty`; `.` and `..` are refused:
//!   `NameError::DotName`. Checked by `refuses_each_kind_of_bad_name_with_its_own_error`.
//! - Scanning left to right, the first character among `<>:"/\|?*` gives
//!   `NameError::ForbiddenChar(c)`, and the first control character (code 0 to 31; DEL and
//!   the C1 controls from 127 up are allowed) gives `NameError::ControlChar(c)`, before any
//!   later rule (`aux.<draft>` is `ForbiddenChar('<')`); one kind does not go before the
//!   other: whichever of the two comes first from the left decides (`a\t<b` is
//!   `ControlChar('\t')`, `a<\tb` is `ForbiddenChar('<')`). Checked by
//!   `refuses_each_kind_of_bad_name_with_its_own_error`, `accepts_names_every_system_accepts`,
//!   `one_forbidden_character_anywhere_is_refused`,
//!   `the_first_bad_character_from_the_left_decides`.
//! - The reserved device names CON, PRN, AUX, NUL, COM1 to COM9 and LPT1 to LPT9 are
//!   refused in any case, alone or before an extension: the part before the **first** dot is
//!   compared, so `aux.tar.gz` is refused while `file.CON`, `CONSOLE` and `COM10` are fine.
//!   The error carries that part as written: `NameError::Reserved("aux")`. Every mix of
//!   upper and lower case of every reserved name is tried, alone and with an extension.
//!   Checked by `refuses_reserved_device_names_before_any_extension`,
//!   `reserved_names_are_refused_in_every_casing`, `accepts_names_every_system_accepts`.
//! - A name that ends in a dot gives `NameError::TrailingDot`, in a space
//!   `NameError::TrailingSpace`. Checked by `refuses_each_kind_of_bad_name_with_its_own_error`.
//! - Names built from characters every system accepts pass. Checked by
//!   `names_built_from_safe_characters_pass`.
//! - `case_collisions(names)` compares names with [`str::to_lowercase`] on the whole name
//!   (full Unicode in every script that has case, so `Ä.txt` and `ä.txt` collide, and so do
//!   `ЖУРНАЛ.txt` and `журнал.txt`; a capital sigma that ends a word lowers to `ς`, so
//!   `ΟΔΟΣ` and `οδος` collide; while `Straße.txt` and `STRASSE.txt` do not: `ß` is its own
//!   lower case). Checked by `finds_names_that_differ_only_in_case`,
//!   `compares_beyond_ascii_like_the_filesystem_does`,
//!   `a_name_and_its_lower_case_collide_in_every_script`,
//!   `folds_case_with_to_lowercase_not_to_uppercase`.
//! - It returns one group per set of colliding spellings, each group listing the distinct
//!   spellings in input order, groups ordered by the first appearance of their first member;
//!   the same spelling twice is the same name, not a collision; names without a partner (and
//!   no names at all) give no group. Checked by `groups_collisions_in_order_of_first_appearance`,
//!   `the_same_spelling_twice_is_not_a_collision`, `no_names_means_no_collisions`.

/// Why a name is not portable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The name is empty.
    #[error("the name is empty")]
    Empty,
    /// The name is `.` or `..`, which mean this directory and its parent.
    #[error("`.` and `..` name directories, not files")]
    DotName,
    /// The name contains a character Windows forbids in names.
    #[error("the character {0:?} is forbidden in Windows names")]
    ForbiddenChar(char),
    /// The name contains a control character (code 0 to 31).
    #[error("the control character {0:?} is forbidden in Windows names")]
    ControlChar(char),
    /// The part before the first dot is a reserved device name.
    #[error("{0:?} is a reserved device name on Windows")]
    Reserved(String),
    /// The name ends in a dot, which Windows strips.
    #[error("the name ends in a dot, which Windows strips")]
    TrailingDot,
    /// The name ends in a space, which Windows strips.
    #[error("the name ends in a space, which Windows strips")]
    TrailingSpace,
}

/// `Ok(())` when `name` is a valid file name on Windows, Linux and macOS alike.
pub fn validate_portable_name(name: &str) -> Result<(), NameError> {
    todo!("check that {name:?} is a portable file name")
}

/// Groups of distinct names that are the same name on a case-insensitive filesystem.
pub fn case_collisions(names: &[&str]) -> Vec<Vec<String>> {
    todo!("find the names of {names:?} that collide without case")
}
