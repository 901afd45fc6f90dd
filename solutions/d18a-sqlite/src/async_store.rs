//! # Kata 7 — Async without freezing the loop
//!
//! **Build** an [`AsyncStore`] whose every query runs on a dedicated database thread, so
//! `async` callers await a reply instead of blocking the runtime, and whose
//! [`AsyncStore::stream_names`] sends rows one at a time through a bounded channel.
//!
//! **Why:** an executor thread that blocks on disk I/O, a long query or a database lock
//! stops *every* task it owns: timers, heartbeats and other requests all freeze. On a
//! current-thread runtime one blocking call freezes the whole server.
//!
//! **Python → Rust:** `aiosqlite` runs `sqlite3` on a background thread and hands results
//! back to the event loop. The Rust equivalent here is the same design, made explicit:
//! one `std::thread` owns the [`rusqlite::Connection`] (it is `Send` but not `Sync`, so a
//! single owner is the natural shape), jobs arrive as boxed closures over a
//! `std::sync::mpsc` channel, and each job answers through a `tokio::sync::oneshot`. Why
//! not `tokio::task::spawn_blocking` per query? It would need the connection behind an
//! `Arc<Mutex<_>>`, could occupy many blocking-pool threads that just queue on that mutex,
//! and loses per-connection state between calls. The crate `tokio-rusqlite` packages this
//! very design. The article's `async for row in cursor` becomes a bounded
//! `tokio::sync::mpsc` channel: the database thread `blocking_send`s each row and waits
//! whenever the consumer falls behind, so a huge table never sits in memory at once.
//!
//! **Keep SQLite's default rollback journal** (no WAL here). Then a stream that really
//! pulls rows one at a time still has its `SELECT` open while the consumer pauses, and that
//! open read keeps other connections from writing until the stream ends or is dropped.
//! The tests use that lock as evidence: a stream that collects the table before sending
//! has already finished reading.
//!
//! **The tests check.**
//! - on a current-thread runtime, a heartbeat task keeps ticking while a slow recursive-CTE
//!   query waits for another connection's lock, and it is the heartbeat that releases the
//!   lock, so a store that blocks the runtime can never pass. Checked by
//!   `the_heartbeat_keeps_ticking_while_a_slow_query_waits`.
//! - every operation (`open` with its schema step, `insert_many`, `count`, `deep_count`,
//!   `stream_names`) waits for a lock off the caller's thread: polled by hand
//!   (`tokio_test::task::spawn`) while another connection holds the file's exclusive lock,
//!   it is `Pending` after its first poll, and completes once the lock is released.
//!   Checked by `a_query_waiting_for_a_lock_leaves_its_future_pending`,
//!   `every_operation_waits_for_a_lock_off_the_callers_thread`.
//! - a waiting operation sleeps until the reply wakes it: while the lock stays held for
//!   100 ms the future is polled at most 4 times in all (it never polls for the reply with
//!   `try_recv` and `yield_now` or a timer). Checked by
//!   `every_operation_waits_for_a_lock_off_the_callers_thread`.
//! - calls made while the database thread is busy queue for it: while a first `count`
//!   waits for another connection's lock (its task not woken), 5,000 more calls are each
//!   handed over at once (first poll `Pending`, and the first call still unfinished, so
//!   sending a job never blocks the caller's thread: no rendezvous, no blocking bounded
//!   channel holding fewer than 5,000 jobs), and neither they nor 3 streams then started
//!   start a new thread (run alone in a child process: no thread per call or per stream, with a
//!   shared mutex or a connection of its own); then all answer. Checked by
//!   `calls_made_while_the_database_thread_is_busy_queue_for_it`.
//! - rows stream in order through a channel of exactly the requested capacity; a consumer
//!   that pauses after one row of 1,000 leaves the stream's read open (another connection
//!   cannot write until it ends); an empty table closes the stream; a consumer that drops
//!   its stream after one row of 2,000 ends the `SELECT` at once: before the store's next
//!   job runs, the process has read under a quarter of the file (`rchar` in
//!   `/proc/self/io`, run alone in a child process), so the database thread did not walk
//!   the rest of the table for nobody after `blocking_send` failed; the store then serves
//!   the next job; and through the statement trace of the store's own connection, the
//!   abandoned stream's `SELECT` returns at most 3 rows of 500 through a channel of 1 (the
//!   row taken, the one waiting in the channel, the one whose send failed), so the walk
//!   shows even where a memory map (`PRAGMA mmap_size`) hides reads from `rchar`. A stream is
//!   one `SELECT` read to its end: through a statement trace on
//!   the store's own connection (every connection opened on the test's file, whichever
//!   thread opens it), a stream of 20 rows through a channel of 3 runs exactly one
//!   statement that selects (no pages re-queried with `LIMIT`/`OFFSET` or `WHERE id >`,
//!   whose read lock drops between pages so a write there skips or repeats rows). Checked by
//!   `ten_thousand_rows_stream_in_order_through_a_small_channel`,
//!   `a_stream_is_one_select_read_to_its_end`,
//!   `a_stream_channel_holds_at_most_the_requested_capacity`,
//!   `a_paused_stream_is_still_reading_the_table`, `an_empty_table_streams_nothing_and_closes`,
//!   `dropping_a_stream_ends_its_select_and_leaves_the_store_usable`,
//!   `a_dropped_stream_steps_its_select_no_further`.
//! - rows are sent as the cursor yields them, not read ahead into a buffer: with the third
//!   row's name unreadable (a BLOB), the first two names arrive, then one `Err` ends the
//!   stream; with capacity 2 and three rows, once the channel is full (none taken) and every
//!   other thread sleeps on a futex (run alone in a child process), the `SELECT` has not
//!   reached its end (another connection still cannot write), so no chunk or page of rows
//!   was read ahead beyond the one row waiting for room. Checked by
//!   `the_rows_before_a_bad_row_arrive_before_its_error`,
//!   `a_stream_reads_no_further_ahead_than_its_channel_holds`.
//! - while the consumer pauses, the database thread sleeps until it is woken
//!   (`blocking_send`), it does not poll the full channel: run alone in a child process of
//!   the test binary, every other thread of the process is soon waiting on a futex with no
//!   timeout (kernel wait channel and syscall arguments in `/proc`), not on a timer (a
//!   sleep, `recv_timeout`, `park_timeout`) or running, and wakes at most 3 times in the
//!   next 200 ms; likewise an idle database thread blocks on its job channel (no
//!   `try_recv` and sleep, no `recv_timeout` loop), and the store has exactly one thread of
//!   its own after open and a batch, and after a later call (one owner thread, no pool of
//!   workers sharing an `Arc<Mutex<Connection>>`; run alone in a child process). Checked by
//!   `a_database_thread_waiting_for_room_in_the_channel_sleeps_until_woken`,
//!   `an_idle_database_thread_sleeps_until_a_job_arrives`.
//! - `insert_many` stores names with a quote, a NUL byte or SQL in them unchanged (they
//!   stream back as given; a name pasted into the SQL text breaks), and binds them: through
//!   the statement trace of the store's own connection, every name (one with a quote) and
//!   power is among the bound values and in no statement's SQL text (names pasted as hex
//!   literals, `CAST(X'..' AS TEXT)`, in a multi-row `INSERT` are pasted all the same).
//!   Checked by `names_travel_as_bound_values_even_when_sql_text_cannot_hold_them`,
//!   `insert_many_binds_every_name_and_power`.
//! - the database thread keeps the connection it opened: once `open` has returned,
//!   `insert_many`, `count`, `deep_count` and `stream_names` open no connection to the file
//!   (SQLite's auto-extension hook sees every connection opened on it, whichever thread
//!   opens it), so no job reconnects. Checked by
//!   `the_database_thread_keeps_one_connection_for_every_call`.
//! - the work runs on the store's own thread, not tokio's blocking pool: on a runtime whose
//!   single blocking thread the test keeps busy, `open`, `insert_many`, `count`,
//!   `deep_count` and `stream_names` all answer (within 5 s; it takes milliseconds).
//!   Checked by `every_operation_answers_while_the_runtimes_only_blocking_thread_is_busy`.
//! - `insert_many` is one transaction (the file's change counter rises by one per batch),
//!   and a batch of 20,000 rows (40,000 values, more than one statement can bind) works;
//!   concurrent callers share one store; `deep_count` answers `depth + rows`. Checked by
//!   `insert_many_is_one_transaction`, `clones_share_one_database_thread`,
//!   `deep_count_walks_the_recursive_cte`.
//! - a batch that fails inside the database (a trigger refuses its third row, or its
//!   `COMMIT` fails: the test turns `PRAGMA foreign_keys` on for the store's connection and
//!   the third row breaks a deferred foreign key) is `AsyncError::Sqlite`, writes nothing
//!   and leaves no transaction open on the store's long-lived connection: the store counts
//!   0, another connection can write at once, and the next batch works (a raw `BEGIN` left
//!   open by `?`, or a hand-written `ROLLBACK` that a failed `COMMIT` skips, fails all
//!   three). Checked by
//!   `a_batch_that_fails_midway_writes_nothing_and_leaves_the_store_usable`.
//! - bad input (an empty name in a batch: only whitespace, tabs and newlines too, as Rust's
//!   `trim` sees it; SQL's `trim()` strips only spaces; a zero-capacity stream, a path in a missing
//!   directory) is a typed error. Checked by `a_batch_with_an_empty_name_is_rejected_whole`,
//!   `a_stream_with_no_capacity_is_a_typed_error`,
//!   `opening_a_file_in_a_missing_directory_is_an_error`.
//!
//! **Not checked.** Which thread calls `Connection::open` itself (opening the file does not
//! wait for locks, so no test can tell); the schema step that can wait is checked.
//! Whether `deep_count` really walks its recursive CTE: `SELECT ?1 +
//! count(*)` gives the same answer, and in the tests it is the other connection's lock,
//! not the walk, that makes a query wait; the lesson (waiting off the runtime thread) is
//! checked by every operation, `deep_count` included.
//! Whether the job queue can hold every call: a blocking queue bounded above the 5,000 jobs
//! the flood test sends passes.
//!
//! **Not a dodge.** A bounded job queue whose send is *awaited* (`tokio::sync::mpsc::channel`
//! and `send(..).await`): a caller then waits for room as a pending task, without blocking
//! the runtime's thread, which is backpressure, not a frozen loop.

use std::path::Path;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

/// What can go wrong in the async store.
#[derive(Debug, thiserror::Error)]
pub enum AsyncError {
    /// The row at this (zero-based) index of the batch had an empty name.
    #[error("row {0} of the batch has an empty name")]
    EmptyName(usize),
    /// A stream needs room for at least one row.
    #[error("a row stream needs a capacity of at least 1")]
    ZeroCapacity,
    /// The database thread has stopped.
    #[error("the database thread has stopped")]
    Closed,
    /// The database thread could not be started.
    #[error("could not start the database thread: {0}")]
    Spawn(#[from] std::io::Error),
    /// The database failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A handle to a SQLite database served by its own thread; cheap to clone.
#[derive(Debug, Clone)]
pub struct AsyncStore {
    jobs: std_mpsc::Sender<Job>,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS warriors (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    power REAL NOT NULL
)";

/// How long the database thread waits for another connection's lock.
const BUSY_WAIT: Duration = Duration::from_secs(5);

fn connect(path: &Path) -> Result<Connection, AsyncError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_WAIT)?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

impl AsyncStore {
    /// Starts the database thread on the file at `path` (created if missing).
    pub async fn open(path: &Path) -> Result<Self, AsyncError> {
        let path = path.to_owned();
        let (jobs, inbox) = std_mpsc::channel::<Job>();
        let (ready, opened) = oneshot::channel();
        std::thread::Builder::new()
            .name("sqlite".into())
            .spawn(move || match connect(&path) {
                Ok(mut conn) => {
                    let _ = ready.send(Ok(()));
                    for job in inbox {
                        job(&mut conn);
                    }
                }
                Err(error) => {
                    let _ = ready.send(Err(error));
                }
            })?;
        opened.await.map_err(|_| AsyncError::Closed)??;
        Ok(Self { jobs })
    }

    /// Runs `work` on the database thread and awaits its answer.
    async fn call<T, F>(&self, work: F) -> Result<T, AsyncError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, AsyncError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Box::new(move |conn| {
                let _ = reply.send(work(conn));
            }))
            .map_err(|_| AsyncError::Closed)?;
        answer.await.map_err(|_| AsyncError::Closed)?
    }

    /// Inserts all `rows` (name, power) in one transaction; returns how many.
    pub async fn insert_many(&self, rows: Vec<(String, f64)>) -> Result<usize, AsyncError> {
        if let Some(index) = rows.iter().position(|(name, _)| name.trim().is_empty()) {
            return Err(AsyncError::EmptyName(index));
        }
        self.call(move |conn| {
            let tx = conn.transaction()?;
            {
                let mut insert =
                    tx.prepare("INSERT INTO warriors (name, power) VALUES (?1, ?2)")?;
                for (name, power) in &rows {
                    insert.execute(rusqlite::params![name, power])?;
                }
            }
            tx.commit()?;
            Ok(rows.len())
        })
        .await
    }

    /// The number of warriors.
    pub async fn count(&self) -> Result<u64, AsyncError> {
        self.call(|conn| Ok(conn.query_row("SELECT count(*) FROM warriors", [], |row| row.get(0))?))
            .await
    }

    /// A deliberately slow query: a recursive CTE walks `depth` steps, then the roster is
    /// counted; returns `depth + number of warriors`.
    pub async fn deep_count(&self, depth: u64) -> Result<u64, AsyncError> {
        self.call(move |conn| {
            Ok(conn.query_row(
                "WITH RECURSIVE steps(n) AS (
                     SELECT 1 WHERE ?1 > 0
                     UNION ALL
                     SELECT n + 1 FROM steps WHERE n < ?1
                 )
                 SELECT (SELECT count(*) FROM steps) + (SELECT count(*) FROM warriors)",
                [depth],
                |row| row.get(0),
            )?)
        })
        .await
    }

    /// Streams every warrior's name in id order through a channel holding at most
    /// `capacity` rows; a database error arrives as an `Err` item and ends the stream.
    pub fn stream_names(
        &self,
        capacity: usize,
    ) -> Result<mpsc::Receiver<Result<String, AsyncError>>, AsyncError> {
        if capacity == 0 {
            return Err(AsyncError::ZeroCapacity);
        }
        let (rows, stream) = mpsc::channel(capacity);
        self.jobs
            .send(Box::new(move |conn| {
                if let Err(error) = send_names(conn, &rows) {
                    let _ = rows.blocking_send(Err(error));
                }
            }))
            .map_err(|_| AsyncError::Closed)?;
        Ok(stream)
    }
}

/// Sends each name; stops quietly when the receiver is gone.
fn send_names(
    conn: &Connection,
    rows: &mpsc::Sender<Result<String, AsyncError>>,
) -> Result<(), AsyncError> {
    let mut stmt = conn.prepare("SELECT name FROM warriors ORDER BY id")?;
    let mut cursor = stmt.query([])?;
    while let Some(row) = cursor.next()? {
        if rows.blocking_send(Ok(row.get(0)?)).is_err() {
            break;
        }
    }
    Ok(())
}
