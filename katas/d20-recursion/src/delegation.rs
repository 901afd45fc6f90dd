//! # Kata 1: delegation
//!
//! **Build** [`extract_emails`]: every string stored under the key `"user_email"` in a JSON
//! value, at any depth, in document order. Write it as recursion: look at this level, hand
//! every nested value to a copy of yourself, and stop at a scalar.
//!
//! **Why.** Webhook payloads from third parties have no fixed shape: the field you need may
//! sit at the root, inside a list of collaborators, or fifteen levels down in metadata.
//! A walk that only looks where you expect it misses data silently.
//!
//! **Python → Rust.** The Python walk checks `isinstance(data, dict)` and `list`; in Rust
//! `serde_json::Value` is an enum and a `match` names every case: `Object`, `Array`, and
//! the scalars (the base case, which the compiler will not let you forget). Python's
//! mutable-default-argument trap has no Rust twin: pass `&mut Vec<String>` down the calls
//! explicitly, and keep the public function a thin wrapper that creates it.
//!
//! **The rules the tests check.**
//! - Only **string** values under `"user_email"` count; a number, `null` or container
//!   there is skipped (but still searched).
//! - The value under `"user_email"` is searched too: `{"user_email": {"user_email": "x"}}`
//!   gives `["x"]`.
//! - Document order: keys in the order they appear in the text (the crate is built with
//!   serde_json's `preserve_order`, so a `Map` keeps that order), array items in order.
//! - Every occurrence counts: the same address found twice is listed twice.
//! - A scalar document has no emails.

use serde_json::Value;

/// The key whose string values are collected.
pub const EMAIL_KEY: &str = "user_email";

/// Every string under the key `"user_email"`, at any depth, in document order.
pub fn extract_emails(value: &Value) -> Vec<String> {
    todo!(
        "collect the user_email strings of a value (an object: {})",
        value.is_object()
    )
}
