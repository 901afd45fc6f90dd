//! Dodge: the first `next()` fetches every page into a `Vec` and the stream only replays it: the rows are right, but the whole table is held in memory and an early stop still reads it all.
//! Caught by: the_next_page_is_fetched_only_when_the_buffer_runs_dry, stopping_early_stops_fetching

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
    let all = stream::once(async move {
        // Fetch every page up front, then hand the rows out.
        let mut rows = Vec::new();
        let mut offset = 0u64;
        loop {
            match source.fetch(offset, page_size).await {
                Ok(page) => {
                    let short = page.len() < page_size;
                    offset += page.len() as u64;
                    rows.extend(page.into_iter().map(Ok));
                    if short {
                        break;
                    }
                }
                Err(e) => {
                    rows.push(Err(e));
                    break;
                }
            }
        }
        stream::iter(rows)
    });
    let rows = all.flatten();
    Ok(rows.boxed())
}
