//! # Kata 7: async streaming
//!
//! **Build** `stream_rows(&source, page_size)`: a [`Stream`](futures::Stream) of every row
//! of a remote table, fetched `page_size` rows at a time, only when the consumer has used
//! up the rows already fetched. The consumer reads it with
//! `while let Some(row) = rows.next().await`.
//!
//! **Why.** A query that returns 500,000 rows must not become a `Vec` of 500,000 rows. A
//! cursor that fetches one page per round trip keeps one page in memory, and a consumer
//! that stops early (it found what it wanted, or it was cancelled) stops the fetching too.
//!
//! **Python → Rust.** The article's `async for row in connection.cursor(…)` calls
//! `__anext__`, which may await the network. Rust's counterpart of an async iterator is a
//! `Stream` (from the `futures` crate; `tokio-stream` re-exports the same trait): `next()`
//! returns a future of the next item. Like iterators, streams are lazy: nothing runs until
//! someone polls. Without `async gen` blocks on stable Rust, a stream with state is built
//! from a state value and an async step function: `futures::stream::unfold` or
//! `try_unfold` (or by implementing `Stream::poll_next` by hand). The return type here is a
//! boxed stream, `BoxStream`, so you do not have to name the type of your stream
//! (`StreamExt::boxed()` makes one).
//!
//! The tests run on tokio's paused clock, with `tokio_test::task::spawn` for a pending
//! `next()`.
//!
//! **The tests check.**
//! - `page_size == 0` is `FetchError::ZeroPageSize`, before any fetch. Checked by
//!   `a_zero_page_size_is_rejected`.
//! - Creating the stream fetches nothing. Checked by `creating_the_stream_fetches_nothing`.
//! - Every row comes out in order, with the source's data, for several table and page
//!   sizes. Checked by `streams_every_row_in_order_fetching_page_by_page`,
//!   `rows_carry_the_sources_data`.
//! - Each fetch asks for exactly `page_size` rows, starting where the previous page ended.
//!   Checked by `each_fetch_asks_for_one_page`.
//! - The next page is fetched only when every fetched row has been handed out (the fetch
//!   count after each pulled row), and a consumer that stops early stops the fetching.
//!   Checked by `the_next_page_is_fetched_only_when_the_buffer_runs_dry`,
//!   `stopping_early_stops_fetching`.
//! - The stream ends after a page shorter than `page_size` (an empty page counts), so a
//!   table of `n` rows takes `n / page_size + 1` fetches when read to the end. Checked by
//!   `streaming_equals_the_table_with_one_fetch_per_page`.
//! - `next()` is pending while a fetch is in flight: it waits without blocking the thread.
//!   Checked by `the_next_row_waits_for_the_fetch_without_blocking`.
//! - A failed fetch is handed out once as `Err`, and then the stream ends. Checked by
//!   `a_fetch_error_is_yielded_once_and_ends_the_stream`.
//! - The stream holds about one page at a time, not every row fetched so far: 4000 rows in
//!   pages of 10, each dropped by the consumer, peak under 32 KiB of heap. Checked by
//!   `the_stream_holds_one_page_not_the_whole_table`.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::PoisonError;
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};
use thiserror::Error;

/// How long the simulated server takes to answer one fetch.
pub const FETCH_LATENCY: Duration = Duration::from_millis(5);

/// One row of the `access_log` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row's position, from 0.
    pub id: u64,
    /// The client address logged in the row.
    pub ip: String,
}

/// Why rows could not be streamed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    /// A page size of 0 would fetch nothing forever.
    #[error("the page size must be at least 1")]
    ZeroPageSize,
    /// The server failed while fetching the page at this offset.
    #[error("fetching rows from offset {offset} failed")]
    Server {
        /// The offset of the failed fetch.
        offset: u64,
    },
}

#[derive(Debug, Default)]
struct Counters {
    limits: Vec<usize>,
}

/// A simulated remote table of `rows` rows. Every fetch takes [`FETCH_LATENCY`] of
/// `tokio::time` and is counted.
#[derive(Debug)]
pub struct RowSource {
    rows: u64,
    fail_at: Option<u64>,
    counters: Mutex<Counters>,
}

impl RowSource {
    /// A table with `rows` rows: row `i` has id `i` and ip `10.0.{i / 256 % 256}.{i % 256}`.
    pub fn new(rows: u64) -> Self {
        Self {
            rows,
            fail_at: None,
            counters: Mutex::default(),
        }
    }

    /// The same table, except that a fetch whose range includes row `row` fails.
    pub fn failing_at(mut self, row: u64) -> Self {
        self.fail_at = Some(row);
        self
    }

    /// Fetches up to `limit` rows starting at row `offset` (fewer at the end of the table).
    pub async fn fetch(&self, offset: u64, limit: usize) -> Result<Vec<Row>, FetchError> {
        self.counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .limits
            .push(limit);
        tokio::time::sleep(FETCH_LATENCY).await;
        let end = offset
            .saturating_add(u64::try_from(limit).unwrap_or(u64::MAX))
            .min(self.rows);
        if self.fail_at.is_some_and(|row| (offset..end).contains(&row)) {
            return Err(FetchError::Server { offset });
        }
        Ok((offset..end)
            .map(|id| Row {
                id,
                ip: format!("10.0.{}.{}", id / 256 % 256, id % 256),
            })
            .collect())
    }

    /// How many fetches have been made.
    pub fn fetches(&self) -> usize {
        self.limits().len()
    }

    /// The `limit` of every fetch so far, in order.
    pub fn limits(&self) -> Vec<usize> {
        self.counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .limits
            .clone()
    }
}

/// Where the stream is: the next offset to fetch, the rows fetched but not yet handed
/// out, and whether the last page was short (the table has no more rows).
struct Cursor {
    offset: u64,
    buffered: VecDeque<Row>,
    last_page: bool,
}

/// Streams every row of `source`, fetching `page_size` rows at a time and only when the
/// rows already fetched are used up. Ends after the first page shorter than `page_size`
/// (an empty page counts) or after yielding the first error.
pub fn stream_rows(
    source: &RowSource,
    page_size: usize,
) -> Result<BoxStream<'_, Result<Row, FetchError>>, FetchError> {
    if page_size == 0 {
        return Err(FetchError::ZeroPageSize);
    }
    let start = Cursor {
        offset: 0,
        buffered: VecDeque::new(),
        last_page: false,
    };
    let rows = stream::try_unfold(start, move |mut cursor| async move {
        if cursor.buffered.is_empty() && !cursor.last_page {
            let page = source.fetch(cursor.offset, page_size).await?;
            cursor.last_page = page.len() < page_size;
            cursor.offset += page.len() as u64;
            cursor.buffered.extend(page);
        }
        Ok(cursor.buffered.pop_front().map(|row| (row, cursor)))
    });
    Ok(rows.boxed())
}
