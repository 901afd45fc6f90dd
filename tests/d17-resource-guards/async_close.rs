//! Kata 6: an async connection closed with `close().await`, and `with_connection`.
//!
//! Every test runs on tokio's paused clock: the simulated latencies take no real time, and
//! the tests step through them with `tokio::time::advance`.

use std::time::Duration;

use tokio_test::{assert_pending, assert_ready, task};

use crate::async_close::{
    AsyncConnection, CLOSE_LATENCY, CONNECT_LATENCY, ConnError, Event, QUERY_LATENCY, Server,
    with_connection,
};

const URL: &str = "db://ledger";

fn opened() -> Event {
    Event::Opened(URL.to_owned())
}

fn queried(sql: &str) -> Event {
    Event::Queried(sql.to_owned())
}

fn closed() -> Event {
    Event::Closed(URL.to_owned())
}

fn dropped() -> Event {
    Event::DroppedWithoutClose(URL.to_owned())
}

/// Deadlock guard in simulated time: far longer than any scripted latency.
async fn guard<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3600), fut)
        .await
        .expect("the operation must finish: nothing in this kata waits forever")
}

/// A connection to `URL` on `server`, opened under the deadlock guard.
async fn open(server: &Server) -> AsyncConnection {
    guard(AsyncConnection::open(server, URL))
        .await
        .expect("a valid url")
}

/// What `with_connection` on `URL` gives, guarded, for a body that runs the one query `sql`.
async fn scope_of_one_query(server: &Server, sql: &str) -> Result<Vec<String>, ConnError> {
    guard(with_connection(server, URL, async |conn| {
        conn.query(sql).await
    }))
    .await
}

/// What the server saw: its events, and how many sessions are still open.
fn seen(server: &Server) -> (Vec<Event>, usize) {
    (server.events(), server.open_sessions())
}

#[tokio::test(start_paused = true)]
async fn open_query_close_happen_in_order() {
    let server = Server::new();
    let mut conn = open(&server).await;
    let rows = guard(conn.query("SELECT 1")).await;
    guard(conn.close()).await;
    assert_eq!(rows, Ok(vec!["SELECT 1".to_owned()]), "the query's rows");
    assert_eq!(
        seen(&server),
        (vec![opened(), queried("SELECT 1"), closed()], 0),
        "open, query, close must reach the server in that order, and an awaited close ends \
         the session without a DroppedWithoutClose warning"
    );
}

#[tokio::test(start_paused = true)]
async fn close_is_pending_until_the_server_acknowledges() {
    let server = Server::new();
    let conn = open(&server).await;
    let mut closing = task::spawn(conn.close());
    assert_pending!(
        closing.poll(),
        "close must wait for the server (CLOSE_LATENCY), not finish at once"
    );
    assert_eq!(
        server.events(),
        vec![opened()],
        "while close is in flight the server has not acknowledged it yet"
    );
    tokio::time::advance(CLOSE_LATENCY).await;
    assert!(closing.is_woken(), "the timer must wake the close future");
    assert_ready!(
        closing.poll(),
        "after CLOSE_LATENCY the close must complete"
    );
    assert_eq!(
        seen(&server),
        (vec![opened(), closed()], 0),
        "a completed close is acknowledged exactly once, with no warning"
    );
}

#[tokio::test(start_paused = true)]
async fn an_open_connection_knows_its_url() {
    let server = Server::new();
    let conn = open(&server).await;
    let url = conn.url().to_owned();
    guard(conn.close()).await;
    assert_eq!(
        url, URL,
        "url() must return the url the connection was opened with"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_an_open_connection_warns_and_leaks_the_session() {
    let server = Server::new();
    let conn = open(&server).await;
    drop(conn);
    assert_eq!(
        seen(&server),
        (vec![opened(), dropped()], 1),
        "Drop cannot await the close: this kata's documented behaviour is to record \
         DroppedWithoutClose (Server::warn_dropped) and leave the session open"
    );
}

/// Gives any task spawned behind the test's back all the (simulated) time it needs.
async fn let_the_runtime_run() {
    tokio::time::sleep(CLOSE_LATENCY * 100).await;
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn nothing_closes_a_dropped_connection_later_behind_the_callers_back() {
    let server = Server::new();
    let conn = open(&server).await;
    drop(conn);
    let_the_runtime_run().await;
    let after_the_drop = seen(&server);
    // The next connection to the same server: nothing may close the leaked one on its way.
    let mut next = open(&server).await;
    let answer = guard(next.query("SELECT 1")).await;
    guard(next.close()).await;
    assert_eq!(
        (after_the_drop, answer, seen(&server)),
        (
            (vec![opened(), dropped()], 1),
            Ok(vec!["SELECT 1".to_owned()]),
            (
                vec![opened(), dropped(), opened(), queried("SELECT 1"), closed()],
                1
            )
        ),
        "((events, open sessions) after the drop, the next connection's query, (events, \
         open sessions) after it closed): something disconnected the dropped session later, \
         in the background or on the next open, query or close; Drop must do no I/O, spawn \
         nothing and leave nothing to do later (a deferred close has no owner, no error path \
         and no guarantee); record the warning and leave the session open"
    );
}

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_leaves_no_handle_to_the_server_behind() {
    let server = Server::new();
    let conn = open(&server).await;
    let while_open = server.handles();
    drop(conn);
    // The handle count first: a helper that has finished has pushed its Closed by then.
    let after_drop = server.handles();
    assert_eq!(
        (while_open, after_drop, seen(&server)),
        (2, 1, (vec![opened(), dropped()], 1)),
        "(handles while open, handles after the drop, (events, open sessions)): Drop passed \
         a clone of the server on to something that outlives it (a spawned task, a thread \
         with its own runtime, a list of connections to close later); Drop must do no I/O \
         and hand nothing off: record the warning and leave the session open"
    );
}

#[tokio::test(start_paused = true)]
async fn a_close_cancelled_before_the_acknowledgement_still_warns() {
    let server = Server::new();
    let conn = open(&server).await;
    let mut closing = task::spawn(conn.close());
    assert_pending!(closing.poll(), "close waits for the server (CLOSE_LATENCY)");
    drop(closing);
    assert_eq!(
        seen(&server),
        (vec![opened(), dropped()], 1),
        "a close cancelled before the server acknowledged it did not close anything: the \
         connection was dropped open, so its Drop must record DroppedWithoutClose (mark the \
         connection closed only after disconnect has returned)"
    );
}

#[tokio::test(start_paused = true)]
async fn a_bad_url_opens_nothing_and_warns_about_nothing() {
    let server = Server::new();
    for url in ["postgres://ledger", "db://", "ledger", ""] {
        let got = guard(AsyncConnection::open(&server, url))
            .await
            .map(|conn| conn.url().to_owned());
        assert_eq!(
            got,
            Err(ConnError::BadUrl(url.to_owned())),
            "{url:?} is not db://name: open must refuse it with ConnError::BadUrl"
        );
    }
    assert_eq!(
        server.events(),
        vec![],
        "refused urls must not reach the server, and no connection exists to warn about"
    );
}

#[tokio::test(start_paused = true)]
async fn with_connection_returns_the_body_result_and_closes() {
    let server = Server::new();
    let got = scope_of_one_query(&server, "SELECT balance").await;
    assert_eq!(
        got,
        Ok(vec!["SELECT balance".to_owned()]),
        "the body's rows"
    );
    assert_eq!(
        server.events(),
        vec![opened(), queried("SELECT balance"), closed()],
        "with_connection must open, run the body, and await close before returning"
    );
}

#[tokio::test(start_paused = true)]
async fn with_connection_closes_when_the_body_fails() {
    let server = Server::new();
    let got = scope_of_one_query(&server, "SELECT FAIL").await;
    assert_eq!(
        got,
        Err(ConnError::Query("SELECT FAIL".to_owned())),
        "the body's error must come back unchanged"
    );
    assert_eq!(
        seen(&server),
        (vec![opened(), queried("SELECT FAIL"), closed()], 0),
        "the body failed: with_connection must still await close (no `?` before close), \
         so the server sees Closed and no DroppedWithoutClose"
    );
}

#[tokio::test(start_paused = true)]
async fn with_connection_is_pending_while_close_is_in_flight() {
    let server = Server::new();
    let mut scope = task::spawn(with_connection(&server, URL, async |_conn| Ok(7)));
    assert_pending!(scope.poll(), "connecting takes CONNECT_LATENCY");
    tokio::time::advance(CONNECT_LATENCY).await;
    assert_pending!(
        scope.poll(),
        "after connecting and an instant body, close is in flight: with_connection must \
         still be waiting for it"
    );
    assert_eq!(
        server.events(),
        vec![opened()],
        "the close has not been acknowledged yet"
    );
    tokio::time::advance(CLOSE_LATENCY).await;
    let got = assert_ready!(scope.poll(), "the close was acknowledged");
    assert_eq!(
        (got, server.events()),
        (Ok(7), vec![opened(), closed()]),
        "with_connection returns the body's value only once close has completed"
    );
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_with_connection_drops_the_connection_with_a_warning() {
    let server = Server::new();
    let mut scope = task::spawn(with_connection(&server, URL, async |conn| {
        conn.query("SELECT slow").await
    }));
    assert_pending!(scope.poll(), "connecting");
    tokio::time::advance(CONNECT_LATENCY).await;
    assert_pending!(scope.poll(), "the query is in flight");
    drop(scope);
    let handles = server.handles();
    let right_after = seen(&server);
    let_the_runtime_run().await;
    assert_eq!(
        (right_after, handles, seen(&server)),
        (
            (vec![opened(), dropped()], 1),
            1,
            (vec![opened(), dropped()], 1)
        ),
        "((events, open sessions) right after the cancel, handles to the server left, \
         (events, open sessions) once the runtime ran on): cancelling a future drops it \
         mid-await, so no close().await can run: the connection's Drop records the \
         DroppedWithoutClose warning and the session stays open; with_connection must not \
         hand the close to anything that outlives it (a guard that spawns a disconnect, a \
         task, a thread)"
    );
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_never_opened_is_not_closed() {
    let server = Server::new();
    let mut ran = false;
    let got = guard(with_connection(&server, "mysql://x", async |_conn| {
        ran = true;
        Ok(())
    }))
    .await;
    assert_eq!(
        (got, ran, server.events()),
        (
            Err(ConnError::BadUrl("mysql://x".to_owned())),
            false,
            vec![]
        ),
        "a failed open must return its error without running the body or closing anything"
    );
}

#[tokio::test(start_paused = true)]
async fn nested_queries_run_on_one_connection_in_order() {
    let server = Server::new();
    let start = tokio::time::Instant::now();
    let got = guard(with_connection(&server, URL, async |conn| {
        let first = conn.query("SELECT a").await?;
        let second = conn.query("SELECT b").await?;
        Ok(first.len() + second.len())
    }))
    .await;
    assert_eq!(
        (got, server.events()),
        (
            Ok(2),
            vec![opened(), queried("SELECT a"), queried("SELECT b"), closed()]
        ),
        "one open, the body's queries in order, one close"
    );
    assert_eq!(
        start.elapsed(),
        CONNECT_LATENCY + QUERY_LATENCY * 2 + CLOSE_LATENCY,
        "on the paused clock the whole scope takes exactly connect + two queries + close: \
         each step is awaited in turn, the close included"
    );
}

#[test]
fn a_closed_connection_leaves_nothing_behind() {
    // Each round opens a server and a connection, closes the connection and drops the
    // server: if close() lets the connection drop normally, the heap ends exactly where it
    // started; if it forgets the connection (mem::forget, ManuallyDrop) to skip the Drop
    // warning, it leaks whatever the forgotten connection still owns, be it its url and the
    // server it shares or a fresh stand-in swapped in for them.
    let runtime = super::paused_runtime("a tokio runtime");
    let ((), left) = crate::suite::heap::heap_left_behind(|| {
        runtime.block_on(async {
            for _ in 0..1000 {
                let server = Server::new();
                let conn = open(&server).await;
                guard(conn.close()).await;
            }
        });
    });
    assert_eq!(
        left, 0,
        "1000 connections opened and closed one after another left {left} bytes of heap \
         behind: close() leaks the connection (forgotten to skip the warning, even with its \
         fields swapped for fresh ones); record that it closed (a flag Drop reads) and let it \
         drop normally, never mem::forget it"
    );
}
