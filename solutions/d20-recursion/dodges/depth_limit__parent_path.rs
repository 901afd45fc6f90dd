//! Dodge: the error names the path of the container that holds the one too deep (the last level that fitted), not the container past the budget.
//! Caught by: stops_at_the_budget_on_a_value_100_000_levels_deep

use crate::delegation::EMAIL_KEY;
use serde_json::Value;

/// The walk went deeper than its budget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the value nests deeper than {max_depth} levels at {path:?}")]
pub struct DepthError {
    /// The budget that was exceeded.
    pub max_depth: usize,
    /// The JSON Pointer (RFC 6901) of the first container past the budget.
    pub path: String,
}

/// Every string under `"user_email"`, in document order, refusing more than `max_depth` levels.
pub fn extract_emails_limited(value: &Value, max_depth: usize) -> Result<Vec<String>, DepthError> {
    let mut walk = Walk {
        max_depth,
        path: String::new(),
        found: Vec::new(),
    };
    walk.visit(value, 0)?;
    Ok(walk.found)
}

/// The state one limited walk carries down: the budget, where it is, what it found.
struct Walk {
    max_depth: usize,
    path: String,
    found: Vec<String>,
}

impl Walk {
    /// Visits `value`, found inside `open` containers, checking the budget before going in.
    fn visit(&mut self, value: &Value, open: usize) -> Result<(), DepthError> {
        let is_container = matches!(value, Value::Array(_) | Value::Object(_));
        if is_container && open == self.max_depth {
            return Err(DepthError {
                max_depth: self.max_depth,
                path: self
                    .path
                    .rfind('/')
                    .map_or_else(String::new, |slash| self.path[..slash].to_owned()),
            });
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if let (EMAIL_KEY, Value::String(email)) = (key.as_str(), child) {
                        self.found.push(email.clone());
                    }
                    self.visit_child(&escape(key), child, open + 1)?;
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.visit_child(&index.to_string(), item, open + 1)?;
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
        Ok(())
    }

    /// Visits `child` with `/segment` added to the path, and takes it off again.
    fn visit_child(&mut self, segment: &str, child: &Value, open: usize) -> Result<(), DepthError> {
        let len = self.path.len();
        self.path.push('/');
        self.path.push_str(segment);
        self.visit(child, open)?;
        self.path.truncate(len);
        Ok(())
    }
}

/// A key as a JSON Pointer segment: `~` becomes `~0`, `/` becomes `~1`.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
