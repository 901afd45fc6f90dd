//! What the article's advice buys in time: a test double instead of the network, and a
//! rolled-back transaction instead of a new database per test.
//!
//! `cargo bench -p solution-d21-testing --bench doubles`

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use solution_d21_testing::fake_http::fetch_user;
use solution_d21_testing::humble_checkout::{
    Cart, ChargeRequest, LineItem, PaymentClient, PaymentError, Receipt, checkout,
};
use solution_d21_testing::teardown_fixture::TestDb;

/// The in-memory double a unit test would pass to `checkout`.
struct AlwaysApproves;

impl PaymentClient for AlwaysApproves {
    fn charge(&self, request: &ChargeRequest) -> Result<Receipt, PaymentError> {
        Ok(Receipt {
            charge_id: "ch_bench".to_owned(),
            amount: request.amount,
        })
    }
}

/// A minimal HTTP server on 127.0.0.1 that answers every request with one user.
fn spawn_user_server() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    thread::spawn(move || {
        let body = r#"{"id":7,"name":"Ada","email":"ada@example.com"}"#;
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            // Read the request head up to the blank line, then answer.
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = (&stream).write_all(response.as_bytes());
        }
    });
    Ok(address)
}

fn double_vs_loopback(c: &mut Criterion) {
    let cart = Cart {
        order_id: "42".to_owned(),
        user_id: "usr_99".to_owned(),
        items: vec![LineItem {
            sku: "book".to_owned(),
            unit_price: Decimal::new(1999, 2),
            quantity: 1,
        }],
    };
    let base_url = match spawn_user_server() {
        Ok(address) => format!("http://{address}"),
        Err(e) => panic!("the bench server could not bind 127.0.0.1:0: {e}"),
    };
    let mut group = c.benchmark_group("double_vs_loopback");
    group.bench_function("checkout_with_in_memory_double", |b| {
        b.iter(|| checkout(black_box(&cart), &AlwaysApproves))
    });
    group.bench_function("fetch_user_over_loopback_http", |b| {
        b.iter(|| fetch_user(black_box(&base_url), 7))
    });
    group.finish();
}

fn fixture_setup(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("no temp dir for the bench: {e}"),
    };
    let shared = dir.path().join("shared.sqlite3");
    let mut group = c.benchmark_group("fixture_setup");
    group.bench_function("fresh_database_per_test", |b| {
        b.iter(|| {
            let db = TestDb::fresh().ok();
            black_box(db.map(|db| db.insert_user("ada@example.com").is_ok()))
        })
    });
    group.bench_function("rollback_on_a_shared_file", |b| {
        b.iter(|| {
            let db = TestDb::open_at(&shared).ok();
            black_box(db.map(|db| db.insert_user("ada@example.com").is_ok()))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = double_vs_loopback, fixture_setup
}
criterion_main!(benches);
