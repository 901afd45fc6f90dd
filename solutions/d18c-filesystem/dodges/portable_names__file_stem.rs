//! Dodge: take the stem with `Path::file_stem` (the part before the last dot), so `aux.tar.gz` slips through as `aux.tar`.
//! Caught by: refuses_reserved_device_names_before_any_extension::case_05_only_first_dot_counts

use std::collections::HashMap;

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

/// The characters Windows refuses in a name (besides control characters).
const FORBIDDEN: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// `Ok(())` when `name` is a valid file name on Windows, Linux and macOS alike.
pub fn validate_portable_name(name: &str) -> Result<(), NameError> {
    match name {
        "" => return Err(NameError::Empty),
        "." | ".." => return Err(NameError::DotName),
        _ => {}
    }
    if let Some(c) = name.chars().find(|&c| FORBIDDEN.contains(&c) || c < ' ') {
        return Err(if c < ' ' {
            NameError::ControlChar(c)
        } else {
            NameError::ForbiddenChar(c)
        });
    }
    let stem = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name);
    if is_reserved(stem) {
        return Err(NameError::Reserved(stem.to_owned()));
    }
    if name.ends_with('.') {
        return Err(NameError::TrailingDot);
    }
    if name.ends_with(' ') {
        return Err(NameError::TrailingSpace);
    }
    Ok(())
}

/// Whether `stem` is one of the MS-DOS device names, in any case.
fn is_reserved(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    if matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL") {
        return true;
    }
    let digit = upper
        .strip_prefix("COM")
        .or_else(|| upper.strip_prefix("LPT"));
    matches!(
        digit,
        Some("1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9")
    )
}

/// Groups of distinct names that are the same name on a case-insensitive filesystem.
pub fn case_collisions(names: &[&str]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for &name in names {
        let key = name.to_lowercase();
        match index.get(&key) {
            Some(&i) => {
                if !groups[i].iter().any(|seen| seen == name) {
                    groups[i].push(name.to_owned());
                }
            }
            None => {
                index.insert(key, groups.len());
                groups.push(vec![name.to_owned()]);
            }
        }
    }
    groups.retain(|group| group.len() > 1);
    groups
}
