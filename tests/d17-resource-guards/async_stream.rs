//! Kata 7: `stream_rows`, the article's `async for` as a lazy `Stream` of pages.

use std::time::Duration;

use futures::StreamExt;
use proptest::prelude::*;
use rstest::rstest;
use tokio_test::{assert_pending, assert_ready, task};

use super::paused_runtime;
use crate::async_stream::{FETCH_LATENCY, FetchError, Row, RowSource, stream_rows};

/// Deadlock guard in simulated time.
async fn guard<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3600), fut)
        .await
        .expect("the stream must answer: nothing in this kata waits forever")
}

/// Pulls up to `max` items (a stream that never ends must still fail fast).
async fn pull(source: &RowSource, page_size: usize, max: usize) -> Vec<Result<Row, FetchError>> {
    let rows = stream_rows(source, page_size).expect("a valid page size");
    guard(rows.take(max).collect()).await
}

fn ids(items: &[Result<Row, FetchError>]) -> Vec<u64> {
    items
        .iter()
        .filter_map(|item| item.as_ref().ok().map(|row| row.id))
        .collect()
}

#[rstest]
#[case::empty_table(0, 3, 1)]
#[case::one_row(1, 3, 1)]
#[case::an_exact_number_of_pages(6, 3, 3)]
#[case::a_short_last_page(7, 3, 3)]
#[case::page_of_one(4, 1, 5)]
#[tokio::test(start_paused = true)]
async fn streams_every_row_in_order_fetching_page_by_page(
    #[case] rows: u64,
    #[case] page_size: usize,
    #[case] fetches: usize,
) {
    let source = RowSource::new(rows);
    let got = pull(&source, page_size, 1000).await;
    assert_eq!(
        ids(&got),
        (0..rows).collect::<Vec<_>>(),
        "a table of {rows} rows must stream every row, in order, with no error"
    );
    assert_eq!(
        source.fetches(),
        fetches,
        "{rows} rows in pages of {page_size} took {} fetches: fetch until a page comes back \
         shorter than page_size (an empty page counts), and not once more",
        source.fetches()
    );
}

#[tokio::test(start_paused = true)]
async fn rows_carry_the_sources_data() {
    let source = RowSource::new(300);
    let got = pull(&source, 100, 1000).await;
    assert_eq!(
        got.get(257).cloned(),
        Some(Ok(Row {
            id: 257,
            ip: "10.0.1.1".to_owned()
        })),
        "row 257 must be handed out as the source fetched it"
    );
}

#[tokio::test(start_paused = true)]
async fn creating_the_stream_fetches_nothing() {
    let source = RowSource::new(1_000_000);
    let rows = stream_rows(&source, 50).expect("a valid page size");
    let fetched = source.fetches();
    drop(rows);
    assert_eq!(
        fetched, 0,
        "stream_rows only describes the work: nothing may be fetched before the first \
         next().await (like an async generator that has not been iterated)"
    );
}

#[tokio::test(start_paused = true)]
async fn the_next_page_is_fetched_only_when_the_buffer_runs_dry() {
    let source = RowSource::new(1_000_000);
    let mut rows = stream_rows(&source, 10).expect("a valid page size");
    let mut seen = Vec::new();
    for pulled in 1..=21 {
        let row = guard(rows.next()).await;
        assert!(matches!(row, Some(Ok(_))), "row {pulled} must arrive");
        seen.push(source.fetches());
    }
    let expected: Vec<usize> = (1..=21).map(|n: usize| n.div_ceil(10)).collect();
    assert_eq!(
        seen, expected,
        "fetches after each pulled row: page n+1 may be fetched only when row 10n+1 is \
         pulled (lazy, one page of rows in memory)"
    );
}

#[test]
fn the_stream_holds_one_page_not_the_whole_table() {
    const ROWS: u64 = 4000;
    const PAGE: usize = 10;
    let runtime = paused_runtime("a test runtime");
    let source = RowSource::new(ROWS);
    // The current-thread runtime polls the stream on this thread, where the heap is measured.
    let (seen, peak) = crate::suite::heap::peak_heap(|| {
        runtime.block_on(async {
            let mut rows = stream_rows(&source, PAGE).expect("a valid page size");
            let mut seen = 0u64;
            while let Some(row) = guard(rows.next()).await {
                seen += u64::from(row.is_ok());
            }
            seen
        })
    });
    assert_eq!(seen, ROWS, "every row must be streamed");
    assert!(
        peak < 32 * 1024,
        "streaming {ROWS} rows in pages of {PAGE}, each row dropped by the consumer at once, \
         held {peak} bytes at once: the stream keeps the rows it already handed out; hold \
         only the current page (pop rows off it), so memory does not grow with the table"
    );
}

#[tokio::test(start_paused = true)]
async fn stopping_early_stops_fetching() {
    let source = RowSource::new(1_000_000);
    let got = pull(&source, 100, 3).await;
    assert_eq!(
        (ids(&got), source.fetches()),
        (vec![0, 1, 2], 1),
        "the consumer took 3 rows of a million: one page of 100 is all that may be fetched"
    );
}

#[tokio::test(start_paused = true)]
async fn each_fetch_asks_for_one_page() {
    let source = RowSource::new(25);
    let _ = pull(&source, 10, 1000).await;
    assert_eq!(
        source.limits(),
        vec![10, 10, 10],
        "every fetch must ask for page_size rows: fetching the whole table in one call \
         holds it all in memory, which is what streaming avoids"
    );
}

#[tokio::test(start_paused = true)]
async fn the_next_row_waits_for_the_fetch_without_blocking() {
    let source = RowSource::new(5);
    let mut rows = stream_rows(&source, 5).expect("a valid page size");
    let mut first = task::spawn(rows.next());
    assert_pending!(
        first.poll(),
        "the first row needs a fetch, which takes FETCH_LATENCY: next() must be pending, \
         yielding to the runtime, not blocking the thread"
    );
    tokio::time::advance(FETCH_LATENCY).await;
    let row = assert_ready!(first.poll(), "the fetch has completed");
    assert_eq!(
        row.map(|r| r.map(|r| r.id)),
        Some(Ok(0)),
        "the first row arrives once the page does"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fetch_error_is_yielded_once_and_ends_the_stream() {
    let source = RowSource::new(100).failing_at(25);
    let got = pull(&source, 10, 1000).await;
    assert_eq!(
        (ids(&got), got.last().cloned(), source.fetches()),
        (
            (0..20).collect::<Vec<_>>(),
            Some(Err(FetchError::Server { offset: 20 })),
            3
        ),
        "the third page fails: the stream must hand out the 20 good rows, then the error \
         once, then end without fetching again"
    );
}

#[tokio::test(start_paused = true)]
async fn a_zero_page_size_is_rejected() {
    let source = RowSource::new(10);
    let got = stream_rows(&source, 0).map(|_| ()).err();
    assert_eq!(
        (got, source.fetches()),
        (Some(FetchError::ZeroPageSize), 0),
        "a page size of 0 would fetch empty pages forever: stream_rows must refuse it"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    /// Streaming hands out exactly the table, with `rows / page_size + 1` fetches.
    #[test]
    fn streaming_equals_the_table_with_one_fetch_per_page(rows in 0u64..40, page_size in 1usize..9) {
        let runtime = paused_runtime("a runtime");
        let source = RowSource::new(rows);
        let got = runtime.block_on(pull(&source, page_size, 1000));
        prop_assert_eq!(ids(&got), (0..rows).collect::<Vec<_>>());
        prop_assert_eq!(got.len() as u64, rows, "no errors expected");
        prop_assert_eq!(source.fetches() as u64, rows / page_size as u64 + 1,
            "{} rows in pages of {}: one fetch per full page plus the short last one",
            rows, page_size);
    }
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): a failing
/// page anywhere in larger tables and pages, and the fetch count after any number of rows
/// pulled (the visible suite fails one fixed page and counts one fixed prefix).
#[cfg(feature = "held-out")]
mod held_out {
    use proptest::prelude::*;

    use super::{ids, paused_runtime, pull};
    use crate::async_stream::{FetchError, RowSource};

    proptest! {
        #![proptest_config(super::super::proptest_config())]

        /// The rows before the failing page, then its error once, then the end: one fetch
        /// per page up to the failing one.
        #[test]
        fn a_failing_page_anywhere_ends_the_stream_after_its_error(
            (rows, fail_at) in (1u64..300).prop_flat_map(|rows| (Just(rows), 0..rows)),
            page_size in 1usize..40,
        ) {
            let source = RowSource::new(rows).failing_at(fail_at);
            let got = paused_runtime("a test runtime").block_on(pull(&source, page_size, 1000));
            let page = fail_at / page_size as u64;
            let offset = page * page_size as u64;
            prop_assert_eq!(ids(&got), (0..offset).collect::<Vec<_>>(),
                "{} rows in pages of {}, row {} failing: every row before the failing page \
                 must come out, in order", rows, page_size, fail_at);
            prop_assert_eq!(got.len() as u64, offset + 1,
                "after the good rows exactly one item must follow, the error, then the end");
            prop_assert_eq!(got.last().cloned(), Some(Err(FetchError::Server { offset })),
                "the page at offset {} failed: its error must be the last item", offset);
            prop_assert_eq!(source.fetches() as u64, page + 1,
                "one fetch per page up to the failing one, none after it");
        }

        /// After pulling `k` rows, exactly `ceil(k / page_size)` pages have been fetched.
        #[test]
        fn pulling_k_rows_fetches_only_the_pages_they_are_on(
            (rows, pulled) in (0u64..300).prop_flat_map(|rows| (Just(rows), 0..=rows)),
            page_size in 1usize..40,
        ) {
            let source = RowSource::new(rows);
            let max = usize::try_from(pulled).expect("small");
            let got = paused_runtime("a test runtime").block_on(pull(&source, page_size, max));
            prop_assert_eq!(ids(&got), (0..pulled).collect::<Vec<_>>(),
                "the first {} rows of {}, in order", pulled, rows);
            prop_assert_eq!(source.fetches() as u64, pulled.div_ceil(page_size as u64),
                "{} rows pulled from a table of {} in pages of {} took {} fetches: fetch the \
                 next page only when the consumer asks for a row past the fetched ones",
                pulled, rows, page_size, source.fetches());
        }
    }
}
