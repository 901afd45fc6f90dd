//! `kill -9` in the middle of a load, then a restart on the same directory: every snapshot
//! the server acknowledged is stored, and the learners and all tokens still work.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Server, poll, post, post_with, snapshot};
use rusqlite::{Connection, OpenFlags};

const LEARNERS: usize = 8;

#[test]
fn kill_9_mid_load_then_a_restart_keeps_every_acknowledged_snapshot_learners_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    let names: Vec<String> = (0..LEARNERS).map(|i| format!("learner-{i}")).collect();
    let tokens: Vec<String> = names.iter().map(|n| server.join(n)).collect();

    // (learner, seq, checks) of every 200.
    let acked: Arc<Mutex<Vec<(usize, i64, u32)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..LEARNERS)
        .map(|i| {
            let (url, token, name) = (server.url.clone(), tokens[i].clone(), names[i].clone());
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(5)))
                    .build()
                    .into();
                let mut checks = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    checks += 1;
                    let body = snapshot(
                        &name,
                        Some("d16-iterators/lazy_pipeline"),
                        &[(
                            "d16-iterators/lazy_pipeline",
                            "red",
                            checks,
                            0,
                            4,
                            Some("t"),
                        )],
                    );
                    match post_with(&agent, &url, "/api/snapshot", Some(&token), &body) {
                        (200, text) => {
                            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                            acked
                                .lock()
                                .unwrap()
                                .push((i, v["seq"].as_i64().unwrap(), checks));
                        }
                        // Over the rate limit: the next one goes through later.
                        (429, _) => std::thread::sleep(Duration::from_millis(20)),
                        // The server is gone.
                        _ => break,
                    }
                }
            })
        })
        .collect();
    let enough = poll(Duration::from_secs(20), || {
        (acked.lock().unwrap().len() >= 120).then_some(())
    });
    assert!(enough.is_some(), "the load never got going");
    server.kill9();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();

    let restarted = Server::start(dir.path(), &[]);
    assert_eq!(restarted.facilitator_token, server.facilitator_token);
    assert_eq!(restarted.join_token, server.join_token);

    // Every acknowledged seq is stored, under its learner.
    let db = Connection::open_with_flags(
        dir.path().join("room.sqlite3"),
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let stored: HashMap<i64, String> = db
        .prepare("SELECT s.seq, l.name FROM snapshots s JOIN learners l ON l.id = s.learner_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (i, seq, _) in &acked {
        assert_eq!(
            stored.get(seq),
            Some(&names[*i]),
            "acknowledged seq {seq} lost"
        );
    }

    // The room has every learner, each with a latest snapshot at least as new as the last
    // acknowledged one.
    let room = restarted.room();
    let learners = room["learners"].as_array().unwrap();
    assert_eq!(learners.len(), LEARNERS);
    for (i, name) in names.iter().enumerate() {
        let l = learners
            .iter()
            .find(|l| l["name"] == name.as_str())
            .unwrap();
        let (last_seq, last_checks) = acked
            .iter()
            .filter(|a| a.0 == i)
            .map(|a| (a.1, a.2))
            .max()
            .unwrap();
        assert!(l["last_seq"].as_i64().unwrap() >= last_seq, "{l}");
        assert!(
            l["katas"]["d16-iterators/lazy_pipeline"]["checks"]
                .as_u64()
                .unwrap()
                >= u64::from(last_checks)
        );
    }

    // The old tokens still work.
    for (i, token) in tokens.iter().enumerate() {
        let body = snapshot(
            &names[i],
            None,
            &[("d16-iterators/lazy_pipeline", "green", 99, 4, 4, None)],
        );
        let (status, text) = post(&restarted.url, "/api/snapshot", Some(token), &body);
        assert_eq!(status, 200, "{text}");
    }
}
