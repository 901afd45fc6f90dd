//! Dodge: the emails are gathered in a BTreeSet to avoid duplicates, which sorts them and drops repeats: document order and every occurrence are lost.
//! Caught by: keeps_document_order_not_alphabetical_order, the_same_email_twice_is_listed_twice

use serde_json::Value;

/// The key whose string values are collected.
pub const EMAIL_KEY: &str = "user_email";

/// Every string under the key `"user_email"`, at any depth, in document order.
pub fn extract_emails(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect(value, &mut found);
    let unique: std::collections::BTreeSet<String> = found.into_iter().collect();
    unique.into_iter().collect()
}

/// Adds the emails in `value` to `found`, delegating every nested value to itself.
fn collect(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if let (EMAIL_KEY, Value::String(email)) = (key.as_str(), child) {
                    found.push(email.clone());
                }
                collect(child, found);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect(item, found);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}
