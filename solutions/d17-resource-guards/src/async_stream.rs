//! # Kata 7: async streaming
//!
//! `stream_rows` is Python's `async for row in cursor`: a `Stream` that fetches the next
//! page only when the consumer has used up the rows it already has, built with
//! `futures::stream::try_unfold`.

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
