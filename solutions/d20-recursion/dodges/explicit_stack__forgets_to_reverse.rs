//! Dodge: children are pushed in document order, so the stack pops them last first and the emails come out in reverse order.
//! Caught by: pops_children_in_document_order, agrees_with_the_recursive_walk_on_any_json_tree

use crate::delegation::EMAIL_KEY;
use serde_json::Value;

/// Every string under the key `"user_email"`, in document order, without recursion.
pub fn extract_emails_iterative(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    // Each entry: a value still to visit, and whether it is stored under the email key.
    let mut pending: Vec<(&Value, bool)> = vec![(value, false)];
    while let Some((value, under_email_key)) = pending.pop() {
        match value {
            Value::Object(map) => {
                pending.extend(map.iter().map(|(key, child)| (child, key == EMAIL_KEY)))
            }
            Value::Array(items) => pending.extend(items.iter().map(|item| (item, false))),
            Value::String(email) if under_email_key => found.push(email.clone()),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }
    found
}
