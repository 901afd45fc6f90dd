//! Dodge: an email key ends the search there (`continue`), so an email stored inside the value under "user_email" is never found.
//! Caught by: the_value_under_the_key_is_searched_too

use serde_json::Value;

/// The key whose string values are collected.
pub const EMAIL_KEY: &str = "user_email";

/// Every string under the key `"user_email"`, at any depth, in document order.
pub fn extract_emails(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect(value, &mut found);
    found
}

/// Adds the emails in `value` to `found`, delegating every nested value to itself.
fn collect(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == EMAIL_KEY {
                    if let Value::String(email) = child {
                        found.push(email.clone());
                    }
                    continue;
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
