//! Store faults under load (issue 16): Redis taken away in the middle of a stream of voice
//! webhooks, through a [`FaultProxy`] in front of the shared test Redis (the server itself is
//! never stopped). Every request must still be answered 200 with a routed CXML document, from
//! SQL, no call may be lost or logged twice (the database's uniqueness stands in for the replay
//! store), and once Redis is back replays are byte-identical again. The answer times are
//! printed, not asserted.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use opbx::adapters::redis::connection::DEFAULT_DEADLINE;
use opbx_tests::fault_proxy::{FaultProxy, Mode, upstream};
use opbx_tests::{Backend, test_redis_url, unique};
use serde_json::{Value, json};

use crate::fixture::{Answer, Fixture};

const VOICE: &str = "/webhooks/cloudonix/voice";
/// An extension, and a ring group (its round robin lives in Redis).
const DIDS: [&str; 2] = ["+12125550101", "+12125550110"];
const CONCURRENCY: usize = 20;

fn call(to: &str) -> Value {
    let sid = format!("fault-{}", unique());
    json!({"CallSid": sid, "Session": format!("s-{sid}"), "From": "+14155550000", "To": to, "Direction": "inbound"})
}

/// What the caller of every webhook needs: 200, CXML, and a routed call (a `<Dial>`), not an
/// apology.
fn assert_routed(what: &str, a: &Answer) {
    assert_eq!(a.status, 200, "{what}: {}", a.body);
    assert!(a.content_type.starts_with("application/xml"), "{what}");
    assert!(
        a.doc().child("Dial").is_some(),
        "{what} is routed: {}",
        a.body
    );
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(what: &str, answers: &[(Answer, Duration)]) {
    let mut times: Vec<Duration> = answers.iter().map(|(_, t)| *t).collect();
    times.sort();
    println!(
        "{what}: {} requests, {CONCURRENCY} at a time: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
    );
}

/// Sends `calls` (a call may appear several times: a retry) `CONCURRENCY` at a time; returns the
/// answers in order and each one's time.
async fn deliver(fx: &Fixture, calls: &[Value]) -> Vec<(Answer, Duration)> {
    deliver_at(fx, calls, CONCURRENCY).await
}

/// [`deliver`] with `concurrency` requests in flight.
pub(crate) async fn deliver_at(
    fx: &Fixture,
    calls: &[Value],
    concurrency: usize,
) -> Vec<(Answer, Duration)> {
    let mut out: Vec<(usize, Answer, Duration)> =
        futures_util::stream::iter(calls.iter().enumerate())
            .map(|(i, c)| async move {
                let sent = Instant::now();
                let a = fx.post(VOICE, c.clone()).await;
                (i, a, sent.elapsed())
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    out.sort_by_key(|(i, _, _)| *i);
    out.into_iter().map(|(_, a, t)| (a, t)).collect()
}

pub(crate) async fn rows_of(fx: &Fixture, sid: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM call_logs WHERE organization_id = ? AND call_sid = ?")
        .bind(fx.org.to_string())
        .bind(sid)
        .fetch_one(fx.store().pool())
        .await
        .unwrap()
}

async fn redis_taken_away_mid_load(mode: Mode) {
    let url = test_redis_url();
    let proxy = FaultProxy::start(upstream(&url, 6379)).await;
    let fx =
        Fixture::new(Backend::production_via(&proxy.url_for(&url), DEFAULT_DEADLINE).await).await;

    let before: Vec<Value> = (0..40).map(|i| call(DIDS[i % 2])).collect();
    let healthy = deliver(&fx, &before).await;
    for (a, _) in &healthy {
        assert_routed("before the outage", a);
    }
    report(&format!("redis {mode:?}, before"), &healthy);

    proxy.set(mode);
    // New calls, each delivered twice (Cloudonix retrying), and retries of calls answered before.
    let fresh: Vec<Value> = (0..150).map(|i| call(DIDS[i % 2])).collect();
    let mut during: Vec<Value> = fresh.iter().chain(&fresh).cloned().collect();
    during.extend(before.iter().take(20).cloned());
    let started = Instant::now();
    let answers = deliver(&fx, &during).await;
    let outage = started.elapsed();
    for (i, (a, _)) in answers.iter().enumerate() {
        assert_routed(&format!("request {i} during the outage"), a);
    }
    report(&format!("redis {mode:?}, during"), &answers);
    println!(
        "redis {mode:?}: outage of {:.0} ms, deadline {} ms",
        outage.as_secs_f64() * 1000.0,
        DEFAULT_DEADLINE.as_millis()
    );

    proxy.set(Mode::Pass);
    let mut lost = 0;
    let mut duplicated = 0;
    for c in before.iter().chain(&fresh) {
        match rows_of(&fx, c["CallSid"].as_str().unwrap()).await {
            0 => lost += 1,
            1 => {}
            _ => duplicated += 1,
        }
    }
    println!("redis {mode:?}: {lost} call logs lost, {duplicated} duplicated");
    assert_eq!((lost, duplicated), (0, 0), "every call logged exactly once");

    // Back: once the probe finds Redis, retries of calls answered before the outage replay the
    // very bytes they got then.
    let back = Instant::now();
    while fx.state.coordination.counter("faults:probe").await.is_err() {
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "Redis never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "redis {mode:?}: used again {:.0} ms after it came back",
        back.elapsed().as_secs_f64() * 1000.0
    );
    let replays = deliver(&fx, &before[20..]).await;
    for ((again, _), (first, _)) in replays.iter().zip(&healthy[20..]) {
        assert_eq!(
            again.body, first.body,
            "a retry after the outage replays the answer"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_blackholed_mid_load() {
    redis_taken_away_mid_load(Mode::Blackhole).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_refusing_mid_load() {
    redis_taken_away_mid_load(Mode::Refuse).await;
}
