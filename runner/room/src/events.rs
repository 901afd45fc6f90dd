//! `GET /api/events`: the room as server-sent events. An `event: room` with the room document
//! on connect, then after every change (a snapshot, a join, a revocation), at most one a
//! second per stream: changes that arrive meanwhile are sent together as the next document.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::app::App;

/// The shortest time between two documents on one stream.
pub const MIN_GAP: Duration = Duration::from_secs(1);

/// The handler.
pub async fn stream(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if !app.is_facilitator(&headers, &uri) {
        return crate::api::error(
            axum::http::StatusCode::UNAUTHORIZED,
            "the event stream needs the facilitator token: /api/events?token=…",
        );
    }
    Sse::new(room_events(app))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

struct Follow {
    app: Arc<App>,
    changed: watch::Receiver<u64>,
    stopping: watch::Receiver<bool>,
    last: Option<Instant>,
}

/// Waits until `stopping` turns true (or its sender is gone).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

fn room_events(app: Arc<App>) -> impl Stream<Item = Result<Event, Infallible>> {
    let follow = Follow {
        changed: app.changed.clone(),
        stopping: app.stopping.clone(),
        app,
        last: None,
    };
    futures::stream::unfold(follow, |mut f| async move {
        if *f.stopping.borrow() {
            return None;
        }
        if let Some(last) = f.last {
            tokio::select! {
                changed = f.changed.changed() => changed.ok()?,
                () = stopped(&mut f.stopping) => return None,
            }
            tokio::select! {
                () = tokio::time::sleep_until(last + MIN_GAP) => {}
                () = stopped(&mut f.stopping) => return None,
            }
        }
        f.changed.borrow_and_update();
        // Off the async workers: a big room's document takes a while to build.
        let app = f.app.clone();
        let json = tokio::task::spawn_blocking(move || app.document_json())
            .await
            .ok()?;
        f.last = Some(Instant::now());
        Some((Ok(Event::default().event("room").data(&*json)), f))
    })
}
