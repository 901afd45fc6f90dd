//! The room's HTTP API as the learner's side calls it (`POST /api/join`, `POST /api/snapshot`,
//! `GET /api/health`): each answer turned into a value or a [`RoomError`] that says what to do.

use std::time::Duration;

use crate::room::error::RoomError;
use crate::room::http::{self, Response, Url};

/// The longest wait for any one step of a request.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest name the room accepts.
pub const MAX_NAME_CHARS: usize = 64;

/// What `POST /api/join` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The learner token.
    pub token: String,
    /// The name the room registered.
    pub name: String,
}

/// A learner name the room will accept: not empty, at most 64 characters, no control
/// characters (checked here so the learner hears why before anything is sent).
pub fn check_name(name: &str) -> Result<(), RoomError> {
    let why = if name.trim().is_empty() {
        Some("it is empty")
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some("it is longer than 64 characters")
    } else if name.chars().any(char::is_control) {
        Some("it has control characters")
    } else {
        None
    };
    why.map_or(Ok(()), |why| {
        Err(RoomError::Name {
            name: name.to_string(),
            why,
        })
    })
}

/// Joins the room as `name` with the facilitator's `join_token`.
pub fn join(url: &Url, name: &str, join_token: &str) -> Result<Joined, RoomError> {
    check_name(name)?;
    let body = serde_json::json!({ "name": name, "join_token": join_token });
    let r = call(
        url,
        "POST",
        "/api/join",
        None,
        Some(body.to_string().as_bytes()),
    )?;
    match r.status {
        200 => {
            let v = r.json().unwrap_or_default();
            let token = v.get("learner_token").and_then(|t| t.as_str());
            match token.filter(|t| crate::room::config::token_is_safe(t)) {
                Some(token) => Ok(Joined {
                    token: token.to_string(),
                    name: v
                        .get("name")
                        .and_then(|n| n.as_str())
                        .unwrap_or(name)
                        .to_string(),
                }),
                None => Err(RoomError::Unexpected {
                    url: url.to_string(),
                    status: r.status,
                    message: "no learner_token in the answer".into(),
                }),
            }
        }
        401 => Err(RoomError::BadJoinToken {
            url: url.to_string(),
        }),
        _ => Err(refusal(url, &r)),
    }
}

/// Posts one snapshot (the `report --json` document, as bytes) with the learner token;
/// returns the room's sequence number for it.
pub fn post_snapshot(url: &Url, token: &str, body: &[u8]) -> Result<Option<u64>, RoomError> {
    let r = call(url, "POST", "/api/snapshot", Some(token), Some(body))?;
    match r.status {
        200 => Ok(r
            .json()
            .and_then(|v| v.get("seq").and_then(serde_json::Value::as_u64))),
        401 => Err(RoomError::Revoked {
            url: url.to_string(),
        }),
        _ => Err(refusal(url, &r)),
    }
}

/// Whether the room answers `GET /api/health` with 200.
pub fn health(url: &Url) -> Result<(), RoomError> {
    let r = call(url, "GET", "/api/health", None, None)?;
    if r.status == 200 {
        Ok(())
    } else {
        Err(refusal(url, &r))
    }
}

fn call(
    url: &Url,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&[u8]>,
) -> Result<Response, RoomError> {
    http::send(url, method, path, bearer, body, TIMEOUT).map_err(|source| RoomError::Unreachable {
        url: url.to_string(),
        source,
    })
}

/// An answer that is neither success nor 401.
fn refusal(url: &Url, r: &Response) -> RoomError {
    if r.status == 400 {
        RoomError::BadRequest {
            url: url.to_string(),
            message: r.message(),
        }
    } else {
        RoomError::Unexpected {
            url: url.to_string(),
            status: r.status,
            message: r.message(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_the_room_would_refuse_is_refused_before_sending() {
        assert!(check_name("ada").is_ok());
        assert!(check_name(&"é".repeat(64)).is_ok());
        assert!(check_name("  ").is_err());
        assert!(check_name(&"x".repeat(65)).is_err());
        assert!(check_name("a\nb").is_err());
    }
}
