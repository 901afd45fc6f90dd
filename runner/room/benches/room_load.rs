//! Load bench (not a timed test): the room server in-process on 127.0.0.1:0, 50 learners
//! each posting a realistic snapshot (every kata of katas.toml, as `cargo kata report --json`
//! writes it) twice a second for 60 s, and a dashboard following `/api/events`. Prints how
//! many acknowledged snapshots were lost (must be 0: every 200 is in the database) and the
//! latency of a snapshot post (p50, p99, max).
//!
//!     cargo bench -p kata-room --bench room_load
//!     ROOM_LOAD_LEARNERS=100 ROOM_LOAD_SECS=30 cargo bench -p kata-room --bench room_load
//!
//! Without `--bench` (`cargo test --benches`), a 3-learner, 2-second smoke run.
//! Figures: docs/room-load.md.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kata_room::{Config, start};
use serde_json::{Value, json};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every kata of the curriculum as the runner reports it; learner `i` at step `k` has its
/// first katas green and is stuck-ish on the next one.
fn snapshot(katas: &[(String, String, Vec<String>)], name: &str, i: usize, k: usize) -> String {
    let done = (i % 7 + k / 20).min(katas.len());
    let rows: Vec<Value> = katas
        .iter()
        .enumerate()
        .map(|(j, (id, title, concepts))| {
            let (status, passed, checks) = match j {
                j if j < done => ("green", 6, 3 + (j % 5) as u32),
                j if j == done => ("red", 1, 1 + (k % 15) as u32),
                _ => ("not_started", 0, 0),
            };
            json!({
                "id": id, "title": title, "concepts": concepts, "status": status,
                "tests_passed": passed, "tests_total": if checks > 0 { 6 } else { 0 },
                "checks": checks, "practice_checks": 0,
                "time_to_green_secs": if status == "green" { Some(60 + 37 * j as u64) } else { None },
                "hints_used": j % 3, "solution_peeked": false,
                "stuck": status == "red" && checks >= 8,
                "similarity": null, "record": "full", "time_box_secs": null,
                "failing_test": if status == "red" { Some(format!("suite::{}::handles_the_edge_case", id.replace('/', "::"))) } else { None },
            })
        })
        .collect();
    json!({
        "schema_version": 2, "learner": name, "generated_at": 1_800_000_000u64 + k as u64,
        "plan": null,
        "history": {"rebuilt": false, "rebuilt_at": null, "set_aside": [], "no_record": false, "record_edited": []},
        "current_kata": katas.get(done).map(|k| k.0.clone()),
        "katas": rows,
        "concepts": [], "exams": [], "green": done, "total": katas.len(),
    })
    .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (learners, secs) = if full {
        (
            env_or("ROOM_LOAD_LEARNERS", 50),
            env_or("ROOM_LOAD_SECS", 60),
        )
    } else {
        (3, 2)
    };
    let per_sec = 2;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let manifest = kata_runner::manifest::Manifest::load(&root).expect("katas.toml");
    let katas: Vec<(String, String, Vec<String>)> = manifest
        .katas()
        .iter()
        .map(|k| (k.key(), k.kata.title.clone(), k.kata.concepts.clone()))
        .collect();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let running = runtime
        .block_on(start(Config::new(
            "127.0.0.1:0".parse().unwrap(),
            dir.path().join("room"),
        )))
        .expect("starting the room");
    let url = running.url();
    let size = snapshot(&katas, "learner-00", 0, 0).len();
    println!(
        "room_load: {learners} learners x {per_sec} snapshots/s x {secs} s; a snapshot is {:.1} KiB ({} katas); {} cores",
        size as f64 / 1024.0,
        katas.len(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // A dashboard following the room.
    let events = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let dashboard = {
        let (events, done) = (events.clone(), done.clone());
        let host = running.addr.to_string();
        let token = running.facilitator_token.clone();
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(&host).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            write!(
                s,
                "GET /api/events?token={token} HTTP/1.1\r\nHost: {host}\r\n\r\n"
            )
            .unwrap();
            let mut buf = vec![0u8; 1 << 16];
            let mut tail: Vec<u8> = Vec::new();
            while !done.load(Ordering::Relaxed) {
                if let Ok(n) = s.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    tail.extend_from_slice(&buf[..n]);
                    let needle = b"event: room";
                    let found = tail.windows(needle.len()).filter(|w| w == needle).count();
                    events.fetch_add(found, Ordering::Relaxed);
                    // Keep less than a needle: a match split between reads is still found.
                    let keep = tail.len().saturating_sub(needle.len() - 1);
                    tail.drain(..keep);
                }
            }
        })
    };

    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let posted = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(AtomicUsize::new(0));
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let t0 = Instant::now() + Duration::from_millis(500);
    let threads: Vec<_> = (0..learners)
        .map(|i| {
            let (url, join_token) = (url.clone(), running.join_token.clone());
            let katas = katas.clone();
            let (latencies, posted, acked, failures) = (
                latencies.clone(),
                posted.clone(),
                acked.clone(),
                failures.clone(),
            );
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let name = format!("learner-{i:02}");
                let mut r = agent
                    .post(format!("{url}/api/join"))
                    .send(json!({"name": name, "join_token": join_token}).to_string())
                    .expect("join");
                let v: Value =
                    serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
                let token = v["learner_token"].as_str().unwrap().to_string();
                // Learners spread over the half second, as real ones would be.
                let offset = Duration::from_millis((i * 1000 / per_sec / learners.max(1)) as u64);
                // Made before the clock starts, so the learners' side costs little CPU (in a
                // room it runs on other machines): ten states of progress, in turn.
                let bodies: Vec<String> = (0..10)
                    .map(|v| snapshot(&katas, &name, i, v * 12))
                    .collect();
                let mut mine = Vec::new();
                for k in 0..secs * per_sec {
                    let at = t0 + offset + Duration::from_millis((k * 1000 / per_sec) as u64);
                    if let Some(wait) = at.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let body = bodies[k % bodies.len()].as_str();
                    posted.fetch_add(1, Ordering::Relaxed);
                    let start = Instant::now();
                    let result = agent
                        .post(format!("{url}/api/snapshot"))
                        .header("authorization", format!("Bearer {token}"))
                        .send(body);
                    mine.push(start.elapsed());
                    match result {
                        Ok(mut r) if r.status().as_u16() == 200 => {
                            let _ = r.body_mut().read_to_string();
                            acked.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(mut r) => failures.lock().unwrap().push(format!(
                            "{name} #{k}: {} {}",
                            r.status(),
                            r.body_mut().read_to_string().unwrap_or_default()
                        )),
                        Err(e) => failures.lock().unwrap().push(format!("{name} #{k}: {e}")),
                    }
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let wall = t0.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = dashboard.join();

    let stored: i64 = {
        let db = rusqlite::Connection::open_with_flags(
            dir.path().join("room").join("room.sqlite3"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        db.query_row("SELECT count(*) FROM snapshots", [], |r| r.get(0))
            .unwrap()
    };
    runtime.block_on(running.stop());

    let posted = posted.load(Ordering::Relaxed);
    let acked = acked.load(Ordering::Relaxed);
    let failures = failures.lock().unwrap();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_unstable();
    // Lost: posted and not acknowledged, or acknowledged and not stored.
    let lost = (posted - acked) + acked.saturating_sub(stored as usize);
    println!(
        "posted {posted}, acknowledged {acked}, stored {stored}, lost {lost} (in {:.1} s, {:.0} snapshots/s)",
        wall.as_secs_f64(),
        acked as f64 / wall.as_secs_f64()
    );
    println!(
        "latency of a snapshot post: p50 {}, p99 {}, max {}",
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or_default())
    );
    println!(
        "dashboard: {} room events received",
        events.load(Ordering::Relaxed)
    );
    for f in failures.iter().take(10) {
        println!("  failed: {f}");
    }
    if lost > 0 {
        std::process::exit(1);
    }
}
