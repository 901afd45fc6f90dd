//! Dodge: an object's own emails are collected when the object is popped, before its children are walked, so they jump ahead of emails nested in earlier keys.
//! Caught by: pops_children_in_document_order

use crate::delegation::EMAIL_KEY;
use serde_json::Value;

/// Every string under the key `"user_email"`, in document order, without recursion.
pub fn extract_emails_iterative(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending: Vec<&Value> = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if let (EMAIL_KEY, Value::String(email)) = (key.as_str(), child) {
                        found.push(email.clone());
                    }
                }
                pending.extend(map.values().rev());
            }
            Value::Array(items) => pending.extend(items.iter().rev()),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }
    found
}
