use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::Connection;

use crate::async_store::*;

/// Deadlock guard only: generous, and never what decides a passing test.
const GUARD: Duration = Duration::from_secs(20);

async fn guarded<T>(what: &str, work: impl std::future::Future<Output = T>) -> T {
    match tokio::time::timeout(GUARD, work).await {
        Ok(value) => value,
        Err(_) => panic!("{what} did not finish: the database thread never answered"),
    }
}

async fn open_store(dir: &tempfile::TempDir) -> AsyncStore {
    guarded("open", AsyncStore::open(&dir.path().join("async.db")))
        .await
        .expect("the async store should open a file in a temp dir")
}

/// A store on a new file in a fresh temp dir (keep the dir as long as the store).
async fn fresh_store() -> (tempfile::TempDir, AsyncStore) {
    let dir = super::temp_dir();
    let store = open_store(&dir).await;
    (dir, store)
}

/// Inserts `rows` into `store` under the deadlock guard, which must work (`what` says why).
async fn seed(store: &AsyncStore, rows: Vec<(String, f64)>, what: &str) {
    guarded("insert_many", store.insert_many(rows))
        .await
        .expect(what);
}

/// A current-thread runtime and a store on `dir` holding `rows` (`what` says why they must
/// go in).
fn seeded_on_a_current_thread(
    dir: &tempfile::TempDir,
    rows: Vec<(String, f64)>,
    what: &str,
) -> (tokio::runtime::Runtime, AsyncStore) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    let store = runtime.block_on(open_store(dir));
    runtime.block_on(seed(&store, rows, what));
    (runtime, store)
}

/// `n` warriors named `w0000`, `w0001`, … in that order, each of power 1.0.
fn numbered_warriors(n: usize) -> Vec<(String, f64)> {
    (0..n).map(|i| (format!("w{i:04}"), 1.0)).collect()
}

/// A second connection to the file at `path` that holds its exclusive lock until `COMMIT`.
fn lock_exclusively(path: impl AsRef<std::path::Path>) -> Connection {
    let blocker = Connection::open(path).expect("second connection");
    blocker
        .execute_batch("BEGIN EXCLUSIVE")
        .expect("take the exclusive lock");
    blocker
}

#[tokio::test]
async fn the_heartbeat_keeps_ticking_while_a_slow_query_waits() {
    let (dir, store) = fresh_store().await;
    seed(&store, vec![("Arjuna".into(), 1.0)], "seed one warrior").await;

    // Another connection takes the file exclusively; only the heartbeat task releases it.
    let blocker = lock_exclusively(dir.path().join("async.db"));
    let ticks = Arc::new(AtomicU64::new(0));
    let heartbeat = tokio::spawn({
        let ticks = Arc::clone(&ticks);
        async move {
            for _ in 0..3 {
                ticks.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
            blocker.execute_batch("COMMIT").expect("release the lock");
            loop {
                ticks.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        }
    });

    let result = guarded("deep_count", store.deep_count(50_000)).await;
    heartbeat.abort();
    assert!(
        ticks.load(Ordering::SeqCst) >= 3,
        "the heartbeat ticked {} times while the query ran: the query blocked the runtime \
         thread, so the task that would release the lock never ran",
        ticks.load(Ordering::SeqCst)
    );
    assert!(
        matches!(result, Ok(50_001)),
        "deep_count(50000) with one warrior returned {result:?}: expected 50000 steps + 1 row; \
         an Err(locked) means the query ran on the runtime thread and starved the heartbeat"
    );
}

#[tokio::test]
async fn deep_count_walks_the_recursive_cte() {
    let (_dir, store) = fresh_store().await;
    let rows = vec![("A".to_string(), 1.0), ("B".to_string(), 2.0)];
    seed(&store, rows, "seed").await;
    let zero = guarded("deep_count", store.deep_count(0)).await;
    assert!(
        matches!(zero, Ok(2)),
        "depth 0 walks no steps: expected 0 + 2 rows, got {zero:?}"
    );
    let deep = guarded("deep_count", store.deep_count(1_000)).await;
    assert!(
        matches!(deep, Ok(1_002)),
        "expected 1000 steps + 2 rows, got {deep:?}"
    );
}

#[tokio::test]
async fn ten_thousand_rows_stream_in_order_through_a_small_channel() {
    let (_dir, store) = fresh_store().await;
    let rows: Vec<(String, f64)> = (0..10_000)
        .map(|i| (format!("w{i:05}"), i as f64))
        .collect();
    let inserted = guarded("insert_many", store.insert_many(rows)).await;
    assert!(
        matches!(inserted, Ok(10_000)),
        "insert_many returned {inserted:?}"
    );

    let mut stream = store.stream_names(8).expect("a stream with capacity 8");
    let mut got = Vec::new();
    while let Some(item) = guarded("stream", stream.recv()).await {
        got.push(item.expect("every streamed row should be Ok"));
    }
    assert_eq!(
        got.len(),
        10_000,
        "the stream must deliver every row, then close"
    );
    assert!(
        got.iter()
            .enumerate()
            .all(|(i, name)| *name == format!("w{i:05}")),
        "rows must arrive in id order"
    );
}

/// Tries to add a row from a separate connection that will not wait for a lock.
fn write_from_elsewhere(path: &std::path::Path) -> rusqlite::Result<usize> {
    let writer = Connection::open(path)?;
    writer.busy_timeout(Duration::ZERO)?;
    writer.execute(
        "INSERT INTO warriors (name, power) VALUES ('Latecomer', 1.0)",
        [],
    )
}

#[tokio::test]
async fn a_paused_stream_is_still_reading_the_table() {
    let (dir, store) = fresh_store().await;
    seed(&store, numbered_warriors(1_000), "seed 1,000 warriors").await;

    let mut names = store.stream_names(2).expect("a stream of capacity 2");
    let first = guarded("the first row", names.recv()).await;
    assert!(
        matches!(first, Some(Ok(ref name)) if name == "w0000"),
        "the first streamed row was {first:?}, not w0000"
    );
    // The consumer pauses. A stream that really pulls rows one by one has not finished its
    // SELECT, so (in SQLite's default rollback journal) its read lock still keeps writers out.
    let path = dir.path().join("async.db");
    let write = write_from_elsewhere(&path);
    assert!(
        write.is_err(),
        "another connection could write while the consumer had taken 1 of 1,000 rows: the \
         SELECT had already finished, so every row had been read up front. Send each row as \
         the cursor yields it (blocking_send waits while the channel is full); never collect \
         the table before sending"
    );
    let mut rest = 0;
    while let Some(row) = guarded("the rest of the stream", names.recv()).await {
        row.expect("every row streams");
        rest += 1;
    }
    assert_eq!(rest, 999, "the stream must deliver the other 999 rows");
    let write = write_from_elsewhere(&path);
    assert!(
        write.is_ok(),
        "once the stream has ended its read lock must be released, got {write:?}"
    );
}

#[test]
fn a_query_waiting_for_a_lock_leaves_its_future_pending() {
    use tokio_test::assert_pending;

    let dir = super::temp_dir();
    let (runtime, store) =
        seeded_on_a_current_thread(&dir, vec![("Arjuna".into(), 1.0)], "seed one warrior");
    let blocker = lock_exclusively(dir.path().join("async.db"));

    // Polled by hand, outside any runtime: the first poll must hand the query to the
    // database thread and return Pending, not run it (and wait for the lock) in place.
    let mut count = tokio_test::task::spawn(store.count());
    assert_pending!(
        count.poll(),
        "count() finished inside its first poll although another connection holds the lock: \
         the query ran on the caller's thread. Send it to the database thread and await the \
         reply"
    );
    blocker.execute_batch("COMMIT").expect("release the lock");
    let got = runtime.block_on(guarded("count after the lock was released", count));
    assert_eq!(got.ok(), Some(1), "one warrior was seeded");
}

#[tokio::test]
async fn an_empty_table_streams_nothing_and_closes() {
    let (_dir, store) = fresh_store().await;
    let mut stream = store.stream_names(1).expect("a stream with capacity 1");
    let first = guarded("stream", stream.recv()).await;
    assert!(
        first.is_none(),
        "an empty table must close the stream at once, got {first:?}"
    );
}

/// Bytes this process has read through `read`/`pread` so far (`rchar` in `/proc/self/io`).
fn bytes_read_so_far() -> u64 {
    let io = std::fs::read_to_string("/proc/self/io").expect("/proc/self/io");
    io.lines()
        .find_map(|line| line.strip_prefix("rchar:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("an rchar line in /proc/self/io")
}

#[test]
fn dropping_a_stream_ends_its_select_and_leaves_the_store_usable() {
    if !run_alone("dropping_a_stream_ends_its_select_and_leaves_the_store_usable") {
        return;
    }
    let dir = super::temp_dir();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    let store = runtime.block_on(open_store(&dir));
    // 2,000 rows (about 110 pages) written by another connection, so the store's page cache
    // is stale and every page the stream visits is read from the file again.
    let path = dir.path().join("async.db");
    let mut other = Connection::open(&path).expect("second connection");
    let tx = other.transaction().expect("begin");
    for i in 0..2_000 {
        tx.execute(
            "INSERT INTO warriors (name, power) VALUES (?1, 1.0)",
            [format!("w{i:04}{}", "x".repeat(200))],
        )
        .expect("seed a row");
    }
    tx.commit().expect("commit the seed");
    let table_bytes: u64 = super::select_one(
        &other,
        "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
        "the file's size",
    );

    let before = bytes_read_so_far();
    let mut names = store.stream_names(1).expect("a stream of capacity 1");
    let first = runtime.block_on(guarded("the first row", names.recv()));
    assert!(
        matches!(&first, Some(Ok(name)) if name.starts_with("w0000")),
        "first row was {first:?}"
    );
    drop(names);
    // The next job runs once the stream's job has returned (one database thread).
    let added = runtime.block_on(guarded(
        "insert_many after the stream",
        store.insert_many(vec![("after".into(), 1.0)]),
    ));
    let read = bytes_read_so_far() - before;
    assert!(
        matches!(added, Ok(1)),
        "after abandoning a stream the store answered {added:?}: the database thread must \
         stop streaming when the receiver is gone and serve the next job"
    );
    assert!(
        read < table_bytes / 4,
        "the consumer took 1 row of 2,000 and dropped the stream, yet {read} bytes of the \
         {table_bytes}-byte file were read before the next job ran: the stream walked the \
         rest of the table for nobody (its SELECT, and the read lock that keeps writers out, \
         held to the last row). When blocking_send fails the receiver is gone: stop and drop \
         the statement"
    );
    let count = runtime.block_on(guarded("count", store.count()));
    assert!(matches!(count, Ok(2_001)), "got {count:?}");
}

#[tokio::test]
async fn clones_share_one_database_thread() {
    let (_dir, store) = fresh_store().await;
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.insert_many(vec![(format!("t{i}"), 0.0)]).await })
        })
        .collect();
    for task in tasks {
        let joined = guarded("insert task", task)
            .await
            .expect("the task should not panic");
        assert!(
            matches!(joined, Ok(1)),
            "a concurrent insert returned {joined:?}"
        );
    }
    let count = guarded("count", store.count()).await;
    assert!(
        matches!(count, Ok(10)),
        "ten tasks inserted one row each, count says {count:?}"
    );
}

#[rstest::rstest]
#[case::a_space(" ")]
#[case::tabs_and_newlines("\t\n\t")]
#[tokio::test]
async fn a_batch_with_an_empty_name_is_rejected_whole(#[case] blank: &str) {
    let (_dir, store) = fresh_store().await;
    let rows = vec![("ok".to_string(), 1.0), (blank.to_string(), 2.0)];
    let result = guarded("insert_many", store.insert_many(rows)).await;
    assert!(
        matches!(result, Err(AsyncError::EmptyName(1))),
        "a blank name ({blank:?}) at index 1 returned {result:?}: it must be EmptyName(1); \
         blank is only whitespace (spaces, tabs, newlines, as Rust's trim sees it; SQL's \
         trim() strips only spaces)"
    );
    let count = guarded("count", store.count()).await;
    assert!(
        matches!(count, Ok(0)),
        "a rejected batch left {count:?} rows: write none of it"
    );
}

#[tokio::test]
async fn a_stream_with_no_capacity_is_a_typed_error() {
    let (_dir, store) = fresh_store().await;
    let result = store.stream_names(0);
    assert!(
        matches!(result, Err(AsyncError::ZeroCapacity)),
        "stream_names(0) must be ZeroCapacity (tokio's channel would panic), got {:?}",
        result.err()
    );
}

#[tokio::test]
async fn opening_a_file_in_a_missing_directory_is_an_error() {
    let dir = super::temp_dir();
    let result = guarded(
        "open",
        AsyncStore::open(&dir.path().join("no/such/dir/a.db")),
    )
    .await;
    assert!(
        matches!(result, Err(AsyncError::Sqlite(_))),
        "opening an impossible path returned {:?}: the thread must report the open error",
        result.err()
    );
}

/// Which store operation a test holds up behind another connection's lock.
#[derive(Debug, Clone, Copy)]
enum Operation {
    Open,
    InsertMany,
    Count,
    DeepCount,
    StreamNames,
}

#[rstest::rstest]
#[case::open(Operation::Open)]
#[case::insert_many(Operation::InsertMany)]
#[case::count(Operation::Count)]
#[case::deep_count(Operation::DeepCount)]
#[case::stream_names(Operation::StreamNames)]
fn every_operation_waits_for_a_lock_off_the_callers_thread(#[case] operation: Operation) {
    use std::future::Future;
    use std::pin::Pin;
    use tokio_test::assert_pending;

    let dir = super::temp_dir();
    let path = dir.path().join("async.db");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    let store = match operation {
        Operation::Open => None,
        _ => {
            let store = runtime.block_on(open_store(&dir));
            runtime.block_on(seed(
                &store,
                vec![("Arjuna".into(), 1.0)],
                "seed one warrior",
            ));
            Some(store)
        }
    };
    let blocker = lock_exclusively(&path);

    // Inside the runtime's context but on this thread: the first poll must hand the work
    // to the database thread and return Pending; waiting for the lock here would block
    // every task of a current-thread runtime.
    let _context = runtime.enter();
    type Work = Pin<Box<dyn Future<Output = Result<(), AsyncError>>>>;
    let work: Work = match (operation, store) {
        (Operation::Open, _) => {
            let path = path.clone();
            Box::pin(async move { AsyncStore::open(&path).await.map(drop) })
        }
        (Operation::InsertMany, Some(store)) => Box::pin(async move {
            store
                .insert_many(vec![("Karna".into(), 2.0)])
                .await
                .map(drop)
        }),
        (Operation::Count, Some(store)) => Box::pin(async move { store.count().await.map(drop) }),
        (Operation::DeepCount, Some(store)) => {
            Box::pin(async move { store.deep_count(10).await.map(drop) })
        }
        (Operation::StreamNames, Some(store)) => {
            let mut names = store.stream_names(1).expect("stream_names(1) should start");
            Box::pin(async move {
                match names.recv().await {
                    Some(Ok(_)) => Ok(()),
                    Some(Err(error)) => Err(error),
                    None => Err(AsyncError::Closed),
                }
            })
        }
        (_, None) => unreachable!("the store was opened for every operation but open"),
    };
    // Count how often the future is polled: awaiting a reply polls it once more when the
    // reply wakes it, not again and again while the query waits.
    let polls = std::rc::Rc::new(std::cell::Cell::new(0_u32));
    let mut work = tokio_test::task::spawn({
        let (polls, mut work) = (std::rc::Rc::clone(&polls), work);
        std::future::poll_fn(move |cx| {
            polls.set(polls.get() + 1);
            work.as_mut().poll(cx)
        })
    });
    assert_pending!(
        work.poll(),
        "{operation:?} finished inside its first poll although another connection holds the \
         file's lock: it waited for the lock (or failed) on the caller's thread. Every \
         database call, opening and creating the schema included, belongs on the database \
         thread; the async method only awaits the reply"
    );
    // The lock stays held for a while (an observation window, not a synchronisation: the
    // test passes however long it lasts), then another thread releases it.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        blocker.execute_batch("COMMIT").expect("release the lock");
    });
    let done = runtime.block_on(guarded("the operation after the lock was released", work));
    release.join().expect("the lock was released");
    assert!(
        done.is_ok(),
        "{operation:?} failed once the lock was released: {done:?}"
    );
    assert!(
        polls.get() <= 4,
        "{operation:?} was polled {} times while its query waited 100 ms for a lock: the \
         future checks for the answer again and again (try_recv and yield_now, or a timer) \
         and keeps the runtime thread busy. Await a oneshot reply: the task sleeps until the \
         database thread's answer wakes it",
        polls.get()
    );
}

#[test]
fn calls_made_while_the_database_thread_is_busy_queue_for_it() {
    use tokio_test::assert_pending;

    if !run_alone("calls_made_while_the_database_thread_is_busy_queue_for_it") {
        return;
    }
    let dir = super::temp_dir();
    let (runtime, store) =
        seeded_on_a_current_thread(&dir, vec![("Arjuna".into(), 1.0)], "seed one warrior");
    let blocker = lock_exclusively(dir.path().join("async.db"));
    let _context = runtime.enter();

    // The first call keeps the database thread busy: its query waits for the lock.
    let mut first = tokio_test::task::spawn(store.count());
    assert_pending!(first.poll(), "count() ran on the caller's thread");
    assert!(
        !first.is_woken(),
        "count() woke its own task before any answer could exist (the query is still \
         waiting for the lock): it polls for the reply (try_recv and yield_now). Await a \
         oneshot reply: the task sleeps until the database thread's answer wakes it"
    );
    let threads = other_threads().len();
    // Many more calls while it waits (far more than any bounded queue a learner might pick):
    // each is handed over and queued, at once.
    let mut later: Vec<_> = (0..QUEUED_CALLS)
        .map(|_| tokio_test::task::spawn(store.count()))
        .collect();
    for (n, call) in later.iter_mut().enumerate() {
        assert_pending!(call.poll(), "call {n} ran on the caller's thread");
        assert!(
            !first.is_woken(),
            "handing over call {n} returned only after the busy first call had finished (it \
             gave up waiting for the lock): sending the job waited for the database thread to \
             take it (a rendezvous or full bounded channel) and blocked the caller's thread. \
             Queue jobs in a channel whose send never waits (std::sync::mpsc::channel or \
             tokio's unbounded channel)"
        );
    }
    let started = other_threads().len().saturating_sub(threads);
    assert_eq!(
        started, 0,
        "{QUEUED_CALLS} calls made while the database thread was busy started {started} new \
         threads: each call got a thread of its own (queueing on a mutex, or with its own \
         connection). One database thread owns the connection and takes the calls from a \
         channel, one by one"
    );
    // Streams queue for the same thread: no reader thread or connection of their own.
    let streams: Vec<_> = (0..3)
        .map(|_| store.stream_names(1).expect("stream_names(1) should start"))
        .collect();
    let started = other_threads().len().saturating_sub(threads);
    assert_eq!(
        started, 0,
        "3 streams started while the database thread was busy started {started} new threads: \
         a stream got a reader thread (and connection) of its own. A stream is one more job \
         for the one database thread, which sends its rows through the bounded channel"
    );
    blocker.execute_batch("COMMIT").expect("release the lock");
    for call in std::iter::once(first).chain(later) {
        let count = runtime.block_on(guarded("a queued call", call));
        assert!(matches!(count, Ok(1)), "a queued count answered {count:?}");
    }
    for mut names in streams {
        let first = runtime.block_on(guarded("a queued stream", names.recv()));
        assert!(
            matches!(&first, Some(Ok(name)) if name == "Arjuna"),
            "a queued stream sent {first:?}"
        );
    }
}

/// How many calls `calls_made_while_the_database_thread_is_busy_queue_for_it` queues
/// behind a busy database thread.
const QUEUED_CALLS: usize = 5_000;

/// Makes the third row of a batch (named `Traitor`) fail inside the database: at its own
/// INSERT (a trigger), or only at COMMIT (a deferred foreign key that row breaks).
const REFUSE_AT_INSERT: &str =
    "CREATE TRIGGER no_traitors BEFORE INSERT ON warriors WHEN NEW.name = 'Traitor'
     BEGIN SELECT RAISE(ABORT, 'traitor refused'); END";
const REFUSE_AT_COMMIT: &str =
    "CREATE TABLE squads (leader INTEGER REFERENCES warriors(id) DEFERRABLE INITIALLY DEFERRED);
     CREATE TRIGGER orphan_squad AFTER INSERT ON warriors WHEN NEW.name = 'Traitor'
     BEGIN INSERT INTO squads (leader) VALUES (-1); END";

/// Each case runs with `PRAGMA foreign_keys = ON` on the store's own connection (through
/// `watch_files_in`), so the deferred foreign key is enforced at COMMIT.
#[rstest::rstest]
#[case::a_trigger_refuses_its_third_row(REFUSE_AT_INSERT, "a trigger refused its third row")]
#[case::its_commit_fails(REFUSE_AT_COMMIT, "its COMMIT failed (a deferred foreign key)")]
fn a_batch_that_fails_midway_writes_nothing_and_leaves_the_store_usable(
    #[case] refusal: &str,
    #[case] failed_how: &str,
) {
    let dir = super::temp_dir();
    let path = dir.path().join("async.db");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    super::watch_files_in(dir.path(), true, || {
        runtime.block_on(async {
            let store = open_store(&dir).await;
            Connection::open(&path)
                .and_then(|conn| conn.execute_batch(refusal))
                .expect("add the refusal");
            let mut rows = numbered_warriors(4);
            rows[2].0 = "Traitor".into();
            let failed = guarded("insert_many", store.insert_many(rows)).await;
            assert!(
                matches!(failed, Err(AsyncError::Sqlite(_))),
                "a batch where {failed_how} returned {failed:?}: it must be AsyncError::Sqlite"
            );
            let count = guarded("count", store.count()).await;
            let elsewhere = write_from_elsewhere(&path);
            assert!(
                matches!(count, Ok(0)) && elsewhere.is_ok(),
                "after a batch where {failed_how}, the store counted {count:?} and another \
                 connection's write gave {elsewhere:?}: the failed batch left its transaction \
                 open on the store's connection (a raw BEGIN, then `?` returned before COMMIT \
                 or ROLLBACK, or a hand-written ROLLBACK that a failing COMMIT skips), holding \
                 the write lock and the first rows for every later job. Use a Transaction \
                 guard (conn.transaction()): an early return or a failed commit drops it, and \
                 the drop rolls back"
            );
            let next = guarded("insert_many", store.insert_many(numbered_warriors(2))).await;
            assert!(
                matches!(next, Ok(2)),
                "the batch after a failed one returned {next:?}: the store must stay usable"
            );
            let count = guarded("count", store.count()).await;
            assert!(
                matches!(count, Ok(3)),
                "one row from another connection and two from the next batch, count says \
                 {count:?}"
            );
        })
    });
}

/// A table of `n` numbered warriors (see [`numbered_warriors`]) written by a connection of
/// the test's own, before any store opens the file.
fn seed_file(path: &std::path::Path, n: usize) {
    let conn = Connection::open(path).expect("a seeding connection");
    conn.execute_batch(
        "CREATE TABLE warriors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, power REAL NOT NULL)",
    )
    .expect("create the table");
    for (name, power) in numbered_warriors(n) {
        conn.execute(
            "INSERT INTO warriors (name, power) VALUES (?1, ?2)",
            rusqlite::params![name, power],
        )
        .expect("seed a row");
    }
}

#[test]
fn a_stream_is_one_select_read_to_its_end() {
    let dir = super::temp_dir();
    seed_file(&dir.path().join("async.db"), 20);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    // 20 rows through a channel of 3: the statement trace sees the store's own connection.
    let (names, watched) = super::watch_files_in(dir.path(), false, || {
        runtime.block_on(async {
            let store = open_store(&dir).await;
            let mut stream = store.stream_names(3).expect("a stream of capacity 3");
            let mut names = Vec::new();
            while let Some(row) = guarded("the stream", stream.recv()).await {
                names.push(row.expect("every row streams"));
            }
            names
        })
    });
    let expected: Vec<String> = numbered_warriors(20).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names, expected,
        "the stream must deliver every row in id order"
    );
    let selects: Vec<&str> = watched
        .sent
        .iter()
        .map(|sent| sent.sql.as_str())
        .filter(|sql| sql.to_ascii_lowercase().contains("select"))
        .collect();
    assert_eq!(
        selects.len(),
        1,
        "one stream of 20 rows through a channel of 3 ran these SELECTs on the store's \
         connection: {selects:?}. A stream that re-queries page by page (LIMIT/OFFSET, or \
         WHERE id > the last one) drops its read lock between pages, so a write landing \
         there makes it skip or repeat rows, and each page scans again. A stream is one \
         SELECT whose cursor is read to its end, blocking_send waiting for room"
    );
}

/// A current-thread runtime for a test that watches the store's connections.
fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
}

#[test]
fn a_dropped_stream_steps_its_select_no_further() {
    let dir = super::temp_dir();
    seed_file(&dir.path().join("async.db"), 500);
    let capacity = 1;
    let runtime = current_thread();
    // The statement trace of the store's own connection counts the rows its SELECT returns.
    let (count, watched) = super::watch_files_in(dir.path(), false, || {
        runtime.block_on(async {
            let store = open_store(&dir).await;
            let mut names = store
                .stream_names(capacity)
                .expect("a stream of capacity 1");
            let first = guarded("the first row", names.recv()).await;
            assert!(
                matches!(&first, Some(Ok(name)) if name == "w0000"),
                "first row was {first:?}"
            );
            drop(names);
            // The next job runs once the stream's job has returned (one database thread).
            guarded("count after the stream", store.count()).await
        })
    });
    assert!(
        matches!(count, Ok(500)),
        "after abandoning a stream the store counted {count:?}: stop streaming when the \
         receiver is gone and serve the next job"
    );
    for sent in &watched.sent {
        assert!(
            sent.rows <= capacity + 2,
            "the consumer took 1 row of 500 from a stream of capacity {capacity} and dropped \
             it, yet {:?} went on to return {} rows: the database thread stepped its cursor \
             through the table for nobody (a failed `blocking_send` ignored, whatever hides \
             the reads). At most the row taken, the one waiting in the channel and the one \
             whose send failed: when blocking_send fails the receiver is gone, so stop and \
             drop the statement",
            sent.sql,
            sent.rows
        );
    }
}

#[test]
fn insert_many_binds_every_name_and_power() {
    let dir = super::temp_dir();
    let runtime = current_thread();
    // A quote and digits no SQL text holds otherwise, and powers no other value has.
    let rows = [("Shi'khandi 7731", 8642.5), ("Drona 5519", 7351.25)];
    let (inserted, watched) = super::watch_files_in(dir.path(), false, || {
        runtime.block_on(async {
            let store = open_store(&dir).await;
            let batch = rows.iter().map(|(n, p)| (n.to_string(), *p)).collect();
            guarded("insert_many", store.insert_many(batch)).await
        })
    });
    assert!(
        matches!(inserted, Ok(2)),
        "insert_many returned {inserted:?}"
    );
    super::assert_values_bound(
        &watched.sent,
        &["Shi'khandi 7731", "8642.5", "Drona 5519", "7351.25"],
        "insert_many",
    );
}

#[test]
fn the_database_thread_keeps_one_connection_for_every_call() {
    let dir = super::temp_dir();
    let runtime = current_thread();
    let store = runtime.block_on(open_store(&dir));
    // From here on, every connection opened on a file in `dir` is counted, whichever thread
    // opens it.
    let ((), watched) = super::watch_files_in(dir.path(), false, || {
        runtime.block_on(async {
            seed(&store, numbered_warriors(3), "a batch of three").await;
            let count = guarded("count", store.count()).await;
            assert!(matches!(count, Ok(3)), "count returned {count:?}");
            let deep = guarded("deep_count", store.deep_count(2)).await;
            assert!(matches!(deep, Ok(5)), "deep_count(2) returned {deep:?}");
            let mut stream = store.stream_names(2).expect("a stream");
            while let Some(row) = guarded("the stream", stream.recv()).await {
                row.expect("every row streams");
            }
        })
    });
    assert_eq!(
        watched.opened, 0,
        "after open returned, insert_many, count, deep_count and stream_names opened {} \
         more connections to the file: the database thread reconnects per job, which throws \
         away the page cache, prepared statements and per-connection settings (PRAGMAs, \
         busy timeout) each time. The one database thread opens its connection once, in \
         open, and serves every job with it",
        watched.opened
    );
}

#[tokio::test]
async fn a_stream_channel_holds_at_most_the_requested_capacity() {
    let (_dir, store) = fresh_store().await;
    let names = store.stream_names(3).expect("a stream of capacity 3");
    assert_eq!(
        names.max_capacity(),
        3,
        "stream_names(3) returned a channel that holds {} rows: the channel bounds how far \
         the database thread reads ahead of the consumer, so it holds exactly `capacity`",
        names.max_capacity()
    );
}

#[tokio::test]
async fn insert_many_is_one_transaction() {
    let (dir, store) = fresh_store().await;
    let path = dir.path().join("async.db");
    let before = super::commits_recorded(&path);
    // 40,000 values: more than one SQLite statement can bind (32,766).
    let inserted = guarded("insert_many", store.insert_many(numbered_warriors(20_000))).await;
    assert!(
        matches!(inserted, Ok(20_000)),
        "insert_many of 20,000 rows returned {inserted:?}: one statement binds at most 32,766 \
         values, so a batch cannot be one giant multi-row INSERT. Open a transaction, run one \
         prepared `INSERT ... VALUES (?1, ?2)` per row, and commit once"
    );
    let made = super::commits_recorded(&path).wrapping_sub(before);
    assert_eq!(
        made, 1,
        "insert_many of 20,000 rows committed {made} write transactions: the batch is one \
         transaction, committed once"
    );
}

#[test]
fn every_operation_answers_while_the_runtimes_only_blocking_thread_is_busy() {
    // A runtime whose blocking pool has a single thread, which the test itself occupies:
    // work that borrows tokio's blocking pool (spawn_blocking) queues behind it; a store's
    // own thread does not.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(1)
        .build()
        .expect("a current-thread runtime with one blocking thread");
    runtime.block_on(async {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let occupier = tokio::task::spawn_blocking(move || held.recv());
        let deadline = Duration::from_secs(5);
        async fn within<T>(what: &str, deadline: Duration, work: impl Future<Output = T>) -> T {
            tokio::time::timeout(deadline, work)
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "{what} did not answer within {deadline:?} while the runtime's only \
                     blocking thread was busy: the store runs its work on tokio's blocking \
                     pool (spawn_blocking), where it queues behind whatever occupies it. Give \
                     the store its own database thread that owns its connection and takes \
                     jobs from a channel"
                    )
                })
        }
        let dir = super::temp_dir();
        let path = dir.path().join("async.db");
        let store = within("open", deadline, AsyncStore::open(&path))
            .await
            .expect("the store opens");
        let inserted = within(
            "insert_many",
            deadline,
            store.insert_many(numbered_warriors(3)),
        )
        .await;
        assert!(
            matches!(inserted, Ok(3)),
            "insert_many returned {inserted:?}"
        );
        let count = within("count", deadline, store.count()).await;
        assert!(matches!(count, Ok(3)), "count returned {count:?}");
        let deep = within("deep_count", deadline, store.deep_count(10)).await;
        assert!(matches!(deep, Ok(13)), "deep_count(10) returned {deep:?}");
        let mut names = store.stream_names(4).expect("a stream");
        let first = within("stream_names", deadline, names.recv()).await;
        assert!(
            matches!(&first, Some(Ok(name)) if name == "w0000"),
            "the stream's first row was {first:?}"
        );
        release.send(()).expect("the occupier is still waiting");
        occupier
            .await
            .expect("the occupier ends")
            .expect("released");
    });
}

#[tokio::test]
async fn the_rows_before_a_bad_row_arrive_before_its_error() {
    let (dir, store) = fresh_store().await;
    seed(&store, numbered_warriors(1_000), "seed 1,000 warriors").await;
    // The third row's name becomes a BLOB, which cannot be read as a String.
    let other = Connection::open(dir.path().join("async.db")).expect("second connection");
    other
        .execute("UPDATE warriors SET name = x'00ff' WHERE id = 3", [])
        .expect("spoil the third row");
    drop(other);

    let mut stream = store.stream_names(2).expect("a stream of capacity 2");
    let mut got = Vec::new();
    while let Some(item) = guarded("the stream", stream.recv()).await {
        got.push(item.map_err(|error| error.to_string()));
    }
    let oks: Vec<&String> = got.iter().map_while(|item| item.as_ref().ok()).collect();
    assert_eq!(
        oks,
        ["w0000", "w0001"],
        "the stream delivered {} good rows before the unreadable third row (got {:?}): the \
         rows were read ahead into a buffer (the whole table or a page) and the error threw \
         them away. Send each row as the cursor yields it, so how far the database thread \
         reads ahead is bounded by the channel",
        oks.len(),
        got.iter().take(4).collect::<Vec<_>>()
    );
    assert!(
        matches!(got.get(2), Some(Err(_))) && got.len() == 3,
        "after two good rows the unreadable third row must arrive as one Err that ends the \
         stream; got {} items, the third {:?}",
        got.len(),
        got.get(2)
    );
}

#[tokio::test]
async fn names_travel_as_bound_values_even_when_sql_text_cannot_hold_them() {
    let (_dir, store) = fresh_store().await;
    let names = ["O'Brien", "nul\0inside", "semi; DROP TABLE warriors; --"];
    let rows: Vec<(String, f64)> = names.iter().map(|name| (name.to_string(), 0.1)).collect();
    let inserted = guarded("insert_many", store.insert_many(rows)).await;
    assert!(
        matches!(inserted, Ok(3)),
        "insert_many of names with a quote, a NUL byte and SQL returned {inserted:?}: a value \
         pasted into SQL text ends at the NUL (or breaks the statement). Bind every value \
         with a placeholder (`VALUES (?1, ?2)`)"
    );
    let mut stream = store.stream_names(4).expect("a stream");
    let mut got = Vec::new();
    while let Some(item) = guarded("the stream", stream.recv()).await {
        got.push(item.expect("every stored name reads back"));
    }
    assert_eq!(
        got, names,
        "the names came back changed: they were pasted into the SQL text, not bound"
    );
}

#[test]
fn a_stream_reads_no_further_ahead_than_its_channel_holds() {
    if !run_alone("a_stream_reads_no_further_ahead_than_its_channel_holds") {
        return;
    }
    let dir = super::temp_dir();
    let (runtime, store) =
        seeded_on_a_current_thread(&dir, numbered_warriors(3), "seed three warriors");
    let path = dir.path().join("async.db");

    // Capacity 2, nothing taken: once the channel is full and the database thread has gone
    // to sleep, a stream that sends rows as the cursor yields them holds only the third row,
    // waiting for room, so its SELECT has not reached the end and still keeps writers out.
    let mut names = store.stream_names(2).expect("a stream of capacity 2");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while names.len() < 2 && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    assert_eq!(names.len(), 2, "the stream never filled its channel of 2");
    let (asleep, threads) = other_threads_asleep();
    assert!(
        asleep,
        "with the channel full, a thread kept running or sleeping on a timer (thread, \
         kernel wait): {threads:?}: the database thread polls instead of waiting in \
         blocking_send"
    );
    let write = write_from_elsewhere(&path);
    assert!(
        write.is_err(),
        "with two of three rows waiting in a channel of capacity 2, another connection could \
         write: the SELECT had already run to its end, so rows were read ahead into a buffer \
         (a chunk, a page, or the whole table) beyond the one row waiting for room. Send \
         each row as the cursor yields it; the channel alone bounds how far the database \
         thread reads ahead of the consumer"
    );
    let mut got = Vec::new();
    while let Some(row) = runtime.block_on(guarded("the rest of the stream", names.recv())) {
        got.push(row.expect("every row streams"));
    }
    assert_eq!(
        got,
        ["w0000", "w0001", "w0002"],
        "the rows arrive in id order"
    );
}

/// Set in the child process that runs one test alone (see `run_alone`).
const ALONE: &str = "D18A_SQLITE_RUN_ALONE";

/// Runs the test `name` of this test binary alone in a child process, so that no other
/// test's threads are alive while it looks at every thread of its process; fails with the
/// child's output if the child fails. Returns false in the parent, true in the child.
fn run_alone(name: &str) -> bool {
    if std::env::var_os(ALONE).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary's own path");
    let out = std::process::Command::new(exe)
        .args([name, "--test-threads=1", "--nocapture"])
        .env(ALONE, "1")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run the test binary again for one test");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} (run alone in a child process) failed:\n{stderr}\n{stdout}"
    );
    false
}

/// A thread of this process as `/proc` shows it.
#[derive(Clone)]
struct Seen {
    tid: String,
    /// The kernel function it sleeps in (`wchan`; `0` while it runs), with " (with a
    /// timeout)" added for a futex wait with a timeout.
    wait: String,
    /// Whether it sleeps in a futex wait with no timeout: asleep until something wakes it.
    parked: bool,
    /// Voluntary context switches so far: one more each time it went to sleep.
    switches: u64,
}

/// Shown in a failure as `thread 1234 in futex_wait_queue (with a timeout)`.
impl std::fmt::Debug for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "thread {} in {}", self.tid, self.wait.trim())
    }
}

/// Every thread of this process but the calling one.
fn other_threads() -> Vec<Seen> {
    let me = std::fs::read_link("/proc/thread-self").expect("/proc/thread-self");
    let me = me
        .file_name()
        .expect("a thread id")
        .to_string_lossy()
        .into_owned();
    let mut threads = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let tid = entry
            .expect("a thread")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if tid == me {
            continue;
        }
        let dir = format!("/proc/self/task/{tid}");
        // A thread that has just exited has no files left: skip it.
        let (Ok(mut wait), Ok(status), Ok(syscall)) = (
            std::fs::read_to_string(format!("{dir}/wchan")),
            std::fs::read_to_string(format!("{dir}/status")),
            std::fs::read_to_string(format!("{dir}/syscall")),
        ) else {
            continue;
        };
        if kata_test_support::threads::in_a_timed_futex_wait(&syscall) {
            wait.push_str(" (with a timeout)");
        }
        let switches = status
            .lines()
            .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        let parked = kata_test_support::threads::in_an_untimed_futex_wait(&syscall);
        threads.push(Seen {
            tid,
            wait,
            parked,
            switches,
        });
    }
    threads
}

/// How many looks in a row, a millisecond apart, must find every other thread parked, none
/// of them having woken in between, before the threads count as asleep.
const PARKED_LOOKS: usize = 20;

/// Waits (up to 3 s) until every other thread of this process sleeps in a futex wait with
/// no timeout, waiting to be woken, and stays so, unwoken, for [`PARKED_LOOKS`] looks in a
/// row; returns whether they did, and the threads as last seen. One look can catch a
/// polling thread between two timed waits; twenty in a row cannot.
fn other_threads_asleep() -> (bool, Vec<Seen>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    let all_parked = |threads: &[Seen]| threads.iter().all(|seen| seen.parked);
    let unwoken = |first: &[Seen], now: &[Seen]| {
        first.len() == now.len()
            && first
                .iter()
                .zip(now)
                .all(|(a, b)| a.tid == b.tid && a.switches == b.switches)
    };
    // The first look of the current run of looks that found every thread parked, and how
    // many looks the run has had.
    let mut run: Option<(Vec<Seen>, usize)> = None;
    loop {
        let threads = other_threads();
        let parked = all_parked(&threads);
        run = match run.take() {
            Some((first, looks)) if parked && unwoken(&first, &threads) => Some((first, looks + 1)),
            _ => parked.then(|| (threads.clone(), 1)),
        };
        if run
            .as_ref()
            .is_some_and(|(_, looks)| *looks >= PARKED_LOOKS)
        {
            return (true, threads);
        }
        if std::time::Instant::now() >= deadline {
            return (false, threads);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Asserts that every other thread of this (child) process is soon asleep on a futex and
/// stays asleep: at most 3 wake-ups each in the next 200 ms. `when` says what the test is
/// doing, `lesson` what a failure means.
fn assert_other_threads_sleep_until_woken(when: &str, lesson: &str) {
    let (parked, threads) = other_threads_asleep();
    assert!(
        parked,
        "{when}, a thread kept sleeping on a timer (a sleep, or a futex wait with a timeout: \
         recv_timeout, park_timeout, wait_timeout) or running instead of waiting to be woken \
         (as last seen): {threads:?}: {lesson}"
    );
    // Parked threads stay parked: a thread that wakes on a short timeout to look again
    // (park_timeout, a condvar or channel wait with a timeout) is polling too.
    std::thread::sleep(Duration::from_millis(200));
    let later = other_threads();
    let woken: Vec<(&String, u64)> = threads
        .iter()
        .filter_map(|seen| {
            let after = later.iter().find(|t| t.tid == seen.tid)?.switches;
            (after > seen.switches + 3).then_some((&seen.tid, after - seen.switches))
        })
        .collect();
    assert!(
        woken.is_empty(),
        "{when}, threads woke again and again over 200 ms (thread, times): {woken:?}: {lesson}"
    );
}

#[test]
fn an_idle_database_thread_sleeps_until_a_job_arrives() {
    if !run_alone("an_idle_database_thread_sleeps_until_a_job_arrives") {
        return;
    }
    let dir = super::temp_dir();
    // The threads of the process before the store exists (a current-thread runtime adds
    // none), so the ones the store starts can be told apart.
    let before: Vec<String> = other_threads().into_iter().map(|seen| seen.tid).collect();
    let (runtime, store) =
        seeded_on_a_current_thread(&dir, numbered_warriors(3), "seed three warriors");
    let assert_one_store_thread = |when: &str| {
        let started = other_threads()
            .into_iter()
            .filter(|seen| !before.contains(&seen.tid))
            .count();
        assert_eq!(
            started, 1,
            "{when}, the store had {started} threads of its own: one owner thread, no shared \
             lock. One thread owns the connection and runs every job in turn; a pool of \
             workers sharing an Arc<Mutex<Connection>> (or a helper thread per job) only \
             queues them on that lock and runs nothing in parallel"
        );
    };
    assert_one_store_thread("after open and a batch");
    // Nothing to do now: the database thread should block on its job channel.
    assert_other_threads_sleep_until_woken(
        "while the store had no work",
        "the database thread polls its job channel (try_recv and sleep, or recv_timeout in a \
         loop) instead of blocking on it. Let it wait in `recv()` (or `for job in inbox`): \
         the sender wakes it when a job arrives",
    );
    let count = runtime.block_on(guarded("count after the idle spell", store.count()));
    assert!(matches!(count, Ok(3)), "got {count:?}");
    assert_one_store_thread("after a count");
}

#[test]
fn a_database_thread_waiting_for_room_in_the_channel_sleeps_until_woken() {
    if !run_alone("a_database_thread_waiting_for_room_in_the_channel_sleeps_until_woken") {
        return;
    }
    let dir = super::temp_dir();
    let (runtime, store) =
        seeded_on_a_current_thread(&dir, numbered_warriors(1_000), "seed 1,000 warriors");
    let mut names = store.stream_names(1).expect("a stream of capacity 1");
    let first = runtime.block_on(guarded("the first row", names.recv()));
    assert!(
        matches!(&first, Some(Ok(name)) if name == "w0000"),
        "got {first:?}"
    );

    // The consumer pauses. Alone in this process, every other thread (the test harness, the
    // database thread) should now be asleep on a futex, woken only when there is something
    // to do: blocking_send parks the database thread until the consumer makes room.
    assert_other_threads_sleep_until_woken(
        "while the consumer paused",
        "the database thread polls the full channel (try_send and sleep, a spin, or a wait \
         on a short timeout) instead of sleeping until the consumer makes room. Use \
         blocking_send: it parks the thread until the consumer takes a row",
    );
    drop(names);
    let count = runtime.block_on(guarded("count after the stream", store.count()));
    assert!(matches!(count, Ok(1_000)), "got {count:?}");
}
