//! Dodge: the "iterative" function calls a recursive helper, so the call stack still grows one frame per level and a deep payload overflows it.
//! Caught by: walks_a_value_100_000_levels_deep_on_a_256_kib_stack

use crate::delegation::EMAIL_KEY;
use serde_json::Value;

/// Every string under the key `"user_email"`, in document order, without recursion.
pub fn extract_emails_iterative(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk(value, &mut found);
    found
}

fn walk(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if let (EMAIL_KEY, Value::String(email)) = (key.as_str(), child) {
                    found.push(email.clone());
                }
                walk(child, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}
