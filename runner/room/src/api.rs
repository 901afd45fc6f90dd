//! The HTTP API (the contract in the room's README): routes, authentication, limits, and the
//! JSON answers. Every error is `{"error": "…"}` with its status; nothing a client sends makes
//! the server stop serving.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::{self, App};
use crate::writer::{Op, Reply};
use crate::{dashboard, events, export, snapshot, token};

/// The longest learner name, in characters.
pub const MAX_NAME: usize = 64;

/// The largest join or revoke body.
const SMALL_BODY: usize = 16 * 1024;

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    let small = DefaultBodyLimit::max(SMALL_BODY);
    Router::new()
        .route("/", get(dashboard_page))
        .route("/api/health", get(health))
        .route("/api/join", post(join).layer(small))
        .route(
            "/api/snapshot",
            post(snapshot).layer(DefaultBodyLimit::max(snapshot::MAX_BODY)),
        )
        .route("/api/room", get(room))
        .route("/api/events", get(events::stream))
        .route("/api/revoke", post(revoke).layer(small))
        .route("/api/export/cohort.json", get(export_json))
        .route("/api/export/cohort.html", get(export_html))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such endpoint") })
        .layer(middleware::from_fn(headers))
        .with_state(app)
}

/// Headers on every answer: no sniffing, no referrer (tokens travel in query strings), no
/// caching, no framing.
async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A JSON answer.
pub fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(body),
    )
        .into_response()
}

/// `{"error": …}` with a status.
pub fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }).to_string())
}

fn unauthorized(what: &str) -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, what);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

fn too_many(retry_after: f64) -> Response {
    let mut r = error(
        StatusCode::TOO_MANY_REQUESTS,
        "too many requests: slow down and try again",
    );
    let secs = retry_after.ceil().max(1.0) as u64;
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn body_error(rejection: BytesRejection) -> Response {
    let status = rejection.status();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "the body is too large (a snapshot: at most 1 MiB)".to_string()
    } else {
        rejection.body_text()
    };
    error(status, &message)
}

fn stored_failure(e: &str) -> Response {
    app::log(&format!("storage error: {e}"));
    error(StatusCode::SERVICE_UNAVAILABLE, &format!("not stored: {e}"))
}

async fn health() -> Response {
    json_response(StatusCode::OK, json!({ "ok": true }).to_string())
}

#[derive(Deserialize)]
struct JoinBody {
    name: String,
    join_token: String,
}

#[derive(Serialize)]
struct Joined<'a> {
    learner_token: &'a str,
    name: &'a str,
}

/// A learner name as stored: trimmed, 1 to 64 characters, no control characters.
pub fn check_name(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("the name is longer than {MAX_NAME} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("the name has control characters".into());
    }
    Ok(name)
}

async fn join(State(app): State<Arc<App>>, body: Result<Bytes, BytesRejection>) -> Response {
    if let Err(wait) = app.join_limit.take(()) {
        return too_many(wait);
    }
    let body = match body {
        Ok(b) => b,
        Err(r) => return body_error(r),
    };
    let request: JoinBody = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("expected {{\"name\": …, \"join_token\": …}}: {e}"),
            );
        }
    };
    if !app.is_join_token(&request.join_token) {
        return unauthorized("wrong join token: ask the facilitator for the room's join token");
    }
    let name = match check_name(&request.name) {
        Ok(n) => n.to_string(),
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let Ok(token) = token::generate() else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "no random source for a token",
        );
    };
    match app
        .writer
        .send(Op::Join {
            name: name.clone(),
            token,
        })
        .await
    {
        Reply::Joined { token, new } => {
            app::log(&format!(
                "{} {name:?}",
                if new { "joined:" } else { "joined again:" }
            ));
            let body = serde_json::to_string(&Joined {
                learner_token: &token,
                name: &name,
            })
            .unwrap_or_default();
            json_response(StatusCode::OK, body)
        }
        Reply::NameRevoked => error(
            StatusCode::FORBIDDEN,
            "the facilitator removed this name from the room",
        ),
        Reply::Failed(e) => stored_failure(&e),
        other => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{other:?}")),
    }
}

async fn snapshot(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(presented) = app::bearer(&headers) else {
        return unauthorized("no learner token: send `Authorization: Bearer <learner token>`");
    };
    // The row is the token's, never a name in the body.
    let learner_id = app
        .room
        .lock()
        .ok()
        .and_then(|room| room.learner_by_token(presented).map(|l| l.id));
    let Some(learner_id) = learner_id else {
        return unauthorized("unknown or revoked learner token: join the room again");
    };
    if let Err(wait) = app.learner_limit.take(learner_id) {
        return too_many(wait);
    }
    let body = match body {
        Ok(b) => b,
        Err(r) => return body_error(r),
    };
    let parsed = match snapshot::parse(&body) {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    // `parse` read it as JSON, so it is UTF-8.
    let text: Arc<str> = Arc::from(String::from_utf8_lossy(&body));
    match app
        .writer
        .send(Op::Snapshot {
            learner_id,
            body: text,
            snapshot: parsed,
        })
        .await
    {
        Reply::Stored { seq } => json_response(
            StatusCode::OK,
            json!({ "ok": true, "seq": seq }).to_string(),
        ),
        Reply::LearnerRevoked => {
            unauthorized("unknown or revoked learner token: join the room again")
        }
        Reply::Failed(e) => stored_failure(&e),
        other => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{other:?}")),
    }
}

async fn room(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if !app.is_facilitator(&headers, &uri) {
        return unauthorized("the room needs the facilitator token");
    }
    let built = tokio::task::spawn_blocking(move || {
        app.document().and_then(|d| serde_json::to_string(&d).ok())
    })
    .await;
    match built {
        Ok(Some(body)) => json_response(StatusCode::OK, body),
        _ => error(StatusCode::INTERNAL_SERVER_ERROR, "the room is unavailable"),
    }
}

#[derive(Deserialize)]
struct RevokeBody {
    name: String,
}

async fn revoke(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !app.is_facilitator(&headers, &uri) {
        return unauthorized("revoking needs the facilitator token");
    }
    let body = match body {
        Ok(b) => b,
        Err(r) => return body_error(r),
    };
    let request: RevokeBody = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("expected {{\"name\": …}}: {e}"),
            );
        }
    };
    let name = request.name.trim().to_string();
    match app.writer.send(Op::Revoke { name: name.clone() }).await {
        Reply::Revoked => {
            app::log(&format!("revoked: {name:?}"));
            json_response(
                StatusCode::OK,
                json!({ "ok": true, "name": name }).to_string(),
            )
        }
        Reply::UnknownName => error(StatusCode::NOT_FOUND, "no learner of that name"),
        Reply::Failed(e) => stored_failure(&e),
        other => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{other:?}")),
    }
}

async fn export_json(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if !app.is_facilitator(&headers, &uri) {
        return unauthorized("the export needs the facilitator token");
    }
    let Ok(room) = app.room.lock() else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "the room is unavailable");
    };
    json_response(StatusCode::OK, export::json(&room))
}

async fn export_html(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if !app.is_facilitator(&headers, &uri) {
        return unauthorized("the export needs the facilitator token");
    }
    let page = match app.room.lock() {
        Ok(room) => export::html(&room),
        Err(_) => return error(StatusCode::INTERNAL_SERVER_ERROR, "the room is unavailable"),
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // The runner's page has no script; it needs only its inline style.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        page,
    )
        .into_response()
}

async fn dashboard_page(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let nonce = token::generate().unwrap_or_else(|_| "0".repeat(token::TOKEN_LEN));
    let (status, doc, notice) = match app::query_token(&uri) {
        Some(_) if app.is_facilitator(&headers, &uri) => (StatusCode::OK, app.document(), ""),
        Some(_) => (
            StatusCode::UNAUTHORIZED,
            None,
            "This is not the room's facilitator token: open the dashboard URL `kata-room serve` printed.",
        ),
        None => (
            StatusCode::OK,
            None,
            "Waiting for the room… (open the dashboard with the URL `kata-room serve` printed: it ends in #token=…)",
        ),
    };
    let page = dashboard::page(doc.as_ref(), notice, &nonce);
    let csp = dashboard::content_security_policy(&nonce);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_must_be_short_printable_text() {
        assert_eq!(check_name("  Ada  "), Ok("Ada"));
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(65)).is_err());
        assert_eq!(
            check_name(&"é".repeat(64)).map(|n| n.chars().count()),
            Ok(64)
        );
        assert!(check_name("a\u{1b}[31m").is_err());
        assert_eq!(
            check_name("<script>alert(1)</script>"),
            Ok("<script>alert(1)</script>")
        );
    }
}
