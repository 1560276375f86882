//! Benchmark: webhook-to-WebSocket delivery latency on opbx-local.
//!
//! Starts opbx-local (embedded stores) on loopback, sets up 100 organizations with 10 WebSocket
//! clients each (1 000 clients), then posts session updates one after another, each a new call
//! of one organization, round robin. For every event a client receives, the latency is the time
//! from just before the webhook request was sent to the moment the client read the event. Prints
//! p50/p99/max over all deliveries, the webhooks' own response times, and checks that no client
//! got another organization's event.
//!
//!   cargo build --release -p opbx-local && cargo run --release -p opbx-tests --bin bench-ws
//!
//! `BENCH_WEBHOOKS` (default 1000) sets how many webhooks are posted, `BENCH_ORGS` (100) and
//! `BENCH_CLIENTS_PER_ORG` (10) the audience. Not part of the tests.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use opbx::adapters::sql::SqlStore;
use opbx_tests::local::{LocalProcess, temp_dir};
use opbx_tests::realtime::{RealtimeOrg, post_webhook, ws_connect};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// One event as a client read it.
struct Seen {
    org: usize,
    call_id: String,
    at: Instant,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let setting = |name: &str, default: usize| -> usize {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let webhooks = setting("BENCH_WEBHOOKS", 1000);
    let (orgs_n, clients_per_org) = (
        setting("BENCH_ORGS", 100),
        setting("BENCH_CLIENTS_PER_ORG", 10),
    );
    let dir = temp_dir();
    let mut pbx = LocalProcess::start(&dir, &[]).await;
    let addr = pbx.addr();
    let store = SqlStore::connect(&format!("sqlite://{}", dir.join("opbx.db").display()), 2)
        .await
        .expect("open opbx-local's database");
    let mut orgs = Vec::new();
    for _ in 0..orgs_n {
        orgs.push(RealtimeOrg::create(&store).await);
    }

    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<Seen>();
    for (org_index, org) in orgs.iter().enumerate() {
        for _ in 0..clients_per_org {
            let mut ws = ws_connect(addr, &org.api_token).await;
            let seen_tx = seen_tx.clone();
            tokio::spawn(async move {
                while let Some(Ok(message)) = ws.next().await {
                    let at = Instant::now();
                    if let Message::Text(text) = message {
                        let event: serde_json::Value = serde_json::from_str(&text).unwrap();
                        let call_id = event["call"]["call_id"].as_str().unwrap().to_owned();
                        let _ = seen_tx.send(Seen {
                            org: org_index,
                            call_id,
                            at,
                        });
                    }
                }
            });
        }
    }
    drop(seen_tx);

    // Warm-up: one call per organization, not measured.
    for (i, org) in orgs.iter().enumerate() {
        let body = org.session_update(&format!("warmup-{i}"), "ringing");
        post_webhook(
            addr,
            "/webhooks/cloudonix/session",
            Some(&org.webhook_key),
            &body,
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    while seen_rx.try_recv().is_ok() {}

    let mut sent: HashMap<String, (usize, Instant)> = HashMap::new();
    let mut responses = Vec::with_capacity(webhooks);
    let started = Instant::now();
    for n in 0..webhooks {
        let org_index = n % orgs_n;
        let org = &orgs[org_index];
        let call_id = format!("bench-{n}");
        let body = org.session_update(&call_id, "ringing");
        let t0 = Instant::now();
        sent.insert(call_id, (org_index, t0));
        let (status, text) = post_webhook(
            addr,
            "/webhooks/cloudonix/session",
            Some(&org.webhook_key),
            &body,
        )
        .await;
        responses.push(t0.elapsed());
        assert_eq!(status, 200, "{text}");
    }
    let elapsed = started.elapsed();

    let expected = webhooks * clients_per_org;
    let mut latencies = Vec::with_capacity(expected);
    let mut crossed = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while latencies.len() < expected {
        let Ok(Some(seen)) = tokio::time::timeout_at(deadline, seen_rx.recv()).await else {
            break;
        };
        let Some((org_index, t0)) = sent.get(&seen.call_id) else {
            continue;
        };
        if *org_index != seen.org {
            crossed += 1;
        }
        latencies.push(seen.at.duration_since(*t0));
    }
    latencies.sort();
    responses.sort();

    println!(
        "webhook-to-WebSocket delivery on opbx-local: {orgs_n} organizations x {clients_per_org} clients = {} clients",
        orgs_n * clients_per_org
    );
    println!(
        "webhooks: {webhooks} sequential session updates in {:.2} s ({:.0}/s); response p50 {:.2} ms, p99 {:.2} ms",
        elapsed.as_secs_f64(),
        webhooks as f64 / elapsed.as_secs_f64(),
        ms(percentile(&responses, 0.50)),
        ms(percentile(&responses, 0.99)),
    );
    println!(
        "deliveries: {} of {expected} expected; to another organization's client: {crossed}",
        latencies.len()
    );
    if !latencies.is_empty() {
        println!(
            "delivery latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.99)),
            ms(*latencies.last().unwrap()),
        );
    }
    store.close().await;
    pbx.terminate_gracefully(Duration::from_secs(10)).await;
    let _ = std::fs::remove_dir_all(&dir);
    if latencies.len() != expected || crossed != 0 {
        eprintln!("some events were lost or crossed organizations");
        std::process::exit(1);
    }
}
